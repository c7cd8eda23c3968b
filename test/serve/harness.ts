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
