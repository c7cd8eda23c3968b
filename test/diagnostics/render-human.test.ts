import { describe, expect, it } from 'vitest';
import { renderHuman, renderSummary } from '../../compiler/diagnostics/render-human.ts';
import { diagnosticAt, diagnosticOn } from './helpers.ts';

const RULE = [
  'kind: rule',
  'id: EM-UD-F',
  'event_types: [dlp-email-alert-out]',
  "expression: InList(dest_domian, 'gmail.com')",
  'score: 10',
].join('\n');

/** The frame line showing source line `n`, and the caret line. */
function frameLines(out: string, n: number): { source: string; caret: string } {
  const lines = out.split('\n');
  const source = lines.find((l) => l.trimStart().startsWith(`${n} |`));
  const caret = lines.find((l) => l.includes('^'));
  if (!source || !caret) throw new Error(`no frame for line ${n} in:\n${out}`);
  return { source, caret };
}

describe('renderHuman', () => {
  it('prints file:line:col, severity, code and message on the first line', () => {
    const d = diagnosticOn(RULE, 'dest_domian');
    const out = renderHuman(d, RULE);
    expect(out.split('\n')[0]).toBe('rules/em-ud-f.yaml:4:20: error UEB0302 unknown field `dest_domian`');
  });

  it('shows the line before as context and underlines exactly the span', () => {
    const out = renderHuman(diagnosticOn(RULE, 'dest_domian'), RULE);
    expect(out).toBe(
      [
        'rules/em-ud-f.yaml:4:20: error UEB0302 unknown field `dest_domian`',
        '3 | event_types: [dlp-email-alert-out]',
        "4 | expression: InList(dest_domian, 'gmail.com')",
        '  |                    ^^^^^^^^^^^',
      ].join('\n'),
    );
    const { source, caret } = frameLines(out, 4);
    expect(caret.indexOf('^')).toBe(source.indexOf('dest_domian'));
  });

  it('has no context line when the error is on the first line', () => {
    const out = renderHuman(diagnosticOn(RULE, 'rule', { code: 'UEB0005', message: 'unknown kind' }), RULE);
    expect(out.split('\n').slice(1)).toEqual(['1 | kind: rule', '  |       ^^^^']);
  });

  it('uses the severity word of the diagnostic', () => {
    const d = diagnosticOn(RULE, 'score', { code: 'UEB0210', severity: 'warning', message: 'rule has no tests' });
    expect(renderHuman(d, RULE).split('\n')[0]).toBe('rules/em-ud-f.yaml:5:1: warning UEB0210 rule has no tests');
  });

  it('keeps the caret aligned when the line contains tabs', () => {
    const src = ['kind: rule', "expression:\tInList(\tdest_domian, 'x')"].join('\n');
    const out = renderHuman(diagnosticOn(src, 'dest_domian'), src);
    expect(out).not.toContain('\t');
    const { source, caret } = frameLines(out, 2);
    expect(caret.indexOf('^')).toBe(source.indexOf('dest_domian'));
    expect(caret.match(/\^+/)?.[0]).toHaveLength('dest_domian'.length);
  });

  it('widens the caret over tabs inside the span', () => {
    const src = 'expression: a\t== b';
    const d = diagnosticOn(src, 'a\t==');
    const { source, caret } = frameLines(renderHuman(d, src), 1);
    // `a`, the tab expanded to the next stop, then `==`: the carets cover what the reader sees.
    expect(caret.indexOf('^')).toBe(source.indexOf('a '));
    expect(caret.match(/\^+/)?.[0].length).toBe(source.indexOf('b') - 1 - source.indexOf('a '));
  });

  it('underlines a multi-line span from its start to the end of its first line', () => {
    const src = ['kind: rule', 'expression: (num_observations == 0', '  && confidence_factor >= 0.8'].join('\n');
    const start = src.indexOf('(num');
    const d = diagnosticOn(src, src.slice(start), { code: 'UEB0301', message: 'unclosed parenthesis' });
    expect(d.range.end.line).toBe(3);
    const out = renderHuman(d, src);
    expect(out.split('\n').slice(1)).toEqual([
      '1 | kind: rule',
      '2 | expression: (num_observations == 0',
      '  |             ^^^^^^^^^^^^^^^^^^^^^^',
    ]);
  });

  it('prints at least one caret for an empty span, also past the end of the line', () => {
    const src = 'expression: InList(user,';
    const endOfLine = diagnosticAt('r.yaml', 1, src.length + 1, 'UEB0301');
    endOfLine.range.end = { ...endOfLine.range.start };
    const out = renderHuman(endOfLine, src);
    const { source, caret } = frameLines(out, 1);
    expect(caret.indexOf('^')).toBe(source.length);
    expect(caret.match(/\^+/)?.[0]).toBe('^');
  });

  it('pads the gutter to the widest line number', () => {
    const src = Array.from({ length: 10 }, (_, i) => `line${i + 1}: x`).join('\n');
    const out = renderHuman(diagnosticOn(src, 'line10'), src);
    expect(out.split('\n').slice(1)).toEqual([' 9 | line9: x', '10 | line10: x', '   | ^^^^^^']);
  });

  it('handles CRLF line endings', () => {
    const src = RULE.replace(/\n/g, '\r\n');
    const d = diagnosticOn(RULE, 'dest_domian'); // line/col do not depend on the line ending
    const out = renderHuman(d, src);
    expect(out).not.toContain('\r');
    expect(out).toContain("4 | expression: InList(dest_domian, 'gmail.com')");
  });

  it('adds the hint as a last line', () => {
    const d = diagnosticOn(RULE, 'dest_domian', { hint: 'did you mean `dest_domain`?' });
    const lines = renderHuman(d, RULE).split('\n');
    expect(lines.at(-1)).toBe('  = hint: did you mean `dest_domain`?');
    expect(lines.at(-2)).toContain('^');
  });

  it('prints only the header and hint without source text', () => {
    const d = diagnosticOn(RULE, 'dest_domian', { hint: 'did you mean `dest_domain`?' });
    expect(renderHuman(d, undefined)).toBe(
      'rules/em-ud-f.yaml:4:20: error UEB0302 unknown field `dest_domian`\n  = hint: did you mean `dest_domain`?',
    );
  });

  it('skips the frame when the position is not in the source', () => {
    const d = diagnosticAt('rules/em-ud-f.yaml', 99, 1, 'UEB0302');
    expect(renderHuman(d, RULE)).toBe('rules/em-ud-f.yaml:99:1: error UEB0302 something is wrong');
  });

  it('uses no color by default and ANSI color on request', () => {
    const d = diagnosticOn(RULE, 'dest_domian', { hint: 'did you mean `dest_domain`?' });
    const plain = renderHuman(d, RULE);
    const colored = renderHuman(d, RULE, { color: true });
    expect(plain).not.toMatch(/\u001b/);
    expect(colored).toMatch(/\u001b\[31m/);
    expect(colored.replace(/\u001b\[[0-9;]*m/g, '')).toBe(plain);
  });
});

describe('renderSummary', () => {
  const at = (severity: 'error' | 'warning' | 'info') => diagnosticAt('a.yaml', 1, 1, 'UEB0302', severity);

  it('counts by severity with plurals', () => {
    expect(renderSummary([at('error'), at('error'), at('warning')])).toBe('2 errors, 1 warning');
    expect(renderSummary([at('error')])).toBe('1 error');
    expect(renderSummary([at('warning'), at('warning')])).toBe('2 warnings');
    expect(renderSummary([at('info'), at('error')])).toBe('1 error, 1 info message');
  });

  it('says so when there is nothing to report', () => {
    expect(renderSummary([])).toBe('no problems');
  });
});
