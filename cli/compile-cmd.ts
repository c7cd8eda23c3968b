// `uebac compile` and `uebac validate`: thin wrappers over the compiler library.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Manifest } from '../runtime/bundle.ts';
import { ABI_VERSION } from '../runtime/program.ts';
import { COMPILER_VERSION, compileDir, type IR } from '../compiler/compile.ts';
import type { Diagnostic } from '../compiler/diagnostics/types.ts';
import { renderSummary } from '../compiler/diagnostics/render-human.ts';
import { renderDiagnosticList } from './diagnostics-out.ts';
import { renderJson } from '../compiler/diagnostics/render-json.ts';
import { renderSarif } from '../compiler/diagnostics/render-sarif.ts';
import { bundleSource, emitSource } from '../compiler/emit/bundle.ts';

export type Format = 'human' | 'json' | 'sarif';

export function printDiagnostics(root: string, ds: Diagnostic[], format: Format): void {
  if (format === 'json') { process.stdout.write(renderJson(ds) + '\n'); return; }
  if (format === 'sarif') { process.stdout.write(renderSarif(ds, { toolVersion: COMPILER_VERSION }) + '\n'); return; }
  process.stderr.write(renderDiagnosticList(ds, root, { summary: true }));
}

export function validateCommand(dir: string, format: Format): number {
  const { diagnostics } = compileDir(dir);
  printDiagnostics(dir, diagnostics, format);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (format === 'human' && errors === 0) process.stderr.write(`${dir}: ok${diagnostics.length ? ` (${renderSummary(diagnostics)})` : ''}\n`);
  return errors ? 1 : 0;
}

export function manifestOf(ir: IR, bundleHash: string): Manifest {
  const names = (ets: number[]) => ets.map((i) => ir.eventTypes[i]!.name);
  return {
    pack: ir.pack,
    contentHash: ir.contentHash,
    bundleHash,
    compilerVersion: COMPILER_VERSION,
    abi: ABI_VERSION,
    counts: { eventTypes: ir.eventTypes.length, parsers: ir.parsers.length, models: ir.models.length, rules: ir.rules.length, contextTables: ir.contexts.length },
    eventTypes: ir.eventTypes.map((e) => e.name),
    parsers: ir.parsers.map((p) => ({ id: p.id, format: p.format, eventTypes: [...new Set(names(p.events.map((e) => e.eventType)))] })),
    models: ir.models.map((m) => ({ id: m.id, type: m.type, scope: m.scopeType, eventTypes: names(m.eventTypes) })),
    rules: ir.rules.map((r) => ({ id: r.id, name: r.name, eventTypes: names(r.eventTypes), model: r.model >= 0 ? ir.models[r.model]!.id : null, score: r.score, mitre: r.mitre, type: r.type })),
    contextTables: ir.contexts.map((c) => ({ name: c.name, shape: c.shape, match: c.match ?? "exact", columns: c.columns, organisation: c.organisation, rows: c.rows.length })),
  };
}

export async function compileToDir(ir: IR, out: string): Promise<Manifest> {
  const source = emitSource(ir);
  const bundle = await bundleSource(source);
  const bundleHash = createHash('sha256').update(bundle).digest('hex');
  const manifest = manifestOf(ir, bundleHash);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'bundle.ts'), source);
  writeFileSync(join(out, 'bundle.mjs'), bundle);
  writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

export async function compileCommand(dir: string, out: string, format: Format): Promise<number> {
  const started = performance.now();
  const { ir, diagnostics } = compileDir(dir);
  // Errors in full; warnings are `uebac validate`'s job, so compile only counts them.
  const warnings = diagnostics.filter((d) => d.severity !== 'error');
  printDiagnostics(dir, format === 'human' ? diagnostics.filter((d) => d.severity === 'error') : diagnostics, format);
  if (format === 'human' && warnings.length) process.stderr.write(`${warnings.length} warning${warnings.length === 1 ? '' : 's'} (see \`uebac validate ${dir}\`)\n`);
  if (!ir) return 1;
  const m = await compileToDir(ir, out);
  if (format === 'human') {
    const c = m.counts;
    process.stderr.write(`compiled ${m.pack.id} ${m.pack.version}: ${c.eventTypes} event types, ${c.parsers} parsers, ${c.models} models, ${c.rules} rules → ${join(out, 'bundle.mjs')} (${Math.round(performance.now() - started)} ms)\n`);
  }
  return 0;
}
