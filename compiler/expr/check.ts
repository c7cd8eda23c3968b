// Phase 4 — check: type-check an expression against the fields in scope and the built-in
// signatures; record what each call resolves to (counters, models, tables, regexes).
import { DIAG } from '../diagnostics/codes.ts';
import { findBuiltin, builtinNames } from '../builtins/index.ts';
import type { CheckContext, Type } from '../builtins/types.ts';
import type { Expr } from './ast.ts';
import { didYouMean } from './suggest.ts';

export const MODEL_STATS: Readonly<Record<string, Type>> = {
  num_observations: 'number',
  confidence_factor: 'number',
  total_events: 'number',
  distinct_values: 'number',
  percentile_threshold_count: 'number',
  percentile_threshold_value: 'number',
  percentile_count_distance: 'number',
  converged: 'boolean',
  feature_value: 'any',
};

export interface Scope {
  /** Known identifiers and their types; `null` means any identifier is allowed as a string (parser raw keys). */
  fields: ReadonlyMap<string, Type> | null;
  /** Whether model statistics may be used (rule with a model). */
  modelStats: boolean;
}

function compatible(actual: Type, expected: Type): boolean {
  if (actual === 'any' || expected === 'any' || actual === 'null') return true;
  if (actual === expected) return true;
  if (expected === 'string' && (actual === 'ip' || actual === 'time')) return true;
  if (expected === 'number' && actual === 'time') return true;
  return false;
}

/** Check `ast`, writing each node's type (and each call's resolution) onto the node. */
export function checkExpression(ast: Expr, scope: Scope, cx: CheckContext): Type {
  const visit = (e: Expr): Type => (e.type = typeOf(e));
  const typeOf = (e: Expr): Type => {
    switch (e.kind) {
      case 'literal':
        return e.value === null ? 'null' : typeof e.value === 'string' ? 'string' : typeof e.value === 'number' ? 'number' : 'boolean';
      case 'list':
        e.items.forEach(visit);
        return 'list';
      case 'ident': {
        if (scope.fields === null) return 'string'; // parser: any raw key, always text
        const t = scope.fields.get(e.name);
        if (t) return t;
        // Own keys only: `constructor` / `toString` must not resolve through Object.prototype.
        if (Object.hasOwn(MODEL_STATS, e.name)) {
          if (!scope.modelStats) cx.report(e, DIAG.MODEL_STAT_WITHOUT_MODEL, `\`${e.name}\` is a model statistic, but this expression has no model`, 'set `model:` on the rule, or use modelTotal()/seenAnywhere()');
          return MODEL_STATS[e.name]!;
        }
        const candidates = [...scope.fields.keys(), ...(scope.modelStats ? Object.keys(MODEL_STATS) : [])];
        const s = didYouMean(e.name, candidates);
        cx.report(e, DIAG.UNKNOWN_FIELD, `unknown field \`${e.name}\`${cx.eventTypes.length ? ` for event type ${cx.eventTypes.join(', ')}` : ''}`, s ? `did you mean \`${s}\`?` : undefined);
        return 'any';
      }
      case 'unary': {
        const t = visit(e.arg);
        if (e.op === '-' && !compatible(t, 'number')) cx.report(e, DIAG.TYPE_MISMATCH, `unary minus needs a number, got ${t}`);
        return e.op === '!' ? 'boolean' : 'number';
      }
      case 'cond': {
        visit(e.test);
        const a = visit(e.then);
        const b = visit(e.else);
        return a === b ? a : a === 'null' ? b : b === 'null' ? a : 'any';
      }
      case 'binary': {
        const l = visit(e.left);
        const r = visit(e.right);
        switch (e.op) {
          case '&&': case '||':
            for (const [side, t] of [[e.left, l], [e.right, r]] as const) if (!compatible(t, 'boolean')) cx.report(side, DIAG.TYPE_MISMATCH, `\`${e.op}\` needs boolean operands, got ${t}`);
            return 'boolean';
          case '==': case '!=':
            if (l !== 'any' && r !== 'any' && l !== 'null' && r !== 'null' && !compatible(l, r) && !compatible(r, l)) cx.report(e, DIAG.TYPE_MISMATCH, `comparing ${l} with ${r} is always false`);
            return 'boolean';
          case '<': case '<=': case '>': case '>=':
            for (const [side, t] of [[e.left, l], [e.right, r]] as const) if (!compatible(t, 'number')) cx.report(side, DIAG.TYPE_MISMATCH, `\`${e.op}\` compares numbers, got ${t}`, t === 'string' ? 'convert with toNumber()' : undefined);
            return 'boolean';
          case 'in':
            if (!compatible(r, 'list')) cx.report(e.right, DIAG.TYPE_MISMATCH, '`in` needs a list on its right, e.g. x in [\'a\', \'b\']');
            return 'boolean';
          case '+':
            if (l === 'string' || r === 'string') return 'string';
            for (const [side, t] of [[e.left, l], [e.right, r]] as const) if (!compatible(t, 'number')) cx.report(side, DIAG.TYPE_MISMATCH, `\`+\` needs numbers or strings, got ${t}`);
            return 'number';
          default:
            for (const [side, t] of [[e.left, l], [e.right, r]] as const) if (!compatible(t, 'number')) cx.report(side, DIAG.TYPE_MISMATCH, `\`${e.op}\` needs numbers, got ${t}`);
            return 'number';
        }
      }
      case 'call': {
        const b = findBuiltin(e.name);
        if (!b) {
          const s = didYouMean(e.name, builtinNames());
          cx.report({ ...e, span: e.nameSpan }, DIAG.UNKNOWN_FUNCTION, `unknown function \`${e.name}\``, s ? `did you mean \`${s}\`?` : 'see docs/language.md for the built-in functions');
          e.args.forEach(visit);
          return 'any';
        }
        if (b.where && !b.where.includes(cx.where)) cx.report({ ...e, span: e.nameSpan }, DIAG.NOT_ALLOWED_HERE, `\`${b.name}\` cannot be used in a ${cx.where} expression`);
        if (e.args.length < b.minArgs || e.args.length > b.maxArgs) {
          const want = b.minArgs === b.maxArgs ? `${b.minArgs}` : b.maxArgs === Infinity ? `at least ${b.minArgs}` : `${b.minArgs}–${b.maxArgs}`;
          cx.report(e, DIAG.WRONG_ARITY, `\`${b.name}\` takes ${want} argument${want === '1' ? '' : 's'}, got ${e.args.length}`, `signature: ${b.signature}`);
        }
        const resolving: CheckContext = { ...cx, resolve: (call, r) => { call.res = { ...call.res, ...r }; } };
        e.args.forEach((a, i) => {
          const t = visit(a);
          const want = b.params[Math.min(i, b.params.length - 1)];
          if (want && !compatible(t, want) && !(want === 'string' && t === 'list' && b.category === 'context')) {
            cx.report(a, DIAG.TYPE_MISMATCH, `argument ${i + 1} of \`${b.name}\` should be ${want}, got ${t}`, `signature: ${b.signature}`);
          }
        });
        b.check?.(e, resolving);
        e.res ??= {};
        return b.returns;
      }
    }
  };
  return visit(ast);
}
