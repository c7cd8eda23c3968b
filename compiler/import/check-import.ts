// Compiling an import's output with the ordinary compiler: a parser counts as imported only
// when the compiler accepts it. Parsers it rejects are removed from the output (so the
// directory compiles) and reported with the compiler's own diagnostic.
import { compileDir } from '../compile.ts';
import type { Diagnostic } from '../diagnostics/types.ts';
import { setRegexSafetyDefaults } from '../regex/safety.ts';
import type { ImportResult, ParserRecord } from './import-exabeam.ts';
import { removeParser, type WrittenFile } from './write-import.ts';

export interface CheckResult {
  /** Compiler errors outside any parser file (should not happen; reported as is). */
  otherErrors: Diagnostic[];
  warnings: number;
  millis: number;
}

export function checkImport(result: ImportResult, outDir: string, written: WrittenFile[]): CheckResult {
  const started = performance.now();
  // Every regex was screened (or marked unscreened) during the import: do not screen again.
  const before = setRegexSafetyDefaults({ cacheOnly: true });
  try {
    const byFile = new Map<string, ParserRecord>();
    for (const w of written) if (w.record && w.path.startsWith('parsers/')) byFile.set(w.path, w.record);
    let { diagnostics } = compileDir(outDir);
    const failed = new Set<ParserRecord>();
    for (const d of diagnostics) {
      if (d.severity !== 'error') continue;
      const r = byFile.get(d.file);
      if (!r) continue;
      failed.add(r);
      r.issues.push({ reason: 'compile-error', message: `${d.code} ${d.message}`, at: { file: `${outDir}/${d.file}`, line: d.range.start.line, col: d.range.start.col } });
    }
    if (failed.size > 0) {
      const etUsers = new Map<string, number>();
      for (const r of result.parsers) if (r.eventType && r.status !== 'failed') etUsers.set(r.eventType.id, (etUsers.get(r.eventType.id) ?? 0) + 1);
      for (const r of failed) {
        removeParser(outDir, r, (etUsers.get(r.eventType!.id) ?? 0) > 1);
        r.status = 'failed';
      }
      diagnostics = compileDir(outDir).diagnostics;
    }
    return {
      otherErrors: diagnostics.filter((d) => d.severity === 'error'),
      warnings: diagnostics.filter((d) => d.severity === 'warning').length,
      millis: performance.now() - started,
    };
  } finally {
    setRegexSafetyDefaults(before);
  }
}
