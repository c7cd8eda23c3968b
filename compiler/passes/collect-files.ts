// Pass: validate every loaded file against the schema of its kind and sort it into the content
// graph (a file with errors only in some optional properties goes on without them, so its other
// problems are found in the same run).
import { checkFiniteScalars, checkSinglePack, declaresPack } from '../checks/index.ts';
import { DIAG } from '../diagnostics/codes.ts';
import { diagnostic } from '../diagnostics/report.ts';
import type { Item, PackDoc } from '../graph.ts';
import { zeroRange } from '../load.ts';
import { validateForCompile } from '../validate.ts';
import type { Session } from './session.ts';
import type { Unit } from './unit.ts';

export function collectFiles(unit: Unit, session: Session): void {
  const g = unit.graph;
  const packs: Item<PackDoc>[] = [];
  for (const file of unit.files) {
    if (file.value === undefined || checkFiniteScalars(file, session.diagnostics)) continue;
    const checked = validateForCompile(file, session.diagnostics);
    if (!checked) continue;
    const { kind } = checked;
    const item = { file, value: checked.value as never };
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
  if (!g.pack && !declaresPack(unit.files)) {
    // Also for a directory without any YAML: compiling "nothing" successfully would hide a wrong path.
    session.diagnostics.push(unit.files.length
      ? diagnostic(DIAG.MISSING_PACK, 'pack.yaml', zeroRange(), 'the content has no pack.yaml (kind: pack)', 'add pack.yaml with kind: pack, id and version, or point the command at the pack directory')
      : diagnostic(DIAG.MISSING_PACK, '.', zeroRange(), 'no content files (*.yaml) here: this is not a content directory', 'point the command at the directory holding pack.yaml'));
  }
  unit.enabledRules = g.rules.filter((r) => !r.value.disabled);
}
