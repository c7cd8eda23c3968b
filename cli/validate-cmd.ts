// `uebac validate`: every check the compiler makes, plus (with --context) the organisation's
// context CSVs against the tables the pack declares. Warnings about an empty table that the
// context directory fills are not shown, so a deployment can reach zero warnings;
// --strict / --max-warnings N make warnings a failure for CI.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { compileDir } from '../compiler/compile.ts';
import { parseCsv, readContextDir } from '../compiler/context-data.ts';
import { renderSummary } from '../compiler/diagnostics/render-human.ts';
import { printDiagnostics, type Format } from './compile-cmd.ts';
import { EXIT } from './errors.ts';
import { checkContentDir } from './files.ts';

export interface ValidateOptions {
  format: Format;
  context?: string;
  strict?: boolean;
  maxWarnings?: number;
}

/** Tables the context directory supplies with at least one row. */
function suppliedTables(dir: string): Set<string> {
  const out = new Set<string>();
  let names: string[] = [];
  try { names = readdirSync(dir).filter((n) => n.endsWith('.csv')); } catch { return out; } // reported by readContextDir
  for (const n of names) {
    try {
      if (parseCsv(readFileSync(join(dir, n), 'utf8')).rows.length > 1) out.add(basename(n, '.csv'));
    } catch { /* reported by readContextDir */ }
  }
  return out;
}

export function validateCommand(dir: string, opts: ValidateOptions): number {
  checkContentDir(dir);
  const supplied = opts.context ? suppliedTables(opts.context) : new Set<string>();
  const { ir, diagnostics } = compileDir(dir, { suppliedTables: supplied });
  if (opts.context && ir) diagnostics.push(...readContextDir(opts.context, ir.contexts).diagnostics);
  printDiagnostics(dir, diagnostics, opts.format);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  const limit = opts.strict ? 0 : opts.maxWarnings;
  const tooMany = limit !== undefined && warnings > limit;
  if (opts.format === 'human') {
    if (errors === 0 && !tooMany) process.stderr.write(`${dir}: ok${diagnostics.length ? ` (${renderSummary(diagnostics)})` : ''}\n`);
    else if (errors === 0) process.stderr.write(`${dir}: ${warnings} warning${warnings === 1 ? '' : 's'}, more than the ${limit} allowed by ${opts.strict ? '--strict' : '--max-warnings'}\n`);
  }
  return errors || tooMany ? EXIT.findings : EXIT.ok;
}
