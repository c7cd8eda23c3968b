// The expression AST, which is also the typed IR of expressions: the checker writes each
// node's type and each call's resolution onto the node. Spans are offsets into the
// expression text (end exclusive).
import type { Resolution, Type } from '../builtins/types.ts';

export interface Span {
  start: number;
  end: number;
}

export type BinaryOp = '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%' | 'in';

/** Set by the check pass: the node's type. */
interface Typed { type?: Type }

export type Expr = Typed & (
  | { kind: 'literal'; value: string | number | boolean | null; span: Span }
  | { kind: 'list'; items: Expr[]; span: Span }
  | { kind: 'ident'; name: string; span: Span }
  /** `res`: what the call resolved to (table, regex, model, rule, counter slot). */
  | { kind: 'call'; name: string; args: Expr[]; span: Span; nameSpan: Span; res?: Resolution }
  | { kind: 'unary'; op: '!' | '-'; arg: Expr; span: Span }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; span: Span }
  | { kind: 'cond'; test: Expr; then: Expr; else: Expr; span: Span });

/** A dependency expression: boolean combination of rule ids (`not A and (B or C)`). */
export type DepExpr =
  | { kind: 'rule'; id: string; span: Span }
  | { kind: 'not'; arg: DepExpr; span: Span }
  | { kind: 'and' | 'or'; left: DepExpr; right: DepExpr; span: Span }
  | { kind: 'always'; span: Span };

/** Visit every node of an expression tree, children before parents (the checker's order). */
export function walkPost(e: Expr, visit: (e: Expr) => void): void {
  switch (e.kind) {
    case 'list': e.items.forEach((i) => walkPost(i, visit)); break;
    case 'call': e.args.forEach((a) => walkPost(a, visit)); break;
    case 'unary': walkPost(e.arg, visit); break;
    case 'binary': walkPost(e.left, visit); walkPost(e.right, visit); break;
    case 'cond': walkPost(e.test, visit); walkPost(e.then, visit); walkPost(e.else, visit); break;
    default: break;
  }
  visit(e);
}

/** Visit every node of an expression tree, parents before children. */
export function walk(e: Expr, visit: (e: Expr) => void): void {
  visit(e);
  switch (e.kind) {
    case 'list': e.items.forEach((i) => walk(i, visit)); break;
    case 'call': e.args.forEach((a) => walk(a, visit)); break;
    case 'unary': walk(e.arg, visit); break;
    case 'binary': walk(e.left, visit); walk(e.right, visit); break;
    case 'cond': walk(e.test, visit); walk(e.then, visit); walk(e.else, visit); break;
    default: break;
  }
}
