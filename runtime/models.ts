// Behavioural models: one histogram per (model, scope value). Categorical models count
// feature values; numerical models count values per bin and keep running moments for a
// gamma fit; time-of-week models count hour-of-week bins on a cycle.
//
// Each bin packs its count and the event-time day it was last seen into one number
// (count * 2^20 + day), so a bin costs one Map entry.
import type { Value } from './helpers.ts';
import type { ModelSpec, ModelStats } from './program.ts';
import { RecencyMap } from './recency.ts';

const DAY_MS = 86_400_000;
const DAY_BITS = 2 ** 20;
/** counts below this are kept in an Instance's per-count array (see binsByCount) */
const SMALL_COUNT = 4096;

export class Instance {
  /** bin key → count * 2^20 + last-seen day */
  bins = new Map<string, number>();
  n = 0;
  /** numerical models: running sums on the modelled scale */
  sum = 0;
  sumSq = 0;
  agedDay = -1;
  /** no bin was last seen before this day (a lower bound; -Infinity: unknown), so aging can skip the scan */
  private oldestDay = -Infinity;
  /**
   * Number of bins per count, kept up to date so the percentile threshold never re-sorts all
   * bins: counts below SMALL_COUNT by index (a count grows by one, so the array grows by one
   * slot at a time; no hashing on the training path), larger ones in a Map made when needed.
   */
  private binsByCount: number[] = [0];
  private binsByLargeCount: Map<number, number> | null = null;
  /** the distinct counts in ascending order, kept from the first threshold read on (instances never read don't pay) */
  private sortedCounts: number[] | null = null;
  /** percentile and threshold of the last threshold read (NaN: none since the last change) */
  private cacheP = NaN;
  private cacheT = 0;
  /** Eviction order, built at the first eviction (instances under their cap never pay for it). */
  private heap: BinHeap | null = null;

  /** Number of bins with count `count` (> 0). */
  private binsWith(count: number): number {
    if (count < SMALL_COUNT) return this.binsByCount[count] ?? 0;
    return this.binsByLargeCount?.get(count) ?? 0;
  }

  private setBinsWith(count: number, bins: number): void {
    if (count < SMALL_COUNT) {
      const a = this.binsByCount;
      while (a.length < count) a.push(0); // only after a restore: training adds the next slot
      a[count] = bins;
    } else if (bins > 0) {
      (this.binsByLargeCount ??= new Map()).set(count, bins);
    } else {
      this.binsByLargeCount?.delete(count);
    }
  }

  private bump(count: number, delta: number): void {
    if (count <= 0) return;
    const before = this.binsWith(count);
    const n = before + delta;
    this.setBinsWith(count, n > 0 ? n : 0);
    const sorted = this.sortedCounts;
    if (sorted !== null && (before === 0) !== (n <= 0)) {
      // A count appeared or disappeared: insert or remove it at its place.
      const at = lowerBound(sorted, count);
      if (before === 0) sorted.splice(at, 0, count);
      else sorted.splice(at, 1);
    }
  }

  /** Recompute derived bookkeeping after bins were restored from a checkpoint. */
  rebuildCounts(): void {
    this.binsByCount = [0];
    this.binsByLargeCount = null;
    this.sortedCounts = null;
    for (const packed of this.bins.values()) this.bump(Math.floor(packed / DAY_BITS), 1);
    this.cacheP = NaN;
    this.oldestDay = -Infinity;
  }

  /** [count, bins with that count] pairs in ascending count: what the percentile threshold is computed from. */
  countDistribution(): Array<[number, number]> {
    return this.distinctCounts().map((c) => [c, this.binsWith(c)]);
  }

  /** The counts some bin has, in ascending order. */
  private distinctCounts(): number[] {
    const counts: number[] = [];
    const small = this.binsByCount;
    for (let c = 1; c < small.length; c++) if (small[c]! > 0) counts.push(c);
    if (this.binsByLargeCount !== null) counts.push(...[...this.binsByLargeCount.keys()].sort((a, b) => a - b));
    return counts;
  }

  count(key: string): number {
    const packed = this.bins.get(key);
    return packed === undefined ? 0 : Math.floor(packed / DAY_BITS);
  }

  add(key: string, day: number): void {
    this.addCounted(key, this.count(key), day);
  }

  /** `add` for a caller that has just read the key's count `c` (one bin look-up less). */
  addCounted(key: string, c: number, day: number): void {
    this.bump(c, -1);
    this.bump(c + 1, 1);
    const packed = (c + 1) * DAY_BITS + day;
    this.bins.set(key, packed);
    if (day < this.oldestDay) this.oldestDay = day;
    this.heap?.push(packed, key);
    this.n += 1;
    this.cacheP = NaN;
  }

  /**
   * Numerical models keep running sums; when a bin leaves, take its observations out at
   * the bin centre (the values themselves are not kept).
   */
  private forget(key: string, count: number, binWidth: number): void {
    this.n -= count;
    this.bump(count, -1);
    if (binWidth > 0) {
      const centre = (Number(key) + 0.5) * binWidth;
      this.sum -= count * centre;
      this.sumSq -= count * centre * centre;
      if (this.n <= 0) this.sum = this.sumSq = 0;
    }
  }

  /** Drop bins not seen within the aging window (at most once per day per instance). */
  age(today: number, agingDays: number, binWidth = 0): number {
    if (agingDays <= 0 || this.agedDay === today) return 0;
    this.agedDay = today;
    const before = today - agingDays;
    // Most days no bin is old enough (the oldest last-seen day says so): no scan.
    if (this.oldestDay >= before) return 0;
    let dropped = 0;
    let oldest = Infinity;
    for (const [key, packed] of this.bins) {
      const day = packed % DAY_BITS;
      if (day < before) {
        this.forget(key, Math.floor(packed / DAY_BITS), binWidth);
        this.bins.delete(key);
        dropped++;
      } else if (day < oldest) {
        oldest = day;
      }
    }
    this.oldestDay = oldest;
    if (dropped > 0) this.cacheP = NaN;
    return dropped;
  }

  /**
   * Evict the weakest bin (lowest count, then oldest, then smallest key) to respect the cap.
   * The packed value orders bins exactly so (count first, then day), so a min-heap of
   * (packed, key) finds the victim in O(log n); entries made stale by later adds or aging are
   * skipped when they surface.
   */
  evictOne(binWidth = 0): void {
    if (!this.heap || this.heap.size > 2 * this.bins.size + 64) this.heap = BinHeap.of(this.bins);
    let victim: string | null = null;
    while (this.heap.size > 0) {
      const [packed, key] = this.heap.pop();
      if (this.bins.get(key) === packed) { victim = key; break; }
    }
    if (victim !== null) {
      this.forget(victim, this.count(victim), binWidth);
      this.bins.delete(victim);
      this.cacheP = NaN;
    }
  }

  /**
   * Percentile threshold count: the largest count t such that all values seen fewer than t
   * times together hold at most `p` of the observations. Values with 0 < count < t are rare.
   */
  thresholdCount(p: number): number {
    if (this.cacheP === p) return this.cacheT;
    // Walk the distinct counts in ascending order (few, even with many bins).
    const counts = (this.sortedCounts ??= this.distinctCounts());
    let t = 0;
    let cumulative = 0;
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i]!;
      if (cumulative <= p * this.n) t = c;
      else break;
      cumulative += c * this.binsWith(c);
    }
    this.cacheP = p;
    this.cacheT = t;
    return t;
  }
}

/** First index of a sorted array whose value is not below `x`. */
function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Binary min-heap of (packed count/day, key), ordered by packed value then key. */
class BinHeap {
  private readonly ranks: number[] = [];
  private readonly keys: string[] = [];
  get size(): number { return this.ranks.length; }

  static of(bins: Map<string, number>): BinHeap {
    const h = new BinHeap();
    for (const [key, packed] of bins) { h.ranks.push(packed); h.keys.push(key); }
    for (let i = (h.ranks.length >> 1) - 1; i >= 0; i--) h.down(i);
    return h;
  }

  private less(i: number, j: number): boolean {
    const a = this.ranks[i]!, b = this.ranks[j]!;
    return a < b || (a === b && this.keys[i]! < this.keys[j]!);
  }
  private swap(i: number, j: number): void {
    const r = this.ranks[i]!; this.ranks[i] = this.ranks[j]!; this.ranks[j] = r;
    const k = this.keys[i]!; this.keys[i] = this.keys[j]!; this.keys[j] = k;
  }
  private down(i: number): void {
    const n = this.ranks.length;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
  push(rank: number, key: string): void {
    this.ranks.push(rank); this.keys.push(key);
    let i = this.ranks.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) return;
      this.swap(i, p);
      i = p;
    }
  }
  pop(): [number, string] {
    const top: [number, string] = [this.ranks[0]!, this.keys[0]!];
    const lastR = this.ranks.pop()!, lastK = this.keys.pop()!;
    if (this.ranks.length) { this.ranks[0] = lastR; this.keys[0] = lastK; this.down(0); }
    return top;
  }
}

export function confidence(n: number, c: number, alpha: number): number {
  if (n <= 0 || n <= c) return 0;
  return Math.min(1, Math.max(0, ((n - c) / n) ** alpha));
}

/** Key of a feature value in a model: categorical → text, numerical → bin index, time-of-week → hour. */
export function binKey(model: ModelSpec, feature: Value): string | null {
  if (feature === null) return null;
  if (model.type === 'categorical') return typeof feature === 'string' ? feature : Array.isArray(feature) ? null : String(feature);
  const x = modelledValue(model, feature);
  if (x === null) return null;
  if (model.type === 'time-of-week') return String(((Math.floor(x) % 168) + 168) % 168);
  return String(Math.floor(x / model.binWidth));
}

/** Numerical value on the modelled scale (log10(1 + x) for byte counts). */
export function modelledValue(model: ModelSpec, feature: Value): number | null {
  const x = typeof feature === 'number' ? feature : typeof feature === 'string' ? Number(feature) : NaN;
  if (!Number.isFinite(x)) return null;
  if (model.scale === 'log10') return x < 0 ? null : Math.log10(1 + x);
  return x;
}

/**
 * Upper boundary of the "normal area": the (1 − p) quantile of a gamma distribution fitted
 * by the method of moments, via the Wilson–Hilferty cube-root normal approximation.
 */
export function gammaUpperBound(inst: Instance, p: number): number {
  const n = inst.n;
  if (n < 2) return Infinity;
  const mean = inst.sum / n;
  const variance = Math.max(inst.sumSq / n - mean * mean, 0);
  if (mean <= 0) return 0;
  if (variance === 0) return mean;
  const k = (mean * mean) / variance;
  const theta = variance / mean;
  const z = upperQuantile(p);
  const h = 1 / (9 * k);
  const cube = Math.max(0, 1 - h + z * Math.sqrt(h));
  return k * theta * cube ** 3;
}

// Rules use one or two percentiles: the quantile of the last one is kept.
let quantileP = NaN;
let quantileZ = 0;

/** normalQuantile(1 − p), computed once per p in a row. */
function upperQuantile(p: number): number {
  if (p !== quantileP) {
    quantileZ = normalQuantile(1 - p);
    quantileP = p;
  }
  return quantileZ;
}

/** Standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9). */
const QA = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
const QB = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const QC = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const QD = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

export function normalQuantile(q: number): number {
  const a = QA;
  const b = QB;
  const c = QC;
  const d = QD;
  const lo = 0.02425;
  if (q <= 0) return -Infinity;
  if (q >= 1) return Infinity;
  if (q < lo) {
    const r = Math.sqrt(-2 * Math.log(q));
    return (((((c[0]! * r + c[1]!) * r + c[2]!) * r + c[3]!) * r + c[4]!) * r + c[5]!) / ((((d[0]! * r + d[1]!) * r + d[2]!) * r + d[3]!) * r + 1);
  }
  if (q > 1 - lo) return -normalQuantile(1 - q);
  const r = q - 0.5;
  const s = r * r;
  return ((((((a[0]! * s + a[1]!) * s + a[2]!) * s + a[3]!) * s + a[4]!) * s + a[5]!) * r) / (((((b[0]! * s + b[1]!) * s + b[2]!) * s + b[3]!) * s + b[4]!) * s + 1);
}

export interface ModelCounters {
  evictedBins: number;
  agedBins: number;
  /** instances dropped at the per-model cap (least recently trained first) */
  evictedInstances: number;
  /** seenAnywhere keys dropped at the per-model cap (least recently seen first) */
  evictedAnywhere: number;
}

export interface ModelLimits {
  /** instances (scope values) kept per model */
  maxInstances: number;
  /** seenAnywhere keys kept per model */
  maxAnywhere: number;
}

const NO_LIMITS: ModelLimits = { maxInstances: Infinity, maxAnywhere: Infinity };

/** All instances of all models. */
export class ModelStore {
  /** per model: scope value → instance */
  readonly instances: Array<RecencyMap<string, Instance>>;
  /** per model: feature keys seen in any instance (for seenAnywhere) */
  readonly anywhere: Array<RecencyMap<string, number>>;
  readonly counters: ModelCounters = { evictedBins: 0, agedBins: 0, evictedInstances: 0, evictedAnywhere: 0 };

  // Both maps are kept in least-recently-used order (runtime/recency.ts), so the entry to
  // evict is always the oldest one: O(1), no scan.
  constructor(readonly models: readonly ModelSpec[], readonly limits: ModelLimits = NO_LIMITS) {
    this.instances = models.map(() => new RecencyMap());
    this.anywhere = models.map(() => new RecencyMap());
  }

  instance(model: number, scope: string): Instance | undefined {
    return this.instances[model]!.get(scope);
  }

  train(modelIndex: number, scope: string, feature: Value, time: number): void {
    const key = this.trainInstance(modelIndex, scope, feature, time);
    if (key !== null) this.trainAnywhere(modelIndex, key);
  }

  /** The instance part of `train` (a partitioned models worker owns instances and seen-anywhere sets apart); returns the bin key. */
  trainInstance(modelIndex: number, scope: string, feature: Value, time: number): string | null {
    const model = this.models[modelIndex]!;
    const key = binKey(model, feature);
    if (key === null) return null;
    const map = this.instances[modelIndex]!;
    let inst = map.touch(scope);
    if (!inst) {
      if (map.size >= this.limits.maxInstances) {
        map.deleteOldest();
        this.counters.evictedInstances++;
      }
      inst = new Instance();
      map.add(scope, inst);
    }
    const day = Math.floor(time / DAY_MS);
    const width = model.type === 'numerical' ? model.binWidth : 0;
    this.counters.agedBins += inst.age(day, model.agingDays, width);
    const count = inst.count(key);
    if (count === 0 && inst.bins.size >= model.maxBins) {
      inst.evictOne(width); // never `key`: it has no bin
      this.counters.evictedBins++;
    }
    inst.addCounted(key, count, day);
    if (model.type === 'numerical') {
      const x = modelledValue(model, feature)!;
      inst.sum += x;
      inst.sumSq += x * x;
    }
    return key;
  }

  /** The seen-anywhere part of `train`, by bin key. */
  trainAnywhere(modelIndex: number, key: string): void {
    const any = this.anywhere[modelIndex]!;
    const seen = any.get(key);
    if (seen === undefined) {
      if (any.size >= this.limits.maxAnywhere) {
        any.deleteOldest();
        this.counters.evictedAnywhere++;
      }
      any.add(key, 1);
    } else {
      any.setNewest(key, seen + 1);
    }
  }

  stats(modelIndex: number, scope: string, feature: Value, p: number, time: number): ModelStats {
    const model = this.models[modelIndex]!;
    const map = this.instances[modelIndex]!;
    const inst = map.get(scope);
    if (inst) {
      const agedDay = inst.agedDay;
      this.counters.agedBins += inst.age(Math.floor(time / DAY_MS), model.agingDays, model.type === 'numerical' ? model.binWidth : 0);
      if (inst.agedDay !== agedDay) map.changed(scope); // aging is state a checkpoint carries
    }
    const n = inst?.n ?? 0;
    const c = inst?.bins.size ?? 0;
    const key = binKey(model, feature);
    let observations = 0;
    if (inst && key !== null) {
      observations = inst.count(key);
      if (model.type === 'time-of-week') {
        const h = Number(key);
        observations += inst.count(String((h + 167) % 168)) + inst.count(String((h + 1) % 168));
      }
    }
    const conf = confidence(n, c, model.alpha);
    let thresholdValue = 0;
    let distance = 0;
    if (model.type === 'numerical' && inst) {
      const bound = gammaUpperBound(inst, p);
      const x = modelledValue(model, feature);
      thresholdValue = model.scale === 'log10' ? 10 ** bound - 1 : bound;
      if (x !== null && Number.isFinite(bound)) distance = Math.max(0, Math.floor((x - bound) / model.binWidth));
    }
    return {
      model: modelIndex,
      scope,
      feature,
      num_observations: observations,
      total_events: n,
      distinct_values: c,
      confidence_factor: conf,
      converged: n >= model.cutOff && conf >= model.convergence,
      percentile_threshold_count: inst ? inst.thresholdCount(p) : 0,
      percentile_threshold_value: thresholdValue,
      percentile_count_distance: distance,
    };
  }

  seenAnywhere(modelIndex: number, feature: Value): boolean {
    const key = binKey(this.models[modelIndex]!, feature);
    return key !== null && this.anywhere[modelIndex]!.has(key);
  }

  binCount(): number {
    let total = 0;
    for (const map of this.instances) for (const inst of map.values()) total += inst.bins.size;
    return total;
  }
}
