// Context tables supplied at deployment (`--context DIR`: one CSV per table, file name = table
// name, header row = the declared columns). Every problem becomes a positioned diagnostic
// (UEB05xx), all of them reported in one pass before any event is read; `run`, `explain` and
// `validate --context` share this reader.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ContextTable, parseCidr, type TableShape } from '../runtime/context.ts';
import { DIAG } from './diagnostics/codes.ts';
import { diagnostic } from './diagnostics/report.ts';
import type { Diagnostic, Position, Range } from './diagnostics/types.ts';

/** What the pack declares about a table (from the manifest or the IR). */
export interface TableDecl {
  name: string;
  shape: string;
  match?: string;
  columns: readonly string[];
}

export interface CsvRow {
  fields: string[];
  /** Offset in the text where each field starts. */
  starts: number[];
  line: number;
}

export interface CsvResult {
  rows: CsvRow[];
  /** Offset of an opening quote that is never closed. */
  unterminatedAt?: number;
}

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF; blank lines are skipped. */
export function parseCsv(text: string): CsvResult {
  const rows: CsvRow[] = [];
  let fields: string[] = [];
  let starts: number[] = [];
  let field = '';
  let fieldStart = 0;
  let quoted = false;
  let quoteAt = -1;
  let line = 1;
  let rowLine = 1;
  const endRow = () => {
    fields.push(field);
    starts.push(fieldStart);
    if (fields.some((f) => f !== '')) rows.push({ fields, starts, line: rowLine });
    fields = [];
    starts = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else { if (c === '\n') line++; field += c; }
    } else if (c === '"' && field === '') { quoted = true; quoteAt = i; }
    else if (c === ',') { fields.push(field); starts.push(fieldStart); field = ''; fieldStart = i + 1; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
      fieldStart = i + 1;
    } else field += c;
  }
  if (quoted) return { rows, unterminatedAt: quoteAt };
  endRow();
  return { rows };
}

function positionIn(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') { line++; lineStart = i + 1; }
  return { line, col: offset - lineStart + 1, offset };
}

function span(text: string, start: number, length: number): Range {
  return { start: positionIn(text, start), end: positionIn(text, start + Math.max(length, 0)) };
}

export interface ContextData {
  tables: Map<string, ContextTable>;
  diagnostics: Diagnostic[];
}

/**
 * Read every `*.csv` in `dir` against the declared tables. Diagnostics name the CSV file by
 * its absolute path (it lives outside the content directory).
 */
export function readContextDir(dir: string, decls: readonly TableDecl[]): ContextData {
  const tables = new Map<string, ContextTable>();
  const diagnostics: Diagnostic[] = [];
  const at0: Range = { start: { line: 1, col: 1, offset: 0 }, end: { line: 1, col: 1, offset: 0 } };
  const root = resolve(dir);
  let names: string[];
  try {
    if (!statSync(root).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    names = readdirSync(root).filter((n) => n.endsWith('.csv')).sort();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'is not a directory (it does not exist)' : code === 'ENOTDIR' ? 'is not a directory' : 'cannot be read';
    diagnostics.push(diagnostic(DIAG.FILE_UNREADABLE, root, at0, `${dir} ${why}`, 'pass --context a directory of CSV files named after the tables, e.g. examples/context'));
    return { tables, diagnostics };
  }
  if (names.length === 0) {
    diagnostics.push(diagnostic(DIAG.FILE_UNREADABLE, root, at0, 'context directory holds no .csv files', 'each table is a CSV file named after it, e.g. executive_users.csv'));
  }
  for (const name of names) {
    const file = join(root, name);
    const table = basename(name, '.csv');
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(file));
    } catch (e) {
      diagnostics.push(diagnostic(DIAG.FILE_UNREADABLE, file, at0, `cannot read context file: ${e instanceof TypeError ? 'not valid UTF-8 text' : (e as Error).message}`));
      continue;
    }
    const decl = decls.find((t) => t.name === table);
    if (!decl) {
      diagnostics.push(diagnostic(DIAG.CONTEXT_UNDECLARED, file, span(text, 0, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n')),
        `the pack declares no context table \`${table}\``, `known tables: ${decls.map((t) => t.name).join(', ') || 'none'}`));
      continue;
    }
    const csv = parseCsv(text);
    if (csv.unterminatedAt !== undefined) {
      diagnostics.push(diagnostic(DIAG.CONTEXT_CSV, file, span(text, csv.unterminatedAt, 1), 'unterminated quoted field', 'close the quote; a quote inside a quoted value is written twice ("")'));
      continue;
    }
    const header = csv.rows.shift();
    const got = (header?.fields ?? []).map((h) => h.trim().toLowerCase());
    if (got.join(',') !== decl.columns.join(',')) {
      diagnostics.push(diagnostic(DIAG.CONTEXT_CSV, file, span(text, 0, header ? text.indexOf('\n') < 0 ? text.length : text.indexOf('\n') : 0),
        `expected header \`${decl.columns.join(',')}\`, got \`${got.join(',')}\``, 'the first row names the columns the table declares, in order'));
      continue;
    }
    let ok = true;
    for (const row of csv.rows) {
      if (row.fields.length !== decl.columns.length) {
        ok = false;
        diagnostics.push(diagnostic(DIAG.CONTEXT_CSV, file, span(text, row.starts[0]!, row.fields.join(',').length),
          `expected ${decl.columns.length} column(s), got ${row.fields.length}`, 'quote values that contain commas'));
      } else if (decl.shape === 'cidr' && !parseCidr(row.fields[0]!)) {
        ok = false;
        diagnostics.push(diagnostic(DIAG.CONTEXT_BAD_CIDR, file, span(text, row.starts[0]!, row.fields[0]!.length), `bad CIDR block \`${row.fields[0]}\``, 'write a network address with its prefix length, e.g. 10.20.0.0/16'));
      }
    }
    if (ok) tables.set(table, new ContextTable({ name: table, shape: decl.shape as TableShape, match: decl.match as never, rows: csv.rows.map((r) => r.fields) }));
  }
  return { tables, diagnostics };
}

/**
 * Tables a context directory supplies with at least one row: their "ships empty" warnings
 * (UEB0209) do not apply. Problems reading the directory are readContextDir's to report.
 */
export function suppliedTables(dir: string | undefined): Set<string> {
  const out = new Set<string>();
  if (!dir) return out;
  let names: string[] = [];
  try { names = readdirSync(dir).filter((n) => n.endsWith('.csv')); } catch { return out; }
  for (const n of names) {
    try {
      if (parseCsv(readFileSync(join(dir, n), 'utf8')).rows.length > 1) out.add(basename(n, '.csv'));
    } catch { /* reported by readContextDir */ }
  }
  return out;
}
