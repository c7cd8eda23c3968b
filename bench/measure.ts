// Timing helpers: monotonic clock, warm-up, interleaved rounds, best-of-N.
//
// Cases that are compared with each other (floor vs parse vs end to end, real pack vs scaled
// pack, compiled vs interpreted) run interleaved in one process: round 1 runs every variant
// once, then round 2, … and each variant keeps its best time. Background load on a shared
// 2-core machine then hits all variants alike instead of whichever ran during a busy spell.

export function nowNs(): bigint {
  return process.hrtime.bigint();
}

export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Collect garbage between timed runs when the process was started with --expose-gc. */
export function settle(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) { gc(); gc(); }
}

/** Wall-clock times (process.hrtime.bigint) and, beside them, the process's CPU time
 * (user + system, all threads, process.cpuUsage), which a busy shared machine inflates far
 * less than wall time. Milliseconds. */
export interface Timing {
  best: number;
  median: number;
  runs: number[];
  cpuBest: number;
  cpuMedian: number;
  cpuRuns: number[];
}

function bestAndMedian(runs: number[]): [number, number] {
  const sorted = [...runs].sort((a, b) => a - b);
  return [sorted[0] ?? NaN, sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN];
}

export function summarize(runs: number[], cpuRuns: number[]): Timing {
  const [best, median] = bestAndMedian(runs);
  const [cpuBest, cpuMedian] = bestAndMedian(cpuRuns);
  return { best, median, runs, cpuBest, cpuMedian, cpuRuns };
}

export async function timeOnce(fn: () => unknown | Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  settle();
  const c0 = process.cpuUsage();
  const t0 = nowNs();
  await fn();
  const wall = msSince(t0);
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

export interface Variant<R = unknown> {
  name: string;
  /** One untimed run on a small input, so the JIT has compiled the hot paths before timing. */
  warm(): unknown | Promise<unknown>;
  /** One timed run; the value of the last run is kept (e.g. counts, for cross-checks). */
  run(): R | Promise<R>;
}

export interface VariantResult<R = unknown> {
  timing: Timing;
  last: R;
}

/** Warm every variant, then `rounds` interleaved timed rounds. */
export async function interleaved<R>(variants: Array<Variant<R>>, rounds: number, log?: (msg: string) => void): Promise<Map<string, VariantResult<R>>> {
  for (const v of variants) await v.warm();
  const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const cpu = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const last = new Map<string, R>();
  for (let r = 0; r < rounds; r++) {
    for (const v of variants) {
      let value!: R;
      const t = await timeOnce(async () => { value = await v.run(); });
      times.get(v.name)!.push(t.wall);
      cpu.get(v.name)!.push(t.cpu);
      last.set(v.name, value);
      log?.(`  round ${r + 1}/${rounds} ${v.name}: ${t.wall.toFixed(0)} ms (cpu ${t.cpu.toFixed(0)} ms)`);
    }
  }
  return new Map(variants.map((v) => [v.name, { timing: summarize(times.get(v.name)!, cpu.get(v.name)!), last: last.get(v.name)! }]));
}
