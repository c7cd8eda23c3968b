// The durable spool: every accepted line is committed here (SQLite, WAL, synchronous=FULL)
// before it is processed, in one total order (seq). A source's own position (a followed
// file's inode and offset, the last JetStream stream sequence) is committed in the same
// transaction as its lines, so after a crash nothing accepted is lost and nothing is
// spooled twice. The processor checkpoints the last seq it covered; rows up to it are
// deleted afterwards.
import Database from 'better-sqlite3';
import type { Incoming } from './framing.ts';

export interface SpoolRow {
  seq: number;
  source: string;
  line: string;
  /** why bytes of the line were replaced on receipt (invalid-utf8), or null */
  repaired: string | null;
}

interface Pending {
  source: string;
  line: Incoming;
}

export class Spool {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly setPosition: Database.Statement;
  private readonly readAfter: Database.Statement;
  private pending: Pending[] = [];
  private pendingPositions = new Map<string, string>();
  private afterFlush: Array<(lastSeq: number) => void> = [];
  private timer: NodeJS.Timeout | null = null;
  private waiters: Array<() => void> = [];
  private head: number;
  /** lines committed since the spool was opened */
  committed = 0;

  constructor(path: string, private readonly flushMs = 20, private readonly flushLines = 5000) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS lines (seq INTEGER PRIMARY KEY, source TEXT NOT NULL, line TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS sources (name TEXT PRIMARY KEY, position TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL);`);
    // Spools written before lines were marked repaired gain the column (NULL: not repaired).
    const cols = (this.db.prepare('PRAGMA table_info(lines)').all() as Array<{ name: string }>).map((c) => c.name);
    if (!cols.includes('repaired')) this.db.exec('ALTER TABLE lines ADD COLUMN repaired TEXT');
    this.insert = this.db.prepare('INSERT INTO lines (seq, source, line, repaired) VALUES (?, ?, ?, ?)');
    this.setPosition = this.db.prepare('INSERT OR REPLACE INTO sources (name, position) VALUES (?, ?)');
    this.readAfter = this.db.prepare('SELECT seq, source, line, repaired FROM lines WHERE seq > ? ORDER BY seq LIMIT ?');
    const max = this.db.prepare('SELECT MAX(seq) AS m FROM lines').get() as { m: number | null };
    const kept = this.db.prepare("SELECT v FROM meta WHERE k = 'head'").get() as { v: number } | undefined;
    // seq never goes back, even after every row was compacted away.
    this.head = Math.max(max.m ?? 0, kept?.v ?? 0);
  }

  /** Highest seq committed. */
  get lastSeq(): number {
    return this.head;
  }

  /** Lines accepted but not committed yet. */
  get buffered(): number {
    return this.pending.length;
  }

  position(source: string): string | null {
    const row = this.db.prepare('SELECT position FROM sources WHERE name = ?').get(source) as { position: string } | undefined;
    return row?.position ?? null;
  }

  /**
   * Accept lines from a source; committed within flushMs. `position`, when given, is the
   * source's position after these lines and is committed with them. `onCommitted` learns
   * the highest seq of the commit that holds them.
   */
  accept(source: string, lines: readonly Incoming[], position?: string, onCommitted?: (lastSeq: number) => void): void {
    for (const line of lines) this.pending.push({ source, line });
    if (position !== undefined) this.pendingPositions.set(source, position);
    if (onCommitted) this.afterFlush.push(onCommitted);
    if (this.pending.length >= this.flushLines) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  flush(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    if (!this.pending.length && !this.pendingPositions.size && !this.afterFlush.length) return;
    const lines = this.pending;
    const positions = this.pendingPositions;
    const callbacks = this.afterFlush;
    this.pending = [];
    this.pendingPositions = new Map();
    this.afterFlush = [];
    let seq = this.head;
    this.db.transaction(() => {
      for (const l of lines) this.insert.run(++seq, l.source, l.line.text, l.line.repaired ?? null);
      for (const [name, pos] of positions) this.setPosition.run(name, pos);
    })();
    this.head = seq;
    this.committed += lines.length;
    for (const cb of callbacks) cb(seq);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  read(after: number, limit: number): SpoolRow[] {
    return this.readAfter.all(after, limit) as SpoolRow[];
  }

  /** Resolves when lines past `after` are committed (or at once if there are). */
  waitFor(after: number): Promise<void> {
    if (this.head > after) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Wake every waiter (shutdown). */
  wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Drop rows a checkpoint covers. */
  compact(upTo: number): void {
    this.db.transaction(() => {
      this.db.prepare("INSERT OR REPLACE INTO meta (k, v) VALUES ('head', ?)").run(this.head);
      this.db.prepare('DELETE FROM lines WHERE seq <= ?').run(upTo);
    })();
  }

  close(): void {
    this.flush();
    this.db.close();
  }
}
