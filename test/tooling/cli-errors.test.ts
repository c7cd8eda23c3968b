// One error path for the CLI: each of these used to print a raw Node error, a stack trace or
// an unhandled 'error' event; now each is a short message naming the file, with exit code 2
// (usage/input) — and `run` writes records to stdout when no --out is given.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/uebac.mjs');
const SAMPLE = join(ROOT, 'examples/sample/usb.log');
let tmp: string;
let bundle: string;

function cli(args: string[], opts: { input?: string } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, input: opts.input });
}

/** A clean failure: exit 2, one `uebac:` line naming `subject`, no stack trace. */
function expectClean(r: SpawnSyncReturns<string>, subject: string, exit = 2): void {
  expect(r.status, r.stderr).toBe(exit);
  expect(r.stderr).toMatch(/^uebac: /);
  expect(r.stderr).toContain(subject);
  expect(r.stderr).not.toMatch(/\n\s+at |node:internal|Error: [A-Z]+:|Unhandled 'error'/);
  expect(r.stderr.split('\n').filter(Boolean).length).toBeLessThanOrEqual(3);
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'uebac-errors-'));
  bundle = join(tmp, 'bundle');
  const r = cli(['compile', 'content', '-o', bundle]);
  expect(r.status, r.stderr).toBe(0);
});
afterAll(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

describe('input and output problems are clean messages with exit 2', () => {
  it('a directory given as a log file (EISDIR)', () => {
    expectClean(cli(['run', '--bundle', bundle, '--state', ':memory:', '-q', 'examples']), 'examples');
  });

  it('validate of a directory that does not exist (ENOENT scandir)', () => {
    const r = cli(['validate', join(tmp, 'no-such-content')]);
    expectClean(r, 'no-such-content');
  });

  it('--rejects into a missing directory is created, not an unhandled error event', () => {
    const rejects = join(tmp, 'new-dir', 'rejects.jsonl');
    const r = cli(['parse', '--bundle', bundle, '--rejects', rejects, SAMPLE]);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(rejects, 'utf8')).not.toBe('');
  });

  it('--rejects below a regular file (ENOTDIR)', () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    expectClean(cli(['parse', '--bundle', bundle, '--rejects', join(file, 'rejects.jsonl'), SAMPLE]), 'a-file');
  });

  it('--state below a regular file (EEXIST from mkdir)', () => {
    const file = join(tmp, 'state-file');
    writeFileSync(file, 'x');
    expectClean(cli(['run', '--bundle', bundle, '--state', join(file, 'state.db'), '-q', SAMPLE]), 'state-file');
  });

  it('--state that is not a database names the file and says what to do', () => {
    const state = join(tmp, 'not-a-db.db');
    writeFileSync(state, 'this is not sqlite\n'.repeat(100));
    const r = cli(['run', '--bundle', bundle, '--state', state, '-q', SAMPLE]);
    expectClean(r, 'not-a-db.db');
    expect(r.stderr).toMatch(/--fresh|another/);
  });

  it('a .gz input that is not gzip names the file', () => {
    const fake = join(tmp, 'fake.log.gz');
    writeFileSync(fake, readFileSync(SAMPLE));
    expectClean(cli(['run', '--bundle', bundle, '--state', ':memory:', '-q', fake]), 'fake.log.gz');
    const real = join(tmp, 'real.log.gz');
    writeFileSync(real, gzipSync(readFileSync(SAMPLE)));
    expect(cli(['run', '--bundle', bundle, '--state', ':memory:', '-q', real]).status).toBe(0);
  });

  it('--state under /proc fails at once instead of spinning', () => {
    const started = Date.now();
    const r = cli(['run', '--bundle', bundle, '--state', '/proc/x/y.db', '-q', SAMPLE]);
    expectClean(r, '/proc/x');
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('a missing bundle and an unknown option are usage errors', () => {
    expectClean(cli(['run', '--bundle', join(tmp, 'nope'), '--state', ':memory:', '-q', SAMPLE]), 'nope');
    const r = cli(['run', '--no-such-option', SAMPLE]);
    expect(r.status).toBe(2);
  });

  it('--debug adds the stack trace', () => {
    const r = cli(['run', '--debug', '--bundle', bundle, '--state', ':memory:', '-q', 'examples']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

describe('uebac run output', () => {
  it('writes records to stdout without --out, the summary to stderr', () => {
    const r = cli(['run', '--bundle', bundle, '--state', ':memory:', SAMPLE]);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(10);
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
    expect(r.stderr).toContain('lines read');
  });

  it('ends quietly when the reader closes the pipe (EPIPE)', async () => {
    const child = spawn(process.execPath, [BIN, 'run', '--bundle', bundle, '--state', ':memory:', '-q', join(ROOT, 'examples/sample/officescan.log'), SAMPLE], { cwd: ROOT });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += String(d); });
    await new Promise<void>((done) => child.stdout.once('data', () => { child.stdout.destroy(); done(); }));
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('rejects name their file and the line within it', () => {
  it('parse --rejects over two files', () => {
    const a = join(tmp, 'a.log');
    const b = join(tmp, 'b.log');
    writeFileSync(a, 'junk one\njunk two\n');
    writeFileSync(b, 'junk three\n');
    const rejects = join(tmp, 'two.jsonl');
    const r = cli(['parse', '--bundle', bundle, '--rejects', rejects, a, b]);
    const rows = readFileSync(rejects, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { file: string; line: number });
    expect(rows.map((x) => [x.file, x.line])).toEqual([[a, 1], [a, 2], [b, 1]]);
    expect(r.status).toBe(1); // all of it is junk: see the non-log check
  });
});

describe('input that is mostly not log lines is a failure', () => {
  it('package-lock.json given to run exits 1 with a message', () => {
    const r = cli(['run', '--bundle', bundle, '--state', ':memory:', '-q', 'package-lock.json']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/package-lock\.json.*not log lines|not log lines.*package-lock\.json/s);
  });

  it('a binary file given to run exits 1; the share is configurable', () => {
    const bin = join(tmp, 'binary.dat');
    writeFileSync(bin, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256)));
    expect(cli(['run', '--bundle', bundle, '--state', ':memory:', '-q', bin]).status).toBe(1);
    expect(cli(['run', '--bundle', bundle, '--state', ':memory:', '-q', '--max-unreadable', '1', bin]).status).toBe(0);
  });

  it('the real sample passes the check', () => {
    mkdirSync(join(tmp, 'ok'), { recursive: true });
    expect(cli(['run', '--bundle', bundle, '--state', ':memory:', '-q', '--out', join(tmp, 'ok', 'r.jsonl'), SAMPLE]).status).toBe(0);
  });
});
