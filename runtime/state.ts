// Crash-safe state: the engine's working state lives in memory and is checkpointed to
// SQLite (WAL) in one transaction together with the input position and output offset, so
// a killed run resumes with no event lost and none counted twice.
//
// The keyed stores (sessions, sequences, per-user history, model instances, seen-anywhere
// sets: runtime/stores/) are checkpointed incrementally: each checkpoint appends, as one
// generation of `keyed_rows`, only the entries changed or deleted since the last one, so its
// cost follows the changes, not the size of the state. When the generations hold more than
// twice the live entries, a checkpoint writes every entry once instead (one generation), so
// the file and its load time stay proportional to the state.
import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import type { Engine } from './engine.ts';
import type { EvictionCounts } from './evictions.ts';
import type { ConsumedInput } from './inputs.ts';
import { keyedStores, restoreStores, snapshotStores } from './stores/engine-state.ts';
import { scopeRowToJson } from './stores/scopes.ts';
import { endFlatRow, readFlatRow, startFlatRow, type FlatRow, type RowCodec } from './stores/rows.ts';
import { keyOfEntry, type KeyedStore } from './stores/store.ts';

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
  base?: { sessionsEvicted: number; evictedBins: number; caps?: { modelInstances: number; seenAnywhere: number; daySequences: number; assetSequences: number }; evictions?: EvictionCounts };
}

export interface Checkpoint {
  bundleHash: string;
  position: Position;
  summary: unknown;
  state: unknown;
}

type Json = unknown;

/** The engine's stores as one snapshot (runtime/stores/engine-state.ts owns the shape). */
export function snapshot(engine: Engine): Json {
  return snapshotStores(engine);
}

const ENGINE = Symbol('engine');

/**
 * What `StateStore.save` checkpoints for an engine: its stores (keyed ones incrementally)
 * and `extra` fields saved whole beside them. `load` gives back the same shape as `snapshot`
 * with the extra fields.
 */
export function checkpointState(engine: Engine, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...extra, [ENGINE]: engine };
}

function engineOf(state: unknown): Engine | undefined {
  return state && typeof state === 'object' ? (state as { [ENGINE]?: Engine })[ENGINE] : undefined;
}

/** Which store generation an engine's tracked changes are relative to. */
interface Sync { store: StateStore; gen: number }
/** engine → the checkpoint its keyed stores' changes are counted from */
const synced = new WeakMap<Engine, Sync>();
/** a state `load` returned → its store, generation and each keyed store's recency stamps */
const loaded = new WeakMap<object, Sync & { stamps: Map<string, number[]> }>();

export function restore(engine: Engine, j: Record<string, unknown>): void {
  restoreStores(engine, j);
  const from = loaded.get(j);
  if (!from) return; // a snapshot from elsewhere (or migrated): the next checkpoint writes every entry
  for (const s of keyedStores(engine)) {
    s.map.restoreStamps(from.stamps.get(s.name) ?? []);
    s.map.trackChanges();
  }
  synced.set(engine, { store: from.store, gen: from.gen });
}

/** A state file that cannot be used as it is: the message says why and what to do. */
export class StateError extends Error {}

/** Entries per stored row: no checkpoint needs one string the size of the whole state. */
const CHUNK = 2000;
const MARK = '$rows';

/**
 * Splits a snapshot into rows: the skeleton (every array longer than CHUNK replaced by a
 * marker naming its part) and the arrays' elements, CHUNK per row.
 */
function toRows(value: Json): Array<[string, number, string]> {
  const rows: Array<[string, number, string]> = [];
  let parts = 0;
  const walk = (v: Json, depth: number): Json => {
    if (Array.isArray(v)) {
      if (v.length > CHUNK) {
        const part = `p${++parts}`;
        for (let i = 0, seq = 0; i < v.length; i += CHUNK, seq++) rows.push([part, seq, JSON.stringify(v.slice(i, i + CHUNK))]);
        return { [MARK]: part, n: v.length };
      }
      return depth < 3 ? v.map((x) => walk(x, depth + 1)) : v;
    }
    if (v && typeof v === 'object' && depth < 3) {
      const o: Record<string, Json> = {};
      for (const [k, x] of Object.entries(v)) o[k] = walk(x, depth + 1);
      return o;
    }
    return v;
  };
  rows.unshift(['', 0, JSON.stringify(walk(value, 0))]);
  return rows;
}

function fromRows(skeleton: Json, part: (name: string) => Json[]): Json {
  const walk = (v: Json): Json => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const o = v as Record<string, Json>;
      if (typeof o[MARK] === 'string') {
        const items = part(o[MARK] as string);
        if (items.length !== o.n) throw new StateError(`part ${String(o[MARK])} holds ${items.length} entries, the checkpoint recorded ${String(o.n)}`);
        return items;
      }
      const out: Record<string, Json> = {};
      for (const [k, x] of Object.entries(o)) out[k] = walk(x);
      return out;
    }
    return v;
  };
  return walk(skeleton);
}

// ---- keyed rows -------------------------------------------------------------------------------
// A keyed row holds, for one store and generation, either deleted keys (`deletes` = 1: a JSON
// list of keys) or entries (`deletes` = 3: a flat row, runtime/stores/rows.ts). Within a
// generation deletions come first, so a key deleted and added again between two checkpoints
// ends up present. Rows of entries written by earlier versions are still read: `deletes` = 0,
// a JSON list of stamp, entry, stamp, entry, … (an entry as the snapshot has it, naming its
// key: runtime/stores/store.ts), and `deletes` = 2, the same with compact scope rows
// (runtime/stores/scopes.ts).

/** The skeleton field standing for a keyed store's list, and the checkpoint's generation. */
const KEYED = '$keyed';
const KEYED_GEN = '$keyedGeneration';
/** Generations may hold this many records beyond twice the live entries before a full write. */
const MIN_LOG = 50_000;

/** What a keyed row holds (its `deletes` column). */
const ROW_ENTRIES = 0;
const ROW_DELETES = 1;
const ROW_SCOPES = 2;
const ROW_FLAT = 3;

type InsertKeyed = Database.Statement<[string, number, number, number, string]>;

/** Rows of deleted keys, up to CHUNK per row. */
class DeleteRows {
  private keys: string[] = [];
  private seq = 0;
  count = 0;
  constructor(private readonly insert: InsertKeyed, private readonly store: string, private readonly gen: number) {}
  add(key: string): void {
    this.keys.push(key);
    this.count++;
    if (this.keys.length >= CHUNK) this.flush();
  }
  flush(): void {
    if (this.keys.length === 0) return;
    this.insert.run(this.store, this.gen, this.seq++, ROW_DELETES, JSON.stringify(this.keys));
    this.keys = [];
  }
}

/**
 * Flat rows of entries, up to CHUNK per row. A row's fields are gathered in one array and
 * serialised with one JSON.stringify: one flat string per row, not thousands of small ones
 * joined (which cost as much again in garbage collection).
 */
class EntryRows<V> {
  private row: FlatRow;
  private entries = 0;
  private lastStamp = 0;
  count = 0;
  constructor(private readonly insert: InsertKeyed, private readonly store: string, private readonly gen: number, private readonly codec: RowCodec<V>, private seq: number) {
    this.row = startFlatRow(codec);
  }
  put(key: string, value: V, stamp: number): void {
    this.row.out.push(stamp - this.lastStamp); // consecutive entries mostly have consecutive stamps: 1
    this.lastStamp = stamp;
    this.codec.write(key, value, this.row);
    this.count++;
    if (++this.entries >= CHUNK) this.flush();
  }
  flush(): void {
    if (this.entries === 0) return;
    this.insert.run(this.store, this.gen, this.seq++, ROW_FLAT, JSON.stringify(endFlatRow(this.row, this.entries)));
    this.row = startFlatRow(this.codec);
    this.entries = 0;
    this.lastStamp = 0;
  }
}

/** Row numbers of a generation's entries start here: its deletions (from 0) replay first. */
const PUT_SEQ = 2 ** 30;

/** One store's rows of one generation: deletions and entries (see PUT_SEQ). */
class RowWriter<V> {
  private readonly deletes: DeleteRows;
  private readonly puts: EntryRows<V>;
  constructor(s: KeyedStore<V>, gen: number, insert: InsertKeyed) {
    this.deletes = new DeleteRows(insert, s.name, gen);
    this.puts = new EntryRows(insert, s.name, gen, s.codec, PUT_SEQ);
  }
  /** keys and entries written */
  get count(): number {
    return this.deletes.count + this.puts.count;
  }
  deleted(key: string): void {
    this.deletes.add(key);
  }
  put(key: string, value: V, stamp: number): void {
    this.puts.put(key, value, stamp);
  }
  flush(): void {
    this.deletes.flush();
    this.puts.flush();
  }
}

function writeAll(s: KeyedStore, gen: number, insert: InsertKeyed): number {
  const w = new RowWriter(s, gen, insert);
  s.map.forEachStamped((key, value, stamp) => w.put(key, value, stamp));
  w.flush();
  return w.count;
}

function writeChanges(s: KeyedStore, gen: number, insert: InsertKeyed): number {
  if (s.map.changeCount === 0) return 0;
  const w = new RowWriter(s, gen, insert);
  s.map.drainChanges(w);
  w.flush();
  return w.count;
}

/** Put the assembled lists where the skeleton's markers stand. */
function replaceKeyed(state: Record<string, Json>, lists: Map<string, Json[]>): void {
  const fill = (v: Json): Json => {
    if (v && typeof v === 'object' && !Array.isArray(v) && typeof (v as Record<string, Json>)[KEYED] === 'string') return lists.get((v as Record<string, string>)[KEYED]!) ?? [];
    return v;
  };
  for (const [k, v] of Object.entries(state)) state[k] = Array.isArray(v) ? v.map(fill) : fill(v);
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** The checks a checkpoint must pass before anything in it is trusted. */
function validateCheckpoint(c: Checkpoint): string | null {
  const p = c.position as unknown as Record<string, unknown>;
  if (typeof c.bundleHash !== 'string' || c.bundleHash === '') return 'it names no bundle';
  if (!p || typeof p !== 'object') return 'it has no input position';
  for (const k of ['file', 'offset', 'outputOffset', 'lines'] as const) if (!isCount(p[k])) return `position.${k} is ${JSON.stringify(p[k])}, not a non-negative integer`;
  if (typeof p.identity !== 'string') return 'position.identity is missing';
  if (p.batch !== undefined && !(Array.isArray(p.batch) && p.batch.every((x) => typeof x === 'string'))) return 'position.batch is not a list of paths';
  if (p.consumed !== undefined && !Array.isArray(p.consumed)) return 'position.consumed is not a list';
  const st = c.state as Record<string, unknown> | null;
  if (!st || typeof st !== 'object') return 'it holds no engine state';
  for (const k of ['sessions', 'sequences', 'assets', 'history', 'lastSession', 'firedByRule', 'models', 'anywhere']) if (!Array.isArray(st[k])) return `state.${k} is missing`;
  for (const k of ['counters', 'modelCounters', 'internal']) if (!st[k] || typeof st[k] !== 'object') return `state.${k} is missing`;
  if (!c.summary || typeof c.summary !== 'object') return 'it holds no run summary';
  return null;
}

const FRESH_HINT = 'start over with --fresh (or use another --state)';

/**
 * The checkpoint store. One process at a time: a lock file beside the database (`<path>.lock`,
 * holding the owner's pid) refuses a second run; a lock left by a process that no longer exists
 * is taken over. A file that is empty, not SQLite, damaged or holds an invalid checkpoint is an
 * error unless `fresh`, which deletes it and starts a new one.
 */
export class StateStore {
  private readonly db: Database.Database;
  private readonly lockPath: string;
  /** generation of the keyed rows the file holds (0: none, the state is all in state_rows) */
  private gen = 0;
  /** entries and deletions the keyed rows hold over all generations */
  private logEntries = 0;
  /** bundle of the checkpoint last loaded or saved */
  private savedHash: string | null = null;

  constructor(readonly path: string, opts: { fresh?: boolean } = {}) {
    this.lockPath = `${path}.lock`;
    acquireLock(this.lockPath, path);
    try {
      if (opts.fresh) removeState(path);
      else if (existsSync(path) && statSync(path).size === 0 && !hasWal(path)) throw new StateError(`state file ${path} is empty (0 bytes): it was truncated or is not a uebac state; ${FRESH_HINT}`);
      this.db = openDatabase(path);
    } catch (e) {
      releaseLock(this.lockPath);
      throw e;
    }
  }

  load(): Checkpoint | null {
    let c: Checkpoint;
    let stamps = new Map<string, number[]>();
    let gen = 0;
    let logEntries = 0;
    try {
      const row = this.db.prepare('SELECT bundle_hash, position, summary FROM checkpoint WHERE id = 1').get() as { bundle_hash: string; position: string; summary: string } | undefined;
      if (!row) return null;
      const part = this.db.prepare('SELECT data FROM state_rows WHERE part = ? ORDER BY seq');
      const rows = (name: string) => (part.all(name) as Array<{ data: string }>).flatMap((r) => JSON.parse(r.data) as Json[]);
      const skeleton = part.get('') as { data: string } | undefined;
      if (!skeleton) throw new StateError('the engine state rows are missing');
      const state = fromRows(JSON.parse(skeleton.data), rows) as Record<string, Json>;
      if (KEYED_GEN in state) {
        gen = state[KEYED_GEN] as number;
        delete state[KEYED_GEN];
        const keyed = this.readKeyed(gen);
        logEntries = keyed.records;
        stamps = keyed.stamps;
        replaceKeyed(state, keyed.lists);
      }
      c = { bundleHash: row.bundle_hash, position: JSON.parse(row.position) as Position, summary: JSON.parse(row.summary), state };
    } catch (e) {
      throw new StateError(`state file ${this.path} is damaged (${(e as Error).message}); ${FRESH_HINT}`);
    }
    const problem = validateCheckpoint(c);
    if (problem) throw new StateError(`state file ${this.path} is invalid: ${problem}; ${FRESH_HINT}`);
    this.gen = gen;
    this.logEntries = logEntries;
    this.savedHash = c.bundleHash;
    if (gen > 0) loaded.set(c.state as object, { store: this, gen, stamps });
    return c;
  }

  /** Every keyed store's entries, replayed generation by generation, in recency order. */
  private readKeyed(gen: number): { lists: Map<string, Json[]>; stamps: Map<string, number[]>; records: number } {
    const byStore = new Map<string, Map<string, [number, Json]>>();
    let records = 0;
    for (const r of this.db.prepare('SELECT store, gen, deletes, data FROM keyed_rows ORDER BY store, gen, seq').iterate() as IterableIterator<{ store: string; gen: number; deletes: number; data: string }>) {
      if (r.gen > gen) throw new StateError(`keyed rows of generation ${r.gen} follow checkpoint generation ${gen}`);
      let entries = byStore.get(r.store);
      if (!entries) byStore.set(r.store, (entries = new Map()));
      const data = JSON.parse(r.data) as Json[];
      const put = (stamp: unknown, entry: Json) => {
        const key = keyOfEntry(entry);
        if (key === undefined || typeof stamp !== 'number') throw new StateError(`an entry of ${r.store} (generation ${r.gen}) names no key or stamp`);
        entries.set(key, [stamp, entry]);
      };
      switch (r.deletes) {
        case ROW_DELETES:
          for (const key of data) entries.delete(key as string);
          records += data.length;
          break;
        case ROW_FLAT:
          records += readFlatRow(data, put);
          break;
        case ROW_ENTRIES:
        case ROW_SCOPES:
          for (let i = 0; i < data.length; i += 2) put(data[i], r.deletes === ROW_SCOPES ? scopeRowToJson(data[i + 1]) : data[i + 1]);
          records += data.length / 2;
          break;
        default:
          throw new StateError(`a keyed row of ${r.store} is of unknown kind ${r.deletes} (written by a newer uebac?)`);
      }
    }
    const lists = new Map<string, Json[]>();
    const stamps = new Map<string, number[]>();
    for (const [store, entries] of byStore) {
      const sorted = [...entries.values()].sort((a, b) => a[0] - b[0]);
      lists.set(store, sorted.map((e) => e[1]));
      stamps.set(store, sorted.map((e) => e[0]));
    }
    return { lists, stamps, records };
  }

  save(c: Checkpoint): void {
    const engine = engineOf(c.state);
    if (!engine) {
      this.saveWhole(c);
      return;
    }
    const stores = keyedStores(engine);
    const live = stores.reduce((n, s) => n + s.map.size, 0);
    const changes = stores.reduce((n, s) => n + s.map.changeCount, 0);
    const sync = synced.get(engine);
    const incremental = sync !== undefined && sync.store === this && sync.gen === this.gen && this.gen > 0 && this.savedHash === c.bundleHash &&
      stores.every((s) => s.map.tracking) && this.logEntries + changes <= 2 * live + MIN_LOG;
    const gen = incremental ? this.gen + 1 : 1;
    const skeleton: Record<string, Json> = { ...snapshotStores(engine, (s) => ({ [KEYED]: s.name })), ...(c.state as object), [KEYED_GEN]: gen };
    const rows = toRows(skeleton);
    const insert = this.db.prepare('INSERT INTO state_rows (part, seq, data) VALUES (?, ?, ?)');
    const insertKeyed = this.db.prepare('INSERT INTO keyed_rows (store, gen, seq, deletes, data) VALUES (?, ?, ?, ?, ?)');
    let written = 0;
    synced.delete(engine); // until this transaction commits, the engine's changes are relative to nothing
    this.db.transaction(() => {
      this.db.exec('DELETE FROM state_rows');
      for (const r of rows) insert.run(...r);
      if (!incremental) this.db.exec('DELETE FROM keyed_rows');
      for (const s of stores) written += incremental ? writeChanges(s, gen, insertKeyed) : writeAll(s, gen, insertKeyed);
      this.db.prepare('INSERT OR REPLACE INTO checkpoint (id, bundle_hash, position, summary) VALUES (1, ?, ?, ?)')
        .run(c.bundleHash, JSON.stringify(c.position), JSON.stringify(c.summary));
    })();
    if (!incremental) for (const s of stores) s.map.trackChanges();
    this.gen = gen;
    this.logEntries = incremental ? this.logEntries + written : written;
    this.savedHash = c.bundleHash;
    synced.set(engine, { store: this, gen });
  }

  /** A checkpoint given as one JSON value (no engine): written whole. */
  private saveWhole(c: Checkpoint): void {
    const rows = toRows(c.state);
    const insert = this.db.prepare('INSERT INTO state_rows (part, seq, data) VALUES (?, ?, ?)');
    this.db.transaction(() => {
      this.db.exec('DELETE FROM state_rows');
      this.db.exec('DELETE FROM keyed_rows');
      for (const r of rows) insert.run(...r);
      this.db.prepare('INSERT OR REPLACE INTO checkpoint (id, bundle_hash, position, summary) VALUES (1, ?, ?, ?)')
        .run(c.bundleHash, JSON.stringify(c.position), JSON.stringify(c.summary));
    })();
    this.gen = 0;
    this.logEntries = 0;
    this.savedHash = c.bundleHash;
  }

  clear(): void {
    this.db.transaction(() => {
      this.db.exec('DELETE FROM checkpoint');
      this.db.exec('DELETE FROM state_rows');
      this.db.exec('DELETE FROM keyed_rows');
    })();
    this.gen = 0;
    this.logEntries = 0;
    this.savedHash = null;
  }

  close(): void {
    this.db.close();
    releaseLock(this.lockPath);
  }
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS checkpoint (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      bundle_hash TEXT NOT NULL,
      position TEXT NOT NULL,
      summary TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS state_rows (
      part TEXT NOT NULL,
      seq INTEGER NOT NULL,
      data TEXT NOT NULL,
      PRIMARY KEY (part, seq)
    );
    CREATE TABLE IF NOT EXISTS keyed_rows (
      store TEXT NOT NULL,
      gen INTEGER NOT NULL,
      seq INTEGER NOT NULL,
      deletes INTEGER NOT NULL,
      data TEXT NOT NULL,
      PRIMARY KEY (store, gen, seq)
    )`;

const PAGE_SIZE = 65536;

/**
 * A new state file is built beside its path and renamed into place, so a run killed while
 * creating it leaves no state or a complete empty one — never a 0-byte file, which a later
 * run would rightly refuse as truncated.
 */
function createDatabase(path: string): void {
  const tmp = `${path}.new-${process.pid}`;
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
  const db = new Database(tmp);
  try {
    // Checkpoint rows are large (up to CHUNK entries, ~100 KB): on 64 KiB pages SQLite links
    // and writes a few pages per row instead of dozens (a third less time per checkpoint).
    // Only a new file can take it; older files keep their page size.
    db.pragma(`page_size = ${PAGE_SIZE}`);
    db.exec(SCHEMA);
  } finally {
    db.close();
  }
  renameSync(tmp, path);
}

function openDatabase(path: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    if (path !== ':memory:' && !existsSync(path)) createDatabase(path);
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((t) => t.name);
    if (tables.length && !tables.includes('checkpoint')) throw new StateError(`it holds tables (${tables.slice(0, 3).join(', ')}) but no uebac checkpoint`);
    if (tables.includes('checkpoint')) {
      const cols = (db.prepare('PRAGMA table_info(checkpoint)').all() as Array<{ name: string }>).map((c) => c.name);
      if (cols.includes('state')) throw new StateError('it was written by an older uebac (one-string checkpoint format)');
    }
    db.exec(SCHEMA);
    db.pragma('quick_check'); // a torn or overwritten file fails here, not halfway through a load
    return db;
  } catch (e) {
    db?.close();
    const why = e instanceof StateError ? e.message : `SQLite: ${(e as Error).message}`;
    throw new StateError(`state file ${path} cannot be used (${why}); ${FRESH_HINT}`);
  }
}

/** In WAL mode a live database can be all in `-wal` with a 0-byte main file. */
function hasWal(path: string): boolean {
  const wal = `${path}-wal`;
  return existsSync(wal) && statSync(wal).size > 0;
}

function removeState(path: string): void {
  for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
}

/**
 * The kernel's view of a process: its state letter and start time (clock ticks since boot),
 * from /proc/<pid>/stat; null when there is no such process or no /proc.
 */
function procStat(pid: number): { state: string; start: string } | null {
  const text = readFileSafe(`/proc/${pid}/stat`);
  // comm (field 2) may hold spaces and parentheses: the fields after it follow the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return rest.length > 19 ? { state: rest[0]!, start: rest[19]! } : null;
}

/** The lock's content: pid and, where /proc exists, the process start time (pid reuse). */
function lockContent(): string {
  const start = procStat(process.pid)?.start;
  return start ? `${process.pid} ${start}\n` : `${process.pid}\n`;
}

/**
 * Whether the lock's owner still runs. A killed owner that its parent has not reaped yet is a
 * zombie (state Z): dead for our purpose. A live process with the owner's pid but another
 * start time is a later process that reused the pid: the owner is gone.
 */
function ownerAlive(pid: number, start: string | undefined): boolean {
  if (existsSync('/proc/self/stat')) {
    const st = procStat(pid);
    if (!st || st.state === 'Z' || st.state === 'X') return false;
    return start === undefined || st.start === start;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function acquireLock(lockPath: string, statePath: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, lockContent());
      closeSync(fd);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new StateError(`cannot lock state file ${statePath}: ${(e as Error).message}`);
    }
    const [pidText, start] = readFileSafe(lockPath).trim().split(/\s+/);
    const owner = Number.parseInt(pidText ?? '', 10);
    if (Number.isSafeInteger(owner) && owner > 0 && ownerAlive(owner, start)) {
      throw new StateError(`state file ${statePath} is in use by process ${owner} (lock ${lockPath}); wait for that run to end, or give this run another --state`);
    }
    rmSync(lockPath, { force: true }); // left by a run that died: take it over
  }
  throw new StateError(`cannot lock state file ${statePath}: another run keeps taking ${lockPath}`);
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function releaseLock(lockPath: string): void {
  if (readFileSafe(lockPath).trim().split(/\s+/)[0] === String(process.pid)) rmSync(lockPath, { force: true });
}
