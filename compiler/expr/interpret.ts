// The reference interpreter: the definition of what an expression means. Compiled code
// must agree with it on every input (test/differential.test.ts).
import * as h from '../../runtime/helpers.ts';
import type { Value } from '../../runtime/helpers.ts';
import { findBuiltin } from '../builtins/index.ts';
import type { CallNode, InterpContext } from '../builtins/types.ts';
import type { Expr } from './ast.ts';

export interface ExprInterpContext extends InterpContext {
  ident(name: string): Value;
}

function bool(e: Expr, ix: ExprInterpContext): boolean {
  return evalExpr(e, ix) === true;
}

export function evalExpr(e: Expr, ix: ExprInterpContext): Value {
  switch (e.kind) {
    case 'literal':
      return e.value;
    case 'list':
      return e.items.map((i) => evalExpr(i, ix)) as unknown as Value;
    case 'ident':
      return ix.ident(e.name);
    case 'unary':
      return e.op === '!' ? !bool(e.arg, ix) : h.neg(evalExpr(e.arg, ix));
    case 'cond':
      return bool(e.test, ix) ? evalExpr(e.then, ix) : evalExpr(e.else, ix);
    case 'call': {
      const b = findBuiltin(e.name)!;
      return b.interp(e as CallNode, e.args.map((a) => evalExpr(a, ix)), ix);
    }
    case 'binary': {
      if (e.op === '&&') return bool(e.left, ix) && bool(e.right, ix);
      if (e.op === '||') return bool(e.left, ix) || bool(e.right, ix);
      const l = evalExpr(e.left, ix);
      const r = evalExpr(e.right, ix);
      switch (e.op) {
        case 'in': return h.inList(l, r as unknown as Value[]);
        case '==': return h.eq(l, r);
        case '!=': return h.ne(l, r);
        case '<': return h.lt(l, r);
        case '<=': return h.le(l, r);
        case '>': return h.gt(l, r);
        case '>=': return h.ge(l, r);
        case '+': return h.add(l, r);
        case '-': return h.sub(l, r);
        case '*': return h.mul(l, r);
        case '/': return h.div(l, r);
        case '%': return h.mod(l, r);
      }
    }
  }
}
