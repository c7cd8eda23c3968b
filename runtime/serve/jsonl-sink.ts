// Records as JSONL in numbered segments (records-000001.jsonl, …), rotated by size or by
// event time. A checkpoint records (segment, offset, the event time the segment started at);
// after a crash the segment is cut back to that offset and later segments are removed, so
// the records read in segment order are exactly those of an uninterrupted run.
// The open segment is watched like `run`'s output: deleted, replaced or cut short while
// serve writes to it, the next write fails loudly instead of writing into an unlinked file.
// Closed segments belong to whoever ships them: removing those is normal.
import { closeSync, existsSync, fstatSync, ftruncateSync, mkdirSync, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { checkStillWritten, OutputLostError } from '../output.ts';

export interface SinkPosition {
  segment: number;
  offset: number;
  /** event time (ms) of the first flush into this segment: time rotation counts from it */
  startedAt?: number | null;
}

const NAME = /^records-(\d{6,})\.jsonl$/;

export function segmentName(n: number): string {
  return `records-${String(n).padStart(6, '0')}.jsonl`;
}

/** Segment files of a directory, in order. */
export function listSegments(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => NAME.test(f)).sort((a, b) => Number(NAME.exec(a)![1]) - Number(NAME.exec(b)![1])).map((f) => join(dir, f));
}

export class JsonlSink {
  private fd = -1;
  private ino = 0;
  private dev = 0;
  private buf: string[] = [];
  private bufBytes = 0;
  position: SinkPosition;

  /** `rotateMs`: a new segment once the event time is this far past the segment's start (0: size only). */
  constructor(private readonly dir: string, private readonly rotateBytes: number, private readonly rotateMs: number, from: SinkPosition | null) {
    mkdirSync(dir, { recursive: true });
    if (from) {
      const path = join(dir, segmentName(from.segment));
      const size = existsSync(path) ? statSync(path).size : -1;
      // Records before the checkpoint are not produced again: a segment that lost them cannot be continued.
      if (size < from.offset && !(size === -1 && from.offset === 0)) {
        throw new OutputLostError(`cannot continue: the record segment ${path} is ${size < 0 ? 'missing' : `shorter (${size} bytes)`}, but the checkpoint recorded ${from.offset} bytes of records in it; restore it, or give serve a new --state`);
      }
      // Cut back to the checkpoint: whatever was written after it is produced again.
      for (const f of listSegments(dir)) if (Number(NAME.exec(f.slice(dir.length + 1))![1]) > from.segment) rmSync(f);
      this.position = { startedAt: null, ...from };
      this.open(path, size >= 0 ? 'r+' : 'w');
      ftruncateSync(this.fd, from.offset);
    } else {
      const existing = listSegments(dir);
      const last = existing.length ? Number(NAME.exec(existing[existing.length - 1]!.slice(dir.length + 1))![1]) : 0;
      this.position = { segment: last + 1, offset: 0, startedAt: null };
      this.open(join(dir, segmentName(this.position.segment)), 'w');
    }
  }

  private open(path: string, flags: string): void {
    this.fd = openSync(path, flags);
    const st = fstatSync(this.fd);
    this.ino = st.ino;
    this.dev = st.dev;
  }

  write(line: string): void {
    this.buf.push(line);
    this.bufBytes += line.length;
  }

  get buffered(): number {
    return this.bufBytes;
  }

  /** Write what is buffered; rotate first if the segment is full or `eventTime` is past its span. */
  flush(eventTime: number): void {
    if (!this.buf.length) return;
    const p = this.position;
    const old = this.rotateMs > 0 && p.startedAt != null && Number.isFinite(eventTime) && eventTime - p.startedAt >= this.rotateMs;
    if (p.offset > 0 && (p.offset >= this.rotateBytes || old)) this.rotate();
    this.checkPresent();
    if (this.position.startedAt == null && Number.isFinite(eventTime)) this.position.startedAt = eventTime;
    const data = Buffer.from(this.buf.join(''), 'utf8');
    let written = 0;
    while (written < data.length) written += writeSync(this.fd, data, written, data.length - written, this.position.offset + written);
    this.position.offset += data.length;
    this.buf = [];
    this.bufBytes = 0;
  }

  private rotate(): void {
    closeSync(this.fd);
    this.position = { segment: this.position.segment + 1, offset: 0, startedAt: null };
    this.open(join(this.dir, segmentName(this.position.segment)), 'w');
  }

  /** The open segment's path still names the file written to, and nobody cut it short. */
  private checkPresent(): void {
    const path = join(this.dir, segmentName(this.position.segment));
    checkStillWritten(path, this.fd, this.ino, this.dev, this.position.offset, (why) => new OutputLostError(`the record segment ${path} ${why} while serve wrote to it, after ${this.position.offset} bytes of records; stopping so that no more are lost`));
  }

  close(eventTime: number): void {
    this.flush(eventTime);
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
