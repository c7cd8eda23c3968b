// Content checks that stand apart from resolution and type checking. The passes call them:
// collect-files per file (before schema validation) and for the pack, check-duplicate-ids
// across files, check-expressions for number literals.
export { checkDuplicateIds, checkSinglePack } from './duplicate-ids.ts';
export { checkFiniteScalars, nonFiniteLiterals, NON_FINITE } from './numbers.ts';

/** Whether some file is a pack document, valid or not (so a broken pack is not reported as missing). */
export function declaresPack(files: ReadonlyArray<{ text: string }>): boolean {
  return files.some((f) => /^kind:[ \t]*["']?pack["']?[ \t]*(#.*)?$/m.test(f.text));
}
