// Pass (demand analysis): per parser, the raw keys its mapping reads (field expressions,
// `when` conditions, raw('…'), the time keys), so the run path extracts only those.
import { walk, type Expr } from '../expr/ast.ts';
import type { Session } from './session.ts';
import type { Unit } from './unit.ts';

export function analyseDemand(unit: Unit, _session: Session): void {
  for (const p of unit.ir.parsers) {
    const keys = new Set<string>(p.timeFrom);
    // An identifier is a raw key unless an earlier field of this parser produced it: the
    // emitter and the interpreter resolve names in the same order.
    const outputs = new Set<string>();
    const read = (ast: Expr) => walk(ast, (n) => {
      if (n.kind === 'ident' && !outputs.has(n.name)) keys.add(n.name);
      if (n.kind === 'call' && n.name === 'raw' && n.args[0]?.kind === 'literal' && typeof n.args[0].value === 'string') keys.add(n.args[0].value);
    });
    for (const f of p.fields) { read(f.ast); outputs.add(f.name); }
    for (const e of p.events) if (e.when) read(e.when);
    p.rawKeys = [...keys].sort();
  }
}
