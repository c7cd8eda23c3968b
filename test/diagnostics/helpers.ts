// Builds diagnostics whose positions are computed from real source text, so tests state
// *what* is underlined rather than hand-counting columns.

import type { Diagnostic, Position, Severity } from '../../compiler/diagnostics/types.ts';

export function positionAt(source: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (source[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: offset - lineStart + 1, offset };
}

/** A diagnostic spanning the first occurrence of `needle` in `source`. */
export function diagnosticOn(
  source: string,
  needle: string,
  fields: { code?: string; severity?: Severity; file?: string; message?: string; hint?: string } = {},
): Diagnostic {
  const start = source.indexOf(needle);
  if (start < 0) throw new Error(`test setup: ${JSON.stringify(needle)} not in source`);
  return {
    code: fields.code ?? 'UEB0302',
    severity: fields.severity ?? 'error',
    file: fields.file ?? 'rules/em-ud-f.yaml',
    range: { start: positionAt(source, start), end: positionAt(source, start + needle.length) },
    message: fields.message ?? `unknown field \`${needle}\``,
    ...(fields.hint !== undefined ? { hint: fields.hint } : {}),
  };
}

/** A diagnostic at a fixed position, for tests that only care about ordering or output shape. */
export function diagnosticAt(
  file: string,
  line: number,
  col: number,
  code: string,
  severity: Severity = 'error',
  message = 'something is wrong',
): Diagnostic {
  return {
    code,
    severity,
    file,
    range: { start: { line, col, offset: 0 }, end: { line, col: col + 3, offset: 3 } },
    message,
  };
}
