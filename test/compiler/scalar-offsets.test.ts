// Positions inside multi-line scalars: a diagnostic on `bogus` must point at `bogus` in the
// source for every YAML scalar style, not at the scalar's first line.
import { describe, expect, it } from 'vitest';
import { expressionLocator, parseSource } from '../../compiler/load.ts';

function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, col: offset - before.lastIndexOf('\n') };
}

const STYLES: Record<string, string> = {
  'block folded, strip (>-)': 'expression: >-\n  exists(user) &&\n  bogus == "x"\nscore: 1\n',
  'block folded (>)': 'expression: >\n    exists(user)\n    && bogus == "x"\n',
  'block literal (|)': 'expression: |\n  exists(user) &&\n  bogus == "x"\n',
  'block literal, keep, indent indicator (|2+)': 'expression: |2+\n    exists(user) &&\n    bogus == "x"\n\n',
  'plain over several lines': 'expression: exists(user)\n  && bogus == "x"\nscore: 1\n',
  'double-quoted with escapes over lines': 'expression: "exists(user) && \\"a\\" != \\t\n  bogus"\n',
  "single-quoted with doubled quotes": "expression: 'exists(user) && ''a'' != \n  bogus'\n",
  'double-quoted, one line': 'expression: "a == \\"b\\" && bogus"\n',
};

describe('positions inside YAML scalars', () => {
  for (const [style, text] of Object.entries(STYLES)) {
    it(`${style}: an offset in the value maps to the same text in the source`, () => {
      const { file, diagnostics } = parseSource('rules/x.yaml', text);
      expect(diagnostics).toEqual([]);
      const value = (file.value as { expression: string }).expression;
      const at = value.indexOf('bogus');
      expect(at, value).toBeGreaterThan(0);
      const pos = expressionLocator(file, ['expression'])(at);
      expect({ line: pos.line, col: pos.col }).toEqual(lineCol(text, text.indexOf('bogus')));
      expect(text.slice(pos.offset, pos.offset + 5)).toBe('bogus');
      // The end of the value maps inside the scalar, never past it.
      expect(expressionLocator(file, ['expression'])(value.length).offset).toBeLessThanOrEqual(text.length);
    });
  }
});
