// The HOCON grammar (peggy), for Exabeam parser files. Kept as a string so the bundled CLI
// needs no extra files.
//
// It reads the HOCON that Exabeam's parser library uses: objects with `=`, `:` or no
// separator before `{`, dotted key paths, arrays, triple-quoted strings (the regexes),
// quoted and unquoted strings, `${path}` / `${?path}` substitutions, value concatenation
// (`${T.Fields}[ … ]` appends to a template's array), `include "file"`, `#` and `//` comments.
//
// Two things are more lenient than the HOCON spec, because the published library needs them:
// - an unquoted value runs to the end of its line (`Product = Event Viewer - Security`,
//   `Vendor = AT&T`), stopping only at `,`, a closing bracket, a comment or a `${`;
// - a closing `]` or `}` that is missing right before an outer closer or the end of the
//   input is supplied, and recorded in `recoveries` so the reader can report it.
// Every node carries its offsets, so diagnostics point into the source file.
export const HOCON_GRAMMAR = String.raw`
{{
  function span(loc) { return { start: loc.start.offset, end: loc.end.offset }; }
}}

{
  const recoveries = options.recoveries ?? [];
  let rootValues = 0;
  // Braces in code blocks must balance for peggy, so the closers are spelled by char code.
  function missing(code, loc) { recoveries.push({ what: String.fromCharCode(code), offset: loc.start.offset }); return true; }
}

// A file is an object's members, or (as in the library's pages) several objects and
// members in a row: each value at the top becomes a member with a name no key can have.
Document
  = _ items:RootItems _ {
      // One braced object is the root itself (HOCON's optional root braces).
      if (items.length === 1 && items[0].key[0] === '#0' && items[0].value.kind === 'object') return items[0].value;
      return { kind: 'object', members: items, span: span(location()) };
    }

RootItems = head:RootItem? tail:(RootSep i:RootItem { return i; })* RootSep? {
    return head ? [head, ...tail] : [];
  }

RootSep = MemberSep / _ "," _ / _

RootItem
  = Member
  / value:Value { return { kind: 'field', key: ['#' + (rootValues++)], keySpan: value.span, append: false, value, span: value.span }; }

Object
  = "{" _ members:Members _ Close_Brace { return { kind: 'object', members, span: span(location()) }; }

Close_Brace
  = "}"
  / &("]" / !.) &{ return missing(125, location()); }

Members = head:Member? tail:(MemberSep m:Member { return m; })* MemberSep? {
    return head ? [head, ...tail] : [];
  }

MemberSep = HWS ("," / Comment? NL) _ / _ ","  _

Member
  = "include" HWS target:IncludeTarget { return { kind: 'include', target: target.value, span: span(location()) }; }
  / MangledRef
  / key:Key HWS sep:("+=" / "=" / ":")? _ value:Value &{ return sep !== null || value.kind === 'object' || (value.kind === 'concat' && value.parts[0].kind === 'object'); }
    { return { kind: 'field', key: key.path, keySpan: key.span, append: sep === '+=', value, span: span(location()) }; }

// The library's Markdown export sometimes lost "Fields = $" and "{Templates." in front of a
// template reference, leaving "name.Fields}[" — read it as the reference it was.
MangledRef
  = path:$(UnquotedKeyChar+ "." "Fields") "}" &(HWS "[") HWS arr:Array {
      const loc = location();
      recoveries.push({ what: 'Fields-reference', offset: loc.start.offset });
      const sub = { kind: 'subst', path: path.split('.'), optional: false, span: { start: loc.start.offset, end: loc.start.offset + path.length + 1 } };
      return { kind: 'field', key: ['Fields'], keySpan: sub.span, append: false, value: { kind: 'concat', parts: [sub, arr], span: span(loc) }, span: span(loc) };
    }

IncludeTarget
  = s:QuotedString { return s; }
  / ("file" / "classpath" / "url") "(" HWS s:QuotedString HWS ")" { return s; }

Key = head:KeySegment tail:("." s:KeySegment { return s; })* {
    return { path: [head, ...tail], span: span(location()) };
  }

KeySegment
  = s:QuotedString { return s.value; }
  / $UnquotedKeyChar+

UnquotedKeyChar = !"//" [^ \t\r\n.$"{}\[\]:=,+#\x60^?!@*&\\]

Value = head:ValuePart tail:(ws:$HWS part:ValuePart { return { ws, part }; })* {
    if (tail.length === 0) return head;
    const parts = [head];
    for (const t of tail) {
      if (t.ws !== '') parts.push({ kind: 'string', quoted: 'space', value: t.ws, span: span(location()) });
      parts.push(t.part);
    }
    return { kind: 'concat', parts, span: span(location()) };
  }

ValuePart
  = Object
  / Array
  / TripleString
  / QuotedString
  / Substitution
  / Unquoted

Array
  = "[" _ items:Items _ Close_Bracket { return { kind: 'array', items, span: span(location()) }; }

Close_Bracket
  = "]"
  / &("}" / !.) &{ return missing(93, location()); }

Items = head:Value? tail:(ItemSep v:Value { return v; })* ItemSep? {
    return head ? [head, ...tail] : [];
  }

ItemSep = HWS ("," / Comment? NL) _ / _ "," _

Substitution
  = "$" "{" opt:"?"? HWS key:Key HWS "}" {
      return { kind: 'subst', path: key.path, optional: opt !== null, span: span(location()) };
    }

// A triple-quoted string ends at the last three quotes of a run: '""""a""""' is '"a"'.
TripleString
  = '"""' chars:$(!('"""' !'"') .)* '"""' { return { kind: 'string', quoted: 'triple', value: chars, span: span(location()) }; }
  / '"""' { error('unterminated triple-quoted string (no closing """)'); }

QuotedString
  = '"' chars:DoubleChar* '"' { return { kind: 'string', quoted: 'double', value: chars.join(''), span: span(location()) }; }

DoubleChar
  = [^"\\\n]
  / "\\" c:EscapeChar { return c; }

EscapeChar
  = '"' / "\\" / "/"
  / "b" { return '\b'; } / "f" { return '\f'; } / "n" { return '\n'; } / "r" { return '\r'; } / "t" { return '\t'; }
  / "u" h:$([0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F]) { return String.fromCharCode(parseInt(h, 16)); }

// Unquoted text up to the end of the line; trailing blanks are not part of it.
Unquoted
  = text:$(!("//" / "$" "{") [^"{}\[\],#\r\n \t] / HWSChar+ &(!("//" / "$" "{") [^"{}\[\],#\r\n \t]))+ {
      return { kind: 'string', quoted: 'none', value: text, span: span(location()) };
    }

Comment = ("#" / "//") [^\n]*

HWSChar = [ \t]
HWS = (HWSChar / "\r")*
NL = "\n"
_ = ([ \t\r\n] / Comment)*
`;
