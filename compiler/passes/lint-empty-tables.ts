// Pass (lint): warn when a rule depends, directly or through derived fields, on a context table that ships empty.
import { DIAG } from '../diagnostics/codes.ts';
import { walk, type Expr } from '../expr/ast.ts';
import { rangeAt } from '../load.ts';
import type { Session } from './session.ts';
import type { Unit } from './unit.ts';

export function lintEmptyTables(unit: Unit, session: Session): void {
  const { eventTypes, rules } = unit.ir;
  const tablesOf = (ast: Expr, ets: number[], seen = new Set<string>()): Set<string> => {
    const out = new Set<string>();
    walk(ast, (n) => {
      if (n.kind === 'call') {
        const t = n.res?.table;
        if (t) out.add(t);
      } else if (n.kind === 'ident' && !seen.has(n.name)) {
        seen.add(n.name);
        for (const et of ets) {
          const d = eventTypes[et]?.derived.find((x) => x.name === n.name);
          if (d) tablesOf(d.ast, [et], seen).forEach((t) => out.add(t));
        }
      }
    });
    return out;
  };
  rules.forEach((r, i) => {
    const item = unit.enabledRules[i]!;
    const used = new Set<string>();
    for (const ast of [r.expression, r.classifyIf]) if (ast) tablesOf(ast, r.eventTypes).forEach((t) => used.add(t));
    for (const t of [...used].sort()) {
      const c = unit.ids.tables.get(t)?.value;
      if (c && (c.values?.length ?? 0) + (c.entries?.length ?? 0) === 0) {
        session.report(item.file, rangeAt(item.file, ['expression']), DIAG.EMPTY_CONTEXT_TABLE, `\`${r.id}\` depends on context table \`${t}\`, which ships empty${c.organisation ? ' (supply it with --context)' : ''}`);
      }
    }
  });
}
