// Compiler resource limits: expression length / nesting / depth and YAML alias expansion are
// positioned diagnostics, never a stack overflow or an uncaught exception.
import { describe, expect, it } from 'vitest';
import { parseSource } from '../../compiler/load.ts';
import { parseDependency, parseExpression } from '../../compiler/expr/parse.ts';
import { MAX_DEPTH, MAX_EXPRESSION_LENGTH, MAX_NESTING } from '../../compiler/expr/limits.ts';
import { MAX_ALIASES } from '../../compiler/yaml-limits.ts';
import { compileTexts, contentTexts, edit, lineColOf } from '../compiler/helpers.ts';

const RULE = 'rules/UW-DH-A.yaml';
const ORIGINAL = 'expression: exists(device_id) && num_observations < percentile_threshold_count';

function compileWith(expression: string) {
  const t = contentTexts();
  edit(t, RULE, ORIGINAL, `expression: "${expression}"`);
  return { ...compileTexts(t), text: t.get(RULE)! };
}

describe('expression limits', () => {
  it('a 4,000-term flat `or` chain is UEB0310 at the rule, not a stack overflow', () => {
    const { ir, diagnostics, text } = compileWith(Array(4000).fill('exists(device_id)').join(' or '));
    expect(ir).toBeNull();
    const d = diagnostics.filter((x) => x.code === 'UEB0310');
    expect(d, JSON.stringify(diagnostics.slice(0, 3))).toHaveLength(1);
    expect(d[0]!.file).toBe(RULE);
    expect(d[0]!.message).toMatch(/expression too complex: the expression is \d+ characters long; the limit is 8192/);
    expect(d[0]!.range.start.line).toBe(lineColOf(text, 'expression:').line);
  });

  it('a chain short enough in characters but too deep is UEB0310 too; one within the limit compiles', () => {
    const deep = compileWith(Array(1200).fill('x').join('||'));
    expect(deep.diagnostics.filter((x) => x.code === 'UEB0310').map((x) => x.message)).toEqual([expect.stringMatching(/nests 1200 levels deep; the limit is 256/)]);
    const ok = compileWith(Array(100).fill('exists(device_id)').join(' or '));
    expect(ok.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
    expect(ok.ir).not.toBeNull();
  });

  it('deep parentheses are UEB0310 at the parenthesis past the limit (not a syntax error at col 1)', () => {
    const expr = '('.repeat(500) + 'exists(device_id)' + ')'.repeat(500);
    const { diagnostics, text } = compileWith(expr);
    const d = diagnostics.filter((x) => x.code === 'UEB0310');
    expect(d).toHaveLength(1);
    expect(diagnostics.filter((x) => x.code === 'UEB0301')).toEqual([]);
    const at = lineColOf(text, 'expression: "');
    expect(d[0]!.range.start).toMatchObject({ line: at.line, col: at.col + 'expression: "'.length + MAX_NESTING });
  });

  it('parser-level limits: unary chains, dependencies, and the documented constants', () => {
    expect(MAX_EXPRESSION_LENGTH).toBe(8192);
    expect(MAX_DEPTH).toBe(256);
    for (const text of ['!'.repeat(6000) + 'a', 'not '.repeat(1500) + 'a', '-'.repeat(6000) + '1', '['.repeat(100) + ']'.repeat(100)]) {
      const r = parseExpression(text);
      expect(r.ok).toBe(false);
      expect(r.ok ? null : r.error.limit).toBe(true);
    }
    const dep = parseDependency(Array(1000).fill('R-1').join(' or '));
    expect(dep.ok ? null : dep.error).toMatchObject({ limit: true, message: expect.stringMatching(/nests 1000 levels/) });
    expect(parseExpression('a == "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((("').ok).toBe(true); // brackets in strings do not count
  });
});

describe('YAML alias limits', () => {
  it('billion laughs is UEB0007 at the alias that crosses the limit, in the file, without expanding it', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      lines.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const { file, diagnostics } = parseSource('context/laughs.yaml', lines.join('\n'));
    expect(file.value).toBeUndefined();
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'UEB0007', file: 'context/laughs.yaml', severity: 'error' });
    expect(diagnostics[0]!.message).toMatch(/YAML aliases expand to more than 1048576 bytes/);
    expect(diagnostics[0]!.range.start.line).toBeGreaterThan(1);
  });

  it('a large anchored value repeated by aliases (amplification) is UEB0007; a few small aliases are fine', () => {
    const big = `a: &a "${'x'.repeat(100_000)}"\nb: [${Array(50).fill('*a').join(', ')}]\n`;
    const r = parseSource('context/amp.yaml', big);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['UEB0007']);
    expect(r.diagnostics[0]!.range.start.line).toBe(2);
    const small = parseSource('ok.yaml', 'a: &a [1, 2]\nb: *a\nc: *a\n');
    expect(small.diagnostics).toEqual([]);
    expect(small.file.value).toEqual({ a: [1, 2], b: [1, 2], c: [1, 2] });
  });

  it(`more than ${MAX_ALIASES} aliases is UEB0007 at the first one over`, () => {
    const text = `a: &a 1\nb: [${Array(MAX_ALIASES + 1).fill('*a').join(', ')}]\n`;
    const r = parseSource('many.yaml', text);
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([['UEB0007', `more than ${MAX_ALIASES} YAML aliases in one file`]]);
    expect(r.diagnostics[0]!.range.start.col).toBe(text.split('\n')[1]!.lastIndexOf('*a') + 1);
  });
});
