// `uebac import exabeam`: Exabeam parser files → uebac parser and event-type documents, with
// a per-parser account of what was not carried over. Reading (source.ts, hocon.ts,
// hocon-resolve.ts, exabeam.ts) and translating (translate-parser.ts) live in their own
// modules; writing the output and compiling it are in write-import.ts and check-import.ts.
import { basename, dirname, resolve as resolvePath } from 'node:path';
import { existsSync } from 'node:fs';
import { findParsers, type ExabeamParser } from './exabeam.ts';
import { RegexScreen, type ScreenStats } from './screen.ts';
import { parseHocon } from './hocon.ts';
import { resolveHocon, type Origin, type ParsedSource } from './hocon-resolve.ts';
import { hoconBlocks, lineCol, listParserFiles, readSource, type SourceText } from './source.ts';
import { parserId, translateParser, type ImportIssue, type ParserDocument } from './translate-parser.ts';

export interface EventTypeDocument {
  kind: 'event-type';
  id: string;
  description: string;
  fields: Record<string, { type: 'string'; level: 'informational' }>;
}

/** Where something is, for people: path:line:col. */
export interface Place { file: string; line: number; col: number }

export interface IssueRecord { reason: string; message: string; at: Place }

export interface ParserRecord {
  /** Exabeam parser name (null when the file could not be read as HOCON at all). */
  name: string | null;
  id: string | null;
  at: Place;
  /** 'imported' (nothing lost), 'partial' (imported, some entries not carried over), 'failed'. */
  status: 'imported' | 'partial' | 'failed';
  issues: IssueRecord[];
  /** Carried over but flagged: regexes the screen could not clear. */
  warnings: IssueRecord[];
  rewrites: string[];
  /** The Exabeam regexes carried into the parser's `extract`, in order. */
  carried: string[];
  doc: ParserDocument | null;
  eventType: EventTypeDocument | null;
}

export interface ImportResult {
  files: number;
  /** Files that held no parser (Markdown pages about something else, empty files). */
  filesWithoutParser: number;
  parsers: ParserRecord[];
  /** Parser definitions that repeat an earlier one exactly (same name, same text): counted once. */
  duplicates: number;
  /** Other definitions of an imported parser's name that differ from the one imported. */
  variants: Array<{ name: string; at: Place; chosen: Place }>;
  /** Problems of files as a whole (syntax errors before any parser could be found). */
  fileIssues: IssueRecord[];
  millis: number;
  screen: ScreenStats;
}

export interface ImportOptions {
  /** Event type for every imported parser; default: one event type per parser, named like it. */
  eventTypeOf?: (parserId: string, name: string) => string;
  /** Total time for the ReDoS screen (ms); default 10 minutes. */
  screenBudgetMs?: number;
  /** Time limit per regex not yet in the cache (ms); default 500. */
  screenTimeoutMs?: number;
}

export function importExabeam(paths: readonly string[], opts: ImportOptions = {}): ImportResult {
  const started = performance.now();
  const sources = new Map<string, SourceText>();
  const place = (o: Origin): Place => {
    const src = sources.get(o.file);
    const { line, col } = src ? lineCol(src, o.start) : { line: 1, col: 1 };
    return { file: o.file, line, col };
  };
  const records: ParserRecord[] = [];
  const fileIssues: IssueRecord[] = [];
  interface Candidate { p: ExabeamParser; own: string; skipped: IssueRecord[]; blockIssues: ImportIssue[]; preferred: boolean }
  const candidates = new Map<string, Candidate[]>();

  const translateOne = ({ p, skipped, blockIssues }: Candidate): ParserRecord => {
    const at = place(p.origin);
    const source = `${p.name} in ${fmt(at)}`;
    const etId = opts.eventTypeOf?.(parserId(p.name), p.name) ?? parserId(p.name);
    const t = translateParser(p, etId, source, check);
    const issues = [...skipped, ...[...blockIssues, ...t.issues].map((i) => ({ reason: i.reason, message: i.message, at: place(i.origin) }))];
    const status: ParserRecord['status'] = !t.doc ? 'failed' : issues.length ? 'partial' : 'imported';
    const eventType: EventTypeDocument | null = t.doc ? {
      kind: 'event-type', id: etId,
      description: `Events of the Exabeam parser ${p.name} (${[p.vendor, p.product].filter(Boolean).join(' ')})`,
      fields: Object.fromEntries(t.fieldNames.map((f) => [f, { type: 'string', level: 'informational' }])),
    } : null;
    const warnings = t.warnings.map((w) => ({ reason: w.reason, message: w.message, at: place(w.origin) }));
    return { name: p.name, id: t.doc?.id ?? null, at, status, issues, warnings, rewrites: t.rewrites, carried: t.carried, doc: t.doc, eventType };
  };
  let duplicates = 0;
  let filesWithoutParser = 0;
  const files = listParserFiles(paths);
  const screen = new RegexScreen(opts.screenBudgetMs ?? 600_000, opts.screenTimeoutMs ?? 500);
  const check = screen.check.bind(screen);

  const parseBlock = (file: string, text: string, base: number): { parsed: ParsedSource | null; issues: IssueRecord[] } => {
    const r = parseHocon(text, { salvage: true });
    const src = sources.get(file)!;
    const at = (offset: number) => { const lc = lineCol(src, base + offset); return { file, line: lc.line, col: lc.col }; };
    const issues = r.problems
      .filter((p) => p.code === 'hocon-syntax' || p.message.startsWith('text from here on skipped'))
      .map((p) => ({ reason: p.code === 'hocon-syntax' ? 'hocon-syntax' : 'hocon-skipped', message: p.message, at: at(p.span.start) }));
    return { parsed: r.root ? { file, root: r.root, base } : null, issues };
  };

  const include = (target: string, from: string): ParsedSource | null => {
    const path = resolvePath(dirname(from), target);
    const candidates = [path, `${path}.conf`];
    const hit = candidates.find((c) => existsSync(c));
    if (!hit) return null;
    if (!sources.has(hit)) sources.set(hit, readSource(hit));
    const r = parseBlock(hit, sources.get(hit)!.text, 0);
    fileIssues.push(...r.issues);
    return r.parsed;
  };

  for (const file of files) {
    const src = readSource(file);
    sources.set(file, src);
    const blocks = hoconBlocks(src);
    let found = 0;
    for (const block of blocks) {
      const { parsed, issues } = parseBlock(file, block.text, block.base);
      if (!parsed) {
        // Unreadable HOCON: still one parser the user expected; say which, when its name can be seen.
        const name = /^\s*Name\s*[=:]\s*"?([^"\n]+?)"?\s*$/m.exec(block.text)?.[1] ?? null;
        records.push({ name, id: null, at: issues[0]?.at ?? { file, line: 1, col: 1 }, status: 'failed', issues, warnings: [], rewrites: [], carried: [], doc: null, eventType: null });
        found++;
        continue;
      }
      // Text skipped while reading a block may have held part of any of its parsers.
      const skipped = issues.filter((i) => i.reason === 'hocon-skipped');
      const resolved = resolveHocon(parsed, { include });
      const parsers = findParsers(resolved.root);
      const blockIssues: ImportIssue[] = resolved.problems
        .filter((p) => p.code === 'unresolved-substitution' || p.code === 'concat-mismatch' || p.code === 'substitution-cycle' || p.code === 'include-missing')
        .map((p) => ({ reason: p.code === 'unresolved-substitution' || p.code === 'include-missing' ? 'unresolved-substitution' : 'hocon-syntax', message: p.message, origin: p.origin }));
      for (const p of parsers) {
        found++;
        const own = src.text.slice(p.origin.start, p.origin.end).replace(/\s+/g, ' ').trim();
        const list = candidates.get(p.name) ?? [];
        list.push({ p, own, skipped, blockIssues: blockIssues.filter((i) => within(i.origin, p.origin)), preferred: pageOf(p.name) === basename(file).toLowerCase() });
        candidates.set(p.name, list);
      }
    }
    if (found === 0) filesWithoutParser++;
  }

  // Pages repeat parsers of other pages. Each name is imported once: from its own page
  // (pC_<name>.md) when there is one, else from the first page that has it. Exact repeats
  // are counted; differing copies are listed as variants.
  const variants: Array<{ name: string; at: Place; chosen: Place }> = [];
  for (const [name, list] of candidates) {
    const chosen = list.find((c) => c.preferred) ?? list[0]!;
    for (const c of list) {
      if (c === chosen) continue;
      if (c.own === chosen.own) duplicates++;
      else variants.push({ name, at: place(c.p.origin), chosen: place(chosen.p.origin) });
    }
    records.push(translateOne(chosen));
  }
  records.sort((x, y) => (x.at.file < y.at.file ? -1 : x.at.file > y.at.file ? 1 : x.at.line - y.at.line));
  return { files: files.length, filesWithoutParser, parsers: records, duplicates, variants, fileIssues, millis: performance.now() - started, screen: screen.stats };
}

function within(inner: Origin, outer: Origin): boolean {
  return inner.file === outer.file && inner.start >= outer.start && inner.end <= outer.end;
}

/** The library names a parser's own page pC_<name without punctuation>.md. */
function pageOf(name: string): string {
  return `pc_${name.toLowerCase().replace(/[^a-z0-9_]/g, '')}.md`;
}

export function fmt(p: Place): string {
  return `${p.file}:${p.line}:${p.col}`;
}
