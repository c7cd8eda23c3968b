// Throughput of `uebac serve` against `uebac run` over a file, measured in the same run on the
// same lines, round by round (interleaved, best of each), so background load hits all alike:
//   run      `uebac run --state S.db` over the corpus file (whole process, SQLite state like serve)
//   start-up `uebac run` over a one-line file: the fixed cost inside the run figure
//   tcp      serve with --tcp: the corpus sent over one TCP connection (LF framing), timed from
//            the first byte sent until /healthz reports every line processed
//   jetstream serve with --nats-stream: the corpus published beforehand (one message per line,
//            not timed), timed from serve's "ready" until every line is processed
// Each serve line is spooled (SQLite, synchronous=FULL) before it is processed and checkpointed.
//
//   npx tsx bench/serve.ts [--lines N] [--rounds N] [--json FILE]
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect as natsConnect } from '@nats-io/transport-node';
import { SEED, ROOT } from './config.ts';
import { ensureCorpus } from './corpus.ts';
import { readLines } from '../runtime/lines.ts';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => { const i = args.indexOf(name); return i >= 0 ? Number(args[i + 1]) : dflt; };
const LINES = opt('--lines', 100_000);
const ROUNDS = opt('--rounds', 2);
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : null;
const BIN = join(ROOT, 'bin/uebac.mjs');
const NATS = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((p) => existsSync(p)) ?? null;
const log = (m: string) => process.stderr.write(`${m}\n`);

const now = () => Number(process.hrtime.bigint()) / 1e6;

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function runOnce(bundle: string, state: string, file: string, out: string): number {
  rmSync(state, { force: true });
  const t0 = now();
  execFileSync(process.execPath, [BIN, 'run', '--bundle', bundle, '--state', state, '--out', out, '--quiet', file], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return now() - t0;
}

interface Serving { child: ChildProcess; err: () => string; tcp: number; metrics: number; exited: Promise<number | null> }

async function startServe(extra: string[]): Promise<Serving> {
  const child = spawn(process.execPath, [BIN, 'serve', '--metrics', '0', '--no-watch-bundle', ...extra], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  await new Promise<void>((ready, fail) => {
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); if (err.includes('uebac serve: ready')) ready(); });
    void exited.then(() => fail(new Error(`serve exited before ready:\n${err}`)));
  });
  return {
    child, err: () => err, exited,
    tcp: Number(/syslog tcp on 127\.0\.0\.1:(\d+)/.exec(err)?.[1] ?? 0),
    metrics: Number(/metrics on http:\/\/127\.0\.0\.1:(\d+)/.exec(err)![1]),
  };
}

/** Wall time (ms since `t0`) at which /healthz first reports `n` lines processed. */
async function processedAt(s: Serving, n: number, t0: number): Promise<number> {
  let last = -1;
  let since = now();
  for (;;) {
    const h = (await (await fetch(`http://127.0.0.1:${s.metrics}/healthz`)).json()) as { processed: number };
    if (h.processed >= n) return now() - t0;
    // No progress for a long while: report instead of waiting for ever.
    if (h.processed !== last) { last = h.processed; since = now(); } else if (now() - since > 120_000) throw new Error(`serve stalled at ${h.processed} of ${n} lines:\n${s.err()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function stop(s: Serving): Promise<void> {
  s.child.kill('SIGTERM');
  const code = await s.exited;
  if (code !== 0) throw new Error(`serve exited with ${code}:\n${s.err()}`);
}

async function serveTcp(bundle: string, dir: string, file: string, n: number): Promise<number> {
  rmSync(dir, { recursive: true, force: true });
  const s = await startServe(['--bundle', bundle, '--state', join(dir, 'state.db'), '--tcp', '0']);
  const socket = tcpConnect(s.tcp, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  const t0 = now();
  createReadStream(file).pipe(socket);
  const ms = await processedAt(s, n, t0);
  await stop(s);
  return ms;
}

async function serveJetStream(bundle: string, dir: string, url: string, stream: string, n: number): Promise<number> {
  rmSync(dir, { recursive: true, force: true });
  const t0 = now();
  const s = await startServe(['--bundle', bundle, '--state', join(dir, 'state.db'), '--nats', url, '--nats-stream', stream, '--nats-consumer', `bench-${Date.now()}`]);
  const ready = now() - t0;
  const ms = await processedAt(s, n, t0);
  await stop(s);
  return ms - ready;
}

async function startNats(dir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(NATS!, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = `nats://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      const nc = await natsConnect({ servers: url, timeout: 1000 });
      await nc.close();
      return { url, stop: async () => { child.kill('SIGTERM'); await exited; } };
    } catch (e) {
      if (i > 300) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function publishCorpus(url: string, stream: string, file: string): Promise<number> {
  const nc = await natsConnect({ servers: url });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: stream, subjects: [`${stream.toLowerCase()}.>`] });
  const js = jetstream(nc);
  let batch: Array<Promise<unknown>> = [];
  let n = 0;
  for await (const chunk of readLines(file)) {
    for (const { text } of chunk) {
      batch.push(js.publish(`${stream.toLowerCase()}.logs`, text));
      n++;
      if (batch.length >= 1000) { await Promise.all(batch); batch = []; }
    }
  }
  await Promise.all(batch);
  await nc.close();
  return n;
}

const best = (xs: number[]) => Math.min(...xs);

log('building the CLI from the current sources');
execFileSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT, stdio: 'inherit' });
const corpus = await ensureCorpus(LINES, Math.min(5000, LINES), SEED);
const tmp = mkdtempSync(join(tmpdir(), 'uebac-bench-serve-'));
try {
  const bundle = join(tmp, 'bundle');
  execFileSync(process.execPath, [BIN, 'compile', 'content', '-o', bundle], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  // The corpus without its empty lines (which syslog framing drops as stray trailers), so
  // every case sees the same N lines; and its first line alone, for run's start-up.
  const input = join(tmp, 'corpus.log');
  const kept: string[] = [];
  for await (const chunk of readLines(corpus.path)) for (const l of chunk) if (l.text !== '') kept.push(l.text);
  writeFileSync(input, kept.join('\n') + '\n');
  const n = kept.length;
  kept.length = 0;
  const one = join(tmp, 'one.log');
  for await (const chunk of readLines(input)) { writeFileSync(one, chunk[0]!.text + '\n'); break; }
  let nats: Awaited<ReturnType<typeof startNats>> | null = null;
  if (NATS) {
    mkdirSync(join(tmp, 'nats'));
    nats = await startNats(join(tmp, 'nats'));
    log(`publishing ${n} messages to JetStream (not timed)`);
    const published = await publishCorpus(nats.url, 'BENCH', input);
    if (published !== n) throw new Error(`published ${published} of ${n} lines`);
  } else {
    log('nats-server is not installed: the JetStream case is skipped');
  }
  const t = { run: [] as number[], startup: [] as number[], tcp: [] as number[], jetstream: [] as number[] };
  runOnce(bundle, join(tmp, 'warm.db'), corpus.warmPath, join(tmp, 'warm.jsonl')); // page cache, JIT of nothing shared: warms the disk
  for (let r = 0; r < ROUNDS; r++) {
    t.run.push(runOnce(bundle, join(tmp, 'run.db'), input, join(tmp, 'run.jsonl')));
    t.startup.push(runOnce(bundle, join(tmp, 'one.db'), one, join(tmp, 'one.jsonl')));
    t.tcp.push(await serveTcp(bundle, join(tmp, 'serve-tcp'), input, n));
    if (nats) t.jetstream.push(await serveJetStream(bundle, join(tmp, 'serve-js'), nats.url, 'BENCH', n));
    log(`round ${r + 1}/${ROUNDS}: run ${t.run.at(-1)!.toFixed(0)} ms (start-up ${t.startup.at(-1)!.toFixed(0)} ms), serve tcp ${t.tcp.at(-1)!.toFixed(0)} ms${nats ? `, serve jetstream ${t.jetstream.at(-1)!.toFixed(0)} ms` : ''}`);
  }
  await nats?.stop();
  const runMs = best(t.run);
  const runNet = runMs - best(t.startup);
  const rate = (ms: number) => n / (ms / 1000);
  const rows: Array<[string, number]> = [['run over the file (whole process)', runMs], ['run over the file, start-up taken out', runNet], ['serve, syslog over TCP', best(t.tcp)]];
  if (nats) rows.push(['serve, JetStream durable consumer', best(t.jetstream)]);
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
  const out = [
    `corpus: ${fmt(n)} non-empty lines of ${corpus.description} (${(corpus.bytes / (1 << 20)).toFixed(1)} MiB); best of ${ROUNDS} rounds; ${new Date().toISOString().slice(0, 10)}, load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`,
    '',
    '| case | wall s | lines/s | ratio to run (start-up out) |',
    '|---|---:|---:|---:|',
    ...rows.map(([name, ms]) => `| ${name} | ${(ms / 1000).toFixed(2)} | ${fmt(rate(ms))} | ${(rate(ms) / rate(runNet)).toFixed(2)}× |`),
  ];
  process.stdout.write(out.join('\n') + '\n');
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ lines: n, rounds: ROUNDS, ms: t }, null, 2) + '\n');
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
