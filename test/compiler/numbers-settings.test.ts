// Non-finite numbers and bad pack settings are positioned diagnostics: never a compile
// crash, and never the misleading "the content has no pack.yaml".
import { describe, expect, it } from 'vitest';
import { compileTexts, contentTexts, edit, lineColOf } from './helpers.ts';
import { emitSource } from '../../compiler/passes/emit.ts';

function errorsOf(t: Map<string, string>) {
  const { ir, diagnostics } = compileTexts(t);
  return { ir, errors: diagnostics.filter((d) => d.severity === 'error') };
}

describe('non-finite numbers', () => {
  it('1e999 in an expression is an error at the literal, not a crash when emitting', () => {
    const t = contentTexts();
    edit(t, 'rules/UW-DH-A.yaml', 'expression: exists(device_id)', 'expression: exists(device_id) && 1e999 > 0');
    const { ir, errors } = errorsOf(t);
    expect(ir).toBeNull();
    expect(errors).toHaveLength(1);
    const d = errors[0]!;
    expect(d.code).toBe('UEB0105');
    expect(d.file).toBe('rules/UW-DH-A.yaml');
    expect(d.message).toContain('1e999');
    const at = lineColOf(t.get('rules/UW-DH-A.yaml')!, '1e999');
    expect({ line: d.range.start.line, col: d.range.start.col }).toEqual(at);
    expect(d.range.end.col - d.range.start.col).toBe(5);
  });

  it('large but finite literals still compile and emit', () => {
    const t = contentTexts();
    edit(t, 'rules/UW-DH-A.yaml', 'expression: exists(device_id)', 'expression: exists(device_id) && 1e308 > 0');
    const { ir, errors } = errorsOf(t);
    expect(errors).toEqual([]);
    expect(emitSource(ir!)).toContain('1e+308');
  });

  it('.inf / 1e999 / .nan YAML values are errors at the value, in every kind of file', () => {
    const t = contentTexts();
    edit(t, 'rules/UW-DH-A.yaml', /^score: \d+$/m, 'score: 1e999');
    edit(t, 'models/DLP-OA.yaml', /^alpha: 1$/m, 'alpha: .nan');
    edit(t, 'rules/tests/dlp-alert-names-on-assets.yaml', /^kind: test$/m, 'kind: test\nnotes: [-.inf]');
    const { errors } = errorsOf(t);
    const found = errors.filter((d) => d.code === 'UEB0105');
    expect(found.map((d) => d.file).sort()).toEqual(['models/DLP-OA.yaml', 'rules/UW-DH-A.yaml', 'rules/tests/dlp-alert-names-on-assets.yaml']);
    const score = found.find((d) => d.file === 'rules/UW-DH-A.yaml')!;
    expect(score.range.start).toMatchObject(lineColOf(t.get('rules/UW-DH-A.yaml')!, '1e999'));
    expect(score.message).toMatch(/1e999.*not a finite number/);
  });
});

describe('pack settings', () => {
  const cases: Array<[string, string | RegExp, string, RegExp]> = [
    ['maxOpenSessions: 0', 'maxOpenSessions: 100000', 'maxOpenSessions: 0', /maxOpenSessions.*>= 1/],
    ['a non-integer limit', 'maxFieldLength: 65536', 'maxFieldLength: 100.5', /maxFieldLength.*integer/],
    ['a limit above 2^31-1', 'maxAssetSequences: 100000', 'maxAssetSequences: 1e12', /maxAssetSequences.*<= 2147483647/],
    ['a text limit', 'regexInputMaxLength: 4096', 'regexInputMaxLength: lots', /regexInputMaxLength.*integer/],
    ['a session longer than a year', 'maxHours: 24', 'maxHours: 100000', /maxHours.*<= 8784/],
    ['an impossible zone offset', 'maxAssetSequences: 100000', 'maxAssetSequences: 100000\n  timeZoneOffsetMinutes: 100000', /timeZoneOffsetMinutes.*<= 1080/],
  ];
  for (const [name, from, to, message] of cases) {
    it(`${name}: one positioned error in pack.yaml, no "no pack.yaml"`, () => {
      const t = contentTexts();
      edit(t, 'pack.yaml', from, to);
      const { ir, errors } = errorsOf(t);
      expect(ir).toBeNull();
      expect(errors, JSON.stringify(errors, null, 1)).toHaveLength(1);
      const d = errors[0]!;
      expect(d.file).toBe('pack.yaml');
      expect(d.message).toMatch(message);
      expect(d.range.start.line).toBe(lineColOf(t.get('pack.yaml')!, to.split('\n').at(-1)!.trim().split(':')[0]!).line);
    });
  }

  it('a limit of 1e999 is a non-finite number at its position', () => {
    const t = contentTexts();
    edit(t, 'pack.yaml', 'maxOpenSessions: 100000', 'maxOpenSessions: 1e999');
    const { errors } = errorsOf(t);
    expect(errors.map((d) => [d.code, d.file, d.range.start.line])).toEqual([['UEB0105', 'pack.yaml', lineColOf(t.get('pack.yaml')!, '1e999').line]]);
  });

  it('content without any pack is still told so', () => {
    const t = contentTexts();
    t.delete('pack.yaml');
    expect(errorsOf(t).errors.map((d) => d.message)).toContain('the content has no pack.yaml (kind: pack)');
  });
});
