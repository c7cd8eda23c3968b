// Content test outcomes as diagnostics: a failed test is UEB0601 at the test (or the step that
// failed), a rule below --min-tests is UEB0602 at the rule. Every output format of `uebac test`
// is rendered from these, so each failing check shows up in each of them.
import { DIAG } from './diagnostics/codes.ts';
import { diagnostic } from './diagnostics/report.ts';
import type { Diagnostic } from './diagnostics/types.ts';
import { rangeAt, type SourceFile } from './load.ts';
import type { coverageGaps, TestResult } from './testing.ts';

/** `step 3: …` → the path of step 3 in the test document. */
function failurePath(r: TestResult, failure: string): (string | number)[] {
  const step = /^step (\d+):/.exec(failure);
  if (r.kind === 'rule') return step ? ['steps', Number(step[1]) - 1] : ['id'];
  return r.path ?? [];
}

/** Failed tests (UEB0601) and rules below --min-tests (UEB0602) as diagnostics. */
export function testDiagnostics(results: readonly TestResult[], gaps: ReturnType<typeof coverageGaps>, minTests: number | undefined, files: readonly SourceFile[], ruleFiles: ReadonlyMap<string, string>): Diagnostic[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const at = (path: string, where: (string | number)[]) => {
    const f = byPath.get(path);
    return f ? rangeAt(f, where) : { start: { line: 1, col: 1, offset: 0 }, end: { line: 1, col: 1, offset: 0 } };
  };
  const out: Diagnostic[] = [];
  for (const r of results) {
    for (const failure of r.failures) out.push(diagnostic(DIAG.TEST_FAILED, r.file, at(r.file, failurePath(r, failure)), `${r.name}: ${failure}`));
  }
  for (const g of gaps) {
    const file = ruleFiles.get(g.rule) ?? '';
    out.push(diagnostic(DIAG.MIN_TESTS, file, at(file, ['id']), `rule \`${g.rule}\` needs at least one positive and one negative test${minTests ? ` and ${minTests} in all` : ''}; has ${g.positive} positive, ${g.negative} negative`));
  }
  return out;
}

