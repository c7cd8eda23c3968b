// What one event asks of the models stage and what it may train there, computed from the
// event alone so that a models worker and the users worker owning the event agree on it
// without talking: which reads each models partition answers, which partitions wait for the
// owner's training message before they answer later events (docs/scale-out.md, JetStream form).
import type { Value } from '../helpers.ts';
import { binKey } from '../models.ts';
import type { Event, ModelStats, Program, RuleRuntime } from '../program.ts';
import type { HistogramEvidence } from '../evidence.ts';
import { modelKey, partitionOf } from './partitioned.ts';

/** One concrete read: `id` names it the same on both sides. */
export interface Read {
  id: string;
  kind: 'stats' | 'total' | 'anywhere';
  model: number;
  /** stats, total: the instance's scope value */
  scope: string;
  /** stats: the model's feature for this event; anywhere: the value asked */
  feature: Value;
  /** stats: percentile */
  p: number;
  /** models partition answering it */
  partition: number;
}

/** The answer to a stats read: the statistics, the evidence bins and the instance total before and after the day's aging. */
export interface StatsAnswer {
  stats: ModelStats;
  histogram?: HistogramEvidence;
}
export interface TotalAnswer {
  /** total of the instance as earlier events left it */
  before: number;
  /** after this event's day aged it (what a look-up sees once a stats read of this event touched it) */
  after: number;
}
export type Answer = StatsAnswer | TotalAnswer | boolean;

/** A runtime for model features outside a rule: a feature that asks for session state is a bug of the read analysis. */
const NO_STATE: RuleRuntime = new Proxy({} as RuleRuntime, {
  get(_, name) {
    if (name === 'maxRegexInput') return Infinity;
    return () => { throw new Error(`a model feature read session state (${String(name)}) outside a rule: it cannot be answered by the models stage`); };
  },
});

export function statsId(model: number, scope: string, p: number): string {
  return `s\u0000${model}\u0000${scope}\u0000${p}`;
}
export function totalId(model: number, scope: string): string {
  return `t\u0000${model}\u0000${scope}`;
}
export function anywhereId(model: number, key: string): string {
  return `a\u0000${model}\u0000${key}`;
}

/** Refuses a program whose model look-ups cannot be computed from the event alone. */
export function checkReadAnalysis(program: Program): void {
  if (typeof program.modelReads !== 'function') throw new Error('this bundle has no model-read analysis (compiled before the scale-out roles, or the reference interpreter): recompile it to run partitioned');
  const refused = program.modelReadRefusals ?? [];
  if (refused.length) throw new Error(`cannot run partitioned: ${refused.join('; ')}`);
}

/** The users partition owning an event (events without a user: partition 0, as the in-process engine). */
export function ownerOf(ev: Event, users: number): number {
  const user = typeof ev.user === 'string' && ev.user !== '' ? ev.user : null;
  return user === null ? 0 : partitionOf(user, users);
}

function scopesOf(program: Program, model: number, ev: Event): string[] {
  const spec = program.models[model]!;
  const v = spec.scopeType === 'org' ? 'org' : spec.scope(ev);
  if (v === null) return [];
  return Array.isArray(v) ? v.map(String) : [String(v)];
}

/** Every read the event's rules may make of the models stage, deduplicated. */
export function readsOf(program: Program, ev: Event, eventType: number, models: number): Read[] {
  const out = new Map<string, Read>();
  const part = (model: number, scope: string | null) => partitionOf(modelKey(program, model, scope), models);
  for (const r of program.modelReads!(eventType, ev)) {
    const model = r[1];
    const spec = program.models[model]!;
    if (r[0] === 0) {
      const feature = spec.feature(ev, NO_STATE);
      if (feature === null) continue;
      for (const scope of scopesOf(program, model, ev)) {
        const id = statsId(model, scope, r[2]);
        if (!out.has(id)) out.set(id, { id, kind: 'stats', model, scope, feature, p: r[2], partition: part(model, scope) });
      }
    } else if (r[0] === 1) {
      const v = r[2];
      if (v === null || Array.isArray(v)) continue;
      const scope = String(v);
      const id = totalId(model, scope);
      if (!out.has(id)) out.set(id, { id, kind: 'total', model, scope, feature: null, p: 0, partition: part(model, scope) });
    } else {
      const key = binKey(spec, r[2]);
      if (key === null) continue;
      const id = anywhereId(model, key);
      if (!out.has(id)) out.set(id, { id, kind: 'anywhere', model, scope: '', feature: r[2], p: 0, partition: part(model, null) });
    }
  }
  return [...out.values()];
}

/**
 * The models partitions the event's own training may reach (instances of non-user models of
 * its type, every model's seen-anywhere set), plus those answering its reads (the owner
 * reports there which stats reads its rules really made: they age the instance).
 */
export function trainPartitions(program: Program, ev: Event, eventType: number, models: number, reads: readonly Read[]): Set<number> {
  const out = new Set<number>(reads.map((r) => r.partition));
  program.models.forEach((spec, i) => {
    if (spec.trainOn !== 'event' || !spec.eventTypes.includes(eventType)) return;
    out.add(partitionOf(modelKey(program, i, null), models));
    if (spec.scopeType === 'user') return;
    for (const scope of scopesOf(program, i, ev)) out.add(partitionOf(modelKey(program, i, scope), models));
  });
  return out;
}

/**
 * The models partitions a closing day-sequence may train (sequence-end models): the
 * seen-anywhere set of a user model, any partition for other scopes (the scope was taken on
 * an earlier event). Closing happens while an event is begun: on the owner (the user's day
 * changed) and on every users worker when the hour's sweep runs.
 */
export function sequenceEndPartitions(program: Program, models: number): Set<number> {
  const out = new Set<number>();
  program.models.forEach((spec, i) => {
    if (spec.trainOn !== 'sequence-end') return;
    if (spec.scopeType === 'user') out.add(partitionOf(modelKey(program, i, null), models));
    else for (let m = 0; m < models; m++) out.add(m);
  });
  return out;
}

/** The asset rules of an event that score an asset: users partition owning each target. */
export function assetOwners(program: Program, ev: Event, eventType: number, users: number): Set<number> {
  const out = new Set<number>();
  for (const rule of program.rules) {
    if (rule.type !== 'asset' || !rule.eventTypes.includes(eventType) || !rule.scoreTarget) continue;
    const t = rule.scoreTarget(ev);
    if (typeof t === 'string' && t !== '') out.add(partitionOf(t, users));
  }
  return out;
}
