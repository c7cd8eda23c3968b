// The engine's whole state as a list of stores, and the checkpoint snapshot built from them.
// The snapshot's shape is unchanged from the single-process format (state files stay readable):
// per-model stores are saved as one list indexed by model.
import type { Engine } from '../engine.ts';
import { InstanceStore, SeenAnywhereStore } from './models.ts';
import { isKeyedStore, type KeyedStore, type PartitionKey, type Store } from './store.ts';

/** A run-wide value owned by the stream (counters summed over workers, the stream clock). */
function streamStore(name: string, save: () => unknown, load: (j: unknown) => void): Store {
  return { name, partitionKey: 'stream', save, load };
}

export interface EngineStores {
  /** every store, each with its partition key */
  readonly all: readonly Store[];
  readonly instances: readonly InstanceStore[];
  readonly anywhere: readonly SeenAnywhereStore[];
}

export function engineStores(engine: Engine): EngineStores {
  const instances = engine.models.instances.map((_, i) => new InstanceStore(engine.models, i));
  const anywhere = engine.models.anywhere.map((_, i) => new SeenAnywhereStore(engine.models, i));
  const all: Store[] = [
    engine.sessions, engine.sequences, engine.assets, engine.history, engine.lastSession,
    streamStore('counters', () => engine.counters, (j) => Object.assign(engine.counters, j)),
    streamStore('firedByRule', () => engine.firedByRule, (j) => (j as number[]).forEach((n, i) => (engine.firedByRule[i] = n))),
    ...instances, ...anywhere,
    streamStore('modelCounters', () => engine.models.counters, (j) => Object.assign(engine.models.counters, j)),
    streamStore('internal', () => engine.internalState(), (j) => engine.restoreInternal(j as Record<string, unknown>)),
  ];
  return { all, instances, anywhere };
}

/** The stores of each partition key (what a worker keyed that way holds). */
export function storesByPartition(stores: EngineStores): Map<PartitionKey, Store[]> {
  const by = new Map<PartitionKey, Store[]>();
  for (const s of stores.all) by.set(s.partitionKey, [...(by.get(s.partitionKey) ?? []), s]);
  return by;
}

/**
 * The snapshot of every store. `keyed`, when given, stands in for each keyed store's saved
 * list (an incremental checkpoint writes those entry by entry: runtime/state.ts).
 */
export function snapshotStores(engine: Engine, keyed?: (s: KeyedStore) => unknown): Record<string, unknown> {
  const stores = engineStores(engine);
  const save = (s: Store) => (keyed && isKeyedStore(s) ? keyed(s) : s.save());
  const out: Record<string, unknown> = {};
  for (const s of stores.all) {
    if (s instanceof InstanceStore || s instanceof SeenAnywhereStore) continue;
    out[s.name] = save(s);
  }
  // Model stores go in two lists indexed by model, as before.
  const ordered: Record<string, unknown> = {};
  for (const k of ['sessions', 'sequences', 'assets', 'history', 'lastSession', 'counters', 'firedByRule']) ordered[k] = out[k];
  ordered.models = stores.instances.map(save);
  ordered.anywhere = stores.anywhere.map(save);
  ordered.modelCounters = out.modelCounters;
  ordered.internal = out.internal;
  return ordered;
}

/** The stores checkpointed entry by entry. */
export function keyedStores(engine: Engine): KeyedStore[] {
  return engineStores(engine).all.filter(isKeyedStore);
}

export function restoreStores(engine: Engine, j: Record<string, unknown>): void {
  const stores = engineStores(engine);
  for (const s of stores.all) {
    if (s instanceof InstanceStore || s instanceof SeenAnywhereStore) continue;
    s.load(j[s.name]);
  }
  (j.models as unknown[]).forEach((list, i) => stores.instances[i]!.load(list));
  (j.anywhere as unknown[]).forEach((list, i) => stores.anywhere[i]!.load(list));
}
