// Pass: validate every loaded file against the schema of its kind and sort it into the content graph.
import { checkFiniteScalars, checkSinglePack, declaresPack } from '../checks/index.ts';
import type { Item, PackDoc } from '../graph.ts';
import { rangeAt } from '../load.ts';
import { validateFile } from '../validate.ts';
import type { Session } from './session.ts';
import type { Unit } from './unit.ts';

export function collectFiles(unit: Unit, session: Session): void {
  const g = unit.graph;
  const packs: Item<PackDoc>[] = [];
  for (const file of unit.files) {
    if (file.value === undefined || checkFiniteScalars(file, session.diagnostics)) continue;
    const kind = validateFile(file, session.diagnostics);
    if (!kind) continue;
    const item = { file, value: file.value as never };
    switch (kind) {
      case 'pack': packs.push(item); g.pack ??= item; break;
      case 'event-type': g.eventTypes.push(item); break;
      case 'parser': g.parsers.push(item); break;
      case 'context': g.contexts.push(item); break;
      case 'model': g.models.push(item); break;
      case 'rule': g.rules.push(item); break;
      case 'test': g.tests.push(item); break;
    }
  }
  checkSinglePack(packs, session.diagnostics);
  if (!g.pack && unit.files.length && !declaresPack(unit.files)) session.error(unit.files[0]!, rangeAt(unit.files[0]!, []), 'UEB0103', 'the content has no pack.yaml (kind: pack)');
  unit.enabledRules = g.rules.filter((r) => !r.value.disabled);
}
