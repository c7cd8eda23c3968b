// Pass (lint): warn when a rule or model reads a field that no parser of its event types produces.
import { DIAG } from '../diagnostics/codes.ts';
import { walk, type Expr } from '../expr/ast.ts';
import { rangeAt, type SourceFile } from '../load.ts';
import type { Session } from './session.ts';
import type { Unit } from './unit.ts';

export function lintUnproducedFields(unit: Unit, session: Session): void {
  const { eventTypes, parsers, rules, models } = unit.ir;
  const produced = eventTypes.map((et, i) => {
    const s = new Set<string>(['time', 'event_type', ...et.derived.map((d) => d.name)]);
    for (const p of parsers) if (p.events.some((e) => e.eventType === i)) p.fields.forEach((f) => s.add(f.name));
    return s;
  });
  const check = (file: SourceFile, path: string[], ast: Expr | null, ets: number[], id: string) => {
    if (!ast) return;
    walk(ast, (n) => {
      if (n.kind !== 'ident') return;
      const missing = ets.filter((et) => eventTypes[et]!.fields.some((f) => f.name === n.name) && !produced[et]!.has(n.name));
      if (missing.length && missing.length === ets.length) {
        session.report(file, rangeAt(file, path), DIAG.FIELD_NEVER_PRODUCED, `\`${id}\` reads \`${n.name}\`, which no parser of ${missing.map((e) => eventTypes[e]!.name).join(', ')} produces: it can never fire on real logs`);
      }
    });
  };
  rules.forEach((r, i) => check(unit.enabledRules[i]!.file, ['expression'], r.expression, r.eventTypes, r.id));
  models.forEach((m, i) => check(unit.graph.models[i]!.file, ['feature'], m.feature, m.eventTypes, m.id));
}
