// `--follow FILE`: read a growing file line by line, surviving rotation.
//
// The position (device, inode, offset and the last bytes read) is committed to the spool
// with the lines it covers, so a restart continues exactly after the last spooled line.
// - Rotation by rename (logrotate's default): the open descriptor still reads the old file,
//   so it is read to its end before the new file at the path is opened from its start.
// - copytruncate: the file is cut back to 0 after being copied. The part not read yet is in
//   the copy: a sibling file whose bytes before our offset match the last bytes we read; it is
//   read from there to its end, then the truncated file from its start. (Lines written between
//   the copy and the truncation are lost by copytruncate itself, not by this reader.)
// - Both while serve was stopped: the old inode, or the copy, is looked up among the
//   siblings the same way. If it is nowhere, that is logged and counted, never silent.
// - Rotated again before a poll saw the new file (or while serve was stopped): a file beside
//   the followed one that it has never seen is a rotated file it has not read. Before a new
//   file at the path is read from its start, every such file is read in full, oldest first
//   (by modification time). Files already beside it when following began are history, not
//   read; compressed ones (gzip, bzip2, xz, zstd, …) are never read.
// Only complete lines are taken; a last line without a line feed is taken when the file is
// rotated away (it will not grow any more).
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { splitPayload, type Incoming } from './framing.ts';
import type { ServeMetrics } from './metrics.ts';
import type { Spool } from './spool.ts';

interface FollowPosition {
  dev: number;
  ino: number;
  offset: number;
  /** base64 of the last bytes read (up to TAIL): recognises the same file, or its copy */
  tail: string;
  /** the file was rotated away and read to its end: the file at the path starts from byte 0 */
  done?: boolean;
  /** "dev:ino" of the files beside it that need no reading: read already, or history */
  known?: string[];
}

const TAIL = 256;
const CHUNK = 1 << 20;

export class FileFollower {
  readonly name: string;
  private readonly path: string;
  private fd = -1;
  private pos: FollowPosition | null = null;
  private carry: Buffer = Buffer.alloc(0);
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly known: Set<string>;

  constructor(path: string, private readonly spool: Spool, private readonly metrics: ServeMetrics, private readonly log: (m: string) => void, private readonly fail: (e: Error) => void, private readonly pollMs = 200) {
    this.path = resolve(path);
    this.name = `follow:${this.path}`;
    const saved = spool.position(this.name);
    this.pos = saved ? (JSON.parse(saved) as FollowPosition) : null;
    // First start (or a position from before this was kept): what lies beside the file is history.
    this.known = new Set(this.pos?.known ?? this.siblings().map((f) => f.id));
    delete this.pos?.known;
  }

  start(): void {
    this.log(`following ${this.path}${this.pos ? ` from byte ${this.pos.offset}` : ''}`);
    this.poll();
  }

  private schedule(): void {
    if (!this.closed) this.timer = setTimeout(() => this.poll(), this.pollMs);
  }

  private poll(): void {
    try {
      this.step();
    } catch (e) {
      this.fail(new Error(`--follow ${this.path}: ${(e as Error).message}`));
      return;
    }
    this.schedule();
  }

  /** One round: open or re-open, notice rotation or truncation, read what is new. */
  private step(): void {
    if (this.fd < 0) {
      if (!existsSync(this.path)) return; // not there yet (or between rename and re-create)
      this.openCurrent();
    }
    const st = fstatSync(this.fd);
    const pos = this.pos!;
    if (st.size < pos.offset || (st.size > pos.offset && !this.tailMatches(this.fd, pos))) {
      // Cut back (copytruncate), possibly already written again: the unread rest is in the copy.
      this.metrics.followRotations.inc({ kind: 'truncate' });
      this.readRestFromCopy(pos, st.ino);
      this.restart(this.fd, st);
    }
    this.readAvailable();
    let now;
    try {
      now = statSync(this.path);
    } catch {
      now = null;
    }
    if (!now || now.ino !== this.pos!.ino || now.dev !== this.pos!.dev) {
      // Renamed away. A writer may still append to the old file until it reopens: read it
      // until a round finds nothing new, then the new one (if any) from its first byte.
      if (this.readAvailable() > 0) return;
      this.takeCarry();
      closeSync(this.fd);
      this.fd = -1;
      this.pos = { ...this.pos!, done: true };
      this.commit([]);
      this.metrics.followRotations.inc({ kind: 'rename' });
      if (now) this.step();
    }
  }

  /** Open the file at the path; continue at the saved position if it is the same file. */
  private openCurrent(): void {
    this.fd = openSync(this.path, 'r');
    const st = fstatSync(this.fd);
    const saved = this.pos;
    if (saved && !saved.done && saved.ino === st.ino && saved.dev === st.dev && st.size >= saved.offset && this.tailMatches(this.fd, saved)) return;
    if (saved && !saved.done && saved.offset > 0) {
      // Rotated (or truncated) while serve was not running: finish the old content first.
      const old = this.findSibling((f, s) => s.ino === saved.ino && s.dev === saved.dev && s.size >= saved.offset && this.tailMatchesAt(f, saved))
        ?? this.findSibling((f, s) => s.ino !== st.ino && s.size >= saved.offset && this.tailMatchesAt(f, saved));
      if (old) this.readFile(old, saved.offset, saved.tail);
      else this.lost(saved);
    }
    this.restart(this.fd, st);
  }

  /** Start the file at the path from byte 0, after any rotated file not read yet. */
  private restart(fd: number, st: { dev: number; ino: number }): void {
    this.readUnseen(idOf(st));
    this.carry = Buffer.alloc(0);
    this.pos = { dev: st.dev, ino: st.ino, offset: 0, tail: '' };
    this.known.add(idOf(st));
    this.fd = fd;
    this.commit([]);
  }

  /**
   * Read, oldest first, every file beside the followed one it has never seen: files rotated
   * away before a poll noticed them. `current` is the file at the path (not one of them).
   */
  private readUnseen(current: string): void {
    const present = this.siblings();
    // Forget what is gone, so the set stays as small as the directory.
    const here = new Set([...present.map((f) => f.id), current]);
    if (this.pos) here.add(idOf(this.pos));
    for (const id of this.known) if (!here.has(id)) this.known.delete(id);
    const unseen = present.filter((f) => !this.known.has(f.id) && f.id !== current && (!this.pos || f.id !== idOf(this.pos)));
    unseen.sort((a, b) => a.mtimeMs - b.mtimeMs || a.birthtimeMs - b.birthtimeMs || a.ino - b.ino);
    for (const f of unseen) {
      this.known.add(f.id);
      if (isCompressed(f.path)) continue;
      this.metrics.followRotations.inc({ kind: 'unseen' });
      this.log(`--follow ${this.path}: ${basename(f.path)} was rotated away before it was seen; reading it in full first`);
      this.readFile(f.path, 0, '');
    }
  }

  /** Plain files beside the followed one whose name starts with its name (FILE.1, FILE-20261202, …). */
  private siblings(): Array<{ path: string; id: string; ino: number; mtimeMs: number; birthtimeMs: number }> {
    const dir = dirname(this.path);
    const base = basename(this.path);
    const out = [];
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return [];
    }
    for (const f of names.sort()) {
      if (f === base || !f.startsWith(base)) continue;
      const p = join(dir, f);
      try {
        const st = statSync(p);
        if (st.isFile()) out.push({ path: p, id: idOf(st), ino: st.ino, mtimeMs: st.mtimeMs, birthtimeMs: st.birthtimeMs });
      } catch { /* gone meanwhile */ }
    }
    return out;
  }

  private lost(saved: FollowPosition): void {
    this.metrics.frameErrors.inc({ reason: 'follow-rest-lost' });
    this.log(`--follow ${this.path}: the file was replaced while serve was stopped and its unread rest (after byte ${saved.offset}) is not beside it; continuing with the new file`);
  }

  private readRestFromCopy(pos: FollowPosition, ino: number): void {
    const copy = this.findSibling((f, s) => s.ino !== ino && s.size >= pos.offset && this.tailMatchesAt(f, pos));
    if (copy) this.readFile(copy, pos.offset, pos.tail);
    else if (pos.offset > 0) this.lost(pos);
  }

  /** Files beside the followed one whose name starts with its name (FILE.1, FILE-20261202, …). */
  private findSibling(test: (file: string, st: { ino: number; dev: number; size: number }) => boolean): string | null {
    const dir = dirname(this.path);
    const base = basename(this.path);
    for (const f of readdirSync(dir).sort()) {
      if (f === base || !f.startsWith(base)) continue;
      const p = join(dir, f);
      try {
        const st = statSync(p);
        if (st.isFile() && test(p, st)) return p;
      } catch { /* gone meanwhile */ }
    }
    return null;
  }

  /** Read the rest of a rotated-away file from `offset` to its end (lines only; then its last partial line). */
  private readFile(path: string, offset: number, tail: string): void {
    const fd = openSync(path, 'r');
    try {
      const st = fstatSync(fd);
      this.known.add(idOf(st));
      const keep = { fd: this.fd, pos: this.pos, carry: this.carry };
      // Its lines are spooled with its own identity as the position: a crash meanwhile resumes in it.
      this.fd = fd;
      this.pos = { dev: st.dev, ino: st.ino, offset, tail };
      this.carry = Buffer.alloc(0);
      this.readAvailable();
      this.takeCarry();
      this.fd = keep.fd;
      this.pos = keep.pos;
      this.carry = keep.carry;
    } finally {
      closeSync(fd);
    }
  }

  private tailMatches(fd: number, pos: FollowPosition): boolean {
    const tail = Buffer.from(pos.tail, 'base64');
    if (tail.length === 0) return true;
    const b = Buffer.alloc(tail.length);
    return readSync(fd, b, 0, tail.length, pos.offset - tail.length) === tail.length && b.equals(tail);
  }

  private tailMatchesAt(path: string, pos: FollowPosition): boolean {
    const fd = openSync(path, 'r');
    try {
      return this.tailMatches(fd, pos);
    } finally {
      closeSync(fd);
    }
  }

  /** Read complete lines from the current descriptor up to its end; returns the bytes read. */
  private readAvailable(): number {
    const buf = Buffer.alloc(CHUNK);
    let total = 0;
    for (;;) {
      const n = readSync(this.fd, buf, 0, CHUNK, this.pos!.offset + this.carry.length);
      if (n <= 0) return total;
      total += n;
      const data = this.carry.length ? Buffer.concat([this.carry, buf.subarray(0, n)]) : buf.subarray(0, n);
      const lastNl = data.lastIndexOf(10);
      if (lastNl < 0) { this.carry = Buffer.from(data); continue; }
      const whole = data.subarray(0, lastNl + 1);
      this.carry = Buffer.from(data.subarray(lastNl + 1));
      this.advance(whole, splitPayload(whole));
    }
  }

  /** The last line of a file that will not grow any more, even without its line feed. */
  private takeCarry(): void {
    if (!this.carry.length) return;
    const rest = this.carry;
    this.carry = Buffer.alloc(0);
    this.advance(rest, splitPayload(rest));
  }

  /** Spool lines with the position after them (for a rotated-away file's rest: that file's). */
  private advance(bytes: Buffer, lines: Incoming[]): void {
    const pos = this.pos!;
    const tail = Buffer.concat([Buffer.from(pos.tail, 'base64'), bytes]);
    pos.offset += bytes.length;
    pos.tail = tail.subarray(Math.max(0, tail.length - TAIL)).toString('base64');
    if (lines.length) this.metrics.linesIn.inc({ source: 'follow' }, lines.length);
    this.commit(lines);
  }

  private commit(lines: Incoming[]): void {
    this.spool.accept(this.name, lines, JSON.stringify({ ...this.pos, known: [...this.known] }));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

function idOf(st: { dev: number; ino: number }): string {
  return `${st.dev}:${st.ino}`;
}

const COMPRESSED = [[0x1f, 0x8b], [0x42, 0x5a, 0x68], [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], [0x28, 0xb5, 0x2f, 0xfd], [0x04, 0x22, 0x4d, 0x18], [0x50, 0x4b, 0x03, 0x04]];

/** A compressed archive of a rotated file (by name or by its magic bytes): never read as lines. */
function isCompressed(path: string): boolean {
  if (/\.(gz|bz2|xz|zst|lz4|zip|Z)$/.test(path)) return true;
  let fd = -1;
  try {
    fd = openSync(path, 'r');
    const b = Buffer.alloc(6);
    const n = readSync(fd, b, 0, 6, 0);
    return COMPRESSED.some((m) => n >= m.length && m.every((x, i) => b[i] === x));
  } catch {
    return false;
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}
