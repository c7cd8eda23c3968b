import { describe, expect, it } from 'vitest';
import { javaToExabeamJs } from '../../compiler/import/java-regex.ts';
import { captureGroupNames, translateExabeamRegex } from '../../compiler/regex/translate.ts';

/** Java pattern → a JS RegExp through both translation steps, failing on any problem. */
function js(java: string): RegExp {
  const j = javaToExabeamJs(java);
  expect(j.problems).toEqual([]);
  const t = translateExabeamRegex(j.source);
  expect(t.problems).toEqual([]);
  return new RegExp(t.source, t.flags);
}

/** Exabeam semantics: every capture of a field sets it; the last one that took part wins. */
function fields(java: string, line: string): Record<string, string> {
  const j = javaToExabeamJs(java);
  const t = translateExabeamRegex(j.source);
  const m = new RegExp(t.source, t.flags).exec(line);
  const out: Record<string, string> = {};
  for (const { group, field } of captureGroupNames(t)) if (m?.groups?.[group] !== undefined) out[field] = m.groups[group]!;
  return out;
}

describe('Java regex → JavaScript', () => {
  it('quotes \\Q…\\E literally', () => {
    const re = js('proto=\\Q(tcp)*\\E$');
    expect(re.test('proto=(tcp)*')).toBe(true);
    expect(re.test('proto=tcp')).toBe(false);
  });

  it('keeps possessive quantifiers possessive: what they took is never given back', () => {
    // Greedy \d+ would give back one digit to let the final \d match; possessive must not.
    expect(js('^\\d++\\d$').test('12345')).toBe(false);
    expect(js('^\\d+\\d$').test('12345')).toBe(true);
    expect(js('^(?:ab)*+c').test('ababc')).toBe(true);
    expect(js('^[a-z]?+a').test('a')).toBe(false);
  });

  it('keeps atomic groups atomic', () => {
    expect(js('^(?>a|ab)c').test('abc')).toBe(false);
    expect(js('^(?:a|ab)c').test('abc')).toBe(true);
  });

  it('numbers inserted groups so field captures after them stay right', () => {
    expect(fields('(?>x+)({user}\\w+) (\\d++)({port}\\d)?', 'xxbob 42')).toEqual({ user: 'bob' });
    expect(fields('({a}\\w++)=({b}\\w+)', 'k=v')).toEqual({ a: 'k', b: 'v' });
  });

  it('applies scoped and mid-pattern case-insensitive flags to their part only', () => {
    const re = js('(?i:action=)([a-z]+)x');
    expect(re.test('ACTION=abcx')).toBe(true);
    expect(re.test('action=ABCx')).toBe(false);
    const mid = js('user=(?i)bob');
    expect(mid.test('user=BoB')).toBe(true);
    expect(mid.test('USER=bob')).toBe(false);
  });

  it('maps Java-only escapes and POSIX classes to explicit ones', () => {
    expect(js('\\Aa\\z').test('a')).toBe(true);
    expect(js('\\Aa\\z').test('ba')).toBe(false);
    expect(js('a\\hb').test('a\tb')).toBe(true);
    expect(js('\\p{Upper}+\\P{Digit}').test('ABc')).toBe(true);
    expect(js('[\\p{Digit}x]+$').test('1x2')).toBe(true);
    expect(js('\\x{41}').test('A')).toBe(true);
  });

  it('flattens a union of classes and reads a leading ] as a literal', () => {
    expect(js('^[a[0-9]]+$').test('a1a9')).toBe(true);
    expect(js('^[]a]+$').test(']a')).toBe(true);
  });

  it('reports what has no JavaScript equivalent, with a reason code', () => {
    expect(javaToExabeamJs('\\p{L}+').problems.map((p) => p.reason)).toEqual(['unicode-property']);
    expect(javaToExabeamJs('[a-z&&[^e]]').problems.map((p) => p.reason)).toContain('class-set-operation');
    expect(javaToExabeamJs('(?i)a b').problems).toEqual([]); // leading i/m/s: translate.ts makes them RegExp flags
    expect(javaToExabeamJs('(?x) a b').problems.map((p) => p.reason)).toEqual(['inline-flag']);
    expect(javaToExabeamJs('a(?x)b').problems.map((p) => p.reason)).toEqual(['inline-flag']);
    expect(javaToExabeamJs('(a)\\1(?>b)').problems.map((p) => p.reason)).toEqual(['backreference-shift']);
  });

  it('reads ({=field}…) as one more capture of a field named before (last capture wins)', () => {
    const re = '(user=({user}\\w+)|account=({=user}\\w+))';
    expect(fields(re, 'account=alice')).toEqual({ user: 'alice' });
    expect(fields(re, 'user=bob')).toEqual({ user: 'bob' });
    expect(fields('({f}a)({=f}b)', 'ab')).toEqual({ f: 'b' });
  });
});
