// Pass: give every event type, model, rule and context table its index by id (the first of
// duplicates; those are reported by check-duplicate-ids).
import type { Item } from '../graph.ts';
import type { Session } from './session.ts';
import type { Unit } from './unit.ts';

export function indexIds(unit: Unit, _session: Session): void {
  const index = <T extends { id: string }>(items: Item<T>[], into: Map<string, number>): void => {
    items.forEach((it, i) => { if (!into.has(it.value.id)) into.set(it.value.id, i); });
  };
  index(unit.graph.eventTypes, unit.ids.eventTypes);
  index(unit.graph.models, unit.ids.models);
  index(unit.enabledRules, unit.ids.rules);
  for (const c of unit.graph.contexts) if (!unit.ids.tables.has(c.value.id)) unit.ids.tables.set(c.value.id, c);
}
