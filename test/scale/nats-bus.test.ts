// The scale-out bus on a real nats-server: duplicates dropped by id, a consumer resuming right
// after its checkpoint in stream order, commits acknowledging what they cover, and a server
// stopped and started again (same port, same store) under publish and consume.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusConsumer, BusMessage } from '../../runtime/scale/bus.ts';
import { NatsBus, type NatsBusOptions } from '../../runtime/scale/nats-bus.ts';
import { NATS_SERVER, startNatsServer, type NatsServer } from './nats-server.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();
const tmp = mkdtempSync(join(tmpdir(), 'uebac-nats-bus-'));
let server: NatsServer;
const logs: string[] = [];
const open = (o: Partial<NatsBusOptions> = {}) => NatsBus.open(server.url, { log: (m) => { logs.push(m); if (process.env.BUS_LOG) console.log(m); }, ...o });

beforeAll(async () => {
  if (NATS_SERVER) server = await startNatsServer(join(tmp, 'store'));
}, 60_000);
afterAll(async () => { await server?.stop(); });

/** Reads a consumer with time limits; a read that timed out is still the next one. */
class Reader {
  private pending: Promise<IteratorResult<BusMessage>> | null = null;
  constructor(private readonly it: AsyncIterator<BusMessage>) {}
  /** The next message, or null if none arrives within `ms`. */
  async next(ms: number): Promise<BusMessage | null> {
    this.pending ??= this.it.next();
    const r = await Promise.race([this.pending, new Promise<'none'>((r) => setTimeout(() => r('none'), ms))]);
    if (r === 'none') return null;
    this.pending = null;
    return r.done ? null : r.value;
  }
}

const reader = (c: BusConsumer) => new Reader(c[Symbol.asyncIterator]());

/** The next `n` messages. */
async function take(r: Reader, n: number, timeoutMs = 20_000): Promise<BusMessage[]> {
  const out: BusMessage[] = [];
  const until = Date.now() + timeoutMs;
  while (out.length < n) {
    const m = await r.next(Math.max(0, until - Date.now()));
    if (!m) throw new Error(`got ${out.length} of ${n} messages`);
    out.push(m);
  }
  return out;
}

/** Nothing more arrives within `ms`. */
const quiet = (r: Reader, ms: number) => r.next(ms);

async function retry<T>(f: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try { return await f(); } catch (e) { if (i >= 20) throw e; await new Promise((r) => setTimeout(r, 500)); }
  }
}

const text = (ms: BusMessage[]) => ms.map((m) => dec.decode(m.data));

describe.skipIf(!NATS_SERVER)('JetStream bus', () => {
  it('drops a publish whose id was stored already, and keeps stream order per consumer filter', async () => {
    const bus = await open({ stream: 'T1', prefix: 't1' });
    for (let i = 0; i < 50; i++) {
      await bus.publish(`uebac.a`, enc.encode(`a${i}`), `a${i}`);
      await bus.publish(`uebac.b.${i % 2}`, enc.encode(`b${i}`), `b${i}`);
    }
    // a restarted producer sends its last ten again
    for (let i = 40; i < 50; i++) await bus.publish('uebac.a', enc.encode(`a${i}`), `a${i}`);
    const info = await bus.jsm.streams.info('T1');
    expect(info.state.messages).toBe(100);
    const a = reader(bus.consume('ca', 'uebac.a', { afterSeq: 0 }));
    const got = await take(a, 50);
    expect(text(got)).toEqual(Array.from({ length: 50 }, (_, i) => `a${i}`));
    expect(got.every((m) => m.subject === 'uebac.a')).toBe(true);
    expect(got.map((m) => m.seq)).toEqual(got.map((m) => m.seq).sort((x, y) => x - y));
    expect(await quiet(a, 300)).toBeNull();
    const b = reader(bus.consume('cb', 'uebac.b.*', { afterSeq: 0 }));
    const bs = await take(b, 50);
    expect(text(bs)).toEqual(Array.from({ length: 50 }, (_, i) => `b${i}`));
    expect(new Set(bs.map((m) => m.subject))).toEqual(new Set(['uebac.b.0', 'uebac.b.1']));
    await bus.close();
  }, 30_000);

  it('resumes after the checkpoint at once (no ack wait) and acknowledges what a commit covers', async () => {
    const bus = await open({ stream: 'T2', prefix: 't2', ackWaitMs: 60_000 });
    for (let i = 0; i < 60; i++) await bus.publish('uebac.x', enc.encode(`x${i}`), `x${i}`);
    const c1 = bus.consume('w', 'uebac.x', { afterSeq: 0 });
    const it1 = reader(c1);
    const first = await take(it1, 40);
    await c1.commit(first[24]!.seq);
    await bus.nc.flush();
    const ci = await bus.jsm.consumers.info('T2', 'w');
    expect(ci.ack_floor.stream_seq).toBe(first[24]!.seq);
    // the worker dies after delivery 40, its checkpoint at 25: a new process resumes at 26 right away
    await bus.nc.close();
    const bus2 = await open({ stream: 'T2', prefix: 't2', ackWaitMs: 60_000 });
    const t0 = Date.now();
    const it2 = reader(bus2.consume('w', 'uebac.x', { afterSeq: first[24]!.seq }));
    const again = await take(it2, 35);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(text(again)).toEqual(Array.from({ length: 35 }, (_, i) => `x${i + 25}`));
    expect(await quiet(it2, 300)).toBeNull();
    await bus2.close();
  }, 30_000);

  it('refuses a message too large for the server with a clear error, and goes on with the next', async () => {
    const bus = await open({ stream: 'T6', prefix: 't6' });
    await expect(bus.publish('uebac.big', new Uint8Array(2 << 20), 'big')).rejects.toThrow(/publish big on t6\.big \(2097152 bytes\) refused: .*max_payload/);
    await bus.publish('uebac.big', enc.encode('small'), 'small');
    expect((await bus.jsm.streams.info('T6')).state.messages).toBe(1);
    await bus.close();
  }, 30_000);

  it('fails loudly when messages after the checkpoint were removed from the stream', async () => {
    const bus = await open({ stream: 'T7', prefix: 't7' });
    for (let i = 0; i < 10; i++) await bus.publish('uebac.p', enc.encode(`p${i}`), `p${i}`);
    await bus.jsm.streams.purge('T7', { seq: 8 }); // keeps 8-10
    await expect(take(reader(bus.consume('w', 'uebac.p', { afterSeq: 3 })), 1)).rejects.toThrow(/no longer holds sequences 4-7 .*input is lost/);
    expect(text(await take(reader(bus.consume('w2', 'uebac.p', { afterSeq: 7 })), 3))).toEqual(['p7', 'p8', 'p9']);
    await bus.close();
  }, 30_000);

  it('skips redeliveries of messages handed out but not yet committed', async () => {
    const bus = await open({ stream: 'T3', prefix: 't3', ackWaitMs: 400 });
    for (let i = 0; i < 20; i++) await bus.publish('uebac.y', enc.encode(`y${i}`), `y${i}`);
    const c = bus.consume('w', 'uebac.y', { afterSeq: 0 });
    const it = reader(c);
    expect(text(await take(it, 20))).toEqual(Array.from({ length: 20 }, (_, i) => `y${i}`));
    // the ack wait passes twice without a commit: nothing is handed out again
    expect(await quiet(it, 1200)).toBeNull();
    await bus.publish('uebac.y', enc.encode('y20'), 'y20');
    expect(text(await take(it, 1))).toEqual(['y20']);
    await c.commit(Number.MAX_SAFE_INTEGER);
    await bus.close();
  }, 30_000);

  it.each([['SIGTERM', 'T4'], ['SIGKILL', 'T5']] as const)('waits through a server stop (%s) and start (same port and store): nothing lost, duplicated or reordered', async (signal, stream) => {
    const prefix = stream.toLowerCase();
    logs.length = 0;
    const bus = await open({ stream, prefix, publishWindow: 64 });
    const consumerBus = await open({ stream, prefix });
    const N = 3000;
    const c: BusConsumer = consumerBus.consume('w', 'uebac.z.>', { afterSeq: 0 });
    const it = c[Symbol.asyncIterator]();
    const received: BusMessage[] = [];
    const reading = (async () => {
      while (received.length < N) {
        const r = await it.next();
        if (r.done) break;
        received.push(r.value);
        if (received.length % 100 === 0) await c.commit(r.value.seq);
      }
    })();
    const publishing = (async () => {
      const all: Promise<void>[] = [];
      for (let i = 0; i < N; i++) {
        all.push(bus.publish(`uebac.z.${i % 3}`, enc.encode(`z${i}`), `z${i}`));
        if (i % 20 === 19) await new Promise((r) => setTimeout(r, 5)); // about a second of publishing
      }
      await Promise.all(all);
    })();
    await new Promise((r) => setTimeout(r, 300));
    await server.stop(signal);
    await new Promise((r) => setTimeout(r, 1500));
    await server.start();
    await publishing;
    await Promise.race([reading, new Promise((_, f) => setTimeout(() => f(new Error(`received ${received.length} of ${N}`)), 30_000))]);
    expect(text(received)).toEqual(Array.from({ length: N }, (_, i) => `z${i}`));
    expect(bus.misordered).toBe(0);
    // a request made before the client reconnected is lost with its connection: ask until answered
    const info = await retry(() => bus.jsm.streams.info(stream));
    expect(info.state.messages).toBe(N);
    expect(logs.some((l) => /publishing resumed/.test(l)), 'the stop came mid-stream').toBe(true);
    await c.close();
    await consumerBus.close();
    await bus.close();
  }, 60_000);
});
