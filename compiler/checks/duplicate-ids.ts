// Duplicate ids: two items of one kind with the same id are an error reported at both
// places, so the author sees the pair whichever file they open. Without this the later
// compiler phases would silently keep one of them (the first file in path order wins).
import { DIAG } from '../diagnostics/codes.ts';
import { diagnostic } from '../diagnostics/report.ts';
import type { Diagnostic } from '../diagnostics/types.ts';
import type { ContentGraph, Item } from '../graph.ts';
import { rangeAt } from '../load.ts';

const KINDS = [
  ['event type', 'eventTypes'],
  ['parser', 'parsers'],
  ['context table', 'contexts'],
  ['model', 'models'],
  ['rule', 'rules'],
  ['test', 'tests'],
] as const;

export function checkDuplicateIds(graph: ContentGraph, diagnostics: Diagnostic[]): void {
  for (const [what, key] of KINDS) reportDuplicates(graph[key] as Item<{ id: string }>[], what, diagnostics);
}

/** More than one `kind: pack` document: the settings would depend on file order. */
export function checkSinglePack(packs: readonly Item<{ id: string }>[], diagnostics: Diagnostic[]): void {
  if (packs.length < 2) return;
  reportGroup(packs, 'pack', diagnostics, 'a content directory holds exactly one pack');
}

function reportDuplicates(items: readonly Item<{ id: string }>[], what: string, diagnostics: Diagnostic[]): void {
  const byId = new Map<string, Item<{ id: string }>[]>();
  for (const it of items) {
    const list = byId.get(it.value.id);
    if (list) list.push(it);
    else byId.set(it.value.id, [it]);
  }
  for (const [id, group] of byId) if (group.length > 1) reportGroup(group, `${what} id \`${id}\``, diagnostics);
}

/** One diagnostic per member of the group, each naming where the others are. */
function reportGroup(group: readonly Item<{ id: string }>[], subject: string, diagnostics: Diagnostic[], hint?: string): void {
  const where = group.map((it) => {
    const range = rangeAt(it.file, ['id'], true);
    return { it, range, label: `${it.file.path}:${range.start.line}` };
  });
  for (const self of where) {
    const others = where.filter((o) => o !== self).map((o) => o.label);
    diagnostics.push(diagnostic(DIAG.DUPLICATE_ID, self.it.file.path, self.range, `duplicate ${subject}: also defined at ${others.join(', ')}`, hint ?? 'give one of them a new, unique id'));
  }
}
