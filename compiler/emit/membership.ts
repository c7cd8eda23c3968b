// Membership tests (`x in ['a', 'b']`, InList(x, 'a', 'b')) against literal values read a
// Set built once per bundle (the emit context hoists it to a module constant): no list is
// allocated per evaluation, and a look-up is one hash probe whatever the list's length.
import type { EmitContext, LiteralValue } from '../builtins/types.ts';
import type { Expr } from '../expr/ast.ts';
import { code, type Code } from './code.ts';

/** The values of a list whose items are all literals, or null. */
function literalValues(items: readonly Expr[]): LiteralValue[] | null {
  const out: LiteralValue[] = [];
  for (const i of items) {
    if (i.kind !== 'literal') return null;
    out.push(i.value);
  }
  return out;
}

/** The right side of a membership test: a hoisted Set when every item is a literal. */
export function membershipList(items: readonly Expr[], emitted: () => Code[], ex: EmitContext): Code {
  const values = ex.literalSet ? literalValues(items) : null;
  return values ? ex.literalSet!(values) : code`[${emitted()}]`;
}

