// Rule evaluation, compiled bundle vs the reference interpreter (compiler/interpreter.ts).
// The corpus is parsed and enriched once (compiled parser); then the Engine runs over the
// same events with each program, a fresh Engine per run and a sink that discards records.
// "engine only" variants replace evaluate() with a no-op, so the evaluate() share can be
// told apart from the engine work both share (sessions, counters, model training, scoring;
// training still runs the program's own feature/trainIf code).
//
// Runs inside the compile child (compile-once.ts), which already holds the pack's IR: a
// second compileDir would pay the regex screening again.
import type { IR } from '../../compiler/compile.ts';
import { interpretProgram } from '../../compiler/interpreter.ts';
import { Engine, type EngineSink } from '../../runtime/engine.ts';
import { readLines } from '../../runtime/lines.ts';
import type { Event, Program } from '../../runtime/program.ts';
import { progress } from '../child.ts';
import { interleaved, type Timing, type Variant } from '../measure.ts';
import { load } from '../stages.ts';

export interface RulesInput {
  bundle: string;
  corpus: string;
  rounds: number;
  warmEvents: number;
  /** Use at most this many events (a prefix of the corpus). */
  maxEvents: number;
}

export interface RulesResult {
  events: number;
  lines: number;
  byType: Record<string, number>;
  rules: number;
  firstTime: string | null;
  lastTime: string | null;
  timings: Record<string, Timing & { fired: number; sessions: number }>;
  agree: boolean;
}

const sink: EngineSink = { rule() {}, scope() {} };

export async function rulesCase(ir: IR, input: RulesInput): Promise<RulesResult> {
  const compiled = (await load(input.bundle)).program;
  const interpreted = interpretProgram(ir);

  const events: Event[] = [];
  const types: number[] = [];
  let lines = 0;
  read: for await (const batch of readLines(input.corpus)) {
    for (const line of batch) {
      lines++;
      const r = compiled.parse(line.text);
      if (!r.ok) continue;
      compiled.enrich(r.event, r.eventType);
      events.push(r.event);
      types.push(r.eventType);
      if (events.length >= input.maxEvents) break read;
    }
  }
  progress(`  pre-parsed ${events.length} events from ${lines} lines`);
  const byType: Record<string, number> = {};
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < events.length; i++) {
    const name = compiled.eventTypes[types[i]!]!.name;
    byType[name] = (byType[name] ?? 0) + 1;
    first = Math.min(first, events[i]!.time);
    last = Math.max(last, events[i]!.time);
  }

  const drive = (p: Program, n: number) => {
    const e = new Engine(p, sink);
    for (let i = 0; i < n; i++) e.process(events[i]!, types[i]!);
    e.finish();
    return { fired: e.counters.rulesFired, sessions: e.counters.sessionsClosed, byRule: e.firedByRule.join(',') };
  };
  const noop = (p: Program): Program => ({ ...p, evaluate: () => {} });
  const warmN = Math.min(input.warmEvents, events.length);
  const variant = (name: string, p: Program): Variant<ReturnType<typeof drive>> => ({ name, warm: () => drive(p, warmN), run: () => drive(p, events.length) });
  const results = await interleaved([
    variant('compiled', compiled),
    variant('interpreted', interpreted),
    variant('compiled/engine-only', noop(compiled)),
    variant('interpreted/engine-only', noop(interpreted)),
  ], input.rounds, progress);

  const timings: RulesResult['timings'] = {};
  for (const [name, { timing, last: l }] of results) timings[name] = { ...timing, fired: l.fired, sessions: l.sessions };
  const c = results.get('compiled')!.last;
  const i = results.get('interpreted')!.last;
  return {
    events: events.length, lines, byType, rules: compiled.rules.length,
    firstTime: Number.isFinite(first) ? new Date(first).toISOString() : null,
    lastTime: Number.isFinite(last) ? new Date(last).toISOString() : null,
    timings, agree: c.byRule === i.byRule && c.sessions === i.sessions,
  };
}
