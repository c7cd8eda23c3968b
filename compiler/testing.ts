// Content tests: parser samples (raw line → event type and fields) and stateful rule tests
// (a training history, then events with the rules expected to fire or not, and the session
// score). They run against the same Program the runtime uses.
import { ContextTable, type TableShape } from '../runtime/context.ts';
import { Engine, type RuleRecord, type ScopeRecord } from '../runtime/engine.ts';
import type { Value } from '../runtime/helpers.ts';
import type { Event, Program } from '../runtime/program.ts';
import type { IR } from './compile.ts';
import type { Diagnostic } from './diagnostics/types.ts';
import type { TestDoc, TestStep } from './graph.ts';

export interface TestResult {
  name: string;
  file: string;
  kind: 'parser' | 'rule';
  passed: boolean;
  failures: string[];
  /** Where in `file` the test is (parser samples: `tests[i]` of the parser). */
  path?: (string | number)[];
}

export type ProgramFactory = (overrides: ReadonlyMap<string, ContextTable>) => Program;

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([smhdw])$/.exec(text.trim());
  if (!m) throw new Error(`bad duration ${JSON.stringify(text)} (use e.g. 30m, 2h, 1d)`);
  return Number(m[1]) * UNITS[m[2]!]!;
}

function sameValue(actual: Value | undefined, expected: unknown): boolean {
  if (Array.isArray(expected)) return Array.isArray(actual) && actual.length === expected.length && expected.every((v, i) => actual[i] === v);
  if (expected === null) return actual === null || actual === undefined;
  return actual === expected;
}

function show(v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v);
}

export function runParserTests(ir: IR, program: Program): TestResult[] {
  const results: TestResult[] = [];
  for (const p of ir.parsers) {
    p.tests.forEach((t, i) => {
      const failures: string[] = [];
      program.setTimeAnchor(null);
      const r = program.parse(t.line);
      const expect = t.expect as Record<string, unknown>;
      if ('reject' in expect) {
        if (r.ok) failures.push(`expected a reject (${show(expect.reject)}), got event ${r.event.event_type}`);
        else if (expect.reject !== true && r.reason !== expect.reject) failures.push(`expected reject reason ${show(expect.reject)}, got ${show(r.reason)}`);
      } else if (!r.ok) {
        failures.push(`line was rejected: ${r.reason}${r.parser ? ` (by ${r.parser})` : ''}`);
      } else {
        program.enrich(r.event, r.eventType);
        if (r.parser !== p.id) failures.push(`parsed by ${r.parser}, not by ${p.id}`);
        for (const [k, v] of Object.entries(expect)) {
          if (k === 'time') {
            const got = new Date(r.event.time).toISOString();
            if (got !== new Date(String(v)).toISOString()) failures.push(`time: expected ${show(v)}, got ${show(got)}`);
          } else if (!sameValue(r.event[k], v)) failures.push(`${k}: expected ${show(v)}, got ${show(r.event[k])}`);
        }
      }
      results.push({ name: `${p.id} › ${t.name ?? `sample ${i + 1}`}`, file: p.file, kind: 'parser', passed: failures.length === 0, failures, path: ['tests', i] });
    });
  }
  return results;
}

function contextOverrides(ir: IR, ctx: TestDoc['context']): Map<string, ContextTable> {
  const out = new Map<string, ContextTable>();
  for (const [name, rows] of Object.entries(ctx ?? {})) {
    const decl = ir.contexts.find((c) => c.name === name);
    if (!decl) throw new Error(`test context names unknown table \`${name}\``);
    out.set(name, new ContextTable({ name, shape: decl.shape as TableShape, match: decl.match, rows: rows.map((r) => (Array.isArray(r) ? r.map(String) : [String(r)])) }));
  }
  return out;
}

export function runRuleTest(ir: IR, makeProgram: ProgramFactory, doc: TestDoc, file: string): TestResult {
  const failures: string[] = [];
  const name = doc.id;
  try {
    const program = makeProgram(contextOverrides(ir, doc.context));
    const fired: RuleRecord[] = [];
    const sessions: ScopeRecord[] = [];
    const engine = new Engine(program, { rule: (r) => fired.push(r), scope: (s) => sessions.push(s) });
    let t = Date.UTC(2026, 0, 5, 9, 0, 0);
    let stepNo = 0;
    for (const step of doc.steps) {
      stepNo++;
      if (step.at) t = Date.parse(step.at);
      const every = step.every ? parseDuration(step.every) : 86_400_000;
      const repeat = step.repeat ?? 1;
      let lastFired: string[] = [];
      for (let k = 0; k < repeat; k++) {
        const before = fired.length;
        const ok = feed(program, engine, step, t, failures, stepNo);
        if (!ok) break;
        lastFired = fired.slice(before).map((r) => r.rule);
        t += k < repeat - 1 ? every : 60_000;
      }
      for (const id of step.expect?.fires ?? []) if (!lastFired.includes(id)) failures.push(`step ${stepNo}: expected ${id} to fire; fired: ${lastFired.join(', ') || 'nothing'}`);
      for (const id of step.expect?.notFires ?? []) if (lastFired.includes(id)) failures.push(`step ${stepNo}: expected ${id} not to fire, but it did`);
    }
    engine.finish();
    const exp = doc.expectSession;
    if (exp) {
      const user = exp.user;
      const s = [...sessions].reverse().find((x) => x.type === 'session' && (user === undefined || x.user === user));
      if (!s) failures.push(`no session${user ? ` for ${user}` : ''} was closed`);
      else {
        if (exp.score !== undefined && s.score !== exp.score) failures.push(`session score: expected ${exp.score}, got ${s.score} (${s.rules.join(', ') || 'no rules'})`);
        if (exp.minScore !== undefined && s.score < exp.minScore) failures.push(`session score: expected at least ${exp.minScore}, got ${s.score} (${s.rules.join(', ') || 'no rules'})`);
        if (exp.notable !== undefined && s.notable !== exp.notable) failures.push(`session notable: expected ${exp.notable}, got ${s.notable} (score ${s.score})`);
      }
    }
  } catch (e) {
    failures.push((e as Error).message);
  }
  return { name, file, kind: 'rule', passed: failures.length === 0, failures };
}

function feed(program: Program, engine: Engine, step: TestStep, t: number, failures: string[], stepNo: number): boolean {
  let ev: Event;
  let et: number;
  if (step.line !== undefined) {
    const r = program.parse(step.line.replace(/\{time\}/g, String(t)));
    if (!r.ok) { failures.push(`step ${stepNo}: line rejected: ${r.reason}`); return false; }
    ev = r.event;
    et = r.eventType;
  } else if (step.event) {
    const type = String(step.event.event_type ?? '');
    et = program.eventTypes.findIndex((e) => e.name === type);
    if (et < 0) { failures.push(`step ${stepNo}: unknown event_type ${show(type)}`); return false; }
    ev = program.makeEvent(et, t);
    for (const [k, v] of Object.entries(step.event)) {
      if (k === 'event_type' || k === 'time') continue;
      if (!Object.hasOwn(ev, k)) { failures.push(`step ${stepNo}: ${type} has no field ${k}`); return false; }
      ev[k] = v as Value;
    }
  } else {
    failures.push(`step ${stepNo}: needs \`line\` or \`event\``);
    return false;
  }
  program.enrich(ev, et);
  engine.process(ev, et);
  return true;
}

/** Rules lacking a positive or a negative test (or fewer than `min` in all). */
export function coverageGaps(ir: IR, min: number): Array<{ rule: string; positive: number; negative: number }> {
  const pos = new Map<string, number>();
  const neg = new Map<string, number>();
  for (const { value: t } of ir.tests) {
    const seenPos = new Set<string>();
    const seenNeg = new Set<string>();
    for (const s of t.steps) {
      for (const r of s.expect?.fires ?? []) seenPos.add(r);
      for (const r of s.expect?.notFires ?? []) seenNeg.add(r);
    }
    seenPos.forEach((r) => pos.set(r, (pos.get(r) ?? 0) + 1));
    seenNeg.forEach((r) => neg.set(r, (neg.get(r) ?? 0) + 1));
  }
  const gaps = [];
  for (const r of ir.rules) {
    const p = pos.get(r.id) ?? 0;
    const n = neg.get(r.id) ?? 0;
    if (p < 1 || n < 1 || p + n < min) gaps.push({ rule: r.id, positive: p, negative: n });
  }
  return gaps;
}

/**
 * JUnit XML: one test case per content test, plus one failing case per other failing check
 * (compile errors, rules below --min-tests), so the counts agree with the exit code.
 */
export function renderJunit(results: readonly TestResult[], otherFailures: readonly Diagnostic[] = []): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
  const cases = results.map((r) => `    <testcase classname="${esc(r.file)}" name="${esc(r.name)}">${r.passed ? '' : `<failure message="${esc(r.failures[0] ?? 'failed')}">${esc(r.failures.join('\n'))}</failure>`}</testcase>`);
  for (const d of otherFailures) {
    cases.push(`    <testcase classname="${esc(d.file)}" name="${esc(`${d.code} ${d.file}:${d.range.start.line}`)}"><failure message="${esc(d.message)}" type="${esc(d.code)}">${esc(`${d.file}:${d.range.start.line}:${d.range.start.col}: ${d.message}`)}</failure></testcase>`);
  }
  const tests = results.length + otherFailures.length;
  const failed = results.filter((r) => !r.passed).length + otherFailures.length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="${tests}" failures="${failed}">\n  <testsuite name="uebac content tests" tests="${tests}" failures="${failed}">\n${cases.join('\n')}\n  </testsuite>\n</testsuites>\n`;
}
