// Phase 1 — load: read every content YAML file with source positions, so every later
// diagnostic can point at file:line:col.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { DIAG } from './diagnostics/codes.ts';
import { scalarOffsets, type ScalarStyle } from './scalar-offsets.ts';
import { aliasProblem } from './yaml-limits.ts';
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
export function listYamlFiles(root: string, unreadable: (path: string, why: string) => void = () => {}): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (e) {
      unreadable(dir, reason(e));
      return;
    }
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const full = join(dir, name);
      let isDir: boolean;
      try {
        isDir = statSync(full).isDirectory();
      } catch (e) {
        // A dangling symlink or a file removed while listing: say so rather than skip it.
        if (/\.ya?ml$/.test(name)) unreadable(full, reason(e));
        continue;
      }
      if (isDir) walk(full);
      else if (/\.ya?ml$/.test(name)) out.push(full);
    }
  };
  walk(root);
  return out;
}

/** The operating system's reason in words, without Node's `ENOENT: …, open '…'` wrapping. */
function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return 'it does not exist (or is a link to nothing)';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'it is a directory';
    case 'ENOTDIR': return 'it is not a directory';
    default: return code ?? (e as Error).message;
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

export function parseSource(path: string, text: string): { file: SourceFile; diagnostics: Diagnostic[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const file: SourceFile = { path, text, doc, lines, value: undefined };
  const diagnostics: Diagnostic[] = [];
  for (const err of doc.errors) {
    const [start, end] = err.pos;
    diagnostics.push(diagnostic(err.code === 'DUPLICATE_KEY' ? DIAG.DUPLICATE_KEY : DIAG.YAML_SYNTAX, path, rangeOf(file, start, end), firstLine(err.message)));
  }
  if (diagnostics.length === 0) {
    const aliases = aliasProblem(doc, text.length);
    if (aliases) diagnostics.push(diagnostic(DIAG.YAML_ALIAS_LIMIT, path, rangeOf(file, aliases.start, aliases.end), aliases.message));
    else {
      try {
        file.value = doc.toJS({ maxAliasCount: 100 });
      } catch (e) {
        // The yaml package's own alias guard, as a backstop: still a diagnostic with the file.
        diagnostics.push(diagnostic(DIAG.YAML_ALIAS_LIMIT, path, fileStartRange(file), firstLine((e as Error).message)));
      }
    }
  }
  return { file, diagnostics };
}

export function loadContentDir(root: string): { files: SourceFile[]; diagnostics: Diagnostic[] } {
  const files: SourceFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const rel = (full: string) => relative(root, full).split(sep).join('/') || '.';
  const found = listYamlFiles(root, (full, why) => diagnostics.push(diagnostic(DIAG.FILE_UNREADABLE, rel(full), zeroRange(), `cannot read ${full === root ? 'the content directory' : 'file'}: ${why}`)));
  for (const full of found) {
    const path = rel(full);
    let text: string;
    try {
      text = UTF8.decode(readFileSync(full));
    } catch (e) {
      diagnostics.push(diagnostic(DIAG.FILE_UNREADABLE, path, zeroRange(), `cannot read file: ${e instanceof TypeError ? 'it is not valid UTF-8 text' : reason(e)}`));
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
 * Map offsets inside an expression string (a YAML scalar) back to source positions, for every
 * scalar style (see scalar-offsets.ts); a non-scalar falls back to the node's start.
 */
export function expressionLocator(file: SourceFile, path: readonly (string | number)[]): (offset: number) => Position {
  // Built on the first call: most expressions are never asked for a position.
  let locate: ((offset: number) => Position) | undefined;
  return (o) => (locate ??= scalarLocator(file, path))(o);
}

function scalarLocator(file: SourceFile, path: readonly (string | number)[]): (offset: number) => Position {
  const { node } = nodeAt(file, path);
  if (!node || !isScalar(node) || !node.range || typeof node.value !== 'string') {
    const r = rangeAt(file, path);
    return () => r.start;
  }
  const offsets = scalarOffsets(file.text, node.range[0], node.range[1], (node.type ?? 'PLAIN') as ScalarStyle, node.value);
  return (o) => positionAt(file, offsets[Math.max(0, Math.min(o, offsets.length - 1))]!);
}
