// Resource limits on expressions, checked before and right after parsing, so neither the
// parser nor the recursive passes after it (checker, emitter, interpreter) can run out of
// stack: a 4,000-term `a or a or …` or a thousand nested parentheses is a positioned
// diagnostic, never "Maximum call stack size exceeded".
import type { DepExpr, Expr, Span } from './ast.ts';

/** Characters in one expression. */
export const MAX_EXPRESSION_LENGTH = 8192;
/** Open parentheses / brackets at once. */
export const MAX_NESTING = 64;
/** Depth of the syntax tree: every operator of a chain (`a or b or c`) is one level. */
export const MAX_DEPTH = 256;

export interface LimitProblem {
  message: string;
  start: number;
  end: number;
  limit: true;
}

/** Length and bracket nesting of the raw text (string literals skipped). */
export function checkText(text: string): LimitProblem | null {
  if (text.length > MAX_EXPRESSION_LENGTH) {
    return { message: `the expression is ${text.length} characters long; the limit is ${MAX_EXPRESSION_LENGTH}`, start: MAX_EXPRESSION_LENGTH, end: text.length, limit: true };
  }
  let depth = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[') {
      if (++depth > MAX_NESTING) return { message: `parentheses and brackets nest more than ${MAX_NESTING} deep here`, start: i, end: i + 1, limit: true };
    } else if (c === ')' || c === ']') depth = Math.max(0, depth - 1);
  }
  return null;
}

function children(e: Expr): Expr[] {
  switch (e.kind) {
    case 'list': return e.items;
    case 'call': return e.args;
    case 'unary': return [e.arg];
    case 'binary': return [e.left, e.right];
    case 'cond': return [e.test, e.then, e.else];
    default: return [];
  }
}

function depChildren(e: DepExpr): DepExpr[] {
  switch (e.kind) {
    case 'not': return [e.arg];
    case 'and': case 'or': return [e.left, e.right];
    default: return [];
  }
}

/** The first node deeper than MAX_DEPTH, found without recursion. */
function tooDeep<T extends { span: Span }>(root: T, kids: (e: T) => T[]): { node: T; depth: number } | null {
  const stack: Array<[T, number]> = [[root, 1]];
  let deepest: { node: T; depth: number } | null = null;
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (depth > MAX_DEPTH && (!deepest || depth > deepest.depth)) deepest = { node, depth };
    for (const k of kids(node)) stack.push([k, depth + 1]);
  }
  return deepest;
}

function depthProblem(found: { node: { span: Span }; depth: number }): LimitProblem {
  return {
    message: `the expression nests ${found.depth} levels deep; the limit is ${MAX_DEPTH} (each operator of a chain such as \`a or b or c\` is one level: use \`x in [...]\` or a context table for long lists)`,
    start: found.node.span.start,
    end: found.node.span.end,
    limit: true,
  };
}

export function checkDepth(e: Expr): LimitProblem | null {
  const found = tooDeep(e, children);
  return found ? depthProblem(found) : null;
}

export function checkDepDepth(e: DepExpr): LimitProblem | null {
  const found = tooDeep(e, depChildren);
  return found ? depthProblem(found) : null;
}

/** The parser itself ran out of stack (deep unary chains such as `!!!!…`). */
export function stackProblem(text: string): LimitProblem {
  return { message: 'the expression nests too deeply for the parser (long chains of `!`, `not` or `-`)', start: 0, end: Math.max(1, text.length), limit: true };
}
