import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { captureGroupNames, translateExabeamRegex } from '../../compiler/regex/translate.ts';

describe('translateExabeamRegex: captures', () => {
  it('rewrites ({name}…) to a named group and reports the field', () => {
    const t = translateExabeamRegex('({user}[^\\s]+)');
    expect(t).toEqual({ source: '(?<user>[^\\s]+)', flags: '', captures: ['user'], problems: [] });
    expect(new RegExp(t.source, t.flags).exec('alice bob')?.groups?.user).toBe('alice');
  });

  it('handles nested captures in order of their opening parenthesis', () => {
    const t = translateExabeamRegex('cs5=({recipients}({recipient}[^;]+)[^\\s]*)');
    expect(t.source).toBe('cs5=(?<recipients>(?<recipient>[^;]+)[^\\s]*)');
    expect(t.captures).toEqual(['recipients', 'recipient']);
    expect(t.problems).toEqual([]);
    const g = new RegExp(t.source, t.flags).exec('x cs5=a@x;b@y end')?.groups;
    expect(g).toEqual({ recipients: 'a@x;b@y', recipient: 'a@x' });
  });

  it('renames duplicate field names in the JS source but reports the field', () => {
    const t = translateExabeamRegex('src=({host}\\S+)|dst=({host}\\S+)|dvc=({host}\\S+)');
    expect(t.source).toBe('src=(?<host>\\S+)|dst=(?<host__2>\\S+)|dvc=(?<host__3>\\S+)');
    expect(t.captures).toEqual(['host', 'host', 'host']);
    expect(t.problems).toEqual([]);
    expect(captureGroupNames(t)).toEqual([
      { group: 'host', field: 'host' },
      { group: 'host__2', field: 'host' },
      { group: 'host__3', field: 'host' },
    ]);
    expect(new RegExp(t.source).exec('dst=10.0.0.1')?.groups?.host__2).toBe('10.0.0.1');
  });

  it('never collides a renamed group with a field literally named name__2', () => {
    const t = translateExabeamRegex('({a}x)({a}y)({a__2}z)');
    expect(t.problems).toEqual([]);
    expect(captureGroupNames(t).map((g) => g.group)).toEqual(['a', 'a__3', 'a__2']);
  });

  it('treats native (?<name>…) groups as captures too', () => {
    const t = translateExabeamRegex('(?<user>\\w+)@({user}\\w+)(?<=x)(?<!y)');
    expect(t.captures).toEqual(['user', 'user']);
    expect(t.source).toBe('(?<user>\\w+)@(?<user__2>\\w+)(?<=x)(?<!y)');
    expect(t.problems).toEqual([]);
  });

  it('reports an invalid field name as a syntax problem at its position', () => {
    const t = translateExabeamRegex('a({1bad}x)');
    expect(t.problems).toEqual([expect.objectContaining({ kind: 'syntax', index: 1, length: 7 })]);
  });
});

describe('translateExabeamRegex: flags and Java-only syntax', () => {
  it('turns a leading (?i) into the i flag', () => {
    const t = translateExabeamRegex('(?i)user=({user}\\w+)');
    expect(t).toMatchObject({ source: 'user=(?<user>\\w+)', flags: 'i', captures: ['user'], problems: [] });
    expect(new RegExp(t.source, t.flags).test('USER=x')).toBe(true);
  });

  it('reports a mid-pattern (?i) as java-only with its position and leaves it untouched', () => {
    const t = translateExabeamRegex('user=(?i)admin');
    expect(t.source).toBe('user=(?i)admin');
    expect(t.flags).toBe('');
    expect(t.problems).toHaveLength(1);
    expect(t.problems[0]).toMatchObject({ kind: 'java-only', index: 5, length: 4 });
    expect(t.problems[0]!.message).toMatch(/very start/);
  });

  it('reports scoped (?i:…) groups, unsupported by Node 20', () => {
    const t = translateExabeamRegex('a(?i:b)');
    expect(t.problems).toEqual([expect.objectContaining({ kind: 'java-only', index: 1, length: 4 })]);
  });

  it.each([
    ['a++', 1, 2],
    ['a*+b', 1, 2],
    ['x a?+', 3, 2],
    ['\\d{2,4}+', 2, 6],
  ])('reports possessive quantifier in %s', (src, index, length) => {
    const t = translateExabeamRegex(src);
    expect(t.problems).toEqual([expect.objectContaining({ kind: 'java-only', index, length })]);
    expect(t.problems[0]!.message).toMatch(/possessive/);
  });

  it('does not mistake lazy quantifiers or group openers for possessive ones', () => {
    for (const src of ['a+?b', 'a*?', '(?:x)+', '(?=a)b', 'a{2,}?c', 'x+(y)+']) {
      expect(translateExabeamRegex(src).problems).toEqual([]);
    }
  });

  it.each([
    ['\\Afoo', 0, 2],
    ['foo\\Z', 3, 2],
    ['foo\\z', 3, 2],
    ['\\Gx', 0, 2],
    ['a\\p{javaLowerCase}', 1, 17],
    ['[\\p{Alpha}]', 1, 9],
    ['\\Q.*\\E', 0, 6],
    ['(?>ab)', 0, 3],
    ['[a-z&&[^aeiou]]', 4, 2],
  ])('reports java-only syntax in %s', (src, index, length) => {
    const t = translateExabeamRegex(src);
    expect(t.problems[0]).toMatchObject({ kind: 'java-only', index, length });
  });

  it('keeps Java identity escapes that are invalid in unicode mode', () => {
    const t = translateExabeamRegex('a\\-b\\=c\\/d');
    expect(t.problems).toEqual([]);
    expect(new RegExp(t.source, t.flags).test('a-b=c/d')).toBe(true);
  });

  it('reports a compile failure as a syntax problem over the whole source', () => {
    const t = translateExabeamRegex('([a-');
    expect(t.problems).toEqual([
      { kind: 'syntax', message: expect.stringMatching(/Unterminated character class/), index: 0, length: 4 },
    ]);
  });
});

describe('translateExabeamRegex: robustness', () => {
  const inBounds = (src: string) => (p: { index: number; length: number }) =>
    p.index >= 0 && p.length >= 0 && p.index + p.length <= src.length;

  it('never throws, and clean results compile with their group names', () => {
    // Fragments that exercise every branch of the scanner, glued at random.
    const fragments = ['(', ')', '({a}', '({b}', '({a__2}', '({1x}', '(?<a>', '(?i)', '(?i:', '(?:', '(?=', '(?<=',
      '(?>', '[', ']', '[^', '&&', '\\', '\\A', '\\p{Lower}', '\\pL', '\\Q', '\\E', '\\x{41}', '\\k<a>',
      '*', '+', '?', '{2}', '{2,', '{1,3}', '}', '|', '^', '$', '.', 'a', '-', '\ud83d', '\ude00'];
    const regexish = fc.array(fc.constantFrom(...fragments), { maxLength: 12 }).map((xs) => xs.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), regexish), (src) => {
        const t = translateExabeamRegex(src);
        expect(t.problems.every(inBounds(src))).toBe(true);
        if (t.problems.length === 0) {
          const re = new RegExp(t.source, t.flags);
          const names = Object.keys(new RegExp(`${re.source}|`, re.flags).exec('')?.groups ?? {});
          expect(names.sort()).toEqual(captureGroupNames(t).map((g) => g.group).sort());
        }
      }),
      { numRuns: 2000 },
    );
  });
});
