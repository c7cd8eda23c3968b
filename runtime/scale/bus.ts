// The message bus the scale-out stages talk over: subjects in one persistent stream, an id per
// published message (so a restarted worker re-sending is harmless) and durable consumers that
// acknowledge only what the worker's checkpoint covers. JetStream implements it for real
// (runtime/scale/nats-bus.ts); runtime/scale/memory-bus.ts implements it in one process for
// fast tests. Workers never rely on the interleaving of different subjects: every payload
// carries its place in the global order and a worker orders what it receives by that.

/** One stored message as a consumer delivers it. */
export interface BusMessage {
  subject: string;
  /** stream sequence: increasing in the order messages were stored, over all subjects */
  seq: number;
  data: Uint8Array;
}

export interface ConsumeOptions {
  /** deliver only messages stored after this stream sequence (the worker's checkpoint); 0: from the start */
  afterSeq: number;
}

/** A durable consumer: every message on its filter, in stream order, from `afterSeq` on. */
export interface BusConsumer extends AsyncIterable<BusMessage> {
  /** The worker's checkpoint covers every message up to and including `seq`: acknowledge them. */
  commit(seq: number): Promise<void>;
  close(): Promise<void>;
}

export interface Bus {
  /** Store a message; one whose `id` was already stored (within the bus's duplicate window) is dropped. Resolves once stored. */
  publish(subject: string, data: Uint8Array, id: string): Promise<void>;
  /** The durable consumer `name` over subjects matching `filter` (NATS wildcards `*` and `>`). */
  consume(name: string, filter: string, opts: ConsumeOptions): BusConsumer;
  close(): Promise<void>;
}
