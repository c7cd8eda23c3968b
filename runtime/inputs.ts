// Input identity for incremental batches: the state remembers every input it consumed by
// path, inode and content (bytes consumed + sha256 of exactly those bytes), so a later run
// can tell a new file from one already read, one that grew (continue after the consumed
// prefix) and one that was truncated, replaced or rewritten (refused: never resumed at a
// stale offset, never silently skipped).
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createGunzip } from 'node:zlib';

export interface ConsumedInput {
  /** absolute path when it was read */
  path: string;
  dev: number;
  ino: number;
  /** bytes consumed (decompressed bytes for .gz) */
  bytes: number;
  /** sha256 (hex) of those bytes */
  sha256: string;
  lines: number;
}

/** What to do with one input of a batch. */
export type InputPlan =
  | { kind: 'new'; path: string; start: 0; hash: Hash; lines: 0 }
  | { kind: 'continue'; path: string; start: number; hash: Hash; lines: number; previous?: ConsumedInput }
  | { kind: 'consumed'; path: string; previous: ConsumedInput };

export class InputChangedError extends Error {}

export const STDIN = '-';

export function absolute(path: string): string {
  return path === STDIN ? STDIN : resolve(path);
}

function shortHash(h: string): string {
  return h.slice(0, 12) + '…';
}

/** sha256 of the first `length` bytes (decompressed for .gz); `bytes` < length when the input is shorter. */
export async function hashPrefix(path: string, length: number): Promise<{ hash: Hash; bytes: number }> {
  const hash = createHash('sha256');
  if (length <= 0) return { hash, bytes: 0 };
  const gz = path.endsWith('.gz');
  const raw = createReadStream(path, gz ? { highWaterMark: 1 << 20 } : { start: 0, end: length - 1, highWaterMark: 1 << 20 });
  const stream = gz ? raw.pipe(createGunzip()) : raw;
  let bytes = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const take = Math.min(chunk.length, length - bytes);
      hash.update(take === chunk.length ? chunk : chunk.subarray(0, take));
      bytes += take;
      if (bytes >= length) break;
    }
  } catch (e) {
    // A corrupt or cut .gz reads as shorter than consumed: reported as truncated below.
    if (!gz) throw e;
  } finally {
    raw.destroy();
  }
  return { hash, bytes };
}

/** The consumed record an input belongs to: same path, or same inode with the same content. */
function matchRecord(abs: string, dev: number, ino: number, consumed: readonly ConsumedInput[]): ConsumedInput[] {
  const byPath = consumed.filter((c) => c.path === abs);
  const byInode = consumed.filter((c) => c.path !== abs && c.dev === dev && c.ino === ino);
  // Newest first: a path consumed several times (grown between runs) has its latest record last.
  return [...byPath.reverse(), ...byInode.reverse()];
}

/**
 * Decide, for one input, whether it is new, continues a consumed input, or was consumed
 * entirely. Throws InputChangedError when a consumed input no longer holds what was read.
 */
export async function planInput(path: string, consumed: readonly ConsumedInput[]): Promise<InputPlan> {
  if (path === STDIN) return { kind: 'new', path, start: 0, hash: createHash('sha256'), lines: 0 };
  const abs = absolute(path);
  const st = statSync(abs);
  for (const prev of matchRecord(abs, st.dev, st.ino, consumed)) {
    const samePath = prev.path === abs;
    const gz = abs.endsWith('.gz');
    if (!gz && st.size < prev.bytes) {
      if (!samePath) continue; // inode reused by an unrelated file
      throw new InputChangedError(`${path} was truncated or replaced: ${prev.bytes} bytes of it were consumed, it now has ${st.size}. Refusing to continue at a stale offset; give new input a new name, or start over with --fresh`);
    }
    const { hash, bytes } = await hashPrefix(abs, prev.bytes);
    if (bytes < prev.bytes) {
      if (!samePath) continue;
      throw new InputChangedError(`${path} was truncated or replaced: ${prev.bytes} bytes of it were consumed, it now decompresses to ${bytes}. Refusing to continue at a stale offset; give new input a new name, or start over with --fresh`);
    }
    const digest = hash.copy().digest('hex');
    if (digest !== prev.sha256) {
      if (!samePath) continue;
      throw new InputChangedError(`${path} was replaced or rewritten in place: its first ${prev.bytes} bytes (sha256 ${shortHash(digest)}) are not the ones consumed earlier (sha256 ${shortHash(prev.sha256)}). Refusing to process it again or to skip it; give new input a new name, or start over with --fresh`);
    }
    const size = gz ? Number.POSITIVE_INFINITY : st.size;
    if (size === prev.bytes) return { kind: 'consumed', path, previous: prev };
    // Grown since (or a .gz whose full length is known only by reading): continue after the prefix.
    return { kind: 'continue', path, start: prev.bytes, hash, lines: prev.lines, previous: prev };
  }
  return { kind: 'new', path, start: 0, hash: createHash('sha256'), lines: 0 };
}

/** The record to remember after reading `bytes` bytes of `path`. */
export function consumedRecord(path: string, bytes: number, hash: Hash, lines: number): ConsumedInput | null {
  if (path === STDIN) return null;
  const abs = absolute(path);
  const st = statSync(abs);
  return { path: abs, dev: st.dev, ino: st.ino, bytes, sha256: hash.copy().digest('hex'), lines };
}

/** Keep the consumed list bounded: one record per path (the latest), the newest 10 000 paths. */
export function rememberConsumed(list: ConsumedInput[], rec: ConsumedInput | null): ConsumedInput[] {
  if (!rec) return list;
  const next = list.filter((c) => c.path !== rec.path && !(c.dev === rec.dev && c.ino === rec.ino));
  next.push(rec);
  return next.length > 10_000 ? next.slice(next.length - 10_000) : next;
}
