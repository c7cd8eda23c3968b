// `uebac compile` and `uebac validate`: thin wrappers over the compiler library.
import { join } from 'node:path';
import { COMPILER_VERSION, compileDir, compileToDir } from '../compiler/compile.ts';
import type { Diagnostic } from '../compiler/diagnostics/types.ts';
import { colorEnabled } from './color.ts';
import { renderDiagnosticList } from './diagnostics-out.ts';
import { checkContextDir, suppliedTables } from './context-dir.ts';
import { checkContentDir } from './files.ts';
import { renderJson } from '../compiler/diagnostics/render-json.ts';
import { renderSarif } from '../compiler/diagnostics/render-sarif.ts';

export type Format = 'human' | 'json' | 'sarif';

export function printDiagnostics(root: string, ds: Diagnostic[], format: Format): void {
  if (format === 'json') { process.stdout.write(renderJson(ds) + '\n'); return; }
  if (format === 'sarif') { process.stdout.write(renderSarif(ds, { toolVersion: COMPILER_VERSION }) + '\n'); return; }
  process.stderr.write(renderDiagnosticList(ds, root, { summary: true, color: colorEnabled(process.stderr) }));
}

export interface CompileOptions {
  format: Format;
  /** The organisation's context CSVs: checked like `validate --context` (errors fail the compile). */
  context?: string;
}

export async function compileCommand(dir: string, out: string, { format, context }: CompileOptions): Promise<number> {
  checkContentDir(dir);
  const started = performance.now();
  const { ir, diagnostics } = compileDir(dir, { suppliedTables: suppliedTables(context) });
  if (context && ir) diagnostics.push(...checkContextDir(context, ir.contexts));
  const errors = diagnostics.filter((d) => d.severity === 'error');
  // Errors in full; warnings are `uebac validate`'s job, so compile only counts them.
  const warnings = diagnostics.filter((d) => d.severity !== 'error');
  printDiagnostics(dir, format === 'human' ? errors : diagnostics, format);
  if (format === 'human' && warnings.length) process.stderr.write(`${warnings.length} warning${warnings.length === 1 ? '' : 's'} (see \`uebac validate ${dir}${context ? ` --context ${context}` : ''}\`)\n`);
  if (!ir || errors.length) return 1;
  const m = await compileToDir(ir, out);
  if (format === 'human') {
    const c = m.counts;
    process.stderr.write(`compiled ${m.pack.id} ${m.pack.version}: ${c.eventTypes} event types, ${c.parsers} parsers, ${c.models} models, ${c.rules} rules → ${join(out, 'bundle.mjs')} (${Math.round(performance.now() - started)} ms)\n`);
  }
  return 0;
}
