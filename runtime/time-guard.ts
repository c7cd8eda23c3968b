// Time sanity: event time drives sessions, sequences and models, so one forged timestamp
// (`rt=Dec 31 9999`) must not move them.
// - A time past the fixed horizon is rejected outright (`time-out-of-range`): this also
//   covers a forged first event.
// - An event far ahead of the stream's watermark (the latest time accepted) is held, not
//   processed: if the next event is also up there, the stream really moved on (a quiet
//   weekend in a batch log) and the held event is processed first, in its place; if the next
//   event is back near the watermark, the held one was an outlier and is rejected
//   (`time-far-ahead`). One event of lookahead, only in that case, so output order is kept.
//   A held event with nothing after it (end of input) is rejected: nothing confirms it.

/** No log of this product is dated after this (UTC); fixed, so replays stay deterministic. */
export const TIME_HORIZON = Date.UTC(2100, 0, 1);
export const DEFAULT_MAX_TIME_AHEAD_HOURS = 24;

export type TimeReject = 'time-far-ahead' | 'time-out-of-range';

export class TimeGuard<T = unknown> {
  /** latest event time accepted (ms), or -Infinity before the first */
  watermark = -Infinity;
  private held: { item: T; t: number } | null = null;
  private readonly aheadMs: number;

  constructor(maxAheadHours = DEFAULT_MAX_TIME_AHEAD_HOURS) {
    this.aheadMs = maxAheadHours * 3_600_000;
  }

  /** True while an event waits for the next one (checkpoints wait too: it is not processed yet). */
  get holding(): boolean {
    return this.held !== null;
  }

  /** Offer one event: `accept` gets the events to process now, in input order. */
  offer(item: T, t: number, accept: (item: T) => void, reject: (reason: TimeReject) => void): void {
    if (!(t < TIME_HORIZON)) return reject('time-out-of-range');
    if (this.held) {
      const held = this.held;
      this.held = null;
      if (t >= held.t - this.aheadMs) this.take(held.item, held.t, accept);
      else reject('time-far-ahead');
    }
    if (this.watermark !== -Infinity && t > this.watermark + this.aheadMs) {
      this.held = { item, t };
      return;
    }
    this.take(item, t, accept);
  }

  /** End of input: a held event nothing confirmed is rejected. */
  flush(reject: (reason: TimeReject) => void): void {
    if (this.held) reject('time-far-ahead');
    this.held = null;
  }

  private take(item: T, t: number, accept: (item: T) => void): void {
    if (t > this.watermark) this.watermark = t;
    accept(item);
  }
}
