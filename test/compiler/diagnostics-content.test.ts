// Diagnostics on small mutations of the real content: the right code, at the right place,
// and every problem reported in one run.
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../compiler/diagnostics/types.ts';
import { compileTexts, contentTexts, edit, lineColOf } from './helpers.ts';

const DH_A = 'rules/UW-DH-A.yaml';
const UD_A = 'rules/UW-UD-A.yaml';
const UHD_110 = 'rules/UW-UHD-110.yaml';
const UHD_011 = 'rules/UW-UHD-011.yaml';
const UH_F = 'rules/UW-UH-F.yaml';

/** Errors with a code (the real content carries some warnings, e.g. undecided regexes). */
function errors(diags: Diagnostic[], code: string): Diagnostic[] {
  return diags.filter((d) => d.code === code && d.severity === 'error');
}

function only(diags: Diagnostic[], code: string): Diagnostic {
  const found = errors(diags, code);
  expect(found, JSON.stringify(diags, null, 1)).toHaveLength(1);
  return found[0]!;
}

describe('diagnostics on the real content', () => {
  it('the unmodified content compiles without errors', () => {
    const { ir, diagnostics } = compileTexts(contentTexts());
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(ir).not.toBeNull();
    const ids = ir!.rules.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining(['UW-DH-A', 'UW-UD-A', 'UW-UH-A', 'UW-UH-F', 'UW-UHD-011', 'UW-UHD-110']));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('(a) unknown field → UEB0302 at the identifier, with a did-you-mean hint', () => {
    const t = contentTexts();
    edit(t, DH_A, 'expression: exists(device_id)', 'expression: exists(device_idd)');
    const { ir, diagnostics } = compileTexts(t);
    expect(ir).toBeNull();
    const d = only(diagnostics, 'UEB0302');
    expect(d.severity).toBe('error');
    expect(d.file).toBe(DH_A);
    expect(d.message).toContain('device_idd');
    expect(d.hint).toContain('device_id');
    const at = lineColOf(t.get(DH_A)!, 'device_idd', 'expression:');
    expect({ line: d.range.start.line, col: d.range.start.col }).toEqual(at);
    expect(d.range.end.col - d.range.start.col).toBe('device_idd'.length);
  });

  it('(a′) locates an unknown field inside a block-literal multi-line expression', () => {
    const t = contentTexts();
    edit(t, DH_A, /expression: .*\n/, 'expression: |\n  exists(device_id) &&\n  bogus_field == "x"\n');
    const d = only(compileTexts(t).diagnostics, 'UEB0302');
    expect({ line: d.range.start.line, col: d.range.start.col }).toEqual(lineColOf(t.get(DH_A)!, 'bogus_field'));
  });

  it('(b) wrong arity → UEB0304 with the signature as hint', () => {
    const t = contentTexts();
    edit(t, DH_A, 'exists(device_id)', 'exists(device_id, user)');
    const d = only(compileTexts(t).diagnostics, 'UEB0304');
    expect(d.message).toMatch(/exists.*1 argument.*got 2/);
    expect(d.hint).toContain('exists(any)');
    expect(d.range.start).toMatchObject(lineColOf(t.get(DH_A)!, 'exists(device_id, user)'));
  });

  it('(c) catastrophic regex → UEB0402 error naming an attack string', () => {
    const t = contentTexts();
    edit(t, DH_A, 'exists(device_id)', "exists(device_id) && matches(file_name, '^(a+)+$')");
    const { ir, diagnostics } = compileTexts(t);
    expect(ir).toBeNull();
    const d = only(diagnostics, 'UEB0402');
    expect(d.severity).toBe('error');
    expect(d.message).toMatch(/exponential/);
    expect(d.message).toMatch(/attack string: \S+/);
    expect(d.message).not.toMatch(/attack string: \?$/);
    expect(d.range.start).toMatchObject(lineColOf(t.get(DH_A)!, "'^(a+)+$'"));
  });

  it('(d) invalid regex → UEB0401', () => {
    const t = contentTexts();
    edit(t, DH_A, 'exists(device_id)', "exists(device_id) && matches(file_name, '([a-')");
    const d = only(compileTexts(t).diagnostics, 'UEB0401');
    expect(d.message).toMatch(/invalid regular expression/);
    expect(d.range.start).toMatchObject(lineColOf(t.get(DH_A)!, "'([a-'"));
  });

  it('(e) unknown model → UEB0202, both in `model:` and in modelTotal()', () => {
    const t = contentTexts();
    edit(t, DH_A, 'model: UW-DH', 'model: UW-DHX');
    edit(t, UHD_110, "modelTotal('UW-DH', device_id)", "modelTotal('UW-DHH', device_id)");
    const found = errors(compileTexts(t).diagnostics, 'UEB0202');
    expect(found.map((d) => d.file).sort()).toEqual([DH_A, UHD_110]);
    for (const d of found) expect(d.hint).toBe('did you mean `UW-DH`?');
    const inExpr = found.find((d) => d.file === UHD_110)!;
    expect(inExpr.range.start).toMatchObject(lineColOf(t.get(UHD_110)!, "'UW-DHH'"));
    const inModel = found.find((d) => d.file === DH_A)!;
    expect(inModel.range.start).toMatchObject(lineColOf(t.get(DH_A)!, 'UW-DHX'));
  });

  it('(f) dependency cycle → UEB0205 naming both rules', () => {
    const t = contentTexts();
    edit(t, UH_F, 'dependency: not UW-UHD-011', 'dependency: not UW-UH-A');
    const { ir, diagnostics } = compileTexts(t);
    expect(ir).toBeNull();
    const d = only(diagnostics, 'UEB0205');
    expect(d.message).toContain('UW-UH-A');
    expect(d.message).toContain('UW-UH-F');
  });

  it('(g) YAML syntax error → UEB0001 with line/col', () => {
    const t = contentTexts();
    edit(t, UHD_011, 'score: 15', 'score: [15');
    const d = only(compileTexts(t).diagnostics, 'UEB0001');
    expect(d.file).toBe(UHD_011);
    expect(d.range.start.line).toBeGreaterThan(1);
    expect(d.range.start.col).toBeGreaterThanOrEqual(1);
  });

  it('(h) schema violation score: "ten" → UEB0104 at the score value', () => {
    const t = contentTexts();
    edit(t, UHD_011, 'score: 15', 'score: "ten"');
    const d = only(compileTexts(t).diagnostics, 'UEB0104');
    expect(d.file).toBe(UHD_011);
    expect(d.range.start).toMatchObject(lineColOf(t.get(UHD_011)!, '"ten"'));
  });

  it('(i) all problems at once are all reported', () => {
    const t = contentTexts();
    edit(t, DH_A, 'exists(device_id)', 'exists(device_idd) && exists(user, host)');
    edit(t, UD_A, 'exists(device_id)', "exists(device_id) && matches(file_name, '^(a+)+$') && matches(file_name, '([a-')");
    edit(t, UHD_110, "modelTotal('UW-DH', device_id)", "modelTotal('UW-DHH', device_id)");
    edit(t, UH_F, 'dependency: not UW-UHD-011', 'dependency: not UW-UH-A');
    edit(t, UHD_011, 'score: 15', 'score: "ten"');
    t.set('rules/broken.yaml', 'kind: rule\nid: [oops\n');
    const { ir, diagnostics } = compileTexts(t);
    expect(ir).toBeNull();
    const codes = new Set(diagnostics.map((d) => d.code));
    for (const c of ['UEB0001', 'UEB0104', 'UEB0202', 'UEB0205', 'UEB0302', 'UEB0304', 'UEB0401', 'UEB0402']) expect(codes, c).toContain(c);
  });
});
