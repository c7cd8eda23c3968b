// Time sanity: a forged timestamp far in the future is quarantined as a counted reject and
// changes nothing else (the same records as without it); a genuine jump of the whole stream is
// accepted; a jump at the end of a batch waits in the state for the next one.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileTimeFormat } from '../../runtime/formats/timeformat.ts';
import type { Program } from '../../runtime/program.ts';
import { runPipeline } from '../../runtime/run.ts';
import { CONFIRM_EVENTS, REFUTE_EVENTS, TIME_HORIZON, TimeGuard } from '../../runtime/time-guard.ts';
import { compileTexts, contentTexts, loadCompiled, ROOT, tempDir } from '../compiler/helpers.ts';

let program: Program;
let dir: string;
let usb: string[];
let office: string[];

beforeAll(async () => {
  const { ir } = compileTexts(contentTexts());
  program = (await loadCompiled(ir!)).program;
  dir = tempDir();
  const read = (f: string) => readFileSync(join(ROOT, 'examples/sample', f), 'utf8').split('\n').filter((l) => l !== '');
  usb = read('usb.log');
  office = read('officescan.log');
});

const H = 3_600_000;
const t0 = Date.UTC(2026, 9, 1);

/** Feeds (time, user, host) triples through a guard; returns what was taken, in order, and the rejects. */
function feed(events: Array<[number, string?, string?]>, opts: { end?: boolean } = {}) {
  const g = new TimeGuard<number>({ maxAheadHours: 24, hostFields: ['host'] });
  const out: number[] = [];
  const rejected: string[] = [];
  events.forEach(([time, user, host], i) => g.offer(i, { time, user, host }, (x) => out.push(x), (r) => rejected.push(r)));
  const held = [...g.pending];
  if (opts.end !== false) g.flush((r) => rejected.push(r), (x) => out.push(x));
  return { out, rejected, held, watermark: g.watermark };
}

describe('TimeGuard', () => {
  const normal = (n: number, from = 1): Array<[number, string, string]> => Array.from({ length: n }, (_, k) => [t0 + (from + k) * 60_000, `u${k % 5}`, `h${k % 5}`]);

  it('an outlier far ahead is refuted by the events back near the watermark; they are processed in input order', () => {
    const r = feed([[t0, 'a', 'h'], [t0 + 400 * H, 'eve', 'he'], ...normal(REFUTE_EVENTS)], { end: false });
    expect(r.rejected).toEqual(['time-far-ahead']);
    expect(r.out).toEqual(Array.from({ length: REFUTE_EVENTS + 1 }, (_, k) => (k === 0 ? 0 : k + 1)));
    expect(r.held).toEqual([]); // decided before the stream ended
  });

  it('two (or seven) forged lines in a row from one user on one host do not confirm each other', () => {
    for (const copies of [2, CONFIRM_EVENTS - 1]) {
      const forged = Array.from({ length: copies }, (_, k): [number, string, string] => [t0 + 400 * H + k, 'eve', 'he']);
      const r = feed([[t0, 'a', 'h'], ...forged, ...normal(REFUTE_EVENTS)]);
      expect(r.rejected).toEqual(Array(copies).fill('time-far-ahead'));
      expect(r.out).toHaveLength(1 + REFUTE_EVENTS);
      expect(r.watermark).toBeLessThan(t0 + H);
    }
  });

  it('a jump is confirmed by events near the new time from two other users on two other hosts, and kept in order', () => {
    const r = feed([[t0, 'a', 'h'], [t0 + 60 * H, 'b', 'h1'], [t0 + 60 * H + 1, 'c', 'h2'], [t0 + 60 * H + 2, 'd', 'h3']], { end: false });
    expect(r).toMatchObject({ out: [0, 1, 2, 3], rejected: [], watermark: t0 + 60 * H + 2 });
    // Another user on the same host is not independent evidence; another host of the same user neither.
    expect(feed([[t0, 'a', 'h'], [t0 + 60 * H, 'b', 'h1'], [t0 + 60 * H + 1, 'c', 'h1'], [t0 + 60 * H + 2, 'd', 'h1']], { end: false }).held).toHaveLength(3);
    expect(feed([[t0, 'a', 'h'], [t0 + 60 * H, 'b', 'h1'], [t0 + 60 * H + 1, 'b', 'h2'], [t0 + 60 * H + 2, 'b', 'h3']], { end: false }).held).toHaveLength(3);
  });

  it(`a single-source log that jumps is confirmed by ${CONFIRM_EVENTS} events after the jump`, () => {
    const after = Array.from({ length: CONFIRM_EVENTS }, (_, k): [number, string, string] => [t0 + 60 * H + k, 'a', 'h']);
    expect(feed([[t0, 'a', 'h'], [t0 + 60 * H, 'a', 'h'], ...after.slice(1)], { end: false }).held).toHaveLength(CONFIRM_EVENTS);
    expect(feed([[t0, 'a', 'h'], [t0 + 60 * H, 'a', 'h'], ...after], { end: false })).toMatchObject({ rejected: [], held: [] });
  });

  it('where the stream ends, an undecided candidate is rejected and the events after it are processed', () => {
    expect(feed([[t0, 'a', 'h'], [t0 + 60 * H, 'eve', 'he'], [t0 + 2 * H, 'a', 'h']])).toMatchObject({ out: [0, 2], rejected: ['time-far-ahead'], held: [1, 2] });
  });

  it('the hold is bounded, and the held list offered again to a guard at the same watermark is held the same way', () => {
    let r = feed([[t0, 'a', 'h']]);
    const events: Array<[number, string, string]> = [[t0, 'a', 'h']];
    for (let k = 0; k < 200; k++) events.push(k % 2 ? [t0 + k * 1000, 'a', 'h'] : [t0 + 400 * H + k, 'eve', 'he']);
    r = feed(events, { end: false });
    expect(r.held.length).toBeLessThanOrEqual(CONFIRM_EVENTS + REFUTE_EVENTS);
    const again = new TimeGuard<number>({ maxAheadHours: 24, hostFields: ['host'] });
    again.watermark = r.watermark;
    for (const i of r.held) again.offer(i, { time: events[i]![0], user: events[i]![1], host: events[i]![2] }, () => { throw new Error('decided on a replay'); }, () => { throw new Error('decided on a replay'); });
    expect(again.pending).toEqual(r.held);
  });

  it('the horizon always holds (a forged first event too); late events are the engine\'s business', () => {
    expect(feed([[TIME_HORIZON], [t0]])).toMatchObject({ out: [1], rejected: ['time-out-of-range'] });
    expect(feed([[t0], [t0 - 30 * 24 * H]])).toMatchObject({ out: [0, 1], rejected: [] });
  });
});

async function run(input: string[], opts: { state?: string; finish?: boolean; name?: string } = {}) {
  const file = join(dir, opts.name ?? `in-${Math.random().toString(36).slice(2)}.log`);
  writeFileSync(file, input.join('\n') + '\n');
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}.jsonl`);
  const summary = await runPipeline(program, { inputs: [file], out, state: opts.state ?? ':memory:', resume: false, finish: opts.finish, bundleHash: 'test' });
  // The header and summary records carry the input name and the reject counts: compare the rest.
  const records = readFileSync(out, 'utf8').split('\n').filter((l) => l !== '' && !/^\{"type":"(header|summary)"/.test(l)).map((l) => l.split(file).join('INPUT'));
  return { summary, records };
}

const userOf = (l: string) => /duser=CORP\\\\([\w.]+)/.exec(l)?.[1];

describe('time sanity in uebac run', () => {
  it.each([
    ['a year-9999 rt', (l: string) => l.replace(/rt=\w+ \d+ \d{4}/, 'rt=Dec 31 9999')],
    ['a time two months ahead', (l: string) => l.replace(/rt=Oct (\d+) 2026/, 'rt=Dec $1 2026')],
    ['a 16-digit (µs) epoch two months ahead', (l: string) => l.replace(/rt=\w+ \d+ \d{4} [\d:]+ GMT\+00:00/, `rt=${Date.UTC(2026, 11, 20) * 1000}`)],
  ])('one line with %s: the user keeps her sessions and rule firings, other users are unaffected', async (_name, forge) => {
    // The user with the most events in the demo log, forged early in her history.
    const counts = new Map<string, number>();
    for (const l of office) { const u = userOf(l); if (u) counts.set(u, (counts.get(u) ?? 0) + 1); }
    const user = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
    const i = office.findIndex((l, k) => k > 100 && userOf(l) === user && /rt=Oct \d+ 2026/.test(l) && program.parse(l).ok);
    const forged = forge(office[i]!);
    expect(forged).not.toBe(office[i]);
    expect(program.parse(forged).ok).toBe(true); // it parses: only the time is wrong
    // The clean run has an unparseable line in its place, so line numbers in evidence agree.
    const clean = await run([...office.slice(0, i), 'not a log line', ...office.slice(i + 1)]);
    const attacked = await run([...office.slice(0, i), forged, ...office.slice(i + 1)]);
    const reason = Object.keys(attacked.summary.rejected).find((k) => k.startsWith('time-'));
    expect(reason).toBeDefined();
    expect(attacked.summary.rejected[reason!]).toBe(1);
    expect(attacked.summary.events).toBe(clean.summary.events);
    const hers = (records: string[]) => records.filter((r) => r.includes(`"user":"${user}`) || r.includes(`${user}@`)).length;
    expect(hers(clean.records)).toBeGreaterThan(10);
    expect(hers(attacked.records)).toBe(hers(clean.records));
    expect(attacked.records).toEqual(clean.records);
  });

  it('two forged lines in a row, and a line without a time after a forged one, change no other record', async () => {
    const i = usb.findIndex((l, k) => k > 20 && program.parse(l).ok && /rt=Oct \d+ 2026/.test(l));
    const forged = usb[i]!.replace(/rt=Oct (\d+) 2026/, 'rt=Dec $1 2026');
    // A Deep Security line with no time at all takes the previous event's: it must not take the forged one.
    const timeless = office.find((l) => l.startsWith('LEEF:') && l.includes('devTime='))!.replace(/devTime=[^^]*\^/, '');
    program.setTimeAnchor(null);
    program.parse(usb[0]!);
    expect(program.parse(timeless)).toMatchObject({ ok: true, event: { time_source: 'previous-event' } });
    const clean = await run([...usb.slice(0, i), 'not a log line', 'not a log line', timeless, ...usb.slice(i + 1)]);
    const attacked = await run([...usb.slice(0, i), forged, forged, timeless, ...usb.slice(i + 1)]);
    expect(attacked.summary.rejected['time-far-ahead']).toBe(2);
    expect(attacked.summary.events).toBe(clean.summary.events);
    expect(attacked.records).toEqual(clean.records);
  });

  it('a genuine clock jump of the whole stream (30 days) is accepted: nothing rejected', async () => {
    const shift = (l: string) => l.replace(/(rt|devTime)=Oct (\d+) 2026/, (_m, k: string, d: string) => `${k}=Nov ${d} 2026`).replace(/^<134>Oct/, '<134>Nov');
    const half = 1200;
    const jumped = await run([...office.slice(0, half), ...office.slice(half).map(shift)]);
    const plain = await run(office);
    expect(Object.keys(jumped.summary.rejected).filter((k) => k.startsWith('time-'))).toEqual([]);
    expect(jumped.summary.events).toBe(plain.summary.events);
  });

  it('a jump at the end of a batch waits in the state: two batches give the records of one run; where the stream ends it is counted', async () => {
    const shift = (l: string) => l.replace(/rt=Oct (\d+) 2026/, (_m, d: string) => `rt=Nov ${d} 2026`);
    const first = office.slice(0, 1200);
    const jump = office.slice(1200, 1400).map(shift);
    const cut = 2; // the batch ends two lines after the jump: not enough to confirm it
    const whole = await run([...first, ...jump], { state: join(dir, 'one.db'), name: 'whole.log' });
    const state = join(dir, 'two.db');
    const a = await run([...first, ...jump.slice(0, cut)], { state, name: 'part-a.log' });
    expect(a.summary.notes.join(' ')).toMatch(/events after a time jump wait in the state/);
    expect(Object.keys(a.summary.rejected).filter((k) => k.startsWith('time-'))).toEqual([]);
    const b = await run(jump.slice(cut), { state, name: 'part-b.log' });
    expect(Object.keys(b.summary.rejected).filter((k) => k.startsWith('time-'))).toEqual([]);
    expect(a.summary.events + b.summary.events).toBe(whole.summary.events);
    const strip = (r: string[]) => r.map((x) => x.replace(/"source":\{[^}]*\},?/g, ''));
    expect(strip([...a.records, ...b.records])).toEqual(strip(whole.records));
    // Without a persistent state the stream really ends there: the jump is a counted reject, the line after it processed.
    const ends = await run([...first, ...jump.slice(0, cut)]);
    expect(ends.summary.rejected['time-far-ahead']).toBe(1);
    expect(ends.summary.events + ends.summary.rejected['time-far-ahead']! + (ends.summary.rejected['no-parser'] ?? 0)).toBeLessThanOrEqual(ends.summary.lines);
  });

  it('epochs in s, ms, µs and ns are recognised by their number of digits', () => {
    const epoch = compileTimeFormat('epoch');
    const ms = Date.UTC(2026, 9, 1, 8, 5, 52, 123);
    expect(epoch(String(ms))).toBe(ms);
    expect(epoch(`${Math.floor(ms / 1000)}.123`)).toBe(ms);
    expect(epoch(`${ms}456`)).toBe(ms);
    expect(epoch(`${ms}456789`)).toBe(ms);
  });
});
