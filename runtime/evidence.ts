// Evidence a rule record carries so a report can plot it: the histogram of the model's scope
// as the rule saw it (before the event trained it). Copied only when a rule fires, and capped
// so a scope with thousands of values never makes a record large.
import type { Value } from './helpers.ts';
import { binKey, type Instance } from './models.ts';
import type { ModelSpec } from './program.ts';

/** Version of the JSONL record format (`schema/records.schema.json`). */
export const RECORD_SCHEMA_VERSION = 2;

/** Default number of bins copied into a record. */
export const DEFAULT_EVIDENCE_BINS = 48;

export interface HistogramEvidence {
  /** categorical: value; numerical: bin index on the modelled scale; time-of-week: hour of week 0–167 */
  kind: ModelSpec['type'];
  /** [bin key, count], the strongest bins (plus the event's own), in key order for numeric bins */
  bins: Array<[string, number]>;
  /** bin of the triggering event (null when the feature has no bin) */
  event_bin: string | null;
  /** bins in the scope, of which `bins` is a capped selection */
  total_bins: number;
  /** observations held by the bins left out */
  omitted_count: number;
  /** numerical models: bin width and scale, so bin k covers [k·w, (k+1)·w) on that scale */
  bin_width?: number;
  scale?: 'linear' | 'log10';
}

const DAY_BITS = 2 ** 20;

/** Snapshot of one model instance's bins, keeping the `cap` strongest and the event's own bin. */
export function histogramEvidence(model: ModelSpec, inst: Instance | undefined, feature: Value, cap: number): HistogramEvidence {
  const eventBin = binKey(model, feature);
  const all: Array<[string, number]> = [];
  if (inst) for (const [key, packed] of inst.bins) all.push([key, Math.floor(packed / DAY_BITS)]);
  let kept = all;
  if (all.length > cap) {
    // Strongest first (ties by key for determinism), then make room for the event's bin.
    kept = [...all].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, cap);
    if (eventBin !== null && !kept.some(([k]) => k === eventBin)) {
      const own = all.find(([k]) => k === eventBin);
      if (own) kept[kept.length - 1] = own;
    }
  }
  if (model.type === 'categorical') kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  else kept.sort((a, b) => Number(a[0]) - Number(b[0]));
  let omitted = 0;
  if (kept.length < all.length) {
    const keptTotal = kept.reduce((s, [, c]) => s + c, 0);
    omitted = all.reduce((s, [, c]) => s + c, 0) - keptTotal;
  }
  const h: HistogramEvidence = { kind: model.type, bins: kept, event_bin: eventBin, total_bins: all.length, omitted_count: omitted };
  if (model.type === 'numerical') {
    h.bin_width = model.binWidth;
    h.scale = model.scale;
  }
  return h;
}

/** The asset an event belongs to: the first non-empty of the pack's asset fields. */
export function hostOf(ev: Record<string, Value>, fields: readonly string[]): string | null {
  for (const f of fields) {
    const v = ev[f];
    if (typeof v === 'string' && v !== '') return v;
  }
  return null;
}
