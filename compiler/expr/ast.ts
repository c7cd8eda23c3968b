// The expression AST. Spans are offsets into the expression text (end exclusive).
export interface Span {
  start: number;
  end: number;
}

export type BinaryOp = '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%' | 'in';

export type Expr =
  | { kind: 'literal'; value: string | number | boolean | null; span: Span }
  | { kind: 'list'; items: Expr[]; span: Span }
  | { kind: 'ident'; name: string; span: Span }
  | { kind: 'call'; name: string; args: Expr[]; span: Span; nameSpan: Span }
  | { kind: 'unary'; op: '!' | '-'; arg: Expr; span: Span }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; span: Span }
  | { kind: 'cond'; test: Expr; then: Expr; else: Expr; span: Span };

/** A dependency expression: boolean combination of rule ids (`not A and (B or C)`). */
export type DepExpr =
  | { kind: 'rule'; id: string; span: Span }
  | { kind: 'not'; arg: DepExpr; span: Span }
  | { kind: 'and' | 'or'; left: DepExpr; right: DepExpr; span: Span }
  | { kind: 'always'; span: Span };

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
