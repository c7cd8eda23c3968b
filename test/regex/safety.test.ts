import { describe, expect, it } from 'vitest';
import { checkRegexSafety } from '../../compiler/regex/safety.ts';
import { translateExabeamRegex } from '../../compiler/regex/translate.ts';
import { capInput } from '../../runtime/regex-guard.ts';

/** Safety of an Exabeam regex, as the compiler will call it (after translation). */
function check(exabeam: string) {
  const t = translateExabeamRegex(exabeam);
  expect(t.problems).toEqual([]);
  return checkRegexSafety(t.source, t.flags);
}

// The first check starts recheck's worker (~0.3 s), hence the generous timeouts.
describe('checkRegexSafety', { timeout: 20_000 }, () => {
  it.each(['^(a+)+$', '(\\w+\\s?)*$', '^(\\d+)*x'])('flags %s as exponential with an attack', (src) => {
    const r = checkRegexSafety(src, '');
    expect(r).toMatchObject({ safe: false, reason: 'vulnerable', complexity: 'exponential' });
    if (r.safe) return;
    expect(r.attack).toMatch(/\.repeat\(\d+\)/);
    expect(r.attack!.length).toBeLessThanOrEqual(100);
    expect(r.attack).not.toMatch(/[\x00-\x1f]/); // control characters are escaped
    expect(r.hotspot!.start).toBeLessThan(r.hotspot!.end);
  });

  it.each([
    'rt=({time}\\d{13})',
    '^[^|]*\\|[^|]*\\|',
    '^CEF:\\d+\\|({vendor}[^|]*)\\|',
    'time=({t}\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z?)',
    'cs5=({recipients}({recipient}[^;]+)[^\\s]*)',
    '\\d{1,64}x',
  ])('finds typical log regex %s safe', (src) => {
    expect(check(src)).toEqual({ safe: true });
  });

  // recheck models unanchored search, as V8 runs it: a lazy field followed by
  // `\s+\w+=` backtracks quadratically on a long run of whitespace (measured:
  // 16k tabs take over a second). It is reported, graded as polynomial.
  it('grades the common key=value extraction as quadratic, not exponential', () => {
    expect(check('\\Wsuser=({user}[^=]+?)\\s+\\w+=')).toMatchObject({
      safe: false,
      reason: 'vulnerable',
      complexity: 'polynomial',
      degree: 2,
    });
  });

  it('falls back to fuzzing for back-references', () => {
    const r = checkRegexSafety('^(a+)+\\1$', '');
    expect(r).toMatchObject({ safe: false, reason: 'vulnerable' });
  });

  it('caches by source and flags', () => {
    const first = checkRegexSafety('^(x+)+y$', '');
    const second = checkRegexSafety('^(x+)+y$', '');
    expect(second).toBe(first); // the same object: served from the cache, not checked again
    expect(checkRegexSafety('^(x+)+y$', 'i')).not.toBe(first);
  });

  it('retries a timed-out check with the longer limit a caller with a short limit asks for', () => {
    // 1 ms always times out (recheck's worker alone takes longer); the importer's screen
    // relies on the retry so that a load spike does not turn an ordinary regex into an error.
    const src = String.raw`\suser=(([^\\\s]+)\\)?([^\s\\]+)|\saccount=(\w+)retry`;
    expect(checkRegexSafety(src, '', { timeoutMs: 1 })).toMatchObject({ safe: false, reason: 'unknown' });
    expect(checkRegexSafety(src, '', { timeoutMs: 1, retryTimeoutMs: 8000 })).toEqual({ safe: true });
  });

  it('reports invalid input as unknown instead of throwing', () => {
    expect(checkRegexSafety('([a-', '')).toMatchObject({ safe: false, reason: 'unknown' });
  });
});

describe('capInput', () => {
  it('returns short strings unchanged and truncates long ones', () => {
    expect(capInput('abc', 3)).toBe('abc');
    expect(capInput('abcdef', 4)).toBe('abcd');
  });
});
