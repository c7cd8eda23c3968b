// The one way to make a diagnostic: the caller names a registry entry (`DIAG.UNKNOWN_FIELD`)
// and the severity comes from that entry, so a code cannot mean an error in one place and a
// warning in another.
import type { CodeInfo } from './codes.ts';
import type { Diagnostic, Range } from './types.ts';

export function diagnostic(code: CodeInfo, file: string, range: Range, message: string, hint?: string): Diagnostic {
  return { code: code.code, severity: code.severity, file, range, message, ...(hint ? { hint } : {}) };
}
