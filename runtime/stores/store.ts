// The engine's state as stores keyed by stable ids. Each store owns its serialisation and
// declares the key that partitions it, so a partitioned deployment knows which worker owns
// which entry (docs/scale-out.md) and a single process checkpoints exactly what it did before.
import { RecencyMap, type SharedKeys } from '../recency.ts';
import type { RowCodec } from './rows.ts';

/**
 * What an entry's key names, and so which stage owns it when the engine is split:
 * - user:   user id (sessions, day-sequences, per-user history, user-scoped models)
 * - asset:  asset or field value (asset sequences, models scoped by a field such as host)
 * - group:  peer-group name (peer-group models)
 * - model:  model id: one entry for the whole organisation (org models, seen-anywhere sets)
 * - stream: the stream's own clock and run-wide counters (sweep hour, watermark, totals)
 */
export type PartitionKey = 'user' | 'asset' | 'group' | 'model' | 'stream';

export interface Store {
  /** the snapshot field it is saved under */
  readonly name: string;
  readonly partitionKey: PartitionKey;
  save(): unknown;
  load(json: unknown): void;
}

/**
 * A store checkpointed entry by entry: a checkpoint writes only the entries its map reports
 * changed since the last one (runtime/state.ts). `save()` is the list of `encode`d entries in
 * map order, and an encoded entry names its key: an array's first element, or an object's
 * `entity`.
 */
export interface KeyedStore<V = unknown> extends Store {
  readonly map: RecencyMap<string, V>;
  encode(key: string, value: V): unknown;
  /** How a checkpoint row lays out an entry (runtime/stores/rows.ts); reading it gives back `encode`'s JSON. */
  readonly codec: RowCodec<V>;
}

/** The key an encoded entry of a keyed store names (see KeyedStore). */
export function keyOfEntry(entry: unknown): string | undefined {
  const k = Array.isArray(entry) ? entry[0] : entry && typeof entry === 'object' ? (entry as { entity?: unknown }).entity : undefined;
  return typeof k === 'string' ? k : undefined;
}

export function isKeyedStore(s: Store): s is KeyedStore {
  return (s as Partial<KeyedStore>).codec !== undefined && (s as Partial<KeyedStore>).map instanceof RecencyMap;
}

/** A map of entries keyed by a stable id, in least-recently-used order (eviction takes the first; runtime/recency.ts). */
export class KeyedMap<V> extends RecencyMap<string, V> {
  /** `shared`: the index it shares with other maps of the same keys (runtime/recency.ts) */
  constructor(readonly name: string, readonly partitionKey: PartitionKey, shared?: SharedKeys<string>) {
    super(shared);
  }
  /** The store's map is the store itself. */
  get map(): this {
    return this;
  }
}
