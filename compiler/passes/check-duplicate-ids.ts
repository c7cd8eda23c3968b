// Pass: duplicate ids of every kind are errors at each copy (see compiler/checks/duplicate-ids.ts).
import { checkDuplicateIds } from '../checks/index.ts';
import type { Session } from './session.ts';
import type { Unit } from './unit.ts';

export function checkDuplicates(unit: Unit, session: Session): void {
  checkDuplicateIds(unit.graph, session.diagnostics);
}
