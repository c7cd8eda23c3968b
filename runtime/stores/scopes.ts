// Open scopes (user sessions, user day-sequences, asset sequences) keyed by their entity, and
// the per-user memory of closed ones (day-sequence history, last session for risk transfer).
import type { Scope } from '../engine.ts';
import { jsonNumber, KeyedMap, type KeyedStore, type PartitionKey } from './store.ts';

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

const counterText = (c: Scope['counters'][number]): string =>
  c === undefined ? 'null' : c instanceof Map ? (c.size === 0 ? '{"m":[]}' : '{"m":' + JSON.stringify([...c]) + '}') : c instanceof Set ? (c.size === 0 ? '{"s":[]}' : '{"s":' + JSON.stringify([...c]) + '}') : '{"t":' + jsonNumber((c as { total: number }).total) + '}';

/**
 * `JSON.stringify(scopeToJson(s))` written field by field (a checkpoint writes one per changed
 * scope); the same value when parsed (test/runtime/checkpoint-incremental.test.ts).
 */
export function scopeText(s: Scope): string {
  let t = '{"id":' + JSON.stringify(s.id) + ',"entity":' + JSON.stringify(s.entity) + ',"start":' + jsonNumber(s.start) + ',"end":' + jsonNumber(s.end) +
    ',"score":' + jsonNumber(s.score) + ',"initialScore":' + jsonNumber(s.initialScore) + ',"events":' + jsonNumber(s.events) +
    ',"rules":' + (s.rules.length === 0 ? '[]' : JSON.stringify(s.rules)) + ',"fired":' + (s.fired.size === 0 ? '[]' : JSON.stringify([...s.fired])) + ',"counters":[';
  for (let i = 0; i < s.counters.length; i++) t += (i === 0 ? '' : ',') + counterText(s.counters[i]);
  t += ']';
  if (s.pending) t += ',"pending":' + JSON.stringify([...s.pending]);
  if (s.types) t += ',"types":' + JSON.stringify([...s.types]);
  if (s.lastEvent !== undefined) t += ',"lastEvent":' + jsonNumber(s.lastEvent);
  return t + '}';
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
  constructor(name: string, partitionKey: PartitionKey) {
    super(name, partitionKey);
  }
  /** The engine changes a scope it got in place, so a scope read here counts as changed (incremental checkpoints). */
  override get(key: string): Scope | undefined {
    return this.getToChange(key);
  }
  encode(_key: string, value: Scope): Json {
    return scopeToJson(value);
  }
  text(_key: string, value: Scope): string {
    return scopeText(value);
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
export class EntryMap<V> extends KeyedMap<V> implements KeyedStore<V> {
  encode(key: string, value: V): Json {
    return [key, value];
  }
  text(key: string, value: V): string {
    return JSON.stringify([key, value]);
  }
  save(): Json {
    return [...this];
  }
  load(json: unknown): void {
    for (const [k, v] of json as [string, V][]) this.set(k, v);
  }
}
