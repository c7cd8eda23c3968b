// Pass: report ids of one kind that become the same generated name (`EM-OD-F` / `EM_OD_F`).
import { DIAG } from '../diagnostics/codes.ts';
import { mangle } from '../emit/code.ts';
import type { Item } from '../graph.ts';
import { rangeAt } from '../load.ts';
import type { Session } from './session.ts';
import type { Unit } from './unit.ts';

export function reportNameCollisions(unit: Unit, session: Session): void {
  const g = unit.graph;
  const check = <T extends { id: string }>(items: readonly Item<T>[], what: string): void => {
    const first = new Map<string, Item<T>>();
    for (const it of items) {
      const name = mangle(it.value.id);
      const earlier = first.get(name);
      if (!earlier) first.set(name, it);
      else if (earlier.value.id !== it.value.id) {
        const at = rangeAt(earlier.file, ['id']).start;
        session.report(it.file, rangeAt(it.file, ['id']), DIAG.ID_NAME_COLLISION,
          `${what} id \`${it.value.id}\` differs from \`${earlier.value.id}\` (${earlier.file.path}:${at.line}:${at.col}) only in punctuation: both are named \`${name}\``,
          'rename one of them');
      }
    }
  };
  check(g.eventTypes, 'event type');
  check(g.models, 'model');
  check(unit.enabledRules, 'rule');
  check(g.contexts, 'context table');
}
