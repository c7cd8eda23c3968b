// Machine-readable diagnostics for scripts and editor integrations.
//
// The document is stable: diagnostics are sorted and every object is built with a fixed key
// order, so the same input always gives byte-identical output (diffable in CI). Bump
// JSON_FORMAT_VERSION on any incompatible change to the shape.

import { codeInfo } from './codes.ts';
import type { Diagnostic } from './types.ts';

export const JSON_FORMAT_VERSION = 1;

/** Order by file, then position, then code; message last so that ties are still deterministic. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    compareText(slashed(a.file), slashed(b.file)) ||
    a.range.start.line - b.range.start.line ||
    a.range.start.col - b.range.start.col ||
    compareText(a.code, b.code) ||
    compareText(a.message, b.message)
  );
}

// Paths from Windows sort like their forward-slash form, so order is the same on every OS.
function slashed(path: string): string {
  return path.replace(/\\/g, '/');
}

// Plain code-unit order, not localeCompare: output must not depend on the machine's locale.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorted copy; the caller's array is left alone. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort(compareDiagnostics);
}

export function renderJson(ds: Diagnostic[]): string {
  const diagnostics = sortDiagnostics(ds).map((d) => ({
    code: d.code,
    name: codeInfo(d.code).name,
    severity: d.severity,
    file: d.file,
    range: {
      start: { line: d.range.start.line, col: d.range.start.col, offset: d.range.start.offset },
      end: { line: d.range.end.line, col: d.range.end.col, offset: d.range.end.offset },
    },
    message: d.message,
    // Omitted rather than null when absent, matching the Diagnostic type.
    ...(d.hint !== undefined ? { hint: d.hint } : {}),
  }));
  return JSON.stringify({ version: JSON_FORMAT_VERSION, diagnostics }, null, 2) + '\n';
}
