// Parse expression text into an AST with spans; syntax errors become located messages.
import type { DepExpr, Expr } from './ast.ts';
// Generated from the grammars in ./grammar.ts (compiler/generate.ts), so no compile pays for
// building the parsers.
import * as depParser from '../generated/dependency-parser.ts';
import * as exprParser from '../generated/expression-parser.ts';
import { checkDepDepth, checkDepth, checkText, stackProblem } from './limits.ts';

type Parser = { parse(input: string, options?: object): unknown };

export interface SyntaxProblem {
  message: string;
  start: number;
  end: number;
  /** set when a resource limit (length, nesting, depth) was hit rather than bad syntax */
  limit?: true;
}

export type ParseResult<T> = { ok: true; ast: T } | { ok: false; error: SyntaxProblem };

function run<T>(parser: Parser, text: string, depth: (ast: T) => SyntaxProblem | null): ParseResult<T> {
  const tooBig = checkText(text);
  if (tooBig) return { ok: false, error: tooBig };
  try {
    const ast = parser.parse(text) as T;
    const deep = depth(ast);
    return deep ? { ok: false, error: deep } : { ok: true, ast };
  } catch (e) {
    if (e instanceof RangeError) return { ok: false, error: stackProblem(text) };
    const err = e as { message?: string; location?: { start: { offset: number }; end: { offset: number } }; expected?: unknown; found?: string | null };
    const start = err.location?.start.offset ?? 0;
    const end = Math.max(start + 1, err.location?.end.offset ?? start + 1);
    const found = err.found == null ? 'end of expression' : JSON.stringify(err.found);
    return { ok: false, error: { message: `unexpected ${found}`, start, end: Math.min(end, Math.max(text.length, start + 1)) } };
  }
}

export function parseExpression(text: string): ParseResult<Expr> {
  return run<Expr>(exprParser, text, checkDepth);
}

export function parseDependency(text: string): ParseResult<DepExpr> {
  return run<DepExpr>(depParser, text, checkDepDepth);
}
