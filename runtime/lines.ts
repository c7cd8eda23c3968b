// Line source: reads a file (or stdin) in large chunks and yields lines with the byte
// offset just past each one, so a checkpoint can record exactly where to resume.
// Invalid UTF-8 is replaced (U+FFFD per bad sequence) and the line is marked, never dropped:
// one stray byte must not remove an event from analysis.
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
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/** `inValidChunk`: the whole chunk is known to be valid UTF-8, so this line needs no check. */
function decodeLine(bytes: Buffer, end: number, inValidChunk: boolean): Line {
  return { text: decoder.decode(bytes), end, repaired: inValidChunk || isUtf8(bytes) ? undefined : 'invalid-utf8' };
}

/** `hash`, when given, is updated with exactly the bytes of the lines yielded (input identity). */
export async function* readLines(path: string, startOffset = 0, hash?: Hash): AsyncGenerator<Line[]> {
  const gz = path.endsWith('.gz');
  const raw = path === '-' ? process.stdin : createReadStream(path, { start: gz ? 0 : startOffset, highWaterMark: 1 << 20 });
  const stream = gz ? raw.pipe(createGunzip()) : raw;
  let carry: Buffer = Buffer.alloc(0);
  let offset = gz ? 0 : startOffset;
  // A read or decompression error names the file it happened in (zlib's own message does not).
  const named = (e: unknown): unknown => {
    if (e && typeof e === 'object' && !('path' in e)) Object.assign(e, { path: path === '-' ? 'standard input' : path });
    return e;
  };
  if (gz) raw.on('error', (e: Error) => stream.destroy(named(e) as Error));
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      const batch: Line[] = [];
      // One check for the whole chunk; only a chunk with a bad (or cut) sequence is checked per line.
      const valid = isUtf8(buf);
      let start = 0;
      let hashFrom = -1;
      let nl = buf.indexOf(10, start);
      while (nl >= 0) {
        const endByte = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
        offset += nl + 1 - start;
        if (!gz || offset > startOffset) {
          if (hashFrom < 0) hashFrom = start;
          batch.push(decodeLine(buf.subarray(start, endByte), offset, valid));
        }
        start = nl + 1;
        nl = buf.indexOf(10, start);
      }
      if (hash && hashFrom >= 0) hash.update(buf.subarray(hashFrom, start));
      carry = buf.subarray(start);
      if (batch.length) yield batch;
    }
  } catch (e) {
    throw named(e);
  }
  if (carry.length) {
    offset += carry.length;
    if (!gz || offset > startOffset) {
      hash?.update(carry);
      yield [decodeLine(carry, offset, false)];
    }
  }
}
