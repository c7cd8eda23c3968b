// Hot bundle swap: a new bundle put into --bundle DIR (or SIGHUP) takes over between two
// lines; state moves by definition identity (an unchanged model keeps its histograms, a
// changed one starts fresh, prose does not count); a bad bundle is refused and the old one
// keeps running. The records before the swap are the old bundle's; after it they equal a
// restart of serve with the new bundle on the same state (the same migration, no live swap).
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, health, records, ROOT, sendTcp, startServe, stopServe, until, waitProcessed } from './harness.ts';
import { runRecords } from './reference.ts';

const sample = readFileSync(join(ROOT, 'examples/sample/officescan.log'), 'utf8').split('\n').filter((l) => l !== '');
const half = 1300;
let tmp: string;
let bundleA: string;
let bundleB: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'uebac-swap-'));
  bundleA = join(tmp, 'a');
  expect(cli(['compile', 'content', '-o', bundleA]).status).toBe(0);
  // B: one model's definition changed (cutOff), another's description only (not a change).
  const content = join(tmp, 'content-b');
  cpSync(join(ROOT, 'content'), content, { recursive: true });
  const edit = (file: string, from: RegExp, to: string) => {
    const p = join(content, 'models', file);
    const before = readFileSync(p, 'utf8');
    const after = before.replace(from, to);
    expect(after).not.toBe(before);
    writeFileSync(p, after);
  };
  edit('A-DLP-HN-ALERT.yaml', /cutOff: 10/, 'cutOff: 4');
  edit('A-DLP-AN-ALERT.yaml', /^description: .*$/m, "description: 'Reworded: alert names per raw host.'");
  bundleB = join(tmp, 'b');
  const r = cli(['compile', content, '-o', bundleB]);
  expect(r.status, r.stderr).toBe(0);
});
afterAll(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

/** Put a bundle into the served directory the way a deploy does (files replaced). */
function deploy(from: string, to: string): void {
  for (const f of ['bundle.mjs', 'manifest.json', 'manifest.sig']) if (existsSync(join(from, f))) cpSync(join(from, f), join(to, f));
}

describe('hot bundle swap', () => {
  it('a new bundle in DIR takes over mid-stream, carrying unchanged state; a bad one is refused', async () => {
    // Reference: bundle A over the first half, then serve restarted with bundle B over the rest.
    const refDir = join(tmp, 'ref');
    const refBundle = join(tmp, 'ref-bundle');
    cpSync(bundleA, refBundle, { recursive: true });
    const refArgs = ['--bundle', refBundle, '--state', join(refDir, 'state.db'), '--tcp', '0', '--no-watch-bundle'];
    const r1 = await startServe(refArgs);
    await sendTcp(r1.tcp[0]!, sample.slice(0, half), 'lf');
    await waitProcessed(r1, half);
    await stopServe(r1);
    deploy(bundleB, refBundle);
    const r2 = await startServe(refArgs);
    expect(r2.stderr()).toMatch(/the state was written by bundle sha256 \w+…; carried over by definition/);
    await sendTcp(r2.tcp[0]!, sample.slice(half), 'lf');
    await waitProcessed(r2, sample.length);
    await stopServe(r2);
    const expected = records(join(refDir, 'records'));
    // The first half is exactly what bundle A gives (what run gives on those lines).
    expect(expected.startsWith(runRecords(bundleA, tmp, sample.slice(0, half), 'a-half'))).toBe(true);

    // Live: the same stream, bundle B deployed into DIR between the halves, picked up by the watcher.
    const dir = join(tmp, 'live');
    const served = join(tmp, 'served-bundle');
    cpSync(bundleA, served, { recursive: true });
    const s = await startServe(['--bundle', served, '--state', join(dir, 'state.db'), '--tcp', '0', '--watch-bundle', '0.2']);
    await sendTcp(s.tcp[0]!, sample.slice(0, half), 'lf');
    await waitProcessed(s, half);
    const hashA = (await health(s)).bundle;
    deploy(bundleB, served);
    await until('the swap', () => (/bundle swapped after spool line \d+/.test(s.stderr()) ? true : undefined));
    const log = s.stderr();
    expect(log).toMatch(new RegExp(`bundle swapped after spool line ${half}\\b`));
    expect(log).toMatch(/restarted \(definition changed\): models A-DLP-HN-ALERT; rules none/);
    expect(log).toMatch(/kept state: models [^;]*A-DLP-AN-ALERT/);
    expect(log).toMatch(/new: models none; rules none/);
    expect(log).toMatch(/dropped \(removed\): models none; rules none; counters 0/);
    const hashB = (await health(s)).bundle;
    expect(hashB).not.toBe(hashA);

    // A bad bundle (bundle.mjs not the one its manifest names): refused, B keeps running.
    writeFileSync(join(served, 'bundle.mjs'), readFileSync(join(served, 'bundle.mjs'), 'utf8') + '\n// tampered\n');
    s.child.kill('SIGHUP');
    await until('the refusal', () => (/new bundle refused, still running sha256 \w+…: .*does not match (its|the signed) manifest/.test(s.stderr()) ? true : undefined)).catch((e: Error) => { throw new Error(`${e.message}\n${s.stderr()}`); });
    await sendTcp(s.tcp[0]!, sample.slice(half), 'lf');
    await waitProcessed(s, sample.length);
    expect((await health(s)).bundle).toBe(hashB);
    const metrics = await (await fetch(`http://127.0.0.1:${s.metrics}/metrics`)).text();
    expect(metrics).toMatch(/uebac_bundle_swaps_total\{outcome="swapped"\} 1\b/);
    expect(metrics).toMatch(/uebac_bundle_swaps_total\{outcome="refused"\} [1-9]/);
    await stopServe(s);
    expect(records(join(dir, 'records'))).toBe(expected);
  }, 300_000);

  it('a bundle of another engine ABI is refused at start with a clear message', () => {
    const old = join(tmp, 'old-abi');
    cpSync(bundleA, old, { recursive: true });
    const m = JSON.parse(readFileSync(join(old, 'manifest.json'), 'utf8')) as { abi: number };
    writeFileSync(join(old, 'manifest.json'), JSON.stringify({ ...m, abi: m.abi - 1 }));
    const r = cli(['serve', '--bundle', old, '--state', join(tmp, 'old-abi-state', 'state.db'), '--tcp', '0', '--no-metrics']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/bundle ABI version \d+ is not supported by this runtime \(ABI \d+\); recompile the content/);
  });
});
