// Definition fingerprints: one sha256 per model, rule and aggregate counter, over what decides
// its behaviour (expressions without source spans, parameters, event types by name). A runtime
// swapping bundles keeps the learned state of items whose fingerprint is unchanged; indexes
// and positions in files are not part of it, so adding or moving other content changes nothing.
import { createHash } from 'node:crypto';
import type { IR } from './ir.ts';

/** JSON with sorted keys, dropping spans, checker annotations and prose. */
function canonical(v: unknown): string {
  return JSON.stringify(v, function (this: unknown, key: string, value: unknown) {
    if (key === 'span' || key === 'nameSpan' || key === 'type' && typeof value === 'object' || key === 'res' || key === 'description' || key === 'file') return undefined;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const o = value as Record<string, unknown>;
      return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
    }
    return value;
  });
}

const sha = (v: unknown) => createHash('sha256').update(canonical(v)).digest('hex').slice(0, 32);

export interface Definitions {
  models: string[];
  rules: string[];
  counters: string[];
}

export function definitionsOf(ir: IR): Definitions {
  const names = (ets: number[]) => ets.map((i) => ir.eventTypes[i]!.name);
  return {
    models: ir.models.map((m) => sha({ ...m, eventTypes: names(m.eventTypes) })),
    rules: ir.rules.map((r) => sha({ ...r, eventTypes: names(r.eventTypes), model: r.model >= 0 ? ir.models[r.model]!.id : null })),
    counters: ir.counters.map((c) => sha({ ...c, eventTypes: names(c.eventTypes) })),
  };
}
