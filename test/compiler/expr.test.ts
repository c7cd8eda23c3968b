import { describe, expect, it } from 'vitest';
import type { DepExpr, Expr } from '../../compiler/expr/ast.ts';
import { parseDependency, parseExpression } from '../../compiler/expr/parse.ts';

function parse(text: string): Expr {
  const r = parseExpression(text);
  if (!r.ok) throw new Error(`unexpected syntax error: ${r.error.message} at ${r.error.start}`);
  return r.ast;
}

/** A compact, span-free rendering: (op left right), f(args), literals as JSON. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'literal': return JSON.stringify(e.value);
    case 'ident': return e.name;
    case 'list': return `[${e.items.map(show).join(' ')}]`;
    case 'call': return `${e.name}(${e.args.map(show).join(' ')})`;
    case 'unary': return `(${e.op} ${show(e.arg)})`;
    case 'binary': return `(${e.op} ${show(e.left)} ${show(e.right)})`;
    case 'cond': return `(? ${show(e.test)} ${show(e.then)} ${show(e.else)})`;
  }
}

function showDep(d: DepExpr): string {
  switch (d.kind) {
    case 'always': return 'NA';
    case 'rule': return d.id;
    case 'not': return `(not ${showDep(d.arg)})`;
    default: return `(${d.kind} ${showDep(d.left)} ${showDep(d.right)})`;
  }
}

describe('expression grammar: precedence', () => {
  it.each([
    ['a || b && c', '(|| a (&& b c))'],
    ['a && b || c', '(|| (&& a b) c)'],
    ['!a == b', '(! (== a b))'],
    ['!a && b', '(&& (! a) b)'],
    ['a + b * c == d', '(== (+ a (* b c)) d)'],
    ['a - b - c', '(- (- a b) c)'],
    ['-a * b', '(* (- a) b)'],
    ['(a || b) && c', '(&& (|| a b) c)'],
    ['a in [1, 2] && b', '(&& (in a [1 2]) b)'],
    ['a ? b : c ? d : e', '(? a b (? c d e))'],
    ['x || y ? 1 : 2', '(? (|| x y) 1 2)'],
  ])('%s  ⇒  %s', (text, tree) => {
    expect(show(parse(text))).toBe(tree);
  });
});

describe('expression grammar: keyword and alternate operators', () => {
  it('and / or / not mean && / || / !, case-insensitively', () => {
    expect(show(parse('a or b and not c'))).toBe(show(parse('a || b && !c')));
    expect(show(parse('a OR b AND NOT c'))).toBe('(|| a (&& b (! c)))');
  });

  it('keywords need a word boundary: `order`, `android`, `nothing` are identifiers', () => {
    expect(show(parse('order'))).toBe('order');
    expect(show(parse('android && nothing'))).toBe('(&& android nothing)');
    expect(show(parse('x in inbox'))).toBe('(in x inbox)');
  });

  it('`=` is `==` and `<>` is `!=`', () => {
    expect(show(parse('a = 1'))).toBe('(== a 1)');
    expect(show(parse('a <> "x"'))).toBe('(!= a "x")');
  });

  it('`!=` is not `!` applied to `= b`', () => {
    expect(show(parse('a != b'))).toBe('(!= a b)');
  });

  it('true / false / null literals, and dotted names', () => {
    expect(show(parse('TRUE || false || Null'))).toBe('(|| (|| true false) null)');
    expect(show(parse('a.b.c == trueish'))).toBe('(== a.b.c trueish)');
  });

  it('numbers: integers, decimals and exponents; a number glued to a name is an error', () => {
    expect(show(parse('1.5e3 + 2'))).toBe('(+ 1500 2)');
    expect(parseExpression('12abc').ok).toBe(false);
  });
});

describe('expression grammar: strings', () => {
  const lit = (text: string) => {
    const e = parse(text);
    if (e.kind !== 'literal') throw new Error('not a literal');
    return e.value;
  };
  it('decodes \\n \\t \\r \\uXXXX and quote escapes', () => {
    expect(lit(String.raw`"a\nb\tc\rd"`)).toBe('a\nb\tc\rd');
    expect(lit(String.raw`"\u00e9\u2028"`)).toBe('é\u2028');
    expect(lit(String.raw`'it\'s'`)).toBe("it's");
    expect(lit(String.raw`"say \"hi\""`)).toBe('say "hi"');
    expect(lit(String.raw`"back\\slash"`)).toBe('back\\slash');
  });
  it('single quotes may hold double quotes and vice versa', () => {
    expect(lit(`'a"b'`)).toBe('a"b');
    expect(lit(`"a'b"`)).toBe("a'b");
  });
  it('keeps regex escapes (\\d, \\.) as a backslash pair for matches()', () => {
    expect(lit(String.raw`'^\d+\.txt$'`)).toBe('^\\d+\\.txt$');
  });
  it('rejects an unterminated string and a raw newline inside a string', () => {
    expect(parseExpression('"abc').ok).toBe(false);
    expect(parseExpression('"a\nb"').ok).toBe(false);
  });
});

describe('expression grammar: spans', () => {
  it('identifier spans cover exactly the name', () => {
    const text = '  exists(device_id) && user_name == "x"';
    const idents: Array<{ name: string; start: number; end: number }> = [];
    const visit = (e: Expr): void => {
      if (e.kind === 'ident') idents.push({ name: e.name, ...e.span });
      if (e.kind === 'call') e.args.forEach(visit);
      if (e.kind === 'binary') { visit(e.left); visit(e.right); }
    };
    visit(parse(text));
    expect(idents).toHaveLength(2);
    for (const i of idents) expect(text.slice(i.start, i.end)).toBe(i.name);
  });

  it('a call has a nameSpan over the function name and a span over the whole call', () => {
    const text = 'x && toLower( user )';
    const e = parse(text);
    if (e.kind !== 'binary' || e.right.kind !== 'call') throw new Error('shape');
    expect(text.slice(e.right.nameSpan.start, e.right.nameSpan.end)).toBe('toLower');
    expect(text.slice(e.right.span.start, e.right.span.end)).toBe('toLower( user )');
  });

  it('a binary span runs from its left operand to its right operand', () => {
    const text = '(a)  ||  b';
    const e = parse(text);
    expect(text.slice(e.span.start, e.span.end)).toBe('a)  ||  b');
  });
});

describe('expression grammar: syntax errors', () => {
  it.each([
    ['a && ', 5],
    ['a == == b', 5],
    ['foo(1, )', 7],
    ['a b', 2],
    ['(a || b', 7],
  ])('%j fails at offset %i', (text, offset) => {
    const r = parseExpression(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.start).toBe(offset);
    expect(r.error.end).toBeGreaterThan(r.error.start);
    expect(r.error.message).toMatch(/^unexpected /);
  });

  it('names end of input in the message', () => {
    const r = parseExpression('a ||');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe('unexpected end of expression');
  });
});

describe('dependency grammar', () => {
  const dep = (text: string) => {
    const r = parseDependency(text);
    if (!r.ok) throw new Error(`syntax error ${r.error.message}`);
    return showDep(r.ast);
  };
  it('parses rule ids with dashes and dots, not/and/or with precedence', () => {
    expect(dep('not UW-UHD-011 and (A or B)')).toBe('(and (not UW-UHD-011) (or A B))');
    expect(dep('A or B and C')).toBe('(or A (and B C))');
    expect(dep('!A && B || C')).toBe('(or (and (not A) B) C)');
    expect(dep('rule.v2-x')).toBe('rule.v2-x');
  });
  it('NA means "always"; ids that merely start with NA or not are rule ids', () => {
    expect(dep('NA')).toBe('NA');
    expect(dep('NA-1')).toBe('NA-1');
    expect(dep('not-a-rule')).toBe('not-a-rule');
    expect(dep('nothing')).toBe('nothing');
  });
  it('rule spans cover the id', () => {
    const text = 'not  UW-UH-F';
    const r = parseDependency(text);
    expect(r.ok).toBe(true);
    if (r.ok && r.ast.kind === 'not') expect(text.slice(r.ast.arg.span.start, r.ast.arg.span.end)).toBe('UW-UH-F');
  });
  it('reports a syntax error with an offset', () => {
    const r = parseDependency('A and (B or');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.start).toBe(11);
  });
});
