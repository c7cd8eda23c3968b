// The contract between a compiled bundle (or the reference interpreter) and the runtime.
// Bump ABI_VERSION whenever this shape changes; the loader refuses other versions.
import type { ContextTable, TableData } from './context.ts';
import type { Value } from './helpers.ts';

// 2: Program.setTimeAnchor (a version-1 bundle lacks it, so it must not be loaded).
// 3: RuleRuntime.activeDays (a bundle using activeDays() needs a runtime that has it).
export const ABI_VERSION = 3;

/** An event: a plain object with a fixed set of own fields per event type. */
export type Event = Record<string, Value> & { time: number; event_type: string };

export interface EventTypeInfo {
  name: string;
  /** Every field in output order: parsed fields, then derived fields. */
  fields: readonly string[];
}

export type ParseOutcome =
  | { ok: true; event: Event; eventType: number; parser: string }
  | { ok: false; reason: string; parser?: string };

export type CounterFn = 'count' | 'sum' | 'distinct';
export type CounterScope = 'session' | 'sequence' | 'asset';

/** One session/sequence aggregate used by some expression, e.g. count(usb_asset). */
export interface CounterSpec {
  fn: CounterFn;
  scope: CounterScope;
  eventTypes: readonly number[];
  value(ev: Event): Value;
  /** Asset aggregates: the value naming the asset sequence (e.g. src_host). */
  key?(ev: Event): Value;
}

export type ModelType = 'categorical' | 'numerical' | 'time-of-week';
export type ScopeType = 'user' | 'peers' | 'org' | 'asset' | 'field';

export interface ModelSpec {
  id: string;
  type: ModelType;
  scopeType: ScopeType;
  eventTypes: readonly number[];
  trainOn: 'event' | 'sequence-end';
  scope(ev: Event): Value;
  feature(ev: Event, rt: RuleRuntime): Value;
  trainIf(ev: Event, rt: RuleRuntime): boolean;
  alpha: number;
  cutOff: number;
  convergence: number;
  maxBins: number;
  agingDays: number;
  binWidth: number;
  scale: 'linear' | 'log10';
  percentileThreshold: number;
}

export interface RuleSpec {
  id: string;
  name: string;
  type: 'session' | 'asset';
  score: number;
  mitre: readonly string[];
  /** Index into models, or -1 for fact rules. */
  model: number;
  eventTypes: readonly number[];
  /** Asset rules: the asset that is scored. */
  scoreTarget?(ev: Event): Value;
  reason(ev: Event, stats: ModelStats | null): string;
}

/** What a rule may read from its model instance, computed before the event trains it. */
export interface ModelStats {
  model: number;
  scope: string | null;
  feature: Value;
  num_observations: number;
  total_events: number;
  distinct_values: number;
  confidence_factor: number;
  converged: boolean;
  percentile_threshold_count: number;
  percentile_threshold_value: number;
  percentile_count_distance: number;
}

/** Services a rule program calls while one event is evaluated. */
export interface RuleRuntime {
  /** Current value of a counter for this event (0 when it has no scope, e.g. no user). */
  counter(index: number, ev: Event): number;
  /** Stats of model `index` for this event (scope and feature taken from the event). */
  stats(index: number, ev: Event, percentileThreshold: number): ModelStats | null;
  /** Total observations in the instance of model `index` named by `scope`. */
  modelTotal(index: number, scope: Value): number;
  /** Whether `value` was observed in any instance of model `index`. */
  seenAnywhere(index: number, value: Value): boolean;
  /** Whether rule `index` fired earlier in this session (or asset sequence for asset rules). */
  wasFired(index: number, ev: Event): boolean;
  /** Number of this user's earlier, closed sequences that saw events of the given types. */
  priorSequences(ev: Event): number;
  /** Number of this user's earlier, closed day-sequences with events of any type. */
  activeDays(ev: Event): number;
  /** Record that rule `index` triggered on the current event. */
  fire(index: number, ev: Event, stats: ModelStats | null): void;
  /** Regex input cap (pack setting). */
  readonly maxRegexInput: number;
}

export interface PackSettings {
  notableThreshold: number;
  inactivityMinutes: number;
  maxSessionHours: number;
  riskTransfer: { enabled: boolean; fraction: number; carryHours: number };
  maxRegexInput: number;
  maxFieldLength: number;
  maxOpenSessions: number;
  maxAssetSequences: number;
  /** Which field names the asset an event belongs to, tried in order. */
  assetFields: readonly string[];
  /** Events more than this many hours ahead of the latest accepted time are rejected (time-far-ahead). */
  maxTimeAheadHours?: number;
  /** Model instances kept per model (least recently trained evicted first). */
  maxModelInstances?: number;
  /** seenAnywhere keys kept per model. */
  maxSeenAnywhere?: number;
  /** Open user day-sequences (oldest closed early). */
  maxDaySequences?: number;
  /** Regexes (`flags/source`) not proven linear: they run under the guard (runtime/regex-guard.ts). */
  guardedRegexes: readonly string[];
  /** A guarded regex call slower than this is counted (run summary). */
  regexBudgetMs: number;
  /** Offset (minutes east of UTC) for timestamps that carry no zone; absent in older bundles = 0. */
  timeZoneOffsetMinutes?: number;
}

export interface PackInfo {
  id: string;
  version: string;
  name: string;
}

export interface Program {
  abi: number;
  pack: PackInfo;
  settings: PackSettings;
  eventTypes: readonly EventTypeInfo[];
  counters: readonly CounterSpec[];
  models: readonly ModelSpec[];
  rules: readonly RuleSpec[];
  /** Raw line → event with parsed fields (derived fields still null). */
  parse(line: string): ParseOutcome;
  /**
   * The run path (demand analysis): parse and enrich that compute only the fields the rules,
   * models, counters, sessions and records read; the event's other fields stay null. The same
   * rejects, times and stream clock as `parse`. Absent in bundles built before it: use parse/enrich.
   */
  forRules?: { parse(line: string): ParseOutcome; enrich(ev: Event, eventType: number): void };
  /**
   * Set the stream's time anchor (null: none) and forget the previous event. A run sets it
   * before the first line (from `--year`) so RFC 3164 headers without a year can be placed;
   * it is never used as an event's time. Every built event moves it. Independent samples
   * (content tests) reset it so one line never lends another its time. With `previous`, that
   * is the previous event's time instead (the time guard puts the clock back after a line it
   * quarantines; a bundle built before this argument ignores it and forgets the previous event).
   */
  setTimeAnchor(time: number | null, previous?: number | null): void;
  /** A blank event of a type (every field null), for tests and tools that build events directly. */
  makeEvent(eventType: number, time: number): Event;
  /** Compute derived fields (enrichment) in place. */
  enrich(ev: Event, eventType: number): void;
  /** Evaluate every rule of this event type; calls rt.fire for each rule that triggers. */
  evaluate(eventType: number, ev: Event, rt: RuleRuntime): void;
  /**
   * Scale-out (runtime/scale/roles.ts): every model look-up this event type's rules may make,
   * with argument values computed from the event alone (a superset). Absent in bundles
   * compiled before it and in the reference interpreter: a partitioned run refuses them.
   */
  modelReads?(eventType: number, ev: Event): ModelRead[];
  /** Rules whose model look-ups depend on session state, so `modelReads` cannot list them (one message each). */
  modelReadRefusals?: readonly string[];
}

/** One model look-up: [0, model, percentile] stats (scope and feature from the model), [1, model, scope] modelTotal, [2, model, value] seenAnywhere. */
export type ModelRead = [0, number, number] | [1 | 2, number, Value];

/** What a bundle module exports. */
export interface BundleModule {
  ABI: number;
  MANIFEST_SUMMARY: { pack: PackInfo; contentHash: string };
  DEFAULT_CONTEXT: readonly TableData[];
  instantiate(tables: ReadonlyMap<string, ContextTable>): Program;
}
