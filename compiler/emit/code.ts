// The one escaping code builder. Generated code is assembled only from `Code` values:
// content strings enter through `str()` (JSON-quoted, with line separators and `<`
// escaped), names through `ident()` (identifier-shaped or rejected), numbers through
// `num()`. A plain string cannot be interpolated: the types reject it.
// Code values are made only by the functions of this module (no public raw-text escape).
let make: (text: string) => Code;

export class Code {
  private constructor(readonly text: string) {}
  static {
    make = (text) => new Code(text);
  }
  toString(): string {
    return this.text;
  }
}

type Part = Code | number | boolean | null | readonly Code[];

/** Tagged template: `code\`${a} + ${b}\`` where every interpolation is Code (arrays join with ", "). */
export function code(strings: TemplateStringsArray, ...parts: Part[]): Code {
  let out = strings[0]!;
  for (let i = 0; i < parts.length; i++) {
    out += render(parts[i]!) + strings[i + 1]!;
  }
  return make(out);
}

function render(p: Part): string {
  if (p instanceof Code) return p.text;
  if (Array.isArray(p)) return p.map((c: Code) => c.text).join(', ');
  if (typeof p === 'number') return num(p).text;
  if (typeof p === 'boolean' || p === null) return String(p);
  throw new TypeError(`refusing to interpolate ${typeof p} into generated code`);
}

/** A JavaScript string literal for any content string. */
export function str(s: string): Code {
  return make(
    JSON.stringify(s)
      .replace(/\u2028/g, '\\u2028')
      .replace(/\u2029/g, '\\u2029')
      .replace(/</g, '\\u003c'),
  );
}

export function num(n: number): Code {
  if (!Number.isFinite(n)) throw new TypeError(`not a finite number: ${n}`);
  return make(Object.is(n, -0) ? '0' : String(n));
}

const RESERVED = new Set('break case catch class const continue debugger default delete do else export extends finally for function if import in instanceof new return super switch this throw try typeof var void while with yield let static enum await implements package protected interface private public null true false undefined NaN Infinity eval arguments'.split(' '));

/** A JavaScript identifier; anything else is a programming error. */
export function ident(name: string): Code {
  if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) || RESERVED.has(name)) throw new TypeError(`not a safe identifier: ${JSON.stringify(name)}`);
  return make(name);
}

/** Turn any content id into a readable identifier fragment: `UW-UH-F` → `UW_UH_F`. */
export function mangle(id: string): string {
  const m = id.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(m) ? `_${m}` : m;
}

/** Property access: `obj.name` for plain names, `obj["…"]` otherwise. */
export function prop(obj: Code, name: string): Code {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) && name !== '__proto__' ? make(`${obj.text}.${name}`) : make(`${obj.text}[${str(name).text}]`);
}

/** A comment that content text cannot close early. */
export function comment(text: string): Code {
  const safe = text
    .replace(/\*\//g, '* /')
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .replace(/[\u0000-\u001f\u007f]/g, '?')
    .replace(/</g, '‹');
  return make(`/* ${safe} */`);
}

export function lines(parts: readonly Code[], indent = ''): Code {
  const text = parts.map((p) => p.text).join('\n');
  if (indent === '') return make(text);
  if (!/^[ \t]*$/.test(indent)) throw new TypeError('indent must be spaces or tabs');
  // Every non-empty line gets the indent (one pass; nested blocks are re-indented per level).
  return make(text.replace(/(^|\n)(?=[^\n])/g, `$1${indent}`));
}

export function join(parts: readonly Code[], sep: string): Code {
  if (!/^[\s,;|&+]*$/.test(sep)) throw new TypeError('separator must be punctuation');
  return make(parts.map((p) => p.text).join(sep));
}

/** A RegExp literal built through the RegExp constructor from a quoted source. */
export function regex(source: string, flags: string): Code {
  if (!/^[dgimsuvy]*$/.test(flags)) throw new TypeError(`bad regex flags ${flags}`);
  return code`new RegExp(${str(source)}, ${str(flags)})`;
}

/** Data (context rows, lists, settings) as a JSON literal: JSON text is valid JS once line
 *  separators and `<` are escaped, which str() does for every string inside. */
export function json(value: unknown): Code {
  return make(JSON.stringify(value).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029').replace(/</g, '\\u003c'));
}
