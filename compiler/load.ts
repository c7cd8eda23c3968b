// Phase 1 — load: read every content YAML file with source positions, so every later
// diagnostic can point at file:line:col.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { DIAG } from './diagnostics/codes.ts';
import { diagnostic } from './diagnostics/report.ts';
import type { Diagnostic, Position, Range } from './diagnostics/types.ts';

/** One parsed content file. `value` is the plain JS value (undefined when YAML failed). */
export interface SourceFile {
  /** Path relative to the content root, with forward slashes. */
  path: string;
  text: string;
  doc: Document.Parsed;
  lines: LineCounter;
  value: unknown;
}

export function positionAt(file: Pick<SourceFile, 'lines'>, offset: number): Position {
  const { line, col } = file.lines.linePos(offset);
  return { line, col, offset };
}

export function rangeOf(file: Pick<SourceFile, 'lines'>, start: number, end: number): Range {
  return { start: positionAt(file, start), end: positionAt(file, Math.max(start, end)) };
}

/** The range of the whole first line of a file: used for file-level problems. */
export function fileStartRange(file: Pick<SourceFile, 'lines'>): Range {
  return rangeOf(file, 0, 0);
}

/** List *.yaml / *.yml files under a directory, sorted so every run sees the same order. */
export function listYamlFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.')) continue;
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(name)) out.push(full);
    }
  };
  walk(root);
  return out;
}

export function parseSource(path: string, text: string): { file: SourceFile; diagnostics: Diagnostic[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const file: SourceFile = { path, text, doc, lines, value: undefined };
  const diagnostics: Diagnostic[] = [];
  for (const err of doc.errors) {
    const [start, end] = err.pos;
    diagnostics.push(diagnostic(err.code === 'DUPLICATE_KEY' ? DIAG.DUPLICATE_KEY : DIAG.YAML_SYNTAX, path, rangeOf(file, start, end), firstLine(err.message)));
  }
  if (diagnostics.length === 0) file.value = doc.toJS({ maxAliasCount: 100 });
  return { file, diagnostics };
}

export function loadContentDir(root: string): { files: SourceFile[]; diagnostics: Diagnostic[] } {
  const files: SourceFile[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const full of listYamlFiles(root)) {
    const path = relative(root, full).split(sep).join('/');
    let text: string;
    try {
      text = readFileSync(full, 'utf8');
    } catch (e) {
      diagnostics.push(diagnostic(DIAG.FILE_UNREADABLE, path, zeroRange(), `cannot read file: ${(e as Error).message}`));
      continue;
    }
    const parsed = parseSource(path, text);
    files.push(parsed.file);
    diagnostics.push(...parsed.diagnostics);
  }
  return { files, diagnostics };
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}

export function zeroRange(): Range {
  const p = { line: 1, col: 1, offset: 0 };
  return { start: p, end: p };
}

/** Find the YAML node at a JSON-pointer-like path; falls back to the closest ancestor. */
export function nodeAt(file: SourceFile, path: readonly (string | number)[]): { node: Node | null; keyNode: Node | null; exact: boolean } {
  let node: unknown = file.doc.contents;
  let keyNode: Node | null = null;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
      if (!pair) return { node: node as Node, keyNode, exact: false };
      keyNode = (pair.key as Node) ?? null;
      node = pair.value;
    } else if (isSeq(node) && /^\d+$/.test(String(seg))) {
      const item = (node as { items: unknown[] }).items[Number(seg)];
      if (item === undefined) return { node: node as Node, keyNode, exact: false };
      keyNode = null;
      node = item;
    } else {
      return { node: (node as Node) ?? null, keyNode, exact: false };
    }
  }
  return { node: (node as Node) ?? null, keyNode, exact: true };
}

export function rangeAt(file: SourceFile, path: readonly (string | number)[], preferKey = false): Range {
  const { node, keyNode } = nodeAt(file, path);
  const target = preferKey && keyNode ? keyNode : node;
  if (target && target.range) return rangeOf(file, target.range[0], target.range[1]);
  return fileStartRange(file);
}

/**
 * Map offsets inside an expression string (a YAML scalar) back to source positions.
 * Exact for plain, single-line quoted and block-literal scalars without escapes — the
 * forms expressions are written in; otherwise falls back to the scalar's start.
 */
export function expressionLocator(file: SourceFile, path: readonly (string | number)[]): (offset: number) => Position {
  const { node } = nodeAt(file, path);
  if (!node || !isScalar(node) || !node.range) {
    const r = rangeAt(file, path);
    return () => r.start;
  }
  const start = node.range[0];
  const value = String(node.value);
  const raw = file.text.slice(start, node.range[1]);
  if (node.type === 'PLAIN' && raw.startsWith(value.split('\n')[0] ?? '')) {
    if (!value.includes('\n')) return (o) => positionAt(file, start + Math.min(o, value.length));
  }
  if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && raw.slice(1, 1 + value.length) === value) {
    return (o) => positionAt(file, start + 1 + Math.min(o, value.length));
  }
  if (node.type === 'BLOCK_LITERAL') {
    // Content lines start after the header line; each keeps a fixed indentation.
    const headerEnd = file.text.indexOf('\n', start);
    const body = file.text.slice(headerEnd + 1, node.range[1]);
    const indent = /^( *)/.exec(body)?.[1]?.length ?? 0;
    const lineStarts: number[] = [];
    let cursor = headerEnd + 1;
    for (const line of value.split('\n')) {
      lineStarts.push(cursor + indent);
      cursor += indent + line.length + 1;
    }
    return (o) => {
      let acc = 0;
      const lines = value.split('\n');
      for (let i = 0; i < lines.length; i++) {
        const len = lines[i]!.length;
        if (o <= acc + len) return positionAt(file, lineStarts[i]! + (o - acc));
        acc += len + 1;
      }
      return positionAt(file, start);
    };
  }
  return () => positionAt(file, start);
}
