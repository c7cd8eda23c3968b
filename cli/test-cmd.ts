// `uebac test`: compile the content, then run parser samples and stateful rule tests
// against the compiled bundle (what ships), with human or JUnit output.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileDir, compileToDir } from '../compiler/compile.ts';
import { coverageGaps, renderJunit, runParserTests, runRuleTest, type TestResult } from '../compiler/testing.ts';
import { loadBundle } from '../runtime/bundle.ts';
import { printDiagnostics } from './compile-cmd.ts';

export interface TestOptions {
  format: 'human' | 'junit';
  minTests?: number;
  filter?: string;
}

export async function testCommand(dir: string, opts: TestOptions): Promise<number> {
  const { ir, diagnostics } = compileDir(dir);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (!ir) {
    printDiagnostics(dir, errors, 'human');
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
    if (opts.format === 'junit') process.stdout.write(renderJunit(selected));
    else {
      for (const r of selected) {
        if (r.passed) continue;
        process.stdout.write(`✗ ${r.name}  (${r.file})\n${r.failures.map((f) => `    ${f}`).join('\n')}\n`);
      }
      for (const g of gaps) process.stdout.write(`✗ UEB0602 ${g.rule}: needs at least one positive and one negative test (and ${opts.minTests} in all); has ${g.positive} positive, ${g.negative} negative\n`);
      const failed = selected.filter((r) => !r.passed).length;
      const parsers = selected.filter((r) => r.kind === 'parser').length;
      process.stdout.write(`${selected.length - failed} passed, ${failed} failed (${parsers} parser samples, ${selected.length - parsers} rule tests)${gaps.length ? `; ${gaps.length} rules below --min-tests` : ''}\n`);
    }
    return selected.some((r) => !r.passed) || gaps.length > 0 ? 1 : 0;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
