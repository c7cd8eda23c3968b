// The behavioural engine: sessions, sequences, asset sequences, aggregates, rule firing,
// model training and scoring. Event time (never wall-clock time) drives everything, so the
// same events always give the same records.
import { TimeGuard } from './time-guard.ts';
import type { Value } from './helpers.ts';
import { DEFAULT_EVIDENCE_BINS, histogramEvidence, hostOf, type HistogramEvidence } from './evidence.ts';
import { ModelStore } from './models.ts';
import { SharedKeys, type SharedEntry } from './recency.ts';
import { EntryMap, ScopeMap } from './stores/scopes.ts';
import type { Event, ModelStats, Program, RuleRuntime } from './program.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type CounterState = Map<string, number> | Set<string> | { total: number };

/** Shared by user sessions, user day-sequences and asset sequences. */
export interface Scope {
  id: string;
  entity: string;
  start: number;
  end: number;
  score: number;
  initialScore: number;
  events: number;
  rules: string[];
  fired: Set<number>;
  counters: Array<CounterState | undefined>;
  /** sequence-end models: model index → scope and feature value to train when the sequence ends */
  pending?: Map<number, { scope: Value; feature: Value }>;
  /** user day-sequences: event types seen */
  types?: Set<number>;
  /** asset sequences: number of the last event counted in `events` */
  lastEvent?: number;
}

export interface Evidence {
  model: string;
  scope: string | null;
  feature: Value;
  feature_count: number;
  total_events: number;
  distinct_values: number;
  confidence: number;
  threshold_count: number;
  threshold_value?: number;
  distance?: number;
  /** the scope's bins before this event trained the model (capped; see runtime/evidence.ts) */
  histogram?: HistogramEvidence;
}

export interface RuleRecord {
  type: 'rule';
  rule: string;
  score: number;
  time: string;
  user: string | null;
  session: string | null;
  asset?: string | null;
  sequence?: string | null;
  /** the asset of the triggering event (first non-empty of the pack's asset fields) */
  host: string | null;
  event_type: string;
  reason: string;
  mitre: readonly string[];
  evidence?: Evidence;
  /** input file and 1-based line of the triggering event (added by the run loop) */
  source?: { file: string; line: number };
  /** The input line had bytes replaced before parsing (e.g. invalid-utf8): the event was kept. */
  repaired?: string;
}

export interface EngineOptions {
  /** bins copied into a model rule's evidence (0: none) */
  evidenceBins?: number;
  /** The model state to use (a partitioned worker answers some models from elsewhere: runtime/scale/). */
  models?: ModelStore;
}

export interface ScopeRecord {
  type: 'session' | 'asset-sequence';
  id: string;
  user?: string;
  asset?: string;
  start: string;
  end: string;
  score: number;
  notable: boolean;
  events: number;
  rules: string[];
}

export interface EngineSink {
  rule(r: RuleRecord): void;
  scope(r: ScopeRecord): void;
  /** Optional: every processed event with its user session id and the session score after it. */
  event?(ev: Event, session: string | null, sessionScore: number): void;
}

export interface EngineCounters {
  events: number;
  rulesFired: number;
  sessionsClosed: number;
  notableSessions: number;
  assetSequencesClosed: number;
  notableAssetSequences: number;
  sessionsEvicted: number;
  assetSequencesEvicted: number;
  /** user day-sequences closed early at maxDaySequences (oldest first) */
  sequencesEvicted: number;
  /** users whose last closed session (risk transfer) was forgotten at 10 × maxOpenSessions */
  lastSessionsEvicted: number;
  /** users whose per-day history (priorSequences, activeDays) was forgotten at 10 × maxOpenSessions */
  historiesEvicted: number;
}

// Event times are formatted for every record and scope id: the text up to the hour is made once
// per hour of event time, the rest is two table look-ups (minute and second, millisecond),
// instead of a Date and a dozen concatenations per call. Times outside years 0000–9999 or with
// fractions of a millisecond take Date's own path.
const MAX_FAST_TIME = 253_402_300_800_000; // 10000-01-01
let cachedDay = NaN;
let cachedDate = ''; // 'yyyy-MM-ddT'
let cachedCompact = ''; // 'yyyyMMdd'
let cachedHour = NaN;
let hourIso = ''; // 'yyyy-MM-ddTHH:'
let hourDash = ''; // '-yyyyMMddHH'

const pad2 = (n: number) => (n < 10 ? '0' : '') + n;
/** by second of the hour: 'mm:ss.' and 'mmss' */
const MIN_SEC_ISO = Array.from({ length: 3600 }, (_, s) => `${pad2(Math.floor(s / 60))}:${pad2(s % 60)}.`);
const MIN_SEC = Array.from({ length: 3600 }, (_, s) => pad2(Math.floor(s / 60)) + pad2(s % 60));
/** by millisecond: 'mmmZ' */
const MILLIS_Z = Array.from({ length: 1000 }, (_, ms) => String(ms).padStart(3, '0') + 'Z');

/** Milliseconds into the hour of `t`, with the hour's texts cached. */
function intoHour(t: number): number {
  const hour = Math.floor(t / HOUR);
  if (hour !== cachedHour) {
    const day = Math.floor(hour / 24);
    if (day !== cachedDay) {
      cachedDate = new Date(day * DAY).toISOString().slice(0, 11);
      cachedCompact = cachedDate.slice(0, 4) + cachedDate.slice(5, 7) + cachedDate.slice(8, 10);
      cachedDay = day;
    }
    const hh = pad2(hour - day * 24);
    hourIso = cachedDate + hh + ':';
    hourDash = '-' + cachedCompact + hh;
    cachedHour = hour;
  }
  return t - hour * HOUR;
}

const fast = (t: number) => t >= 0 && t < MAX_FAST_TIME && Number.isInteger(t);

export function isoTime(t: number): string {
  if (!fast(t)) return new Date(t).toISOString();
  const ms = intoHour(t);
  const sec = Math.floor(ms / 1000);
  return hourIso + MIN_SEC_ISO[sec]! + MILLIS_Z[ms - sec * 1000]!;
}

/** `-yyyyMMddHHmmss` of an event time: what a scope id puts after its entity. */
function idSuffix(t: number): string {
  if (!fast(t)) {
    const s = new Date(t).toISOString();
    return '-' + s.slice(0, 4) + s.slice(5, 7) + s.slice(8, 10) + s.slice(11, 13) + s.slice(14, 16) + s.slice(17, 19);
  }
  const sec = Math.floor(intoHour(t) / 1000); // first: it sets hourDash
  return hourDash + MIN_SEC[sec]!;
}

// Day scopes (day-sequences, asset sequences) start at midnight: their suffix is cached per day,
// apart from the hour cache, which follows the events.
let suffixDay = NaN;
let daySuffix = '';

/** `idSuffix` of the start of UTC day `day`. */
function dayIdSuffix(day: number): string {
  if (day !== suffixDay) {
    daySuffix = idSuffix(day * DAY);
    suffixDay = day;
  }
  return daySuffix;
}

export class Engine implements RuleRuntime {
  readonly models: ModelStore;
  // State keyed by stable ids, each store declaring its partition key (runtime/stores/).
  // The per-user stores share one index: an event finds its user's session, day-sequence and
  // history with one look-up (each store keeps its own recency order and checkpoint rows).
  private readonly users = new SharedKeys<string>();
  readonly sessions = new ScopeMap('sessions', 'user', this.users);
  readonly sequences = new ScopeMap('sequences', 'user', this.users);
  readonly assets = new ScopeMap('assets', 'asset');
  /** user → number of closed day-sequences per event type (for priorSequences); the slot after
   *  the last event type counts the days with any event (for activeDays) */
  readonly history = new EntryMap<number[]>('history', 'user', this.users);
  /** user → end and score of the last closed session (risk transfer) */
  readonly lastSession = new EntryMap<{ end: number; score: number }>('lastSession', 'user', this.users);
  readonly counters: EngineCounters = { events: 0, rulesFired: 0, sessionsClosed: 0, notableSessions: 0, assetSequencesClosed: 0, notableAssetSequences: 0, sessionsEvicted: 0, assetSequencesEvicted: 0, sequencesEvicted: 0, lastSessionsEvicted: 0, historiesEvicted: 0 };
  readonly firedByRule: number[];
  readonly maxRegexInput: number;
  private sweptHour = -Infinity;
  /** quarantines events far ahead of the stream (runtime/time-guard.ts); the runner offers events to it */
  readonly timeGuard: TimeGuard;

  // Per-event state.
  /** the event user's shared entry (looked up again after the user's own nodes are removed) */
  private entry: SharedEntry<string> | undefined = undefined;
  private session: Scope | null = null;
  private sequence: Scope | null = null;
  private eventType = 0;
  // Per-event caches are reused across events (no arrays emptied and refilled per event):
  // a stats entry holds while statsAt[i] === eventTag; the fired lists hold firedCount entries.
  private readonly statsCache: Array<ModelStats | null>;
  /** percentile threshold each cached stats entry was computed with */
  private readonly statsP: number[];
  private readonly statsAt: number[];
  private eventTag = 0;
  private firedCount = 0;
  private readonly firedNow: number[] = [];
  private readonly firedStats: Array<ModelStats | null> = [];
  private readonly firedHistograms: Array<HistogramEvidence | undefined> = [];
  private readonly evidenceBins: number;
  /** counter index → its value after this event's update, valid while counterAt[i] === counterTag */
  private readonly counterNow: number[];
  private readonly counterAt: number[];
  private counterTag = 0;

  /** Most day-sequences see one event type: they share that type's set (never written) until a second comes. */
  private readonly oneType: ReadonlyArray<ReadonlySet<number>>;
  private readonly sharedTypes: ReadonlySet<ReadonlySet<number>>;

  /** per event type: indexes of the counters / models it feeds (computed once) */
  private readonly countersByType: number[][];
  private readonly modelsByType: number[][];

  constructor(readonly program: Program, readonly sink: EngineSink, options: EngineOptions = {}) {
    this.evidenceBins = options.evidenceBins ?? DEFAULT_EVIDENCE_BINS;
    this.timeGuard = new TimeGuard({ maxAheadHours: program.settings.maxTimeAheadHours, hostFields: program.settings.assetFields });
    const s = program.settings;
    this.models = options.models ?? new ModelStore(program.models, { maxInstances: s.maxModelInstances ?? Infinity, maxAnywhere: s.maxSeenAnywhere ?? Infinity });
    this.countersByType = program.eventTypes.map((_, et) => program.counters.flatMap((c, i) => (c.eventTypes.includes(et) ? [i] : [])));
    this.modelsByType = program.eventTypes.map((_, et) => program.models.flatMap((m, i) => (m.eventTypes.includes(et) ? [i] : [])));
    this.firedByRule = program.rules.map(() => 0);
    this.oneType = program.eventTypes.map((_, et) => new Set([et]));
    this.sharedTypes = new Set(this.oneType);
    this.counterNow = program.counters.map(() => 0);
    this.counterAt = program.counters.map(() => -1);
    this.statsCache = program.models.map(() => null);
    this.statsP = program.models.map(() => 0);
    this.statsAt = program.models.map(() => -1);
    this.maxRegexInput = program.settings.maxRegexInput;
  }

  /** Private fields a checkpoint must carry. */
  internalState(): Record<string, unknown> {
    return { sweptHour: this.sweptHour, watermark: Number.isFinite(this.timeGuard.watermark) ? this.timeGuard.watermark : null };
  }
  restoreInternal(j: Record<string, unknown>): void {
    this.sweptHour = j.sweptHour === null ? -Infinity : (j.sweptHour as number);
    this.timeGuard.watermark = typeof j.watermark === 'number' ? j.watermark : -Infinity;
  }

  // ---- event processing -----------------------------------------------------------------

  process(ev: Event, eventType: number): void {
    this.begin(ev, eventType);
    this.complete(ev, eventType);
  }

  /** The part of an event that needs no model: sweep, session and sequence, aggregates. */
  protected begin(ev: Event, eventType: number): void {
    const t = ev.time;
    this.counters.events++;
    this.eventType = eventType;
    this.sweep(t);
    const user = typeof ev.user === 'string' && ev.user !== '' ? ev.user : null;
    if (user) {
      this.entry = this.users.get(user);
      this.session = this.touchSession(user, t);
      this.sequence = this.touchSequence(user, t, eventType);
    } else {
      this.session = this.sequence = null;
    }
    this.updateCounters(ev, eventType);
  }

  /**
   * An event whose user another worker owns (runtime/scale/): it still moves the stream's
   * clock (sweeps) and the asset aggregates every worker's rules read.
   */
  protected shadow(ev: Event, eventType: number): void {
    this.counters.events++;
    this.eventType = eventType;
    this.sweep(ev.time);
    this.session = null;
    this.sequence = null;
    this.updateCounters(ev, eventType);
  }

  /** Rules, training and scoring of the event `begin` prepared. */
  protected complete(ev: Event, eventType: number): void {
    this.eventTag++;
    this.firedCount = 0;
    this.program.evaluate(eventType, ev, this);

    this.train(ev, eventType);
    this.score(ev);
    this.sink.event?.(ev, this.session?.id ?? null, this.session ? this.session.initialScore + this.session.score : 0);
  }

  private touchSession(user: string, t: number): Scope {
    const s = this.program.settings;
    let session = this.sessions.touchIn(this.entry); // now the most recently active
    if (session && (t - session.end > s.inactivityMinutes * 60_000 || t - session.start > s.maxSessionHours * HOUR)) {
      this.sessions.deleteIn(this.entry!);
      this.closeSession(session, this.entry!);
      this.entry = this.users.get(user); // the entry may have left the index and come back
      session = undefined;
    }
    if (!session) {
      if (this.sessions.size >= s.maxOpenSessions) this.evictOldestSession();
      session = newScope(user + idSuffix(t), user, t);
      if (s.riskTransfer.enabled) {
        const last = this.lastSession.getIn(this.entry);
        if (last && t - last.end <= s.riskTransfer.carryHours * HOUR) session.initialScore = Math.round(s.riskTransfer.fraction * last.score);
      }
      this.entry = this.sessions.addIn(this.entry, user, session); // touch just missed: no look-up
    }
    session.end = Math.max(session.end, t);
    session.events++;
    return session;
  }

  private touchSequence(user: string, t: number, eventType: number): Scope {
    const day = Math.floor(t / DAY);
    // The user's session is open (touchSession): the entry is in the index through this method.
    const entry = this.entry!;
    let seq = this.sequences.getToChangeIn(entry);
    if (seq && Math.floor(seq.start / DAY) !== day) {
      this.sequences.deleteIn(entry);
      this.closeSequence(seq, entry);
      seq = undefined;
    }
    if (!seq) {
      if (this.sequences.size >= (this.program.settings.maxDaySequences ?? Infinity)) {
        // The map is in creation order: close the oldest day-sequence early (as at day end).
        this.closeOldestSequence();
        this.counters.sequencesEvicted++;
      }
      seq = newScope(user + dayIdSuffix(day), user, day * DAY);
      this.sequences.addIn(entry, user, seq);
    }
    seq.end = Math.max(seq.end, t);
    seq.events++;
    const types = seq.types;
    if (types === undefined) seq.types = this.oneType[eventType] as Set<number>;
    else if (!types.has(eventType)) (this.sharedTypes.has(types) ? (seq.types = new Set(types)) : types).add(eventType);
    return seq;
  }

  private assetScope(asset: string, t: number): Scope {
    const day = Math.floor(t / DAY);
    let seq = this.assets.touch(asset); // now the most recently active
    if (seq && Math.floor(seq.start / DAY) !== day) {
      this.assets.delete(asset);
      this.closeAsset(seq);
      seq = undefined;
    }
    if (!seq) {
      if (this.assets.size >= this.program.settings.maxAssetSequences) {
        this.closeAsset(this.assets.deleteOldest()!);
        this.counters.assetSequencesEvicted++;
      }
      seq = newScope(asset + dayIdSuffix(day), asset, day * DAY);
      this.assets.add(asset, seq);
    }
    seq.end = Math.max(seq.end, t);
    // Several aggregates (and the scorer) touch the same asset for one event: count it once.
    if (seq.lastEvent !== this.counters.events) {
      seq.lastEvent = this.counters.events;
      seq.events++;
    }
    return seq;
  }

  /** Close sessions idle past the inactivity timeout, once per hour of event time. */
  private sweep(t: number): void {
    const hour = Math.floor(t / HOUR);
    if (hour <= this.sweptHour) return;
    this.sweptHour = hour;
    // Oldest first, each close removing the entry it read without a look-up (no iterator: the
    // hour turns every few dozen events on a sparse feed, and each sweep closes about as many scopes).
    const idle = this.program.settings.inactivityMinutes * 60_000;
    for (let session = this.sessions.oldest(); session !== undefined && t - session.end > idle; session = this.sessions.oldest()) this.closeOldestSession();
    const day = Math.floor(t / DAY);
    for (let seq = this.sequences.oldest(); seq !== undefined && Math.floor(seq.start / DAY) !== day; seq = this.sequences.oldest()) this.closeOldestSequence();
    for (let seq = this.assets.oldest(); seq !== undefined && Math.floor(seq.start / DAY) !== day; seq = this.assets.oldest()) {
      this.assets.deleteOldest();
      this.closeAsset(seq);
    }
  }

  private evictOldestSession(): void {
    this.closeOldestSession();
    this.counters.sessionsEvicted++;
  }

  private closeOldestSession(): void {
    const entry = this.sessions.oldestEntry()!;
    this.closeSession(this.sessions.deleteOldest()!, entry);
  }

  private closeOldestSequence(): void {
    const entry = this.sequences.oldestEntry()!;
    this.closeSequence(this.sequences.deleteOldest()!, entry);
  }

  // The close functions take a scope already removed from its map (the caller knows where it
  // sits: a sweep or an eviction removes the oldest entry without a look-up) and its user's
  // shared entry, through which the user's history or last session is updated without one.

  private closeSession(session: Scope, entry: SharedEntry<string>): void {
    const total = session.initialScore + session.score;
    const notable = total >= this.program.settings.notableThreshold;
    this.counters.sessionsClosed++;
    if (notable) this.counters.notableSessions++;
    // Only risk transfer reads a user's last session, so without it nothing is kept (on a sparse
    // feed this look-up and move ran on almost every event). Kept per user as long as the user
    // is remembered: updated in place, not replaced.
    if (this.program.settings.riskTransfer.enabled) {
      const last = this.lastSession.touchIn(entry);
      if (last === undefined) this.lastSession.addIn(entry, session.entity, { end: session.end, score: total });
      else {
        last.end = session.end;
        last.score = total;
      }
      this.counters.lastSessionsEvicted += this.lastSession.trimTo(this.program.settings.maxOpenSessions * 10);
    }
    // Most sessions on a sparse feed hold one event: start and end are then one string.
    const start = isoTime(session.start);
    const end = session.end === session.start ? start : isoTime(session.end);
    this.sink.scope({ type: 'session', id: session.id, user: session.entity, start, end, score: total, notable, events: session.events, rules: session.rules });
  }

  private closeSequence(seq: Scope, entry: SharedEntry<string>): void {
    if (seq.pending) {
      for (const [model, { scope, feature }] of seq.pending) this.trainModel(model, scope, feature, seq.end);
    }
    if (seq.types) {
      // No look-up: the user's days become the newest entry and are counted in place.
      let days = this.history.touchIn(entry);
      if (days === undefined) this.history.addIn(entry, seq.entity, (days = []));
      for (const et of seq.types) days[et] = (days[et] ?? 0) + 1;
      const any = this.program.eventTypes.length;
      days[any] = (days[any] ?? 0) + 1;
      this.counters.historiesEvicted += this.history.trimTo(this.program.settings.maxOpenSessions * 10);
    }
  }

  private closeAsset(seq: Scope): void {
    this.counterTag++; // a counter remembered on this sequence no longer reads it
    if (seq.rules.length === 0) return;
    const notable = seq.score >= this.program.settings.notableThreshold;
    this.counters.assetSequencesClosed++;
    if (notable) this.counters.notableAssetSequences++;
    this.sink.scope({ type: 'asset-sequence', id: seq.id, asset: seq.entity, start: isoTime(seq.start), end: isoTime(seq.end), score: seq.score, notable, events: seq.events, rules: seq.rules });
  }

  /** Close everything still open (end of input), in a deterministic order. */
  finish(): void {
    while (this.sequences.size > 0) this.closeOldestSequence();
    while (this.sessions.size > 0) this.closeOldestSession();
    for (let seq = this.assets.deleteOldest(); seq !== undefined; seq = this.assets.deleteOldest()) this.closeAsset(seq);
  }

  // ---- aggregates -------------------------------------------------------------------------

  private scopeFor(kind: 'session' | 'sequence' | 'asset', key: Value, t: number): Scope | null {
    if (kind === 'session') return this.session;
    if (kind === 'sequence') return this.sequence;
    if (typeof key !== 'string' || key === '') return null;
    return this.assetScope(key, t);
  }

  /**
   * Update the event's counters and remember each one's value after the update, so a rule
   * reading it (`counter`) does not compute key, value and scope again. The remembered
   * values hold for this event until an asset sequence closes (a cap may evict one).
   */
  private updateCounters(ev: Event, eventType: number): void {
    const counters = this.program.counters;
    const tag = ++this.counterTag;
    for (const i of this.countersByType[eventType]!) {
      const c = counters[i]!;
      const scope = this.scopeFor(c.scope, c.key ? c.key(ev) : null, ev.time);
      if (!scope) continue;
      const v = c.value(ev);
      if (v === null) continue;
      // Sized to the first counter's slot at once: the same length as `[]` grown to it, without the spare room.
      if (scope.counters === NO_COUNTERS) scope.counters = new Array(i + 1);
      let now: number;
      if (c.fn === 'sum') {
        const n = typeof v === 'number' ? v : Number(v);
        if (!Number.isFinite(n)) continue;
        const st = (scope.counters[i] ??= { total: 0 }) as { total: number };
        now = st.total += n;
      } else if (c.fn === 'count') {
        const st = (scope.counters[i] ??= new Map()) as Map<string, number>;
        if (Array.isArray(v)) {
          for (const k of v as readonly string[]) st.set(k, (st.get(k) ?? 0) + 1);
          now = 0;
          for (const k of v as readonly string[]) now = Math.max(now, st.get(k)!);
        } else {
          const k = typeof v === 'string' ? v : String(v);
          now = (st.get(k) ?? 0) + 1;
          st.set(k, now);
        }
      } else {
        const st = (scope.counters[i] ??= new Set()) as Set<string>;
        if (Array.isArray(v)) for (const k of v as readonly string[]) st.add(k);
        else st.add(typeof v === 'string' ? v : String(v));
        now = st.size;
      }
      this.counterNow[i] = now;
      this.counterAt[i] = tag;
    }
  }

  counter(index: number, ev: Event): number {
    if (this.counterAt[index] === this.counterTag) return this.counterNow[index]!;
    const c = this.program.counters[index]!;
    const scope = c.scope === 'asset' ? this.assetOf(c.key ? c.key(ev) : null) : this.scopeFor(c.scope, null, ev.time);
    const st = scope?.counters[index];
    if (!st) return 0;
    if (c.fn === 'sum') return (st as { total: number }).total;
    if (c.fn === 'distinct') return (st as Set<string>).size;
    const v = c.value(ev);
    if (v === null) return 0;
    let best = 0;
    for (const k of keysOf(v)) best = Math.max(best, (st as Map<string, number>).get(k) ?? 0);
    return best;
  }

  private assetOf(key: Value): Scope | null {
    return typeof key === 'string' ? (this.assets.get(key) ?? null) : null;
  }

  // ---- models -----------------------------------------------------------------------------

  stats(index: number, ev: Event, p: number): ModelStats | null {
    if (this.statsAt[index] === this.eventTag) {
      const cached = this.statsCache[index]!;
      if (cached === null || this.statsP[index] === p) return cached;
    }
    const model = this.program.models[index]!;
    const scopeValue = this.scopeValue(index, ev);
    const feature = model.feature(ev, this);
    let result: ModelStats | null = null;
    if (feature !== null && scopeValue !== null) {
      if (Array.isArray(scopeValue)) {
        // Several peer groups: use the least surprising one (most observations of this value),
        // so a value is "first" only when it is new to every group of the user.
        for (const s of scopeValue) {
          const st = this.models.stats(index, s, feature, p, ev.time);
          if (!result || st.num_observations > result.num_observations || (st.num_observations === result.num_observations && st.total_events > result.total_events)) result = st;
        }
      } else {
        result = this.models.stats(index, String(scopeValue), feature, p, ev.time);
      }
    }
    this.statsCache[index] = result;
    this.statsP[index] = p;
    this.statsAt[index] = this.eventTag;
    return result;
  }

  modelTotal(index: number, scope: Value): number {
    if (scope === null || Array.isArray(scope)) return 0;
    return this.models.instance(index, String(scope))?.n ?? 0;
  }

  seenAnywhere(index: number, value: Value): boolean {
    return this.models.seenAnywhere(index, value);
  }

  private train(ev: Event, eventType: number): void {
    const models = this.program.models;
    for (const i of this.modelsByType[eventType]!) {
      const m = models[i]!;
      if (!m.trainIf(ev, this)) continue;
      const feature = m.feature(ev, this);
      if (feature === null) continue;
      if (m.trainOn === 'sequence-end') {
        if (this.sequence) (this.sequence.pending ??= new Map()).set(i, { scope: this.scopeValue(i, ev), feature });
        continue;
      }
      this.trainModel(i, this.scopeValue(i, ev), feature, ev.time);
    }
  }

  private scopeValue(index: number, ev: Event): Value {
    const m = this.program.models[index]!;
    return m.scopeType === 'org' ? 'org' : m.scope(ev);
  }

  private trainModel(index: number, scope: Value, feature: Value, t: number): void {
    if (scope === null) return;
    // No per-event arrays for the usual single scope and single feature value.
    if (Array.isArray(scope)) for (const s of scope) this.trainScope(index, String(s), feature, t);
    else this.trainScope(index, typeof scope === 'string' ? scope : String(scope), feature, t);
  }

  private trainScope(index: number, scope: string, feature: Value, t: number): void {
    if (Array.isArray(feature) && this.program.models[index]!.type === 'categorical') for (const f of feature) this.models.train(index, scope, f as Value, t);
    else this.models.train(index, scope, feature, t);
  }

  // ---- rules ------------------------------------------------------------------------------

  wasFired(index: number, ev: Event): boolean {
    const rule = this.program.rules[index]!;
    const scope = rule.type === 'asset' ? this.assetOf(rule.scoreTarget ? rule.scoreTarget(ev) : null) : this.session;
    return scope !== null && scope.fired.has(index);
  }

  priorSequences(ev: Event): number {
    const user = ev.user;
    if (typeof user !== 'string') return 0;
    return this.history.get(user)?.[this.eventType] ?? 0;
  }

  activeDays(ev: Event): number {
    const user = ev.user;
    if (typeof user !== 'string') return 0;
    return this.history.get(user)?.[this.program.eventTypes.length] ?? 0;
  }

  fire(index: number, _ev: Event, stats: ModelStats | null): void {
    const at = this.firedCount++;
    // The histogram must be copied now: the event trains the model before it is scored.
    let histogram: HistogramEvidence | undefined;
    if (stats && stats.scope !== null && this.evidenceBins > 0) {
      const k = at - 1;
      histogram = k >= 0 && this.firedStats[k] === stats ? this.firedHistograms[k] : this.histogramOf(stats, this.evidenceBins);
    }
    this.firedNow[at] = index;
    this.firedStats[at] = stats;
    this.firedHistograms[at] = histogram;
  }

  /** The bins of a model instance as a rule sees them (before this event trains it). */
  protected histogramOf(stats: ModelStats, bins: number): HistogramEvidence {
    return histogramEvidence(this.program.models[stats.model]!, this.models.instance(stats.model, stats.scope!), stats.feature, bins);
  }

  /**
   * An asset rule fired on an event another worker scored (runtime/scale/): the asset
   * sequence gains what `score` gives it there, so the worker owning the asset closes it complete.
   */
  protected scoreAsset(index: number, asset: string, t: number): void {
    const rule = this.program.rules[index]!;
    const scope = this.assetScope(asset, t);
    scope.score += rule.score;
    if (scope.fired === NONE_FIRED) scope.fired = new Set();
    scope.fired.add(index);
    if (scope.rules === NO_RULES) scope.rules = [];
    if (!scope.rules.includes(rule.id)) scope.rules.push(rule.id);
  }

  private score(ev: Event): void {
    for (let k = 0; k < this.firedCount; k++) {
      const index = this.firedNow[k]!;
      const stats = this.firedStats[k] ?? null;
      const rule = this.program.rules[index]!;
      let scope: Scope | null;
      let asset: string | null = null;
      if (rule.type === 'asset') {
        const target = rule.scoreTarget ? rule.scoreTarget(ev) : null;
        asset = typeof target === 'string' && target !== '' ? target : null;
        scope = asset ? this.assetScope(asset, ev.time) : null;
      } else {
        scope = this.session;
      }
      if (!scope) continue;
      scope.score += rule.score;
      if (scope.fired === NONE_FIRED) scope.fired = new Set();
      scope.fired.add(index);
      if (scope.rules === NO_RULES) scope.rules = [];
      if (!scope.rules.includes(rule.id)) scope.rules.push(rule.id);
      this.counters.rulesFired++;
      this.firedByRule[index]!++;
      const record: RuleRecord = {
        type: 'rule',
        rule: rule.id,
        score: rule.score,
        time: isoTime(ev.time),
        user: typeof ev.user === 'string' ? ev.user : null,
        session: this.session?.id ?? null,
        host: hostOf(ev, this.program.settings.assetFields),
        event_type: ev.event_type,
        reason: rule.reason(ev, stats),
        mitre: rule.mitre,
      };
      if (rule.type === 'asset') {
        record.asset = asset;
        record.sequence = scope.id;
      }
      if (stats) {
        record.evidence = evidenceOf(this.program.models[stats.model]!.id, stats, this.program.models[stats.model]!.type === 'numerical');
        const histogram = this.firedHistograms[k];
        if (histogram) record.evidence.histogram = histogram;
      }
      this.sink.rule(record);
    }
  }
}

/** Most scopes close without a rule firing: they share this empty set (never written) until one does. */
const NONE_FIRED: ReadonlySet<number> = new Set<number>();
/** Likewise their rule list and (for scopes no counter feeds) counter list; frozen, so a write that skips the copy throws. */
const NO_RULES: readonly string[] = Object.freeze([]);
const NO_COUNTERS: ReadonlyArray<CounterState | undefined> = Object.freeze([]);

// Every field is in the literal, so a scope is one object (fields added later would need an
// extra property store per scope). The optional ones come in the order they were added before
// (a snapshot's keys keep that order; undefined ones are not written).
function newScope(id: string, entity: string, start: number): Scope {
  return { id, entity, start, end: start, score: 0, initialScore: 0, events: 0, rules: NO_RULES as string[], fired: NONE_FIRED as Set<number>, counters: NO_COUNTERS as Scope['counters'], types: undefined, pending: undefined, lastEvent: undefined };
}

function keysOf(v: Value): readonly string[] {
  if (Array.isArray(v)) return v as readonly string[];
  return [typeof v === 'string' ? v : String(v)];
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function evidenceOf(model: string, s: ModelStats, numerical: boolean): Evidence {
  const e: Evidence = {
    model,
    scope: s.scope,
    feature: s.feature,
    feature_count: s.num_observations,
    total_events: s.total_events,
    distinct_values: s.distinct_values,
    confidence: round(s.confidence_factor),
    threshold_count: s.percentile_threshold_count,
  };
  if (numerical) {
    e.threshold_value = round(s.percentile_threshold_value);
    e.distance = s.percentile_count_distance;
  }
  return e;
}
