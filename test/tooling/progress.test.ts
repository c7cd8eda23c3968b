// Progress for `uebac run`: percentage and ETA on a terminal, nothing in a pipe. The rendering
// is tested with an injected clock, so nothing here depends on how fast the machine is.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProgress, inputSizes, progressLine } from '../../cli/progress.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const counts = { lines: 100, events: 90, notable: 1 };

describe('progressLine', () => {
  it('percentage and ETA from the bytes read and the time taken', () => {
    // 250 of 1000 bytes in 10 s → 750 bytes left at 25 bytes/s → 30 s.
    expect(progressLine({ done: 250, total: 1000, startedAt: 0, elapsedMs: 10_000, ...counts })).toBe('25% ETA 0:30 · 100 lines, 90 events, 1 notable session');
    expect(progressLine({ done: 10, total: 1000, startedAt: 0, elapsedMs: 3_600_000, ...counts })).toMatch(/^1% ETA 99:00:00 /);
  });
  it('a resumed run counts the rate from where it started', () => {
    // 500 bytes were read before; 100 more in 10 s → 400 left at 10 bytes/s → 40 s.
    expect(progressLine({ done: 600, total: 1000, startedAt: 500, elapsedMs: 10_000, ...counts })).toMatch(/^60% ETA 0:40 /);
  });
  it('no percentage when the total is unknown (stdin, .gz)', () => {
    expect(progressLine({ done: 600, total: null, startedAt: 0, elapsedMs: 10_000, ...counts })).toBe('100 lines, 90 events, 1 notable session');
  });
});

describe('createProgress', () => {
  it('draws at once, then at most every interval, across inputs, and clears its line at the end', () => {
    let t = 0;
    const out: string[] = [];
    const p = createProgress((s) => out.push(s), [100, 300], { now: () => t, intervalMs: 200 });
    t = 1000; p.update({ input: 0, offset: 50 }, counts);
    t = 1100; p.update({ input: 0, offset: 100 }, counts); // too soon: not drawn
    t = 2000; p.update({ input: 1, offset: 100 }, counts); // 100 + 100 of 400
    p.end();
    expect(out).toEqual([
      '\r\x1b[K12% ETA 0:07 · 100 lines, 90 events, 1 notable session',
      '\r\x1b[K50% ETA 0:02 · 100 lines, 90 events, 1 notable session',
      '\r\x1b[K',
    ]);
  });
  it('inputSizes: stdin and .gz have no byte total', () => {
    expect(inputSizes(['-', 'x.log.gz', join(ROOT, 'package.json')]).map((s) => s === null)).toEqual([true, true, false]);
  });
});

describe('uebac run into a pipe', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'uebac-progress-'));
    const c = spawnSync(process.execPath, [join(ROOT, 'bin/uebac.mjs'), 'compile', 'content', '-o', join(tmp, 'dist')], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(c.status, c.stderr).toBe(0);
  });
  afterAll(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });
  it('writes no progress: standard error holds only the summary', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/uebac.mjs'), 'run', '--bundle', join(tmp, 'dist'), '--state', ':memory:', 'examples/sample/usb.log'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/\r|\x1b\[K|%/);
    expect(r.stderr).toMatch(/^lines read /);
  });
});
