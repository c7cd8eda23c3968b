// Compiling an import's output with the ordinary compiler: a parser counts as imported only
// when the compiler accepts it. Parsers it rejects are removed from the output (so the
// directory compiles) and reported with the compiler's own diagnostic.
//
// The output is compiled in shards of a few hundred parsers, each with its event types and
// the pack file: the checks that can reject a parser only look at the parser and its event
// types, and a whole library at once would hold every YAML document in memory together.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileFiles } from '../compile.ts';
import type { Diagnostic } from '../diagnostics/types.ts';
import { parseSource, type SourceFile } from '../load.ts';
import { setRegexSafetyDefaults } from '../regex/safety.ts';
import type { ImportResult, ParserRecord } from './import-exabeam.ts';
import { eventTypeFile, parserFile, removeParser, type WrittenFile } from './write-import.ts';

export interface CheckResult {
  /** Compiler errors outside any parser file (should not happen; reported as is). */
  otherErrors: Diagnostic[];
  warnings: number;
  millis: number;
}

const SHARD = 400;

export function checkImport(result: ImportResult, outDir: string, written: WrittenFile[]): CheckResult {
  const started = performance.now();
  // Every regex was screened (or marked unscreened) during the import: do not screen again.
  const before = setRegexSafetyDefaults({ cacheOnly: true });
  const otherErrors: Diagnostic[] = [];
  let warnings = 0;
  try {
    const hasPack = existsSync(join(outDir, 'pack.yaml'));
    const read = (path: string): SourceFile => parseSource(path, readFileSync(join(outDir, path), 'utf8')).file;
    const pack = hasPack ? read('pack.yaml') : null;
    const records = written.filter((w) => w.record && w.path.startsWith('parsers/')).map((w) => w.record!);
    const etUsers = new Map<string, number>();
    for (const r of records) etUsers.set(r.eventType!.id, (etUsers.get(r.eventType!.id) ?? 0) + 1);
    for (let i = 0; i < records.length; i += SHARD) {
      let shard = records.slice(i, i + SHARD);
      // A compile stops after the first stage with errors, so compile again until clean.
      for (let round = 0; round < 5 && shard.length > 0; round++) {
        const byFile = new Map(shard.map((r) => [parserFile(r), r] as const));
        const files = [...(pack ? [pack] : []), ...[...new Set(shard.map(eventTypeFile))].map(read), ...shard.map((r) => read(parserFile(r)))];
        const { diagnostics } = compileFiles(files);
        const failed = new Set<ParserRecord>();
        for (const d of diagnostics) {
          if (d.severity !== 'error') continue;
          const r = byFile.get(d.file);
          if (!r) { otherErrors.push(d); continue; }
          failed.add(r);
          r.issues.push({ reason: 'compile-error', message: `${d.code} ${d.message}`, at: { file: join(outDir, d.file), line: d.range.start.line, col: d.range.start.col } });
        }
        if (failed.size === 0) {
          warnings += diagnostics.filter((d) => d.severity === 'warning').length;
          break;
        }
        for (const r of failed) {
          const users = etUsers.get(r.eventType!.id) ?? 1;
          etUsers.set(r.eventType!.id, users - 1);
          removeParser(outDir, r, users > 1);
          r.status = 'failed';
        }
        shard = shard.filter((r) => !failed.has(r));
      }
    }
    return { otherErrors, warnings, millis: performance.now() - started };
  } finally {
    setRegexSafetyDefaults(before);
  }
}
