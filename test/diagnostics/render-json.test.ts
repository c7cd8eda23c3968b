import { describe, expect, it } from 'vitest';
import { renderJson } from '../../compiler/diagnostics/render-json.ts';
import { diagnosticAt, diagnosticOn } from './helpers.ts';

describe('renderJson', () => {
  it('wraps diagnostics in a versioned document and adds the registry name', () => {
    const src = "expression: InList(dest_domian, 'gmail.com')";
    const d = diagnosticOn(src, 'dest_domian', { hint: 'did you mean `dest_domain`?' });
    const doc = JSON.parse(renderJson([d]));
    expect(doc).toEqual({
      version: 1,
      diagnostics: [
        {
          code: 'UEB0302',
          name: 'unknown-field',
          severity: 'error',
          file: 'rules/em-ud-f.yaml',
          range: {
            start: { line: 1, col: 20, offset: 19 },
            end: { line: 1, col: 31, offset: 30 },
          },
          message: 'unknown field `dest_domian`',
          hint: 'did you mean `dest_domain`?',
        },
      ],
    });
  });

  it('omits hint when there is none', () => {
    const doc = JSON.parse(renderJson([diagnosticAt('a.yaml', 1, 1, 'UEB0001')]));
    expect(doc.diagnostics[0]).not.toHaveProperty('hint');
  });

  it('sorts by file, line, column, then code', () => {
    const ds = [
      diagnosticAt('rules/b.yaml', 1, 1, 'UEB0302'),
      diagnosticAt('rules/a.yaml', 10, 1, 'UEB0302'),
      diagnosticAt('rules/a.yaml', 2, 7, 'UEB0303'),
      diagnosticAt('rules/a.yaml', 2, 7, 'UEB0302'),
      diagnosticAt('rules/a.yaml', 2, 3, 'UEB0305'),
      diagnosticAt('models/z.yaml', 5, 1, 'UEB0103'),
    ];
    const order = JSON.parse(renderJson(ds)).diagnostics.map(
      (d: { file: string; range: { start: { line: number; col: number } }; code: string }) =>
        `${d.file}:${d.range.start.line}:${d.range.start.col} ${d.code}`,
    );
    expect(order).toEqual([
      'models/z.yaml:5:1 UEB0103',
      'rules/a.yaml:2:3 UEB0305',
      'rules/a.yaml:2:7 UEB0302',
      'rules/a.yaml:2:7 UEB0303',
      'rules/a.yaml:10:1 UEB0302',
      'rules/b.yaml:1:1 UEB0302',
    ]);
  });

  it('is byte-identical whatever the input order, and leaves the input alone', () => {
    const ds = [
      diagnosticAt('b.yaml', 1, 1, 'UEB0302', 'error', 'second'),
      diagnosticAt('a.yaml', 1, 1, 'UEB0302', 'error', 'b'),
      diagnosticAt('a.yaml', 1, 1, 'UEB0302', 'error', 'a'),
    ];
    const before = ds.map((d) => d.message);
    expect(renderJson(ds)).toBe(renderJson([...ds].reverse()));
    expect(ds.map((d) => d.message)).toEqual(before);
  });

  it('renders an empty list', () => {
    expect(renderJson([])).toBe('{\n  "version": 1,\n  "diagnostics": []\n}\n');
  });

  it('rejects codes missing from the registry', () => {
    expect(() => renderJson([diagnosticAt('a.yaml', 1, 1, 'UEB9999')])).toThrow(/UEB9999/);
  });
});
