// Map an offset inside a YAML scalar's *value* back to an offset in the source text, for every
// scalar style: plain and quoted (possibly over several lines, with escapes) and block scalars
// (`|`, `>`, with chomping and indentation indicators). Diagnostics inside a multi-line
// expression or reason then point at the exact line and column, not at the scalar's start.
//
// The value is aligned with the source greedily: equal characters map to each other, source
// whitespace that folding removed is skipped, and a character folding introduced (a space or a
// newline standing for a line break) maps to the line break it replaces. Escapes in double
// quotes and doubled quotes in single quotes map to the start of their source sequence.

export type ScalarStyle = 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE' | 'BLOCK_LITERAL' | 'BLOCK_FOLDED';

/** Length of the escape sequence at `src[j]` (a backslash) in a double-quoted scalar. */
function escapeLength(src: string, j: number): number {
  const c = src[j + 1];
  if (c === 'x') return 4;
  if (c === 'u') return 6;
  if (c === 'U') return 10;
  return 2;
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

/**
 * Source offsets of each value character (and one past the end) for the scalar whose source
 * spans `[start, end)` in `text`.
 */
export function scalarOffsets(text: string, start: number, end: number, style: ScalarStyle, value: string): number[] {
  let j = start;
  let stop = end;
  if (style === 'QUOTE_DOUBLE' || style === 'QUOTE_SINGLE') { j = start + 1; stop = Math.max(j, end - 1); }
  if (style === 'BLOCK_LITERAL' || style === 'BLOCK_FOLDED') {
    const headerEnd = text.indexOf('\n', start);
    j = headerEnd < 0 ? end : headerEnd + 1;
  }
  const map: number[] = new Array(value.length + 1);
  let i = 0;
  while (i < value.length) {
    const v = value[i]!;
    const s = text[j];
    if (j >= stop) { map[i++] = stop; continue; }
    if (style === 'QUOTE_DOUBLE' && s === '\\') {
      if (text[j + 1] === '\n' || text[j + 1] === '\r') { j += 2; continue; } // line continuation
      map[i++] = j;
      j += escapeLength(text, j);
      continue;
    }
    if (style === 'QUOTE_SINGLE' && s === "'" && text[j + 1] === "'") {
      map[i++] = j;
      j += 2;
      continue;
    }
    if (v === s) { map[i++] = j++; continue; }
    if (isSpace(s)) { j++; continue; }
    // A space or newline the folding introduced, or a block scalar's kept final line break.
    map[i++] = j;
  }
  map[value.length] = Math.min(j, stop);
  return map;
}
