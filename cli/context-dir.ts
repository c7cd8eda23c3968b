// `--context DIR`: the organisation's CSV tables (compiler/context-data.ts reads them).
// - validate and compile check them against the tables the pack declares, as diagnostics at
//   their file, line and column; a table the directory fills no longer warns as empty.
// - run, explain and serve load them in place of the pack's; any problem stops the command
//   before any event is read, with every problem listed.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Manifest } from '../runtime/bundle.ts';
import type { ContextTable } from '../runtime/context.ts';
import { parseCsv, readContextDir, type TableDecl } from '../compiler/context-data.ts';
import type { Diagnostic } from '../compiler/diagnostics/types.ts';
import { renderDiagnosticList } from './diagnostics-out.ts';

export class ContextError extends Error {}

export function loadContextDir(dir: string, manifest: Manifest): Map<string, ContextTable> {
  const { tables, diagnostics } = readContextDir(dir, manifest.contextTables);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new ContextError(`--context ${dir}: ${errors.length} problem${errors.length === 1 ? '' : 's'}\n${renderDiagnosticList(errors)}`);
  return tables;
}

/** Tables the context directory supplies with at least one row (their empty-table warnings go). */
export function suppliedTables(dir: string | undefined): Set<string> {
  const out = new Set<string>();
  if (!dir) return out;
  let names: string[] = [];
  try { names = readdirSync(dir).filter((n) => n.endsWith('.csv')); } catch { return out; } // reported by checkContextDir
  for (const n of names) {
    try {
      if (parseCsv(readFileSync(join(dir, n), 'utf8')).rows.length > 1) out.add(basename(n, '.csv'));
    } catch { /* reported by checkContextDir */ }
  }
  return out;
}

/** The context directory's problems against the pack's declared tables, as diagnostics. */
export function checkContextDir(dir: string, decls: readonly TableDecl[]): Diagnostic[] {
  return readContextDir(dir, decls).diagnostics;
}
