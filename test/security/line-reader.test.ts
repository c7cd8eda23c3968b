// The line reader caps a line without quadratic work: a huge line without a newline is read
// once, kept only up to the cap, and hashed exactly; every other line is as before.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { lineCapBytes, readLines, type Line } from '../../runtime/lines.ts';

let tmp: string;
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'uebac-lines-')); });
afterAll(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

async function readAll(path: string, start = 0, maxLineBytes?: number): Promise<{ lines: Line[]; sha: string }> {
  const hash = createHash('sha256');
  const lines: Line[] = [];
  for await (const batch of readLines(path, start, hash, { maxLineBytes })) lines.push(...batch);
  return { lines, sha: hash.digest('hex') };
}

/** What the reader must give: split on \n, strip one \r, cap, end offsets. */
function expected(bytes: Buffer, start: number, cap: number): Array<Pick<Line, 'text' | 'end' | 'truncated'>> {
  const out: Array<Pick<Line, 'text' | 'end' | 'truncated'>> = [];
  let s = start;
  const dec = new TextDecoder();
  while (s < bytes.length) {
    let nl = bytes.indexOf(10, s);
    const end = nl < 0 ? bytes.length : nl + 1;
    if (nl < 0) nl = bytes.length;
    const len = nl - s;
    if (len > cap) out.push({ text: dec.decode(bytes.subarray(s, s + cap)), end, truncated: true });
    else {
      const body = bytes.subarray(s, nl > s && bytes[nl - 1] === 13 && nl < bytes.length ? nl - 1 : nl);
      out.push({ text: dec.decode(body), end, truncated: undefined });
    }
    s = end;
  }
  return out;
}

function strip(l: Line) {
  return { text: l.text, end: l.end, truncated: l.truncated };
}

describe('readLines with a line cap', () => {
  it('lines of every length across chunk boundaries: same as a plain split, capped, with an exact hash', async () => {
    // Lines from 0 bytes to 3 MiB (spanning several 1 MiB chunks), CRLF, no final newline.
    const parts: Buffer[] = [];
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 60; i++) {
      const len = i % 10 === 3 ? Math.floor(rnd() * 3_000_000) : Math.floor(rnd() * 3000);
      parts.push(Buffer.from('x'.repeat(len) + (i % 4 === 0 ? '\r\n' : '\n')));
    }
    parts.push(Buffer.from('tail without newline'));
    const bytes = Buffer.concat(parts);
    const path = join(tmp, 'mixed.log');
    writeFileSync(path, bytes);
    const cap = 5000;
    const { lines, sha } = await readAll(path, 0, cap);
    expect(lines.map(strip)).toEqual(expected(bytes, 0, cap));
    expect(sha).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(lines.filter((l) => l.truncated).length).toBeGreaterThan(3);
    // From a line boundary in the middle, plain and gzip: the suffix, and the hash of the suffix.
    const from = lines[30]!.end;
    const suffix = await readAll(path, from, cap);
    expect(suffix.lines.map(strip)).toEqual(expected(bytes, from, cap));
    expect(suffix.sha).toBe(createHash('sha256').update(bytes.subarray(from)).digest('hex'));
    const gz = join(tmp, 'mixed.log.gz');
    writeFileSync(gz, gzipSync(bytes));
    const zs = await readAll(gz, from, cap);
    expect(zs.lines.map(strip)).toEqual(expected(bytes, from, cap));
    expect(zs.sha).toBe(suffix.sha);
  });

  it('a 64 MiB line without a newline is kept only up to the cap and copied O(cap), not O(length²)', async () => {
    const path = join(tmp, 'huge.log');
    const huge = Buffer.alloc(64 << 20, 0x61);
    writeFileSync(path, Buffer.concat([Buffer.from('first\n'), huge, Buffer.from('\nlast\n')]));
    const concat = Buffer.concat.bind(Buffer);
    let copied = 0;
    const spy = vi.spyOn(Buffer, 'concat').mockImplementation((list: readonly Uint8Array[], total?: number) => {
      const r = concat(list, total);
      copied += r.length;
      return r;
    });
    const cap = lineCapBytes(65536);
    let lines: Line[];
    try {
      lines = (await readAll(path, 0, cap)).lines;
    } finally {
      spy.mockRestore();
    }
    expect(lines.map((l) => [l.text.length, l.truncated ?? false])).toEqual([[5, false], [cap, true], [4, false]]);
    expect(lines[1]!.text.length).toBeGreaterThan(65536); // so the dispatcher rejects it as line-too-long
    expect(copied).toBeLessThan(4 * (cap + (1 << 20)));
  });
});
