// Content checks that stand apart from resolution and type checking, run from one place in
// the compiler: per-file checks before schema validation, graph checks once all files are in.
import type { Diagnostic } from '../diagnostics/types.ts';
import type { ContentGraph, Item, PackDoc } from '../graph.ts';
import type { SourceFile } from '../load.ts';
import { checkDuplicateIds, checkSinglePack } from './duplicate-ids.ts';
import { checkFiniteScalars } from './numbers.ts';

export { nonFiniteLiterals, NON_FINITE } from './numbers.ts';

/** Checks on one loaded file; false when the file must not be validated further. */
export function checkFile(file: SourceFile, diagnostics: Diagnostic[]): boolean {
  return !checkFiniteScalars(file, diagnostics);
}

/** Checks across files, once every valid item is in the graph. */
export function checkGraph(graph: ContentGraph, packs: readonly Item<PackDoc>[], diagnostics: Diagnostic[]): void {
  checkSinglePack(packs, diagnostics);
  checkDuplicateIds(graph, diagnostics);
}

/** Whether some file is a pack document, valid or not (so a broken pack is not reported as missing). */
export function declaresPack(files: readonly SourceFile[]): boolean {
  return files.some((f) => /^kind:[ \t]*["']?pack["']?[ \t]*(#.*)?$/m.test(f.text));
}
