// `uebac serve --follow`: a growing file rotated by rename (with a late write to the renamed
// file), by copytruncate (with lines not read yet at the truncation), killed with -9 in the
// middle, and rotated again while serve is down: the records equal `run` on the lines in order.
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileFollower } from '../../runtime/serve/follow.ts';
import { ServeMetrics } from '../../runtime/serve/metrics.ts';
import { Spool } from '../../runtime/serve/spool.ts';
import { cli, records, ROOT, startServe, stopServe, until, waitProcessed } from './harness.ts';
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

// In one process the follower's polls run only between the test's awaits, so each sequence of
// file operations below lands entirely between two polls: rotation faster than the poll.
describe('following a file rotated faster than it is polled', () => {
  it('reads every rotated file to its end, one it never saw too, history and archives never', async () => {
    const dir = join(tmp, 'fast');
    const file = join(dir, 'app.log');
    const L = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}\n`).join('');
    mkdirSync(dir);
    writeFileSync(`${file}.7`, 'history line\n'); // beside it before following began: not read
    writeFileSync(file, L(1, 3));
    const spool = new Spool(join(dir, 'spool.db'));
    const messages: string[] = [];
    let failure: Error | null = null;
    const follower = () => new FileFollower(file, spool, new ServeMetrics(), (m) => messages.push(m), (e) => { failure = e; }, 10);
    const spooled = () => spool.read(0, 1000).map((r) => r.line);
    const spooledThrough = (last: string) => until(`${last} spooled`, () => { if (failure) throw failure; return spooled().includes(last) ? true : undefined; }, 60_000);

    const first = follower();
    first.start();
    await spooledThrough('line 3');
    // Between two polls: lines written, rotated (the writer appends once more to the renamed
    // file), a new file written and rotated away too, a third file started; an archive appears.
    appendFileSync(file, L(4, 5));
    renameSync(file, `${file}.r1`);
    appendFileSync(`${file}.r1`, L(6, 6));
    writeFileSync(file, L(7, 9));
    renameSync(file, `${file}.r2`);
    writeFileSync(file, L(10, 11));
    writeFileSync(`${file}.r1.gz`, gzipSync('compressed line\n'));
    await spooledThrough('line 11');
    expect(spooled()).toEqual(L(1, 11).split('\n').slice(0, -1));
    await first.close();
    spool.flush();

    // The same while the follower is stopped; it continues from its committed position.
    appendFileSync(file, L(12, 12));
    renameSync(file, `${file}.r3`);
    writeFileSync(file, L(13, 14));
    renameSync(file, `${file}.r4`);
    writeFileSync(file, L(15, 15));
    const second = follower();
    second.start();
    await spooledThrough('line 15');
    // Nothing more comes (history, archive, nothing twice) once the follower has gone round again.
    appendFileSync(file, L(16, 16));
    await spooledThrough('line 16');
    await second.close();
    spool.close();
    expect(failure).toBeNull();
    const db = new Spool(join(dir, 'spool.db'));
    expect(db.read(0, 1000).map((r) => r.line)).toEqual(L(1, 16).split('\n').slice(0, -1));
    db.close();
    expect(messages.join('\n')).not.toMatch(/is not beside it/);
    expect(messages.filter((m) => /was rotated away before it was seen/.test(m))).toHaveLength(2);
  }, 120_000);
});
