// HOCON reader: source text → syntax tree with offsets (the compiler's reader for Exabeam
// parser files). Resolution of substitutions and merging lives in hocon-resolve.ts.
//
// No npm HOCON parser keeps source positions, and the published library needs a little
// leniency (see the grammar), so this is a small peggy grammar like the expression language's.
import peggy from 'peggy';
import { HOCON_GRAMMAR } from './hocon-grammar.ts';

export interface Span { start: number; end: number }

export type HoconNode = HoconObject | HoconArray | HoconString | HoconSubst | HoconConcat;
export interface HoconObject { kind: 'object'; members: HoconMember[]; span: Span }
export interface HoconArray { kind: 'array'; items: HoconNode[]; span: Span }
/** `quoted`: 'triple' ("""…"""), 'double' ("…"), 'none' (unquoted), 'space' (blanks between concatenated parts). */
export interface HoconString { kind: 'string'; quoted: 'triple' | 'double' | 'none' | 'space'; value: string; span: Span }
export interface HoconSubst { kind: 'subst'; path: string[]; optional: boolean; span: Span }
export interface HoconConcat { kind: 'concat'; parts: HoconNode[]; span: Span }

export type HoconMember =
  | { kind: 'field'; key: string[]; keySpan: Span; append: boolean; value: HoconNode; span: Span }
  | { kind: 'include'; target: string; span: Span };

/** A problem found while reading, at an offset of the text that was parsed. */
export interface HoconProblem {
  code: 'hocon-syntax' | 'hocon-recovered';
  message: string;
  span: Span;
}

export interface HoconParse {
  /** null when the text is not HOCON at all. */
  root: HoconObject | null;
  problems: HoconProblem[];
}

interface PeggyParser {
  parse(text: string, options?: { recoveries?: Array<{ what: string; offset: number }> }): HoconObject;
}
interface PeggySyntaxError extends Error {
  location?: { start: { offset: number }; end: { offset: number } };
  expected?: Array<{ type: string; description?: string; text?: string }>;
  found?: string | null;
}

let parser: PeggyParser | undefined;

/**
 * Parses HOCON. With `salvage`, text the grammar cannot read is cut off (from the start of
 * the line where reading failed; the library's pages often end in a half-copied template)
 * and the rest is read; each cut is reported as a 'hocon-recovered' problem.
 */
export function parseHocon(text: string, opts: { salvage?: boolean } = {}): HoconParse {
  parser ??= peggy.generate(HOCON_GRAMMAR) as unknown as PeggyParser;
  const problems: HoconProblem[] = [];
  let upTo = text.length;
  for (let attempt = 0; ; attempt++) {
    const recoveries: Array<{ what: string; offset: number }> = [];
    try {
      const root = parser.parse(upTo === text.length ? text : text.slice(0, upTo), { recoveries });
      for (const r of recoveries) {
        problems.push({
          code: 'hocon-recovered',
          message: r.what === 'Fields-reference' ? `template reference without its 'Fields = \${…' prefix; read as a reference` : `missing '${r.what}' supplied`,
          span: { start: r.offset, end: r.offset },
        });
      }
      return { root, problems };
    } catch (err) {
      const e = err as PeggySyntaxError;
      if (!e.location) throw err;
      const at = e.location.start.offset;
      const problem: HoconProblem = { code: 'hocon-syntax', message: syntaxMessage(e), span: { start: at, end: e.location.end.offset } };
      const lineStart = text.lastIndexOf('\n', Math.max(0, at - 1)) + 1;
      if (!opts.salvage || attempt >= 8 || lineStart === 0 || lineStart >= upTo) return { root: null, problems: [...problems, problem] };
      problems.push({ code: 'hocon-recovered', message: `text from here on skipped: ${problem.message}`, span: { start: lineStart, end: upTo } });
      upTo = lineStart;
    }
  }
}

function syntaxMessage(e: PeggySyntaxError): string {
  if (!e.expected) return e.message; // an error() raised by the grammar itself
  const found = e.found === null || e.found === undefined ? 'end of input' : JSON.stringify(e.found);
  const wanted = [...new Set(e.expected.filter((x) => x.type === 'literal').map((x) => x.text ?? x.description))].slice(0, 6);
  return `unexpected ${found}` + (wanted.length ? `; expected ${wanted.map((w) => `'${w}'`).join(', ')}` : '');
}
