// The ordered event stream of a models or users worker: the parse stage's messages
// (`uebac.parsed.<p>`, each naming its raw message and the raw message before it) put back in
// raw-stream order by that chain, whatever order they arrive in, then the same look-ahead,
// time guard and enrich as `uebac run` (runtime/event-order.ts). Every worker derives the same
// order, so an accepted event's place g names it on every worker.
import { EventOrder, type EventOrderState } from '../event-order.ts';
import type { Event, ParseOutcome, Program } from '../program.ts';
import type { Bus, BusConsumer } from './bus.ts';
import { decode, PARSED_FILTER, type ParsedMessage } from './messages.ts';

/** Where an event's line came from (stamped on its rule records, as `uebac run` does). */
export interface LinePlace {
  file: string;
  line: number;
  repaired?: string;
}

export type Ordered = { g: number; ev: Event; eventType: number; at: LinePlace } | { end: true };

export interface OrderedInputState {
  /** the last raw message applied (0: none) */
  applied: number;
  /** the last parsed message delivered to this worker */
  busSeq: number;
  /** delivered, not yet applied (their predecessor had not come) */
  waiting: ParsedMessage[];
  order: EventOrderState<LinePlace>;
  rejects: Record<string, number>;
}

export class OrderedInput {
  private readonly order: EventOrder<LinePlace>;
  private readonly out: Ordered[] = [];
  private readonly waiting = new Map<number, ParsedMessage>();
  private applied = 0;
  private busSeq = 0;
  readonly rejects: Record<string, number> = {};
  private consumer: BusConsumer | null = null;

  constructor(private readonly program: Program, private readonly bus: Bus, private readonly name: string, saved: OrderedInputState | null) {
    this.order = new EventOrder<LinePlace>(program, (r, at, g) => this.out.push({ g, ev: r.event, eventType: r.eventType, at }), (why) => { this.rejects[why] = (this.rejects[why] ?? 0) + 1; });
    if (saved) {
      this.applied = saved.applied;
      this.busSeq = saved.busSeq;
      for (const m of saved.waiting) this.waiting.set(m.prev, m);
      Object.assign(this.rejects, saved.rejects);
      this.order.restore(saved.order);
    }
  }

  /** A checkpoint may be taken now: every event of the applied messages was handed out and the look-ahead holds nothing. */
  get settled(): boolean {
    return this.out.length === 0 && this.order.pending === 0;
  }

  state(): OrderedInputState {
    return { applied: this.applied, busSeq: this.busSeq, waiting: [...this.waiting.values()], order: this.order.state(), rejects: { ...this.rejects } };
  }

  async commit(): Promise<void> {
    if (this.busSeq > 0) await this.consumer?.commit(this.busSeq);
  }

  async close(): Promise<void> {
    await this.consumer?.close();
  }

  /** The accepted events in order, then `{ end: true }` once the end of input was applied. */
  async *events(stop: Promise<unknown>): AsyncGenerator<Ordered> {
    this.consumer = this.bus.consume(this.name, PARSED_FILTER, { afterSeq: this.busSeq });
    // Messages kept in a checkpoint may already continue the chain.
    for (const o of this.drain()) { yield o; if ('end' in o) return; }
    const it = this.consumer[Symbol.asyncIterator]();
    for (;;) {
      const next = await Promise.race([it.next(), stop.then(() => null)]);
      if (next === null || next.done) return;
      const m = next.value;
      this.busSeq = m.seq;
      const msg = decode<ParsedMessage>(m.data);
      if (msg.seq <= this.applied) continue; // sent again by a restarted parse worker
      this.waiting.set(msg.prev, msg);
      for (const o of this.drain()) { yield o; if ('end' in o) return; }
    }
  }

  private *drain(): Generator<Ordered> {
    for (;;) {
      while (this.out.length) yield this.out.shift()!;
      const next = this.waiting.get(this.applied);
      if (!next) return;
      this.waiting.delete(this.applied);
      this.applied = next.seq;
      if (next.end) {
        this.order.endLines();
        this.order.flush();
        while (this.out.length) yield this.out.shift()!;
        yield { end: true };
        return;
      }
      this.apply(next);
    }
  }

  private apply(msg: ParsedMessage): void {
    for (let i = 0; i < msg.lines.length; i++) {
      const l = msg.lines[i]!;
      const at: LinePlace = { file: msg.file, line: msg.line + i, ...(l.r ? { repaired: l.r } : {}) };
      let given: ParseOutcome | undefined;
      if (l.e) given = { ok: true, event: l.e, eventType: l.et!, parser: l.p! };
      else if (l.x !== undefined) given = { ok: false, reason: l.x, ...(l.p ? { parser: l.p } : {}) };
      this.order.push(l.t ?? '', at, given);
    }
  }
}
