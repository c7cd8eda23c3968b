// The run path of a program: parse and enrich that build only the fields something downstream
// reads (rules, models, counters, sessions, records: `Program.forRules`, from demand
// analysis). Whatever emits only records (`uebac run`, `uebac serve`, the library's engine)
// uses it; whatever shows whole events (`uebac parse`, explain, content tests) keeps the
// whole mapping. The records are the same either way.
import type { Program } from './program.ts';

/** `program` with the run path's parse and enrich (itself for a bundle built before the run path). */
export function runPath(program: Program): Program {
  const lean = program.forRules;
  return lean ? { ...program, parse: lean.parse, enrich: lean.enrich } : program;
}
