// The engine's state as stores keyed by stable ids. Each store owns its serialisation and
// declares the key that partitions it, so a partitioned deployment knows which worker owns
// which entry (docs/scale-out.md) and a single process checkpoints exactly what it did before.
import { RecencyMap } from '../recency.ts';

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

/** A map of entries keyed by a stable id, in least-recently-used order (eviction takes the first; runtime/recency.ts). */
export class KeyedMap<V> extends RecencyMap<string, V> {
  constructor(readonly name: string, readonly partitionKey: PartitionKey) {
    super();
  }
}
