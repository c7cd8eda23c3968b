// Content is written by trusted-but-fallible engineers: a broken YAML file must give
// diagnostics, never an exception. ~200 random edits of the real content files (fixed seed),
// each compiled with compileFiles: the result is either an IR (which the emitter turns into
// source without throwing) or diagnostics, each naming a file of the pack and a range with
// line ≥ 1.
//
// To keep the run short, ten mutants (in ten different files) are compiled together; when
// a batch throws, its mutants are compiled one by one to name the culprit. Batches almost
// always end in diagnostics, so a few edits that usually keep the pack valid (hostile
// descriptions, reasons, whitespace) are compiled on their own to exercise IR → emit too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFiles } from '../../compiler/compile.ts';
import type { Diagnostic } from '../../compiler/diagnostics/types.ts';
import { emitSource } from '../../compiler/passes/emit.ts';
import { parseSource, type SourceFile } from '../../compiler/load.ts';
import { Rand } from '../../scripts/fuzz.ts';
import { contentTexts } from '../compiler/helpers.ts';

const MUTANTS = 200;
const PER_BATCH = 10;
const BENIGN = 8;

let texts: Map<string, string>;
let parsed: Map<string, SourceFile>;
let ids: string[];
const started = performance.now();

beforeAll(() => {
  texts = contentTexts();
  parsed = new Map([...texts].map(([p, t]) => [p, parseSource(p, t).file]));
  ids = [...new Set([...texts.values()].flatMap((t) => [...t.matchAll(/^id: *(\S+)/gm)].map((m) => m[1]!)))];
});
afterAll(() => {
  // Printed so the runtime budget (< 60 s) is visible in the test log.
  process.stderr.write(`content-fuzz: ${MUTANTS} mutants in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
});

const VALUES = [
  '', '~', 'null', '.inf', '-.inf', '.nan', '1e999', '-1', '0', '0x1F', '1.5', 'true', 'no', '[]', '{}', '[a, [b, {c: d}]]',
  '"unterminated', "'", '|', '>', '&anchor x', '*alias', '*undefined_alias', '!!binary aGVsbG8=', '!!js/function "f(){}"', '!custom x',
  '"\\u0000"', '"\\u2028"', '"x\\"); globalThis.__pwned = 1; (\\""', '__proto__', 'constructor', '__defineGetter__',
  "'a' && (", '(((((((((((((((((((((((((x)))))))))))))))))))))))))', 'count(', "regex(user, '(a+)+$')", "inContext('no_such_table', user)",
  'not not not', 'user ==', 'x'.repeat(5000), '{a: 1, a: 2}', '- - -', '%YAML 1.1', '---', '...', '? complex', '<<: *a',
];
const INSERTS = ['{', '}', '[', ']', ':', ': ', '- ', "'", '"', '#', '&a ', '*a ', '!!str ', '\t', '\u0000', '\ufeff', '\u2028', '|', '>', '%', '@', '`', ',', '?', '\\'];

type Mutation = (r: Rand, text: string) => string;

const lineOps: Record<string, Mutation> = {
  'delete-line': (r, t) => { const ls = t.split('\n'); ls.splice(r.int(ls.length), 1); return ls.join('\n'); },
  'duplicate-line': (r, t) => { const ls = t.split('\n'); const i = r.int(ls.length); ls.splice(i, 0, ls[i]!); return ls.join('\n'); },
  'swap-lines': (r, t) => { const ls = t.split('\n'); const i = r.int(ls.length); const j = r.int(ls.length); [ls[i], ls[j]] = [ls[j]!, ls[i]!]; return ls.join('\n'); },
  'swap-chars': (r, t) => { if (t.length < 2) return t; const i = r.int(t.length - 1); return t.slice(0, i) + t[i + 1] + t[i] + t.slice(i + 2); },
  'delete-char': (r, t) => { const i = r.int(t.length); return t.slice(0, i) + t.slice(i + 1); },
  'indent': (r, t) => {
    const ls = t.split('\n');
    const i = r.int(ls.length);
    const delta = r.pick([-4, -2, -1, 1, 2, 4]);
    ls[i] = r.chance(0.2) ? '\t' + ls[i] : delta > 0 ? ' '.repeat(delta) + ls[i] : ls[i]!.replace(new RegExp(`^ {0,${-delta}}`), '');
    return ls.join('\n');
  },
  'insert': (r, t) => { const i = r.int(t.length + 1); return t.slice(0, i) + r.pick(INSERTS) + t.slice(i); },
  'replace-value': (r, t) => {
    const ls = t.split('\n');
    const candidates = ls.map((l, i) => (/^\s*-?\s*[A-Za-z_][\w-]*:\s*\S/.test(l) ? i : -1)).filter((i) => i >= 0);
    if (!candidates.length) return t;
    const i = r.pick(candidates);
    const value = r.chance(0.7) ? r.pick(VALUES) : String.fromCharCode(...Array.from({ length: r.range(1, 30) }, () => r.range(32, 0x2fff)));
    ls[i] = ls[i]!.replace(/^(\s*-?\s*[A-Za-z_][\w-]*:\s*).*$/, (_m, k: string) => k + value);
    return ls.join('\n');
  },
  'rename-key': (r, t) => t.replace(/^(\s*)([A-Za-z_][\w-]*)(:)/m, (_m, s: string, k: string, c: string) => `${s}${r.chance(0.5) ? k.toUpperCase() : k + 'x'}${c}`),
  'swap-reference': (r, t) => { const id = r.pick(ids); const other = r.chance(0.8) ? r.pick(ids) : 'NO-SUCH-ID'; return t.split(id).join(other); },
  'truncate': (r, t) => t.slice(0, r.int(t.length + 1)),
  'empty': () => '',
  'duplicate-key': (r, t) => { const ls = t.split('\n'); const i = ls.findIndex((l) => /^[A-Za-z_]\w*:/.test(l)); if (i < 0) return t; ls.splice(r.int(ls.length), 0, ls[i]!); return ls.join('\n'); },
  'expression-junk': (r, t) => t.replace(/^(\s*(?:expression|classifyIf|trainIf|feature|when|expr):\s*).*$/m, (_m, k: string) => k + JSON.stringify(Array.from({ length: r.range(1, 12) }, () => r.pick(['&&', '||', '(', ')', "'x'", '==', '!=', '!', 'count(user)', 'user', 'first(', ',', '1', 'null', 'in', '[', ']', 'regex(user, ', "'(?<x>a)'", '?', ':'])).join(' '))),
};
const OP_NAMES = Object.keys(lineOps);

interface Mutant { path: string; op: string; text: string }

function makeMutants(seed: number): Mutant[] {
  const r = new Rand(seed);
  const paths = [...texts.keys()].sort();
  const out: Mutant[] = [];
  while (out.length < MUTANTS) {
    const path = r.pick(paths);
    const op = r.pick(OP_NAMES);
    let text = lineOps[op]!(r, texts.get(path)!);
    if (r.chance(0.25)) text = lineOps[r.pick(OP_NAMES)]!(r, text); // sometimes two edits
    out.push({ path, op, text });
  }
  return out;
}

function compileWith(mutants: readonly Mutant[]): { ir: ReturnType<typeof compileFiles>['ir']; diagnostics: Diagnostic[]; files: Map<string, SourceFile> } {
  const files = new Map(parsed);
  const diagnostics: Diagnostic[] = [];
  for (const m of mutants) {
    const r = parseSource(m.path, m.text);
    files.set(m.path, r.file);
    diagnostics.push(...r.diagnostics);
  }
  const result = compileFiles([...files.values()], diagnostics);
  return { ...result, files };
}

function checkDiagnostic(d: Diagnostic, files: Map<string, SourceFile>): void {
  const where = `${d.code} ${d.file}:${d.range?.start?.line}: ${d.message}`;
  expect(d.code, where).toMatch(/^UEB\d{4}$/);
  expect(['error', 'warning', 'info'], where).toContain(d.severity);
  expect(typeof d.message === 'string' && d.message.length > 0, where).toBe(true);
  expect(files.has(d.file), `${where}: names a file of the pack`).toBe(true);
  const lineCount = files.get(d.file)!.text.split('\n').length;
  for (const p of [d.range.start, d.range.end]) {
    expect(Number.isInteger(p.line) && p.line >= 1 && p.line <= lineCount + 1, `${where}: line ${p.line} of ${lineCount}`).toBe(true);
    expect(Number.isInteger(p.col) && p.col >= 1, `${where}: col ${p.col}`).toBe(true);
  }
  expect(d.range.end.offset >= d.range.start.offset, where).toBe(true);
}

describe('mutated content never crashes the compiler', () => {
  it(`${MUTANTS} random edits of the real content (fixed seed): diagnostics with file and line ≥ 1, or an IR that emits`, async () => {
    const baseline = compileWith([]);
    expect(baseline.diagnostics.filter((d) => d.severity === 'error'), 'the unmodified content compiles').toEqual([]);

    const mutants = makeMutants(20_261_128);
    const outcomes = { ir: 0, rejected: 0, batches: 0 };
    const crashes: string[] = [];
    let slowest = { ms: 0, what: '' };
    const queue = [...mutants];
    while (queue.length) {
      // Up to PER_BATCH mutants, in distinct files.
      const batch: Mutant[] = [];
      for (let i = 0; i < queue.length && batch.length < PER_BATCH; ) {
        if (batch.some((m) => m.path === queue[i]!.path)) { i++; continue; }
        batch.push(queue.splice(i, 1)[0]!);
      }
      outcomes.batches++;
      await new Promise<void>((res) => setImmediate(res)); // keep the test worker responsive
      const t0 = performance.now();
      const run = (ms: readonly Mutant[]) => {
        const { ir, diagnostics, files } = compileWith(ms);
        for (const d of diagnostics) checkDiagnostic(d, files);
        if (ir) {
          expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
          emitSource(ir);
        } else {
          expect(diagnostics.some((d) => d.severity === 'error')).toBe(true);
        }
        return ir !== null;
      };
      try {
        if (run(batch)) outcomes.ir++;
        else outcomes.rejected++;
        const ms = performance.now() - t0;
        if (ms > slowest.ms) slowest = { ms, what: batch.map((m) => `${m.path} [${m.op}]`).join(', ') };
      } catch (e) {
        if ((e as { name?: string }).name === 'AssertionError') throw e;
        for (const m of batch) {
          try { run([m]); } catch (e2) {
            crashes.push(`${m.path} [${m.op}]: ${(e2 as Error).stack?.split('\n').slice(0, 3).join(' | ')}\n--- mutated text (first 400 chars):\n${m.text.slice(0, 400)}`);
          }
        }
      }
    }
    process.stderr.write(`content-fuzz: ${outcomes.batches} compilations (${outcomes.ir} gave an IR); slowest ${slowest.ms.toFixed(0)} ms: ${slowest.what}\n`);
    expect(crashes, crashes.join('\n\n')).toEqual([]);
    expect(outcomes.rejected).toBeGreaterThan(0);
    expect(outcomes.ir + outcomes.rejected).toBe(outcomes.batches);
  });

  it(`${BENIGN} edits that keep the pack valid (hostile text, whitespace) compile to an IR that emits`, async () => {
    const r = new Rand(7);
    const hostile = ['"); globalThis.__pwned = 1; ("', '*/ globalThis.__pwned = 1 /*', '</script>', '\u2028\u2029', '${globalThis.__pwned = 1}', '\\', "it's"];
    const paths = [...texts.keys()].filter((p) => /^(rules|models|parsers|event-types)\//.test(p)).sort();
    let irs = 0;
    for (let i = 0; i < BENIGN; i++) {
      await new Promise<void>((res) => setImmediate(res));
      const path = r.pick(paths);
      const original = texts.get(path)!;
      const text = i % 2 === 0
        ? original.replace(/^(description|name|reason|title): .*$/m, (_m, k: string) => `${k}: ${JSON.stringify(r.pick(hostile) + ' {user}')}`)
        : original.replace(/\n/g, () => (r.chance(0.2) ? '   \n' : r.chance(0.1) ? '\n\n' : '\n'));
      const { ir, diagnostics, files } = compileWith([{ path, op: 'benign', text }]);
      for (const d of diagnostics) checkDiagnostic(d, files);
      if (ir) {
        irs++;
        const source = emitSource(ir);
        expect(source).not.toMatch(/[\u2028\u2029]/);
      }
    }
    expect(irs).toBeGreaterThan(BENIGN / 2);
    expect((globalThis as { __pwned?: unknown }).__pwned).toBeUndefined();
  });
});

describe('content that compiles also runs', () => {
  // Regression: rule evaluators used to be emitted at module scope while context tables were
  // bound inside `instantiate()`, so a rule whose `expression` or `classifyIf` called a context
  // built-in (inContext, lookup, containsKeyword, …) compiled without a diagnostic and then
  // threw `ReferenceError: T_<table> is not defined` from engine.process on the first event of
  // that type, aborting `uebac run`. Found by this suite's log fuzzer against the content of the
  // day; compiler/passes/emit.ts now emits the evaluators inside instantiate().
  it('a rule calling inContext() either gets a diagnostic or runs without throwing', async () => {
    const { compileTexts, loadCompiled } = await import('../compiler/helpers.ts');
    const { Engine } = await import('../../runtime/engine.ts');
    const t = new Map(texts);
    const table = [...t.values()].map((x) => /^id: *(\S+)[\s\S]*^shape: *set\b/m.exec(x)?.[1]).find((x) => x !== undefined);
    t.set('rules/SEC-CONTEXT-IN-RULE.yaml', [
      'kind: rule', 'id: SEC-CONTEXT-IN-RULE', 'name: Context look-up in a rule expression', 'eventTypes: [usb-write]',
      `expression: "!inContext('${table}', user)"`, 'score: 1', 'mitre: [T1052]', "reason: 'look-up for {user}'", '',
    ].join('\n'));
    const { ir, diagnostics } = compileTexts(t);
    if (!ir) {
      expect(diagnostics.some((d) => d.file === 'rules/SEC-CONTEXT-IN-RULE.yaml' && d.severity === 'error')).toBe(true);
      return;
    }
    const { program } = await loadCompiled(ir);
    const et = program.eventTypes.findIndex((e) => e.name === 'usb-write');
    const ev = program.makeEvent(et, Date.UTC(2026, 9, 1));
    Object.assign(ev, { user: 'alice', host: 'ws-1', dest: 'ws-1', file_name: 'a.txt' });
    program.enrich(ev, et);
    const engine = new Engine(program, { rule() {}, scope() {} });
    engine.process(ev, et); // was: ReferenceError: T_<table> is not defined
    const rule = program.rules.findIndex((r) => r.id === 'SEC-CONTEXT-IN-RULE');
    expect(engine.firedByRule[rule]).toBe(1); // the look-up really ran ('alice' is in no set table)
  });
});
