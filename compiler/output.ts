// The compiled pack on disk: bundle source, bundle and manifest, written from a checked IR.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Manifest } from '../runtime/bundle.ts';
import { ABI_VERSION } from '../runtime/program.ts';
import { definitionsOf } from './definitions.ts';
import { COMPILER_VERSION, type IR } from './ir.ts';
import { bundleSource, emitSource } from './passes/emit.ts';

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
    contextTables: ir.contexts.map((c) => ({ name: c.name, shape: c.shape, match: c.match ?? 'exact', columns: c.columns, organisation: c.organisation, rows: c.rows.length })),
    definitions: definitionsOf(ir),
  };
}

/** Emit and bundle the IR, then write bundle.ts, bundle.mjs and manifest.json into `out`. */
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
