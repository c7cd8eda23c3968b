// Content strings are data: hostile names, reasons and literals must reach the generated
// code only as string literals, and must round-trip verbatim.
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { interpretProgram } from '../../compiler/interpreter.ts';
import { compileTexts, contentTexts, edit, loadCompiled, runOn } from './helpers.ts';

const PAYLOADS = [
  'x"); globalThis.__pwned = 1; ("',
  "x'); globalThis.__pwned = 1; ('",
  '`; globalThis.__pwned = 1; `',
  '${globalThis.__pwned=1}',
  '*/ globalThis.__pwned=1 /*',
  '</script><script>globalThis.__pwned=1</script>',
  'line\u2028sep\u2029para',
  'nul\u0000byte',
  '\\"); globalThis.__pwned = 1; //',
];
const ALL = PAYLOADS.join(' | ');

/** A string literal in the expression language (single-quoted). */
function exprString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** YAML double-quoted scalar (JSON is YAML). */
const yq = (s: string) => JSON.stringify(s);

const RULES = ['UW-DH-A', 'UW-UD-A', 'UW-UH-A', 'UW-UH-F', 'UW-UHD-011', 'UW-UHD-110'];

/** AND an extra condition onto a rule's expression, whatever YAML form the expression uses. */
function andExpression(t: Map<string, string>, path: string, extra: string): void {
  const doc = parseDocument(t.get(path)!);
  doc.set('expression', `(${String(doc.get('expression'))}) && ${extra}`);
  t.set(path, doc.toString({ lineWidth: 0 }));
}

function hostileContent(): Map<string, string> {
  const t = contentTexts();
  for (const id of RULES) {
    const path = `rules/${id}.yaml`;
    edit(t, path, /^name: .*$/m, `name: ${yq(`${id} ${ALL}`)}`);
    edit(t, path, /^reason: .*$/m, `reason: ${yq(`${ALL} {user}`)}`);
    // Conjuncts that are always true for the sample (no file has these names), written both
    // as inlined `==` comparisons and as helper calls.
    const extra = PAYLOADS.map((p) => `!(file_name == ${exprString(p)}) && !contains(user, ${exprString(p)})`).join(' && ');
    const context = `file_name != "x\\"); globalThis.__pwned = 1; (\\""`;
    andExpression(t, path, `${extra} && (${context} || true)`);
  }
  return t;
}

describe('generated code is injection-safe', () => {
  it('hostile rule names, reasons and literals stay inert and round-trip verbatim', async () => {
    const g = globalThis as { __pwned?: unknown };
    delete g.__pwned;
    const { ir, diagnostics } = compileTexts(hostileContent());
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const { program, source, bundle } = await loadCompiled(ir!);
    expect(g.__pwned).toBeUndefined();

    // Raw line separators never appear in generated text (escaped in literals, blanked in
    // comments). Note: comment() lets `</script>` and NUL from a rule name through into a
    // /* */ comment (inert in JS, so not asserted here).
    for (const text of [source, bundle]) {
      expect(text).not.toMatch(/[\u2028\u2029]/);
    }
    expect(program.rules.map((r) => r.name)).toEqual(ir!.rules.map((r) => r.name));
    const hostile = program.rules.find((r) => r.id === RULES[0])!;
    expect(hostile.name).toBe(`${RULES[0]} ${ALL}`);

    const { out, summary } = await runOn(program);
    expect(g.__pwned).toBeUndefined();
    const records = out.trim().split('\n').map((l) => JSON.parse(l) as { rule?: string; reason?: string; user?: string });
    const fired = records.filter((r) => r.rule);
    expect(fired.length).toBeGreaterThan(0);
    for (const r of fired.filter((x) => (RULES as readonly string[]).includes(x.rule!))) expect(r.reason!.startsWith(ALL + ' ')).toBe(true);

    // The hostile literals changed nothing: same rules fire as for the original content.
    const base = compileTexts(contentTexts()).ir!;
    const { summary: baseSummary } = await runOn(interpretProgram(base));
    expect(summary.rulesFiredById).toEqual(baseSummary.rulesFiredById);
  });

  it('event fields named like Object.prototype members (constructor, toString) behave as plain fields', async () => {
    const t = contentTexts();
    edit(t, 'event-types/usb-write.yaml', '  usb_asset:', "  constructor: { type: string, level: informational, description: 'x' }\n  toString: { type: string, level: informational, description: 'y' }\n  usb_asset:");
    // Only the device-access parser sets them; DLP-sourced usb-write events leave them unset.
    edit(t, 'parsers/trend-micro-apex-central/cef-device-access-control.yaml', 'events:', "  constructor: \"'ctor'\"\n  toString: \"'ts'\"\nevents:");
    const expr = "(constructor == 'ctor' || !exists(constructor)) && (toString == 'ts' || !exists(toString))";
    for (const id of RULES) andExpression(t, `rules/${id}.yaml`, expr);
    const { ir, diagnostics } = compileTexts(t);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const base = compileTexts(contentTexts()).ir!;
    const { summary: baseSummary } = await runOn(interpretProgram(base));
    const { program } = await loadCompiled(ir!);
    const compiled = await runOn(program);
    const interpreted = await runOn(interpretProgram(ir!));
    expect(compiled.summary.rulesFiredById).toEqual(baseSummary.rulesFiredById);
    expect(interpreted.summary.rulesFiredById).toEqual(baseSummary.rulesFiredById);
  });
});
