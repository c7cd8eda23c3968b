// Lower a checked expression to JavaScript. Comparisons against literals are inlined
// (`x === "a"`), everything else calls the shared helpers, so compiled code and the
// interpreter agree by construction on every function.
import { findBuiltin } from '../builtins/index.ts';
import type { CallNode, EmitContext, LiteralValue } from '../builtins/types.ts';
import { code, num, str, type Code } from '../emit/code.ts';
import { membershipList } from '../emit/membership.ts';
import type { Expr } from './ast.ts';

export interface ExprEmitContext extends EmitContext {
  ident(name: string): Code;
  /** Sees every call's code and may replace it (parsers memoise repeated calls this way). */
  call?(node: CallNode, emitted: Code): Code;
  /** True when the identifier always holds true or false here (never null): a derived field
   *  whose expression is a real boolean, a model's `converged`. */
  isBoolean?(name: string): boolean;
}

/** True when the node always yields a real boolean (never null), so no `=== true` is needed. */
export function strictBoolean(e: Expr, ex?: Pick<ExprEmitContext, 'isBoolean'>): boolean {
  if (e.kind === 'literal') return typeof e.value === 'boolean';
  if (e.kind === 'ident') return ex?.isBoolean?.(e.name) ?? false;
  if (e.kind === 'unary') return e.op === '!';
  if (e.kind === 'binary') return ['&&', '||', '==', '!=', '<', '<=', '>', '>=', 'in'].includes(e.op);
  if (e.kind === 'call') return findBuiltin(e.name)?.returns === 'boolean';
  return false;
}

/** `e` as a real boolean: `=== true` only where the value can be null or non-boolean. */
export function asBool(e: Expr, ex: ExprEmitContext): Code {
  const c = emitExpr(e, ex);
  return strictBoolean(e, ex) ? c : code`(${c} === true)`;
}

function literalCode(v: LiteralValue): Code {
  if (typeof v === 'string') return str(v);
  if (typeof v === 'number') return num(v);
  return code`${v}`;
}

const COMPARE_HELPER: Record<string, Code> = { '==': code`h.eq`, '!=': code`h.ne`, '<': code`h.lt`, '<=': code`h.le`, '>': code`h.gt`, '>=': code`h.ge` };
const ARITH_HELPER: Record<string, Code> = { '+': code`h.add`, '-': code`h.sub`, '*': code`h.mul`, '/': code`h.div`, '%': code`h.mod` };

export function emitExpr(e: Expr, ex: ExprEmitContext): Code {
  switch (e.kind) {
    case 'literal':
      return literalCode(e.value);
    case 'list':
      return code`[${e.items.map((i) => emitExpr(i, ex))}]`;
    case 'ident':
      return ex.ident(e.name);
    case 'unary':
      return e.op === '!' ? code`!${asBool(e.arg, ex)}` : code`h.neg(${emitExpr(e.arg, ex)})`;
    case 'cond':
      return code`(${asBool(e.test, ex)} ? ${emitExpr(e.then, ex)} : ${emitExpr(e.else, ex)})`;
    case 'call': {
      const b = findBuiltin(e.name)!;
      const c = b.emit(e as CallNode, e.args.map((a) => emitExpr(a, ex)), ex);
      return ex.call ? ex.call(e as CallNode, c) : c;
    }
    case 'binary': {
      if (e.op === '&&') return code`(${asBool(e.left, ex)} && ${asBool(e.right, ex)})`;
      if (e.op === '||') return code`(${asBool(e.left, ex)} || ${asBool(e.right, ex)})`;
      if (e.op === 'in') {
        const r = e.right;
        const list = r.kind === 'list' ? membershipList(r.items, () => r.items.map((i) => emitExpr(i, ex)), ex) : emitExpr(r, ex);
        return code`h.inList(${emitExpr(e.left, ex)}, ${list})`;
      }
      if (ARITH_HELPER[e.op]) return code`${ARITH_HELPER[e.op]!}(${emitExpr(e.left, ex)}, ${emitExpr(e.right, ex)})`;
      // Comparison with a non-null literal on the right: inline, null-safe by construction
      // (`null === "a"` is false; ordering checks test for null explicitly).
      const r = e.right;
      if (r.kind === 'literal' && r.value !== null && !(e.left.kind === 'literal')) {
        const left = emitExpr(e.left, ex);
        if (e.op === '==') return code`(${left} === ${literalCode(r.value)})`;
        if (typeof r.value === 'number') return code`h.${e.op === '!=' ? code`ne` : e.op === '<' ? code`lt` : e.op === '<=' ? code`le` : e.op === '>' ? code`gt` : code`ge`}(${left}, ${num(r.value)})`;
      }
      return code`${COMPARE_HELPER[e.op]!}(${emitExpr(e.left, ex)}, ${emitExpr(e.right, ex)})`;
    }
  }
}
