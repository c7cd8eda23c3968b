// The stream's order after parsing, shared by `uebac run`'s loop, the in-process partitioned
// engine and the scale-out roles: lines → parse (with the look-ahead for lines without a time
// at the stream's start) → time guard → enrich. An accepted event gets the next place `g` in
// the order. A caller may hand in an outcome already parsed elsewhere (the parse stage of a
// scale-out run); it moves the parser's clock exactly as parsing the line here would.
import type { Event, ParseOutcome, Program } from './program.ts';
import { TimeLookahead, type HoldLimits } from './time-lookahead.ts';
import { GuardedParse, TimeGuard } from './time-guard.ts';

export type Parsed = Extract<ParseOutcome, { ok: true }>;

/** What a checkpoint keeps of the order: its place, the guard's held events and clocks. */
export interface EventOrderState<T> {
  /** events accepted so far (the next one gets this g) */
  accepted: number;
  held: Array<{ r: Parsed; tag: T }>;
  clock: number | null;
  watermark: number | null;
}

export interface EventOrderOptions {
  hold?: HoldLimits;
  /** the guard to use (run.ts checkpoints the engine's own) */
  guard?: TimeGuard<unknown>;
}

export class EventOrder<T> {
  readonly guard: TimeGuard<{ r: Parsed; tag: T }>;
  private readonly guarded: GuardedParse;
  private readonly lookahead: TimeLookahead<T>;
  /** an outcome parsed elsewhere for the line being pushed */
  private given: ParseOutcome | null = null;
  accepted = 0;

  constructor(
    private readonly program: Program,
    /** an accepted event, enriched, at place `g` */
    private readonly onEvent: (r: Parsed, tag: T, g: number) => void,
    private readonly onReject: (reason: string, tag: T | null) => void,
    opts: EventOrderOptions = {},
  ) {
    this.guard = (opts.guard ?? new TimeGuard({ maxAheadHours: program.settings.maxTimeAheadHours, hostFields: program.settings.assetFields })) as TimeGuard<{ r: Parsed; tag: T }>;
    const parser: Pick<Program, 'parse' | 'setTimeAnchor'> = {
      parse: (text) => {
        const r = this.given;
        if (r === null) return program.parse(text);
        this.given = null;
        if (r.ok) program.setTimeAnchor(r.event.time, r.event.time); // what parsing it here would leave
        return r;
      },
      setTimeAnchor: (t, p) => program.setTimeAnchor(t, p),
    };
    this.guarded = new GuardedParse(parser as Program, this.guard);
    this.lookahead = new TimeLookahead<T>(this.guarded.parse, opts.hold);
  }

  private readonly accept = ({ r, tag }: { r: Parsed; tag: T }) => this.process(r, tag);
  private process(r: Parsed, tag: T): void {
    this.program.enrich(r.event, r.eventType);
    this.onEvent(r, tag, this.accepted++);
  }
  private readonly settle = (r: ParseOutcome, tag: T) => {
    if (!r.ok) this.onReject(r.reason, tag);
    // In order and nothing held (nearly every event): processed at once, no queue entry.
    else if (this.guard.takeAtOnce(r.event.time)) this.process(r, tag);
    else this.guard.offer({ r, tag }, r.event, this.accept, (why) => this.onReject(why, tag));
  };

  /**
   * One line in stream order. `given`: its outcome parsed elsewhere; only an outcome that does
   * not depend on the parser's clock may be given (a payload time, or a reject that is not about time).
   */
  push(text: string, tag: T, given?: ParseOutcome): void {
    this.given = given ?? null;
    this.lookahead.push(text, tag, this.settle);
  }

  /** Lines the look-ahead holds (a checkpoint is taken only when none are). */
  get pending(): number {
    return this.lookahead.pending;
  }

  /** No more lines for now: what the look-ahead holds found no dated line. */
  endLines(): void {
    this.lookahead.end(this.settle);
  }

  /** The stream really ends: the guard decides what it holds. */
  flush(): void {
    this.guard.flush((why) => this.onReject(why, null), this.accept);
  }

  /** An event parsed outside `push` (a held line of a checkpoint parsed again): offered to the guard in order. */
  offer(r: Parsed, tag: T): void {
    this.guard.offer({ r, tag }, r.event, this.accept, (why) => this.onReject(why, tag));
  }

  /** The parser clock the guard keeps (time of the last event it did not find suspect). */
  get clock(): number | null {
    return this.guarded.clock;
  }
  restoreClock(clock: number | null): void {
    this.guarded.restore(clock);
  }

  state(): EventOrderState<T> {
    return { accepted: this.accepted, held: this.guard.pending.map((p) => ({ r: p.r, tag: p.tag })), clock: this.guarded.clock, watermark: Number.isFinite(this.guard.watermark) ? this.guard.watermark : null };
  }

  /** Continue from a checkpoint: the held events are offered again first, as a resumed run does. */
  restore(s: EventOrderState<T>): void {
    this.accepted = s.accepted;
    this.guard.watermark = s.watermark ?? -Infinity;
    for (const { r, tag } of s.held) this.offer(r, tag);
    this.guarded.restore(s.clock);
  }
}

/** Whether an outcome is the same whatever the parser's clock: such an outcome can be parsed on any worker. */
export function clockFree(r: ParseOutcome): boolean {
  return r.ok ? r.event.time_source === null : r.reason !== 'missing-time' && r.reason !== 'missing-year';
}

export type { Event };
