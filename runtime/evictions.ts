// Entries dropped at the memory caps, by kind. One list for the run summary (stderr and the
// records file), the report and serve's metrics, so every surface names every kind.
import type { Engine } from './engine.ts';

export const EVICTION_KINDS = ['sessions', 'bins', 'modelInstances', 'seenAnywhere', 'daySequences', 'assetSequences', 'lastSessions', 'userHistories'] as const;
export type EvictionKind = (typeof EVICTION_KINDS)[number];
export type EvictionCounts = Record<EvictionKind, number>;

/** How the run summary names each kind, and the cap that drops it. */
export const EVICTION_LABEL: Record<EvictionKind, string> = {
  sessions: 'sessions', // maxOpenSessions (closed early and written out)
  bins: 'histogram bins', // maxBins per model instance
  modelInstances: 'model instances', // maxModelInstances per model
  seenAnywhere: 'seen-anywhere values', // maxSeenAnywhere per model
  daySequences: 'day-sequences', // maxDaySequences (closed early)
  assetSequences: 'asset sequences', // maxAssetSequences (closed early and written out)
  lastSessions: 'last-session scores (risk transfer)', // 10 × maxOpenSessions users
  userHistories: 'user day histories', // 10 × maxOpenSessions users
};

/** snake_case name of a kind (records file summary, Prometheus label). */
export function evictionKey(kind: EvictionKind): string {
  return kind.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
}

export function noEvictions(): EvictionCounts {
  return { sessions: 0, bins: 0, modelInstances: 0, seenAnywhere: 0, daySequences: 0, assetSequences: 0, lastSessions: 0, userHistories: 0 };
}

/** The engine's eviction totals since its state began (they are checkpointed with it). */
export function evictionCounts(engine: Engine): EvictionCounts {
  const c = engine.counters;
  const m = engine.models.counters;
  return {
    sessions: c.sessionsEvicted,
    bins: m.evictedBins,
    modelInstances: m.evictedInstances,
    seenAnywhere: m.evictedAnywhere,
    daySequences: c.sequencesEvicted,
    assetSequences: c.assetSequencesEvicted,
    lastSessions: c.lastSessionsEvicted,
    userHistories: c.historiesEvicted,
  };
}

/** `now − before` per kind; a kind missing from `before` (an older checkpoint) counts from 0. */
export function evictionsSince(now: EvictionCounts, before: Partial<EvictionCounts>): EvictionCounts {
  const out = noEvictions();
  for (const k of EVICTION_KINDS) out[k] = now[k] - (before[k] ?? 0);
  return out;
}

export function totalEvictions(e: EvictionCounts): number {
  let n = 0;
  for (const k of EVICTION_KINDS) n += e[k];
  return n;
}
