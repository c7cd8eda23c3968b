// The compiler is this list of stages. Each stage's passes run in order over the compile
// unit, and the session stops the pipeline after any stage that reported an error.
//  - check: every pass that can find a content error. Each leaves a broken item out of the
//    IR (an unknown event type, a file that failed its schema) and goes on, so one compile
//    reports every problem at once.
//  - transform, lint: run only on an IR with no errors.
// Code generation (./emit.ts) runs on the finished IR.
import type { Diagnostic } from '../diagnostics/types.ts';
import type { IR } from '../ir.ts';
import type { SafetyResult } from '../regex/safety.ts';
import { loadContentDir, type SourceFile } from '../load.ts';
import { checkDuplicates } from './check-duplicate-ids.ts';
import { checkExpressions } from './check-expressions.ts';
import { checkReasons } from './check-reasons.ts';
import { checkTests } from './check-tests.ts';
import { analyseDemand } from './demand.ts';
import { collectFiles } from './collect-files.ts';
import { indexIds } from './index-ids.ts';
import { lintEmptyTables } from './lint-empty-tables.ts';
import { lintShadowedParsers } from './lint-shadowed-parsers.ts';
import { lintUnproducedFields } from './lint-unproduced-fields.ts';
import { lowerAggregates } from './lower-aggregates.ts';
import { orderRules } from './order-rules.ts';
import { readPack } from './read-pack.ts';
import { reportNameCollisions } from './report-name-collisions.ts';
import { resolveReferences } from './resolve-references.ts';
import { Session } from './session.ts';
import { emptyUnit, type CompileOptions, type Unit } from './unit.ts';

export type { CompileOptions } from './unit.ts';

export type Pass = (unit: Unit, session: Session) => void;

export const STAGES: ReadonlyArray<{ name: string; passes: readonly Pass[] }> = [
  { name: 'check', passes: [collectFiles, checkDuplicates, indexIds, reportNameCollisions, readPack, resolveReferences, checkReasons, checkTests, checkExpressions, orderRules] },
  { name: 'transform', passes: [lowerAggregates, analyseDemand] },
  { name: 'lint', passes: [lintShadowedParsers, lintUnproducedFields, lintEmptyTables] },
];

export interface CompileResult extends FilesResult { files: SourceFile[] }

export interface FilesResult {
  ir: IR | null;
  diagnostics: Diagnostic[];
  /** Every regex verdict the screen used, by `flags/source` (what a pack's verdict file records). */
  regexVerdicts: ReadonlyMap<string, SafetyResult>;
}

/** Load, validate, resolve and check the content directory. */
export function compileDir(root: string, options: CompileOptions = {}): CompileResult {
  const { files, diagnostics } = loadContentDir(root);
  return { ...compileFiles(files, diagnostics, { contentRoot: root, ...options }), files };
}

/** Run every stage over loaded files; `diagnostics` may already hold the loader's. */
export function compileFiles(files: SourceFile[], diagnostics: Diagnostic[] = [], options: CompileOptions = {}): FilesResult {
  const session = new Session(diagnostics);
  const unit = emptyUnit(files);
  unit.options = options;
  for (const stage of STAGES) {
    for (const pass of stage.passes) pass(unit, session);
    if (session.hasErrors()) return { ir: null, diagnostics, regexVerdicts: unit.regexVerdicts };
  }
  return { ir: unit.ir, diagnostics, regexVerdicts: unit.regexVerdicts };
}
