// Human rendering of a list of diagnostics for the CLI: sorted by file and position, each with
// its code frame. Paths are shown relative to the working directory when that is shorter.
import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { renderHuman, renderSummary } from '../compiler/diagnostics/render-human.ts';
import type { Diagnostic } from '../compiler/diagnostics/types.ts';

/** Where a diagnostic's file is: content diagnostics are relative to `root`, others absolute. */
export function diagnosticPath(root: string, file: string): string {
  return isAbsolute(file) ? file : join(root, file);
}

function shown(path: string): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

export function renderDiagnosticList(ds: readonly Diagnostic[], root = '.', opts: { color?: boolean; summary?: boolean } = {}): string {
  const sources = new Map<string, string | undefined>();
  const sorted = [...ds].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.range.start.offset - b.range.start.offset));
  const parts: string[] = [];
  for (const d of sorted) {
    const path = diagnosticPath(root, d.file);
    if (!sources.has(path)) {
      try { sources.set(path, readFileSync(path, 'utf8')); } catch { sources.set(path, undefined); }
    }
    parts.push(renderHuman({ ...d, file: shown(path) }, sources.get(path), { color: opts.color ?? false }) + '\n\n');
  }
  if (ds.length && opts.summary) parts.push(renderSummary([...ds]) + '\n');
  return parts.join('');
}
