// The compiled bundle and the reference interpreter must agree: end to end on the sample
// log, and expression by expression on random well-typed inputs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CheckContext, Type } from '../../compiler/builtins/types.ts';
import { code } from '../../compiler/emit/code.ts';
import { prop } from '../../compiler/emit/code.ts';
import { checkExpression } from '../../compiler/expr/check.ts';
import { emitExpr } from '../../compiler/expr/emit.ts';
import { evalExpr } from '../../compiler/expr/interpret.ts';
import { parseExpression } from '../../compiler/expr/parse.ts';
import { interpretProgram } from '../../compiler/interpreter.ts';
import * as h from '../../runtime/helpers.ts';
import { compileTexts, contentTexts, loadCompiled, runOn } from './helpers.ts';

describe('bundle vs interpreter on the sample log', () => {
  it('writes byte-identical, non-trivial output', async () => {
    const { ir, diagnostics } = compileTexts(contentTexts());
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const { program } = await loadCompiled(ir!);
    const compiled = await runOn(program);
    const interpreted = await runOn(interpretProgram(ir!));
    expect(compiled.out).toBe(interpreted.out);
    expect(compiled.summary).toEqual(interpreted.summary);
    expect(compiled.summary.events).toBeGreaterThan(0);
    const records = compiled.out.trim().split('\n').map((l) => JSON.parse(l) as { rule?: string });
    expect(records.some((r) => typeof r.rule === 'string')).toBe(true);
  });
});

// ---- random expressions -----------------------------------------------------------------

const FIELDS = new Map<string, Type>([['user', 'string'], ['file_name', 'string'], ['device_id', 'string'], ['bytes', 'number']]);
const STRING_FIELDS = ['user', 'file_name', 'device_id'];

const sample = fc.constantFrom('', 'a', 'A', 'bob', 'Bob@Corp.COM', 'x@y', 'report.TXT', 'a.b.c', '.hidden', 'noext', 'É', 'a b');
const anyString = fc.oneof(sample, fc.string({ maxLength: 6 }));

/** Expression-language literal for any string (escapes everything non-printable-ASCII). */
function lit(s: string): string {
  let out = '"';
  for (const ch of s) {
    for (let i = 0; i < ch.length; i++) {
      const c = ch.charCodeAt(i);
      if (ch[i] === '"' || ch[i] === '\\') out += '\\' + ch[i];
      else if (c >= 0x20 && c < 0x7f) out += ch[i];
      else out += '\\u' + c.toString(16).padStart(4, '0');
    }
  }
  return out + '"';
}

const { str, num, bool } = fc.letrec<{ str: string; num: string; bool: string }>((tie) => ({
  str: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...STRING_FIELDS),
    anyString.map(lit),
    tie('str').map((s) => `toLower(${s})`),
    fc.tuple(tie('str'), tie('str')).map(([a, b]) => `first(${a}, ${b})`),
    tie('str').map((s) => `emailDomain(${s})`),
    tie('str').map((s) => `fileExt(${s})`),
  ),
  num: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant('bytes'),
    fc.integer({ min: 0, max: 20 }).map(String),
    tie('str').map((s) => `length(${s})`),
  ),
  bool: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('true', 'false'),
    fc.tuple(tie('str'), fc.constantFrom('==', '!=', '='), tie('str')).map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(tie('num'), fc.constantFrom('<', '>', '==', '!='), tie('num')).map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(tie('bool'), fc.constantFrom('&&', '||', 'and', 'or'), tie('bool')).map(([a, op, b]) => `(${a}) ${op} (${b})`),
    tie('bool').map((b) => `!(${b})`),
    fc.tuple(tie('str'), fc.array(anyString, { maxLength: 3 })).map(([s, xs]) => `${s} in [${xs.map(lit).join(', ')}]`),
    fc.tuple(tie('num'), fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 3 })).map(([n, xs]) => `${n} in [${xs.join(', ')}]`),
    fc.tuple(tie('str'), tie('str')).map(([a, b]) => `contains(${a}, ${b})`),
    fc.tuple(tie('str'), tie('str')).map(([a, b]) => `startsWith(${a}, ${b})`),
    fc.oneof(tie('str'), tie('num')).map((x) => `exists(${x})`),
  ),
}));

const event = fc.record({
  user: fc.option(anyString, { nil: null }),
  file_name: fc.option(anyString, { nil: null }),
  device_id: fc.option(anyString, { nil: null }),
  bytes: fc.option(fc.integer({ min: 0, max: 20 }), { nil: null }),
});

function prepare(text: string) {
  const parsed = parseExpression(text);
  if (!parsed.ok) throw new Error(`syntax error in generated ${text}: ${parsed.error.message}`);
  const problems: string[] = [];
  const cx = {
    where: 'rule', eventTypes: ['usb-write'],
    error: (_n: unknown, c: string, m: string) => problems.push(`${c} ${m}`),
    warn: () => undefined,
    resolve: () => undefined,
  } as unknown as CheckContext;
  checkExpression(parsed.ast, { fields: FIELDS, modelStats: false }, cx);
  if (problems.length) throw new Error(`generated expression ${text} does not check: ${problems.join('; ')}`);
  const base = { res: (c: { res?: object }) => c.res ?? {}, table: () => { throw new Error('no tables'); }, regex: () => { throw new Error('no regex'); } };
  const js = emitExpr(parsed.ast, { ...base, ident: (name: string) => prop(code`ev`, name) } as never).text;
  const compiled = new Function('h', 'ev', `return ${js};`) as (hh: typeof h, ev: Record<string, h.Value>) => h.Value;
  const interpret = (ev: Record<string, h.Value>) => evalExpr(parsed.ast, { ...base, ev, rt: null, ident: (name: string) => ev[name] ?? null } as never);
  return { js, compiled: (ev: Record<string, h.Value>) => compiled(h, ev), interpret };
}

function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  return Object.is(a, b);
}

describe('compiled expressions agree with the interpreter', () => {
  it('string literals round-trip through the grammar', () => {
    fc.assert(fc.property(fc.string({ maxLength: 10, unit: 'binary' }), (s) => {
      const r = parseExpression(lit(s));
      expect(r.ok && r.ast.kind === 'literal' && r.ast.value).toBe(s);
    }), { numRuns: 300 });
  });

  for (const [kind, arb] of [['boolean', bool], ['string', str], ['number', num]] as const) {
    it(`on random ${kind} expressions and events`, () => {
      fc.assert(fc.property(arb, fc.array(event, { minLength: 1, maxLength: 5 }), (text, events) => {
        const p = prepare(text);
        for (const ev of events) {
          const a = p.compiled({ ...ev });
          const b = p.interpret({ ...ev });
          if (!same(a, b)) throw new Error(`${text}\n  js: ${p.js}\n  ev: ${JSON.stringify(ev)}\n  compiled ${JSON.stringify(a)} ≠ interpreted ${JSON.stringify(b)}`);
        }
      }), { numRuns: 400 });
    });
  }
});
