// Model state as stores: one per model for its instances (keyed by scope value, partitioned by
// the model's scope kind) and one per model for the feature keys seen in any instance
// (seenAnywhere: one entry per model id, whatever the scope).
import { Instance, type ModelStore } from '../models.ts';
import type { ModelSpec } from '../program.ts';
import type { RecencyMap } from '../recency.ts';
import { instanceCodec, pairCodec, type RowCodec } from './rows.ts';
import { type KeyedStore, type PartitionKey } from './store.ts';

type SavedInstance = [string, number, number, number, number, [string, number][]];

/** Which key partitions a model's instances. */
export function modelPartitionKey(spec: ModelSpec): PartitionKey {
  switch (spec.scopeType) {
    case 'user': return 'user';
    case 'peers': return 'group';
    case 'org': return 'model';
    default: return 'asset'; // asset and field scopes: the scope value names a thing, not a user
  }
}

export class InstanceStore implements KeyedStore<Instance> {
  readonly name: string;
  readonly partitionKey: PartitionKey;
  constructor(private readonly store: ModelStore, readonly model: number) {
    const spec = store.models[model]!;
    this.name = `models/${spec.id}`;
    this.partitionKey = modelPartitionKey(spec);
  }
  get map(): RecencyMap<string, Instance> {
    return this.store.instances[this.model]!;
  }
  encode(scope: string, inst: Instance): SavedInstance {
    return [scope, inst.n, inst.sum, inst.sumSq, inst.agedDay, [...inst.bins]];
  }
  readonly codec = instanceCodec;
  save(): SavedInstance[] {
    return [...this.store.instances[this.model]!].map(([scope, inst]) => this.encode(scope, inst));
  }
  load(json: unknown): void {
    const map = this.store.instances[this.model]!;
    for (const [scope, n, sum, sumSq, agedDay, bins] of json as SavedInstance[]) {
      const inst = new Instance();
      inst.n = n; inst.sum = sum; inst.sumSq = sumSq; inst.agedDay = agedDay; inst.bins = new Map(bins);
      inst.rebuildCounts();
      map.set(scope, inst);
    }
  }
}

export class SeenAnywhereStore implements KeyedStore<number> {
  readonly name: string;
  readonly partitionKey: PartitionKey = 'model';
  constructor(private readonly store: ModelStore, readonly model: number) {
    this.name = `anywhere/${store.models[model]!.id}`;
  }
  get map(): RecencyMap<string, number> {
    return this.store.anywhere[this.model]!;
  }
  encode(key: string, seen: number): [string, number] {
    return [key, seen];
  }
  readonly codec: RowCodec<number> = pairCodec;
  save(): [string, number][] {
    return [...this.store.anywhere[this.model]!];
  }
  load(json: unknown): void {
    const map = this.store.anywhere[this.model]!;
    for (const [k, v] of json as [string, number][]) map.set(k, v);
  }
}
