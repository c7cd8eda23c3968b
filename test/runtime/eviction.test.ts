// Memory caps: bin eviction through a heap picks exactly the bin a full scan would (lowest
// count, then oldest day, then smallest key); instance and seenAnywhere caps evict the least
// recently used entry and count it.
import { describe, expect, it } from 'vitest';
import { Instance, ModelStore } from '../../runtime/models.ts';
import type { ModelSpec } from '../../runtime/program.ts';
import { Rand } from '../../scripts/fuzz.ts';

const DAY = 86_400_000;
const DAY_BITS = 2 ** 20;

function spec(over: Partial<ModelSpec> = {}): ModelSpec {
  return {
    id: 'M', type: 'categorical', scopeType: 'user' as never, eventTypes: [0], trainOn: 'event',
    scope: () => 'u', feature: () => null, trainIf: () => true,
    alpha: 1, cutOff: 0, convergence: 0, maxBins: 1000, agingDays: 0, binWidth: 1, scale: 'linear',
    percentileThreshold: 0.1, ...over,
  };
}

/** The reference: the weakest bin by a scan over all bins. */
function weakest(inst: Instance): string {
  let victim: string | null = null;
  let worst = Infinity;
  for (const [key, packed] of inst.bins) {
    if (packed < worst || (packed === worst && key < victim!)) { worst = packed; victim = key; }
  }
  return victim!;
}

describe('bin eviction', () => {
  it('evicts the same bin as a full scan, through adds, aging and many evictions (random, fixed seed)', () => {
    const r = new Rand(7);
    const inst = new Instance();
    let day = 0;
    for (let step = 0; step < 20_000; step++) {
      if (r.int(50) === 0) day++;
      const key = `k${r.int(400)}`;
      if (!inst.bins.has(key) && inst.bins.size >= 120) {
        const expected = weakest(inst);
        inst.evictOne();
        expect(inst.bins.has(expected), `step ${step}`).toBe(false);
        expect(inst.bins.size).toBe(119);
      }
      inst.add(key, day);
      if (r.int(2000) === 0) inst.age(day, 3);
    }
    let n = 0;
    for (const packed of inst.bins.values()) n += Math.floor(packed / DAY_BITS);
    expect(inst.n).toBe(n); // observations stay the sum of the bin counts
  });

  it('a full org-scoped model keeps taking new values (100k bins, then 20k more new ones)', () => {
    const store = new ModelStore([spec({ maxBins: 100_000 })]);
    for (let i = 0; i < 120_000; i++) store.train(0, 'org', `domain${i}.example`, i * 1000);
    const inst = store.instance(0, 'org')!;
    expect(inst.bins.size).toBe(100_000);
    expect(store.counters.evictedBins).toBe(20_000);
    expect(inst.bins.has('domain0.example')).toBe(false); // oldest single-count values went first
    expect(inst.bins.has('domain119999.example')).toBe(true);
  });
});

describe('instance and seenAnywhere caps', () => {
  it('evict the least recently trained instance and the least recently seen value, counted', () => {
    const store = new ModelStore([spec()], { maxInstances: 3, maxAnywhere: 4 });
    const t = (scope: string, v: string, d: number) => store.train(0, scope, v, d * DAY);
    t('a', 'x', 0); t('b', 'y', 0); t('c', 'z', 0);
    t('a', 'x', 1); // a is recent again
    t('d', 'w', 1); // evicts b (least recently trained)
    expect([...store.instances[0]!.keys()].sort()).toEqual(['a', 'c', 'd']);
    expect(store.counters.evictedInstances).toBe(1);
    t('e', 'v', 2); // a fifth distinct value: forgets y (least recently seen)
    expect(store.seenAnywhere(0, 'y')).toBe(false);
    expect(store.seenAnywhere(0, 'x')).toBe(true);
    expect(store.anywhere[0]!.size).toBe(4);
    expect(store.counters.evictedAnywhere).toBe(1);
  });
});

describe('RecencyMap (runtime/recency.ts)', () => {
  it('keeps least-recently-used order through touches, sets and evictions, as a Map re-inserted on every touch would', async () => {
    const { RecencyMap } = await import('../../runtime/recency.ts');
    const map = new RecencyMap<number, number>();
    const ref = new Map<number, number>(); // delete + set on every touch: the reference order
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 20_000; i++) {
      const k = Math.floor(rnd() * 3000);
      const op = rnd();
      if (op < 0.4) {
        map.setNewest(k, i);
        ref.delete(k);
        ref.set(k, i);
      } else if (op < 0.7) {
        expect(map.touch(k)).toBe(ref.get(k));
        if (ref.has(k)) { const v = ref.get(k)!; ref.delete(k); ref.set(k, v); }
      } else if (op < 0.8) {
        map.set(k, i); // in place: keeps its position
        ref.set(k, i);
      } else if (op < 0.85) {
        expect(map.delete(k)).toBe(ref.delete(k));
      }
      while (map.size > 1000) {
        const oldest = ref.keys().next().value!;
        expect(map.oldestKey()).toBe(oldest);
        expect(map.deleteOldest()).toBe(ref.get(oldest));
        ref.delete(oldest);
      }
      if (i % 5000 === 4999) expect([...map]).toEqual([...ref]);
    }
    map.trimTo(0);
    expect(map.size).toBe(0);
    expect(map.deleteOldest()).toBeUndefined();
  });
  it('answers a key looked up again after its entry was deleted, evicted, cleared or added back (few keys: repeated look-ups)', async () => {
    const { RecencyMap } = await import('../../runtime/recency.ts');
    const map = new RecencyMap<string, number>();
    const ref = new Map<string, number>();
    let seed = 3;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 5_000; i++) {
      // a key built per step, as an event's field is: equal to the stored key, never the same string
      const k = 'key' + String(Math.floor(rnd() * 4));
      const op = rnd();
      if (op < 0.25) {
        expect(map.get(k)).toBe(ref.get(k));
      } else if (op < 0.45) {
        if (ref.has(k)) map.setNewest(k, i);
        else map.add(k, i);
        ref.delete(k);
        ref.set(k, i);
      } else if (op < 0.6) {
        expect(map.touch(k)).toBe(ref.get(k));
        if (ref.has(k)) { const v = ref.get(k)!; ref.delete(k); ref.set(k, v); }
      } else if (op < 0.75) {
        expect(map.delete(k)).toBe(ref.delete(k));
      } else if (op < 0.9) {
        const oldest = ref.keys().next().value;
        expect(map.deleteOldest()).toBe(oldest === undefined ? undefined : ref.get(oldest));
        if (oldest !== undefined) ref.delete(oldest);
      } else if (op < 0.92) {
        map.clear();
        ref.clear();
      } else {
        expect(map.has(k)).toBe(ref.has(k));
      }
      expect(map.size).toBe(ref.size);
    }
    expect([...map]).toEqual([...ref]);
  });
});
