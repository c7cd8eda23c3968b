// `uebac serve` with a NATS JetStream source and alert subject, against a real nats-server
// (Debian's, started here on a free loopback port with its own store): the records equal
// `run` on the same lines; kill -9 mid-stream then restart loses and duplicates nothing, and
// every message ends acknowledged.
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServeMetrics } from '../../runtime/serve/metrics.ts';
import { JetStreamSource, type Delivery } from '../../runtime/serve/nats.ts';
import { Spool } from '../../runtime/serve/spool.ts';
import { cli, health, NATS_SERVER, records, ROOT, spooledLines, startNats, startServe, stopServe, until, waitProcessed, type Nats } from './harness.ts';
import { runRecords } from './reference.ts';

const sample = readFileSync(join(ROOT, 'examples/sample/officescan.log'), 'utf8').split('\n').filter((l) => l !== '');

if (!NATS_SERVER) {
  // CI installs nats-server (.ci/run); a developer machine without it skips, and says so.
  console.warn('test/serve/jetstream.test.ts skipped: nats-server is not installed (apt-get install nats-server)');
}

describe.skipIf(!NATS_SERVER)('uebac serve with NATS JetStream', () => {
  let tmp: string;
  let bundle: string;
  let nats: Nats;
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'uebac-jetstream-'));
    bundle = join(tmp, 'bundle');
    expect(cli(['compile', 'content', '-o', bundle]).status).toBe(0);
    mkdirSync(join(tmp, 'nats'));
    nats = await startNats(join(tmp, 'nats'));
    nc = await connect({ servers: nats.url });
    jsm = await jetstreamManager(nc);
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** A stream holding `lines`, one message each (in order). */
  async function streamOf(name: string, lines: string[]): Promise<void> {
    await jsm.streams.add({ name, subjects: [`${name.toLowerCase()}.>`] });
    const js = jetstream(nc);
    for (let i = 0; i < lines.length; i += 500) await Promise.all(lines.slice(i, i + 500).map((l) => js.publish(`${name.toLowerCase()}.officescan`, l)));
    expect((await jsm.streams.info(name)).state.messages).toBe(lines.length);
  }

  /** Every message delivered and acknowledged, nothing waiting. */
  async function allAcknowledged(stream: string, consumer: string, count: number): Promise<void> {
    await until(`all ${count} messages of ${stream} acknowledged`, async () => {
      const info = await jsm.consumers.info(stream, consumer);
      return info.num_pending === 0 && info.num_ack_pending === 0 && info.ack_floor.stream_seq === count ? true : undefined;
    });
  }

  it('gives the records run gives on the same lines, publishes the notable ones, acknowledges every message', async () => {
    const expected = runRecords(bundle, tmp, sample, 'ref');
    await streamOf('LOGS', sample);
    const alerts: string[] = [];
    const sub = nc.subscribe('alerts.notable', { callback: (_e, m) => { alerts.push(m.string()); } });
    const dir = join(tmp, 'serve');
    const s = await startServe(['--bundle', bundle, '--state', join(dir, 'state.db'), '--nats', nats.url, '--nats-stream', 'LOGS', '--nats-subject', 'logs.>', '--nats-alerts', 'alerts.notable']);
    expect(s.stderr()).toMatch(/created durable consumer uebac-serve on stream LOGS/);
    await waitProcessed(s, sample.length);
    await allAcknowledged('LOGS', 'uebac-serve', sample.length);
    const metrics = await (await fetch(`http://127.0.0.1:${s.metrics}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`uebac_lines_in_total\\{source="jetstream"\\} ${sample.length}\\b`));
    expect(metrics).toMatch(new RegExp(`uebac_acked_total\\{source="jetstream"\\} [1-9]`));
    await stopServe(s);
    expect(records(join(dir, 'records'))).toBe(expected);
    // Notable closed scopes (sessions, asset sequences) are the alerts, in record order.
    await nc.flush();
    const notable = expected.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { notable?: boolean; type: string }).filter((r) => r.type !== 'rule' && r.notable === true);
    await until('alerts delivered', () => (alerts.length >= notable.length ? true : undefined));
    sub.unsubscribe();
    expect(alerts.map((a) => JSON.parse(a) as unknown)).toEqual(notable);
    expect(cli(['serve', '--bundle', bundle, '--state', join(tmp, 'x', 'state.db'), '--nats-stream', 'LOGS']).stderr).toMatch(/need --nats URL/);
  });

  it('keeps stream order when deliveries were lost in flight and come back as redeliveries', async () => {
    // The stream: a.* lines interleaved with b.* ones the consumer's filter leaves out.
    const name = 'ORDER';
    await jsm.streams.add({ name, subjects: ['order.>'] });
    const js = jetstream(nc);
    const subjects = ['order.a', 'order.b', 'order.a', 'order.a', 'order.b', 'order.a', 'order.a', 'order.a'];
    for (let i = 0; i < subjects.length; i++) await js.publish(subjects[i]!, `line ${i + 1} on ${subjects[i]}`);
    const wanted = subjects.map((s, i) => [s, i + 1] as const).filter(([s]) => s === 'order.a').map(([, seq]) => seq); // 1 3 4 6 7 8

    const spoolPath = join(tmp, 'order-spool.db');
    const spool = new Spool(spoolPath);
    const acked: number[] = [];
    const source = new JetStreamSource(nc, { stream: name, consumer: 'order', subject: 'order.a', ackWaitMs: 30_000, maxAckPending: 1000 }, spool, new ServeMetrics(), () => {}, (e) => { throw e; });
    const text = new TextEncoder();
    let delivery = 0;
    const deliver = (seq: number, redelivered = false): Delivery => ({ seq, info: { deliverySequence: ++delivery, redelivered }, data: text.encode(`line ${seq} on ${subjects[seq - 1]}`), ack: () => acked.push(seq) });
    // As a consumer delivers across a reconnect: 1; 3 and 4 delivered but never received
    // (their consumer sequences are used up); 6, 7; then 3 and 4 redelivered after the ack wait; 8.
    const feed: Delivery[] = [deliver(1)];
    delivery += 2;
    feed.push(deliver(6), deliver(7), deliver(3, true), deliver(4, true), deliver(8));
    await source.receive((async function* () { yield* feed; })());
    spool.flush();
    expect(spooledLines(spoolPath)).toEqual(wanted.map((seq) => `line ${seq} on order.a`));
    // Every delivery is acknowledged once a checkpoint covers the spool; the redeliveries too.
    source.covered(spool.lastSeq);
    expect(acked.sort((a, b) => a - b)).toEqual([1, 3, 4, 6, 7, 8]);
    spool.close();
  });

  it('kill -9 mid-stream, restart: every record once, every message acknowledged', async () => {
    // Twice the sample (the second copy is "late" in event time, which is deterministic too).
    const lines = [...sample, ...sample];
    const expected = runRecords(bundle, tmp, lines, 'twice');
    await streamOf('KILL', lines);
    const dir = join(tmp, 'kill');
    const args = ['--bundle', bundle, '--state', join(dir, 'state.db'), '--nats', nats.url, '--nats-stream', 'KILL', '--checkpoint-lines', '400', '--checkpoint-seconds', '1', '--nats-ack-wait', '3'];
    const first = await startServe(args);
    await waitProcessed(first, 1500);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const second = await startServe(args);
    expect(second.stderr()).toMatch(/resumed from the checkpoint after spool line \d+/);
    await waitProcessed(second, lines.length);
    await allAcknowledged('KILL', 'uebac-serve', lines.length);
    const h = await health(second);
    expect(h.processed).toBe(lines.length); // redelivered messages were not processed twice
    await stopServe(second);
    expect(records(join(dir, 'records'))).toBe(expected);
  }, 300_000);
});
