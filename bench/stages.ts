// Loading a bundle and the end-to-end pass (runPipeline, as `uebac run` does).
import { rmSync } from 'node:fs';
import { instantiateBundle, loadBundle } from '../runtime/bundle.ts';
import type { Program } from '../runtime/program.ts';
import { runPipeline } from '../runtime/run.ts';
import type { PassCount } from './passes.ts';

export type { PassCount } from './passes.ts';

export interface LoadedBundle {
  program: Program;
  bundleHash: string;
  dir: string;
}

export async function load(dir: string): Promise<LoadedBundle> {
  const { manifest, module } = await loadBundle(dir);
  return { program: instantiateBundle(module), bundleHash: manifest.bundleHash, dir };
}

/** End to end: runPipeline with in-memory state and JSONL written to a temp file. */
export async function e2ePass(b: LoadedBundle, path: string, out: string): Promise<PassCount> {
  const s = await runPipeline(b.program, { inputs: [path], out, state: ':memory:', resume: false, bundleHash: b.bundleHash });
  rmSync(out, { force: true });
  return { lines: s.lines, events: s.events, rulesFired: s.rulesFired };
}
