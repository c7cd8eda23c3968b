// Eviction at a memory cap must not cost in proportion to what the cap holds: a sender who
// fills a histogram (or the instance map) and then sends a new value per line would otherwise
// make every line pay a scan over the whole cap. Asserted as work (entries visited, Map
// iterations started), not wall-clock time.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Instance, ModelStore } from '../../runtime/models.ts';
import type { ModelSpec } from '../../runtime/program.ts';

/** A Map that counts the entries its iterators hand out. */
class CountingMap<K, V> extends Map<K, V> {
  visited = 0;
  override *entries(): MapIterator<[K, V]> {
    for (const e of super.entries()) { this.visited++; yield e; }
  }
  override [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }
  override *keys(): MapIterator<K> {
    for (const k of super.keys()) { this.visited++; yield k; }
  }
  override *values(): MapIterator<V> {
    for (const v of super.values()) { this.visited++; yield v; }
  }
  override forEach(fn: (v: V, k: K, m: Map<K, V>) => void): void {
    for (const [k, v] of super.entries()) { this.visited++; fn(v, k, this); }
  }
}

afterEach(() => { vi.restoreAllMocks(); });

describe('eviction work', () => {
  it('evicting a bin from a full histogram visits O(1) bins amortised, not all of them', () => {
    const CAP = 10_000;
    const inst = new Instance();
    const bins = new CountingMap<string, number>();
    inst.bins = bins;
    for (let i = 0; i < CAP; i++) inst.add(`v${i}`, 0);
    bins.visited = 0;
    const EVICTIONS = 2_000;
    for (let i = 0; i < EVICTIONS; i++) {
      inst.evictOne();
      inst.add(`new${i}`, 1);
    }
    expect(bins.size).toBe(CAP);
    // A scan visits CAP bins per eviction (20 M here); the heap is rebuilt from the bins at
    // most once per CAP pushes.
    expect(bins.visited / EVICTIONS).toBeLessThan(50);
  });

  it('evicting the least recently used model instance starts no Map iteration per eviction', () => {
    const spec: ModelSpec = {
      id: 'M', type: 'categorical', scopeType: 'user' as never, eventTypes: [0], trainOn: 'event',
      scope: () => 'u', feature: () => null, trainIf: () => true,
      alpha: 1, cutOff: 0, convergence: 0, maxBins: 10, agingDays: 0, binWidth: 1, scale: 'linear',
      percentileThreshold: 0.1,
    } as ModelSpec;
    const CAP = 5_000;
    const store = new ModelStore([spec], { maxInstances: CAP, maxAnywhere: CAP });
    for (let i = 0; i < CAP; i++) store.train(0, `user${i}`, `value${i}`, 0);
    // `map.keys().next()` on a Map whose oldest entries keep being deleted rescans the deleted
    // slots: each eviction would start an iteration (and pay for every earlier eviction).
    const iterations = [vi.spyOn(Map.prototype, 'keys'), vi.spyOn(Map.prototype, 'entries'), vi.spyOn(Map.prototype, 'values'), vi.spyOn(Map.prototype, Symbol.iterator as never)];
    const EVICTIONS = 20_000;
    for (let i = 0; i < EVICTIONS; i++) store.train(0, `flood${i}`, `new${i}`, 1000 * i);
    const started = iterations.reduce((n, s) => n + s.mock.calls.length, 0);
    vi.restoreAllMocks();
    expect(store.counters.evictedInstances).toBe(EVICTIONS);
    expect(started).toBeLessThan(EVICTIONS / 100);
  });
});
