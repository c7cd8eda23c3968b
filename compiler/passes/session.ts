// A compile session: every pass reports into it, and it stops the pipeline between stages
// so that no pass ever sees the IR of a stage that had errors.
import type { Diagnostic, Range, Severity } from '../diagnostics/types.ts';
import type { SourceFile } from '../load.ts';

export class Session {
  constructor(readonly diagnostics: Diagnostic[] = []) {}

  error(file: SourceFile, range: Range, code: string, message: string, hint?: string): void {
    this.report('error', file, range, code, message, hint);
  }

  warning(file: SourceFile, range: Range, code: string, message: string, hint?: string): void {
    this.report('warning', file, range, code, message, hint);
  }

  report(severity: Severity, file: SourceFile, range: Range, code: string, message: string, hint?: string): void {
    this.diagnostics.push({ code, severity, file: file.path, range, message, ...(hint ? { hint } : {}) });
  }

  hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === 'error');
  }
}
