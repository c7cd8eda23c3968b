// `uebac serve` over TLS syslog (with and without client certificates), with the JSONL sink
// rotated by size and by event time, and with an allowed lateness: the records, read in
// segment order, equal those `run` gives on the same lines.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listSegments } from '../../runtime/serve/jsonl-sink.ts';
import { cli, records, ROOT, startServe, stopServe, waitProcessed } from './harness.ts';
import { runRecords } from './reference.ts';

const sample = readFileSync(join(ROOT, 'examples/sample/officescan.log'), 'utf8').split('\n').filter((l) => l !== '');
const TLS = join(ROOT, 'test/serve/fixtures/tls');
const pem = (f: string) => readFileSync(join(TLS, f));
let tmp: string;
let bundle: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'uebac-tls-'));
  bundle = join(tmp, 'bundle');
  expect(cli(['compile', 'content', '-o', bundle]).status).toBe(0);
});
afterAll(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

/** Send octet-counted lines over TLS; resolves when the connection is closed, with whether it was accepted. */
function sendTls(port: number, lines: string[], client: { cert?: Buffer; key?: Buffer }): Promise<{ ok: boolean; error?: string }> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca: pem('ca.pem'), ...client });
    let error: string | undefined;
    socket.on('error', (e) => { error = e.message; });
    socket.on('close', () => resolve({ ok: error === undefined, error }));
    socket.once('secureConnect', () => {
      for (const l of lines) socket.write(`${Buffer.byteLength(l)} ${l}`);
      socket.end();
    });
  });
}

describe('uebac serve over TLS, with rotated record segments', () => {
  it('TLS gives the records run gives, in several segments rotated by size', async () => {
    const expected = runRecords(bundle, tmp, sample, 'ref');
    const dir = join(tmp, 'tls');
    const s = await startServe(['--bundle', bundle, '--state', join(dir, 'state.db'), '--tcp', '0', '--tls-cert', join(TLS, 'server.pem'), '--tls-key', join(TLS, 'server-key.pem'), '--rotate-mb', '0.05']);
    expect(s.stderr()).toMatch(/syslog tls on 127\.0\.0\.1:\d+/);
    const sent = await sendTls(s.tcp[0]!, sample, {});
    expect(sent.ok, sent.error).toBe(true);
    await waitProcessed(s, sample.length);
    await stopServe(s);
    const segments = listSegments(join(dir, 'records'));
    expect(segments.length).toBeGreaterThan(1);
    // Each segment but the last reached the size bound (rotation happens at a flush past it).
    for (const f of segments.slice(0, -1)) expect(readFileSync(f).length).toBeGreaterThanOrEqual(0.05 * (1 << 20));
    expect(records(join(dir, 'records'))).toBe(expected);
  }, 120_000);

  it('with --tls-ca a client without a certificate is refused and one with a signed certificate is taken', async () => {
    const dir = join(tmp, 'mtls');
    const s = await startServe(['--bundle', bundle, '--state', join(dir, 'state.db'), '--tcp', '0', '--tls-cert', join(TLS, 'server.pem'), '--tls-key', join(TLS, 'server-key.pem'), '--tls-ca', join(TLS, 'ca.pem')]);
    const refused = await sendTls(s.tcp[0]!, sample.slice(0, 10), {});
    expect(refused.ok).toBe(false);
    const taken = await sendTls(s.tcp[0]!, sample, { cert: pem('client.pem'), key: pem('client-key.pem') });
    expect(taken.ok, taken.error).toBe(true);
    const h = await waitProcessed(s, sample.length);
    expect(h.processed).toBe(sample.length); // none of the refused client's lines
    await stopServe(s);
    expect(records(join(dir, 'records'))).toBe(runRecords(bundle, tmp, sample, 'ref-mtls'));
  }, 120_000);

  it('segments rotated by event time; with an allowed lateness, late events are counted and still scored', async () => {
    const dir = join(tmp, 'time');
    const s = await startServe(['--bundle', bundle, '--state', join(dir, 'state.db'), '--tcp', '0', '--tls-cert', join(TLS, 'server.pem'), '--tls-key', join(TLS, 'server-key.pem'), '--rotate-minutes', '60', '--allowed-lateness', '1']);
    expect((await sendTls(s.tcp[0]!, sample, {})).ok).toBe(true);
    await waitProcessed(s, sample.length);
    // The first lines again: a month behind the watermark, so late, processed at once.
    const again = sample.slice(0, 10);
    expect((await sendTls(s.tcp[0]!, again, {})).ok).toBe(true);
    const h = await waitProcessed(s, sample.length + again.length);
    const metrics = await (await fetch(`http://127.0.0.1:${s.metrics}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`uebac_late_events_total ${again.length}\\b`));
    await stopServe(s);
    expect(listSegments(join(dir, 'records')).length).toBeGreaterThan(1);
    // The newest events (within the lateness of the latest) are still held, in the checkpoint;
    // what was released is run's order: the stream up to them, then the late lines.
    const held = h.held as number;
    expect(held).toBeGreaterThan(0);
    expect(records(join(dir, 'records'))).toBe(runRecords(bundle, tmp, [...sample.slice(0, sample.length - held), ...again], 'ref-late'));
  }, 120_000);
});
