// Pass: give every event type, model, rule and context table its index by id; duplicate ids are errors.
import type { Item } from '../graph.ts';
import { rangeAt } from '../load.ts';
import type { Session } from './session.ts';
import type { Unit } from './unit.ts';

export function indexIds(unit: Unit, session: Session): void {
  const index = <T extends { id: string }>(items: Item<T>[], into: Map<string, number>, what: string): void => {
    items.forEach((it, i) => {
      if (into.has(it.value.id)) session.error(it.file, rangeAt(it.file, ['id']), 'UEB0004', `duplicate ${what} id \`${it.value.id}\``);
      else into.set(it.value.id, i);
    });
  };
  index(unit.graph.eventTypes, unit.ids.eventTypes, 'event type');
  index(unit.graph.models, unit.ids.models, 'model');
  index(unit.enabledRules, unit.ids.rules, 'rule');
  for (const c of unit.graph.contexts) unit.ids.tables.set(c.value.id, c);
}
