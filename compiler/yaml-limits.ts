// Limits on YAML alias expansion, checked on the parsed document before it is turned into
// plain values, so a "billion laughs" file is a positioned diagnostic instead of an uncaught
// exception or a bundle a hundred times the size of its source.
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';

export const MAX_ALIASES = 100;
/** Bytes that aliases may add on expansion: the larger of the file's size and this. */
export const MIN_ALIAS_EXPANSION = 1 << 20;

export interface AliasProblem {
  message: string;
  /** source offsets of the alias that crosses the limit */
  start: number;
  end: number;
}

/**
 * Walks the document once (without expanding anything): counts aliases and adds up the
 * expanded size of each (the size of its anchor's node, itself with aliases expanded,
 * memoised per node, so nested aliases cost one visit each).
 */
export function aliasProblem(doc: Document.Parsed, textLength: number): AliasProblem | null {
  const budget = Math.max(textLength, MIN_ALIAS_EXPANSION);
  const size = new Map<unknown, number>();
  let aliases = 0;
  let added = 0;
  let problem: AliasProblem | null = null;
  const at = (node: Node, message: string): AliasProblem => ({ message, start: node.range?.[0] ?? 0, end: node.range?.[1] ?? 0 });
  // Expanded size of a node; aliases inside count towards the totals only when `counting`.
  const measure = (node: unknown, counting: boolean, active: Set<unknown>): number => {
    if (problem || node === null || node === undefined) return 0;
    if (isAlias(node)) {
      const target = node.resolve(doc);
      let n = 0;
      if (target && !active.has(target)) {
        const memo = size.get(target);
        if (memo !== undefined) n = memo;
        else {
          active.add(target);
          n = measure(target, false, active);
          active.delete(target);
          size.set(target, n);
        }
      }
      if (counting) {
        if (++aliases > MAX_ALIASES) problem = at(node, `more than ${MAX_ALIASES} YAML aliases in one file`);
        else if ((added += n) > budget) problem = at(node, `YAML aliases expand to more than ${budget} bytes (here: ${added} so far)`);
      }
      return n;
    }
    if (isScalar(node)) return String(node.source ?? node.value ?? '').length + 1;
    if (isPair(node)) return measure(node.key, counting, active) + measure(node.value, counting, active);
    if (isMap(node) || isSeq(node)) {
      let n = 1;
      for (const item of node.items as unknown[]) n += measure(item, counting, active);
      return n;
    }
    return 1;
  };
  measure(doc.contents, true, new Set());
  return problem;
}
