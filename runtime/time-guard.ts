// Time sanity: event time drives sessions, sequences and models, so a forged timestamp
// (`rt=Dec 31 9999`, a date two months ahead) must not move them.
// - A time past the fixed horizon is rejected outright (`time-out-of-range`): this also
//   covers a forged first event.
// - An event far ahead of the stream's watermark (the latest time accepted) is a candidate
//   jump. It is held, with every event after it (so output order is kept), until the events
//   after it decide:
//     confirmed  — events near its time (at or after it, less the allowed lead) from at least
//                  CONFIRM_SOURCES other users on CONFIRM_SOURCES other hosts, or
//                  CONFIRM_EVENTS such events from anyone: the stream really moved on (a quiet
//                  weekend in a batch log, a corrected clock). The candidate is processed in
//                  its place and the watermark moves.
//     refuted    — REFUTE_EVENTS events back near the watermark first: the candidate was an
//                  outlier and is rejected (`time-far-ahead`).
//   Then the events held after it are taken in order (one of them may be the next candidate).
//   One source alone (one user on one host, a handful of lines) cannot confirm a jump, so two
//   forged lines in a row no longer vouch for each other.
// - The hold is bounded: a decision is always reached within REFUTE_EVENTS + CONFIRM_EVENTS
//   events. A candidate still undecided when the stream really ends is rejected (nothing
//   confirms it); at the end of a batch with a persistent state the runner keeps `pending`
//   in the checkpoint instead and offers it again first.
// Everything depends only on the events' order and content: replays are deterministic.
import type { ParseOutcome, Program } from './program.ts';

/** No log of this product is dated after this (UTC); fixed, so replays stay deterministic. */
export const TIME_HORIZON = Date.UTC(2100, 0, 1);
export const DEFAULT_MAX_TIME_AHEAD_HOURS = 24;
/** Other users (each also on another host) whose events near the new time confirm a jump. */
export const CONFIRM_SOURCES = 2;
/** Events near the new time (from anyone) that confirm a jump. */
export const CONFIRM_EVENTS = 8;
/** Events back near the watermark that refute a jump. */
export const REFUTE_EVENTS = 8;

export type TimeReject = 'time-far-ahead' | 'time-out-of-range';

/** What the guard reads of an event: its time and who produced it. */
export type GuardedEvent = { time: number; user?: unknown } & Record<string, unknown>;

export interface TimeGuardOptions {
  /** How far ahead of the watermark an event may be without evidence (default 24 h). */
  maxAheadHours?: number;
  /** Fields naming the host an event comes from, tried in order (the pack's asset fields). */
  hostFields?: readonly string[];
}

interface Pending<T> {
  item: T;
  t: number;
  user: string;
  host: string;
}

export class TimeGuard<T = unknown> {
  /** latest event time accepted (ms), or -Infinity before the first */
  watermark = -Infinity;
  /** held events in input order; while not empty, the first is an undecided candidate jump */
  private queue: Array<Pending<T>> = [];
  private readonly aheadMs: number;
  private readonly hostFields: readonly string[];

  constructor(options: number | TimeGuardOptions = {}) {
    const o = typeof options === 'number' ? { maxAheadHours: options } : options;
    this.aheadMs = (o.maxAheadHours ?? DEFAULT_MAX_TIME_AHEAD_HOURS) * 3_600_000;
    this.hostFields = o.hostFields ?? [];
  }

  /** True while events wait for a decision. */
  get holding(): boolean {
    return this.queue.length > 0;
  }

  /** The events held, in input order: a checkpoint keeps them and offers them again on restore. */
  get pending(): readonly T[] {
    return this.queue.map((p) => p.item);
  }

  /** Whether an event at `t` would not be taken now: past the horizon, or far ahead of the watermark. */
  isSuspect(t: number): boolean {
    return !(t < TIME_HORIZON) || (this.watermark !== -Infinity && t > this.watermark + this.aheadMs);
  }

  /**
   * The usual case, decided without a queue entry: nothing is held and `t` is neither past the
   * horizon nor far ahead. Then the event at `t` is taken (the watermark moves) and the caller
   * processes it now; otherwise nothing changes and the event goes through `offer`.
   */
  takeAtOnce(t: number): boolean {
    if (this.queue.length !== 0 || !(t < TIME_HORIZON) || (this.watermark !== -Infinity && t > this.watermark + this.aheadMs)) return false;
    if (t > this.watermark) this.watermark = t;
    return true;
  }

  /** Offer one event: `accept` gets the events to process now, in input order. */
  offer(item: T, ev: GuardedEvent, accept: (item: T) => void, reject: (reason: TimeReject) => void): void {
    const t = ev.time;
    if (!(t < TIME_HORIZON)) return reject('time-out-of-range');
    if (this.takeAtOnce(t)) {
      accept(item);
      return;
    }
    this.queue.push({ item, t, user: typeof ev.user === 'string' ? ev.user : '', host: this.hostOf(ev) });
    this.settle(accept, reject, false);
  }

  /** The stream really ends: a candidate nothing confirmed is rejected, the events after it are taken. */
  flush(reject: (reason: TimeReject) => void, accept?: (item: T) => void): void {
    this.settle(accept ?? (() => {}), reject, true);
    this.queue = [];
  }

  private settle(accept: (item: T) => void, reject: (reason: TimeReject) => void, end: boolean): void {
    let taken = 0;
    while (taken < this.queue.length) {
      const c = this.queue[taken]!;
      if (this.watermark !== -Infinity && c.t > this.watermark + this.aheadMs) {
        const verdict = this.judge(c, taken + 1);
        if (verdict === 'wait' && !end) break;
        taken++;
        if (verdict === 'confirmed') this.take(c, accept);
        else reject('time-far-ahead');
      } else {
        taken++;
        this.take(c, accept);
      }
    }
    if (taken) this.queue = this.queue.slice(taken);
  }

  /** Decide on the candidate `c` from the events held after it (from `from` on). */
  private judge(c: Pending<T>, from: number): 'confirmed' | 'refuted' | 'wait' {
    const users = new Set<string>();
    const hosts = new Set<string>();
    let near = 0;
    let back = 0;
    for (let i = from; i < this.queue.length; i++) {
      const f = this.queue[i]!;
      if (f.t >= c.t - this.aheadMs) {
        near++;
        if (f.user !== '' && f.user !== c.user) users.add(f.user);
        if (f.host !== '' && f.host !== c.host) hosts.add(f.host);
        if (near >= CONFIRM_EVENTS || (users.size >= CONFIRM_SOURCES && hosts.size >= CONFIRM_SOURCES)) return 'confirmed';
      } else if (++back >= REFUTE_EVENTS) return 'refuted';
    }
    return 'wait';
  }

  private hostOf(ev: GuardedEvent): string {
    for (const f of this.hostFields) {
      const v = ev[f];
      if (typeof v === 'string' && v !== '') return v;
    }
    return '';
  }

  private take(p: Pending<T>, accept: (item: T) => void): void {
    if (p.t > this.watermark) this.watermark = p.t;
    accept(p.item);
  }
}

/**
 * `program.parse` for a guarded stream: a line the guard will not take now (past the horizon,
 * or far ahead of the watermark) must not move the parser's clock either, or the lines after
 * it would inherit the forged time (`previous-event`) or its year (a syslog header without
 * one) and be quarantined with it. Such a line leaves the clock where the last other line put
 * it. On normal logs this never triggers, so their output is unchanged.
 */
export class GuardedParse {
  /** time of the last parsed event the guard did not find suspect (the clock it restores) */
  clock: number | null = null;
  readonly parse = (text: string): ParseOutcome => {
    const r = this.program.parse(text);
    if (r.ok) {
      if (!this.guard.isSuspect(r.event.time)) this.clock = r.event.time;
      else if (this.clock !== null) this.program.setTimeAnchor(this.clock, this.clock);
    }
    return r;
  };

  constructor(private readonly program: Program, private readonly guard: TimeGuard<unknown>) {}

  /** Put the clock back as a checkpoint recorded it (after held lines were parsed again). */
  restore(clock: number | null): void {
    this.clock = clock;
    if (clock !== null) this.program.setTimeAnchor(clock, clock);
  }
}
