/**
 * Look-ahead for lines with no time at the start of a stream.
 *
 * A line whose payload and header carry no time takes the previous event's time; before the
 * first event of a stream there is none, and the parser rejects it as `missing-time` (Deep
 * Security extension samples without a syslog header often open a file). This wrapper holds
 * such lines, in order, until the first line that is parsed with a time, then parses them
 * again: the previous event is now that line, so they get its time, marked `next-event`.
 * They are emitted before it, in stream order.
 *
 * The hold is bounded (`maxLines`, `maxBytes`). When it would overflow, or the stream ends
 * without a dated line, every held line is rejected `missing-time`, as without a look-ahead,
 * and holding stops for the rest of the stream (`reset` starts a new one). Nothing depends on
 * the wall clock or on how the input is chunked, so the output is the same in every run.
 */
import type { ParseOutcome } from './program.ts';

export interface HoldLimits {
  /** Most lines held at once (default 1000). */
  maxLines: number;
  /** Most characters held at once (default 4 MiB). */
  maxBytes: number;
}

export const DEFAULT_HOLD: HoldLimits = { maxLines: 1000, maxBytes: 4 << 20 };

export type Emit<T> = (outcome: ParseOutcome, tag: T) => void;

export class TimeLookahead<T> {
  private held: Array<{ text: string; tag: T; parser?: string }> = [];
  private bytes = 0;
  private holding = true;

  constructor(private readonly parse: (line: string) => ParseOutcome, private readonly limits: HoldLimits = DEFAULT_HOLD) {}

  /** Lines held now; a checkpoint is taken only when this is 0. */
  get pending(): number {
    return this.held.length;
  }

  /** Parse one line; calls `emit` for every outcome that is settled, in stream order. */
  push(text: string, tag: T, emit: Emit<T>): void {
    const r = this.parse(text);
    if (!r.ok && r.reason === 'missing-time' && this.holding) {
      if (this.held.length < this.limits.maxLines && this.bytes + text.length <= this.limits.maxBytes) {
        this.held.push({ text, tag, parser: r.parser });
        this.bytes += text.length;
        return;
      }
      this.rejectHeld(emit);
      this.holding = false;
    }
    if (r.ok && this.held.length > 0) {
      // `r` is the stream's first event: parsed again, each held line takes its time.
      for (const h of this.held) {
        const again = this.parse(h.text);
        if (again.ok && again.event.time_source === 'previous-event') again.event.time_source = 'next-event';
        emit(again, h.tag);
      }
      this.clear();
    }
    if (r.ok) this.holding = false; // from now on a line without a time takes the previous event's
    emit(r, tag);
  }

  /** End of the stream: whatever is still held found no dated line. */
  end(emit: Emit<T>): void {
    this.rejectHeld(emit);
  }

  /** A new stream (after `program.setTimeAnchor`): hold again. Drops nothing silently: call `end` first. */
  reset(): void {
    this.clear();
    this.holding = true;
  }

  private rejectHeld(emit: Emit<T>): void {
    for (const h of this.held) emit({ ok: false, reason: 'missing-time', ...(h.parser ? { parser: h.parser } : {}) }, h.tag);
    this.clear();
  }

  private clear(): void {
    this.held = [];
    this.bytes = 0;
  }
}
