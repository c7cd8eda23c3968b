import { describe, expect, it } from 'vitest';
import { parseHocon } from '../../compiler/import/hocon.ts';
import { plain, resolveHocon, type ParsedSource } from '../../compiler/import/hocon-resolve.ts';

function read(text: string, include?: Record<string, string>) {
  const r = parseHocon(text);
  expect(r.problems.filter((p) => p.code === 'hocon-syntax')).toEqual([]);
  const src: ParsedSource = { file: 'main.conf', root: r.root!, base: 0 };
  const resolved = resolveHocon(src, {
    include: (target) => {
      const t = include?.[target];
      if (t === undefined) return null;
      return { file: target, root: parseHocon(t).root!, base: 0 };
    },
  });
  return { ...resolved, value: plain(resolved.root) as Record<string, unknown>, recovered: r.problems };
}

describe('HOCON reader', () => {
  it('reads objects, arrays, separators, comments and every string form', () => {
    const { value } = read([
      '# comment',
      'Name = acme-fw-allow   // trailing comment',
      'Vendor = Acme Corp',
      'Product: "Acme \\"FW\\""',
      'Nested { inner = 1, other = [a, b] }',
      'List = [ """x""", """y"""',
      '  """z""" ]',
    ].join('\n'));
    expect(value).toEqual({
      Name: 'acme-fw-allow', Vendor: 'Acme Corp', Product: 'Acme "FW"',
      Nested: { inner: '1', other: ['a', 'b'] }, List: ['x', 'y', 'z'],
    });
  });

  it('ends a triple-quoted string at the last three quotes of a run, keeping backslashes', () => {
    const { value } = read('a = """"user_id":"({user}[^"]+)""""\nb = """\\d+\\s"""');
    expect(value.a).toBe('"user_id":"({user}[^"]+)"');
    expect(value.b).toBe('\\d+\\s');
  });

  it('reads an unquoted value to the end of its line, blanks and punctuation included', () => {
    expect(read('Product = Event Viewer - Security\nVendor = AT&T: Labs').value).toEqual({ Product: 'Event Viewer - Security', Vendor: 'AT&T: Labs' });
  });

  it('expands dotted keys and merges objects given twice, later keys winning', () => {
    const { value } = read('a.b.c = 1\na { b { d = 2 }, e = 3 }\na.e = 4');
    expect(value).toEqual({ a: { b: { c: '1', d: '2' }, e: '4' } });
  });

  it('resolves substitutions, concatenates arrays and merges a template object', () => {
    const { value, problems } = read([
      'T { base = { Vendor = Acme, Fields = ["""a""", """b"""] } }',
      'p = ${T.base} { Name = x, Fields = ${T.base.Fields} ["""c"""] }',
      'q = ${?nothing}',
      'r = [1]\nr += 2',
    ].join('\n'));
    expect(problems).toEqual([]);
    expect(value.p).toEqual({ Vendor: 'Acme', Name: 'x', Fields: ['a', 'b', 'c'] });
    expect(value.q).toBeUndefined();
    expect(value.r).toEqual(['1', '2']);
  });

  it('finds a template by the end of its path when the file part of the path is not there', () => {
    const { value, notes } = read('p { Name = x, Fields = ${WindowsTemplates.s-xml.Fields}["""b"""], s-xml = { Fields = ["""a"""] } }');
    expect((value.p as { Fields: string[] }).Fields).toEqual(['a', 'b']);
    expect(notes.map((n) => `${n.written} → ${n.found}`)).toEqual(['WindowsTemplates.s-xml.Fields → s-xml.Fields']);
  });

  it('reports unresolved and cyclic substitutions with their offsets instead of failing', () => {
    const text = 'a = ${missing.thing}\nb = ${c}\nc = ${b}';
    const { problems } = read(text);
    const unresolved = problems.find((p) => p.code === 'unresolved-substitution')!;
    expect(text.slice(unresolved.origin.start, unresolved.origin.end)).toBe('${missing.thing}');
    expect(problems.some((p) => p.code === 'substitution-cycle')).toBe(true);
  });

  it('pulls in included files', () => {
    const { value } = read('include "base.conf"\nb = ${a}', { 'base.conf': 'a = from-include' });
    expect(value).toEqual({ a: 'from-include', b: 'from-include' });
  });

  it('supplies closers missing before an outer closer or the end, and says where', () => {
    // The library's pages end like this: the last list and the outer object are not closed.
    const text = '{\nName = x\nt = {\n  Fields = [\n  """a"""\n}\n';
    const r = parseHocon(text);
    expect(r.problems.map((p) => `${p.code} ${p.message}`)).toEqual(["hocon-recovered missing ']' supplied", "hocon-recovered missing '}' supplied"]);
    expect(r.problems[0]!.span.start).toBe(text.indexOf('}'));
  });

  it('reads the export form "name.Fields}[" as a template reference', () => {
    const { value } = read('{ Name = x\nacme.Fields}[ """b""" ]\nacme = { Fields = ["""a"""] } }');
    expect(value.Fields).toEqual(['a', 'b']);
  });

  it('gives the offset of a syntax error', () => {
    const text = 'a = [1, 2\nb = """never closed';
    const r = parseHocon(text);
    expect(r.root).toBeNull();
    expect(r.problems[0]!.code).toBe('hocon-syntax');
    expect(r.problems[0]!.message).toContain('unterminated triple-quoted string');
    expect(r.problems[0]!.span.start).toBeGreaterThanOrEqual(text.indexOf('"""'));
  });
});
