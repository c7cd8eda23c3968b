/** A position in a source file: 1-based line and column, 0-based offset. */
export interface Position {
  line: number;
  col: number;
  offset: number;
}

/** A span of source text. `end` is exclusive. */
export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'info';

/** One problem found in content. Every phase of the compiler reports through this type. */
export interface Diagnostic {
  /** Stable code from the registry (compiler/diagnostics/codes.ts), e.g. "UEB0101". */
  code: string;
  severity: Severity;
  /** Path of the file, relative to the content directory root when possible. */
  file: string;
  range: Range;
  message: string;
  /** Optional suggestion: "did you mean …", how to fix. */
  hint?: string;
}
