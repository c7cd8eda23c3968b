// Event-time ordering for a live stream: events are held until the watermark (the latest
// event time seen minus the allowed lateness) passes them, then released in event-time
// order (ties by arrival). An event older than the watermark on arrival is late: it is
// counted and released at once, so it is still scored. With no lateness allowed this is
// a pass-through in arrival order, which is what `run` does on a file.
import type { Event } from '../program.ts';

export interface Held {
  seq: number;
  line: string;
  /** why bytes of the line were replaced on receipt, or null */
  repaired: string | null;
  event: Event;
  eventType: number;
}

export class Reorder {
  private held: Held[] = [];
  /** latest event time seen (ms), -Infinity before the first event */
  maxTime = Number.NEGATIVE_INFINITY;
  late = 0;

  constructor(readonly latenessMs: number) {}

  get watermark(): number {
    return this.maxTime - this.latenessMs;
  }

  get size(): number {
    return this.held.length;
  }

  /** Add one event; returns what the watermark now releases, in order. */
  push(item: Held): Held[] {
    const t = item.event.time;
    if (t < this.watermark) {
      this.late++;
      return [item];
    }
    if (t > this.maxTime) this.maxTime = t;
    if (this.latenessMs === 0 && this.held.length === 0) return [item];
    this.insert(item);
    return this.release();
  }

  private insert(item: Held): void {
    // Binary search for the first held event later than this one (stable for equal times).
    let lo = 0;
    let hi = this.held.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.held[mid]!.event.time <= item.event.time) lo = mid + 1;
      else hi = mid;
    }
    this.held.splice(lo, 0, item);
  }

  private release(): Held[] {
    const w = this.watermark;
    let n = 0;
    while (n < this.held.length && this.held[n]!.event.time <= w) n++;
    return n === 0 ? [] : this.held.splice(0, n);
  }

  /** What a checkpoint keeps: held lines in order (re-parsed on restore, parsing is pure). */
  save(): { maxTime: number | null; late: number; held: Array<[number, string, number, (string | null)?]> } {
    return { maxTime: Number.isFinite(this.maxTime) ? this.maxTime : null, late: this.late, held: this.held.map((h) => [h.seq, h.line, h.event.time, h.repaired]) };
  }

  restore(saved: { maxTime: number | null; late: number }, held: Held[]): void {
    this.maxTime = saved.maxTime ?? Number.NEGATIVE_INFINITY;
    this.late = saved.late;
    this.held = held;
  }
}
