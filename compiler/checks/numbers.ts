// Non-finite numbers: YAML reads `1e999` as Infinity and `.nan` as NaN, and the expression
// grammar reads `1e999` as Infinity too. No content value means either, and code generation
// cannot write them, so each one is a positioned diagnostic instead of a crash later on.
import { visit } from 'yaml';
import { DIAG } from '../diagnostics/codes.ts';
import { diagnostic } from '../diagnostics/report.ts';
import type { Diagnostic } from '../diagnostics/types.ts';
import type { Expr, Span } from '../expr/ast.ts';
import { walk } from '../expr/ast.ts';
import { rangeOf, type SourceFile } from '../load.ts';

export const NON_FINITE = DIAG.NON_FINITE_NUMBER;

/** Report every non-finite number in a file's YAML; returns true when there was one. */
export function checkFiniteScalars(file: SourceFile, diagnostics: Diagnostic[]): boolean {
  let found = false;
  visit(file.doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'number' || Number.isFinite(node.value) || !node.range) return;
      found = true;
      const text = file.text.slice(node.range[0], node.range[1]);
      diagnostics.push(diagnostic(NON_FINITE, file.path, rangeOf(file, node.range[0], node.range[1]),
        `\`${text}\` is not a finite number (YAML reads it as ${String(node.value)})`,
        'write a number within ±1.7e308, or quote it if it is meant as text'));
    },
  });
  return found;
}

/** Spans of number literals in an expression that overflow to Infinity. */
export function nonFiniteLiterals(ast: Expr): Span[] {
  const out: Span[] = [];
  walk(ast, (n) => {
    if (n.kind === 'literal' && typeof n.value === 'number' && !Number.isFinite(n.value)) out.push(n.span);
  });
  return out;
}

