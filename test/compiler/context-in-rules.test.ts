// A rule expression may call context functions directly (not only through derived fields):
// the generated evaluator must see the run's context tables, including --context overrides.
import { describe, expect, it } from 'vitest';
import { ContextTable } from '../../runtime/context.ts';
import { interpretProgram } from '../../compiler/interpreter.ts';
import { compileTexts, contentTexts, loadCompiled, runOn } from './helpers.ts';

describe('context look-ups inside rule expressions', () => {
  it('compiled and interpreted programs both use the overriding table', async () => {
    const t = contentTexts();
    t.set('rules/ZZ-CTX.yaml', "kind: rule\nid: ZZ-CTX\nname: executive writes to USB\neventTypes: [usb-write]\nclassifyIf: count(usb_asset) == 1\nexpression: inContext('executive_users', user)\nscore: 1\nmitre: [T1052]\n");
    const { ir, diagnostics } = compileTexts(t);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const execs = new Map([['executive_users', new ContextTable({ name: 'executive_users', shape: 'set', rows: [['mallory.stone']] })]]);
    const { module } = await loadCompiled(ir!);
    const compiled = await runOn(module.instantiate(execs));
    const interpreted = await runOn(interpretProgram(ir!, execs));
    expect(compiled.summary.rulesFiredById['ZZ-CTX']).toBeGreaterThan(0);
    expect(compiled.out).toBe(interpreted.out);
    const none = await runOn(module.instantiate(new Map()));
    expect(none.summary.rulesFiredById['ZZ-CTX']).toBeUndefined();
  });
});
