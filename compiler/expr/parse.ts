// Parse expression text into an AST with spans; syntax errors become located messages.
import peggy from 'peggy';
import type { DepExpr, Expr } from './ast.ts';
import { DEPENDENCY_GRAMMAR, EXPRESSION_GRAMMAR } from './grammar.ts';

type Parser = { parse(input: string): unknown };
let exprParser: Parser | undefined;
let depParser: Parser | undefined;

export interface SyntaxProblem {
  message: string;
  start: number;
  end: number;
}

export type ParseResult<T> = { ok: true; ast: T } | { ok: false; error: SyntaxProblem };

function run<T>(parser: Parser, text: string): ParseResult<T> {
  try {
    return { ok: true, ast: parser.parse(text) as T };
  } catch (e) {
    const err = e as { message?: string; location?: { start: { offset: number }; end: { offset: number } }; expected?: unknown; found?: string | null };
    const start = err.location?.start.offset ?? 0;
    const end = Math.max(start + 1, err.location?.end.offset ?? start + 1);
    const found = err.found == null ? 'end of expression' : JSON.stringify(err.found);
    return { ok: false, error: { message: `unexpected ${found}`, start, end: Math.min(end, Math.max(text.length, start + 1)) } };
  }
}

export function parseExpression(text: string): ParseResult<Expr> {
  exprParser ??= peggy.generate(EXPRESSION_GRAMMAR) as Parser;
  return run<Expr>(exprParser, text);
}

export function parseDependency(text: string): ParseResult<DepExpr> {
  depParser ??= peggy.generate(DEPENDENCY_GRAMMAR) as Parser;
  return run<DepExpr>(depParser, text);
}
