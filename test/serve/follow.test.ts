// `uebac serve --follow`: a growing file rotated by rename (with a late write to the renamed
// file), by copytruncate (with lines not read yet at the truncation), killed with -9 in the
// middle, and rotated again while serve is down: the records equal `run` on the lines in order.
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, records, ROOT, startServe, stopServe, waitProcessed } from './harness.ts';
import { runRecords } from './reference.ts';

const sample = readFileSync(join(ROOT, 'examples/sample/officescan.log'), 'utf8').split('\n').filter((l) => l !== '');
let tmp: string;
let bundle: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'uebac-follow-'));
  bundle = join(tmp, 'bundle');
  expect(cli(['compile', 'content', '-o', bundle]).status).toBe(0);
});
afterAll(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

const text = (lines: string[]) => lines.map((l) => l + '\n').join('');

describe('uebac serve --follow', () => {
  it('loses and duplicates nothing across rename, copytruncate, kill -9 and rotation while stopped', async () => {
    const cuts = [0, 300, 700, 1000, 1200, 2000, 2300, sample.length];
    const part = (i: number) => sample.slice(cuts[i], cuts[i + 1]);
    const expected = runRecords(bundle, tmp, sample, 'ref');
    const dir = join(tmp, 'serve');
    const file = join(tmp, 'app.log');
    const args = ['--bundle', bundle, '--state', join(dir, 'state.db'), '--follow', file, '--checkpoint-lines', '250', '--checkpoint-seconds', '1'];

    // A last line written in two pieces: taken only once complete.
    const first = text(part(0));
    writeFileSync(file, first.slice(0, -40));
    const s1 = await startServe(args);
    appendFileSync(file, first.slice(-40));
    await waitProcessed(s1, cuts[1]!);

    // Rename rotation; the writer appends to the renamed file before it reopens.
    renameSync(file, `${file}.1`);
    appendFileSync(`${file}.1`, text(part(1)));
    writeFileSync(file, text(part(2)));
    await waitProcessed(s1, cuts[3]!);

    // copytruncate right after a write: the lines not read yet are only in the copy.
    appendFileSync(file, text(part(3)));
    copyFileSync(file, `${file}.2`);
    truncateSync(file, 0);
    appendFileSync(file, text(part(4)));
    await waitProcessed(s1, cuts[4]! + 100);
    s1.child.kill('SIGKILL'); // mid-stream
    expect((await s1.exited).signal).toBe('SIGKILL');

    // While serve is down: more lines, then a rename rotation and a new file.
    appendFileSync(file, text(part(5)));
    renameSync(file, `${file}.3`);
    writeFileSync(file, text(part(6)));
    const s2 = await startServe(args);
    const h = await waitProcessed(s2, sample.length);
    expect(h.processed).toBe(sample.length);
    await stopServe(s2);
    expect(records(join(dir, 'records'))).toBe(expected);
    expect(s2.stderr()).not.toMatch(/unread rest .* is not beside it/);
  }, 300_000);
});
