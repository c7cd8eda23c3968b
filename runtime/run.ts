// The streaming run: lines → parse → enrich → engine → JSONL, with periodic checkpoints of
// state + input position + output offset in one SQLite transaction.
import { closeSync, ftruncateSync, openSync, statSync, writeSync } from 'node:fs';
import { Engine, type RuleRecord, type ScopeRecord } from './engine.ts';
import { readLines } from './lines.ts';
import { regexGuardCounters, resetRegexGuardCounters } from './regex-guard.ts';
import type { Event, Program } from './program.ts';
import { restore, snapshot, StateStore, type Position } from './state.ts';

export interface RunOptions {
  inputs: string[];
  /** output path, or null for stdout */
  out: string | null;
  /** SQLite path, or ':memory:' for no persistence */
  state: string;
  resume: boolean;
  bundleHash: string;
  checkpointEvents?: number;
  checkpointSeconds?: number;
  onProgress?(s: RunSummary): void;
  /** Called for every event after scoring (used by `uebac explain`). */
  onEvent?(ev: Event, session: string | null, sessionScore: number): void;
  /** Called for every rule record. */
  onRule?(r: RuleRecord): void;
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
  evictedSessions: number;
  evictedBins: number;
  /** Guarded regex calls over the time budget (runtime/regex-guard.ts): the events are kept, the cost is reported. */
  regexOverBudget: number;
  resumedFrom: number | null;
}

class Output {
  private buf: string[] = [];
  private size = 0;
  offset: number;
  constructor(private readonly fd: number, offset: number) {
    this.offset = offset;
  }
  write(line: string): void {
    this.buf.push(line);
    this.size += line.length;
    if (this.size > 1 << 16) this.flush();
  }
  flush(): void {
    if (!this.buf.length) return;
    const data = Buffer.from(this.buf.join(''), 'utf8');
    let written = 0;
    while (written < data.length) written += writeSync(this.fd, data, written, data.length - written, this.fd === 1 ? null : this.offset + written);
    this.offset += data.length;
    this.buf = [];
    this.size = 0;
  }
}

function identity(path: string): string {
  if (path === '-') return 'stdin';
  const st = statSync(path);
  return `${path}:${st.ino}:${st.dev}`;
}

export async function runPipeline(program: Program, opts: RunOptions): Promise<RunSummary> {
  const store = opts.state === ':memory:' ? null : new StateStore(opts.state);
  const pendingReasons = new Map<string, Array<{ rule: string; score: number; reason: string }>>();
  const summary: RunSummary = { lines: 0, events: 0, rejected: {}, rulesFired: 0, rulesFiredById: {}, sessions: 0, notable: [], notableAssets: [], evictedSessions: 0, evictedBins: 0, regexOverBudget: 0, resumedFrom: null };
  let out: Output;
  const sink = {
    event: opts.onEvent,
    rule(r: RuleRecord) {
      opts.onRule?.(r);
      out.write(JSON.stringify(r) + '\n');
      if (r.session && r.asset === undefined) {
        const list = pendingReasons.get(r.session) ?? [];
        list.push({ rule: r.rule, score: r.score, reason: r.reason });
        pendingReasons.set(r.session, list);
      }
    },
    scope(s: ScopeRecord) {
      out.write(JSON.stringify(s) + '\n');
      if (s.type === 'session') {
        const reasons = pendingReasons.get(s.id) ?? [];
        pendingReasons.delete(s.id);
        if (s.notable) summary.notable.push({ id: s.id, user: s.user!, score: s.score, start: s.start, end: s.end, top: [...reasons].sort((a, b) => b.score - a.score || (a.rule < b.rule ? -1 : 1)).slice(0, 3) });
      } else if (s.notable) summary.notableAssets.push({ id: s.id, asset: s.asset!, score: s.score });
    },
  };
  const engine = new Engine(program, sink);
  resetRegexGuardCounters();
  const overBudgetBefore = () => summary.regexOverBudget;

  let position: Position = { file: 0, identity: opts.inputs[0] ? identity(opts.inputs[0]) : '', offset: 0, outputOffset: 0, lines: 0 };
  const checkpoint = store && opts.resume ? store.load() : null;
  if (store && !opts.resume) store.clear();
  if (checkpoint) {
    if (checkpoint.bundleHash !== opts.bundleHash) throw new Error('the state was written by a different bundle; run without --resume (or with a fresh --state) to start over');
    const expected = opts.inputs[checkpoint.position.file];
    if (checkpoint.position.file < opts.inputs.length && (expected === undefined || identity(expected) !== checkpoint.position.identity)) throw new Error(`cannot resume: input #${checkpoint.position.file + 1} is not the file the checkpoint was taken on`);
    restore(engine, checkpoint.state as Record<string, unknown>);
    Object.assign(summary, checkpoint.summary);
    position = checkpoint.position;
    summary.resumedFrom = position.lines;
  }
  const fd = opts.out === null ? 1 : openSync(opts.out, checkpoint ? 'r+' : 'w');
  if (opts.out !== null && checkpoint) ftruncateSync(fd, position.outputOffset);
  out = new Output(fd, position.outputOffset);

  const everyEvents = opts.checkpointEvents ?? 50_000;
  const everyMs = (opts.checkpointSeconds ?? 5) * 1000;
  let sinceCheckpoint = 0;
  let lastCheckpoint = Date.now();
  const save = () => {
    if (!store) return;
    out.flush();
    position.outputOffset = out.offset;
    store.save({ bundleHash: opts.bundleHash, position, summary, state: { ...(snapshot(engine) as object), pendingReasons: [...pendingReasons] } });
    sinceCheckpoint = 0;
    lastCheckpoint = Date.now();
  };
  if (checkpoint) for (const [k, v] of ((checkpoint.state as { pendingReasons?: [string, never][] }).pendingReasons ?? [])) pendingReasons.set(k, v);

  for (let f = position.file; f < opts.inputs.length; f++) {
    const path = opts.inputs[f]!;
    if (f === position.file && checkpoint && identity(path) !== position.identity) throw new Error(`cannot resume: ${path} changed since the checkpoint`);
    if (f !== position.file) position = { ...position, file: f, identity: identity(path), offset: 0 };
    for await (const batch of readLines(path, position.offset)) {
      for (const line of batch) {
        summary.lines++;
        const r = program.parse(line.text);
        if (r.ok) {
          program.enrich(r.event, r.eventType);
          engine.process(r.event, r.eventType);
          summary.events++;
        } else {
          summary.rejected[r.reason] = (summary.rejected[r.reason] ?? 0) + 1;
        }
        position.offset = line.end;
        position.lines = summary.lines;
        sinceCheckpoint++;
      }
      if (store && (sinceCheckpoint >= everyEvents || Date.now() - lastCheckpoint >= everyMs)) save();
      opts.onProgress?.(summary);
    }
  }
  engine.finish();
  summary.rulesFired = engine.counters.rulesFired;
  summary.sessions = engine.counters.sessionsClosed;
  summary.evictedSessions = engine.counters.sessionsEvicted;
  summary.evictedBins = engine.models.counters.evictedBins;
  summary.regexOverBudget = overBudgetBefore() + Object.values(regexGuardCounters().overBudget).reduce((a, b) => a + b, 0);
  program.rules.forEach((r, i) => { if (engine.firedByRule[i]) summary.rulesFiredById[r.id] = engine.firedByRule[i]!; });
  out.flush();
  if (store) {
    position.outputOffset = out.offset;
    position.file = opts.inputs.length;
    position.offset = 0;
    save();
    store.close();
  }
  if (opts.out !== null) closeSync(fd);
  return summary;
}
