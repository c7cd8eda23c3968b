// Partitioned engine figures (docs/scale-out.md): one thread runs every worker in turn, so the
// figure that matters is each users worker's own busy time (its users' events plus the shadow
// pass over everyone else's, model calls included). Prints events/s of 1 worker (the floor,
// same run) and the projected rate of 2 workers running in parallel (events / busiest worker),
// and heap per 1k users held by one worker.
//   node --expose-gc --import tsx bench/scale.ts [--users 400] [--days 20]
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadContextDir } from '../cli/context-dir.ts';
import { generate } from '../examples/gen/generate.ts';
import { instantiateBundle, loadBundle, readManifest } from '../runtime/bundle.ts';
import { runPartitioned, type PartitionedEngine } from '../runtime/scale/partitioned.ts';
import { ROOT } from './config.ts';

const arg = (k: string, d: number) => { const i = process.argv.indexOf(`--${k}`); return i > 0 ? Number(process.argv[i + 1]) : d; };
const users = arg('users', 400), days = arg('days', 20);
const dir = mkdtempSync(join(tmpdir(), 'uebac-scale-bench-'));
const bundle = join(dir, 'bundle');
const c = spawnSync('node', [join(ROOT, 'bin/uebac.mjs'), 'compile', join(ROOT, 'content'), '-o', bundle], { encoding: 'utf8' });
if (c.status !== 0) throw new Error(c.stderr);
const { module } = await loadBundle(bundle);
const program = () => instantiateBundle(module, loadContextDir(join(ROOT, 'examples/context'), readManifest(bundle)));
const lines = generate({ scenario: 'full', users, days, seed: 11 }).lines;
const gc = (globalThis as { gc?: () => void }).gc;

async function measure(n: number) {
  const busy = new Array<number>(n).fill(0);
  let held: PartitionedEngine | null = null;
  gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  await runPartitioned(program(), lines, 'bench', { users: n, models: n, onEngine: (e) => {
    held = e;
    e.users.forEach((w, i) => {
      const feed = w.feed.bind(w);
      w.feed = (ev, et) => { const s = performance.now(); feed(ev, et); busy[i]! += performance.now() - s; };
    });
  } });
  const wall = performance.now() - t0;
  gc?.();
  const heap = process.memoryUsage().heapUsed - heap0;
  void held;
  return { wall, busy, heap };
}

await measure(1); // warm-up
const one = await measure(1);
const two = await measure(2);
const events = lines.length;
const rate = (ms: number) => Math.round(events / (ms / 1000));
console.log(`lines ${events}, users ${users}, days ${days}`);
console.log(`1 worker:  ${rate(one.busy[0]!)} lines/s (busy ${one.busy[0]!.toFixed(0)} ms)`);
console.log(`2 workers: busy ${two.busy.map((b) => b.toFixed(0)).join(' / ')} ms → ${rate(Math.max(...two.busy))} lines/s in parallel, ${(one.busy[0]! / Math.max(...two.busy)).toFixed(2)}x of 1 worker`);
console.log(`heap held after the run (1 worker, all state${gc ? '' : ', no --expose-gc: not collected'}): ${(one.heap / 1048576).toFixed(1)} MiB = ${(one.heap / 1024 / (users / 1000) / 1024).toFixed(1)} MiB per 1k users`);
