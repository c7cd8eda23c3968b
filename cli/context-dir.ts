// `--context DIR`: the organisation's CSV tables (compiler/context-data.ts reads them).
// - validate and compile check them against the tables the pack declares, as diagnostics at
//   their file, line and column; a table the directory fills no longer warns as empty.
// - run, explain and serve load them in place of the pack's; any problem stops the command
//   before any event is read, with every problem listed.
import type { Manifest } from '../runtime/bundle.ts';
import type { ContextTable } from '../runtime/context.ts';
import { readContextDir, type TableDecl } from '../compiler/context-data.ts';
export { suppliedTables } from '../compiler/context-data.ts';
import type { Diagnostic } from '../compiler/diagnostics/types.ts';
import { renderDiagnosticList } from './diagnostics-out.ts';

export class ContextError extends Error {}

export function loadContextDir(dir: string, manifest: Manifest): Map<string, ContextTable> {
  const { tables, diagnostics } = readContextDir(dir, manifest.contextTables);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new ContextError(`--context ${dir}: ${errors.length} problem${errors.length === 1 ? '' : 's'}\n${renderDiagnosticList(errors)}`);
  return tables;
}

/** The context directory's problems against the pack's declared tables, as diagnostics. */
export function checkContextDir(dir: string, decls: readonly TableDecl[]): Diagnostic[] {
  return readContextDir(dir, decls).diagnostics;
}
