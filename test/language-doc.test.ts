import { readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderLanguageReference } from '../compiler/language-doc.ts';
import { BUILTINS } from '../compiler/builtins/index.ts';
import type { Builtin, CheckContext, Type, Where } from '../compiler/builtins/types.ts';
import { compileDir } from '../compiler/compile.ts';
import type { Expr } from '../compiler/expr/ast.ts';
import { walk } from '../compiler/expr/ast.ts';
import { checkExpression } from '../compiler/expr/check.ts';
import { parseExpression } from '../compiler/expr/parse.ts';
import type { IR } from '../compiler/ir.ts';

const PATH = new URL('../docs/language.md', import.meta.url);

describe('docs/language.md', () => {
  it('is generated from the built-in registry and up to date (UPDATE_DOCS=1 rewrites it)', () => {
    const fresh = renderLanguageReference();
    if (process.env.UPDATE_DOCS) writeFileSync(PATH, fresh);
    expect(readFileSync(PATH, 'utf8')).toBe(fresh);
  });
});

/**
 * Type-checks `example` as the compiler would in one place (`where`) for one event type of the
 * shipped pack, with the pack's tables, models and rules. Returns the problems found and the
 * expression's type.
 */
function checkExample(ir: IR, example: string, where: Where, eventType: IR['eventTypes'][number] | null): { problems: string[]; type?: Type; ast?: Expr } {
  const parsed = parseExpression(example);
  if (!parsed.ok) return { problems: [`syntax error: ${parsed.error.message}`] };
  const problems: string[] = [];
  const named = (list: readonly string[], name: string, what: string) => list.includes(name) || (problems.push(`unknown ${what} ${name}`), false);
  const cx: CheckContext = {
    where,
    eventTypes: eventType ? [eventType.name] : [],
    report: (_node, code, message) => { problems.push(`${code.code} ${message}`); },
    table: (_n, name) => named(ir.contexts.map((c) => c.name), name, 'table'),
    model: (_n, id) => { const i = ir.models.findIndex((m) => m.id === id); if (i < 0) problems.push(`unknown model ${id}`); return i < 0 ? null : i; },
    rule: (_n, id) => { const i = ir.rules.findIndex((r) => r.id === id); if (i < 0) problems.push(`unknown rule ${id}`); return i < 0 ? null : i; },
    eventType: (_n, name) => named(ir.eventTypes.map((e) => e.name), name, 'event type'),
    resolve: () => undefined,
  };
  const fields = eventType ? new Map<string, Type>([...eventType.fields, ...eventType.derived].map((f) => [f.name, f.type])) : null;
  const type = checkExpression(parsed.ast, { fields, modelStats: where === 'rule' }, cx);
  return { problems, type, ast: parsed.ast };
}

/** The first call of the built-in `b` in `ast` (by its name or an alias; names are case-insensitive). */
function callOf(ast: Expr, b: Builtin): Expr | undefined {
  const names = new Set([b.name, ...(b.aliases ?? [])].map((n) => n.toLowerCase()));
  let found: Expr | undefined;
  walk(ast, (n) => { if (!found && n.kind === 'call' && names.has(n.name.toLowerCase())) found = n; });
  return found;
}

const PLACES: readonly Where[] = ['parser', 'derive', 'classify', 'rule', 'feature', 'train', 'test'];
describe('every built-in is documented with an example that works', () => {
  let ir: IR;
  beforeAll(() => {
    const r = compileDir('content');
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    ir = r.ir!;
  });

  for (const b of BUILTINS) {
    it(`${b.name}: ${b.example || '(no example)'}`, () => {
      expect(b.doc.length, 'a sentence of documentation').toBeGreaterThan(10);
      expect(renderLanguageReference()).toContain(b.signature);
      expect(b.example.trim(), 'an example').not.toBe('');
      expect(renderLanguageReference()).toContain(b.example);
      // The example must parse, call this built-in, and type-check without a problem in some
      // place the built-in is allowed, for some event type of the shipped pack (in a parser the
      // identifiers are raw keys, so any name is text there); the call has the declared type.
      const attempts = (b.where ?? PLACES).flatMap((where) => (where === 'parser' ? [null] : ir.eventTypes)
        .map((et) => ({ at: `${where}/${et?.name ?? 'raw keys'}`, ...checkExample(ir, b.example, where, et) })));
      const parsed = attempts[0]!.ast;
      expect(attempts[0]!.problems.filter((p) => p.startsWith('syntax error')), 'the example parses').toEqual([]);
      expect(parsed && callOf(parsed, b), `the example calls ${b.name}`).toBeDefined();
      const clean = attempts.find((a) => a.problems.length === 0);
      expect(clean, `no place and event type of the pack type-checks it: ${attempts.map((a) => `${a.at}: ${a.problems.join('; ')}`).join(' | ')}`).toBeDefined();
      const callType = callOf(clean!.ast!, b)!.type;
      if (b.returns !== 'any') expect([b.returns, 'any'], `${b.name} returns ${b.returns}`).toContain(callType);
    });
  }
});
