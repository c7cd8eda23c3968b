// Writing an import as a uebac content directory: pack.yaml, one YAML file per parser under
// parsers/<vendor>/, the event types under event-types/, and the report (JSON and Markdown).
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ImportResult, ParserRecord } from './import-exabeam.ts';

export interface WrittenFile { path: string; record: ParserRecord | null }

const YAML_OPTIONS = { lineWidth: 0, minContentWidth: 0 } as const;

export function slug(s: string | undefined): string {
  const v = (s ?? '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return v === '' ? 'unknown' : v.slice(0, 60);
}

/** Relative path of a parser's file (also used to map compile diagnostics back to parsers). */
export function parserFile(r: ParserRecord): string {
  return `parsers/${slug(r.doc?.vendor)}/${r.doc!.id}.yaml`;
}

export function eventTypeFile(r: ParserRecord): string {
  return `event-types/${r.eventType!.id}.yaml`;
}

/** Writes every imported parser (and its event type); returns the relative paths written. */
export function writeImport(result: ImportResult, outDir: string): WrittenFile[] {
  mkdirSync(outDir, { recursive: true });
  // A previous import into the same directory must not leave parsers behind.
  for (const sub of ['parsers', 'event-types']) rmSync(join(outDir, sub), { recursive: true, force: true });
  const written: WrittenFile[] = [];
  const packPath = join(outDir, 'pack.yaml');
  if (!existsSync(packPath)) {
    writeFileSync(packPath, header('Pack') + stringify({
      kind: 'pack', id: 'exabeam-import', name: 'Parsers imported from Exabeam', version: '0.1.0',
      description: 'Parsers translated by `uebac import exabeam`; see import-report.md for what was not carried over.',
    }, YAML_OPTIONS));
    written.push({ path: 'pack.yaml', record: null });
  }
  const eventTypes = new Set<string>();
  for (const r of result.parsers) {
    if (!r.doc || !r.eventType) continue;
    const file = parserFile(r);
    mkdirSync(join(outDir, file, '..'), { recursive: true });
    writeFileSync(join(outDir, file), header('Parser', r) + stringify(r.doc, YAML_OPTIONS));
    written.push({ path: file, record: r });
    if (!eventTypes.has(r.eventType.id)) {
      eventTypes.add(r.eventType.id);
      const etFile = eventTypeFile(r);
      mkdirSync(join(outDir, 'event-types'), { recursive: true });
      writeFileSync(join(outDir, etFile), header('Event type', r) + stringify(r.eventType, YAML_OPTIONS));
      written.push({ path: etFile, record: r });
    }
  }
  return written;
}

function header(what: string, from?: ParserRecord): string {
  return `# ${what} written by \`uebac import exabeam\`${from ? ` from ${from.at.file}:${from.at.line}` : ''}\n`;
}

/** Removes the files of parsers that failed the compile check (they are listed in the report). */
export function removeParser(outDir: string, r: ParserRecord, sharedEventType: boolean): void {
  rmSync(join(outDir, parserFile(r)), { force: true });
  if (!sharedEventType) rmSync(join(outDir, eventTypeFile(r)), { force: true });
}
