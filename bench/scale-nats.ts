// The scale-out stages as processes on a local nats-server (docs/scale-out.md): lines/s of
// 1 and 2 workers per stage from the first published line to the last worker's exit, each
// worker's CPU time (its busy time: it waits on the bus otherwise) and peak RSS, against the
// floor of one `uebac run` process on the same lines in the same run. On a machine with fewer
// cores than workers the workers share cores: the CPU figures, not the wall time, then say what
// a stage costs. The load average is printed before and after: numbers taken under load are
// not comparable.
//   node --import tsx bench/scale-nats.ts [--users 200] [--days 10] [--per-message 50] [--only 1|2] [--profile DIR]
// --profile writes a V8 CPU profile of every worker to DIR (open it in Chrome DevTools).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '../examples/gen/generate.ts';
import { NatsBus } from '../runtime/scale/nats-bus.ts';
import { publishEnd, publishRaw } from '../runtime/scale/messages.ts';
import { startNatsServer } from '../test/scale/nats-server.ts';
import { ROOT } from './config.ts';

const arg = (k: string, d: number) => { const i = process.argv.indexOf(`--${k}`); return i > 0 ? Number(process.argv[i + 1]) : d; };
const users = arg('users', 200), days = arg('days', 10), perMessage = arg('per-message', 50);
const BIN = join(ROOT, 'bin/uebac.mjs');
const opt = (k: string) => { const i = process.argv.indexOf(`--${k}`); return i > 0 ? process.argv[i + 1] : undefined; };
const profileDir = opt('profile');
const only = opt('only');
const dir = mkdtempSync(join(tmpdir(), 'uebac-scale-nats-'));
const bundle = join(dir, 'bundle');
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
console.log(`load average before: ${load()} (${cpus().length} cores)`);

const c = spawnSync(process.execPath, [BIN, 'compile', join(ROOT, 'content'), '-o', bundle], { encoding: 'utf8' });
if (c.status !== 0) throw new Error(c.stderr);
const log = join(dir, 'org.log');
const lines = generate({ scenario: 'full', users, days, seed: 11 }).lines;
writeFileSync(log, lines.join('\n') + '\n');
console.log(`lines ${lines.length}, users ${users}, days ${days}, ${perMessage} lines per raw message`);

function floor(): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, 'run', '--bundle', bundle, '--context', join(ROOT, 'examples/context'), '--state', ':memory:', '--out', join(dir, 'single.jsonl'), '-q', log], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return performance.now() - t0;
}

interface WorkerFigures { name: string; cpuMs: number; rssMiB: number }

async function cluster(n: number): Promise<{ wallMs: number; workers: WorkerFigures[] }> {
  const base = join(dir, `n${n}`);
  mkdirSync(base);
  const nats = await startNatsServer(join(base, 'nats'));
  try {
    const stages = `parse=${n},models=${n},users=${n}`;
    const workers = (['parse', 'models', 'users'] as const).flatMap((role) => Array.from({ length: n }, (_, i) => {
      const name = `${role}-${i}`;
      const prof = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${n}-${name}.cpuprofile`] : [];
      const child = spawn(process.execPath, [...prof, BIN, 'serve', '--role', role, '--partition', `${i}/${n}`, '--stages', stages, '--nats', nats.url, '--bundle', bundle, '--context', join(ROOT, 'examples/context'), '--scale-dir', join(base, 'scale')], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      const ready = new Promise<void>((r) => child.stderr!.on('data', (d: Buffer) => { err += d.toString(); if (err.includes('uebac serve: ready')) r(); }));
      const exited = new Promise<WorkerFigures>((resolve, reject) => child.on('exit', (code) => {
        const m = /cpu (\d+) ms, peak rss (\d+) MiB/.exec(err);
        if (code !== 0 || !m) reject(new Error(`${name} exited with ${code}:\n${err}`));
        else resolve({ name, cpuMs: Number(m[1]), rssMiB: Number(m[2]) });
      }));
      return { ready, exited };
    }));
    await Promise.all(workers.map((w) => w.ready));
    const bus = await NatsBus.open(nats.url, { log: () => {} });
    const t0 = performance.now();
    const sent: Array<Promise<void>> = [];
    for (let i = 0; i < lines.length; i += perMessage) sent.push(publishRaw(bus, `raw-${i}`, lines.slice(i, i + perMessage).join('\n'), { file: log, line: i + 1 }));
    await Promise.all(sent);
    await publishEnd(bus);
    const figures = await Promise.all(workers.map((w) => w.exited));
    const wallMs = performance.now() - t0;
    await bus.close();
    return { wallMs, workers: figures };
  } finally {
    await nats.stop();
  }
}

/** One hop there and back over the bus (publish, store, deliver to a durable consumer, ×2): the unit of the serial chain. */
async function roundTrip(): Promise<number> {
  const nats = await startNatsServer(join(dir, 'rtt'));
  try {
    const a = await NatsBus.open(nats.url, { log: () => {} });
    const b = await NatsBus.open(nats.url, { log: () => {} });
    const echo = b.consume('echo', 'uebac.ping', { afterSeq: 0 });
    void (async () => { let i = 0; for await (const m of echo) void b.publish('uebac.pong', m.data, `pong-${i++}`); })();
    const back = a.consume('back', 'uebac.pong', { afterSeq: 0 })[Symbol.asyncIterator]();
    const N = 2000, warm = 200;
    let t0 = 0;
    for (let i = 0; i < N + warm; i++) {
      if (i === warm) t0 = performance.now();
      void a.publish('uebac.ping', new Uint8Array(100), `ping-${i}`);
      await back.next();
    }
    const us = ((performance.now() - t0) / N) * 1000;
    await echo.close();
    await Promise.all([a.close(), b.close()]);
    return us;
  } finally {
    await nats.stop();
  }
}

const rate = (ms: number) => Math.round(lines.length / (ms / 1000));
console.log(`bus round trip (two hops: publish, store, deliver): ${(await roundTrip()).toFixed(0)} µs`);
const floorMs = floor();
console.log(`floor: one \`uebac run\` process ${rate(floorMs)} lines/s (${floorMs.toFixed(0)} ms, process start included)`);
for (const n of only ? [Number(only)] : [1, 2]) {
  const r = await cluster(n);
  console.log(`${n} worker${n > 1 ? 's' : ''} per stage (${3 * n} processes): ${rate(r.wallMs)} lines/s (${r.wallMs.toFixed(0)} ms), ${(floorMs / r.wallMs).toFixed(2)}x of the floor`);
  for (const w of r.workers) console.log(`  ${w.name.padEnd(9)} cpu ${String(w.cpuMs).padStart(6)} ms (${rate(w.cpuMs).toLocaleString('en')} lines per cpu-second), peak rss ${w.rssMiB} MiB`);
}
console.log(`load average after: ${load()}`);
