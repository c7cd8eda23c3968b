// Child process: everything that needs the compiler, in one fresh process.
//  1. Cold compile of the pack: compileDir + compileToDir (load, validate, check, regex
//     screening, emit, esbuild, write), each phase timed. Module loading is timed apart
//     (under tsx it includes transpiling the compiler's TypeScript, which the shipped CLI
//     bundle does not pay).
//  2. Optionally, each regex the pack screens, checked again through a fresh instance of
//     compiler/regex/safety.ts (its verdict cache empty, recheck's worker already running):
//     how much of the cold compile is regex screening.
//  3. The same pack again, warm (JIT warm, regex verdicts cached), and the scaled packs
//     (their real-content regexes are cached verdicts by then, as they would be for a
//     long-running compile server).
//  4. Optionally the rule-evaluation case (cases/rules.ts), which needs the IR.
import type { IR } from '../compiler/compile.ts';
import type { Expr } from '../compiler/expr/ast.ts';
import { childMain, progress } from './child.ts';
import { rulesCase, type RulesInput, type RulesResult } from './cases/rules.ts';

interface Input {
  content: string;
  out: string;
  regexSplit: boolean;
  warm: boolean;
  extra?: Array<{ name: string; content: string; out: string }>;
  rules?: RulesInput | null;
}

export interface CompileTiming {
  compileDirMs: number;
  compileToDirMs: number;
  totalMs: number;
  errors: string[];
  counts: Record<string, number> | null;
  bundleBytes: number;
  /** Set by run.ts when the bundle came from the cache. */
  cached?: boolean;
}

export interface CompileReport {
  importMs: number;
  cold: CompileTiming;
  warm: CompileTiming | null;
  regexes: Array<{ source: string; ms: number; verdict: string }> | null;
  extra: Record<string, CompileTiming>;
  rules: RulesResult | null;
}

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

function regexesOf(ir: IR, walk: (e: Expr, v: (e: Expr) => void) => void): Array<{ source: string; flags: string }> {
  const seen = new Map<string, { source: string; flags: string }>();
  const add = (r: { source: string; flags: string } | undefined) => { if (r) seen.set(`${r.flags}/${r.source}`, { source: r.source, flags: r.flags }); };
  const visit = (e: Expr | null | undefined) => {
    if (e) walk(e, (n) => { if (n.kind === 'call') add(n.res?.regex); });
  };
  for (const p of ir.parsers) {
    p.extract.forEach(add);
    p.fields.forEach((f) => visit(f.ast));
    p.events.forEach((e) => visit(e.when));
  }
  for (const et of ir.eventTypes) et.derived.forEach((d) => visit(d.ast));
  for (const c of ir.counters) { visit(c.value); visit(c.key); }
  for (const m of ir.models) { visit(m.feature); visit(m.trainIf); }
  for (const r of ir.rules) { visit(r.classifyIf); visit(r.expression); }
  return [...seen.values()];
}

await childMain(async (input: Input): Promise<CompileReport> => {
  let t = process.hrtime.bigint();
  const { compileDir } = await import('../compiler/compile.ts');
  const { compileToDir } = await import('../compiler/output.ts');
  const { walk } = await import('../compiler/expr/ast.ts');
  const { statSync } = await import('node:fs');
  const importMs = ms(t);

  const compile = async (content: string, out: string): Promise<{ timing: CompileTiming; ir: IR | null }> => {
    let t0 = process.hrtime.bigint();
    const { ir, diagnostics } = compileDir(content);
    const compileDirMs = ms(t0);
    const errors = diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}: ${d.code} ${d.message}`);
    if (!ir) return { ir, timing: { compileDirMs, compileToDirMs: 0, totalMs: compileDirMs, errors, counts: null, bundleBytes: 0 } };
    t0 = process.hrtime.bigint();
    const manifest = await compileToDir(ir, out);
    const compileToDirMs = ms(t0);
    return { ir, timing: { compileDirMs, compileToDirMs, totalMs: compileDirMs + compileToDirMs, errors, counts: manifest.counts, bundleBytes: statSync(`${out}/bundle.mjs`).size } };
  };

  const cold = await compile(input.content, input.out);
  progress(`  cold compile ${cold.timing.totalMs.toFixed(0)} ms`);
  if (!cold.ir) return { importMs, cold: cold.timing, warm: null, regexes: null, extra: {}, rules: null };

  let regexes: CompileReport['regexes'] = null;
  if (input.regexSplit) {
    // A query string gives a second module instance, with its own (empty) verdict cache;
    // UEBAC_CACHE_DIR='' keeps that instance off the on-disk verdict cache.
    process.env.UEBAC_CACHE_DIR = '';
    const freshUrl = new URL('../compiler/regex/safety.ts?bench-regex-split', import.meta.url).href;
    const fresh = (await import(freshUrl)) as typeof import('../compiler/regex/safety.ts');
    regexes = [];
    for (const r of regexesOf(cold.ir, walk)) {
      t = process.hrtime.bigint();
      const v = fresh.checkRegexSafety(r.source, r.flags);
      regexes.push({ source: r.source, ms: ms(t), verdict: v.safe ? 'safe' : `${v.reason}${v.complexity ? ` ${v.complexity}` : ''}${v.detail ? ` (${v.detail})` : ''}` });
    }
    progress(`  regex screening of ${regexes.length} regexes: ${regexes.reduce((s, r) => s + r.ms, 0).toFixed(0)} ms`);
  }

  const warm = input.warm ? (await compile(input.content, `${input.out}-warm`)).timing : null;
  const extra: Record<string, CompileTiming> = {};
  for (const x of input.extra ?? []) {
    extra[x.name] = (await compile(x.content, x.out)).timing;
    progress(`  compiled ${x.name}: ${extra[x.name]!.totalMs.toFixed(0)} ms`);
  }
  const rules = input.rules ? await rulesCase(cold.ir, input.rules) : null;
  return { importMs, cold: cold.timing, warm, regexes, extra, rules };
});
