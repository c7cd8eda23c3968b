// Child process: in a fresh process, time the first recheck call on a trivial regex (it
// starts recheck's worker and loads its engine) and a second one (steady state).
import { childMain } from './child.ts';

export interface RegexProbe { firstMs: number; secondMs: number }

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

await childMain(async (): Promise<RegexProbe> => {
  const { checkRegexSafety } = await import('../compiler/regex/safety.ts');
  let t = process.hrtime.bigint();
  checkRegexSafety('^bench-probe-(\\d+)$', '');
  const firstMs = ms(t);
  t = process.hrtime.bigint();
  checkRegexSafety('^bench-probe-([a-z]+)-x$', '');
  return { firstMs, secondMs: ms(t) };
});
