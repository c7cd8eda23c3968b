// Java regex → the Exabeam-style JavaScript dialect that compiler/regex/translate.ts reads
// (`({field}…)` captures kept). Only constructs whose meaning can be kept exactly are
// rewritten; anything else is returned as a problem with a reason code, never guessed:
//
//   \Q…\E                 each special character escaped
//   X*+ X++ X?+ X{n,m}+   possessive: (?=(X*))\N — a lookahead cannot be backtracked into,
//   (?>X)                 atomic: (?=(X))\N     and the back-reference consumes what it took
//   (?i) (?i:X) mid-way   case-insensitive part: letters spelled in both cases ([aA], [a-zA-Z])
//   (?s) (?s:X) mid-way   dot-all part: '.' becomes [\s\S]
//   \A \z \Z              ^  $  (?=\n?$)   (uebac never sets the m flag from a Java pattern's middle)
//   \h \e \a \x{HH}       explicit characters or classes
//   \p{Lower} and other POSIX classes          explicit ASCII classes
//   [a[bc]] (union of non-negated classes)     flattened
//   []…] and [^]…]        the ']' escaped
// Whole-pattern flags at the very start stay as they are: translate.ts maps them to RegExp flags.

export interface JavaRegexProblem {
  /** Reason code for the import report. */
  reason: 'unicode-property' | 'class-set-operation' | 'inline-flag' | 'backreference-shift' | 'java-escape';
  message: string;
  index: number;
}

export interface JavaRegexResult {
  /** The pattern in Exabeam-style JavaScript syntax. */
  source: string;
  problems: JavaRegexProblem[];
  /** Constructs rewritten (for the report), e.g. 'possessive', '\\Q…\\E'. */
  rewrites: string[];
}

const POSIX: Record<string, string> = {
  Lower: 'a-z', Upper: 'A-Z', ASCII: '\\x00-\\x7F', Alpha: 'A-Za-z', Digit: '0-9', Alnum: 'A-Za-z0-9',
  Punct: '!-\\/:-@\\[-`{-~', Graph: '!-~', Print: ' -~', Blank: ' \\t', Cntrl: '\\x00-\\x1F\\x7F', XDigit: '0-9A-Fa-f',
  Space: ' \\t\\n\\x0B\\f\\r', javaLowerCase: 'a-z', javaUpperCase: 'A-Z', javaWhitespace: ' \\t\\n\\x0B\\f\\r\\x1C-\\x1F',
  javaDigit: '0-9', javaLetter: 'A-Za-z', javaLetterOrDigit: 'A-Za-z0-9', L: '', IsAlphabetic: '',
};
const HORIZONTAL = ' \\t\\xA0\\u1680\\u180E\\u2000-\\u200A\\u202F\\u205F\\u3000';
const VERTICAL = '\\n\\x0B\\f\\r\\x85\\u2028\\u2029';
const FIELD_OPEN = /^\(\{=?[A-Za-z_][A-Za-z0-9_]*\}/;

interface Frame {
  /** Output index where the group's text starts. */
  start: number;
  /** Flags in force when the group opened (restored when it closes). */
  ci: boolean;
  dotAll: boolean;
  /** An atomic group: closes as (?=(…))\N. */
  atomic: number | null;
}

export function javaToExabeamJs(src: string): JavaRegexResult {
  const problems: JavaRegexProblem[] = [];
  const rewrites = new Set<string>();
  let out = '';
  let pos = 0;
  /** Capturing groups opened so far in the output (numbering for inserted back-references). */
  let groups = 0;
  let insertedGroups = 0;
  let ci = false;
  let dotAll = false;
  const stack: Frame[] = [];
  /** Output index where the last complete atom starts (for possessive quantifiers). */
  let atomStart = -1;

  // Leading whole-pattern flags are translate.ts's business.
  const lead = /^\(\?[ims]+\)/.exec(src);
  if (lead) {
    out = lead[0];
    pos = lead[0].length;
  }
  const hasBackrefs = /\\[1-9]/.test(src.replace(/\\\\/g, ''));

  const caseExpand = (ch: string): string => {
    const lo = ch.toLowerCase();
    const up = ch.toUpperCase();
    return lo !== up && ci ? `[${lo}${up}]` : ch;
  };

  while (pos < src.length) {
    const ch = src[pos]!;
    if (ch === '\\') {
      const { text, consumed } = escapeOutside(src, pos, problems, rewrites, ci);
      atomStart = out.length;
      out += text;
      pos += consumed;
      continue;
    }
    if (ch === '[') {
      const { text, consumed } = scanClass(src, pos, problems, rewrites, ci);
      atomStart = out.length;
      out += text;
      pos += consumed;
      continue;
    }
    if (ch === '(') {
      const rest = src.slice(pos, pos + 200);
      const field = FIELD_OPEN.exec(rest);
      const frame: Frame = { start: out.length, ci, dotAll, atomic: null };
      if (field) {
        groups++;
        out += field[0];
        pos += field[0].length;
      } else if (rest.startsWith('(?>')) {
        rewrites.add('atomic group');
        groups++;
        frame.atomic = groups;
        insertedGroups++;
        out += '(?=(';
        pos += 3;
      } else if (/^\(\?<[A-Za-z]/.test(rest)) {
        groups++;
        const m = /^\(\?<[A-Za-z][A-Za-z0-9]*>/.exec(rest);
        const t = m ? m[0] : '(';
        out += t;
        pos += t.length;
      } else {
        const flags = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])/.exec(rest);
        if (flags && (flags[1] || flags[2] !== undefined) && !(flags[1] === '' && flags[2] === '')) {
          const on = flags[1] ?? '';
          const off = flags[2] ?? '';
          const bad = (on + off).replace(/[is]/g, '');
          if (bad) problems.push({ reason: 'inline-flag', message: `inline flag(s) '${bad}' in '${flags[0]}' have no JavaScript equivalent`, index: pos });
          rewrites.add('inline flags');
          const newCi: boolean = on.includes('i') ? true : off.includes('i') ? false : ci;
          const newDot: boolean = on.includes('s') ? true : off.includes('s') ? false : dotAll;
          if (flags[3] === ')') {
            // (?i) applies to the rest of the enclosing group.
            ci = newCi;
            dotAll = newDot;
            pos += flags[0].length;
            continue;
          }
          out += '(?:';
          pos += flags[0].length;
          stack.push(frame);
          ci = newCi;
          dotAll = newDot;
          atomStart = -1;
          continue;
        }
        const opener = /^\(\?(?:[:=!]|<[=!])/.exec(rest)?.[0] ?? '(';
        if (opener === '(') groups++;
        out += opener;
        pos += opener.length;
      }
      stack.push(frame);
      atomStart = -1;
      continue;
    }
    if (ch === ')') {
      const frame = stack.pop();
      pos += 1;
      if (frame?.atomic != null) {
        out += `))\\${frame.atomic}`;
      } else {
        out += ')';
      }
      if (frame) {
        ci = frame.ci;
        dotAll = frame.dotAll;
        atomStart = frame.start;
      }
      continue;
    }
    const quant = /^(?:[*+?]|\{\d+(?:,\d*)?\})/.exec(src.slice(pos, pos + 30));
    if (quant && atomStart >= 0) {
      const q = quant[0];
      const next = src[pos + q.length];
      if (next === '+') {
        // Possessive: wrap atom+quantifier in a capturing lookahead and consume it by back-reference.
        rewrites.add('possessive quantifier');
        const atom = out.slice(atomStart);
        groups++;
        insertedGroups++;
        const n = countGroupsBefore(out, atomStart) + 1;
        out = out.slice(0, atomStart) + `(?=(${atom}${q}))\\${n}`;
        pos += q.length + 1;
        atomStart = -1;
        continue;
      }
      out += q;
      pos += q.length;
      if (next === '?') {
        out += '?';
        pos += 1;
      }
      atomStart = -1;
      continue;
    }
    atomStart = out.length;
    if (ch === '.' && dotAll) out += '[\\s\\S]';
    else out += caseExpand(ch);
    pos += 1;
  }
  if (insertedGroups > 0 && hasBackrefs) {
    problems.push({ reason: 'backreference-shift', message: 'numbered back-references together with possessive quantifiers or atomic groups: renumbering is not attempted', index: 0 });
  }
  return { source: out, problems, rewrites: [...rewrites] };
}

/** Capturing groups opened in an output prefix: `(` not followed by `?`, `({field}`, `(?<name>`. */
function countGroupsBefore(out: string, end: number): number {
  let n = 0;
  let inClass = false;
  for (let i = 0; i < end; i++) {
    const c = out[i];
    if (c === '\\') { i++; continue; }
    if (inClass) { if (c === ']') inClass = false; continue; }
    if (c === '[') { inClass = true; continue; }
    if (c === '(' && (out[i + 1] !== '?' || (out[i + 2] === '<' && /[A-Za-z]/.test(out[i + 3] ?? '')))) n++;
  }
  return n;
}

function escapeOutside(src: string, pos: number, problems: JavaRegexProblem[], rewrites: Set<string>, ci: boolean): { text: string; consumed: number } {
  const c = src[pos + 1];
  if (c === undefined) return { text: '\\', consumed: 1 };
  switch (c) {
    case 'Q': {
      const end = src.indexOf('\\E', pos + 2);
      const body = end < 0 ? src.slice(pos + 2) : src.slice(pos + 2, end);
      rewrites.add('\\Q…\\E');
      const text = [...body].map((ch) => (/[\\^$.*+?()[\]{}|\/]/.test(ch) ? '\\' + ch : ci && ch.toLowerCase() !== ch.toUpperCase() ? `[${ch.toLowerCase()}${ch.toUpperCase()}]` : ch)).join('');
      return { text: body.length === 1 || text.length === body.length ? text : `(?:${text})`, consumed: (end < 0 ? src.length : end + 2) - pos };
    }
    case 'E': rewrites.add('\\E'); return { text: '', consumed: 2 };
    case 'A': rewrites.add('\\A'); return { text: '^', consumed: 2 };
    case 'z': rewrites.add('\\z'); return { text: '$', consumed: 2 };
    case 'Z': rewrites.add('\\Z'); return { text: '(?=\\n?$)', consumed: 2 };
    case 'h': rewrites.add('\\h'); return { text: `[${HORIZONTAL}]`, consumed: 2 };
    case 'H': rewrites.add('\\H'); return { text: `[^${HORIZONTAL}]`, consumed: 2 };
    case 'e': rewrites.add('\\e'); return { text: '\\x1B', consumed: 2 };
    case 'a': rewrites.add('\\a'); return { text: '\\x07', consumed: 2 };
    case 'R': rewrites.add('\\R'); return { text: '(?:\\r\\n|[\\n\\x0B\\f\\r\\x85\\u2028\\u2029])', consumed: 2 };
    case 'G': case 'X':
      problems.push({ reason: 'java-escape', message: `'\\${c}' has no JavaScript equivalent`, index: pos });
      return { text: '\\' + c, consumed: 2 };
    case 'x': case 'p': case 'P': {
      const r = specialEscape(src, pos, problems, rewrites);
      if (r) return { text: r.inner.startsWith('\\') && r.inner.length <= 6 && c === 'x' ? r.inner : `[${r.negated ? '^' : ''}${r.inner}]`, consumed: r.consumed };
      return { text: '\\' + c, consumed: 2 };
    }
    case 'v': rewrites.add('\\v'); return { text: `[${VERTICAL}]`, consumed: 2 };
    case 'V': rewrites.add('\\V'); return { text: `[^${VERTICAL}]`, consumed: 2 };
    default:
      return { text: '\\' + c, consumed: 2 };
  }
}

/** \x{…}, \p{…}, \P{…}: the class content (without brackets) they stand for. */
function specialEscape(src: string, pos: number, problems: JavaRegexProblem[], rewrites: Set<string>): { inner: string; negated: boolean; consumed: number } | null {
  const c = src[pos + 1];
  if (c === 'x') {
    const m = /^\\x\{([0-9A-Fa-f]{1,6})\}/.exec(src.slice(pos, pos + 12));
    if (!m) return null;
    const code = parseInt(m[1]!, 16);
    if (code > 0xffff) {
      problems.push({ reason: 'java-escape', message: `'${m[0]}' is outside the basic plane, which needs the unicode flag`, index: pos });
      return null;
    }
    rewrites.add('\\x{…}');
    return { inner: `\\u${code.toString(16).padStart(4, '0')}`, negated: false, consumed: m[0].length };
  }
  const m = /^\\([pP])(?:\{(?:Is)?([A-Za-z_]+)\}|([A-Za-z]))/.exec(src.slice(pos, pos + 40));
  if (!m) return null;
  const name = m[2] ?? m[3]!;
  const inner = POSIX[name];
  if (!inner) {
    problems.push({ reason: 'unicode-property', message: `property class '${m[0]}' needs the unicode flag, which uebac regexes do not use`, index: pos });
    return null;
  }
  rewrites.add('\\p{…}');
  return { inner, negated: m[1] === 'P', consumed: m[0].length };
}

/** A character class, with Java's nested classes flattened and its escapes rewritten. */
function scanClass(src: string, start: number, problems: JavaRegexProblem[], rewrites: Set<string>, ci: boolean): { text: string; consumed: number } {
  let pos = start + 1;
  let negated = false;
  if (src[pos] === '^') { negated = true; pos++; }
  let body = '';
  if (src[pos] === ']') { body += '\\]'; pos++; rewrites.add("']' first in a class"); }
  while (pos < src.length && src[pos] !== ']') {
    const ch = src[pos]!;
    if (ch === '\\') {
      const c = src[pos + 1];
      if (c === 'Q') {
        const end = src.indexOf('\\E', pos + 2);
        const lit = end < 0 ? src.slice(pos + 2) : src.slice(pos + 2, end);
        body += lit.replace(/[\\\]\[^-]/g, (x) => '\\' + x);
        rewrites.add('\\Q…\\E');
        pos = end < 0 ? src.length : end + 2;
        continue;
      }
      if (c === 'h') { body += HORIZONTAL; pos += 2; rewrites.add('\\h'); continue; }
      if (c === 'e') { body += '\\x1B'; pos += 2; rewrites.add('\\e'); continue; }
      if (c === 'a') { body += '\\x07'; pos += 2; rewrites.add('\\a'); continue; }
      if (c === 'v') { body += VERTICAL; pos += 2; rewrites.add('\\v'); continue; }
      if (c === 'x' || c === 'p' || c === 'P') {
        const r = specialEscape(src, pos, problems, rewrites);
        if (r) {
          if (r.negated) problems.push({ reason: 'class-set-operation', message: `a negated property class inside '[…]' cannot be flattened`, index: pos });
          body += r.inner;
          pos += r.consumed;
          continue;
        }
      }
      if (c === 'H' || c === 'V' || c === 'G' || c === 'R' || c === 'X') problems.push({ reason: 'java-escape', message: `'\\${c}' inside a class has no JavaScript equivalent`, index: pos });
      body += src.slice(pos, pos + 2);
      pos += 2;
      continue;
    }
    if (ch === '[') {
      // Java: a nested class is a union. Non-negated ones flatten into this class.
      if (src[pos + 1] === '^') problems.push({ reason: 'class-set-operation', message: 'a negated class nested in a class cannot be flattened', index: pos });
      const inner = scanClass(src, pos, problems, rewrites, ci);
      body += inner.text.replace(/^\[\^?/, '').replace(/\]$/, '');
      rewrites.add('nested class');
      pos += inner.consumed;
      continue;
    }
    if (ch === '&' && src[pos + 1] === '&') {
      problems.push({ reason: 'class-set-operation', message: "class intersection '&&' has no JavaScript equivalent", index: pos });
      body += '&&';
      pos += 2;
      continue;
    }
    body += ch;
    pos++;
  }
  if (ci) body = caseFoldClass(body);
  return { text: `[${negated ? '^' : ''}${body}]`, consumed: pos + 1 - start };
}

/** Adds the other case of every letter and letter range of a class body. */
function caseFoldClass(body: string): string {
  let extra = '';
  const re = /\\.|([A-Za-z])-([A-Za-z])|([A-Za-z])/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(body))) {
    if (m[1] && m[2]) {
      const a = m[1];
      const b = m[2];
      if (/[a-z]/.test(a) && /[a-z]/.test(b)) extra += `${a.toUpperCase()}-${b.toUpperCase()}`;
      else if (/[A-Z]/.test(a) && /[A-Z]/.test(b)) extra += `${a.toLowerCase()}-${b.toLowerCase()}`;
    } else if (m[3]) {
      const c = m[3];
      extra += c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
    }
  }
  return body + extra;
}
