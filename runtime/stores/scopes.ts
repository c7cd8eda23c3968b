// Open scopes (user sessions, user day-sequences, asset sequences) keyed by their entity, and
// the per-user memory of closed ones (day-sequence history, last session for risk transfer).
import type { Scope } from '../engine.ts';
import { KeyedMap, type PartitionKey, type Store } from './store.ts';

type Json = unknown;

function scopeToJson(s: Scope): Json {
  return {
    ...s,
    fired: [...s.fired],
    counters: s.counters.map((c) => (c === undefined ? null : c instanceof Map ? { m: [...c] } : c instanceof Set ? { s: [...c] } : { t: (c as { total: number }).total })),
    pending: s.pending ? [...s.pending] : undefined,
    types: s.types ? [...s.types] : undefined,
  };
}

function scopeFromJson(j: Record<string, unknown>): Scope {
  const counters = (j.counters as Array<Record<string, unknown> | null>).map((c) => (c === null ? undefined : 'm' in c ? new Map(c.m as [string, number][]) : 's' in c ? new Set(c.s as string[]) : { total: c.t as number }));
  return {
    ...(j as unknown as Scope),
    fired: new Set(j.fired as number[]),
    counters,
    pending: j.pending ? new Map(j.pending as [number, { scope: never; feature: never }][]) : undefined,
    types: j.types ? new Set(j.types as number[]) : undefined,
  };
}

/** Open scopes keyed by entity (user or asset); saved as a list in map order. */
export class ScopeMap extends KeyedMap<Scope> implements Store {
  constructor(name: string, partitionKey: PartitionKey) {
    super(name, partitionKey);
  }
  save(): Json {
    return [...this.values()].map(scopeToJson);
  }
  load(json: unknown): void {
    for (const s of json as Record<string, unknown>[]) {
      const sc = scopeFromJson(s);
      this.set(sc.entity, sc);
    }
  }
}

/** Plain per-key values saved as [key, value] pairs in map order. */
export class EntryMap<V> extends KeyedMap<V> implements Store {
  save(): Json {
    return [...this];
  }
  load(json: unknown): void {
    for (const [k, v] of json as [string, V][]) this.set(k, v);
  }
}
