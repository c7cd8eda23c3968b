// The scale-out roles over a message bus (runtime/scale/bus.ts): a parse stage, a models stage
// and a users stage, each split into partitions, whose records together (sorted) equal one
// process's. docs/scale-out.md ("JetStream form") describes the protocol; in short:
// - parse p of P: raw messages whose stream sequence % P == p → `uebac.parsed.<p>` (with the
//   previous raw sequence, so every later stage rebuilds one order).
// - models m of M: the non-user model instances and seen-anywhere sets of partition m. For each
//   event g in order it answers the reads g's rules may make in m (`uebac.stats.<owner>.<m>`)
//   once the training of every earlier event (`uebac.train.<m>`) is applied; an event without
//   reads in m does not wait for it.
// - users u of U: sessions, sequences, user models and rules of the users of partition u; the
//   other events are shadowed (clock, asset aggregates). Asset-rule scores go to the asset's
//   owner (`uebac.hits.<u>`). Records go to JSONL segments in its records directory.
// Each models and users worker checkpoints its state and its consumers' positions in its own
// state file, and acknowledges only what a checkpoint covers; a restarted worker continues
// from its checkpoint and publishes again under the same ids (the bus drops duplicates).
import { runPath } from '../run-path.ts';
import { isUtf8 } from 'node:buffer';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Engine, type RuleRecord, type ScopeRecord } from '../engine.ts';
import { DEFAULT_EVIDENCE_BINS, histogramEvidence, type HistogramEvidence } from '../evidence.ts';
import type { Value } from '../helpers.ts';
import { binKey, Instance, ModelStore } from '../models.ts';
import type { Event, ModelStats, Program } from '../program.ts';
import { scopeLine } from '../records.ts';
import { checkpointState, restore, StateStore } from '../state.ts';
import { JsonlSink, type SinkPosition } from '../serve/jsonl-sink.ts';
import { clockFree } from '../event-order.ts';
import type { Bus, BusConsumer } from './bus.ts';
import { Inbox } from './inbox.ts';
import { decode, encode, hitsSubject, parsedSubject, RAW_END, RAW_FILE, RAW_FILTER, statsFilter, statsSubject, trainSubject, type HitsMessage, type ParsedLine, type ParsedMessage, type RawFile, type StatsMessage, type TrainMessage, type Training } from './messages.ts';
import { anywhereId, assetOwners, checkReadAnalysis, ownerOf, readsOf, sequenceEndPartitions, statsId, totalId, trainPartitions, type Read } from './model-reads.ts';
import { OrderedInput, type LinePlace, type OrderedInputState } from './ordered-input.ts';
import { modelKey, partitionOf, UsersWorker } from './partitioned.ts';

export type Role = 'parse' | 'models' | 'users';

export interface WorkerOptions {
  /** One Program per worker: its parser clock is the worker's own. */
  program: Program;
  bus: Bus;
  role: Role;
  partition: number;
  counts: { parse: number; models: number; users: number };
  /** where the worker keeps its state file (`<role>-<partition>.sqlite`; the parse stage: its position) */
  stateDir: string;
  /** users workers: record segments go to `<recordsDir>/users-<partition>/` */
  recordsDir: string;
  /** checkpoint every so many events (models, users) or raw messages (parse); default 10,000 */
  checkpointEvery?: number;
  /** histogram bins copied into model rule evidence (must be the same on every worker) */
  evidenceBins?: number;
  /** written into the state file; a state written under another bundle is refused */
  bundleHash?: string;
  log?: (m: string) => void;
}

export interface WorkerHandle {
  /** Resolves once the end-of-input message was fully processed (and checkpointed); rejects on a failure. */
  done: Promise<void>;
  /** Checkpoint what was processed and stop. */
  stop(): Promise<void>;
  /** Stop without a checkpoint (as a crash would; tests). */
  abandon(): Promise<void>;
  /** events (models, users) or raw messages (parse) processed so far */
  readonly progress: number;
  /** `progress` when the last checkpoint was written */
  readonly checkpointed: number;
}

class Stopped extends Error {
  constructor() { super('worker stopped'); }
}

const HOUR = 3_600_000;
/** how long a stop with a checkpoint waits for the messages of the event in hand */
const STOP_GRACE_MS = 10_000;
const DAY = 24 * HOUR;

/** The hour sweep of Engine: every worker sees every event, so all agree when it runs. */
class SweepClock {
  hour = -Infinity;
  crosses(t: number): boolean {
    const h = Math.floor(t / HOUR);
    if (h <= this.hour) return false;
    this.hour = h;
    return true;
  }
}

export function startWorker(options: WorkerOptions): WorkerHandle {
  // Workers emit only records, so they parse and enrich with the run path, as `uebac run` does.
  const opts = { ...options, program: runPath(options.program) };
  const { role, partition, counts } = opts;
  const n = counts[role];
  if (!Number.isInteger(partition) || partition < 0 || partition >= n) throw new Error(`partition ${partition} of ${n} ${role} workers does not exist`);
  if (role !== 'parse') checkReadAnalysis(opts.program);
  const worker = role === 'parse' ? new ParseWorker(opts) : role === 'models' ? new ModelsWorker(opts) : new UsersRoleWorker(opts);
  const done = worker.run();
  done.catch(() => {}); // the caller awaits it; a stop() does not leave it unhandled
  return {
    done,
    stop: () => worker.halt(true),
    abandon: () => worker.halt(false),
    get progress() { return worker.progress; },
    get checkpointed() { return worker.checkpointed; },
  };
}

// ---- the parse stage ---------------------------------------------------------------------

/** Split raw bytes into lines as `uebac run` reads a file (LF, a CR before it dropped, invalid UTF-8 replaced and marked). */
function linesOf(data: Uint8Array): Array<{ text: string; repaired?: string }> {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out: Array<{ text: string; repaired?: string }> = [];
  let start = 0;
  while (start < buf.length) {
    let nl = buf.indexOf(10, start);
    if (nl < 0) nl = buf.length;
    const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
    const bytes = buf.subarray(start, end);
    out.push(isUtf8(bytes) ? { text: bytes.toString('utf8') } : { text: bytes.toString('utf8'), repaired: 'invalid-utf8' });
    start = nl + 1;
  }
  return out;
}

function textLines(text: string): string[] {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

abstract class RoleWorker {
  progress = 0;
  checkpointed = 0;
  protected halted: { checkpoint: boolean } | null = null;
  protected readonly log: (m: string) => void;
  protected readonly every: number;
  protected readonly consumers: BusConsumer[] = [];
  private readonly stopped = new Inbox<never>();

  constructor(protected readonly opts: WorkerOptions) {
    this.log = opts.log ?? (() => {});
    this.every = Math.max(1, opts.checkpointEvery ?? 10_000);
    mkdirSync(opts.stateDir, { recursive: true });
    this.stopSignal = new Promise((r) => (this.signalStop = r));
  }

  abstract run(): Promise<void>;

  /** Awaited by the main loop for every message it needs: a stop ends the wait. */
  protected wait<V>(inbox: Inbox<V>, key: string): Promise<V> {
    return inbox.take(key);
  }

  protected abstract inboxes(): Array<Inbox<unknown>>;
  protected abstract finalCheckpoint(): Promise<void>;

  /** resolves when the worker is asked to stop (a wait for the next message gives up) */
  protected readonly stopSignal: Promise<void>;
  private signalStop!: () => void;
  /** set while an event is half processed: a stop then leaves the last checkpoint standing */
  protected midEvent = false;

  /**
   * Stop. With a checkpoint the event in hand is finished first (its messages usually come
   * soon); if they do not within STOP_GRACE_MS the worker stops without, and the last
   * checkpoint stands. Without a checkpoint (a crash, in tests) it stops at once.
   */
  async halt(checkpoint: boolean): Promise<void> {
    if (this.halted) return;
    this.halted = { checkpoint };
    this.signalStop();
    const fail = () => { for (const i of this.inboxes()) i.fail(new Stopped()); };
    if (!checkpoint) fail();
    const timer = checkpoint ? setTimeout(fail, STOP_GRACE_MS) : null;
    await this.closing;
    if (timer) clearTimeout(timer);
  }
  protected closing: Promise<void> = Promise.resolve();

  /** Reads a consumer into an inbox until the worker stops; a bad message fails the worker. */
  protected pump<V>(consumer: BusConsumer, inbox: Inbox<V>, keyOf: (v: V) => string | null, seen: (seq: number) => void): void {
    this.consumers.push(consumer);
    void (async () => {
      try {
        for await (const m of consumer) {
          seen(m.seq);
          const v = decode<V>(m.data);
          const key = keyOf(v);
          if (key !== null) inbox.put(key, v);
        }
      } catch (e) {
        inbox.fail(e as Error);
      }
    })();
  }
}

class ParseWorker extends RoleWorker {
  private readonly positionFile: string;
  constructor(opts: WorkerOptions) {
    super(opts);
    this.positionFile = join(opts.stateDir, `parse-${opts.partition}.json`);
  }
  protected inboxes() { return []; }
  protected async finalCheckpoint() {}

  private savePosition(seq: number): void {
    const tmp = `${this.positionFile}.tmp`;
    writeFileSync(tmp, JSON.stringify({ seq }));
    renameSync(tmp, this.positionFile);
  }

  async run(): Promise<void> {
    const { bus, program, partition: p, counts } = this.opts;
    const saved = existsSync(this.positionFile) ? (JSON.parse(readFileSync(this.positionFile, 'utf8')) as { seq: number }).seq : 0;
    const consumer = bus.consume(`uebac-parse-${p}`, RAW_FILTER, { afterSeq: saved });
    this.consumers.push(consumer);
    let prev = saved;
    let since = 0;
    const checkpoint = async (seq: number) => {
      this.savePosition(seq);
      this.checkpointed = this.progress;
      await consumer.commit(seq);
      since = 0;
    };
    let resolveClosing!: () => void;
    this.closing = new Promise((r) => (resolveClosing = r));
    try {
      const it = consumer[Symbol.asyncIterator]();
      for (;;) {
        const next = await Promise.race([it.next(), this.stopSignal.then(() => null)]);
        if (next === null || next.done) break;
        const m = next.value;
        const end = m.subject === RAW_END;
        if (m.seq % counts.parse === p) {
          let msg: ParsedMessage;
          if (end) msg = { seq: m.seq, prev, file: '', line: 0, lines: [], end: true };
          else {
            let file: string, first: number, lines: Array<{ text: string; repaired?: string }>;
            if (m.subject === RAW_FILE) {
              const raw = decode<RawFile>(m.data);
              file = raw.file; first = raw.line; lines = textLines(raw.text).map((text) => ({ text }));
            } else {
              file = `uebac.raw#${m.seq}`; first = 1; lines = linesOf(m.data);
            }
            msg = { seq: m.seq, prev, file, line: first, lines: lines.map((l) => parseLine(program, l.text, l.repaired)) };
          }
          await bus.publish(parsedSubject(p), encode(msg), `parsed-${m.seq}`);
        }
        prev = m.seq;
        this.progress++;
        if (++since >= this.every || end) await checkpoint(m.seq);
        if (end) break;
      }
      if (this.halted?.checkpoint && since > 0) await checkpoint(prev);
    } finally {
      await consumer.close();
      resolveClosing();
    }
  }
}

/** One line's outcome for the later stages: parsed here when it does not depend on the previous event's time, else its text. */
function parseLine(program: Program, text: string, repaired?: string): ParsedLine {
  const r = program.parse(text);
  const l: ParsedLine = !clockFree(r) ? { t: text } : r.ok ? { e: r.event, et: r.eventType, p: r.parser } : { x: r.reason, ...(r.parser ? { p: r.parser } : {}) };
  if (repaired) l.r = repaired;
  return l;
}

// ---- the models stage --------------------------------------------------------------------

function limitsOf(program: Program) {
  const s = program.settings;
  return { maxInstances: s.maxModelInstances ?? Infinity, maxAnywhere: s.maxSeenAnywhere ?? Infinity };
}

function copyInstance(inst: Instance): Instance {
  const c = new Instance();
  c.n = inst.n; c.sum = inst.sum; c.sumSq = inst.sumSq; c.agedDay = inst.agedDay; c.bins = new Map(inst.bins);
  c.rebuildCounts();
  return c;
}

/** A models worker's store: answers reads without changing anything (the owner reports the reads its rules made; those age instances). */
class AnsweringStore extends ModelStore {
  /** instance key → a copy aged to `day` (a read's view before the day's first real access) */
  private readonly agedViews = new Map<string, { day: number; store: ModelStore }>();

  constructor(program: Program, private readonly evidenceBins: number) {
    super(program.models, limitsOf(program));
  }

  /** The instance as a read on `time`'s day sees it (aged), never changing the real one. */
  private view(model: number, scope: string, time: number): ModelStore {
    const spec = this.models[model]!;
    const inst = this.instance(model, scope);
    const day = Math.floor(time / DAY);
    if (!inst || spec.agingDays <= 0 || inst.agedDay === day) return this;
    const key = `${model}\u0000${scope}`;
    let v = this.agedViews.get(key);
    if (!v || v.day !== day) {
      const store = new ModelStore(this.models);
      store.instances[model]!.set(scope, copyInstance(inst));
      v = { day, store };
      this.agedViews.set(key, v);
    }
    return v.store;
  }

  answer(r: Read, time: number): StatsMessage['a'][number][1] {
    if (r.kind === 'anywhere') return this.seenAnywhere(r.model, r.feature);
    const before = this.instance(r.model, r.scope)?.n ?? 0;
    const view = this.view(r.model, r.scope, time);
    if (r.kind === 'total') {
      if (view !== this) view.stats(r.model, r.scope, null, 0, time); // ages the copy
      return { before, after: view.instance(r.model, r.scope)?.n ?? 0 };
    }
    const stats = view.stats(r.model, r.scope, r.feature, r.p, time);
    if (this.evidenceBins <= 0) return { stats };
    return { stats, histogram: histogramEvidence(this.models[r.model]!, view.instance(r.model, r.scope), stats.feature, this.evidenceBins) };
  }

  apply(t: Training): void {
    if (t[0] === 1) { this.trainAnywhere(t[1], t[2]); return; }
    this.agedViews.delete(`${t[1]}\u0000${t[2]}`);
    if (t[0] === 0) { this.trainInstance(t[1], t[2], t[3], t[4]); return; }
    const inst = this.instance(t[1], t[2]);
    const spec = this.models[t[1]]!;
    if (inst) this.counters.agedBins += inst.age(Math.floor(t[3] / DAY), spec.agingDays, spec.type === 'numerical' ? spec.binWidth : 0);
  }
}

interface ModelsState {
  g: number;
  input: OrderedInputState;
  sweptHour: number | null;
  trainSeq: number;
  trainInbox: Array<[string, TrainMessage]>;
  owed: Array<[number, 0 | 1, number]>;
}

/** The common loop of models and users workers: ordered events, checkpoints, stop. */
abstract class StageWorker extends RoleWorker {
  protected readonly program: Program;
  protected readonly store: StateStore;
  protected input!: OrderedInput;
  protected readonly clock = new SweepClock();
  /** publishes not yet known to be stored (awaited before a checkpoint) */
  private outbox: Array<Promise<void>> = [];
  protected g = 0;
  protected ended = false;
  protected readonly seqEnd: Set<number>;

  constructor(opts: WorkerOptions) {
    super(opts);
    this.program = opts.program;
    this.store = new StateStore(join(opts.stateDir, `${opts.role}-${opts.partition}.sqlite`));
    this.seqEnd = sequenceEndPartitions(this.program, opts.counts.models);
  }

  protected publish(subject: string, v: unknown, id: string): void {
    const p = this.opts.bus.publish(subject, encode(v), id);
    p.catch(() => {});
    this.outbox.push(p);
  }

  protected async settleOutbox(): Promise<void> {
    const pending = this.outbox;
    this.outbox = [];
    await Promise.all(pending);
  }

  protected abstract handle(g: number, ev: Event, eventType: number, at: LinePlace): Promise<void>;
  protected abstract save(): void;
  protected abstract commitConsumers(): Promise<void>;
  protected abstract finish(): Promise<void>;
  /** Set up from a checkpoint's state, or fresh (null). */
  protected abstract restoreFrom(state: unknown | null): void;
  protected abstract startConsumers(): void;

  protected async checkpoint(): Promise<void> {
    await this.settleOutbox();
    this.save();
    this.checkpointed = this.progress;
    await this.input.commit();
    await this.commitConsumers();
  }

  protected async finalCheckpoint(): Promise<void> {
    if (this.input.settled && !this.midEvent) await this.checkpoint();
  }

  async run(): Promise<void> {
    let resolveClosing!: () => void;
    this.closing = new Promise((r) => (resolveClosing = r));
    try {
      const cp = this.store.load();
      const bundle = this.opts.bundleHash ?? 'scale';
      if (cp && cp.bundleHash !== bundle) throw new Error(`the state ${this.store.path} was written by another bundle; remove it to start over`);
      const saved = cp ? (cp.state as { worker: { input: OrderedInputState; ended?: boolean } }).worker : null;
      if (saved?.ended) return; // the end of input was processed before: nothing more comes
      this.restoreFrom(cp ? cp.state : null);
      this.input = new OrderedInput(this.program, this.opts.bus, `uebac-${this.opts.role}-${this.opts.partition}-parsed`, saved?.input ?? null);
      this.startConsumers();
      let since = 0;
      // After a stop the events of the message in hand are still handed out, so the stop's checkpoint finds the order settled.
      for await (const o of this.input.events(this.stopSignal)) {
        if (this.halted && !this.halted.checkpoint) break;
        if ('end' in o) {
          this.midEvent = true;
          await this.finish();
          this.midEvent = false;
          this.ended = true;
          await this.checkpoint();
          return;
        }
        if (o.g < this.g) continue; // already processed before the checkpoint
        this.midEvent = true;
        await this.handle(o.g, o.ev, o.eventType, o.at);
        this.midEvent = false;
        this.g = o.g + 1;
        this.progress++;
        if (++since >= this.every && this.input.settled) { await this.checkpoint(); since = 0; }
      }
      if (this.halted?.checkpoint) await this.finalCheckpoint();
      if (this.halted) return;
      throw new Error('the parsed stream ended before its end-of-input message');
    } catch (e) {
      if (e instanceof Stopped && this.halted) return; // stopped in the middle of an event: the last checkpoint stands
      throw e;
    } finally {
      await this.input?.close();
      for (const c of this.consumers) await c.close();
      this.store.close();
      resolveClosing();
    }
  }

  /** A checkpoint in the engine's state format (keyed stores written incrementally), with this worker's part beside it. */
  protected saveState(engine: Engine, worker: unknown, outputOffset = 0): void {
    this.store.save({ bundleHash: this.opts.bundleHash ?? 'scale', position: { file: 0, identity: `${this.opts.role}-${this.opts.partition}`, offset: this.g, outputOffset, lines: this.g, complete: true }, summary: { rejects: this.input.state().rejects }, state: checkpointState(engine, { worker: { ...(worker as object), ended: this.ended } }) });
  }
}

class ModelsWorker extends StageWorker {
  private readonly models: AnsweringStore;
  /** holds the stores in the engine's checkpoint format */
  private readonly holder: Engine;
  private readonly trains = new Inbox<TrainMessage>();
  private trainSeq = 0;
  /** training messages (event place, phase, users partition) not applied yet, in order */
  private owed: Array<[number, 0 | 1, number]> = [];

  constructor(opts: WorkerOptions) {
    super(opts);
    this.models = new AnsweringStore(this.program, opts.evidenceBins ?? DEFAULT_EVIDENCE_BINS);
    this.holder = new Engine(this.program, { rule() {}, scope() {} }, { models: this.models });
  }
  protected inboxes() { return [this.trains as Inbox<unknown>]; }

  protected restoreFrom(state: unknown | null): void {
    if (state === null) return;
    restore(this.holder, state as Record<string, unknown>);
    const w = (state as { worker: ModelsState }).worker;
    this.g = w.g;
    this.clock.hour = w.sweptHour ?? -Infinity;
    this.trainSeq = w.trainSeq;
    this.trains.restore(w.trainInbox);
    this.owed = w.owed;
  }

  protected startConsumers(): void {
    const m = this.opts.partition;
    this.pump(this.opts.bus.consume(`uebac-models-${m}-train`, trainSubject(m), { afterSeq: this.trainSeq }), this.trains, (t) => (t.g < (this.owed[0]?.[0] ?? this.g) ? null : `${t.g}:${t.phase}:${t.u}`), (seq) => (this.trainSeq = seq));
  }

  protected save(): void {
    const w: ModelsState = { g: this.g, input: this.input.state(), sweptHour: Number.isFinite(this.clock.hour) ? this.clock.hour : null, trainSeq: this.trainSeq, trainInbox: this.trains.entries(), owed: this.owed.map((o) => [...o] as [number, 0 | 1, number]) };
    this.saveState(this.holder, w);
  }

  protected async commitConsumers(): Promise<void> {
    if (this.trainSeq > 0) await this.consumers[0]!.commit(this.trainSeq);
  }

  protected async finish(): Promise<void> {
    await this.settleOwed();
  }

  protected async handle(g: number, ev: Event, eventType: number): Promise<void> {
    const { counts, partition: m } = this.opts;
    const owner = ownerOf(ev, counts.users);
    const crosses = this.clock.crosses(ev.time);
    // Day-sequences closing while g is begun train sequence-end models first.
    if (this.seqEnd.has(m)) {
      const senders = crosses ? [...Array(counts.users).keys()] : hasUser(ev) ? [owner] : [];
      for (const u of senders) this.owed.push([g, 0, u]);
    }
    const reads = readsOf(this.program, ev, eventType, counts.models);
    const mine = reads.filter((r) => r.partition === m);
    if (mine.length) {
      await this.settleOwed();
      this.publish(statsSubject(owner, m), { g, m, a: mine.map((r) => [r.id, this.models.answer(r, ev.time)]) } satisfies StatsMessage, `stats-${m}-${g}`);
    }
    if (trainPartitions(this.program, ev, eventType, counts.models, reads).has(m)) this.owed.push([g, 1, owner]);
  }

  /**
   * Apply the training owed so far, in the events' order (for each event: the day-sequences
   * it closed, then its own). Only a read needs it applied, so an event that trains here
   * without reading does not wait for the messages: the next event goes on, and the wait
   * happens at the next read.
   */
  private async settleOwed(): Promise<void> {
    while (this.owed.length) {
      const [g, phase, u] = this.owed[0]!;
      for (const t of (await this.wait(this.trains, `${g}:${phase}:${u}`)).t) this.models.apply(t);
      this.owed.shift();
    }
  }
}

function hasUser(ev: Event): boolean {
  return typeof ev.user === 'string' && ev.user !== '';
}

// ---- the users stage ---------------------------------------------------------------------

/** A users worker's model store: user models here, every other look-up answered by the models stage for this event. */
class AnsweredModels extends ModelStore {
  private answers = new Map<string, StatsMessage['a'][number][1]>();
  /** instances a stats read of this event touched (a look-up of their total then sees them aged) */
  private readonly touched = new Set<string>();
  private readonly histograms = new WeakMap<ModelStats, HistogramEvidence | undefined>();
  /** training and read reports per models partition, for this event */
  readonly out = new Map<number, Training[]>();

  constructor(private readonly program: Program, private readonly modelsCount: number) {
    super(program.models, limitsOf(program));
  }

  private user(model: number): boolean {
    return this.program.models[model]!.scopeType === 'user';
  }
  private part(model: number, scope: string | null): number {
    return partitionOf(modelKey(this.program, model, scope), this.modelsCount);
  }
  private send(m: number, t: Training): void {
    let list = this.out.get(m);
    if (!list) this.out.set(m, (list = []));
    list.push(t);
  }
  /** Training and read reports for partition m, taken. */
  take(m: number): Training[] {
    const list = this.out.get(m) ?? [];
    this.out.delete(m);
    return list;
  }

  beginEvent(): void {
    this.answers = new Map();
    this.touched.clear();
  }
  load(msg: StatsMessage): void {
    for (const [id, a] of msg.a) this.answers.set(id, a);
  }

  private missing(model: number, what: string): Error {
    return new Error(`model ${this.program.models[model]!.id}: ${what} was not answered by the models stage; the model-read analysis (program.modelReads) missed this read`);
  }

  override stats(model: number, scope: string, feature: Value, p: number, time: number): ModelStats {
    if (this.user(model)) return super.stats(model, scope, feature, p, time);
    const a = this.answers.get(statsId(model, scope, p)) as { stats: ModelStats; histogram?: HistogramEvidence } | undefined;
    if (!a) throw this.missing(model, `stats for scope ${JSON.stringify(scope)}`);
    const key = `${model}\u0000${scope}`;
    if (!this.touched.has(key)) {
      this.touched.add(key);
      this.send(this.part(model, scope), [2, model, scope, time]);
    }
    this.histograms.set(a.stats, a.histogram);
    return a.stats;
  }

  /** The evidence bins the models stage copied with a stats answer. */
  histogramOf(stats: ModelStats): HistogramEvidence | undefined {
    return this.histograms.get(stats);
  }

  override instance(model: number, scope: string): Instance | undefined {
    if (this.user(model)) return super.instance(model, scope);
    const a = this.answers.get(totalId(model, scope)) as { before: number; after: number } | undefined;
    if (!a) throw this.missing(model, `the total of scope ${JSON.stringify(scope)}`);
    const n = this.touched.has(`${model}\u0000${scope}`) ? a.after : a.before;
    return n === 0 ? undefined : ({ n } as Instance);
  }

  override seenAnywhere(model: number, feature: Value): boolean {
    const key = binKey(this.program.models[model]!, feature);
    if (key === null) return false;
    const a = this.answers.get(anywhereId(model, key));
    if (a === undefined) throw this.missing(model, `seenAnywhere(${JSON.stringify(feature)})`);
    return a as boolean;
  }

  override train(model: number, scope: string, feature: Value, time: number): void {
    const key = binKey(this.program.models[model]!, feature);
    if (key === null) return;
    if (this.user(model)) super.trainInstance(model, scope, feature, time);
    else this.send(this.part(model, scope), [0, model, scope, feature, time]);
    this.send(this.part(model, null), [1, model, key]);
  }
}

class RoleUsers extends UsersWorker {
  constructor(program: Program, sink: { rule(r: RuleRecord): void; scope(s: ScopeRecord): void }, index: number, n: number, private readonly answered: AnsweredModels, evidenceBins?: number) {
    super(program, sink, index, n, answered, evidenceBins);
  }
  protected override histogramOf(stats: ModelStats, bins: number): HistogramEvidence {
    if (this.program.models[stats.model]!.scopeType === 'user') return super.histogramOf(stats, bins);
    const h = this.answered.histogramOf(stats);
    if (!h) throw new Error(`model ${this.program.models[stats.model]!.id}: no evidence bins came with its stats answer`);
    return h;
  }
}

interface UsersState {
  g: number;
  input: OrderedInputState;
  sweptHour: number | null;
  seqs: { stats: number; hits: number };
  statsInbox: Array<[string, StatsMessage]>;
  hitsInbox: Array<[string, HitsMessage]>;
  sink: SinkPosition;
}

class UsersRoleWorker extends StageWorker {
  private readonly models: AnsweredModels;
  private engine!: RoleUsers;
  private sink!: JsonlSink;
  private readonly statsIn = new Inbox<StatsMessage>();
  private readonly hitsIn = new Inbox<HitsMessage>();
  private seqs = { stats: 0, hits: 0 };
  private at: LinePlace = { file: '', line: 0 };
  private lastTime = -Infinity;

  constructor(opts: WorkerOptions) {
    super(opts);
    this.models = new AnsweredModels(this.program, opts.counts.models);
  }
  protected inboxes() { return [this.statsIn as Inbox<unknown>, this.hitsIn as Inbox<unknown>]; }

  private makeEngine(position: SinkPosition | null): void {
    const { partition: u, counts } = this.opts;
    this.sink = new JsonlSink(join(this.opts.recordsDir, `users-${u}`), 64 << 20, 0, position);
    this.engine = new RoleUsers(this.program, {
      rule: (r) => {
        r.source = { file: this.at.file, line: this.at.line };
        if (this.at.repaired) r.repaired = this.at.repaired;
        this.sink.write(JSON.stringify(r) + '\n');
      },
      scope: (s) => this.sink.write(scopeLine(s) + '\n'),
    }, u, counts.users, this.models, this.opts.evidenceBins);
  }

  protected restoreFrom(state: unknown | null): void {
    if (state === null) { this.makeEngine(null); return; }
    const w = (state as { worker: UsersState }).worker;
    this.makeEngine(w.sink); // cuts the segments back to the checkpoint
    restore(this.engine, state as Record<string, unknown>);
    this.g = w.g;
    this.clock.hour = w.sweptHour ?? -Infinity;
    this.seqs = { ...w.seqs };
    this.statsIn.restore(w.statsInbox);
    this.hitsIn.restore(w.hitsInbox);
  }

  protected startConsumers(): void {
    const { bus, partition: u } = this.opts;
    this.pump(bus.consume(`uebac-users-${u}-stats`, statsFilter(u), { afterSeq: this.seqs.stats }), this.statsIn, (s) => (s.g < this.g ? null : `${s.g}:${s.m}`), (seq) => (this.seqs.stats = seq));
    this.pump(bus.consume(`uebac-users-${u}-hits`, hitsSubject(u), { afterSeq: this.seqs.hits }), this.hitsIn, (h) => (h.g < this.g ? null : `${h.g}`), (seq) => (this.seqs.hits = seq));
  }

  protected save(): void {
    this.sink.flush(this.lastTime);
    const w: UsersState = { g: this.g, input: this.input.state(), sweptHour: Number.isFinite(this.clock.hour) ? this.clock.hour : null, seqs: { ...this.seqs }, statsInbox: this.statsIn.entries(), hitsInbox: this.hitsIn.entries(), sink: { ...this.sink.position } };
    this.saveState(this.engine, w, this.sink.position.offset);
  }

  protected async commitConsumers(): Promise<void> {
    if (this.seqs.stats > 0) await this.consumers[0]!.commit(this.seqs.stats);
    if (this.seqs.hits > 0) await this.consumers[1]!.commit(this.seqs.hits);
  }

  protected async finish(): Promise<void> {
    this.engine.finish();
    this.sink.flush(this.lastTime);
  }

  /** Day-sequences closed while the event was begun: their training goes out before the event's reads are answered. */
  private sendPhase0(g: number): void {
    const u = this.opts.partition;
    for (const m of this.seqEnd) this.publish(trainSubject(m), { g, u, phase: 0, t: this.models.take(m) } satisfies TrainMessage, `train-${m}-${g}-0-${u}`);
    this.checkNothingLeft(g, 'while it was begun');
  }

  private checkNothingLeft(g: number, when: string): void {
    if (this.models.out.size) throw new Error(`event ${g}: training for models partitions ${[...this.models.out.keys()].join(', ')} ${when} that the partition analysis did not expect`);
  }

  protected async handle(g: number, ev: Event, eventType: number, at: LinePlace): Promise<void> {
    const { counts, partition: u } = this.opts;
    this.at = at;
    this.lastTime = ev.time;
    const owner = ownerOf(ev, counts.users);
    const crosses = this.clock.crosses(ev.time);
    const engine = this.engine;
    if (owner !== u) {
      engine.shadowForeign(ev, eventType);
      if (crosses && this.seqEnd.size) this.sendPhase0(g);
      else this.checkNothingLeft(g, 'while it was shadowed');
      if (assetOwners(this.program, ev, eventType, counts.users).has(u)) {
        for (const [rule, asset, t] of (await this.wait(this.hitsIn, `${g}`)).h) engine.applyHit(rule, asset, t);
      }
      return;
    }
    this.models.beginEvent();
    engine.beginOwned(ev, eventType);
    if (this.seqEnd.size && (crosses || hasUser(ev))) this.sendPhase0(g);
    else this.checkNothingLeft(g, 'while it was begun');
    const reads = readsOf(this.program, ev, eventType, counts.models);
    for (const m of new Set(reads.map((r) => r.partition))) this.models.load(await this.wait(this.statsIn, `${g}:${m}`));
    engine.completeOwned(ev, eventType);
    for (const m of trainPartitions(this.program, ev, eventType, counts.models, reads)) {
      this.publish(trainSubject(m), { g, u, phase: 1, t: this.models.take(m) } satisfies TrainMessage, `train-${m}-${g}-1-${u}`);
    }
    this.checkNothingLeft(g, 'by its rules');
    // Asset-rule scores for assets other users workers own (an empty message too: they wait for it).
    const owners = assetOwners(this.program, ev, eventType, counts.users);
    owners.delete(u);
    for (const to of owners) this.publish(hitsSubject(to), { g, h: engine.hits.filter(([, asset]) => partitionOf(asset, counts.users) === to) } satisfies HitsMessage, `hits-${to}-${g}`);
    engine.hits.length = 0;
    if (this.sink.buffered > 4 << 10) this.sink.flush(ev.time); // bounded memory; a restart cuts back what a checkpoint does not cover
  }
}
