// Human-readable diagnostics for terminals and CI logs:
//
//   rules/em-ud-f.yaml:4:13: error UEB0302 unknown field `dest_domian`
//   3 | event_types: [dlp-email-alert-out]
//   4 | expression: InList(dest_domian, 'gmail.com')
//     |             ^^^^^^^^^^^
//     = hint: did you mean `dest_domain`?
//
// The first line is the conventional `file:line:col: severity` shape so editors and CI
// log viewers can turn it into a link.

import type { Diagnostic, Severity } from './types.ts';

export interface HumanRenderOptions {
  /** Add ANSI colors. Off by default so output is stable in files and snapshots. */
  color?: boolean;
}

/** Tabs are expanded to this many columns so the caret line lines up whatever the terminal does. */
const TAB_WIDTH = 4;

/** Lines of source shown before the line the diagnostic starts on. */
const CONTEXT_BEFORE = 1;

const ANSI = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  red: '\u001b[31m',
  yellow: '\u001b[33m',
  cyan: '\u001b[36m',
  blue: '\u001b[34m',
} as const;

const SEVERITY_COLOR: Record<Severity, string> = {
  error: ANSI.red,
  warning: ANSI.yellow,
  info: ANSI.cyan,
};

type Paint = (style: string, text: string) => string;

function painter(color: boolean): Paint {
  return color ? (style, text) => `${style}${text}${ANSI.reset}` : (_style, text) => text;
}

/**
 * Render one diagnostic: a `file:line:col` header, a code frame when the source text is
 * available, and the hint.
 */
export function renderHuman(d: Diagnostic, source: string | undefined, opts: HumanRenderOptions = {}): string {
  const paint = painter(opts.color ?? false);
  const sevColor = SEVERITY_COLOR[d.severity];
  const { line, col } = d.range.start;

  const out: string[] = [
    paint(ANSI.bold, `${d.file}:${line}:${col}:`) +
      ' ' +
      paint(ANSI.bold + sevColor, `${d.severity} ${d.code}`) +
      ' ' +
      paint(ANSI.bold, d.message),
  ];
  if (source !== undefined) out.push(...codeFrame(d, source, paint, sevColor));
  if (d.hint) out.push(`  ${paint(ANSI.bold + ANSI.blue, '=')} hint: ${d.hint}`);
  return out.join('\n');
}

/** Source lines up to the start line, plus a caret line under the span. Empty if the position is off the file. */
function codeFrame(d: Diagnostic, source: string, paint: Paint, caretColor: string): string[] {
  const lines = source.split(/\r\n|\r|\n/);
  const { start, end } = d.range;
  if (start.line < 1 || start.line > lines.length) return [];

  const first = Math.max(1, start.line - CONTEXT_BEFORE);
  const gutterWidth = String(start.line).length;
  const gutter = (label: string) => paint(ANSI.blue, `${label.padStart(gutterWidth)} |`);

  const frame: string[] = [];
  for (let n = first; n <= start.line; n++) {
    const text = expandTabs(lines[n - 1]);
    // No trailing space after the bar on empty lines.
    frame.push(text === '' ? gutter(String(n)) : `${gutter(String(n))} ${text}`);
  }

  const lineText = lines[start.line - 1];
  const caretFrom = displayWidth(lineText, start.col - 1);
  // A span running onto later lines is underlined to the end of its first line.
  const caretTo = end.line === start.line ? displayWidth(lineText, end.col - 1) : displayWidth(lineText, lineText.length);
  const caretCount = Math.max(1, caretTo - caretFrom);
  frame.push(`${gutter('')} ${' '.repeat(caretFrom)}${paint(ANSI.bold + caretColor, '^'.repeat(caretCount))}`);
  return frame;
}

/** Replace each tab with spaces up to the next tab stop. */
function expandTabs(text: string): string {
  if (!text.includes('\t')) return text;
  let out = '';
  for (const ch of text) {
    out += ch === '\t' ? ' '.repeat(TAB_WIDTH - (out.length % TAB_WIDTH)) : ch;
  }
  return out;
}

/**
 * Display width of the first `units` UTF-16 code units of `text` after tab expansion.
 * Columns in diagnostics count code units (as JavaScript strings do); positions past the end
 * of the line (e.g. "unexpected end of line") continue one column per unit.
 */
function displayWidth(text: string, units: number): number {
  const n = Math.max(0, units);
  const inLine = Math.min(n, text.length);
  return expandTabs(text.slice(0, inLine)).length + (n - inLine);
}

/** One-line count of diagnostics by severity, e.g. `2 errors, 1 warning`. */
export function renderSummary(ds: Diagnostic[]): string {
  const count = (s: Severity) => ds.filter((d) => d.severity === s).length;
  const parts: string[] = [];
  const errors = count('error');
  const warnings = count('warning');
  const infos = count('info');
  if (errors > 0) parts.push(plural(errors, 'error'));
  if (warnings > 0) parts.push(plural(warnings, 'warning'));
  if (infos > 0) parts.push(plural(infos, 'info message'));
  return parts.length > 0 ? parts.join(', ') : 'no problems';
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
