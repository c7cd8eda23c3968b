// Line source: reads a file (or stdin) in large chunks and yields lines with the byte
// offset just past each one, so a checkpoint can record exactly where to resume.
// Invalid UTF-8 is replaced (U+FFFD per bad sequence) and the line is marked, never dropped:
// one stray byte must not remove an event from analysis.
// A line longer than `maxLineBytes` keeps only its first `maxLineBytes` bytes (marked
// `truncated`; the dispatcher then rejects it as line-too-long); the rest is read and hashed
// but not kept, so a huge line without a newline costs O(length) time and O(cap) memory.
import { isUtf8 } from 'node:buffer';
import type { Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

export interface Line {
  text: string;
  /** Byte offset just after this line's newline. */
  end: number;
  /** Set when bytes were replaced while decoding: why (the only reason so far: invalid UTF-8). */
  repaired?: 'invalid-utf8';
  /** The line was longer than the reader's cap; `text` is its first maxLineBytes bytes. */
  truncated?: true;
}

export interface ReadOptions {
  /** Bytes of a line kept (default DEFAULT_MAX_LINE_BYTES). */
  maxLineBytes?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 1 << 20;

/**
 * The reader cap for a dispatcher that rejects lines over `maxLineChars` characters: enough
 * bytes that a truncated line still decodes to more characters than that (≤ 4 bytes a character).
 */
export function lineCapBytes(maxLineChars: number): number {
  return 4 * (maxLineChars + 1);
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/** `inValidChunk`: the whole chunk is known to be valid UTF-8, so this line needs no check. */
function decodeLine(bytes: Buffer, end: number, inValidChunk: boolean): Line {
  return { text: decoder.decode(bytes), end, repaired: inValidChunk || isUtf8(bytes) ? undefined : 'invalid-utf8' };
}

/**
 * `hash`, when given, is updated with exactly the bytes of the lines yielded (input identity).
 * It never holds bytes of a line not yet yielded when a batch is handed out, so a checkpoint
 * taken while consuming a batch pairs the offset with the hash of exactly the bytes before it.
 */
export async function* readLines(path: string, startOffset = 0, hash?: Hash, opts: ReadOptions = {}): AsyncGenerator<Line[]> {
  const cap = Math.max(1, opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  const gz = path.endsWith('.gz');
  const raw = path === '-' ? process.stdin : createReadStream(path, { start: gz ? 0 : startOffset, highWaterMark: 1 << 20 });
  const stream = gz ? raw.pipe(createGunzip()) : raw;
  // The line being read: its first bytes (at most cap + one chunk until trimmed), its length.
  let parts: Buffer[] = [];
  let kept = 0;
  let lineBytes = 0;
  /** bytes of the current line already given to `hash` */
  let hashed = 0;
  let offset = gz ? 0 : startOffset; // absolute offset of the current line's start
  const yielded = (lineStart: number) => !gz || lineStart >= startOffset;
  const named = (e: unknown): unknown => {
    if (e && typeof e === 'object' && !('path' in e)) Object.assign(e, { path: path === '-' ? 'standard input' : path });
    return e;
  };
  const keep = (b: Buffer) => {
    if (kept >= cap) return;
    const piece = kept + b.length > cap ? b.subarray(0, cap - kept) : b;
    parts.push(piece);
    kept += piece.length;
  };
  const finishLine = (end: number, validChunk: boolean): Line => {
    let bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, kept);
    if (bytes.length && bytes[bytes.length - 1] === 13 && lineBytes === kept) bytes = bytes.subarray(0, bytes.length - 1);
    const line = lineBytes > kept ? { text: decoder.decode(bytes), end, truncated: true as const } : decodeLine(bytes, end, validChunk && parts.length <= 1);
    parts = [];
    kept = 0;
    lineBytes = 0;
    hashed = 0;
    return line;
  };
  if (gz) raw.on('error', (e: Error) => stream.destroy(named(e) as Error));
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      // Everything yielded so far has been consumed (and checkpointed): the carried part of
      // the current line can be hashed now, and trimmed to the cap.
      if (lineBytes > hashed && hash && yielded(offset)) {
        for (const p of parts) hash.update(p);
        hashed = lineBytes;
      }
      if (kept > cap) { const head = Buffer.from(Buffer.concat(parts, kept).subarray(0, cap)); parts = [head]; kept = cap; }
      const batch: Line[] = [];
      const valid = isUtf8(chunk);
      let start = 0;
      let hashFrom = -1;
      let nl = chunk.indexOf(10, 0);
      if (lineBytes > 0) {
        // The carried line continues into this chunk.
        if (nl < 0) {
          if (hash && yielded(offset)) { hash.update(chunk); hashed += chunk.length; }
          lineBytes += chunk.length;
          keep(chunk);
          continue;
        }
        // Everything carried is hashed by now (above), so the rest of the line is this head.
        if (hash && yielded(offset)) hash.update(chunk.subarray(0, nl + 1));
        keep(chunk.subarray(0, nl));
        lineBytes += nl + 1;
        // lineBytes counts the newline; kept does not: a line is truncated when kept < its bytes.
        const lineStart = offset;
        offset += lineBytes;
        lineBytes -= 1;
        const line = finishLine(offset, false);
        if (yielded(lineStart)) batch.push(line);
        start = nl + 1;
        nl = chunk.indexOf(10, start);
      }
      while (nl >= 0) {
        const endByte = nl > start && chunk[nl - 1] === 13 ? nl - 1 : nl;
        const lineStart = offset;
        offset += nl + 1 - start;
        if (yielded(lineStart)) {
          if (hashFrom < 0) hashFrom = start;
          if (nl - start > cap) batch.push({ text: decoder.decode(chunk.subarray(start, start + cap)), end: offset, truncated: true });
          else batch.push(decodeLine(chunk.subarray(start, endByte), offset, valid));
        }
        start = nl + 1;
        nl = chunk.indexOf(10, start);
      }
      if (hash && hashFrom >= 0) hash.update(chunk.subarray(hashFrom, start));
      if (start < chunk.length) {
        // The tail starts a new line: kept whole for now (hashed and trimmed at the next chunk).
        parts = [chunk.subarray(start)];
        kept = chunk.length - start;
        lineBytes = kept;
        hashed = 0;
      }
      if (batch.length) yield batch;
    }
  } catch (e) {
    throw named(e);
  }
  if (lineBytes > 0) {
    const lineStart = offset;
    if (hash && yielded(lineStart)) {
      if (hashed === 0) for (const p of parts) hash.update(p);
    }
    offset += lineBytes;
    if (yielded(lineStart)) {
      const truncated = lineBytes > Math.min(kept, cap);
      if (kept > cap) { parts = [Buffer.concat(parts, kept).subarray(0, cap)]; kept = cap; }
      const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, kept);
      yield [truncated ? { text: decoder.decode(bytes), end: offset, truncated: true } : decodeLine(bytes, offset, false)];
    }
  }
}
