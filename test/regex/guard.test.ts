// Run-time regex guard: regexes the compiler could not prove linear run on a linear-time
// engine when RE2 can express them, else on V8 with every slow call counted.
import { describe, expect, it } from 'vitest';
import { guardRegex, linearRegex, regexGuardCounters, resetRegexGuardCounters } from '../../runtime/regex-guard.ts';
import { compileTexts, contentTexts, loadCompiled, runOn } from '../compiler/helpers.ts';

const QUADRATIC = /\Wsuser=(?<user>[^=]+?)\s+\w+=/i;

describe('regex guard', { timeout: 60_000 }, () => {
  it('leaves proven regexes alone and guards the listed ones', () => {
    expect(guardRegex(QUADRATIC, { guardedRegexes: [] })).toBe(QUADRATIC);
    const g = guardRegex(QUADRATIC, { guardedRegexes: [`${QUADRATIC.flags}/${QUADRATIC.source}`] });
    expect(g).not.toBe(QUADRATIC);
  });

  it('the linear engine answers like V8: groups, named groups, index, case folding', () => {
    const lin = linearRegex(QUADRATIC)!;
    expect(lin).not.toBeNull();
    for (const s of [' suser=bob  x=1', 'a SUSER=Alice Smith dvc=1', 'suser=nobody', ' suser=a=b c=', '']) {
      const want = QUADRATIC.exec(s);
      const got = lin.exec(s);
      expect(got === null, s).toBe(want === null);
      if (!want || !got) continue;
      expect([...got]).toEqual([...want]);
      expect(got.index).toBe(want.index);
      expect({ ...got.groups }).toEqual({ ...want.groups });
      expect(lin.test(s)).toBe(true);
    }
    const opt = linearRegex(/a(b)?(c)/)!.exec('ac')!;
    expect([...opt]).toEqual(['ac', undefined, 'c']);
  });

  it('hostile input reaches the linear engine, not the backtracker', () => {
    resetRegexGuardCounters();
    const g = guardRegex(QUADRATIC, { guardedRegexes: [`${QUADRATIC.flags}/${QUADRATIC.source}`] });
    expect(g.exec(` suser=${'\t'.repeat(100_000)}`)).toBeNull();
    expect(regexGuardCounters().linearCalls).toBe(1);
  });

  it('regexes RE2 cannot express run on V8 and every call over budget is counted', () => {
    const look = /Name:\s+(\S+(?: (?!Type:)\S+)*)/;
    expect(linearRegex(look)).toBeNull();
    resetRegexGuardCounters();
    const g = guardRegex(look, { guardedRegexes: [`/${look.source}`], regexBudgetMs: 1e-9 });
    expect(g.exec(`Name: ${'a '.repeat(20_000)}`)?.[1]).toMatch(/^a/);
    expect(regexGuardCounters().overBudget[`/${look.source}`]).toBe(1);
  });

  it('a compiled bundle guards a quadratic regex and reports slow calls in the run summary', async () => {
    const t = contentTexts();
    const file = 'event-types/usb-write.yaml';
    t.set(file, `${t.get(file)!}  guarded_probe:\n    type: string\n    level: derived\n    expr: "capture(user, '\\\\Wsuser=([^=]+?)\\\\s+\\\\w+=')"\n`);
    // A rule reads the field: the run path computes only the fields something reads.
    t.set('rules/PROBE-GUARD.yaml', 'kind: rule\nid: PROBE-GUARD\nname: Guarded regex probe\neventTypes: [usb-write]\nexpression: exists(guarded_probe)\nscore: 1\nmitre: [T1052]\nreason: probe {guarded_probe}\n');
    const { ir, diagnostics } = compileTexts(t);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(diagnostics.some((d) => d.code === 'UEB0404' && d.severity === 'warning' && d.file === file)).toBe(true);
    expect(ir!.settings.guardedRegexes.some((k) => k.includes('suser=([^=]+?)'))).toBe(true);
    const { program, source } = await loadCompiled(ir!);
    expect(source).toContain('h.guardRegexes(');
    resetRegexGuardCounters();
    const { summary } = await runOn(program);
    expect(summary.events).toBeGreaterThan(0);
    expect(regexGuardCounters().linearCalls).toBeGreaterThan(0);
    expect(summary.regexOverBudget).toBe(0);
  });
});
