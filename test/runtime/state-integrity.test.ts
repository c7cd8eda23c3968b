// State integrity: one run per state file, and a state that is empty, damaged or invalid is
// an error (with what to do) unless --fresh; checkpoints are stored in rows, not one string.
import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Program } from '../../runtime/program.ts';
import { runPipeline } from '../../runtime/run.ts';
import { StateError, StateStore, type Checkpoint } from '../../runtime/state.ts';
import { compileTexts, contentTexts, loadCompiled, ROOT, tempDir } from '../compiler/helpers.ts';

let SAMPLE: string;
let program: Program;
let dir: string;

beforeAll(async () => {
  const { ir } = compileTexts(contentTexts());
  program = (await loadCompiled(ir!)).program;
  dir = tempDir();
  // The first 400 lines of the sample: enough state to checkpoint, quick to run many times.
  SAMPLE = join(dir, 'sample.log');
  writeFileSync(SAMPLE, readFileSync(join(ROOT, 'examples/sample/officescan.log'), 'utf8').split('\n').slice(0, 400).join('\n') + '\n');
});

let n = 0;
async function run(state: string, extra: { fresh?: boolean } = {}) {
  const out = join(dir, `out-${++n}.jsonl`);
  const summary = await runPipeline(program, { inputs: [SAMPLE], out, state, resume: false, fresh: extra.fresh, bundleHash: 'test' });
  return { summary, records: readFileSync(out, 'utf8') };
}

/** A state file written by a complete run over the sample. */
async function goodState(name: string): Promise<string> {
  const state = join(dir, name);
  await run(state);
  return state;
}

describe('state lock', () => {
  it('refuses a second run on a state file in use, with the owner in the message', async () => {
    const state = join(dir, 'locked.db');
    const holder = new StateStore(state);
    try {
      await expect(run(state)).rejects.toThrow(new RegExp(`in use by process ${process.pid}`));
      expect(() => new StateStore(state)).toThrow(StateError);
    } finally {
      holder.close();
    }
    const ok = await run(state); // released on close
    expect(ok.summary.events).toBeGreaterThan(0);
  });

  it('takes over a lock left by a process that no longer exists', async () => {
    const state = join(dir, 'stale.db');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(`${state}.lock`, `${dead}\n`);
    const r = await run(state);
    expect(r.summary.events).toBeGreaterThan(0);
  });

  it.runIf(existsSync('/proc/self/stat'))('takes over a lock whose owner is a zombie (killed, not reaped yet) or whose pid now names a later process', async () => {
    // The child exits after its parent has exec'd into `sleep 60`, which never reaps it, so it
    // stays a zombie. (A child that exited before the exec could be reaped by the shell.)
    const parent = spawn('sh', ['-c', 'sleep 2 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombie = Number((await new Promise<Buffer>((r) => parent.stdout.once('data', r))).toString().trim());
      for (let i = 0; i < 400 && !/\) Z /.test(readFileSync(`/proc/${zombie}/stat`, 'utf8')); i++) await new Promise((r) => setTimeout(r, 50));
      expect(readFileSync(`/proc/${zombie}/stat`, 'utf8')).toMatch(/\) Z /);
      const state = join(dir, 'zombie.db');
      writeFileSync(`${state}.lock`, `${zombie}\n`);
      expect((await run(state)).summary.events).toBeGreaterThan(0);
    } finally {
      parent.kill('SIGKILL');
    }
    // A live pid (this process) with another start time: the process that wrote the lock is gone.
    const reused = join(dir, 'reused.db');
    writeFileSync(`${reused}.lock`, `${process.pid} 1\n`);
    expect((await run(reused)).summary.events).toBeGreaterThan(0);
  });
});

describe('damaged or invalid state files', () => {
  const cases: Array<[string, (state: string) => void | Promise<void>, RegExp]> = [
    ['zero-length', (s) => writeFileSync(s, ''), /is empty \(0 bytes\)/],
    ['garbage bytes', (s) => writeFileSync(s, 'this is not a database at all, just text\n'.repeat(200)), /cannot be used \(SQLite: /],
    ['a foreign SQLite database', (s) => { const db = new Database(s); db.exec('CREATE TABLE users (name TEXT)'); db.close(); }, /no uebac checkpoint/],
    ['truncated', async (s) => { await run(s, { fresh: true }); truncateSync(s, Math.floor(statSync(s).size / 3)); }, /state file .* (cannot be used|is damaged|is invalid)/],
    ['{} as the position', async (s) => { await run(s, { fresh: true }); const db = new Database(s); db.prepare("UPDATE checkpoint SET position = '{}'").run(); db.close(); }, /is invalid: position\.file is undefined/],
    ['garbage JSON in the state rows', async (s) => { await run(s, { fresh: true }); const db = new Database(s); db.prepare("UPDATE state_rows SET data = '{not json' WHERE part = ''").run(); db.close(); }, /is damaged \(.*JSON/],
    ['a negative output offset', async (s) => {
      await run(s, { fresh: true });
      const db = new Database(s);
      const p = JSON.parse((db.prepare('SELECT position FROM checkpoint').get() as { position: string }).position) as Record<string, unknown>;
      db.prepare('UPDATE checkpoint SET position = ?').run(JSON.stringify({ ...p, outputOffset: -5 }));
      db.close();
    }, /position\.outputOffset is -5/],
    ['a keyed row cut short', async (s) => {
      await run(s, { fresh: true });
      const db = new Database(s);
      const r = db.prepare("SELECT rowid, data FROM keyed_rows WHERE deletes = 3 AND store = 'sessions'").get() as { rowid: number; data: string };
      const data = JSON.parse(r.data) as unknown[];
      db.prepare('UPDATE keyed_rows SET data = ? WHERE rowid = ?').run(JSON.stringify(data.slice(0, data.length - 3)), r.rowid);
      db.close();
    }, /is damaged \(a flat row ends inside an entry\)/],
    ['a keyed row of a kind this version does not know', async (s) => { await run(s, { fresh: true }); const db = new Database(s); db.exec("UPDATE keyed_rows SET deletes = 7 WHERE store = 'sessions'"); db.close(); }, /keyed row of sessions is of unknown kind 7 \(written by a newer uebac\?\)/],
    ['a flat row of a layout this version does not know', async (s) => { await run(s, { fresh: true }); const db = new Database(s); db.exec("UPDATE keyed_rows SET data = '[\"columns\",0]' WHERE store = 'sessions' AND deletes = 3"); db.close(); }, /flat row of unknown layout "columns" \(written by a newer uebac\?\)/],
    ['missing state rows', async (s) => { await run(s, { fresh: true }); const db = new Database(s); db.exec('DELETE FROM state_rows'); db.close(); }, /engine state rows are missing/],
  ];
  it.each(cases)('%s → a clear error, and --fresh starts over', async (name, damage, message) => {
    const state = join(dir, `bad-${name.replace(/\W+/g, '-')}.db`);
    await damage(state);
    const err = await run(state).then(() => null, (e: unknown) => e as Error);
    expect(err, 'the run must fail').toBeInstanceOf(StateError);
    expect(err!.message).toMatch(message);
    expect(err!.message).toContain('--fresh');
    const fresh = await run(state, { fresh: true });
    expect(fresh.summary.events).toBeGreaterThan(0);
    expect((await run(state)).summary.lines).toBeGreaterThanOrEqual(0); // usable again (and unlocked)
  });
});

describe('checkpoint rows', () => {
  it('stores large parts in rows of bounded size and restores them exactly', async () => {
    const state = join(dir, 'rows.db');
    const store = new StateStore(state);
    const sessions = Array.from({ length: 12_345 }, (_, i) => ({ entity: `user${i}`, start: i, fired: [1, 2] }));
    const c: Checkpoint = {
      bundleHash: 'h',
      position: { file: 0, identity: 'x', offset: 10, outputOffset: 20, lines: 3 },
      summary: { lines: 3 },
      state: { sessions, sequences: [], assets: [], history: [], lastSession: [], firedByRule: [0], counters: {}, modelCounters: {}, internal: {}, models: [sessions.map((s) => [s.entity, 1])], anywhere: [[]] },
    };
    store.save(c);
    expect(store.load()).toEqual(c);
    store.close();
    const db = new Database(state, { readonly: true });
    const rows = db.prepare('SELECT part, length(data) AS len FROM state_rows').all() as Array<{ part: string; len: number }>;
    db.close();
    expect(rows.length).toBeGreaterThan(10);
    const whole = JSON.stringify(c.state).length;
    expect(Math.max(...rows.map((r) => r.len))).toBeLessThan(whole / 5);
  });

  it('a real run resumes from its rows: two batches equal one', async () => {
    const state = await goodState('resume.db');
    const again = await run(state); // same input again: already consumed, state loads cleanly
    expect(again.summary.notes.join(' ')).toMatch(/already consumed/);
  });
});
