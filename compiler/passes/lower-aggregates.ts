// Pass: give every aggregate call (count, sum, distinctCount, …) a counter slot, one per distinct
// (function, scope, value, key, event types), so rules sharing an aggregate share its counter.
import { walkPost, type Expr } from '../expr/ast.ts';
import type { IRCounter } from '../ir.ts';
import type { Session } from './session.ts';
import type { Unit } from './unit.ts';

/** The expression's shape without positions or annotations: equal text means the same counter. */
function shape(e: Expr | null): string {
  return JSON.stringify(e, (k, v) => (k === 'span' || k === 'nameSpan' || k === 'type' || k === 'res' ? undefined : v));
}

export function lowerAggregates(unit: Unit, _session: Session): void {
  const { ir, ids } = unit;
  const counters: IRCounter[] = [];
  const slots = new Map<string, number>();
  const lower = (ast: Expr | null): void => {
    if (!ast) return;
    // Children first: an aggregate nested in another's argument gets the lower slot.
    walkPost(ast, (n) => {
      const use = n.kind === 'call' ? n.res?.aggregate : undefined;
      if (!use || n.kind !== 'call') return;
      const eventTypes = use.eventTypes.map((e) => ids.eventTypes.get(e)!).filter((i) => i !== undefined).sort((a, b) => a - b);
      const k = `${use.fn}|${use.scope}|${shape(use.value)}|${shape(use.key)}|${eventTypes.join(',')}`;
      let slot = slots.get(k);
      if (slot === undefined) {
        slot = counters.push({ fn: use.fn, scope: use.scope, eventTypes, value: use.value, key: use.key }) - 1;
        slots.set(k, slot);
      }
      n.res = { ...n.res, counter: slot };
    });
  };
  // Slots are numbered in content order: models, then rules (classifyIf before expression).
  for (const m of ir.models) { lower(m.feature); lower(m.trainIf); }
  for (const r of ir.rules) { lower(r.classifyIf); lower(r.expression); }
  ir.counters = counters;
}
