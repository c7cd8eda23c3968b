// Pass: parse and type-check every queued expression, keeping types and resolutions on the
// nodes, and screen every regex (in calls and parser `extract`) for catastrophic backtracking.
import { DIAG, type CodeInfo } from '../diagnostics/codes.ts';
import type { CheckContext } from '../builtins/types.ts';
import { NON_FINITE, nonFiniteLiterals } from '../checks/index.ts';
import type { Range } from '../diagnostics/types.ts';
import type { Expr, Span } from '../expr/ast.ts';
import { walk } from '../expr/ast.ts';
import { checkExpression } from '../expr/check.ts';
import { parseExpression, type ParseResult } from '../expr/parse.ts';
import { didYouMean } from '../expr/suggest.ts';
import { expressionLocator, type SourceFile } from '../load.ts';
import { screenRegex } from './screen-regex.ts';
import type { Session } from './session.ts';
import type { ExprSlot, Unit } from './unit.ts';

export function checkExpressions(unit: Unit, session: Session): void {
  const parse = parseEachTextOnce();
  for (const slot of unit.exprs) checkSlot(unit, session, slot, parse(slot.text));
  for (const r of unit.regexes) screenRegex(unit, session, r.file, r.range, r.source, r.flags);
}

/**
 * A pack repeats expression texts (a third of its slots): each text is parsed once and every
 * slot gets its own copy of the tree, since checking writes types and resolutions on the nodes.
 */
function parseEachTextOnce(): (text: string) => ParseResult<Expr> {
  const parsed = new Map<string, ParseResult<Expr>>();
  return (text) => {
    let result = parsed.get(text);
    if (!result) parsed.set(text, result = parseExpression(text));
    return result.ok ? { ok: true, ast: copyTree(result.ast) } : result;
  };
}

/** A deep copy of a parsed tree (plain objects, arrays and literal values only). */
function copyTree<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyTree) as T;
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copy[key] = copyTree((value as Record<string, unknown>)[key]);
  return copy as T;
}

function checkSlot(unit: Unit, session: Session, slot: ExprSlot, parsed: ParseResult<Expr>): void {
  const { file } = slot;
  const locate = expressionLocator(file, slot.path);
  const toRange = (span: Span): Range => ({ start: locate(span.start), end: locate(span.end) });
  if (!parsed.ok) {
    if (parsed.error.limit) session.report(file, toRange(parsed.error), DIAG.EXPRESSION_TOO_COMPLEX, `expression too complex: ${parsed.error.message}`);
    else session.report(file, toRange(parsed.error), DIAG.EXPRESSION_SYNTAX, `syntax error in expression: ${parsed.error.message}`);
    return;
  }
  for (const span of nonFiniteLiterals(parsed.ast)) {
    session.report(file, toRange(span), NON_FINITE, `number \`${slot.text.slice(span.start, span.end)}\` is out of range (not a finite number)`, 'write a number within ±1.7e308');
  }
  /** Resolve a name in an index, or report it (with "did you mean") and return null. */
  const lookup = <V,>(node: { span: Span }, code: CodeInfo, what: string, name: string, index: ReadonlyMap<string, V>): V | null => {
    const hit = index.get(name);
    if (hit !== undefined) return hit;
    const s = didYouMean(name, index.keys());
    session.report(file, toRange(node.span), code, `unknown ${what} \`${name}\``, s ? `did you mean \`${s}\`?` : undefined);
    return null;
  };
  const ids = unit.ids;
  const cx: CheckContext = {
    where: slot.where, eventTypes: slot.eventTypes,
    report: (node, code, message, hint) => session.report(file, toRange(node.span), code, message, hint),
    table: (node, name) => lookup(node, DIAG.UNKNOWN_CONTEXT_TABLE, 'context table', name, ids.tables) !== null,
    model: (node, id) => lookup(node, DIAG.UNKNOWN_MODEL, 'model', id, ids.models),
    rule: (node, id) => lookup(node, DIAG.UNKNOWN_RULE, 'rule', id, ids.rules),
    eventType: (node, name) => lookup(node, DIAG.UNKNOWN_EVENT_TYPE, 'event type', name, ids.eventTypes) !== null,
    resolve: () => undefined,
  };
  checkExpression(parsed.ast, { fields: slot.fields, modelStats: slot.modelStats }, cx);
  walk(parsed.ast, (n) => {
    const re = n.kind === 'call' ? n.res?.regex : undefined;
    if (re && n.kind === 'call') screenRegex(unit, session, file, toRange(n.args[1]!.span), re.source, re.flags);
  });
  slot.set(parsed.ast);
}
