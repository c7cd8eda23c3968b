// `--context DIR`: CSV files (header row, file name = table name) that replace the pack's
// context tables. Every problem is reported before any event is read.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ContextTable, parseCidr } from '../runtime/context.ts';
import type { Manifest } from '../runtime/bundle.ts';

export class ContextError extends Error {}

/** Minimal RFC 4180 CSV: quoted fields, doubled quotes, CRLF. */
export function parseCsv(text: string, file: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else { if (c === '\n') line++; field += c; }
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); field = '';
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
      line++;
    } else field += c;
  }
  if (quoted) throw new ContextError(`${file}:${line}: unterminated quoted field`);
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}

export function loadContextDir(dir: string, manifest: Manifest): Map<string, ContextTable> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ContextError(`--context: ${dir} is not a directory`);
  const out = new Map<string, ContextTable>();
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.csv')) continue;
    const file = join(dir, name);
    const table = basename(name, '.csv');
    const decl = manifest.contextTables.find((t) => t.name === table);
    if (!decl) throw new ContextError(`${file}: the pack declares no context table \`${table}\` (known: ${manifest.contextTables.map((t) => t.name).join(', ')})`);
    const rows = parseCsv(readFileSync(file, 'utf8'), file);
    const header = (rows.shift() ?? []).map((h) => h.trim().toLowerCase());
    if (header.join(',') !== decl.columns.join(',')) throw new ContextError(`${file}:1: expected header \`${decl.columns.join(',')}\`, got \`${header.join(',')}\``);
    rows.forEach((r, i) => {
      if (r.length !== decl.columns.length) throw new ContextError(`${file}:${i + 2}: expected ${decl.columns.length} column(s), got ${r.length}`);
      if (decl.shape === 'cidr' && !parseCidr(r[0]!)) throw new ContextError(`${file}:${i + 2}: bad CIDR \`${r[0]}\``);
    });
    out.set(table, new ContextTable({ name: table, shape: decl.shape as never, match: decl.match as never, rows }));
  }
  return out;
}
