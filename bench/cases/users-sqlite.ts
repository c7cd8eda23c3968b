// Child process: the many-users corpus end to end with state in memory and in a SQLite file
// (checkpoints at the run's default interval and at the end, as `uebac run --state FILE`),
// interleaved round by round; the ratio is what persistence costs at that many users.
import { join } from 'node:path';
import { childMain, progress } from '../child.ts';
import { interleaved, type Timing } from '../measure.ts';
import { e2ePass, load, type PassCount } from '../stages.ts';

export interface UsersSqliteInput { corpus: string; warm: string; bundle: string; rounds: number; tmp: string }
export type UsersSqliteResult = Record<'memory' | 'sqlite', Timing & { count: PassCount }>;

await childMain(async (input: UsersSqliteInput): Promise<UsersSqliteResult> => {
  const b = await load(input.bundle);
  const out = join(input.tmp, 'users-sqlite-out.jsonl');
  const state = join(input.tmp, 'users-state.db');
  const results = await interleaved<PassCount>([
    { name: 'memory', warm: () => e2ePass(b, input.warm, out), run: () => e2ePass(b, input.corpus, out) },
    { name: 'sqlite', warm: () => e2ePass(b, input.warm, out, state), run: () => e2ePass(b, input.corpus, out, state) },
  ], input.rounds, progress);
  const r = {} as UsersSqliteResult;
  for (const [name, { timing, last }] of results) r[name as 'memory' | 'sqlite'] = { ...timing, count: last };
  return r;
});
