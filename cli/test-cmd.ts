// `uebac test`: compile the content, then run parser samples and stateful rule tests
// against the compiled bundle (what ships). Every failing check — a failed test, a rule
// below --min-tests, a compile error — appears in every output format, so a machine-read
// report is never greener than the exit code.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMPILER_VERSION, compileDir, compileToDir } from '../compiler/compile.ts';
import { DIAG } from '../compiler/diagnostics/codes.ts';
import { renderJson } from '../compiler/diagnostics/render-json.ts';
import { renderSarif } from '../compiler/diagnostics/render-sarif.ts';
import type { Diagnostic } from '../compiler/diagnostics/types.ts';
import { testDiagnostics } from '../compiler/test-diagnostics.ts';
import { coverageGaps, renderJunit, runParserTests, runRuleTest, type TestResult } from '../compiler/testing.ts';
import { loadBundle } from '../runtime/bundle.ts';
import { stdoutPaint } from './color.ts';
import { printDiagnostics } from './compile-cmd.ts';
import { checkContentDir } from './files.ts';

export type TestFormat = 'human' | 'junit' | 'json' | 'sarif';

export interface TestOptions {
  format: TestFormat;
  minTests?: number;
  filter?: string;
}

export async function testCommand(dir: string, opts: TestOptions): Promise<number> {
  checkContentDir(dir);
  const { ir, diagnostics, files } = compileDir(dir);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (!ir) {
    emit(dir, opts.format, [], errors);
    return 1;
  }
  const out = mkdtempSync(join(tmpdir(), 'uebac-test-'));
  try {
    await compileToDir(ir, out);
    const { module } = await loadBundle(out);
    const results: TestResult[] = [];
    results.push(...runParserTests(ir, module.instantiate(new Map())));
    for (const t of ir.tests) results.push(runRuleTest(ir, (o) => module.instantiate(o), t.value, t.file.path));
    const selected = opts.filter ? results.filter((r) => r.name.includes(opts.filter!)) : results;
    const gaps = opts.minTests !== undefined ? coverageGaps(ir, opts.minTests) : [];
    const ruleFiles = new Map(files.flatMap((f) => {
      const v = f.value as { kind?: string; id?: string } | undefined;
      return v?.kind === 'rule' && typeof v.id === 'string' ? [[v.id, f.path] as const] : [];
    }));
    const failing = testDiagnostics(selected, gaps, opts.minTests, files, ruleFiles);
    emit(dir, opts.format, selected, failing, gaps.length);
    return failing.length > 0 ? 1 : 0;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function emit(dir: string, format: TestFormat, results: readonly TestResult[], failing: Diagnostic[], gapCount = 0): void {
  if (format === 'junit') { process.stdout.write(renderJunit(results, failing.filter((d) => d.code !== DIAG.TEST_FAILED.code))); return; }
  if (format === 'json') { process.stdout.write(renderJson(failing) + '\n'); return; }
  if (format === 'sarif') { process.stdout.write(renderSarif(failing, { toolVersion: COMPILER_VERSION }) + '\n'); return; }
  if (results.length === 0) { printDiagnostics(dir, failing, 'human'); return; }
  const paint = stdoutPaint();
  const cross = paint('red', '✗');
  for (const r of results) {
    if (r.passed) continue;
    process.stdout.write(`${cross} ${paint('bold', r.name)}  (${r.file})\n${r.failures.map((f) => `    ${f}`).join('\n')}\n`);
  }
  for (const d of failing) if (d.code === DIAG.MIN_TESTS.code) process.stdout.write(`${cross} ${d.code} ${d.message}\n`);
  const failed = results.filter((r) => !r.passed).length;
  const parsers = results.filter((r) => r.kind === 'parser').length;
  process.stdout.write(`${paint('green', `${results.length - failed} passed`)}, ${paint(failed ? 'red' : 'green', `${failed} failed`)} (${parsers} parser samples, ${results.length - parsers} rule tests)${gapCount ? `; ${paint('red', `${gapCount} rules below --min-tests`)}` : ''}\n`);
}
