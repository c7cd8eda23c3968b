// NATS: a JetStream durable pull consumer as a source, and a subject for alerts.
//
// Source guarantee (at least once in, exactly once into the records): a message's lines are
// committed to the spool together with the set of stream sequences spooled so far (the source
// position); the message is acknowledged, one by one, only after a checkpoint covers the spool
// lines it became. A message whose sequence is in the set is acknowledged and not spooled again.
//
// Stream order: a consumer delivers first deliveries in stream order, but a message delivered
// and never received (lost in flight over a reconnect, taken by a process that died) comes back
// only after its ack wait, after newer ones. So whenever a delivery does not directly follow the
// previous one (its consumer sequence is not the next, or it is a redelivery, or it is the first
// in this process), every message on the consumer's subject between the last spooled sequence
// and it is read straight from the stream and spooled first, in order; its own redelivery later
// is then only acknowledged. The set stays a few ranges: between two consecutive first
// deliveries (consumer sequence n and n+1), the stream sequences skipped belong to other
// subjects or were deleted, and never come; they are folded in.
import { AckPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JetStreamManager, type MsgRequest } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import type { ScopeRecord } from '../engine.ts';
import { splitPayload } from './framing.ts';
import type { ServeMetrics } from './metrics.ts';
import type { AlertSink } from './processor.ts';
import type { Spool } from './spool.ts';

export interface JetStreamSourceOptions {
  stream: string;
  /** durable consumer name (created when missing) */
  consumer: string;
  /** only messages on this subject (the consumer's filter subject) */
  subject?: string;
  /** how long JetStream waits for an acknowledgement before redelivering */
  ackWaitMs: number;
  /** most messages delivered but not yet acknowledged (flow control) */
  maxAckPending: number;
}

export async function connectNats(url: string, log: (m: string) => void): Promise<NatsConnection> {
  try {
    // Reconnect for ever: a long-running receiver outlives restarts of its NATS server.
    const nc = await connect({ servers: url, name: 'uebac-serve', maxReconnectAttempts: -1, reconnectTimeWait: 1000 });
    void (async () => { for await (const s of nc.status()) if (s.type === 'disconnect' || s.type === 'reconnect') log(`nats ${s.type} (${url})`); })();
    return nc;
  } catch (e) {
    throw new Error(`cannot connect to NATS at ${url}: ${(e as Error).message}`);
  }
}

/** What the source uses of a delivered message (JsMsg). */
export interface Delivery {
  /** stream sequence */
  seq: number;
  info: { deliverySequence: number; redelivered: boolean };
  data: Uint8Array;
  ack(): void;
}

/** A message read straight from the stream. */
export interface StoredMessage {
  seq: number;
  subject: string;
  data: Uint8Array;
}

/** The first message on the consumer's subject at or after a stream sequence (null: none yet). */
export type StreamReader = (fromSeq: number) => Promise<StoredMessage | null>;

interface PendingAck {
  /** the spool commit holding the message's lines: acknowledged once a checkpoint covers it */
  upTo: number;
  msg: Delivery;
}

export class JetStreamSource {
  readonly name: string;
  /** stream sequences spooled (or never to be delivered): what a redelivery is checked against */
  private readonly spooled: RangeSet;
  private pending: PendingAck[] = [];
  private messages: ConsumerMessages | null = null;
  private loop: Promise<void> | null = null;
  /** the last delivery seen in this process: consumer sequence, and the stream sequence of the last first delivery */
  private lastDelivery = -1;
  private lastFirst = -1;
  private closing = false;
  private jsm: JetStreamManager | null = null;
  /** reads the stream directly (to put a gap's messages in order); replaceable in tests */
  reader: StreamReader = (from) => this.readNext(from);

  constructor(private readonly nc: NatsConnection, private readonly o: JetStreamSourceOptions, private readonly spool: Spool, private readonly metrics: ServeMetrics, private readonly log: (m: string) => void, private readonly fail: (e: Error) => void) {
    this.name = `jetstream:${o.stream}/${o.consumer}`;
    this.spooled = RangeSet.parse(spool.position(this.name));
  }

  /** Messages waiting for a checkpoint to be acknowledged. */
  get unacknowledged(): number {
    return this.pending.length;
  }

  async start(): Promise<void> {
    const { stream, consumer, subject } = this.o;
    const jsm = await jetstreamManager(this.nc);
    this.jsm = jsm;
    try {
      await jsm.streams.info(stream);
    } catch (e) {
      throw new Error(`JetStream stream ${stream} is not available: ${(e as Error).message}`);
    }
    let info = await jsm.consumers.info(stream, consumer).catch(() => null);
    if (!info) {
      info = await jsm.consumers.add(stream, {
        durable_name: consumer,
        ack_policy: AckPolicy.Explicit,
        ack_wait: this.o.ackWaitMs * 1_000_000,
        max_ack_pending: this.o.maxAckPending,
        ...(subject ? { filter_subject: subject } : {}),
      });
      this.log(`created durable consumer ${consumer} on stream ${stream}`);
    } else if ((info.config.filter_subject ?? '') !== (subject ?? '')) {
      throw new Error(`the durable consumer ${consumer} on stream ${stream} filters ${JSON.stringify(info.config.filter_subject ?? '')}, not ${JSON.stringify(subject ?? '')}; give another --nats-consumer`);
    }
    // AckAll would acknowledge older messages not spooled yet (redeliveries come late); none loses on a crash.
    if (info.config.ack_policy !== AckPolicy.Explicit) throw new Error(`the durable consumer ${consumer} has ack policy ${info.config.ack_policy}: serve acknowledges each message after the checkpoint that covers it and needs "explicit"; give another --nats-consumer`);
    await this.recoverInFlight(info.delivered.stream_seq);
    const js = jetstream(this.nc);
    const c = await js.consumers.get(stream, consumer);
    this.messages = await c.consume({ max_messages: Math.min(1000, this.o.maxAckPending) });
    this.loop = this.receive(this.messages).catch((e: Error) => this.fail(new Error(`JetStream consumer ${consumer}: ${e.message}`)));
    this.log(`jetstream stream ${stream}, durable consumer ${consumer}${subject ? `, subject ${subject}` : ''} (spooled: ${this.spooled.describe()})`);
  }

  /**
   * Messages the consumer delivered to a process that died before spooling them come back
   * only after the ack wait, after newer ones: they are read from the stream now, in order,
   * up to the consumer's last delivered sequence.
   */
  private async recoverInFlight(delivered: number): Promise<void> {
    const from = this.spooled.max + 1;
    if (delivered < from) return;
    const n = await this.fillGap(delivered + 1);
    this.log(`read ${n} messages again from the stream (sequences ${from}-${delivered}): delivered before a restart but not spooled`);
  }

  /**
   * Spool, in stream order, every message on the consumer's subject after the last spooled
   * sequence and before `before` that is not spooled yet; the sequences up to `before` - 1
   * are then all accounted for. Returns how many messages were spooled.
   */
  private async fillGap(before: number): Promise<number> {
    const start = this.spooled.max + 1;
    let n = 0;
    for (let from = start; from < before;) {
      const sm = await this.retrying(() => this.reader(from));
      if (!sm || sm.seq >= before) break;
      from = sm.seq + 1;
      if (this.o.subject && !subjectMatches(this.o.subject, sm.subject)) continue;
      this.spooled.add(sm.seq);
      const lines = splitPayload(sm.data);
      if (lines.length === 0) this.metrics.frameErrors.inc({ reason: 'empty-message' });
      else this.metrics.linesIn.inc({ source: 'jetstream' }, lines.length);
      this.spool.accept(this.name, lines, this.spooled.toString());
      n++;
    }
    if (before - 1 >= start) {
      this.spooled.addRange(start, before - 1);
      this.spool.accept(this.name, [], this.spooled.toString());
    }
    if (n) this.metrics.readFromStream.inc({ source: 'jetstream' }, n);
    return n;
  }

  private async readNext(from: number): Promise<StoredMessage | null> {
    this.jsm ??= await jetstreamManager(this.nc);
    // STREAM.MSG.GET with next_by_subj: the first message on the subject at or after `from`.
    const sm = await this.jsm.streams.getMessage(this.o.stream, { seq: from, next_by_subj: this.o.subject ?? '>' } as unknown as MsgRequest);
    return sm ? { seq: sm.seq, subject: sm.subject, data: sm.data } : null;
  }

  /** A stream read that fails (NATS reconnecting) is tried again until it works or the source closes. */
  private async retrying<T>(read: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await read();
      } catch (e) {
        if (this.closing || attempt >= 600) throw e;
        if (attempt === 0) this.log(`reading stream ${this.o.stream} failed (${(e as Error).message}); trying again every second`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  /** Take deliveries in order (the consumer's messages; a test may give its own). */
  async receive(messages: AsyncIterable<Delivery>): Promise<void> {
    for await (const m of messages) {
      const s = m.seq;
      const { deliverySequence, redelivered } = m.info;
      const follows = deliverySequence === this.lastDelivery + 1 && !redelivered && this.lastFirst >= 0;
      this.lastDelivery = deliverySequence;
      if (this.spooled.has(s)) {
        // Already spooled: acknowledge once a checkpoint covers the spool as it is now.
        this.lastFirst = -1;
        this.metrics.redelivered.inc({ source: 'jetstream' });
        this.spool.accept(this.name, [], undefined, (upTo) => this.pending.push({ upTo, msg: m }));
        continue;
      }
      if (follows && this.lastFirst < s) this.spooled.addRange(this.lastFirst + 1, s); // skipped: other subjects, deleted
      else {
        if (s > this.spooled.max + 1) await this.fillGap(s); // something before it was delivered and not received
        this.spooled.add(s);
      }
      this.lastFirst = redelivered ? -1 : s;
      const lines = splitPayload(m.data);
      if (lines.length === 0) this.metrics.frameErrors.inc({ reason: 'empty-message' });
      else this.metrics.linesIn.inc({ source: 'jetstream' }, lines.length);
      this.spool.accept(this.name, lines, this.spooled.toString(), (upTo) => this.pending.push({ upTo, msg: m }));
    }
  }

  /** A checkpoint covers the spool up to `seq`: acknowledge what it holds. */
  covered(seq: number): void {
    let n = 0;
    while (n < this.pending.length && this.pending[n]!.upTo <= seq) n++;
    if (n === 0) return;
    for (const d of this.pending.splice(0, n)) d.msg.ack();
    this.metrics.acked.inc({ source: 'jetstream' }, n);
  }

  /** Stop taking messages (those delivered and not spooled are redelivered later). */
  async close(): Promise<void> {
    this.closing = true;
    if (!this.messages) return;
    const messages = this.messages;
    this.messages = null;
    await messages.close();
    await this.loop;
  }

  /** After the final checkpoint: make sure the acknowledgements left. */
  async flush(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.flush();
  }
}

/**
 * Notable session and asset-sequence records, published as JSON on a subject. A record may
 * be published again after a crash (it is produced again after the checkpoint): each carries
 * `Nats-Msg-Id` (its type and id), so a JetStream stream on the subject drops the repeat.
 */
export class NatsAlerts implements AlertSink {
  constructor(private readonly nc: NatsConnection, private readonly subject: string, private readonly metrics: ServeMetrics) {}

  publish(record: ScopeRecord): void {
    try {
      const h = headers();
      h.set('Nats-Msg-Id', `${record.type}:${record.id}`);
      this.nc.publish(this.subject, JSON.stringify(record), { headers: h });
      this.metrics.alertsPublished.inc();
    } catch {
      this.metrics.alertErrors.inc();
    }
  }
}

/** A set of integers as sorted, disjoint, non-adjacent ranges [from, to]. */
export class RangeSet {
  constructor(private ranges: Array<[number, number]> = []) {}

  static parse(text: string | null): RangeSet {
    if (!text) return new RangeSet();
    const j = JSON.parse(text) as { r?: Array<[number, number]> };
    return new RangeSet(Array.isArray(j.r) ? j.r.map(([a, b]) => [a, b]) : []);
  }

  /** The largest member, 0 when empty. */
  get max(): number {
    return this.ranges.length ? this.ranges[this.ranges.length - 1]![1] : 0;
  }

  has(n: number): boolean {
    // Newest ranges are checked first: most lookups are near the end.
    for (let i = this.ranges.length - 1; i >= 0; i--) {
      const [a, b] = this.ranges[i]!;
      if (n > b) return false;
      if (n >= a) return true;
    }
    return false;
  }

  add(n: number): void {
    this.addRange(n, n);
  }

  addRange(from: number, to: number): void {
    const r = this.ranges;
    let i = r.length;
    while (i > 0 && r[i - 1]![0] > to + 1) i--;
    // r[i-1] may touch [from, to]; merge every range that overlaps or is adjacent.
    let j = i;
    while (j > 0 && r[j - 1]![1] >= from - 1) j--;
    const merged: [number, number] = [from, to];
    for (let k = j; k < i; k++) { merged[0] = Math.min(merged[0], r[k]![0]); merged[1] = Math.max(merged[1], r[k]![1]); }
    r.splice(j, i - j, merged);
  }

  toString(): string {
    return JSON.stringify({ r: this.ranges });
  }

  describe(): string {
    return this.ranges.length ? this.ranges.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(', ') : 'nothing yet';
  }
}

/** NATS subject matching: `*` matches one token, `>` the rest (one or more tokens). */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const t = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return t.length > i;
    if (i >= t.length || (f[i] !== '*' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}
