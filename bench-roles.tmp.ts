import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadContextDir } from './cli/context-dir.ts';
import { generate } from './examples/gen/generate.ts';
import { instantiateBundle, loadBundle, readManifest } from './runtime/bundle.ts';
import { runPipeline } from './runtime/run.ts';
import { MemoryBus } from './runtime/scale/memory-bus.ts';
import { publishEnd, publishRaw } from './runtime/scale/messages.ts';
import { startWorker } from './runtime/scale/roles.ts';
const ROOT = process.cwd();
const dir = mkdtempSync(join(tmpdir(), 'uebac-roles-bench-'));
const bundle = join(dir, 'bundle');
const c = spawnSync('node', [join(ROOT, 'bin/uebac.mjs'), 'compile', join(ROOT, 'content'), '-o', bundle], { encoding: 'utf8' });
if (c.status !== 0) throw new Error(c.stderr);
const { module } = await loadBundle(bundle);
const program = () => instantiateBundle(module, loadContextDir(join(ROOT, 'examples/context'), readManifest(bundle)));
const users = Number(process.argv[2] ?? 400);
const lines = generate({ scenario: 'full', users, days: 20, seed: 11 }).lines;
const file = join(dir, 'org.log'); writeFileSync(file, lines.join('\n') + '\n');
async function single() { const t = performance.now(); await runPipeline(program(), { inputs: [file], out: join(dir, 's.jsonl'), state: ':memory:', resume: false, bundleHash: 'b' }); return performance.now() - t; }
async function roles(n: number, per: number) {
  const bus = new MemoryBus(Number(process.argv[3] ?? 0)); const base = mkdtempSync(join(dir, 'r'));
  const counts = { parse: n, models: n, users: n };
  const hs = [];
  const t = performance.now();
  for (const role of ['parse', 'models', 'users'] as const) for (let i = 0; i < n; i++) hs.push(startWorker({ program: program(), bus, role, partition: i, counts, stateDir: join(base, 's'), recordsDir: join(base, 'r'), checkpointEvery: 5000 }));
  for (let i = 0; i < lines.length; i += per) await publishRaw(bus, `raw-${i}`, lines.slice(i, i + per).join('\n'), { file, line: i + 1 });
  await publishEnd(bus);
  await Promise.all(hs.map((h) => h.done));
  const ms = performance.now() - t;
  const by: Record<string, number> = {};
  for (const m of bus.messages) { const k = m.subject.split('.').slice(0, 2).join('.'); by[k] = (by[k] ?? 0) + 1; }
  return { ms, by };
}
const s = await single(); const s2 = await single();
const floor = Math.min(s, s2);
console.log(`lines ${lines.length}; single process ${floor.toFixed(0)} ms = ${(lines.length / floor * 1000).toFixed(0)} lines/s`);
for (const n of (process.argv[4] ?? '1,2,4').split(',').map(Number)) for (const per of [20]) {
  const r = await roles(n, per);
  console.log(`${n}/${n}/${n} lines/msg ${per}: ${r.ms.toFixed(0)} ms = ${(lines.length / r.ms * 1000).toFixed(0)} lines/s (${(r.ms / floor).toFixed(2)}x single) msgs ${JSON.stringify(r.by)}`);
}
