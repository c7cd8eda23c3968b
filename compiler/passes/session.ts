// A compile session: every pass reports into it, and it stops the pipeline between stages
// so that no pass ever sees the IR of a stage that had errors.
import type { CodeInfo } from '../diagnostics/codes.ts';
import { diagnostic } from '../diagnostics/report.ts';
import type { Diagnostic, Range } from '../diagnostics/types.ts';
import type { SourceFile } from '../load.ts';

export class Session {
  constructor(readonly diagnostics: Diagnostic[] = []) {}

  /** Report `code` (a registry entry, e.g. DIAG.UNKNOWN_FIELD); its severity comes from the registry. */
  report(file: SourceFile, range: Range, code: CodeInfo, message: string, hint?: string): void {
    this.diagnostics.push(diagnostic(code, file.path, range, message, hint));
  }

  hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === 'error');
  }
}
