// Incremental checkpoints (runtime/state.ts): a checkpoint writes only the keyed entries changed
// since the last one; a run interrupted after several of them resumes to the same records as an
// uninterrupted run; a state file written whole (the earlier format) still loads.
import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { usbWriteLine } from '../../bench/corpus.ts';
import { Engine } from '../../runtime/engine.ts';
import type { Program } from '../../runtime/program.ts';
import { RecencyMap } from '../../runtime/recency.ts';
import { runPipeline } from '../../runtime/run.ts';
import { StateStore } from '../../runtime/state.ts';
import { keyedStores } from '../../runtime/stores/engine-state.ts';
import { scopeRow, scopeRowToJson, scopeToJson } from '../../runtime/stores/scopes.ts';
import { compileTexts, contentTexts, loadCompiled, ROOT, tempDir } from '../compiler/helpers.ts';

let program: Program;
let dir: string;
/** ~5 MiB of USB writes over 15 days (several 1 MiB read chunks, so several checkpoints), with new devices and hosts late on */
let usb: string;
let more: string;

const DAY = 86_400_000;
function usbLines(users: number, days: number, firstDay: number, fromHour = 8): string {
  const out: string[] = [];
  for (let d = firstDay; d < firstDay + days; d++) {
    for (let u = 0; u < users; u++) {
      let line = usbWriteLine(u, Date.UTC(2026, 9, 1) + d * DAY + fromHour * 3_600_000 + u * 40_000, d);
      if (d >= 12 && u % 5 === 0) line = line.replace(/cs4=SN\d+/, `cs4=NEW${u}X${d}`);
      if (d >= 13 && u % 3 === 0) line = line.replaceAll(/WS-U(\d+)/g, `LAB-$1-${d % 2}`);
      out.push(line);
    }
  }
  return out.join('\n') + '\n';
}

beforeAll(async () => {
  const { ir } = compileTexts(contentTexts());
  program = (await loadCompiled(ir!)).program;
  dir = tempDir();
  usb = join(dir, 'usb.log');
  writeFileSync(usb, usbLines(600, 15, 0));
  more = join(dir, 'more.log');
  writeFileSync(more, usbLines(20, 1, 14, 15)); // the same day, after the others
});

let n = 0;
async function run(inputs: string[], state: string, opts: { resume?: boolean; fresh?: boolean; crashAfterChunks?: number } = {}) {
  const out = join(dir, `out-${++n}.jsonl`);
  return runTo(out, inputs, state, opts);
}

async function runTo(out: string, inputs: string[], state: string, opts: { resume?: boolean; fresh?: boolean; crashAfterChunks?: number } = {}) {
  let chunks = 0;
  const summary = await runPipeline(program, {
    inputs, out, state, resume: opts.resume ?? false, fresh: opts.fresh, bundleHash: 'test', checkpointEvents: 500, checkpointSeconds: 3600,
    onProgress: () => { if (opts.crashAfterChunks !== undefined && ++chunks >= opts.crashAfterChunks) throw new Error('crash'); },
  });
  return { summary, records: readFileSync(out, 'utf8') };
}

function keyedRows(state: string): Array<{ store: string; gen: number; deletes: number; entries: number }> {
  const db = new Database(state, { readonly: true });
  try {
    return (db.prepare('SELECT store, gen, deletes, data FROM keyed_rows').all() as Array<{ store: string; gen: number; deletes: number; data: string }>)
      .map((r) => ({ store: r.store, gen: r.gen, deletes: r.deletes, entries: (JSON.parse(r.data) as unknown[]).length / (r.deletes ? 1 : 2) }));
  } finally {
    db.close();
  }
}

describe('RecencyMap change tracking', () => {
  it('reports deletions of written entries and changed entries, a key deleted and added again as deleted and present, and nothing before tracking starts', () => {
    const m = new RecencyMap<string, number>();
    m.set('a', 1).set('b', 2).set('c', 3);
    expect(m.changeCount).toBe(0);
    m.trackChanges();
    m.touch('a');
    m.delete('b');
    m.set('b', 20);
    m.deleteOldest(); // c
    m.set('d', 4);
    m.delete('d');
    const log: string[] = [];
    m.drainChanges({ deleted: (k) => log.push(`-${k}`), put: (k, v, s) => log.push(`+${k}=${v}@${s}`) });
    // d was added and deleted since tracking started: no checkpoint holds it, nothing to report
    expect(log.filter((x) => x.startsWith('-')).sort()).toEqual(['-b', '-c']);
    const puts = log.filter((x) => x.startsWith('+'));
    expect(puts.map((x) => x.split('@')[0]).sort()).toEqual(['+a=1', '+b=20']);
    // stamps follow recency order: a was touched before b was added again
    const stamp = (k: string) => Number(puts.find((x) => x.startsWith(`+${k}=`))!.split('@')[1]);
    expect(stamp('a')).toBeLessThan(stamp('b'));
    expect([...m.keys()]).toEqual(['a', 'b']);
    expect(m.changeCount).toBe(0);
    m.changed('a');
    expect(m.changeCount).toBe(1);
    // b was written by the drain above: deleting it now is reported
    m.delete('b');
    const again: string[] = [];
    m.drainChanges({ deleted: (k) => again.push(`-${k}`), put: (k) => again.push(`+${k}`) });
    expect(again.sort()).toEqual(['+a', '-b']);
  });
});

describe('entry text', () => {
  it('every scope, instance and entry written as text parses to what its snapshot holds', () => {
    const engine = new Engine(program, { rule() {}, scope() {} });
    for (const line of readFileSync(join(ROOT, 'examples/sample/officescan.log'), 'utf8').split('\n')) {
      const r = program.parse(line);
      if (!r.ok) continue;
      program.enrich(r.event, r.eventType);
      engine.process(r.event, r.eventType);
    }
    let checked = 0;
    let withCounters = 0;
    for (const s of keyedStores(engine)) {
      s.map.forEachStamped((key, value) => {
        const row = JSON.parse(JSON.stringify(s.row(key, value))) as unknown;
        expect(s.rowForm === 'scope' ? scopeRowToJson(row) : row).toEqual(JSON.parse(JSON.stringify(s.encode(key, value))));
        checked++;
      });
    }
    for (const scope of engine.sessions.values()) {
      expect(scopeRowToJson(JSON.parse(JSON.stringify(scopeRow(scope))))).toEqual(JSON.parse(JSON.stringify(scopeToJson(scope))));
      if (scope.counters.some((c) => c !== undefined)) withCounters++;
    }
    expect(checked).toBeGreaterThan(500);
    expect(withCounters).toBeGreaterThan(0);
  });
});

describe('incremental checkpoints', () => {
  it('a checkpoint after a few new lines writes only their entries, and the next batch matches one over a state written whole', async () => {
    const state = join(dir, 'inc.db');
    const first = await run([usb], state);
    expect(first.summary.events).toBe(9000);
    const gens = new Set(keyedRows(state).map((r) => r.gen));
    expect(gens.size, 'several checkpoints appended generations').toBeGreaterThan(2);

    // The same state written whole (as earlier versions wrote every checkpoint), in a file without keyed rows.
    const whole = join(dir, 'whole.db');
    const from = new StateStore(state);
    const to = new StateStore(whole);
    to.save(from.load()!);
    from.close();
    to.close();
    const db = new Database(whole);
    db.exec('DROP TABLE keyed_rows');
    db.close();

    const live = keyedRows(state).reduce((sum, r) => sum + (r.deletes ? 0 : r.entries), 0);
    const before = Math.max(...keyedRows(state).map((r) => r.gen));
    const a = await run([more], state);
    const b = await run([more], whole);
    const strip = (t: string) => t.split('\n').filter((l) => l.includes('"type":"rule"') || l.includes('"type":"session"')).join('\n');
    expect(strip(a.records)).toEqual(strip(b.records));
    expect(a.summary.events).toBe(20);
    const added = keyedRows(state).filter((r) => r.gen > before).reduce((sum, r) => sum + r.entries, 0);
    // 20 users changed (their sessions, sequences, model instances), and sessions idle since the last batch closed
    expect(added).toBeGreaterThan(20);
    expect(added).toBeLessThan(live / 20);
    // the whole-written file now holds keyed rows too, and both load to the same state
    const sa = new StateStore(state);
    const sb = new StateStore(whole);
    expect(sa.load()!.state).toEqual(sb.load()!.state);
    sa.close();
    sb.close();
  });

  it('a run stopped after several incremental checkpoints resumes to exactly the records of an uninterrupted run', async () => {
    const ref = await run([usb], ':memory:');
    for (const crashAt of [2, 4]) {
      const state = join(dir, `crash-${crashAt}.db`);
      const out = join(dir, `crash-${crashAt}.jsonl`);
      await expect(runTo(out, [usb], state, { crashAfterChunks: crashAt })).rejects.toThrow('crash');
      expect(new Set(keyedRows(state).map((r) => r.gen)).size, 'the crash came after incremental generations').toBeGreaterThanOrEqual(crashAt - 1);
      const resumed = await runTo(out, [usb], state, { resume: true });
      expect(resumed.summary.resumedFrom).toBeGreaterThan(0);
      // In-memory runs close every session at the end; the state run leaves them open: compare what both wrote.
      const closed = (t: string) => t.split('\n').filter((l) => l.includes('"type":"rule"') || l.includes('"type":"session"'));
      const full = await run([usb], join(dir, `clean-${crashAt}.db`));
      expect(closed(resumed.records)).toEqual(closed(full.records));
      expect(closed(full.records).length).toBeGreaterThan(1000);
      expect(closed(ref.records).slice(0, 1000)).toEqual(closed(full.records).slice(0, 1000));
    }
  });
});
