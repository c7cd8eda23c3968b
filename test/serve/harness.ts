// Spawning `uebac serve` as a real process and talking to it as clients do.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { listSegments } from '../../runtime/serve/jsonl-sink.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/uebac.mjs');

export function cli(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
}

export interface Served {
  child: ChildProcess;
  tcp: number[];
  udp: number[];
  metrics: number;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startServe(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--metrics', '0', ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  await new Promise<void>((ready, fail) => {
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); if (err.includes('uebac serve: ready')) ready(); });
    exited.then(() => fail(new Error(`serve exited before ready:\n${err}`)));
  });
  const ports = (kind: string) => [...err.matchAll(new RegExp(`syslog ${kind} on 127\\.0\\.0\\.1:(\\d+)`, 'g'))].map((m) => Number(m[1]));
  const metrics = Number(/metrics on http:\/\/127\.0\.0\.1:(\d+)/.exec(err)?.[1] ?? 0);
  return { child, tcp: [...ports('tcp'), ...ports('tls')], udp: ports('udp'), metrics, stderr: () => err, exited };
}

export async function stopServe(s: Served): Promise<void> {
  s.child.kill('SIGTERM');
  const r = await s.exited;
  if (r.code !== 0) throw new Error(`serve exited with ${r.code ?? r.signal}:\n${s.stderr()}`);
}

/**
 * Send lines over one TCP connection. Rejects (never hangs) when the receiver goes away
 * mid-stream: a write waiting for 'drain' on a reset connection would otherwise wait forever.
 */
export async function sendTcp(port: number, lines: string[], framing: 'lf' | 'octet', paceEvery = 0): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  let failure: Error | null = null;
  socket.on('error', (e) => { failure = e; });
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  const untilClosed = (p: Promise<unknown>) => Promise.race([p, closed]);
  const check = () => { if (failure || socket.destroyed) throw failure ?? new Error('connection closed by the receiver'); };
  await untilClosed(new Promise((r) => socket.once('connect', r)));
  check();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const ok = socket.write(framing === 'lf' ? l + '\n' : `${Buffer.byteLength(l)} ${l}`);
    if (!ok) await untilClosed(new Promise((r) => socket.once('drain', r)));
    check();
    if (paceEvery && i % paceEvery === paceEvery - 1) await new Promise((r) => setTimeout(r, 5));
  }
  await untilClosed(new Promise<void>((r) => socket.end(r)));
  if (failure) throw failure;
}

export async function sendUdp(port: number, lines: string[]): Promise<void> {
  const socket = createSocket('udp4');
  for (let i = 0; i < lines.length; i++) {
    await new Promise<void>((r, f) => socket.send(lines[i]!, port, '127.0.0.1', (e) => (e ? f(e) : r())));
    if (i % 200 === 199) await new Promise((r) => setTimeout(r, 2)); // stay within the socket buffer
  }
  socket.close();
}

/** Wait until /healthz reports `n` lines processed. */
export async function waitProcessed(s: Served, n: number, timeoutMs = 60_000): Promise<Record<string, unknown>> {
  const until = Date.now() + timeoutMs;
  let last: Record<string, unknown> = {};
  while (Date.now() < until) {
    try {
      last = (await (await fetch(`http://127.0.0.1:${s.metrics}/healthz`)).json()) as Record<string, unknown>;
      if ((last.processed as number) >= n) return last;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${n} lines processed (last health ${JSON.stringify(last)})\n${s.stderr()}`);
}

export function records(dir: string): string {
  return listSegments(dir).map((f) => readFileSync(f, 'utf8')).join('');
}

/** Lines committed to a spool so far (seq is contiguous from 1). */
export function spooledCount(spool: string): number {
  if (!existsSync(spool)) return 0;
  const db = new Database(spool, { readonly: true });
  try {
    const max = (db.prepare('SELECT MAX(seq) AS m FROM lines').get() as { m: number | null }).m ?? 0;
    const head = (db.prepare("SELECT v FROM meta WHERE k = 'head'").get() as { v: number } | undefined)?.v ?? 0;
    return Math.max(max, head);
  } finally {
    db.close();
  }
}

/** The spooled lines still in the spool, in order. */
export function spooledLines(spool: string): string[] {
  const db = new Database(spool, { readonly: true });
  try {
    return (db.prepare('SELECT line FROM lines ORDER BY seq').all() as Array<{ line: string }>).map((r) => r.line);
  } finally {
    db.close();
  }
}

/** A free TCP port on loopback (bound and released; the caller binds it next). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export const NATS_SERVER = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((p) => existsSync(p)) ?? null;

export interface Nats {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** A private nats-server with JetStream on loopback, its store in `dir`; resolves once it accepts clients. */
export async function startNats(dir: string): Promise<Nats> {
  if (!NATS_SERVER) throw new Error('nats-server is not installed');
  const { connect: natsConnect } = await import('@nats-io/transport-node');
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = spawn(NATS_SERVER, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr!.on('data', (d: Buffer) => { log += d.toString(); });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const url = `nats://127.0.0.1:${port}`;
    const until = Date.now() + 60_000;
    let dead = false;
    void exited.then(() => { dead = true; });
    while (!dead && Date.now() < until) {
      try {
        const nc = await natsConnect({ servers: url, timeout: 1000 });
        await nc.close();
        return { url, child, stop: async () => { child.kill('SIGTERM'); await exited; } };
      } catch { await new Promise((r) => setTimeout(r, 100)); }
    }
    child.kill('SIGKILL');
    if (attempt >= 2) throw new Error(`nats-server did not start:\n${log}`);
  }
}

/** Poll until `check` returns a value (not undefined), or fail with `what`. */
export async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** GET /healthz of a running serve. */
export async function health(s: Served): Promise<Record<string, unknown>> {
  return (await (await fetch(`http://127.0.0.1:${s.metrics}/healthz`)).json()) as Record<string, unknown>;
}
