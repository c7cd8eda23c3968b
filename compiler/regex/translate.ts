// Translates Exabeam-style, Java-dialect regexes into JavaScript RegExp source.
//
// Content authors write captures as `({field}pattern)`; we rewrite them to JS
// named groups `(?<field>pattern)`. Everything else is copied verbatim, except a
// whole-pattern flag group `(?i)` at position 0, which becomes a RegExp flag.
// Java constructs that JavaScript lacks (or reads differently) are reported as
// 'java-only' problems and left untouched: we never silently change meaning.
//
// The output is compiled *without* the `u` flag: Java content is full of
// identity escapes such as `\-` or `\=` that are errors in unicode mode.

export interface RegexProblem {
  kind: 'syntax' | 'java-only';
  message: string;
  /** Offset into the ORIGINAL source. */
  index: number;
  length: number;
}

export interface TranslatedRegex {
  /** JavaScript RegExp source (pass to `new RegExp(source, flags)`). */
  source: string;
  flags: string;
  /** Field names of the named captures, in order of their opening parenthesis. */
  captures: string[];
  problems: RegexProblem[];
}

const FIELD_CAPTURE = /^\(\{=?([A-Za-z_][A-Za-z0-9_]*)\}/;
const BAD_FIELD_CAPTURE = /^\(\{([^{}()]*)\}/;
const NATIVE_NAMED_GROUP = /^\(\?<([A-Za-z_][A-Za-z0-9_]*)>/;
const INLINE_FLAGS = /^\(\?([A-Za-z]*)(?:-([A-Za-z]*))?([:)])/;
const LEADING_FLAGS = /^\(\?([ims]+)\)/;
const BRACED_QUANTIFIER = /^\{\d+(?:,\d*)?\}/;

/** Scanner state. `pieces` holds emitted text; a number stands for "opening of capture #n". */
interface Scan {
  src: string;
  pos: number;
  pieces: Array<string | number>;
  captures: string[];
  problems: RegexProblem[];
}

export function translateExabeamRegex(src: string): TranslatedRegex {
  const scan: Scan = { src, pos: 0, pieces: [], captures: [], problems: [] };
  const flags = readLeadingFlags(scan);
  while (scan.pos < src.length) scanTopLevel(scan);

  const groups = assignGroupNames(scan.captures);
  const source = scan.pieces.map((p) => (typeof p === 'number' ? `(?<${groups[p]}>` : p)).join('');
  const result: TranslatedRegex = { source, flags, captures: scan.captures, problems: scan.problems };

  // When a Java-only construct is present the engine error (e.g. "Nothing to
  // repeat" for `a++`) would only restate it less clearly, so compile only
  // patterns that are otherwise translatable.
  if (!scan.problems.some((p) => p.kind === 'java-only')) {
    const message = compileError(source, flags);
    if (message !== undefined) {
      result.problems.push({ kind: 'syntax', message, index: 0, length: src.length });
    }
  }
  return result;
}

/**
 * JS group name used for each capture, paired with the field it fills. A field
 * captured twice gets `field__2`, `field__3`… for the later groups, because JS
 * forbids duplicate group names.
 */
export function captureGroupNames(t: TranslatedRegex): Array<{ group: string; field: string }> {
  const groups = assignGroupNames(t.captures);
  return t.captures.map((field, i) => ({ group: groups[i]!, field }));
}

/**
 * Deterministic renaming from the capture list alone, so `captureGroupNames`
 * can recompute it. Every field name is reserved up front: a duplicate `user`
 * never takes `user__2` if the pattern also captures a field literally named so.
 */
function assignGroupNames(captures: readonly string[]): string[] {
  const taken = new Set(captures);
  const seen = new Set<string>();
  return captures.map((field) => {
    if (!seen.has(field)) {
      seen.add(field);
      return field;
    }
    let k = 2;
    while (taken.has(`${field}__${k}`)) k++;
    const group = `${field}__${k}`;
    taken.add(group);
    return group;
  });
}

function compileError(source: string, flags: string): string | undefined {
  try {
    new RegExp(source, flags);
    return undefined;
  } catch (err) {
    const raw = err instanceof Error ? err.message : String(err);
    // V8 quotes the translated source, which the author never wrote; keep only the reason.
    const reason = /^Invalid regular expression: \/[\s\S]*\/[a-z]*: ([\s\S]*)$/.exec(raw)?.[1] ?? raw;
    return `invalid regular expression: ${reason}`;
  }
}

/** `(?i)`, `(?s)`, `(?m)` (or a combination) at position 0 map onto RegExp flags. */
function readLeadingFlags(scan: Scan): string {
  const m = LEADING_FLAGS.exec(scan.src);
  if (!m) return '';
  scan.pos = m[0].length;
  return [...new Set(m[1]!)].sort().join('');
}

function javaOnly(scan: Scan, index: number, length: number, message: string): void {
  scan.problems.push({ kind: 'java-only', message, index, length });
}

function emit(scan: Scan, text: string): void {
  scan.pieces.push(text);
  scan.pos += text.length;
}

function scanTopLevel(scan: Scan): void {
  const ch = scan.src[scan.pos]!;
  switch (ch) {
    case '\\':
      scanEscape(scan);
      return;
    case '[':
      scanClass(scan);
      return;
    case '(':
      scanGroupOpen(scan);
      return;
    case '*':
    case '+':
    case '?':
      scanQuantifier(scan, 1);
      return;
    case '{': {
      const m = BRACED_QUANTIFIER.exec(scan.src.slice(scan.pos, scan.pos + 40));
      if (m) scanQuantifier(scan, m[0].length);
      else emit(scan, ch); // a literal brace, as in non-unicode JS
      return;
    }
    default:
      emit(scan, ch);
  }
}

/** Copies a quantifier and its lazy `?`; a trailing `+` would make it possessive. */
function scanQuantifier(scan: Scan, length: number): void {
  const start = scan.pos;
  emit(scan, scan.src.slice(start, start + length));
  const next = scan.src[scan.pos];
  if (next === '?') {
    emit(scan, '?');
  } else if (next === '+') {
    javaOnly(
      scan,
      start,
      length + 1,
      `possessive quantifier '${scan.src.slice(start, start + length)}+' is Java-only; ` +
        `JavaScript has no possessive quantifiers — drop the trailing '+' and make the pattern unambiguous instead`,
    );
    emit(scan, '+');
  }
}

function scanGroupOpen(scan: Scan): void {
  const rest = scan.src.slice(scan.pos, scan.pos + 200);
  const start = scan.pos;

  const field = FIELD_CAPTURE.exec(rest) ?? NATIVE_NAMED_GROUP.exec(rest);
  if (field) {
    scan.pieces.push(scan.captures.length);
    scan.captures.push(field[1]!);
    scan.pos += field[0].length;
    return;
  }

  const bad = BAD_FIELD_CAPTURE.exec(rest);
  if (bad && !BRACED_QUANTIFIER.test(rest.slice(1))) {
    scan.problems.push({
      kind: 'syntax',
      message: `invalid field name '${bad[1]}' in capture '({${bad[1]}}…)'; names must match [A-Za-z_][A-Za-z0-9_]*`,
      index: start,
      length: bad[0].length,
    });
    emit(scan, bad[0]);
    return;
  }

  if (rest.startsWith('(?>')) {
    javaOnly(scan, start, 3, "atomic group '(?>…)' is Java-only; JavaScript has no atomic groups — use '(?:…)' and make the inner pattern unambiguous");
    emit(scan, '(?>');
    return;
  }

  const flags = INLINE_FLAGS.exec(rest);
  if (flags && (flags[1] !== '' || flags[2] !== undefined)) {
    reportInlineFlags(scan, start, flags[0], flags[3] === ':');
    emit(scan, flags[0]);
    return;
  }

  // `(`, `(?:`, `(?=`, `(?!`, `(?<=`, `(?<!` mean the same in both dialects;
  // copy the whole opener so its `?` is not mistaken for a quantifier.
  emit(scan, /^\(\?(?:[:=!]|<[=!])/.exec(rest)?.[0] ?? '(');
}

function reportInlineFlags(scan: Scan, start: number, text: string, scoped: boolean): void {
  const letters = text.replace(/[^A-Za-z]/g, '');
  const unsupported = [...new Set(letters.replace(/[ims]/g, ''))].join('');
  const advice = text.includes('-')
    ? "turning flags off with '-' has no JavaScript equivalent"
    : unsupported
      ? `flag(s) '${unsupported}' have no JavaScript equivalent`
      : `put '(?${letters})' at the very start so it applies to the whole pattern` +
        (letters.includes('i') ? ', or spell both cases, e.g. [Aa]' : '');
  const what = scoped
    ? `scoped inline flags '${text}…)' are not supported by the Node 20 regex engine`
    : start === 0
      ? `inline flags '${text}' are Java-only`
      : `inline flag group '${text}' in the middle of a pattern is Java-only`;
  javaOnly(scan, start, text.length, `${what}; ${advice}`);
}

/** Java escapes that JS (non-unicode mode) reads as a plain letter or something else. */
const JAVA_ONLY_ESCAPES = new Map<string, string>(Object.entries({
  A: "'\\A' (start of input) is Java-only; use '^' without the m flag",
  Z: "'\\Z' (end of input before a final line break) is Java-only; use '$' without the m flag, or '(?=\\n?$)'",
  z: "'\\z' (end of input) is Java-only; use '$' without the m flag",
  G: "'\\G' (end of previous match) is Java-only and has no JavaScript equivalent",
  h: "'\\h' (horizontal whitespace) is Java-only; JavaScript reads it as the letter 'h' — use [ \\t\\xA0\\u1680\\u180E\\u2000-\\u200A\\u202F\\u205F\\u3000]",
  H: "'\\H' (non-horizontal-whitespace) is Java-only; JavaScript reads it as the letter 'H'",
  v: "'\\v' is a vertical-whitespace class in Java but only the vertical-tab character in JavaScript; use [\\n\\x0B\\f\\r\\x85\\u2028\\u2029]",
  V: "'\\V' (non-vertical-whitespace) is Java-only; JavaScript reads it as the letter 'V'",
  R: "'\\R' (any line break) is Java-only; use (?:\\r\\n|[\\n\\x0B\\f\\r\\x85\\u2028\\u2029])",
  X: "'\\X' (grapheme cluster) is Java-only and has no JavaScript equivalent",
  e: "'\\e' (escape character) is Java-only; JavaScript reads it as the letter 'e' — use \\x1B",
  a: "'\\a' (bell character) is Java-only; JavaScript reads it as the letter 'a' — use \\x07",
  E: "'\\E' without a matching '\\Q' is Java-only; JavaScript reads it as the letter 'E'",
}));

/** Suggestions for Java's POSIX-style and java.lang.Character property classes. */
const PROPERTY_HINTS = new Map<string, string>(Object.entries({
  Lower: '[a-z]', Upper: '[A-Z]', ASCII: '[\\x00-\\x7F]', Alpha: '[A-Za-z]', Digit: '\\d',
  Alnum: '[A-Za-z0-9]', Punct: '[!-\\/:-@\\[-`{-~]', Graph: '[!-~]', Print: '[ -~]', Blank: '[ \\t]',
  Cntrl: '[\\x00-\\x1F\\x7F]', XDigit: '[0-9A-Fa-f]', Space: '\\s',
  javaLowerCase: '[a-z] (ASCII only)', javaUpperCase: '[A-Z] (ASCII only)', javaWhitespace: '\\s',
  javaDigit: '\\d', javaLetter: '[A-Za-z] (ASCII only)', javaLetterOrDigit: '[A-Za-z0-9] (ASCII only)',
}));

function scanEscape(scan: Scan): void {
  const { src } = scan;
  const start = scan.pos;
  const c = src[start + 1];
  if (c === undefined) {
    emit(scan, '\\'); // trailing backslash: the compile step reports it
    return;
  }

  if (c === 'p' || c === 'P') {
    const m = /^\\[pP](?:\{[^}]*\}|[A-Za-z])?/.exec(src.slice(start, start + 80))!;
    const text = m[0];
    const name = text.slice(2).replace(/^\{|\}$/g, '').replace(/^Is/, '');
    const hint = PROPERTY_HINTS.get(name);
    javaOnly(
      scan,
      start,
      text.length,
      hint
        ? `property class '${text}' is Java-only; use ${hint}${c === 'P' ? ' negated' : ''} instead`
        : `property class '${text}' needs the unicode ('u') flag in JavaScript, which uebac does not use; without it '${text}' matches literal text — use an explicit character class`,
    );
    emit(scan, text);
    return;
  }

  if (c === 'Q') {
    const end = src.indexOf('\\E', start + 2);
    const text = end < 0 ? src.slice(start) : src.slice(start, end + 2);
    javaOnly(scan, start, text.length, "quoting '\\Q…\\E' is Java-only; escape each special character with a backslash instead");
    emit(scan, text);
    return;
  }

  if ((c === 'x' || c === 'N') && src[start + 2] === '{') {
    const close = src.indexOf('}', start + 3);
    const text = close < 0 ? src.slice(start, start + 3) : src.slice(start, close + 1);
    javaOnly(scan, start, text.length, `'${text}' is Java-only; use a \\xHH or \\uHHHH escape instead`);
    emit(scan, text);
    return;
  }

  const message = JAVA_ONLY_ESCAPES.get(c);
  if (message !== undefined) javaOnly(scan, start, 2, message);
  emit(scan, '\\' + c);
}

/** Copies a character class `[...]`, flagging the places where Java reads it differently. */
function scanClass(scan: Scan): void {
  const { src } = scan;
  const start = scan.pos;
  emit(scan, src[start] === '[' && src[start + 1] === '^' ? '[^' : '[');

  if (src[scan.pos] === ']') {
    javaOnly(scan, scan.pos, 1, "']' right after '[' is a literal in Java but closes an empty class in JavaScript; escape it as '\\]'");
    emit(scan, ']');
  }

  while (scan.pos < src.length) {
    const ch = src[scan.pos]!;
    if (ch === ']') {
      emit(scan, ']');
      return;
    }
    if (ch === '\\') {
      scanEscape(scan);
    } else if (ch === '[') {
      javaOnly(scan, scan.pos, 1, "unescaped '[' inside a character class starts a nested class (union) in Java but is a literal in JavaScript; escape it as '\\[' or flatten the class");
      emit(scan, '[');
    } else if (ch === '&' && src[scan.pos + 1] === '&') {
      javaOnly(scan, scan.pos, 2, "class intersection '&&' is Java-only; JavaScript reads it as literal '&' characters — list the wanted characters explicitly");
      emit(scan, '&&');
    } else {
      emit(scan, ch);
    }
  }
  // Unterminated class: the compile step reports it.
}
