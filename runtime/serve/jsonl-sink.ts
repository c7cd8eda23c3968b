// Records as JSONL in numbered segments (records-000001.jsonl, …), rotated by size or age.
// A checkpoint records (segment, offset); after a crash the segment is cut back to that
// offset and later segments are removed, so the records read in segment order are exactly
// those of an uninterrupted run.
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface SinkPosition {
  segment: number;
  offset: number;
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
  private buf: string[] = [];
  private bufBytes = 0;
  private openedAt = Date.now();
  position: SinkPosition;

  constructor(private readonly dir: string, private readonly rotateBytes: number, private readonly rotateMs: number, from: SinkPosition | null) {
    mkdirSync(dir, { recursive: true });
    if (from) {
      // Cut back to the checkpoint: whatever was written after it is produced again.
      for (const f of listSegments(dir)) if (Number(NAME.exec(f.slice(dir.length + 1))![1]) > from.segment) rmSync(f);
      this.position = { ...from };
      this.fd = openSync(join(dir, segmentName(from.segment)), existsSync(join(dir, segmentName(from.segment))) ? 'r+' : 'w');
      ftruncateSync(this.fd, from.offset);
    } else {
      const existing = listSegments(dir);
      const last = existing.length ? Number(NAME.exec(existing[existing.length - 1]!.slice(dir.length + 1))![1]) : 0;
      this.position = { segment: last + 1, offset: 0 };
      this.fd = openSync(join(dir, segmentName(this.position.segment)), 'w');
    }
  }

  write(line: string): void {
    this.buf.push(line);
    this.bufBytes += line.length;
    if (this.bufBytes > 1 << 16) this.flush();
  }

  /** Write what is buffered; rotate first if the segment is full or old enough. */
  flush(): void {
    if (this.buf.length && this.position.offset > 0 && (this.position.offset >= this.rotateBytes || (this.rotateMs > 0 && Date.now() - this.openedAt >= this.rotateMs))) this.rotate();
    if (!this.buf.length) return;
    const data = Buffer.from(this.buf.join(''), 'utf8');
    let written = 0;
    while (written < data.length) written += writeSync(this.fd, data, written, data.length - written, this.position.offset + written);
    this.position.offset += data.length;
    this.buf = [];
    this.bufBytes = 0;
  }

  private rotate(): void {
    closeSync(this.fd);
    this.position = { segment: this.position.segment + 1, offset: 0 };
    this.fd = openSync(join(this.dir, segmentName(this.position.segment)), 'w');
    this.openedAt = Date.now();
  }

  close(): void {
    this.flush();
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  /** Bytes in the current segment (for tests and metrics). */
  get currentSize(): number {
    return statSync(join(this.dir, segmentName(this.position.segment))).size;
  }
}
