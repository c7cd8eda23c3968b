// Time sanity: one forged timestamp far in the future is quarantined as a counted reject and
// changes nothing else: the same records as without it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileTimeFormat } from '../../runtime/formats/timeformat.ts';
import type { Program } from '../../runtime/program.ts';
import { runPipeline } from '../../runtime/run.ts';
import { TIME_HORIZON, TimeGuard } from '../../runtime/time-guard.ts';
import { compileTexts, contentTexts, loadCompiled, ROOT, tempDir } from '../compiler/helpers.ts';

let program: Program;
let dir: string;
let lines: string[];

beforeAll(async () => {
  const { ir } = compileTexts(contentTexts());
  program = (await loadCompiled(ir!)).program;
  dir = tempDir();
  lines = readFileSync(join(ROOT, 'examples/sample/usb.log'), 'utf8').split('\n').filter((l) => l !== '');
});

async function run(input: string[]) {
  const file = join(dir, `in-${Math.random().toString(36).slice(2)}.log`);
  writeFileSync(file, input.join('\n') + '\n');
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}.jsonl`);
  const summary = await runPipeline(program, { inputs: [file], out, state: ':memory:', resume: false, bundleHash: 'test' });
  // The header and summary records carry the input name and the reject counts: compare the rest.
  const records = readFileSync(out, 'utf8').split('\n').filter((l) => l !== '' && !/^\{"type":"(header|summary)"/.test(l)).map((l) => l.split(file).join('INPUT'));
  return { summary, records };
}

describe('time sanity', () => {
  it('TimeGuard: an outlier far ahead is rejected, a confirmed jump (quiet weekend) is kept in order, the horizon always holds', () => {
    const t0 = Date.UTC(2026, 9, 1);
    const H = 3_600_000;
    const feed = (times: number[]) => {
      const g = new TimeGuard<number>(24);
      const out: number[] = [];
      const rejected: string[] = [];
      for (const t of times) g.offer(t, t, (x) => out.push(x), (r) => rejected.push(r));
      g.flush((r) => rejected.push(r));
      return { out, rejected, watermark: g.watermark };
    };
    expect(feed([t0, t0 + H, t0 + 400 * H, t0 + 2 * H])).toEqual({ out: [t0, t0 + H, t0 + 2 * H], rejected: ['time-far-ahead'], watermark: t0 + 2 * H });
    expect(feed([t0, t0 + 60 * H, t0 + 61 * H])).toEqual({ out: [t0, t0 + 60 * H, t0 + 61 * H], rejected: [], watermark: t0 + 61 * H });
    expect(feed([t0, t0 + 60 * H])).toEqual({ out: [t0], rejected: ['time-far-ahead'], watermark: t0 }); // nothing confirms it
    expect(feed([TIME_HORIZON, t0])).toEqual({ out: [t0], rejected: ['time-out-of-range'], watermark: t0 }); // a forged first event too
    expect(feed([t0, t0 - 30 * 24 * H])).toMatchObject({ out: [t0, t0 - 30 * 24 * H], rejected: [] }); // late events are the engine's business
  });

  it.each([
    ['a year-9999 rt', (l: string) => l.replace(/rt=\w+ \d+ \d{4}/, 'rt=Dec 31 9999')],
    ['a time two months ahead', (l: string) => l.replace(/rt=Oct (\d+) 2026/, 'rt=Dec $1 2026')],
  ])('one line with %s is rejected as counted and changes no other record', async (_name, forge) => {
    const i = lines.findIndex((l, k) => k > 20 && program.parse(l).ok && /rt=Oct \d+ 2026/.test(l));
    const forged = forge(lines[i]!);
    expect(forged).not.toBe(lines[i]);
    expect(program.parse(forged).ok).toBe(true); // it parses: only the time is wrong
    // The clean run has an unparseable line in its place, so line numbers in evidence agree.
    const clean = await run([...lines.slice(0, i), 'not a log line', ...lines.slice(i + 1)]);
    const attacked = await run([...lines.slice(0, i), forged, ...lines.slice(i + 1)]);
    const reason = Object.keys(attacked.summary.rejected).find((k) => k.startsWith('time-'));
    expect(reason).toBeDefined();
    expect(attacked.summary.rejected[reason!]).toBe(1);
    expect(attacked.summary.events).toBe(clean.summary.events);
    expect(attacked.records.length).toBeGreaterThan(10);
    expect(attacked.records).toEqual(clean.records);
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
