// Incremental checkpoints (runtime/state.ts): a checkpoint writes only the keyed entries changed
// since the last one; a run interrupted after several of them resumes to the same records as an
// uninterrupted run; a state file written whole (the earlier format) still loads.
import Database from 'better-sqlite3';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { usbWriteLine } from '../../bench/corpus.ts';
import { Engine, type Scope } from '../../runtime/engine.ts';
import { Instance } from '../../runtime/models.ts';
import type { Program } from '../../runtime/program.ts';
import { RecencyMap } from '../../runtime/recency.ts';
import { runPipeline } from '../../runtime/run.ts';
import { StateStore } from '../../runtime/state.ts';
import { keyedStores } from '../../runtime/stores/engine-state.ts';
import { endFlatRow, readFlatRow, startFlatRow, type RowCodec } from '../../runtime/stores/rows.ts';
import { EntryMap, ScopeMap } from '../../runtime/stores/scopes.ts';
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

function keyedRows(state: string): Array<{ store: string; gen: number; kind: number; deletes: number; entries: number }> {
  const db = new Database(state, { readonly: true });
  try {
    return (db.prepare('SELECT store, gen, deletes, data FROM keyed_rows').all() as Array<{ store: string; gen: number; deletes: number; data: string }>)
      .map((r) => {
        const data = JSON.parse(r.data) as unknown[];
        // deleted keys: one per item; flat rows of entries say how many they hold
        const entries = r.deletes === 1 ? data.length : r.deletes === 3 ? readFlatRow(data, () => {}) : data.length / 2;
        return { store: r.store, gen: r.gen, kind: r.deletes, deletes: r.deletes === 1 ? 1 : 0, entries };
      });
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
      // every entry of the store in one flat row, as a checkpoint writes it, read back
      const row = startFlatRow(s.codec);
      const expected: unknown[] = [];
      let last = 0;
      s.map.forEachStamped((key, value, stamp) => {
        row.out.push(stamp - last);
        last = stamp;
        s.codec.write(key, value, row);
        expected.push([stamp, JSON.parse(JSON.stringify(s.encode(key, value)))]);
      });
      const read: unknown[] = [];
      readFlatRow(JSON.parse(JSON.stringify(endFlatRow(row, expected.length))), (stamp, entry) => read.push([stamp, entry]));
      expect(read).toEqual(expected);
      checked += read.length;
    }
    for (const scope of engine.sessions.values()) if (scope.counters.some((c) => c !== undefined)) withCounters++;
    expect(checked).toBeGreaterThan(500);
    expect(withCounters).toBeGreaterThan(0);
  });
});

describe('flat rows', () => {
  /** entries written into one flat row by `codec`, serialised, read back: stamps and snapshot forms */
  function roundTrip<V>(store: { codec: RowCodec<V>; encode(key: string, value: V): unknown }, entries: Array<[string, V]>) {
    const row = startFlatRow(store.codec);
    entries.forEach(([key, value], i) => {
      row.out.push(i === 0 ? 5 : 3); // stamps 5, 8, 11, …
      store.codec.write(key, value, row);
    });
    const read: unknown[] = [];
    readFlatRow(JSON.parse(JSON.stringify(endFlatRow(row, entries.length))), (stamp, entry) => read.push([stamp, entry]));
    expect(read).toEqual(entries.map(([key, value], i) => [5 + 3 * i, JSON.parse(JSON.stringify(store.encode(key, value)))]));
  }

  it('scopes read back exactly, whatever their id, times, counters, pending trainings and types', () => {
    const base: Scope = { id: 'u1-20261001080000', entity: 'u1', start: 1_790_841_600_000, end: 1_790_841_660_000, score: 2.5, initialScore: 1, events: 3, rules: ['r1', 'r2'], fired: new Set([4, 1]), counters: [] };
    const counters: Scope['counters'] = [];
    counters[1] = new Map([['a', 2], ['b', 1]]);
    counters[3] = new Set(['x']);
    counters[4] = { total: 7 };
    counters[6] = undefined;
    roundTrip(new ScopeMap('sessions', 'user'), [
      ['u1', base],
      ['u2', { ...base, entity: 'u2', id: 'other-id', end: 1_790_841_600_000.5, counters }], // an id not after its entity, a fractional end
      ['u3', { ...base, entity: 'u3', id: 'u3', start: 0.25, end: 3, pending: new Map([[2, { scope: 'h1', feature: ['a', 'b'] }]]), types: new Set<number>(), lastEvent: 9 }],
      ['', { ...base, entity: '', id: '-x', rules: [], fired: new Set<number>(), types: new Set([0, 5]) }],
    ]);
  });

  it('plain entries read back exactly: counts with gaps, records of the same or other fields, anything else as JSON', () => {
    const days: number[] = [];
    days[2] = 1;
    days[7] = 0;
    roundTrip(new EntryMap<unknown>('history', 'user'), [
      ['a', days], ['b', []], ['c', [1, 'x']], ['d', { end: 5, score: 0 }], ['e', { end: 6, score: -1.5 }], ['f', { score: 1, end: 2 }],
      ['g', { end: 7, score: 0 }], ['h', { end: undefined, score: 1 }], ['i', { nested: { x: 1 } }], ['j', 'text'], ['k', null], ['l', 4], ['m', {}],
    ]);
  });

  it('model instances and seen-anywhere values read back exactly', () => {
    const engine = new Engine(program, { rule() {}, scope() {} });
    const stores = keyedStores(engine);
    const instances = stores.find((s) => s.name.startsWith('models/'))!;
    const anywhere = stores.find((s) => s.name.startsWith('anywhere/'))!;
    const inst = new Instance();
    inst.n = 3; inst.sum = 1.5; inst.sumSq = 0.75; inst.agedDay = 20727; inst.bins = new Map([['k1', 2 * 2 ** 20 + 20727], ['k2', 2 ** 20 + 20720]]);
    roundTrip(instances, [['scope-a', inst], ['scope-b', new Instance()]]);
    roundTrip(anywhere, [['v1', 1], ['v2', 20727]]);
  });
});

/** A flat row's entries as a row of an earlier kind: 0 (snapshot entries) or, for scopes, 2 (compact scope rows). */
function earlierRow(data: unknown[]): { kind: number; data: unknown[] } {
  const scopes = data[0] === 'scope';
  const out: unknown[] = [];
  readFlatRow(data, (stamp, entry) => {
    if (!scopes) return out.push(stamp, entry);
    const j = entry as Record<string, unknown>;
    const counters = j.counters as unknown[];
    const packed: unknown[] = [counters.length];
    counters.forEach((c, i) => { if (c !== null) packed.push(i, c); });
    return out.push(stamp, [j.entity, j.id, j.start, j.end, j.score, j.initialScore, j.events, j.rules, j.fired, packed, j.pending ?? 0, j.types ?? 0, j.lastEvent ?? null]);
  });
  return { kind: scopes ? 2 : 0, data: out };
}

describe('incremental checkpoints', () => {
  it('a state whose keyed rows are of the earlier kinds loads to the same state and continues to the same records', async () => {
    const state = join(dir, 'flat.db');
    await run([usb], state);
    const earlier = join(dir, 'earlier.db');
    copyFileSync(state, earlier);
    const db = new Database(earlier);
    const rows = db.prepare('SELECT rowid, data FROM keyed_rows WHERE deletes = 3').all() as Array<{ rowid: number; data: string }>;
    const update = db.prepare('UPDATE keyed_rows SET deletes = ?, data = ? WHERE rowid = ?');
    for (const r of rows) {
      const old = earlierRow(JSON.parse(r.data) as unknown[]);
      update.run(old.kind, JSON.stringify(old.data), r.rowid);
    }
    expect(new Set(keyedRows(earlier).map((r) => r.kind))).toEqual(new Set([0, 1, 2]));
    db.close();
    const sa = new StateStore(state);
    const sb = new StateStore(earlier);
    expect(sb.load()!.state).toEqual(sa.load()!.state);
    sa.close();
    sb.close();
    const a = await run([more], state);
    const b = await run([more], earlier);
    const strip = (t: string) => t.split('\n').filter((l) => l.includes('"type":"rule"') || l.includes('"type":"session"')).join('\n');
    expect(strip(b.records)).toEqual(strip(a.records));
    expect(strip(a.records).length).toBeGreaterThan(0);
  });


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
