// `uebac import exabeam PATH... -o DIR`: a thin layer over compiler/import/.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkImport } from '../compiler/import/check-import.ts';
import { importExabeam } from '../compiler/import/import-exabeam.ts';
import { reportJson, reportMarkdown, summarise, summaryText } from '../compiler/import/report-import.ts';
import { writeImport } from '../compiler/import/write-import.ts';
import { flushRegexSafetyCache } from '../compiler/regex/safety.ts';

export interface ImportCommandOptions {
  out: string;
  check: boolean;
  screenBudget: number;
  screenTimeout: number;
  json?: boolean;
}

export function importExabeamCommand(paths: string[], o: ImportCommandOptions): number {
  const result = importExabeam(paths, { screenBudgetMs: o.screenBudget * 1000, screenTimeoutMs: o.screenTimeout });
  flushRegexSafetyCache();
  const written = writeImport(result, o.out);
  let compileNote = '';
  if (o.check) {
    const c = checkImport(result, o.out, written);
    compileNote = `compile check      ${(c.millis / 1000).toFixed(1)} s, ${c.warnings} warnings (see \`uebac validate ${o.out}\`)`;
    if (c.otherErrors.length) compileNote += `\n${c.otherErrors.length} errors outside parser files, e.g. ${c.otherErrors[0]!.file}: ${c.otherErrors[0]!.message}`;
  }
  const summary = summarise(result);
  writeFileSync(join(o.out, 'import-report.md'), reportMarkdown(result, summary));
  writeFileSync(join(o.out, 'import-report.json'), reportJson(result, summary));
  if (o.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  else process.stderr.write(`${summaryText(summary)}\n${compileNote ? compileNote + '\n' : ''}report            ${join(o.out, 'import-report.md')}\n`);
  for (const i of result.fileIssues) process.stderr.write(`${i.at.file}:${i.at.line}:${i.at.col}: error ${i.reason} ${i.message}\n`);
  return summary.parsers === 0 ? 1 : 0;
}
