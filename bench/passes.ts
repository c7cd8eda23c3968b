// The floor and parse loops. Deliberately import-free: pipeline.ts loads one instance of this
// module (and of runtime/lines.ts, passed in) per variant, using distinct import URLs. Each
// instance is a separate script to V8, with its own type feedback and optimised code, so one
// variant's loop cannot tune (or deoptimise) another's: measured, a floor pass run before a
// parse pass through a shared line reader made the parse pass up to 2× slower.
import type { Line } from '../runtime/lines.ts';
import type { Program } from '../runtime/program.ts';

export type ReadLines = (path: string, startOffset?: number) => AsyncGenerator<Line[]>;

export interface PassCount {
  lines: number;
  events: number;
  rulesFired?: number;
  /** parse passes: earliest and latest event time (ms) */
  firstTime?: number;
  lastTime?: number;
}

/** Floor: read the file and split it into lines, nothing else. */
export async function floorPass(readLines: ReadLines, path: string): Promise<PassCount> {
  let lines = 0;
  for await (const batch of readLines(path)) lines += batch.length;
  return { lines, events: 0 };
}

/** Parse every line as `uebac run` does (the run path), optionally enriching each accepted event. */
export async function parsePass(readLines: ReadLines, program: Program, path: string, enrich: boolean): Promise<PassCount> {
  program = { ...program, ...program.forRules }; // the run path's parse and enrich: what `uebac run` runs
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

/** A private instance of runtime/lines.ts and of this module, for one variant. */
export async function isolatedPasses(tag: string): Promise<{ readLines: ReadLines; floorPass: typeof floorPass; parsePass: typeof parsePass }> {
  const q = `?bench-variant=${encodeURIComponent(tag)}`;
  const lines = (await import(new URL(`../runtime/lines.ts${q}`, import.meta.url).href)) as typeof import('../runtime/lines.ts');
  const passes = (await import(new URL(`./passes.ts${q}`, import.meta.url).href)) as typeof import('./passes.ts');
  return { readLines: lines.readLines, floorPass: passes.floorPass, parsePass: passes.parsePass };
}
