// The serve loop: spooled lines in seq order → parse → watermark → engine → records, with a
// checkpoint (engine state + spool seq + sink position + held events, one SQLite
// transaction) every N lines or T seconds. What a checkpoint covers is then acknowledged
// upstream and compacted out of the spool.
import { TIME_HORIZON } from '../time-guard.ts';
import { setImmediate as yieldToIo } from 'node:timers/promises';
import { Engine, type RuleRecord, type ScopeRecord } from '../engine.ts';
import type { Program } from '../program.ts';
import { restore, snapshot, type Position, type StateStore } from '../state.ts';
import { JsonlSink, type SinkPosition } from './jsonl-sink.ts';
import type { ServeMetrics } from './metrics.ts';
import { Reorder, type Held } from './reorder.ts';
import type { Spool } from './spool.ts';

export interface AlertSink {
  publish(record: ScopeRecord): void;
}

export interface ProcessorOptions {
  store: StateStore;
  spool: Spool;
  outDir: string;
  rotateBytes: number;
  rotateMs: number;
  alerts: AlertSink | null;
  metrics: ServeMetrics;
  latenessMs: number;
  checkpointLines: number;
  checkpointMs: number;
  /** called after each checkpoint with the highest spool seq it covers */
  onCheckpoint?(seq: number): void;
  log(message: string): void;
}

export interface ServeState {
  seq: number;
  sink: SinkPosition;
  reorder: ReturnType<Reorder['save']>;
  lines: number;
  timeAnchor?: number | null;
}

export type ServePosition = Position & { serve: ServeState };

export interface Loaded {
  program: Program;
  bundleHash: string;
}

/** Prepares the engine that takes over at a swap: returns it with its state already moved over. */
export type Migrate = (from: Engine, to: Engine) => void;

export class Processor {
  engine: Engine;
  program: Program;
  bundleHash: string;
  /** highest spool seq taken into the engine (or held by the watermark) */
  seq = 0;
  lines = 0;
  lastCheckpoint = Date.now();
  /** the parser's time anchor (last event time built): stream state, checkpointed */
  private anchor: number | null = null;
  private sink: JsonlSink;
  private reorder: Reorder;
  private sinceCheckpoint = 0;
  private stopping = false;
  private swapRequest: { next: Loaded; migrate: Migrate; done: (seq: number) => void } | null = null;
  private wake: (() => void) | null = null;

  constructor(loaded: Loaded, private readonly opts: ProcessorOptions, migrateFrom?: (saved: Record<string, unknown>, savedHash: string, engine: Engine) => void) {
    this.program = loaded.program;
    this.bundleHash = loaded.bundleHash;
    this.engine = this.newEngine(this.program);
    this.reorder = new Reorder(opts.latenessMs);
    const checkpoint = opts.store.load();
    const position = checkpoint?.position as ServePosition | undefined;
    if (checkpoint && !position?.serve) throw new Error('this state was written by `uebac run`, not `uebac serve`; give serve its own --state');
    if (checkpoint && position) {
      const state = checkpoint.state as Record<string, unknown>;
      if (checkpoint.bundleHash === this.bundleHash) restore(this.engine, state);
      else if (migrateFrom) migrateFrom(state, checkpoint.bundleHash, this.engine);
      else throw new Error('the state was written by a different bundle');
      this.seq = position.serve.seq;
      this.lines = position.serve.lines;
      this.reorder.restore(position.serve.reorder, this.reparse(this.program, position.serve.reorder.held));
      this.anchor = position.serve.timeAnchor ?? null;
      if (this.anchor !== null) this.program.setTimeAnchor(this.anchor);
      this.sink = new JsonlSink(opts.outDir, opts.rotateBytes, opts.rotateMs, position.serve.sink);
      opts.log(`resumed from the checkpoint after spool line ${this.seq} (${this.lines} lines processed so far)`);
    } else {
      this.sink = new JsonlSink(opts.outDir, opts.rotateBytes, opts.rotateMs, null);
    }
  }

  /**
   * Parse held lines again (after a restart or a swap). Each is parsed with the anchor at its
   * own event time, so a header without a year lands where it did the first time.
   */
  private reparse(program: Program, held: Array<[number, string, number]>): Held[] {
    const out: Held[] = [];
    for (const [seq, line, time] of held) {
      program.setTimeAnchor(time);
      const r = program.parse(line);
      if (r.ok) { program.enrich(r.event, r.eventType); out.push({ seq, line, event: r.event, eventType: r.eventType }); }
    }
    program.setTimeAnchor(this.anchor);
    return out;
  }

  private newEngine(program: Program): Engine {
    const m = this.opts.metrics;
    return new Engine(program, {
      rule: (r: RuleRecord) => { this.sink.write(JSON.stringify(r) + '\n'); m.rulesFired.inc(); },
      scope: (s: ScopeRecord) => {
        this.sink.write(JSON.stringify(s) + '\n');
        if (s.notable) {
          if (s.type === 'session') m.notable.inc();
          this.opts.alerts?.publish(s);
        }
      },
    });
  }

  get held(): number {
    return this.reorder.size;
  }

  get latestEventTime(): number {
    return this.reorder.maxTime;
  }

  /** Process until stop() and the spool is drained, then checkpoint. */
  async run(): Promise<void> {
    const { spool } = this.opts;
    for (;;) {
      if (this.swapRequest) this.performSwap();
      const rows = spool.read(this.seq, 2000);
      if (rows.length) {
        for (const row of rows) this.processLine(row.seq, row.line);
        this.seq = rows[rows.length - 1]!.seq;
        if (this.sinceCheckpoint >= this.opts.checkpointLines || Date.now() - this.lastCheckpoint >= this.opts.checkpointMs) this.checkpoint();
        await yieldToIo();
        continue;
      }
      if (this.stopping && spool.buffered === 0 && !this.swapRequest) break;
      if (this.sinceCheckpoint > 0 && Date.now() - this.lastCheckpoint >= this.opts.checkpointMs) this.checkpoint();
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(50, this.opts.checkpointMs / 2));
        this.wake = () => { clearTimeout(t); resolve(); };
        spool.waitFor(this.seq).then(() => { clearTimeout(t); resolve(); }, resolve);
      });
      this.wake = null;
    }
    this.checkpoint();
    this.sink.close();
  }

  private processLine(seq: number, line: string): void {
    const m = this.opts.metrics;
    this.lines++;
    this.sinceCheckpoint++;
    m.linesProcessed.inc();
    const r = this.program.parse(line);
    if (!r.ok) { m.rejected.inc({ reason: r.reason }); return; }
    if (!(r.event.time < TIME_HORIZON)) { m.rejected.inc({ reason: 'time-out-of-range' }); return; } // runtime/time-guard.ts
    this.anchor = r.event.time;
    this.program.enrich(r.event, r.eventType);
    m.eventsParsed.inc();
    const lateBefore = this.reorder.late;
    for (const h of this.reorder.push({ seq, line, event: r.event, eventType: r.eventType })) this.engine.process(h.event, h.eventType);
    if (this.reorder.late > lateBefore) m.lateEvents.inc();
  }

  checkpoint(): void {
    this.sink.flush();
    const serve: ServeState = { seq: this.seq, sink: { ...this.sink.position }, reorder: this.reorder.save(), lines: this.lines, timeAnchor: this.anchor };
    const position: ServePosition = { file: 0, identity: 'serve', offset: this.seq, outputOffset: this.sink.position.offset, lines: this.lines, complete: true, serve };
    this.opts.store.save({ bundleHash: this.bundleHash, position, summary: { lines: this.lines }, state: snapshot(this.engine) });
    this.sinceCheckpoint = 0;
    this.lastCheckpoint = Date.now();
    this.opts.metrics.checkpoints.inc();
    // Rows still held by the watermark live in the checkpoint, so the spool may drop them too.
    this.opts.spool.compact(this.seq);
    this.opts.onCheckpoint?.(this.seq);
  }

  /** Stop once the spool is drained. */
  stop(): void {
    this.stopping = true;
    this.wake?.();
  }

  /**
   * Hand over to another bundle between two spool lines: checkpoint with the old one, move
   * state by identity, continue with the new one. Resolves with the swap point (the last
   * spool seq the old bundle processed).
   */
  swap(next: Loaded, migrate: Migrate): Promise<number> {
    return new Promise((done) => {
      this.swapRequest = { next, migrate, done };
      this.wake?.();
    });
  }

  private performSwap(): void {
    const req = this.swapRequest!;
    this.swapRequest = null;
    this.checkpoint();
    const engine = this.newEngine(req.next.program);
    req.migrate(this.engine, engine);
    // Held events were parsed by the old bundle: parse them again with the new one.
    this.reorder.restore(this.reorder.save(), this.reparse(req.next.program, this.reorder.save().held));
    if (this.anchor !== null) req.next.program.setTimeAnchor(this.anchor);
    this.engine = engine;
    this.program = req.next.program;
    this.bundleHash = req.next.bundleHash;
    this.checkpoint();
    req.done(this.seq);
  }
}
