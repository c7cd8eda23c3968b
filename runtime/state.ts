// Crash-safe state: the engine's working state lives in memory and is checkpointed to
// SQLite (WAL) in one transaction together with the input position and output offset, so
// a killed run resumes with no event lost and none counted twice.
import Database from 'better-sqlite3';
import type { Engine, Scope } from './engine.ts';
import type { ConsumedInput } from './inputs.ts';
import { Instance } from './models.ts';

export interface Position {
  /** index into the list of input files */
  file: number;
  /** identity of that file: path, size at start, inode */
  identity: string;
  offset: number;
  outputOffset: number;
  lines: number;
  /** false while a batch is being read (crash recovery with --resume); true once it ended */
  complete?: boolean;
  /** this batch's inputs (absolute paths): --resume must be given the same */
  batch?: string[];
  /** sha256 of the bytes of the current input consumed so far (from its first byte) */
  sha256?: string;
  /** lines of the current input consumed so far (from its first line) */
  fileLines?: number;
  /** every input consumed since the state was created (input identity) */
  consumed?: ConsumedInput[];
  /** engine eviction counters when this batch started (the summary reports this batch's) */
  base?: { sessionsEvicted: number; evictedBins: number };
}

export interface Checkpoint {
  bundleHash: string;
  position: Position;
  summary: unknown;
  state: unknown;
}

type Json = unknown;

function scopeToJson(s: Scope): Json {
  return {
    ...s,
    fired: [...s.fired],
    counters: s.counters.map((c) => (c === undefined ? null : c instanceof Map ? { m: [...c] } : c instanceof Set ? { s: [...c] } : { t: (c as { total: number }).total })),
    pending: s.pending ? [...s.pending] : undefined,
    types: s.types ? [...s.types] : undefined,
  };
}

function scopeFromJson(j: Record<string, unknown>): Scope {
  const counters = (j.counters as Array<Record<string, unknown> | null>).map((c) => (c === null ? undefined : 'm' in c ? new Map(c.m as [string, number][]) : 's' in c ? new Set(c.s as string[]) : { total: c.t as number }));
  return {
    ...(j as unknown as Scope),
    fired: new Set(j.fired as number[]),
    counters,
    pending: j.pending ? new Map(j.pending as [number, { scope: never; feature: never }][]) : undefined,
    types: j.types ? new Set(j.types as number[]) : undefined,
  };
}

export function snapshot(engine: Engine): Json {
  return {
    sessions: [...engine.sessions.values()].map(scopeToJson),
    sequences: [...engine.sequences.values()].map(scopeToJson),
    assets: [...engine.assets.values()].map(scopeToJson),
    history: [...engine.history],
    lastSession: [...engine.lastSession],
    counters: engine.counters,
    firedByRule: engine.firedByRule,
    models: engine.models.instances.map((m) => [...m].map(([scope, inst]) => [scope, inst.n, inst.sum, inst.sumSq, inst.agedDay, [...inst.bins]])),
    anywhere: engine.models.anywhere.map((m) => [...m]),
    modelCounters: engine.models.counters,
    internal: engine.internalState(),
  };
}

export function restore(engine: Engine, j: Record<string, unknown>): void {
  for (const s of j.sessions as Record<string, unknown>[]) { const sc = scopeFromJson(s); engine.sessions.set(sc.entity, sc); }
  for (const s of j.sequences as Record<string, unknown>[]) { const sc = scopeFromJson(s); engine.sequences.set(sc.entity, sc); }
  for (const s of j.assets as Record<string, unknown>[]) { const sc = scopeFromJson(s); engine.assets.set(sc.entity, sc); }
  for (const [k, v] of j.history as [string, number[]][]) engine.history.set(k, v);
  for (const [k, v] of j.lastSession as [string, { end: number; score: number }][]) engine.lastSession.set(k, v);
  Object.assign(engine.counters, j.counters);
  (j.firedByRule as number[]).forEach((n, i) => (engine.firedByRule[i] = n));
  (j.models as Array<Array<[string, number, number, number, number, [string, number][]]>>).forEach((list, mi) => {
    for (const [scope, n, sum, sumSq, agedDay, bins] of list) {
      const inst = new Instance();
      inst.n = n; inst.sum = sum; inst.sumSq = sumSq; inst.agedDay = agedDay; inst.bins = new Map(bins);
      inst.rebuildCounts();
      engine.models.instances[mi]!.set(scope, inst);
    }
  });
  (j.anywhere as [string, number][][]).forEach((list, mi) => { for (const [k, v] of list) engine.models.anywhere[mi]!.set(k, v); });
  Object.assign(engine.models.counters, j.modelCounters);
  engine.restoreInternal(j.internal as Record<string, unknown>);
}

export class StateStore {
  private readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS checkpoint (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      bundle_hash TEXT NOT NULL,
      position TEXT NOT NULL,
      summary TEXT NOT NULL,
      state TEXT NOT NULL
    )`);
  }

  load(): Checkpoint | null {
    const row = this.db.prepare('SELECT bundle_hash, position, summary, state FROM checkpoint WHERE id = 1').get() as { bundle_hash: string; position: string; summary: string; state: string } | undefined;
    if (!row) return null;
    return { bundleHash: row.bundle_hash, position: JSON.parse(row.position) as Position, summary: JSON.parse(row.summary), state: JSON.parse(row.state) };
  }

  save(c: Checkpoint): void {
    this.db.prepare('INSERT OR REPLACE INTO checkpoint (id, bundle_hash, position, summary, state) VALUES (1, ?, ?, ?, ?)')
      .run(c.bundleHash, JSON.stringify(c.position), JSON.stringify(c.summary), JSON.stringify(c.state));
  }

  clear(): void {
    this.db.exec('DELETE FROM checkpoint');
  }

  close(): void {
    this.db.close();
  }
}
