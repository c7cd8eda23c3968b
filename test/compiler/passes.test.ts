// The pass pipeline: stages stop on errors, checked IR carries its types and resolutions,
// aggregate lowering shares counters.
import { describe, expect, it } from 'vitest';
import { walk, type Expr } from '../../compiler/expr/ast.ts';
import { STAGES } from '../../compiler/passes/index.ts';
import { compileTexts, contentTexts, edit } from './helpers.ts';

const UD_A = 'rules/UW-UD-A.yaml';

describe('compiler passes', () => {
  it('every pass of the pipeline is listed once, checks before transforms and lints', () => {
    const names = STAGES.map((s) => s.name);
    expect(names).toEqual(['check', 'transform', 'lint']);
    const passes = STAGES.flatMap((s) => s.passes);
    expect(new Set(passes).size).toBe(passes.length);
  });

  it('a check error stops the pipeline before the lints', () => {
    const clean = compileTexts(contentTexts());
    expect(clean.ir).not.toBeNull();
    // The shipped content has lint warnings (empty organisation tables).
    expect(clean.diagnostics.some((d) => d.code === 'UEB0209')).toBe(true);
    const t = contentTexts();
    edit(t, UD_A, 'exists(device_id)', 'exists(device_idd)');
    const broken = compileTexts(t);
    expect(broken.ir).toBeNull();
    expect(broken.diagnostics.some((d) => d.code === 'UEB0302')).toBe(true);
    expect(broken.diagnostics.some((d) => d.code === 'UEB0209')).toBe(false);
  });

  it('checked expressions keep a type on every node and a resolution on every call', () => {
    const { ir } = compileTexts(contentTexts());
    const exprs: Expr[] = [];
    for (const r of ir!.rules) { exprs.push(r.expression); if (r.classifyIf) exprs.push(r.classifyIf); }
    for (const m of ir!.models) exprs.push(m.feature);
    let calls = 0;
    for (const e of exprs) walk(e, (n) => {
      expect(n.type, JSON.stringify(n.span)).toBeDefined();
      if (n.kind === 'call') { calls++; expect(n.res).toBeDefined(); }
    });
    expect(calls).toBeGreaterThan(50);
    const top = ir!.rules.map((r) => r.expression.type);
    expect(top.every((t) => t === 'boolean' || t === 'any')).toBe(true);
  });

  it('aggregates get counter slots; the same aggregate in several rules shares one', () => {
    const { ir } = compileTexts(contentTexts());
    const uses: number[] = [];
    const exprs = [...ir!.models.flatMap((m) => [m.feature, m.trainIf]), ...ir!.rules.flatMap((r) => [r.classifyIf, r.expression])];
    for (const e of exprs) if (e) walk(e, (n) => {
      if (n.kind === 'call' && n.res?.aggregate) { expect(n.res.counter).toBeTypeOf('number'); uses.push(n.res.counter!); }
    });
    expect(uses.length).toBeGreaterThan(ir!.counters.length);
    expect(new Set(uses).size).toBe(ir!.counters.length);
  });
});
