// The import report: totals, the table of reasons, and every parser with what it lost.
import type { ImportResult, ParserRecord } from './import-exabeam.ts';
import { fmt } from './import-exabeam.ts';

export interface ImportSummary {
  files: number;
  filesWithoutParser: number;
  parsers: number;
  duplicates: number;
  /** Differing copies of an imported parser found on other pages (not imported). */
  variants: number;
  imported: number;
  partial: number;
  failed: number;
  /** Share of parsers the compiler accepted (imported + partial), in percent. */
  compiledPercent: number;
  regexes: { carried: number; lost: number };
  /** reason → parsers failed by it (the first fatal reason of each failed parser). */
  failedBy: Array<[string, number]>;
  /** reason → entries not carried over (across all parsers). */
  lostBy: Array<[string, number]>;
  /** warning reason → regexes carried over but flagged. */
  warnedBy: Array<[string, number]>;
  importMillis: number;
  screen: ImportResult['screen'];
}

const FATAL = ['hocon-syntax', 'duplicate-name', 'no-conditions', 'no-fields', 'compile-error'];

export function summarise(r: ImportResult): ImportSummary {
  const count = (rows: Iterable<string>) => {
    const m = new Map<string, number>();
    for (const k of rows) m.set(k, (m.get(k) ?? 0) + 1);
    return [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  };
  const ps = r.parsers;
  const ok = ps.filter((p) => p.status !== 'failed');
  const failed = ps.filter((p) => p.status === 'failed');
  const regexReasons = new Set(['json-path', 'regex-syntax', 'regex-redos', 'unicode-property', 'class-set-operation', 'inline-flag', 'backreference-shift', 'java-escape', 'reserved-field-name']);
  return {
    files: r.files,
    filesWithoutParser: r.filesWithoutParser,
    parsers: ps.length,
    duplicates: r.duplicates,
    variants: r.variants.length,
    imported: ps.filter((p) => p.status === 'imported').length,
    partial: ps.filter((p) => p.status === 'partial').length,
    failed: failed.length,
    compiledPercent: ps.length ? (100 * ok.length) / ps.length : 0,
    regexes: {
      carried: ok.reduce((n, p) => n + (p.doc?.extract.length ?? 0), 0),
      lost: ps.reduce((n, p) => n + p.issues.filter((i) => regexReasons.has(i.reason)).length, 0),
    },
    failedBy: count(failed.map((p) => FATAL.find((f) => p.issues.some((i) => i.reason === f)) ?? p.issues[0]?.reason ?? 'unknown')),
    lostBy: count(ps.flatMap((p) => p.issues.filter((i) => !FATAL.includes(i.reason)).map((i) => i.reason))),
    warnedBy: count(ps.flatMap((p) => p.warnings.map((w) => w.reason))),
    importMillis: r.millis,
    screen: r.screen,
  };
}

export function summaryText(s: ImportSummary): string {
  const pct = (n: number) => `${((100 * n) / Math.max(1, s.parsers)).toFixed(1)} %`;
  const lines = [
    `files read        ${s.files}${s.filesWithoutParser ? ` (${s.filesWithoutParser} without a parser)` : ''}`,
    `parsers           ${s.parsers}${s.duplicates || s.variants ? ` (distinct names; ${s.duplicates} exact repeats and ${s.variants} differing copies on other pages not counted)` : ''}`,
    `imported, compile ${s.imported + s.partial}  (${s.compiledPercent.toFixed(1)} %): ${s.imported} complete, ${s.partial} with entries not carried over`,
    `failed            ${s.failed}  (${pct(s.failed)})${s.failedBy.length ? `: ${s.failedBy.map(([k, n]) => `${k} ${n}`).join(', ')}` : ''}`,
    `regexes           ${s.regexes.carried} carried over, ${s.regexes.lost} not`,
  ];
  if (s.lostBy.length) lines.push(`not carried over  ${s.lostBy.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  if (s.warnedBy.length) lines.push(`flagged regexes   ${s.warnedBy.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  lines.push(`time              ${(s.importMillis / 1000).toFixed(1)} s (ReDoS screen ${(s.screen.millis / 1000).toFixed(1)} s, ${s.screen.misses} regexes analysed, ${s.screen.checks - s.screen.misses} from the cache${s.screen.unscreened ? `, ${s.screen.unscreened} left unscreened by the time budget` : ''})`);
  return lines.join('\n');
}

export function reportMarkdown(r: ImportResult, s: ImportSummary): string {
  const out = ['# Exabeam import report', '', '```', summaryText(s), '```', ''];
  const table = (title: string, rows: Array<[string, number]>) => {
    if (!rows.length) return;
    out.push(`## ${title}`, '', '| reason | count |', '|---|---|', ...rows.map(([k, n]) => `| ${k} | ${n} |`), '');
  };
  table('Parsers not imported, by reason', s.failedBy);
  table('Entries not carried over, by reason', s.lostBy);
  table('Regexes carried over with a warning', s.warnedBy);
  if (r.variants.length) {
    out.push('## Differing copies not imported', '', 'The same parser name defined differently on another page; the definition on the parser\'s own page (or the first one read) was imported.', '');
    for (const v of r.variants) out.push(`- ${v.name}: ${fmt(v.at)} (imported: ${fmt(v.chosen)})`);
    out.push('');
  }
  const listed = r.parsers.filter((p) => p.status !== 'imported' || p.warnings.length);
  if (listed.length) {
    out.push('## Parsers', '');
    for (const p of listed) out.push(...parserLines(p), '');
  }
  return out.join('\n');
}

function parserLines(p: ParserRecord): string[] {
  const lines = [`### ${p.name ?? '(unreadable)'} — ${p.status}`, '', `source: ${fmt(p.at)}`];
  for (const i of p.issues) lines.push(`- ${i.reason}: ${i.message.replace(/\n/g, ' ')} (${fmt(i.at)})`);
  for (const w of p.warnings) lines.push(`- warning ${w.reason}: ${w.message.replace(/\n/g, ' ')} (${fmt(w.at)})`);
  return lines;
}

export function reportJson(r: ImportResult, s: ImportSummary): string {
  return JSON.stringify({
    summary: s,
    parsers: r.parsers.map((p) => ({ name: p.name, id: p.id, status: p.status, source: fmt(p.at), eventType: p.eventType?.id ?? null, issues: p.issues, warnings: p.warnings, rewrites: p.rewrites })),
    variants: r.variants,
    fileIssues: r.fileIssues,
  }, null, 2) + '\n';
}
