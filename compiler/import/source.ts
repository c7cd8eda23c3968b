// Reading Exabeam parser sources: plain HOCON files (.conf and the like) and the library's
// Markdown pages, which hold the parser in a fenced code block. Positions always refer to
// the file as stored, so a Markdown page's diagnostics point at its own lines.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';

export interface SourceText {
  /** Path as given on the command line (joined with the walked sub-path). */
  path: string;
  text: string;
  /** Offset of the first character of each line. */
  lineStarts: number[];
}

/** A HOCON text inside a file: the whole file, or one fenced block of a Markdown page. */
export interface HoconBlock { source: SourceText; text: string; base: number }

export function sourceText(path: string, text: string): SourceText {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  return { path, text, lineStarts };
}

/** 1-based line and column of an offset. */
export function lineCol(src: SourceText, offset: number): { line: number; col: number } {
  let lo = 0;
  let hi = src.lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (src.lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, col: offset - src.lineStarts[lo]! + 1 };
}

export function isMarkdown(path: string): boolean {
  return /\.(md|markdown)$/i.test(path);
}

/** The HOCON blocks of a file: fenced blocks of a Markdown page that look like HOCON objects, else the whole text. */
export function hoconBlocks(src: SourceText): HoconBlock[] {
  if (!isMarkdown(src.path)) return [{ source: src, text: src.text, base: 0 }];
  const blocks: HoconBlock[] = [];
  const fence = /```[^\n`]*\n/g;
  let m: RegExpExecArray | null;
  while ((m = fence.exec(src.text))) {
    const start = m.index + m[0].length;
    const end = src.text.indexOf('```', start);
    const stop = end < 0 ? src.text.length : end;
    const text = src.text.slice(start, stop);
    if (/^\s*\{/.test(text) || /^\s*Name\s*[=:]/m.test(text)) blocks.push({ source: src, text, base: start });
    if (end < 0) break;
    fence.lastIndex = stop + 3;
  }
  return blocks;
}

/** Parser sources under the given paths: files as given, directories walked (sorted, so every run sees one order). */
export function listParserFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string, top: boolean): void => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) if (!name.startsWith('.')) walk(join(p, name), false);
    } else if (top || /^(\.conf|\.hocon|\.md)$/i.test(extname(p))) {
      out.push(p);
    }
  };
  for (const p of paths) walk(p, true);
  return out;
}

export function readSource(path: string): SourceText {
  return sourceText(path, readFileSync(path, 'utf8'));
}
