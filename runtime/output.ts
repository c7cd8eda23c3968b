// The JSONL output of a run. Records are buffered and written at explicit offsets (so a
// resume can cut the file back to the checkpoint). The file is watched for loss: if it is
// deleted, replaced or cut short while the run writes to it, the next write fails loudly
// instead of sending records into an unlinked inode (exit 0, every record gone).
import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, statSync, writeSync } from 'node:fs';

/** Something to sleep on between retries of a write to a full pipe. */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

export class OutputLostError extends Error {}

/**
 * Throws (the error `lost` builds) unless `path` still names the file open as `fd` (same
 * inode and device) and that file still holds the `offset` bytes written to it.
 */
export function checkStillWritten(path: string, fd: number, ino: number, dev: number, offset: number, lost: (why: string) => Error): void {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw lost('was deleted');
  }
  if (st.ino !== ino || st.dev !== dev) throw lost('was replaced by another file');
  if (fstatSync(fd).size < offset) throw lost('was truncated');
}

export interface Output {
  /** Bytes in the output so far (what a checkpoint records). */
  readonly offset: number;
  write(line: string): void;
  /** Write what is buffered; throws OutputLostError when the file is gone. */
  flush(): void;
  close(): void;
}

/**
 * Open the output: `path` null is stdout. `resumeAt` is the checkpointed output offset when
 * resuming (the file is cut back to it), null for a fresh run (the file is truncated).
 */
export function openOutput(path: string | null, resumeAt: number | null): Output {
  if (path === null) return new JsonlOutput(1, null, 0);
  if (resumeAt === null) return new JsonlOutput(openSync(path, 'w'), path, 0);
  if (!existsSync(path)) {
    // Nothing was written before the checkpoint: re-creating the file loses nothing.
    if (resumeAt === 0) return new JsonlOutput(openSync(path, 'w'), path, 0);
    throw new OutputLostError(`cannot resume: the output ${path} is missing, but the checkpoint recorded ${resumeAt} bytes of records in it; restore the file, or start over with --fresh`);
  }
  const size = statSync(path).size;
  if (size < resumeAt) throw new OutputLostError(`cannot resume: the output ${path} is shorter (${size} bytes) than at the checkpoint (${resumeAt} bytes): records were lost; restore the file, or start over with --fresh`);
  const fd = openSync(path, 'r+');
  ftruncateSync(fd, resumeAt);
  return new JsonlOutput(fd, path, resumeAt);
}

class JsonlOutput implements Output {
  private buf: string[] = [];
  private size = 0;
  private readonly ino: number;
  private readonly dev: number;
  /** A regular file: written at explicit offsets and watched. Not /dev/null, a pipe or a terminal. */
  private readonly regular: boolean;

  constructor(private readonly fd: number, private readonly path: string | null, public offset: number) {
    const st = fstatSync(fd);
    this.ino = st.ino;
    this.dev = st.dev;
    this.regular = path !== null && st.isFile();
  }

  write(line: string): void {
    this.buf.push(line);
    this.size += line.length;
    if (this.size > 1 << 16) this.flush();
  }

  flush(): void {
    this.checkPresent();
    if (!this.buf.length) return;
    const data = Buffer.from(this.buf.join(''), 'utf8');
    let written = 0;
    while (written < data.length) {
      try {
        written += writeSync(this.fd, data, written, data.length - written, this.regular ? this.offset + written : null);
      } catch (e) {
        // stdout may be a non-blocking pipe: when the reader is slower, wait briefly and retry.
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        Atomics.wait(PAUSE, 0, 0, 5);
      }
    }
    this.offset += data.length;
    this.buf = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    if (this.path !== null) closeSync(this.fd);
  }

  /** The path still names the file we write to, and nobody cut it short. */
  private checkPresent(): void {
    if (!this.regular || this.path === null) return;
    const path = this.path;
    checkStillWritten(path, this.fd, this.ino, this.dev, this.offset, (why) => new OutputLostError(`the output ${path} ${why} during the run, after ${this.offset} bytes of records were written to it; stopping so that no more are lost`));
  }
}
