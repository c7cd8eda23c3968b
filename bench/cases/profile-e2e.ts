// Child process, started with --cpu-prof: one warm-up and one end-to-end pass over the main
// corpus with the real pack, so the profile shows where the steady state spends its time.
import { join } from 'node:path';
import { childMain } from '../child.ts';
import { e2ePass, load } from '../stages.ts';

export interface ProfileInput { corpus: string; warm: string; bundle: string; tmp: string }

await childMain(async ({ corpus, warm, bundle, tmp }: ProfileInput) => {
  const b = await load(bundle);
  await e2ePass(b, warm, join(tmp, 'profile-out.jsonl'));
  return e2ePass(b, corpus, join(tmp, 'profile-out.jsonl'));
});
