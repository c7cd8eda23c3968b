// Child process: end to end over the many-users corpus; peak RSS (getrusage maxrss) of the
// whole process, and the RSS after loading the bundle (before the run) for reference.
import { join } from 'node:path';
import { childMain } from '../child.ts';
import { msSince, nowNs } from '../measure.ts';
import { e2ePass, load, type PassCount } from '../stages.ts';

export interface UsersInput { corpus: string; bundle: string; tmp: string }
export interface UsersResult { baselineRss: number; peakRss: number; ms: number; count: PassCount; heapUsed: number }

await childMain(async ({ corpus, bundle, tmp }: UsersInput): Promise<UsersResult> => {
  const b = await load(bundle);
  const baselineRss = process.memoryUsage().rss;
  const t0 = nowNs();
  const count = await e2ePass(b, corpus, join(tmp, 'users-out.jsonl'));
  const ms = msSince(t0);
  return { baselineRss, peakRss: process.resourceUsage().maxRSS * 1024, ms, count, heapUsed: process.memoryUsage().heapUsed };
});
