// The scale-out bus on NATS JetStream (runtime/scale/bus.ts): one file-backed stream holding
// every `uebac.>` subject (or another prefix, for several deployments on one server).
//
// Publish: every message carries `Nats-Msg-Id`, so the stream drops a re-send of an id it
// already stored within its duplicate window (a restarted worker publishes again what it
// produced after its checkpoint). Publishes of one bus are stored in call order, also across a
// server outage: they are pipelined while all goes well; after a failure (or a disconnect)
// nothing new is sent until the oldest unconfirmed message is stored again, alone, and then
// the rest follow in order (the stored ones come back as duplicates and are dropped).
//
// Consume: a durable pull consumer with explicit acks, created afresh at the worker's
// checkpoint (`afterSeq` + 1), so a restarted worker resumes at once, not after an ack wait.
// First deliveries of a consumer come in stream order with consecutive delivery sequences;
// a delivery that breaks this (one lost in flight over a reconnect, a redelivery of one never
// received) would put a later message before an earlier one, so the consumer is created again
// at the first message not yet committed and what was already handed out is skipped.
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType, type ConsumerMessages, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Bus, BusConsumer, BusMessage, ConsumeOptions } from './bus.ts';

export interface NatsBusOptions {
  /** the stream holding every subject (created when missing) */
  stream: string;
  /** the subject prefix replacing `uebac` on the server (workers always speak `uebac.…`) */
  prefix: string;
  /** how long the stream remembers message ids: must outlast a worker's restart plus its checkpoint interval */
  duplicateWindowMs: number;
  /** the stream drops messages older than this (set when the stream is created); a worker stopped longer fails on restart, loudly */
  maxAgeMs: number;
  /** JetStream redelivers a message not acknowledged for this long (harmless here: skipped), so make it outlast a checkpoint interval */
  ackWaitMs: number;
  /** messages a consumer pulls ahead of the worker */
  pullBatch: number;
  /** publishes sent before their stored confirmations come back */
  publishWindow: number;
  log: (m: string) => void;
}

export const NATS_BUS_DEFAULTS: Omit<NatsBusOptions, 'log'> = {
  stream: 'UEBAC',
  prefix: 'uebac',
  duplicateWindowMs: 10 * 60_000,
  maxAgeMs: 7 * 24 * 3_600_000,
  ackWaitMs: 10 * 60_000,
  pullBatch: 1000,
  publishWindow: 512,
};

const NS = 1_000_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class NatsBus implements Bus {
  private readonly js: JetStreamClient;
  private readonly publisher: OrderedPublisher;
  private readonly consumers = new Set<NatsConsumer>();
  private closed = false;

  private constructor(readonly nc: NatsConnection, readonly jsm: JetStreamManager, readonly o: NatsBusOptions) {
    this.js = jetstream(nc);
    this.publisher = new OrderedPublisher(this.js, nc, o);
  }

  /** Connect (reconnecting for ever once connected) and make sure the stream exists with the configured duplicate window. */
  static async open(url: string, options: Partial<NatsBusOptions> & { log: (m: string) => void }): Promise<NatsBus> {
    const o: NatsBusOptions = { ...NATS_BUS_DEFAULTS, ...options };
    if (!/^[A-Za-z0-9_-]+$/.test(o.stream)) throw new Error(`stream name ${JSON.stringify(o.stream)}: use letters, digits, - and _`);
    if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(o.prefix)) throw new Error(`subject prefix ${JSON.stringify(o.prefix)}: use tokens of letters, digits, - and _ separated by dots`);
    const nc = await connectBus(url, o.log);
    try {
      const jsm = await jetstreamManager(nc);
      await ensureStream(jsm, o);
      return new NatsBus(nc, jsm, o);
    } catch (e) {
      await nc.close();
      throw e;
    }
  }

  /** `uebac.x.y` as stored on the server. */
  toServer(subject: string): string {
    if (subject !== 'uebac' && !subject.startsWith('uebac.')) throw new Error(`bus subject ${subject} does not start with uebac.`);
    return this.o.prefix + subject.slice('uebac'.length);
  }

  fromServer(subject: string): string {
    return 'uebac' + subject.slice(this.o.prefix.length);
  }

  publish(subject: string, data: Uint8Array, id: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error('bus closed'));
    return this.publisher.publish(this.toServer(subject), data, id);
  }

  consume(name: string, filter: string, opts: ConsumeOptions): BusConsumer {
    if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`consumer name ${JSON.stringify(name)}: use letters, digits, - and _`);
    const c = new NatsConsumer(this, name, this.toServer(filter), opts.afterSeq, () => this.consumers.delete(c));
    this.consumers.add(c);
    return c;
  }

  /** Messages stored out of call order (a publish failed while a later one was stored): should stay 0. */
  get misordered(): number {
    return this.publisher.misordered;
  }

  /** Wait for every publish, close the consumers and the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.publisher.drain();
    for (const c of [...this.consumers]) await c.close();
    this.publisher.stop();
    if (!this.nc.isClosed()) {
      await this.nc.flush().catch(() => {});
      await this.nc.close();
    }
  }
}

/** Reconnecting for ever: a worker outlives restarts of its NATS server. */
async function connectBus(url: string, log: (m: string) => void): Promise<NatsConnection> {
  let nc: NatsConnection;
  try {
    // noAsyncTraces: no Error (with its stack) made for every request; a publish is one.
    nc = await connect({ servers: url, name: 'uebac-scale', maxReconnectAttempts: -1, reconnectTimeWait: 500, noAsyncTraces: true });
  } catch (e) {
    throw new Error(`cannot connect to NATS at ${url}: ${(e as Error).message}`);
  }
  void (async () => { for await (const s of nc.status()) if (s.type === 'disconnect' || s.type === 'reconnect') log(`nats ${s.type} (${url})`); })();
  return nc;
}

async function ensureStream(jsm: JetStreamManager, o: NatsBusOptions): Promise<void> {
  const subjects = [`${o.prefix}.>`];
  let info = await jsm.streams.info(o.stream).catch(() => null);
  if (!info) {
    // Limits retention: a consumer is deleted and created again at a checkpoint, which must not drop messages.
    try {
      await jsm.streams.add({ name: o.stream, subjects, storage: StorageType.File, retention: RetentionPolicy.Limits, duplicate_window: o.duplicateWindowMs * NS, max_age: o.maxAgeMs * NS });
      o.log(`created stream ${o.stream} (subjects ${subjects[0]}, duplicate window ${o.duplicateWindowMs / 1000} s, messages kept ${o.maxAgeMs / 3_600_000} h)`);
      return;
    } catch (e) {
      // Workers starting together: another one may have created it first.
      info = await jsm.streams.info(o.stream).catch(() => null);
      if (!info) throw e;
    }
  }
  if (!info.config.subjects?.includes(subjects[0]!)) throw new Error(`stream ${o.stream} holds subjects ${JSON.stringify(info.config.subjects)}, not ${subjects[0]}: give another stream name or prefix`);
  if (info.config.retention !== RetentionPolicy.Limits) throw new Error(`stream ${o.stream} has ${info.config.retention} retention: the scale-out bus needs limits retention (consumers are recreated at checkpoints)`);
  if (info.config.duplicate_window !== o.duplicateWindowMs * NS) {
    await jsm.streams.update(o.stream, { ...info.config, duplicate_window: o.duplicateWindowMs * NS });
    o.log(`stream ${o.stream}: duplicate window set to ${o.duplicateWindowMs / 1000} s`);
  }
}

interface Pending {
  subject: string;
  data: Uint8Array;
  id: string;
  /** the send round it was last sent in (-1: never sent) */
  round: number;
  stored: boolean;
  /** stream sequence it was stored at (0: reported as a duplicate of an earlier send) */
  seq: number;
  /** set when the publish can never succeed (too large for the server): rejected, not retried */
  error?: Error;
  resolve: () => void;
  reject: (e: Error) => void;
}

/** A publish error that no retry mends: the message itself is refused. */
function permanent(e: Error): boolean {
  return e.name === 'InvalidArgumentError' || /max_payload|maximum payload/i.test(e.message);
}

/**
 * Publishes in call order. `queue` (from `head`) holds every message not yet confirmed, oldest
 * first; `next` is the first one not sent in the current round. While healthy, up to
 * `publishWindow` are in flight. A failure or a disconnect ends the round: nothing is sent
 * until the connection is up and the oldest unconfirmed message is stored on its own; then a
 * new round sends the rest again, in order, and what follows.
 */
class OrderedPublisher {
  private queue: Pending[] = [];
  private head = 0;
  private next = 0;
  /** requests of the current round not answered yet */
  private inFlight = 0;
  private round = 0;
  private healthy = true;
  private connected = true;
  private probing = false;
  private stopped = false;
  private lastSeq = 0;
  misordered = 0;
  private idle: Array<() => void> = [];

  constructor(private readonly js: JetStreamClient, nc: NatsConnection, private readonly o: NatsBusOptions) {
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') { this.connected = false; this.fail(this.round, 'disconnected'); }
        else if (s.type === 'reconnect') { this.connected = true; this.pump(); }
      }
    })();
  }

  private get waiting(): number {
    return this.queue.length - this.head;
  }

  publish(subject: string, data: Uint8Array, id: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ subject, data, id, round: -1, stored: false, seq: 0, resolve, reject });
      this.pump();
    });
  }

  /** Resolves once every publish so far is stored. */
  drain(): Promise<void> {
    return this.waiting === 0 ? Promise.resolve() : new Promise((r) => this.idle.push(r));
  }

  stop(): void {
    this.stopped = true;
  }

  private nextRound(): void {
    this.round++;
    this.inFlight = 0;
    this.next = this.head;
  }

  private send(p: Pending, timeout: number): Promise<void> {
    const round = this.round;
    p.round = round;
    this.inFlight++;
    return this.js.publish(p.subject, p.data, { msgID: p.id, timeout }).then(
      (ack) => { if (round === this.round) this.inFlight--; this.confirm(p, ack.duplicate ? 0 : ack.seq); },
      (e: Error) => {
        if (round === this.round) this.inFlight--;
        if (p.stored) return;
        if (permanent(e)) { p.error = new Error(`publish ${p.id} on ${p.subject} (${p.data.length} bytes) refused: ${e.message}`); this.confirm(p, 0); return; }
        this.fail(round, e.message);
        throw e;
      },
    );
  }

  private confirm(p: Pending, seq: number): void {
    if (p.stored) return; // an earlier round's request answered too
    p.stored = true;
    p.seq = seq;
    // Confirmed messages leave the queue from the front, in call order: that is where order is checked.
    while (this.head < this.queue.length && this.queue[this.head]!.stored) {
      const q = this.queue[this.head++]!;
      if (q.seq && q.seq < this.lastSeq) {
        this.misordered++;
        this.o.log(`publish ${q.id} on ${q.subject} was stored at ${q.seq}, before an earlier publish (${this.lastSeq})`);
      }
      this.lastSeq = Math.max(this.lastSeq, q.seq);
      if (q.error) q.reject(q.error); else q.resolve();
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.next = Math.max(0, this.next - this.head);
      this.head = 0;
    }
    if (this.waiting === 0) for (const r of this.idle.splice(0)) r();
    this.pump();
  }

  private fail(round: number, why: string): void {
    if (round !== this.round || !this.healthy) return;
    this.healthy = false;
    this.nextRound();
    this.o.log(`publishing paused (${why}); sending again in order once the stream answers`);
    this.pump();
  }

  private pump(): void {
    if (this.stopped) return;
    if (!this.healthy) { void this.probe(); return; }
    if (this.next < this.head) this.next = this.head;
    while (this.next < this.queue.length && this.inFlight < this.o.publishWindow) {
      const p = this.queue[this.next++]!;
      if (!p.stored) void this.send(p, 5000).catch(() => {});
    }
  }

  /** After a failure: once connected, store the oldest unconfirmed message alone, then pipeline again. */
  private async probe(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      while (!this.stopped && !this.healthy) {
        if (!this.connected) { await sleep(100); continue; }
        const p = this.queue[this.head];
        if (!p) { this.healthy = true; break; }
        try {
          this.nextRound();
          await this.send(p, 2000);
          this.healthy = true;
          this.o.log('publishing resumed');
        } catch {
          await sleep(250);
        }
      }
    } finally {
      this.probing = false;
    }
    if (this.healthy) { this.nextRound(); this.pump(); }
  }
}

/** The stream removed messages a consumer still needs: not retried. */
class MessagesGone extends Error {}

/** One durable consumer, (re)created at the first sequence not yet committed. */
class NatsConsumer implements BusConsumer {
  /** delivered and not yet acknowledged, in delivery order */
  private unacked: JsMsg[] = [];
  /** the worker's checkpoint covers everything up to here */
  private committed: number;
  /** the last sequence handed to the worker */
  private handed: number;
  private messages: ConsumerMessages | null = null;
  private closed = false;
  recreated = 0;

  constructor(private readonly bus: NatsBus, readonly name: string, private readonly filter: string, afterSeq: number, private readonly onClose: () => void) {
    this.committed = afterSeq;
    this.handed = afterSeq;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<BusMessage> {
    const { log } = this.bus.o;
    for (let attempt = 0; !this.closed; attempt++) {
      let messages: ConsumerMessages;
      try {
        messages = await this.open();
        attempt = 0;
      } catch (e) {
        if (e instanceof MessagesGone) throw e;
        if (this.closed) break;
        if (attempt === 0) log(`consumer ${this.name}: ${(e as Error).message}; trying again every second`);
        await sleep(1000);
        continue;
      }
      let lastDelivery = 0;
      let broken = false;
      try {
        for await (const m of messages) {
          const s = m.seq;
          const { deliverySequence: d, redelivered } = m.info;
          if (redelivered && s <= this.handed) {
            // The ack wait ran out before a checkpoint: already handed out, acknowledged with the next commit.
            lastDelivery = d;
            if (s <= this.committed) m.ack(); else this.unacked.push(m);
            continue;
          }
          if (redelivered || d !== lastDelivery + 1) {
            log(`consumer ${this.name}: delivery ${d} of sequence ${s}${redelivered ? ' (redelivered)' : ''} after delivery ${lastDelivery}: something was lost in flight; reading again from sequence ${this.committed + 1}`);
            broken = true;
            break;
          }
          lastDelivery = d;
          this.unacked.push(m);
          if (s <= this.handed) continue; // read again after the consumer was created anew
          this.handed = s;
          yield { subject: this.bus.fromServer(m.subject), seq: s, data: m.data };
          if (this.closed) break;
        }
      } catch (e) {
        if (!this.closed) log(`consumer ${this.name}: ${(e as Error).message}; reading again from sequence ${this.committed + 1}`);
        broken = true;
      } finally {
        this.messages = null;
        messages.stop();
      }
      if (broken) this.recreated++;
      if (!broken && !this.closed) await sleep(200); // the iterator ended by itself: open again
    }
  }

  /** The durable consumer, new, delivering from the first uncommitted sequence. */
  private async open(): Promise<ConsumerMessages> {
    const { jsm, o } = this.bus;
    const start = this.committed + 1;
    // Messages after the checkpoint removed (max age, a purge): going on would skip them silently.
    const { state } = await jsm.streams.info(o.stream);
    if (start > 1 && start <= state.last_seq && state.first_seq > start) throw new MessagesGone(`consumer ${this.name}: stream ${o.stream} no longer holds sequences ${start}-${state.first_seq - 1} (after this worker's checkpoint; removed by the stream's max age or a purge): its input is lost; start the deployment over`);
    await jsm.consumers.delete(o.stream, this.name).catch((e: Error) => { if (!/not found/i.test(e.message)) throw e; });
    await jsm.consumers.add(o.stream, {
      durable_name: this.name,
      filter_subject: this.filter,
      ack_policy: AckPolicy.Explicit,
      ack_wait: o.ackWaitMs * NS,
      // Unlimited: the worker acknowledges only at checkpoints; flow control is the pull batch.
      max_ack_pending: -1,
      ...(start <= 1 ? { deliver_policy: DeliverPolicy.All } : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: start }),
    });
    // Acks of the old consumer's deliveries are void; the new one delivers them again.
    this.unacked = [];
    const js = jetstream(this.bus.nc);
    const c = await js.consumers.get(o.stream, this.name);
    const messages = await c.consume({ max_messages: o.pullBatch });
    this.messages = messages;
    return messages;
  }

  async commit(seq: number): Promise<void> {
    if (seq <= this.committed) return;
    this.committed = seq;
    // Redeliveries may sit out of order in the list: look at every one.
    const rest: JsMsg[] = [];
    for (let i = 0; i < this.unacked.length; i++) {
      const m = this.unacked[i]!;
      if (m.seq <= seq) m.ack(); else rest.push(m);
    }
    this.unacked = rest;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    // stop(), not close(): close() waits for the iterator to be read to its end, and the worker may never read on.
    this.messages?.stop();
  }
}
