// serve under hostile input, with a pack whose memory caps are tiny:
// - events the time guard holds after a forged far-ahead time are in the checkpoint: a
//   kill -9 after it, a restart and the rest of the stream give the records of one
//   uninterrupted `uebac run`;
// - every kind of eviction reaches /metrics (uebac_evictions_total{kind}) with the counts
//   `uebac run` reports in its summary for the same lines.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVICTION_KINDS, evictionKey } from '../../runtime/evictions.ts';
import { mutateLine, Rand } from '../../scripts/fuzz.ts';
import { cli, health, records, ROOT, sendTcp, startServe, stopServe, until, waitProcessed, type Served } from './harness.ts';
import { runRecords } from './reference.ts';

let tmp: string;
let bundle: string;
const sample = readFileSync(join(ROOT, 'examples/sample/officescan.log'), 'utf8').split('\n').filter((l) => l !== '');

/** The pack with caps small enough that 1,200 lines with new entities reach all of them. */
function cappedContent(dir: string): void {
  cpSync(join(ROOT, 'content'), dir, { recursive: true });
  const pack = join(dir, 'pack.yaml');
  const text = readFileSync(pack, 'utf8');
  const capped = text
    .replace(/^(\s+maxOpenSessions:) \d+/m, '$1 5')
    .replace(/^(\s+maxAssetSequences:) \d+/m, '$1 5')
    .replace(/^(\s+riskTransfer:\n\s+enabled:) false/m, '$1 true') // the last-session store exists only with it
    .replace(/^(\s+maxFieldLength:) (\d+)/m, '$1 $2\n    maxModelInstances: 20\n    maxSeenAnywhere: 20\n    maxDaySequences: 10');
  expect(capped).not.toBe(text);
  expect(capped).toMatch(/riskTransfer:\n\s+enabled: true/);
  writeFileSync(pack, capped);
  for (const f of readdirSync(join(dir, 'models'))) {
    const p = join(dir, 'models', f);
    const t = readFileSync(p, 'utf8');
    writeFileSync(p, /^maxBins:/m.test(t) ? t.replace(/^maxBins: .*$/m, 'maxBins: 3') : `${t.trimEnd()}\nmaxBins: 3\n`);
  }
}

/** The sample in order, each line with a new or a reused user, host and device (the fuzzer's `entity` operator). */
function entityStream(n: number): string[] {
  const r = new Rand(11);
  const ctx = { corpus: sample, lineCap: 65536, fieldCap: 65536 };
  return Array.from({ length: n }, (_, i) => mutateLine(r, sample[i % sample.length]!, ctx, ['entity']).mutant as string);
}

/** A line of the sample dated `days` later: far ahead of the stream, so the time guard holds it. */
function forged(line: string, days: number): string {
  const m = /rt=(\w{3} \d{2} \d{4} \d{2}:\d{2}:\d{2}) GMT\+00:00/.exec(line)!;
  const t = new Date(Date.parse(`${m[1]} UTC`) + days * 86_400_000);
  const mon = t.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const stamp = `${mon} ${String(t.getUTCDate()).padStart(2, '0')} ${t.getUTCFullYear()} ${t.toISOString().slice(11, 19)}`;
  return line.replace(m[0], `rt=${stamp} GMT+00:00`);
}

async function metricsText(s: Served): Promise<string> {
  return (await fetch(`http://127.0.0.1:${s.metrics}/metrics`)).text();
}

function metric(text: string, name: string): number {
  const m = new RegExp(`^${name.replace(/[{}"]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'uebac-serve-guard-'));
  const content = join(tmp, 'content');
  cappedContent(content);
  bundle = join(tmp, 'bundle');
  const r = cli(['compile', content, '-o', bundle]);
  expect(r.status, r.stderr).toBe(0);
});
afterAll(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

describe('serve: time guard and memory caps', () => {
  it('events held by the time guard survive a checkpoint and kill -9: the records of an uninterrupted run', async () => {
    // The first part ends with a forged line 40 days ahead and three ordinary lines, all held
    // (nothing has decided on the jump yet); the second part refutes it.
    const stream = entityStream(900);
    const first = [...stream.slice(0, 400), forged(stream[400]!, 40), ...stream.slice(401, 404)];
    const rest = stream.slice(404);
    const expected = runRecords(bundle, tmp, [...first, ...rest], 'guard');

    const dir = join(tmp, 'guard');
    const args = ['--bundle', bundle, '--state', join(dir, 'state.db'), '--tcp', '0', '--checkpoint-lines', '100', '--checkpoint-seconds', '1'];
    const a = await startServe(args);
    await sendTcp(a.tcp[0]!, first, 'lf');
    await waitProcessed(a, first.length);
    // A checkpoint taken while the four events are held, then the process dies.
    expect(metric(await metricsText(a), 'uebac_time_guard_held_events')).toBe(4);
    await until('a checkpoint with the held events', async () => ((await health(a)).checkpointedSeq === first.length ? true : undefined), 30_000);
    a.child.kill('SIGKILL');
    expect((await a.exited).signal).toBe('SIGKILL');

    const b = await startServe(args);
    expect(b.stderr()).toMatch(/resumed from the checkpoint after spool line 404\b/);
    expect(metric(await metricsText(b), 'uebac_time_guard_held_events')).toBe(4);
    await sendTcp(b.tcp[0]!, rest, 'lf');
    await waitProcessed(b, first.length + rest.length);
    const text = await metricsText(b);
    expect(metric(text, 'uebac_lines_rejected_total{reason="time-far-ahead"}')).toBe(1);
    expect(metric(text, 'uebac_time_guard_held_events')).toBe(0);
    await stopServe(b);
    const got = records(join(dir, 'records'));
    expect(got.split('\n').length).toBeGreaterThan(100);
    expect(got).toBe(expected);
  }, 240_000);

  it('every kind of eviction is in /metrics, with the counts of the run summary for the same lines', async () => {
    const lines = entityStream(1200);
    const file = join(tmp, 'flood.log');
    writeFileSync(file, lines.map((l) => l + '\n').join(''));
    const out = join(tmp, 'flood.jsonl');
    const r = cli(['run', '--bundle', bundle, '--state', join(tmp, 'flood.db'), '--out', out, file]);
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(out, 'utf8').trimEnd().split('\n').pop()!) as { type: string; evicted: Record<string, number> };
    expect(summary.type).toBe('summary');
    // The caps are reached for every kind, and the stderr summary names each.
    expect(Object.keys(summary.evicted).sort()).toEqual(EVICTION_KINDS.map(evictionKey).sort());
    for (const k of EVICTION_KINDS) expect(summary.evicted[evictionKey(k)], k).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/^evicted\s+\d+ sessions, \d+ histogram bins, \d+ model instances, \d+ seen-anywhere values, \d+ day-sequences, \d+ asset sequences, \d+ last-session scores \(risk transfer\), \d+ user day histories \(memory caps reached\)$/m);

    const s = await startServe(['--bundle', bundle, '--state', join(tmp, 'flood-serve', 'state.db'), '--tcp', '0']);
    // Every kind is exported from the start, at 0.
    const empty = await metricsText(s);
    for (const k of EVICTION_KINDS) expect(metric(empty, `uebac_evictions_total{kind="${evictionKey(k)}"}`), k).toBe(0);
    await sendTcp(s.tcp[0]!, lines, 'lf');
    await waitProcessed(s, lines.length);
    const text = await metricsText(s);
    await stopServe(s);
    for (const k of EVICTION_KINDS) expect(metric(text, `uebac_evictions_total{kind="${evictionKey(k)}"}`), k).toBe(summary.evicted[evictionKey(k)]);
  }, 240_000);
});
