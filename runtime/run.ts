// The streaming run: lines → parse → enrich → engine → JSONL, with periodic checkpoints of
// state + input position + output offset in one SQLite transaction.
import type { Hash } from 'node:crypto';
import { statSync } from 'node:fs';
import { Engine, type RuleRecord, type ScopeRecord } from './engine.ts';
import { absolute, consumedRecord, hashPrefix, InputChangedError, planInput, rememberConsumed, STDIN, type ConsumedInput, type InputPlan } from './inputs.ts';
import { evictionCounts, evictionsSince, noEvictions, type EvictionCounts } from './evictions.ts';
import { headerRecord, scopeLine, summaryRecord } from './records.ts';
import { lineCapBytes, readLines } from './lines.ts';
import { regexGuardCounters, resetRegexGuardCounters } from './regex-guard.ts';
import { openOutput, type Output } from './output.ts';
import type { Event, Program } from './program.ts';
import type { HoldLimits } from './time-lookahead.ts';
import { EventOrder, type Parsed } from './event-order.ts';
import { runPath } from './run-path.ts';
import { checkpointState, restore, StateStore, type Position } from './state.ts';

export interface RunOptions {
  inputs: string[];
  /** output path, or null for stdout */
  out: string | null;
  /** SQLite path, or ':memory:' for no persistence */
  state: string;
  /** crash recovery: finish the interrupted batch recorded in the state, over the same inputs */
  resume: boolean;
  /** discard whatever the state holds and start over */
  fresh?: boolean;
  /** close every open session and sequence at the end (always so without a persistent state) */
  finish?: boolean;
  bundleHash: string;
  checkpointEvents?: number;
  checkpointSeconds?: number;
  /** After each chunk of lines: the summary so far and where reading is (input index, bytes of it consumed). */
  onProgress?(s: RunSummary, at: { input: number; offset: number }): void;
  /** Called for every event after scoring (used by `uebac explain`). */
  onEvent?(ev: Event, session: string | null, sessionScore: number): void;
  /** Called for every rule record. */
  onRule?(r: RuleRecord): void;
  /** Histogram bins copied into model rule evidence (default runtime/evidence.ts). */
  evidenceBins?: number;
  /** Time anchor for RFC 3164 headers without a year before the first dated event (epoch ms). */
  timeAnchor?: number;
  /** Bound on lines without a time held for the stream's first event (default DEFAULT_HOLD). */
  hold?: HoldLimits;
}

export interface NotableSummary {
  id: string;
  user: string;
  score: number;
  start: string;
  end: string;
  top: Array<{ rule: string; score: number; reason: string }>;
}

export interface RunSummary {
  lines: number;
  events: number;
  rejected: Record<string, number>;
  rulesFired: number;
  rulesFiredById: Record<string, number>;
  sessions: number;
  notable: NotableSummary[];
  notableAssets: Array<{ id: string; asset: string; score: number }>;
  /** the same as evicted.sessions / evicted.bins (kept for readers of older summaries) */
  evictedSessions: number;
  evictedBins: number;
  /** entries dropped at the memory caps in this batch, by kind (runtime/evictions.ts) */
  evicted: EvictionCounts;
  /** Guarded regex calls over the time budget (runtime/regex-guard.ts): the events are kept, the cost is reported. */
  regexOverBudget: number;
  resumedFrom: number | null;
  /** sessions left open in the state for the next batch (closed by later input or --finish) */
  openSessions: number;
  /** per-input notes: continued after a consumed prefix, skipped as already consumed */
  notes: string[];
  /** Events whose payload had no time, by where the time came from (syslog-header, previous-event, next-event). */
  timeFrom: Record<string, number>;
  /** Lines kept with replaced bytes, by reason (invalid-utf8); their rule records say `repaired`. */
  repaired: Record<string, number>;
}

function identity(path: string): string {
  if (path === STDIN) return 'stdin';
  const st = statSync(path);
  return `${path}:${st.ino}:${st.dev}`;
}

function emptySummary(): RunSummary {
  return { lines: 0, events: 0, rejected: {}, rulesFired: 0, rulesFiredById: {}, sessions: 0, notable: [], notableAssets: [], evictedSessions: 0, evictedBins: 0, evicted: noEvictions(), regexOverBudget: 0, resumedFrom: null, openSessions: 0, notes: [], timeFrom: {}, repaired: {} };
}

/**
 * One batch over `opts.inputs`. With a persistent state the batch continues from what the
 * state learned (incremental batches): inputs consumed before are recognised by identity and
 * content, and open sessions stay open for the next batch unless `finish` is set.
 */
export async function runPipeline(program: Program, opts: RunOptions): Promise<RunSummary> {
  // A caller that sees every event (`onEvent`, e.g. explain) keeps the whole mapping.
  program = opts.onEvent ? program : runPath(program);
  const store = opts.state === ':memory:' ? null : new StateStore(opts.state, { fresh: opts.fresh });
  try {
    return await runBatch(program, opts, store);
  } finally {
    store?.close();
  }
}

async function runBatch(program: Program, opts: RunOptions, store: StateStore | null): Promise<RunSummary> {
  const batch = opts.inputs.map(absolute);
  const dup = batch.find((p, i) => p !== STDIN && batch.indexOf(p) !== i);
  if (dup) throw new InputChangedError(`${dup} is given twice`);
  const pendingReasons = new Map<string, Array<{ rule: string; score: number; reason: string }>>();
  let summary = emptySummary();
  // The parser's time anchor (last event time) is stream state: checkpointed, restored below.
  let anchor: number | null = opts.timeAnchor ?? null;
  if (opts.timeAnchor !== undefined) program.setTimeAnchor(opts.timeAnchor);
  let out: Output;
  // Where the current line came from, stamped on rule records (they are emitted only while
  // the line's event is processed).
  let sourceFile = '';
  let sourceLine = 0;
  /** Why the current line's bytes were replaced, if they were. */
  let repaired: string | undefined;
  const sink = {
    event: opts.onEvent,
    rule(r: RuleRecord) {
      r.source = { file: sourceFile, line: sourceLine };
      if (repaired) r.repaired = repaired;
      opts.onRule?.(r);
      out.write(JSON.stringify(r) + '\n');
      summary.rulesFired++;
      summary.rulesFiredById[r.rule] = (summary.rulesFiredById[r.rule] ?? 0) + 1;
      if (r.session && r.asset === undefined) {
        const list = pendingReasons.get(r.session) ?? [];
        list.push({ rule: r.rule, score: r.score, reason: r.reason });
        pendingReasons.set(r.session, list);
      }
    },
    scope(s: ScopeRecord) {
      out.write(scopeLine(s) + '\n');
      if (s.type === 'session') {
        summary.sessions++;
        // Reasons are kept only for sessions a rule scored (their rules list is not empty).
        if (s.rules.length === 0 && !s.notable) return;
        const reasons = pendingReasons.get(s.id) ?? [];
        pendingReasons.delete(s.id);
        if (s.notable) summary.notable.push({ id: s.id, user: s.user!, score: s.score, start: s.start, end: s.end, top: [...reasons].sort((a, b) => b.score - a.score || (a.rule < b.rule ? -1 : 1)).slice(0, 3) });
      } else if (s.notable) summary.notableAssets.push({ id: s.id, asset: s.asset!, score: s.score });
    },
  };
  const engine = new Engine(program, sink, { evidenceBins: opts.evidenceBins });
  resetRegexGuardCounters();
  // A time far ahead of the stream is quarantined (runtime/time-guard.ts): each event carries
  // where it came from, since the guard may hold it while later lines are read.
  type At = { file: string; line: number; repaired?: string; text: string };
  const accept = (r: Parsed, at: At) => {
    sourceFile = at.file;
    sourceLine = at.line;
    repaired = at.repaired;
    anchor = r.event.time;
    engine.process(r.event, r.eventType);
    summary.events++;
    const from = r.event.time_source;
    if (typeof from === 'string') summary.timeFrom[from] = (summary.timeFrom[from] ?? 0) + 1;
  };
  const reject = (reason: string) => { summary.rejected[reason] = (summary.rejected[reason] ?? 0) + 1; };
  // The stream's order (runtime/event-order.ts): look-ahead for lines without a time, the
  // engine's time guard, enrich.
  const order = new EventOrder<At>(program, accept, reject, { guard: engine.timeGuard, hold: opts.hold });
  const overBudgetBefore = () => summary.regexOverBudget;

  let checkpoint = store ? store.load() : null;
  if (checkpoint && opts.fresh) { store!.clear(); checkpoint = null; }
  if (checkpoint && checkpoint.bundleHash !== opts.bundleHash) throw new Error('the state was written by a different bundle; start over with --fresh (or use another --state)');
  const complete = checkpoint ? (checkpoint.position.complete ?? checkpoint.position.file >= opts.inputs.length) : true;
  if (checkpoint && complete && opts.resume) {
    // Nothing was interrupted: leave state and output exactly as the completed run left them.
    const done = { ...emptySummary(), ...(checkpoint.summary as RunSummary) };
    done.resumedFrom = checkpoint.position.lines;
    done.notes = ['the last run over this state completed; nothing to resume'];
    return done;
  }
  if (checkpoint && !complete && !opts.resume) {
    const p = checkpoint.position;
    throw new Error(`the state holds an interrupted run (stopped after line ${p.lines}, in ${p.batch?.[p.file] ?? `input #${p.file + 1}`}); finish it with --resume and the same inputs, or start over with --fresh`);
  }
  if (checkpoint) {
    restore(engine, checkpoint.state as Record<string, unknown>);
    const saved = (checkpoint.state as { timeAnchor?: number | null }).timeAnchor;
    if (typeof saved === 'number') { anchor = saved; program.setTimeAnchor(saved); }
    for (const [k, v] of ((checkpoint.state as { pendingReasons?: [string, never][] }).pendingReasons ?? [])) pendingReasons.set(k, v);
  }
  const guardHeld = (checkpoint?.state as { timeGuard?: { held: Array<[string, number, string | null, string, number]>; clock: number | null } } | undefined)?.timeGuard;
  let consumed: ConsumedInput[] = checkpoint?.position.consumed ?? [];
  const resuming = checkpoint !== null && !complete;

  let position: Position;
  const plans: Array<InputPlan | null> = [];
  if (resuming) {
    const p = checkpoint!.position;
    if (p.batch && (p.batch.length !== batch.length || p.batch.some((x, i) => x !== batch[i]))) throw new Error(`cannot resume: the interrupted run was over ${p.batch.join(', ')}; give the same inputs`);
    const current = opts.inputs[p.file];
    if (p.file < opts.inputs.length && (current === undefined || identity(current) !== p.identity)) throw new Error(`cannot resume: input #${p.file + 1} is not the file the checkpoint was taken on`);
    summary = { ...emptySummary(), ...(checkpoint!.summary as RunSummary) };
    position = p;
    summary.resumedFrom = position.lines;
    if (current !== undefined) {
      if (current === STDIN) throw new Error('cannot resume standard input: it cannot be read again; start over with --fresh');
      const { hash, bytes } = await hashPrefix(current, p.offset);
      const digest = hash.copy().digest('hex');
      if (bytes < p.offset || (p.sha256 !== undefined && digest !== p.sha256)) throw new InputChangedError(`cannot resume: ${current} changed since the checkpoint (${bytes < p.offset ? `it is shorter than the ${p.offset} bytes already read` : 'the bytes already read differ'}); start over with --fresh`);
      plans[p.file] = { kind: 'continue', path: current, start: p.offset, hash, lines: p.fileLines ?? 0 };
    }
  } else {
    position = { file: 0, identity: '', offset: 0, outputOffset: 0, lines: 0, complete: false, batch, consumed, base: { sessionsEvicted: engine.counters.sessionsEvicted, evictedBins: engine.models.counters.evictedBins, evictions: evictionCounts(engine) } };
  }
  // Check every remaining input before reading any, so a changed file refuses the batch up front.
  for (let f = position.file; f < opts.inputs.length; f++) if (!plans[f]) plans[f] = await planInput(opts.inputs[f]!, consumed);

  out = openOutput(opts.out, resuming ? position.outputOffset : null);
  if (!resuming) out.write(JSON.stringify(headerRecord(program, opts.bundleHash, opts.inputs)) + '\n');
  // Lines the time guard held at the checkpoint: parsed again (each at its own time) and offered first.
  if (guardHeld?.held.length) {
    for (const [file, line, why, text, time] of guardHeld.held) {
      program.setTimeAnchor(time, time);
      const r = program.parse(text);
      if (r.ok) order.offer(r, { file, line, text, ...(why ? { repaired: why } : {}) });
    }
    order.restoreClock(guardHeld.clock);
  }

  const everyEvents = opts.checkpointEvents ?? 50_000;
  const everyMs = (opts.checkpointSeconds ?? 5) * 1000;
  let sinceCheckpoint = 0;
  let lastCheckpoint = Date.now();
  let hash: Hash | null = null;
  const save = () => {
    if (!store) return;
    out.flush();
    position.outputOffset = out.offset;
    position.consumed = consumed;
    if (hash) position.sha256 = hash.copy().digest('hex');
    const timeGuard = { held: order.guard.pending.map(({ r, tag: at }) => [at.file, at.line, at.repaired ?? null, at.text, r.event.time]), clock: order.clock };
    store.save({ bundleHash: opts.bundleHash, position, summary, state: checkpointState(engine, { pendingReasons: [...pendingReasons], timeAnchor: anchor, timeGuard }) });
    sinceCheckpoint = 0;
    lastCheckpoint = Date.now();
  };

  for (let f = position.file; f < opts.inputs.length; f++) {
    const path = opts.inputs[f]!;
    const plan = plans[f]!;
    if (plan.kind === 'consumed') {
      summary.notes.push(`${path}: already consumed (${plan.previous.lines} lines), skipped`);
      continue;
    }
    if (f !== position.file || !resuming) position = { ...position, file: f, identity: identity(path), offset: plan.start, fileLines: plan.lines };
    sourceFile = path;
    let fileLine = position.fileLines ?? 0;
    // Only a state records which bytes were consumed: without one the input is not hashed.
    hash = store ? plan.hash : null;
    const linesBefore = summary.lines;
    for await (const chunk of readLines(path, position.offset, hash ?? undefined, { maxLineBytes: lineCapBytes(Math.max(program.settings.maxFieldLength, 65536)) })) {
      for (const line of chunk) {
        summary.lines++;
        if (line.repaired) summary.repaired[line.repaired] = (summary.repaired[line.repaired] ?? 0) + 1;
        order.push(line.text, { file: path, line: ++fileLine, repaired: line.repaired, text: line.text });
        position.offset = line.end;
        position.lines = summary.lines;
        position.fileLines = (position.fileLines ?? 0) + 1;
        sinceCheckpoint++;
      }
      // Not while the look-ahead holds lines (they would not be read again); the time guard's are in the state.
      if (store && order.pending === 0 && (sinceCheckpoint >= everyEvents || Date.now() - lastCheckpoint >= everyMs)) save();
      opts.onProgress?.(summary, { input: f, offset: position.offset });
    }
    if (plan.kind === 'continue' && !resuming) summary.notes.push(summary.lines === linesBefore ? `${path}: already consumed (${plan.lines} lines), skipped` : `${path}: continued after the ${plan.lines} lines consumed earlier`);
    if (hash) consumed = rememberConsumed(consumed, consumedRecord(path, position.offset, hash, position.fileLines ?? 0));
    hash = null;
  }
  order.endLines();
  // Where the stream really ends, an unconfirmed jump is rejected and what it held processed;
  // otherwise the held events wait in the state for the next batch.
  if (!store || opts.finish) order.flush();
  else if (order.guard.holding) summary.notes.push(`${order.guard.pending.length} events after a time jump wait in the state for the next batch (runtime/time-guard.ts)`);
  if (!store || opts.finish) engine.finish();
  // This batch's evictions: the engine's totals less those when the batch started (a
  // checkpoint from an older version recorded fewer kinds; those count from zero).
  const base = position.base;
  summary.evicted = evictionsSince(evictionCounts(engine), base?.evictions ?? { sessions: base?.sessionsEvicted, bins: base?.evictedBins, ...base?.caps });
  summary.evictedSessions = summary.evicted.sessions;
  summary.evictedBins = summary.evicted.bins;
  summary.openSessions = engine.sessions.size;
  summary.regexOverBudget = overBudgetBefore() + Object.values(regexGuardCounters().overBudget).reduce((x, y) => x + y, 0);
  out.flush();
  if (store) {
    position = { ...position, file: opts.inputs.length, offset: 0, complete: true, sha256: undefined, fileLines: undefined };
    save();
  }
  // After the last checkpoint: a resumed run truncates it and writes it again, so it appears once.
  out.write(JSON.stringify(summaryRecord(summary)) + '\n');
  out.close();
  return summary;
}
