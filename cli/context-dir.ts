// `--context DIR` for run and explain: the CSV tables that replace the pack's, read by
// compiler/context-data.ts. Any problem stops the command before any event is read, with
// every problem listed at its file, line and column.
import type { Manifest } from '../runtime/bundle.ts';
import type { ContextTable } from '../runtime/context.ts';
import { readContextDir } from '../compiler/context-data.ts';
import { renderDiagnosticList } from './diagnostics-out.ts';

export class ContextError extends Error {}

export function loadContextDir(dir: string, manifest: Manifest): Map<string, ContextTable> {
  const { tables, diagnostics } = readContextDir(dir, manifest.contextTables);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new ContextError(`--context ${dir}: ${errors.length} problem${errors.length === 1 ? '' : 's'}\n${renderDiagnosticList(errors)}`);
  return tables;
}
