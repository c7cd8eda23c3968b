// The expression grammar (peggy). Its parser is generated into compiler/generated/
// (`npx tsx compiler/generate.ts` after a change here; a test fails until then).
// Precedence, loosest first: ?: , || / or , && / and , ! / not , comparisons and `in`,
// + - , * / % , unary minus.
export const EXPRESSION_GRAMMAR = String.raw`
{{
  function bin(head, tail) {
    return tail.reduce((left, [, op, , right]) => ({ kind: 'binary', op: normOp(op), left, right, span: { start: left.span.start, end: right.span.end } }), head);
  }
  function normOp(op) {
    const o = op.toLowerCase();
    if (o === 'and') return '&&';
    if (o === 'or') return '||';
    if (o === '=') return '==';
    if (o === '<>') return '!=';
    return o;
  }
}}

Start = _ e:Expression _ { return e; }

Expression = Conditional

// Each level parses its left operand once and then looks for an optional tail, so no
// sub-expression is ever parsed twice (backtracking alternatives would be exponential
// in the nesting depth).
Conditional
  = test:Or tail:(_ "?" _ Expression _ ":" _ Expression)?
    { return tail ? { kind: 'cond', test, then: tail[3], else: tail[7], span: range() } : test; }

Or = head:And tail:(_ OrOp _ And)* { return bin(head, tail); }
OrOp = "||" / $("or"i !IdentPart)

And = head:Not tail:(_ AndOp _ Not)* { return bin(head, tail); }
AndOp = "&&" / $("and"i !IdentPart)

Not
  = ("!" !"=" / "not"i !IdentPart) _ arg:Not { return { kind: 'unary', op: '!', arg, span: range() }; }
  / Comparison

Comparison
  = left:Additive tail:(_ CompareOp _ Additive)?
    { return tail ? { kind: 'binary', op: normOp(tail[1]), left, right: tail[3], span: range() } : left; }

CompareOp = "==" / "!=" / "<>" / "<=" / ">=" / "<" / ">" / "=" / $("in"i !IdentPart)

Additive = head:Multiplicative tail:(_ $("+" / "-") _ Multiplicative)* { return bin(head, tail); }

Multiplicative = head:Unary tail:(_ $("*" / "/" / "%") _ Unary)* { return bin(head, tail); }

Unary
  = "-" _ arg:Unary { return { kind: 'unary', op: '-', arg, span: range() }; }
  / Primary

Primary
  = "(" _ e:Expression _ ")" { return e; }
  / List
  / Literal
  / CallOrIdentifier

List = "[" _ items:ArgList? _ "]" { return { kind: 'list', items: items ?? [], span: range() }; }

CallOrIdentifier = name:Name call:(_ "(" _ ArgList? _ ")")?
  { return call ? { kind: 'call', name: name.text, nameSpan: name.span, args: call[3] ?? [], span: range() } : { kind: 'ident', name: name.text, span: name.span }; }

ArgList = head:Expression tail:(_ "," _ Expression)* { return [head, ...tail.map((t) => t[3])]; }

Name = text:$(IdentStart IdentPart* ("." IdentStart IdentPart*)*) { return { text, span: range() }; }
IdentStart = [A-Za-z_]
IdentPart = [A-Za-z0-9_]

Literal
  = value:Number { return { kind: 'literal', value, span: range() }; }
  / value:String { return { kind: 'literal', value, span: range() }; }
  / "true"i !IdentPart { return { kind: 'literal', value: true, span: range() }; }
  / "false"i !IdentPart { return { kind: 'literal', value: false, span: range() }; }
  / "null"i !IdentPart { return { kind: 'literal', value: null, span: range() }; }

Number = text:$([0-9]+ ("." [0-9]+)? ([eE] [+-]? [0-9]+)?) !IdentStart { return Number(text); }

String
  = '"' chars:DoubleChar* '"' { return chars.join(''); }
  / "'" chars:SingleChar* "'" { return chars.join(''); }

DoubleChar = [^"\\\n] / Escape
SingleChar = [^'\\\n] / Escape
Escape = "\\" c:(
    "n" { return '\n'; } / "t" { return '\t'; } / "r" { return '\r'; }
    / "u" h:$([0-9a-fA-F]|4|) { return String.fromCharCode(parseInt(h, 16)); }
    / [\\'"/.\[\](){}|*+?^$dDwWsSbB-]
  ) { return c.length === 1 && /[dDwWsSbB.\[\](){}|*+?^$-]/.test(c) ? '\\' + c : c; }

_ = [ \t\r\n]*
`;

// Dependency expressions name rules, whose ids contain '-', so they get their own small grammar.
export const DEPENDENCY_GRAMMAR = String.raw`
Start = _ e:Or _ { return e; }
Or = head:And tail:(_ ("or"i / "||") _ And)* { return tail.reduce((left, t) => ({ kind: 'or', left, right: t[3], span: { start: left.span.start, end: t[3].span.end } }), head); }
And = head:Not tail:(_ ("and"i / "&&") _ Not)* { return tail.reduce((left, t) => ({ kind: 'and', left, right: t[3], span: { start: left.span.start, end: t[3].span.end } }), head); }
Not = ("not"i ![A-Za-z0-9_.-] / "!") _ arg:Not { return { kind: 'not', arg, span: range() }; } / Atom
Atom = "(" _ e:Or _ ")" { return e; }
  / "NA" ![A-Za-z0-9_.-] { return { kind: 'always', span: range() }; }
  / id:$([A-Za-z0-9_.][A-Za-z0-9_.-]*) { return { kind: 'rule', id, span: range() }; }
_ = [ \t\r\n]*
`;
