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

/** End to end: runPipeline with in-memory state (or a fresh SQLite file) and JSONL written to a temp file. */
export async function e2ePass(b: LoadedBundle, path: string, out: string, state = ':memory:'): Promise<PassCount> {
  if (state !== ':memory:') for (const f of [state, `${state}-wal`, `${state}-shm`, `${state}.lock`]) rmSync(f, { force: true });
  const s = await runPipeline(b.program, { inputs: [path], out, state, resume: false, fresh: state !== ':memory:', bundleHash: b.bundleHash });
  rmSync(out, { force: true });
  if (state !== ':memory:') for (const f of [state, `${state}-wal`, `${state}-shm`]) rmSync(f, { force: true });
  return { lines: s.lines, events: s.events, rulesFired: s.rulesFired };
}
