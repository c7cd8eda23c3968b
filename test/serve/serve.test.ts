// `uebac serve` as a process: real syslog clients (util-linux `logger` and a socket client)
// over TCP and UDP; the records equal those `uebac run` writes for the same lines with a
// persistent state; SIGTERM drains and exits 0; kill -9 then restart loses and duplicates nothing.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, records, ROOT, sendTcp, sendUdp, spooledCount, startServe, stopServe, waitProcessed } from './harness.ts';

let tmp: string;
let bundle: string;
const SAMPLE = join(ROOT, 'examples/sample/officescan.log');
const sample = readFileSync(SAMPLE, 'utf8').split('\n').filter((l) => l !== '');

/** What `uebac run` writes for these lines with a persistent state (sessions left open, like serve). */
function runRecords(lines: string[], name: string): string {
  const file = join(tmp, `${name}.log`);
  writeFileSync(file, lines.map((l) => l + '\n').join(''));
  const out = join(tmp, `${name}.jsonl`);
  const r = cli(['run', '--bundle', bundle, '--state', join(tmp, `${name}.db`), '--out', out, '-q', file]);
  expect(r.status, r.stderr).toBe(0);
  // serve writes the behavioural records only: no header/summary framing a batch, no input file:line.
  return readFileSync(out, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((x) => x.type !== 'header' && x.type !== 'summary')
    .map((x) => { delete x.source; return JSON.stringify(x) + '\n'; }).join('');
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'uebac-serve-'));
  bundle = join(tmp, 'bundle');
  const r = cli(['compile', 'content', '-o', bundle]);
  expect(r.status, r.stderr).toBe(0);
});
afterAll(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

describe('uebac serve over syslog', () => {
  it('TCP (LF and octet-counting) and UDP give the records run gives; /metrics answers; SIGTERM exits 0', async () => {
    const expected = runRecords(sample, 'ref');
    expect(expected.length).toBeGreaterThan(0);
    for (const mode of ['lf', 'octet', 'udp'] as const) {
      const dir = join(tmp, `serve-${mode}`);
      const s = await startServe(['--bundle', bundle, '--state', join(dir, 'state.db'), '--tcp', '0', '--udp', '0']);
      if (mode === 'udp') await sendUdp(s.udp[0]!, sample);
      else await sendTcp(s.tcp[0]!, sample, mode);
      await waitProcessed(s, sample.length);
      const metrics = await (await fetch(`http://127.0.0.1:${s.metrics}/metrics`)).text();
      expect(metrics).toMatch(new RegExp(`uebac_lines_in_total\\{source="${mode === 'udp' ? 'udp' : 'tcp'}"\\} ${sample.length}\\b`));
      expect(metrics).toMatch(/uebac_lines_rejected_total\{reason="unknown-source"\} \d+/);
      expect(metrics).toMatch(/uebac_rules_fired_total [1-9]\d*/);
      expect(metrics).toMatch(/uebac_checkpoint_age_seconds \d/);
      await stopServe(s);
      expect(s.stderr()).toMatch(/SIGTERM received[\s\S]*stopped after \d+ lines/);
      expect(records(join(dir, 'records')), `records over ${mode}`).toBe(expected);
    }
  });

  it('lines relayed by util-linux logger over TCP and UDP give the records of the original lines', async () => {
    // The Apex Central lines, re-sent by `logger` as a relay would: its own header, the original PRI.
    const apex = sample.filter((l) => /^<\d+>\w{3} [\d ]\d [\d:]{8} apexcentral CEF:/.test(l));
    expect(apex.length).toBeGreaterThan(1000);
    const expected = runRecords(apex, 'apex');
    const messages = apex.map((l) => l.replace(/^(<\d+>)\w{3} [\d ]\d [\d:]{8} apexcentral /, '$1'));
    for (const proto of ['--tcp', '--udp'] as const) {
      const dir = join(tmp, `logger${proto}`);
      const s = await startServe(['--bundle', bundle, '--state', join(dir, 'state.db'), '--tcp', '0', '--udp', '0']);
      const port = proto === '--tcp' ? s.tcp[0]! : s.udp[0]!;
      // Chunks keep UDP within the socket buffer and keep the order (one logger at a time).
      for (let i = 0; i < messages.length; i += 200) {
        const file = join(tmp, 'chunk.log');
        writeFileSync(file, messages.slice(i, i + 200).join('\n') + '\n');
        execFileSync('logger', [proto, ...(proto === '--tcp' ? ['--octet-count'] : []), '-n', '127.0.0.1', '-P', String(port), '--rfc3164', '--prio-prefix', '-t', 'apexcentral', '-f', file]);
        await waitProcessed(s, Math.min(i + 200, messages.length));
      }
      await stopServe(s);
      expect(records(join(dir, 'records')), `records via logger ${proto}`).toBe(expected);
    }
  });

  it('kill -9 mid-stream, restart, re-send what was not accepted: the records of an uninterrupted run', async () => {
    // Twice the sample (the second copy is "late" in event time, which is deterministic too).
    const lines = [...sample, ...sample];
    const expected = runRecords(lines, 'twice');
    for (const killAfter of [1200, 4300]) {
      const dir = join(tmp, `kill-${killAfter}`);
      const args = ['--bundle', bundle, '--state', join(dir, 'state.db'), '--tcp', '0', '--checkpoint-lines', '300'];
      const first = await startServe(args);
      const sending = sendTcp(first.tcp[0]!, lines, 'lf', 50).catch(() => undefined);
      await waitProcessed(first, killAfter);
      first.child.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');
      await sending;
      // A sender keeps what the receiver did not commit: resume after the spool's last line.
      const accepted = spooledCount(join(dir, 'spool.db'));
      expect(accepted).toBeGreaterThanOrEqual(killAfter);
      const second = await startServe(args);
      expect(second.stderr()).toMatch(/resumed from the checkpoint after spool line \d+/);
      await sendTcp(second.tcp[0]!, lines.slice(accepted), 'lf');
      await waitProcessed(second, lines.length);
      await stopServe(second);
      expect(records(join(dir, 'records')), `records after kill at ${killAfter}`).toBe(expected);
    }
  }, 300_000);

  it('refuses a state written by run, and exits non-zero with a clear message', () => {
    const state = join(tmp, 'runstate.db');
    expect(cli(['run', '--bundle', bundle, '--state', state, '-q', SAMPLE]).status).toBe(0);
    const r = cli(['serve', '--bundle', bundle, '--state', state, '--tcp', '0', '--no-metrics']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/this state was written by `uebac run`, not `uebac serve`/);
  });
});

