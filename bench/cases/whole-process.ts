// Child process: the whole `uebac run` process — spawned as a user runs it: Node start,
// module loading, bundle check, the run with state in memory, JSONL output, exit — on the
// production-like corpus, interleaved round by round with the floor (read + split) measured
// in this process. The CLI is bundled from the current sources first (as `npm run build`
// does) into the bench cache, so a stale build/ never gets measured. The spawned process
// reports its own CPU time at exit (a --require hook), since a parent cannot read it. The
// bench compiles its bundle unsigned, so the run is told --allow-unsigned.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { childMain, progress } from '../child.ts';
import { CACHE_DIR, ROOT } from '../config.ts';
import { msSince, nowNs, summarize, timeOnce, type Timing } from '../measure.ts';
import { isolatedPasses } from '../passes.ts';

export interface WholeProcessInput { corpus: string; warm: string; bundle: string; rounds: number; tmp: string }
export interface WholeProcessResult { floor: Timing & { lines: number }; process: Timing & { outputBytes: number } }

async function buildCli(): Promise<string> {
  const outdir = join(CACHE_DIR, 'cli'); // under ROOT/node_modules, so the CLI's packages resolve
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: { cli: join(ROOT, 'cli/main.ts') }, outdir, outExtension: { '.js': '.mjs' }, chunkNames: 'chunks/[name]-[hash]',
    splitting: true, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning',
    banner: { js: "import { createRequire as __uebacCreateRequire } from 'node:module'; const require = __uebacCreateRequire(import.meta.url);" },
  });
  return join(outdir, 'cli.mjs');
}

function runProcess(cli: string, hook: string, bundle: string, corpus: string, out: string, cpuFile: string): Promise<{ wall: number; cpu: number; outputBytes: number }> {
  const t0 = nowNs();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', hook, cli, 'run', '--bundle', bundle, '--allow-unsigned', '--state', ':memory:', '--quiet', '--out', out, corpus], {
      cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, UEBAC_BENCH_CPU: cpuFile },
    });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      const wall = msSince(t0);
      if (code !== 0) return reject(new Error(`uebac run exited with ${code}: ${err.slice(-2000)}`));
      const c = JSON.parse(readFileSync(cpuFile, 'utf8')) as { user: number; system: number };
      const outputBytes = statSync(out).size;
      rmSync(out, { force: true });
      resolve({ wall, cpu: (c.user + c.system) / 1000, outputBytes });
    });
  });
}

await childMain(async (input: WholeProcessInput): Promise<WholeProcessResult> => {
  const cli = await buildCli();
  const hook = join(input.tmp, 'cpu-at-exit.cjs');
  writeFileSync(hook, "process.on('exit', () => require('node:fs').writeFileSync(process.env.UEBAC_BENCH_CPU, JSON.stringify(process.cpuUsage())));\n");
  const out = join(input.tmp, 'whole-process-out.jsonl');
  const cpuFile = join(input.tmp, 'whole-process-cpu.json');
  const floor = await isolatedPasses('whole-process-floor');
  await floor.floorPass(floor.readLines, input.warm);
  await runProcess(cli, hook, input.bundle, input.warm, out, cpuFile); // page cache, disk
  const f = { wall: [] as number[], cpu: [] as number[] };
  const p = { wall: [] as number[], cpu: [] as number[] };
  let lines = 0;
  let outputBytes = 0;
  for (let r = 0; r < input.rounds; r++) {
    const ft = await timeOnce(async () => { lines = (await floor.floorPass(floor.readLines, input.corpus)).lines; });
    f.wall.push(ft.wall); f.cpu.push(ft.cpu);
    const pt = await runProcess(cli, hook, input.bundle, input.corpus, out, cpuFile);
    p.wall.push(pt.wall); p.cpu.push(pt.cpu);
    outputBytes = pt.outputBytes;
    progress(`  round ${r + 1}/${input.rounds}: floor ${ft.wall.toFixed(0)} ms, uebac run ${pt.wall.toFixed(0)} ms (cpu ${pt.cpu.toFixed(0)} ms)`);
  }
  return { floor: { ...summarize(f.wall, f.cpu), lines }, process: { ...summarize(p.wall, p.cpu), outputBytes } };
});
