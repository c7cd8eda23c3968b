// Line source: reads a file (or stdin) in large chunks and yields lines with the byte
// offset just past each one, so a checkpoint can record exactly where to resume.
import type { Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

export interface Line {
  text: string;
  /** Byte offset just after this line's newline. */
  end: number;
}

/** `hash`, when given, is updated with exactly the bytes of the lines yielded (input identity). */
export async function* readLines(path: string, startOffset = 0, hash?: Hash): AsyncGenerator<Line[]> {
  const gz = path.endsWith('.gz');
  const raw = path === '-' ? process.stdin : createReadStream(path, { start: gz ? 0 : startOffset, highWaterMark: 1 << 20 });
  const stream = gz ? raw.pipe(createGunzip()) : raw;
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let carry: Buffer = Buffer.alloc(0);
  let offset = gz ? 0 : startOffset;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const batch: Line[] = [];
    let start = 0;
    let hashFrom = -1;
    let nl = buf.indexOf(10, start);
    while (nl >= 0) {
      const endByte = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
      offset += nl + 1 - start;
      if (!gz || offset > startOffset) {
        if (hashFrom < 0) hashFrom = start;
        batch.push({ text: decoder.decode(buf.subarray(start, endByte)), end: offset });
      }
      start = nl + 1;
      nl = buf.indexOf(10, start);
    }
    if (hash && hashFrom >= 0) hash.update(buf.subarray(hashFrom, start));
    carry = buf.subarray(start);
    if (batch.length) yield batch;
  }
  if (carry.length) {
    offset += carry.length;
    if (!gz || offset > startOffset) {
      hash?.update(carry);
      yield [{ text: decoder.decode(carry), end: offset }];
    }
  }
}
