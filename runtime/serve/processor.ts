// The serve loop: spooled lines in seq order → parse (with run's start-of-stream time
// look-ahead and time guard) → watermark → engine → records, with a checkpoint (engine state +
// spool seq + sink position + every held line, one SQLite transaction) every N lines or T
// seconds. What a checkpoint covers is then acknowledged upstream and compacted out of the spool.
import { setImmediate as yieldToIo } from 'node:timers/promises';
import { Engine, type RuleRecord, type ScopeRecord } from '../engine.ts';
import type { ParseOutcome, Program } from '../program.ts';
import { runPath } from '../run-path.ts';
import { checkpointState, restore, type Position, type StateStore } from '../state.ts';
import { GuardedParse, type TimeGuard } from '../time-guard.ts';
import { TimeLookahead } from '../time-lookahead.ts';
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
  /** time anchor before the first dated event (`--year`), for a state with no checkpoint */
  timeAnchor?: number;
  /** messages wait for a checkpoint to be acknowledged: checkpoint on time even with no new line */
  acksWaiting?(): boolean;
  /** so many messages wait for their acknowledgement that the source will stall: checkpoint now */
  ackPressure?(): boolean;
  /** called after each checkpoint with the highest spool seq it covers */
  onCheckpoint?(seq: number): void;
  log(message: string): void;
}

/** A held line as checkpointed: spool seq, text, why it was repaired (or null), event time. */
type SavedLine = [number, string, string | null, number];

export interface ServeState {
  seq: number;
  sink: SinkPosition;
  reorder: ReturnType<Reorder['save']>;
  lines: number;
  timeAnchor?: number | null;
  /** lines without a time held for the stream's first event; null once that event came */
  lookahead?: SavedLine[] | null;
  /** the events the time guard holds until later ones decide on a time jump (one line in older checkpoints) */
  guardHeld?: SavedLine[] | SavedLine | null;
}

export type ServePosition = Position & { serve: ServeState };

export interface Loaded {
  /** the whole program: serve writes records only, so it parses with the run path (runtime/run-path.ts) */
  program: Program;
  bundleHash: string;
}

/** Moves learned state into the engine that takes over at a swap. */
export type Migrate = (from: Engine, to: Engine) => void;

interface Tag {
  seq: number;
  line: string;
  repaired: string | null;
}

type Parsed = Extract<ParseOutcome, { ok: true }>;

export class Processor {
  engine: Engine;
  /** the loaded program's run path: serve's sinks (records, alerts) read nothing else */
  program: Program;
  bundleHash: string;
  /** highest spool seq taken in (processed, or held by the look-ahead, time guard or watermark) */
  seq = 0;
  lines = 0;
  lastCheckpoint = Date.now();
  /** highest spool seq the last checkpoint covers (what a restart resumes after) */
  checkpointedSeq = 0;
  /** the parser's time anchor (last event time built): stream state, checkpointed */
  private anchor: number | null = null;
  private sink: JsonlSink;
  private reorder: Reorder;
  private lookahead: TimeLookahead<Tag> | null;
  private lookaheadHeld: Tag[] = [];
  /** parses so that a quarantined time does not move the parser's clock (per engine: the guard is the engine's) */
  private guardedParse!: GuardedParse;
  /** why the bytes of the line whose event is being processed were replaced */
  private repaired: string | null = null;
  private sinceCheckpoint = 0;
  private stopping = false;
  private swapRequest: { next: Loaded; migrate: Migrate; done: (seq: number) => void; failed: (e: Error) => void } | null = null;
  private wake: (() => void) | null = null;

  constructor(loaded: Loaded, private readonly opts: ProcessorOptions, migrateFrom?: (saved: Record<string, unknown>, savedHash: string, engine: Engine) => void) {
    this.program = runPath(loaded.program);
    this.bundleHash = loaded.bundleHash;
    this.engine = this.newEngine(this.program);
    this.guardedParse = new GuardedParse(this.program, this.engine.timeGuard);
    this.reorder = new Reorder(opts.latenessMs);
    this.lookahead = this.newLookahead(this.program);
    const checkpoint = opts.store.load();
    const position = checkpoint?.position as ServePosition | undefined;
    if (checkpoint && !position?.serve) throw new Error('this state was written by `uebac run`, not `uebac serve`; give serve its own --state');
    if (checkpoint && position) {
      const state = checkpoint.state as Record<string, unknown>;
      if (checkpoint.bundleHash === this.bundleHash) restore(this.engine, state);
      else if (migrateFrom) migrateFrom(state, checkpoint.bundleHash, this.engine);
      else throw new Error('the state was written by a different bundle');
      const s = position.serve;
      this.seq = s.seq;
      this.checkpointedSeq = s.seq;
      this.lines = s.lines;
      this.anchor = s.timeAnchor ?? null;
      this.sink = new JsonlSink(opts.outDir, opts.rotateBytes, opts.rotateMs, s.sink);
      // A checkpoint from before the look-ahead was kept: the stream had started if it had an anchor.
      this.rebuildHolds(this.program, s.reorder, guardLines(s.guardHeld), s.lookahead !== undefined ? s.lookahead : this.anchor === null ? [] : null);
      opts.log(`resumed from the checkpoint after spool line ${this.seq} (${this.lines} lines processed so far)`);
    } else {
      if (opts.timeAnchor !== undefined) { this.anchor = opts.timeAnchor; this.program.setTimeAnchor(opts.timeAnchor); }
      this.sink = new JsonlSink(opts.outDir, opts.rotateBytes, opts.rotateMs, null);
    }
    // Evictions are counted from here on (the restored totals are earlier processes').
    opts.metrics.countEvictions(this.engine);
  }

  private newLookahead(program: Program): TimeLookahead<Tag> {
    return new TimeLookahead<Tag>((text) => (program === this.program ? this.guardedParse.parse(text) : program.parse(text)));
  }

  private newEngine(program: Program): Engine {
    const m = this.opts.metrics;
    return new Engine(program, {
      rule: (r: RuleRecord) => {
        if (this.repaired) r.repaired = this.repaired;
        this.sink.write(JSON.stringify(r) + '\n');
        m.rulesFired.inc();
      },
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
    return this.reorder.size + this.lookaheadHeld.length + this.guard.pending.length;
  }

  /** Events the time guard holds after a far-ahead time (kept in every checkpoint). */
  get timeGuardHeld(): number {
    return this.guard.pending.length;
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
        for (const row of rows) {
          this.processLine({ seq: row.seq, line: row.line, repaired: row.repaired });
          this.seq = row.seq;
          if (this.sink.buffered > 1 << 16) this.sink.flush(this.reorder.maxTime);
        }
        if (this.sinceCheckpoint >= this.opts.checkpointLines || Date.now() - this.lastCheckpoint >= this.opts.checkpointMs || this.opts.ackPressure?.()) this.checkpoint();
        await yieldToIo();
        continue;
      }
      if (this.stopping && spool.buffered === 0 && !this.swapRequest) break;
      if ((this.sinceCheckpoint > 0 || this.opts.acksWaiting?.()) && (Date.now() - this.lastCheckpoint >= this.opts.checkpointMs || this.opts.ackPressure?.())) this.checkpoint();
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(50, this.opts.checkpointMs / 2));
        this.wake = () => { clearTimeout(t); resolve(); };
        spool.waitFor(this.seq).then(() => { clearTimeout(t); resolve(); }, resolve);
      });
      this.wake = null;
    }
    this.checkpoint();
    this.sink.close(this.reorder.maxTime);
  }

  private processLine(tag: Tag): void {
    const m = this.opts.metrics;
    this.lines++;
    this.sinceCheckpoint++;
    m.linesProcessed.inc();
    if (tag.repaired) m.repaired.inc({ reason: tag.repaired });
    this.parseLine(tag);
  }

  /** Parse through the start-of-stream look-ahead (runtime/time-lookahead.ts), as `run` does. */
  private parseLine(tag: Tag): void {
    const la = this.lookahead;
    if (!la) { this.settle(this.guardedParse.parse(tag.line), tag); return; }
    const before = la.pending;
    let dated = false;
    la.push(tag.line, tag, (r, t) => { if (r.ok) dated = true; this.settle(r, t); });
    if (la.pending > before) this.lookaheadHeld.push(tag);
    else if (la.pending === 0) {
      this.lookaheadHeld = [];
      // A dated line, or an overflow of the hold: from now on nothing is held (as in `run`).
      if (dated || before > 0) this.lookahead = null;
    }
  }

  private readonly settle = (r: ParseOutcome, tag: Tag): void => {
    if (!r.ok) { this.opts.metrics.rejected.inc({ reason: r.reason }); return; }
    // A time far ahead of the stream is held until later events decide (runtime/time-guard.ts).
    this.guard.offer({ r, tag }, r.event, this.accept, (reason) => this.opts.metrics.rejected.inc({ reason }));
  };

  private get guard(): TimeGuard<{ r: Parsed; tag: Tag }> {
    return this.engine.timeGuard as TimeGuard<{ r: Parsed; tag: Tag }>;
  }

  private guardLines(): SavedLine[] {
    return this.guard.pending.map(({ r, tag }): SavedLine => [tag.seq, tag.line, tag.repaired, r.event.time]);
  }

  private readonly accept = ({ r, tag }: { r: Parsed; tag: Tag }): void => {
    this.anchor = r.event.time;
    this.program.enrich(r.event, r.eventType);
    this.opts.metrics.eventsParsed.inc();
    const lateBefore = this.reorder.late;
    for (const h of this.reorder.push({ seq: tag.seq, line: tag.line, repaired: tag.repaired, event: r.event, eventType: r.eventType })) this.processHeld(h);
    if (this.reorder.late > lateBefore) this.opts.metrics.lateEvents.inc();
  };

  private processHeld(h: Held): void {
    this.repaired = h.repaired;
    this.engine.process(h.event, h.eventType);
    this.repaired = null;
  }

  /**
   * Put back what was held at a checkpoint (after a restart) or by the old bundle (at a swap),
   * parsed by `program`. Each line is parsed with the anchor at its own event time, so a
   * header without a year lands where it did the first time.
   */
  private rebuildHolds(program: Program, reorder: ReturnType<Reorder['save']>, guardHeld: SavedLine[], lookahead: SavedLine[] | null): void {
    const held: Held[] = [];
    for (const [seq, line, time, repaired] of reorder.held) {
      program.setTimeAnchor(time);
      const r = program.parse(line);
      if (r.ok) { program.enrich(r.event, r.eventType); held.push({ seq, line, repaired: repaired ?? null, event: r.event, eventType: r.eventType }); }
    }
    this.reorder.restore(reorder, held);
    for (const [seq, line, repaired, time] of guardHeld) {
      program.setTimeAnchor(time, time);
      this.settle(program.parse(line), { seq, line, repaired });
    }
    program.setTimeAnchor(this.anchor);
    this.guardedParse.clock = this.anchor;
    this.lookaheadHeld = [];
    this.lookahead = lookahead === null ? null : this.newLookahead(program);
    for (const [seq, line, repaired] of lookahead ?? []) this.parseLine({ seq, line, repaired });
  }

  checkpoint(): void {
    const t = this.reorder.maxTime;
    this.sink.flush(t);
    const saveLine = (tag: Tag, time: number): SavedLine => [tag.seq, tag.line, tag.repaired, time];
    const serve: ServeState = {
      seq: this.seq,
      sink: { ...this.sink.position },
      reorder: this.reorder.save(),
      lines: this.lines,
      timeAnchor: this.anchor,
      lookahead: this.lookahead ? this.lookaheadHeld.map((h) => saveLine(h, 0)) : null,
      guardHeld: this.guardLines(),
    };
    const position: ServePosition = { file: 0, identity: 'serve', offset: this.seq, outputOffset: this.sink.position.offset, lines: this.lines, complete: true, serve };
    this.opts.store.save({ bundleHash: this.bundleHash, position, summary: { lines: this.lines }, state: checkpointState(this.engine) });
    this.sinceCheckpoint = 0;
    this.lastCheckpoint = Date.now();
    this.checkpointedSeq = this.seq;
    this.opts.metrics.checkpoints.inc();
    this.opts.metrics.countEvictions(this.engine);
    // Held lines live in the checkpoint, so the spool may drop them too.
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
    return new Promise((done, failed) => {
      this.swapRequest = { next, migrate, done, failed };
      this.wake?.();
    });
  }

  private performSwap(): void {
    const req = this.swapRequest!;
    this.swapRequest = null;
    const program = runPath(req.next.program);
    let engine: Engine;
    try {
      engine = this.newEngine(program);
      req.migrate(this.engine, engine);
    } catch (e) {
      req.failed(e as Error); // the old bundle keeps running
      return;
    }
    this.checkpoint();
    const saved = { reorder: this.reorder.save(), guard: this.guardLines(), lookahead: this.lookahead ? this.lookaheadHeld.map((h): SavedLine => [h.seq, h.line, h.repaired, 0]) : null };
    this.engine = engine;
    this.opts.metrics.countEvictions(engine); // the new engine's totals (migrated state) are the starting point
    this.program = program;
    this.bundleHash = req.next.bundleHash;
    this.guardedParse = new GuardedParse(this.program, this.engine.timeGuard);
    // Held lines were parsed by the old bundle: the new one parses them again.
    this.rebuildHolds(this.program, saved.reorder, saved.guard, saved.lookahead);
    this.checkpoint();
    req.done(this.seq);
  }
}

/** Held time-guard lines of a checkpoint: a list, or the single line older checkpoints kept. */
function guardLines(saved: SavedLine[] | SavedLine | null | undefined): SavedLine[] {
  if (!saved || saved.length === 0) return [];
  return Array.isArray(saved[0]) ? (saved as SavedLine[]) : [saved as SavedLine];
}
