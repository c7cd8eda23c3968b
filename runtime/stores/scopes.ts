// Open scopes (user sessions, user day-sequences, asset sequences) keyed by their entity, and
// the per-user memory of closed ones (day-sequence history, last session for risk transfer).
import type { Scope } from '../engine.ts';
import { entryCodec, scopeCodec, type RowCodec } from './rows.ts';
import type { SharedKeys } from '../recency.ts';
import { KeyedMap, type KeyedStore, type PartitionKey } from './store.ts';

type Json = unknown;

export function scopeToJson(s: Scope): Json {
  return {
    ...s,
    fired: [...s.fired],
    counters: s.counters.map((c) => (c === undefined ? null : c instanceof Map ? { m: [...c] } : c instanceof Set ? { s: [...c] } : { t: (c as { total: number }).total })),
    pending: s.pending ? [...s.pending] : undefined,
    types: s.types ? [...s.types] : undefined,
  };
}

/**
 * A scope as checkpoint rows of kind 2 held it (earlier versions; they are still read): an
 * array `[entity, id, start, end, score, initialScore, events, rules, fired, counters, pending,
 * types, lastEvent]` whose counters are `[length, index, counter, …]`, 0 for absent pending /
 * types and null for an absent lastEvent. Rows are now written flat (runtime/stores/rows.ts).
 * Gives the snapshot form (what `JSON.stringify(scopeToJson(s))` parses to).
 */
export function scopeRowToJson(r: Json): Json {
  if (!Array.isArray(r) || r.length !== 13 || !Array.isArray(r[9])) throw new Error('a scope row is not [entity, id, …, counters, pending, types, lastEvent]');
  const packed = r[9] as Json[];
  const counters: Json[] = Array.from({ length: packed[0] as number }, () => null);
  for (let k = 1; k < packed.length; k += 2) counters[packed[k] as number] = packed[k + 1];
  const j: Record<string, Json> = { id: r[1], entity: r[0], start: r[2], end: r[3], score: r[4], initialScore: r[5], events: r[6], rules: r[7], fired: r[8], counters };
  if (r[10] !== 0) j.pending = r[10];
  if (r[11] !== 0) j.types = r[11];
  if (r[12] !== null) j.lastEvent = r[12];
  return j;
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
export class ScopeMap extends KeyedMap<Scope> implements KeyedStore<Scope> {
  constructor(name: string, partitionKey: PartitionKey, shared?: SharedKeys<string>) {
    super(name, partitionKey, shared);
  }
  /** The engine changes a scope it got in place, so a scope read here counts as changed (incremental checkpoints). */
  override get(key: string): Scope | undefined {
    return this.getToChange(key);
  }
  encode(_key: string, value: Scope): Json {
    return scopeToJson(value);
  }
  readonly codec = scopeCodec;
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
export class EntryMap<V> extends KeyedMap<V> implements KeyedStore<V> {
  encode(key: string, value: V): Json {
    return [key, value];
  }
  readonly codec: RowCodec<V> = entryCodec;
  save(): Json {
    return [...this];
  }
  load(json: unknown): void {
    for (const [k, v] of json as [string, V][]) this.set(k, v);
  }
}
