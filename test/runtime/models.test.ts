import { describe, expect, it } from 'vitest';
import { confidence, gammaUpperBound, Instance, ModelStore } from '../../runtime/models.ts';
import type { ModelSpec } from '../../runtime/program.ts';

const DAY = 86_400_000;

function spec(over: Partial<ModelSpec> = {}): ModelSpec {
  return {
    id: 'M', type: 'categorical', scopeType: 'user' as never, eventTypes: [0], trainOn: 'event',
    scope: () => 'u', feature: () => null, trainIf: () => true,
    alpha: 1, cutOff: 0, convergence: 0, maxBins: 1000, agingDays: 0, binWidth: 1, scale: 'linear',
    percentileThreshold: 0.1, ...over,
  };
}

function instanceWith(counts: number[]): Instance {
  const inst = new Instance();
  counts.forEach((c, i) => { for (let k = 0; k < c; k++) inst.add(`v${i}`, 0); });
  return inst;
}

describe('confidence', () => {
  it('follows ((N-C)/N)^alpha, documented example N=50 C=10 alpha=1 -> 0.8', () => {
    expect(confidence(50, 10, 1)).toBeCloseTo(0.8, 12);
    expect(confidence(50, 10, 2)).toBeCloseTo(0.64, 12);
    expect(confidence(100, 1, 1)).toBeCloseTo(0.99, 12);
  });
  it('is 0 when N=0 or N<=C', () => {
    expect(confidence(0, 0, 1)).toBe(0);
    expect(confidence(5, 5, 1)).toBe(0);
    expect(confidence(3, 7, 1)).toBe(0);
  });
});

describe('thresholdCount', () => {
  it('counts [1,1,48,50], p=0.1 -> 48, so only the count-1 values are rare', () => {
    const inst = instanceWith([1, 1, 48, 50]);
    expect(inst.n).toBe(100);
    expect(inst.thresholdCount(0.1)).toBe(48);
  });
  it('a uniform histogram has nothing rare', () => {
    const inst = instanceWith([25, 25, 25, 25]);
    const t = inst.thresholdCount(0.1);
    for (let i = 0; i < 4; i++) { const c = inst.count(`v${i}`); expect(c > 0 && c < t).toBe(false); }
  });
  it('is recomputed after the histogram changes (cache invalidated)', () => {
    const inst = instanceWith([1, 1, 48, 50]);
    expect(inst.thresholdCount(0.1)).toBe(48);
    for (let k = 0; k < 200; k++) inst.add('v2', 0); // counts 1,1,248,50
    expect(inst.thresholdCount(0.1)).toBe(50);
  });
  it('the kept order of distinct counts gives what sorting every bin count gives, through adds, evictions and aging (random, fixed seed)', () => {
    let seed = 7;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
    const reference = (inst: Instance, p: number) => {
      const counts = [...inst.bins.keys()].map((k) => inst.count(k)).sort((a, b) => a - b);
      let t = 0, cumulative = 0;
      for (const c of new Set(counts)) {
        if (cumulative <= p * inst.n) t = c; else break;
        cumulative += c * counts.filter((x) => x === c).length;
      }
      return t;
    };
    const inst = new Instance();
    for (let step = 0; step < 4000; step++) {
      const day = Math.floor(step / 100);
      const r = rnd(100);
      if (r < 85) inst.add(`v${rnd(r < 40 ? 5 : 60)}`, day);
      else if (r < 95 && inst.bins.size > 0) inst.evictOne();
      else inst.age(day, 5);
      if (step % 7 === 0) {
        for (const p of [0.05, 0.1, 0.3]) expect(inst.thresholdCount(p), `step ${step} p ${p}`).toBe(reference(inst, p));
      }
    }
    expect(inst.bins.size).toBeGreaterThan(5);
  });
  it('counts past the per-count array (4096) and a restore with gaps between counts give the same thresholds', () => {
    // counts 1, 2, 3, 6000, 9000 and 4095..4097 around the array's end
    const inst = instanceWith([1, 2, 3, 6000, 9000, 4095, 4096, 4097]);
    const n = inst.n;
    expect(inst.countDistribution()).toEqual([[1, 1], [2, 1], [3, 1], [4095, 1], [4096, 1], [4097, 1], [6000, 1], [9000, 1]]);
    const want = [0.0001, 0.2, 0.3, 0.5, 0.7].map((p) => inst.thresholdCount(p));
    expect(want).toEqual([2, 4096, 4096, 6000, 9000]); // n = 27294: below 4096 lie 4101 observations, below 9000 18294
    for (let k = 0; k < 3000; k++) inst.add('v3', 0); // 6000 → 9000: two bins share the count
    expect(inst.countDistribution().at(-1)).toEqual([9000, 2]);
    expect(inst.thresholdCount(0.5)).toBe(9000);
    const copy = new Instance();
    for (const [k, v] of inst.bins) copy.bins.set(k, v);
    copy.n = inst.n;
    copy.rebuildCounts();
    expect(copy.countDistribution()).toEqual(inst.countDistribution());
    for (const p of [0.0001, 0.2, 0.3, 0.5, 0.7]) expect(copy.thresholdCount(p)).toBe(inst.thresholdCount(p));
    expect(n + 3000).toBe(copy.n);
  });
});

describe('ModelStore caps and aging', () => {
  it('evicts the weakest bin (lowest count, then oldest) when maxBins is reached, and counts it', () => {
    const store = new ModelStore([spec({ maxBins: 3 })]);
    store.train(0, 'u', 'a', 0); store.train(0, 'u', 'a', 0); // a: 2
    store.train(0, 'u', 'b', 1 * DAY);                      // b: 1, day 1
    store.train(0, 'u', 'c', 2 * DAY);                      // c: 1, day 2
    store.train(0, 'u', 'd', 3 * DAY);                      // evicts b (count 1, oldest)
    const inst = store.instance(0, 'u')!;
    expect([...inst.bins.keys()].sort()).toEqual(['a', 'c', 'd']);
    expect(inst.n).toBe(4);
    expect(store.counters.evictedBins).toBe(1);
    store.train(0, 'u', 'a', 3 * DAY); // existing key: no eviction
    expect(store.counters.evictedBins).toBe(1);
  });

  it('drops bins older than agingDays by event time and counts them', () => {
    const store = new ModelStore([spec({ agingDays: 10 })]);
    store.train(0, 'u', 'old', 0);
    store.train(0, 'u', 'old', 0);
    store.train(0, 'u', 'mid', 8 * DAY);
    store.train(0, 'u', 'recent', 10 * DAY); // cutoff day 0: nothing older yet
    expect(store.instance(0, 'u')!.count('old')).toBe(2);
    store.train(0, 'u', 'recent', 15 * DAY); // cutoff day 5: 'old' (day 0) goes, 'mid' (day 8) stays
    const inst = store.instance(0, 'u')!;
    expect(inst.count('old')).toBe(0);
    expect(inst.count('mid')).toBe(1);
    expect(inst.count('recent')).toBe(2);
    expect(inst.n).toBe(3);
    expect(store.counters.agedBins).toBe(1);
  });

  it('aging is driven by event time, not wall-clock time (stats() ages too)', () => {
    const store = new ModelStore([spec({ agingDays: 10 })]);
    store.train(0, 'u', 'x', 0);
    expect(store.stats(0, 'u', 'x', 0.1, 5 * DAY).num_observations).toBe(1);
    expect(store.stats(0, 'u', 'x', 0.1, 20 * DAY).num_observations).toBe(0);
    expect(store.counters.agedBins).toBe(1);
  });
});

describe('numerical gamma bound', () => {
  function numeric(values: number[]): Instance {
    const store = new ModelStore([spec({ type: 'numerical', binWidth: 1 })]);
    for (const v of values) store.train(0, 'u', v, 0);
    return store.instance(0, 'u')!;
  }
  it('increases with spread at equal mean', () => {
    const narrow = gammaUpperBound(numeric([9, 10, 11, 10, 9, 11, 10, 10]), 0.05);
    const wide = gammaUpperBound(numeric([2, 18, 5, 15, 10, 1, 19, 10]), 0.05);
    expect(narrow).toBeGreaterThan(10);
    expect(wide).toBeGreaterThan(narrow);
  });
  it('equals the mean with no spread and is Infinity with fewer than 2 points', () => {
    expect(gammaUpperBound(numeric([7, 7, 7]), 0.05)).toBeCloseTo(7, 12);
    expect(gammaUpperBound(numeric([7]), 0.05)).toBe(Infinity);
  });
  it('stats() reports a distance above the bound for an outlier', () => {
    const store = new ModelStore([spec({ type: 'numerical', binWidth: 1 })]);
    for (const v of [9, 10, 11, 10, 9, 11, 10, 10]) store.train(0, 'u', v, 0);
    expect(store.stats(0, 'u', 10, 0.05, 0).percentile_count_distance).toBe(0);
    expect(store.stats(0, 'u', 100, 0.05, 0).percentile_count_distance).toBeGreaterThan(80);
  });
});

describe('time-of-week neighbours', () => {
  it('counts the neighbouring hours cyclically (167 is next to 0)', () => {
    const store = new ModelStore([spec({ type: 'time-of-week' })]);
    store.train(0, 'u', 0, 0);
    store.train(0, 'u', 0, 0);
    store.train(0, 'u', 1, 0);
    store.train(0, 'u', 100, 0);
    expect(store.stats(0, 'u', 167, 0.1, 0).num_observations).toBe(2); // 166,167,0
    expect(store.stats(0, 'u', 0, 0.1, 0).num_observations).toBe(3);   // 167,0,1
    expect(store.stats(0, 'u', 2, 0.1, 0).num_observations).toBe(1);   // 1,2,3
    expect(store.stats(0, 'u', 168 + 167, 0.1, 0).num_observations).toBe(2); // wraps to 167
    expect(store.stats(0, 'u', 50, 0.1, 0).num_observations).toBe(0);
  });
});

describe('aging without a scan', () => {
  // The instance skips the daily scan while a lower bound of its bins' last-seen days says no
  // bin is old enough: the bins it keeps must equal what a scan on every day keeps.
  it('drops exactly the bins a full scan drops, with training days that lag, evictions and restores', () => {
    const DAY_BITS = 2 ** 20;
    const agingDays = 6;
    for (let seed = 1; seed <= 40; seed++) {
      let x = seed;
      const rnd = (n: number) => { x = (x * 1103515245 + 12345) % 2147483648; return x % n; };
      const expected = new Map<string, number>(); // key -> count * 2^20 + last-seen day, aged by scanning
      let inst = new Instance();
      let today = 0;
      for (let step = 0; step < 400; step++) {
        const r = rnd(100);
        if (r < 25) today++;
        else if (r < 70) {
          const key = `v${rnd(12)}`;
          const day = Math.max(0, today - rnd(4)); // a sequence-end model trains with an earlier time
          inst.add(key, day);
          const before = expected.get(key);
          expected.set(key, (before === undefined ? 1 : Math.floor(before / DAY_BITS) + 1) * DAY_BITS + day); // the bin's day is the latest training's
        } else if (r < 74 && inst.bins.size > 0) {
          inst.evictOne();
          for (const k of [...expected.keys()]) if (!inst.bins.has(k)) expected.delete(k);
        } else if (r < 78) {
          // a restored instance (checkpoint, scale-out copy) knows nothing of the bound
          const copy = new Instance();
          copy.n = inst.n; copy.agedDay = inst.agedDay; copy.bins = new Map(inst.bins);
          copy.rebuildCounts();
          inst = copy;
        } else {
          const scans = inst.agedDay !== today;
          const dropped = inst.age(today, agingDays);
          let scanDropped = 0;
          if (scans) for (const [k, packed] of [...expected]) if (packed % DAY_BITS < today - agingDays) { expected.delete(k); scanDropped++; }
          expect(dropped, `seed ${seed} step ${step}`).toBe(scanDropped);
        }
        expect(inst.bins, `seed ${seed} step ${step}`).toEqual(expected);
      }
    }
  });
});
