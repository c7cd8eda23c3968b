// The pipeline stages the throughput cases time, each a full streaming pass over a file
// with the runtime's own line reader (runtime/lines.ts), so every stage includes the floor.
import { rmSync } from 'node:fs';
import { instantiateBundle, loadBundle } from '../runtime/bundle.ts';
import { readLines } from '../runtime/lines.ts';
import type { Program } from '../runtime/program.ts';
import { runPipeline } from '../runtime/run.ts';

export interface PassCount {
  lines: number;
  events: number;
  rulesFired?: number;
  /** parse passes: earliest and latest event time (ms) */
  firstTime?: number;
  lastTime?: number;
}

export interface LoadedBundle {
  program: Program;
  bundleHash: string;
  dir: string;
}

export async function load(dir: string): Promise<LoadedBundle> {
  const { manifest, module } = await loadBundle(dir);
  return { program: instantiateBundle(module), bundleHash: manifest.bundleHash, dir };
}

/** Floor: read the file and split it into lines, nothing else. */
export async function floorPass(path: string): Promise<PassCount> {
  let lines = 0;
  for await (const batch of readLines(path)) lines += batch.length;
  return { lines, events: 0 };
}

/** Parse every line (program.parse), optionally enriching each accepted event. */
export async function parsePass(program: Program, path: string, enrich: boolean): Promise<PassCount> {
  let lines = 0;
  let events = 0;
  let firstTime = Infinity;
  let lastTime = -Infinity;
  for await (const batch of readLines(path)) {
    for (const line of batch) {
      const r = program.parse(line.text);
      if (r.ok) {
        if (enrich) program.enrich(r.event, r.eventType);
        events++;
        const t = r.event.time;
        if (t < firstTime) firstTime = t;
        if (t > lastTime) lastTime = t;
      }
    }
    lines += batch.length;
  }
  return { lines, events, firstTime, lastTime };
}

/** End to end: runPipeline with in-memory state and JSONL written to a temp file. */
export async function e2ePass(b: LoadedBundle, path: string, out: string): Promise<PassCount> {
  const s = await runPipeline(b.program, { inputs: [path], out, state: ':memory:', resume: false, bundleHash: b.bundleHash });
  rmSync(out, { force: true });
  return { lines: s.lines, events: s.events, rulesFired: s.rulesFired };
}
