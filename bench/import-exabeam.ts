// Benchmark and check of `uebac import exabeam` on Exabeam's public parser library.
// Runs only when the library is given (it is not part of this repository):
//
//   npx tsx bench/import-exabeam.ts PATH/TO/Content-Library-CIM2 [--budget S] [--timeout MS] [--full-compile] [--json FILE]
//
// Measures, in one run: a floor (reading every file and cutting out its HOCON blocks), the
// import of the whole library (ReDoS screen included), the compile check, and a full compile
// of the output into a bundle. Then the Trend Micro parsers imported from the library parse
// this pack's sample (examples/sample/officescan.log), and the fields they extract are held
// against Java's own regex engine running the original Exabeam regexes (bench/exabeam/
// ExabeamFields.java, last capture wins), when a JDK is on the PATH.
import { execFileSync, spawn } from 'node:child_process';
import { prng } from './prng.ts';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { compileDir, compileToDir } from '../compiler/compile.ts';
import { checkImport } from '../compiler/import/check-import.ts';
import { importExabeam, type ParserRecord } from '../compiler/import/import-exabeam.ts';
import { summarise, summaryText } from '../compiler/import/report-import.ts';
import { hoconBlocks, listParserFiles, readSource } from '../compiler/import/source.ts';
import { writeImport } from '../compiler/import/write-import.ts';
import { flushRegexSafetyCache } from '../compiler/regex/safety.ts';
import { captureGroupNames, translateExabeamRegex } from '../compiler/regex/translate.ts';
import { loadBundle } from '../runtime/bundle.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SAMPLE = join(ROOT, 'examples/sample/officescan.log');

interface Args { library: string; budget: number; timeout: number; json: string | null; fullCompile: boolean }

function parseArgs(argv: string[]): Args | null {
  const args: Args = { library: '', budget: 600, timeout: 500, json: null, fullCompile: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--budget') args.budget = Number(argv[++i]);
    else if (a === '--timeout') args.timeout = Number(argv[++i]);
    else if (a === '--json') args.json = argv[++i] ?? null;
    else if (a === '--full-compile') args.fullCompile = true;
    else if (!a.startsWith('-')) args.library = a;
  }
  return args.library ? args : null;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!args) {
    process.stdout.write('usage: npx tsx bench/import-exabeam.ts PATH/TO/Content-Library-CIM2 [--budget SECONDS] [--timeout MS] [--json FILE]\n(skipped: no library path given)\n');
    return;
  }
  const library = resolve(args.library);
  const parsersRoot = existsSync(join(library, 'DS')) ? join(library, 'DS') : library;
  const work = mkdtempSync(join(tmpdir(), 'uebac-import-bench-'));
  try {
    // Floor: what any importer must do, read every file and find its HOCON.
    let t = performance.now();
    let blocks = 0;
    for (const f of listParserFiles([parsersRoot])) blocks += hoconBlocks(readSource(f)).length;
    const floorMs = performance.now() - t;

    t = performance.now();
    const result = importExabeam([parsersRoot], { screenBudgetMs: args.budget * 1000, screenTimeoutMs: args.timeout });
    flushRegexSafetyCache();
    const importMs = performance.now() - t;
    const out = join(work, 'imported');
    const written = writeImport(result, out);
    t = performance.now();
    const check = checkImport(result, out, written);
    const checkMs = performance.now() - t;
    const summary = summarise(result);

    // One bundle of the whole library (optional: thousands of parsers in one compile take
    // most of the run, and the compile check above already compiled every parser).
    let bundleMs = NaN;
    let bundleNote = 'not run (--full-compile)';
    if (args.fullCompile) {
      t = performance.now();
      const compiled = compileDir(out);
      const errors = compiled.diagnostics.filter((d) => d.severity === 'error');
      if (compiled.ir) {
        await compileToDir(compiled.ir, join(work, 'dist'));
        bundleMs = performance.now() - t;
        bundleNote = `${compiled.ir.parsers.length} parsers`;
      } else {
        bundleNote = `failed: ${errors.length} errors`;
      }
    }
    const synthetic = await syntheticCheck(result.parsers);
    const tm = await trendMicro(parsersRoot, work, args);

    const lines = [
      `## uebac import exabeam on ${library}`,
      '',
      `Machine: ${cpus()[0]?.model ?? '?'}, ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}, Node ${process.version}.`,
      '',
      '```',
      summaryText(summary),
      '```',
      '',
      '| step | time | ratio to the floor |',
      '|---|---|---|',
      `| floor: read ${result.files} files, cut out ${blocks} HOCON blocks | ${secs(floorMs)} | 1.0× |`,
      `| import (read, resolve, translate, ReDoS screen ${secs(result.screen.millis)}) | ${secs(importMs)} | ${(importMs / floorMs).toFixed(1)}× |`,
      `| import without the screen | ${secs(importMs - result.screen.millis)} | ${((importMs - result.screen.millis) / floorMs).toFixed(1)}× |`,
      `| compile check of the output | ${secs(checkMs)} | ${(checkMs / floorMs).toFixed(1)}× |`,
      `| full compile of the output to one bundle (${bundleNote}) | ${Number.isNaN(bundleMs) ? '—' : secs(bundleMs)} | ${Number.isNaN(bundleMs) ? '—' : `${(bundleMs / floorMs).toFixed(1)}×`} |`,
      '',
      reasonTable('Parsers not imported, by reason', summary.failedBy),
      reasonTable('Entries not carried over (parsers still imported), by reason', summary.lostBy),
      reasonTable('Regexes carried over with a warning', summary.warnedBy),
      ...synthetic.lines,
      ...tm.lines,
    ];
    process.stdout.write(lines.join('\n') + '\n');
    if (check.otherErrors.length) process.stdout.write(`\n${check.otherErrors.length} compile errors outside parser files\n`);
    if (args.json) writeFileSync(args.json, JSON.stringify({ summary, floorMs, importMs, checkMs, bundleMs, trendMicro: tm.data, synthetic: synthetic.data }, null, 2) + '\n');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function reasonTable(title: string, rows: Array<[string, number]>): string {
  if (!rows.length) return '';
  return [`**${title}**`, '', '| reason | count |', '|---|---|', ...rows.map(([k, n]) => `| ${k} | ${n} |`), ''].join('\n');
}

interface TmData { lines: number; parsed: number; rejected: Record<string, number>; byParser: Record<string, number>; compared: number; agreeing: number; values: number; mismatches: string[]; reference: string }


/**
 * Lines written from each imported parser: its conditions, then one string matching each of
 * its regexes (randexp). Each line is parsed by the compiled library, and the fields of the
 * parser that took it are compared with Java's engine running that parser's Exabeam regexes.
 */
async function syntheticCheck(parsers: ParserRecord[]): Promise<{ lines: string[]; data: Record<string, unknown> }> {
  const RandExp = (await import('randexp')).default;
  const rand = prng(20261202);
  const cases: Array<{ line: string; record: ParserRecord; raw: Record<string, string> }> = [];
  let written = 0;
  for (const p of parsers) {
    if (!p.doc || p.status === 'failed') continue;
    // The regexes as the compiler compiles them (compiler/passes: translate, then group names).
    const compiled = { extract: p.doc.extract.map((src) => { const t = translateExabeamRegex(src); return { source: t.source, flags: t.flags, groups: captureGroupNames(t) }; }) };
    const parts = [...p.doc!.select.contains];
    for (const src of p.doc!.extract) {
      try {
        const re = new RandExp(new RegExp(translateExabeamRegex(src).source.replace(/\(\?<[A-Za-z_][A-Za-z0-9_]*>/g, '(')));
        re.max = 4;
        re.randInt = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
        re.defaultRange.subtract(0, 31);
        re.defaultRange.subtract(127, 65535);
        parts.push(re.gen());
      } catch {
        // randexp cannot write every construct (lookbehind); the line just lacks that part.
      }
    }
    const line = parts.join(' ');
    written++;
    // The compiled parser's extraction, by the runtime's rule (runtime/assemble.ts): regexes in
    // order over the whole line, a later non-empty capture of a field overwriting an earlier one.
    const raw: Record<string, string> = {};
    for (const x of compiled.extract) {
      const m = new RegExp(x.source, x.flags).exec(line);
      if (!m?.groups) continue;
      for (const { group, field } of x.groups) { const v = m.groups[group]; if (v !== undefined && v !== '') raw[field] = v; }
    }
    cases.push({ line, record: p, raw });
  }
  const reference = await javaReference(cases.map((c) => ({ regexes: c.record.carried, line: c.line })));
  const data = { written, compared: 0, agreeing: 0, values: 0, mismatches: [] as string[], reference: reference ? 'java.util.regex' : 'none' };
  if (reference) {
    for (const [i, c] of cases.entries()) {
      const want = reference[i]!;
      delete c.raw.exa_message;
      // The time regex written for a JSON-path time is the importer's, not Exabeam's.
      if (c.record.warnings.some((w) => w.reason === 'json-time-by-key')) delete c.raw.time;
      const keys = [...new Set([...Object.keys(c.raw), ...Object.keys(want)])].sort();
      const diff = keys.filter((k) => c.raw[k] !== want[k]).map((k) => `${k}: uebac ${JSON.stringify(c.raw[k] ?? null)} vs Java ${JSON.stringify(want[k] ?? null)}`).join('; ');
      data.compared++;
      data.values += Object.keys(want).length;
      if (diff === '') data.agreeing++;
      else if (data.mismatches.length < 8) data.mismatches.push(`${c.record.name}: ${diff.slice(0, 300)}`);
    }
  }
  const pct = (n: number, d: number) => `${((100 * n) / Math.max(1, d)).toFixed(1)} %`;
  const lines = [
    '**Lines written from each imported parser (its conditions, then a random match of each regex)**',
    '',
    reference
      ? `On ${written} such lines, the captures of the compiled parsers equal those of Java's regex engine running the original Exabeam regexes (last capture wins) on ${data.agreeing} lines (${pct(data.agreeing, data.compared)}; ${data.values} field values compared).${data.mismatches.length ? `\n\nFirst differences:\n${data.mismatches.map((m) => `- ${m}`).join('\n')}` : ''}`
      : 'No JDK on the PATH: the comparison with Java\'s regex engine was skipped.',
    '',
  ];
  return { lines, data };
}

/** Fields the parser takes straight from regex captures: uebac's event against Java's extraction. */
function compareFields(record: ParserRecord, event: Record<string, unknown>, java: Record<string, string>): { same: boolean; values: number; diff: string } {
  const direct = Object.entries(record.doc!.fields).filter(([name, expr]) => expr === name).map(([name]) => name);
  const got = Object.fromEntries(direct.filter((f) => event[f] !== null && event[f] !== undefined).map((f) => [f, String(event[f])]));
  const want = Object.fromEntries(direct.filter((f) => java[f] !== undefined).map((f) => [f, java[f]!]));
  const keys = [...new Set([...Object.keys(got), ...Object.keys(want)])].sort();
  const diff = keys.filter((k) => got[k] !== want[k]).map((k) => `${k}: uebac ${JSON.stringify(got[k] ?? null)} vs Java ${JSON.stringify(want[k] ?? null)}`).join('; ');
  return { same: diff === '', values: Object.keys(want).length, diff };
}

/** The Trend Micro parsers of the library against this pack's sample lines. */
async function trendMicro(parsersRoot: string, work: string, args: Args): Promise<{ lines: string[]; data: TmData | null }> {
  const dir = join(parsersRoot, 'Trend_Micro');
  if (!existsSync(dir)) return { lines: ['(no Trend_Micro folder in the library: sample check skipped)'], data: null };
  const result = importExabeam([dir], { screenBudgetMs: args.budget * 1000, screenTimeoutMs: args.timeout });
  const out = join(work, 'trend-micro');
  checkImport(result, out, writeImport(result, out));
  const compiled = compileDir(out);
  await compileToDir(compiled.ir!, join(work, 'trend-micro-dist'));
  const program = (await loadBundle(join(work, 'trend-micro-dist'))).module.instantiate(new Map());
  const sample = readFileSync(SAMPLE, 'utf8').split('\n').map((l) => l.replace(/\r$/, ''));
  if (sample[sample.length - 1] === '') sample.pop();
  const data: TmData = { lines: sample.length, parsed: 0, rejected: {}, byParser: {}, compared: 0, agreeing: 0, values: 0, mismatches: [], reference: 'none' };
  const byId = new Map(result.parsers.filter((p) => p.doc).map((p) => [p.eventType!.id, p] as const));
  const parsedLines: Array<{ line: string; record: ParserRecord; event: Record<string, unknown> }> = [];
  for (const line of sample) {
    const r = program.parse(line);
    if (r.ok) {
      data.parsed++;
      const ev = (r as { event: Record<string, unknown> }).event;
      const et = String(ev.event_type);
      data.byParser[et] = (data.byParser[et] ?? 0) + 1;
      const record = byId.get(et);
      if (record) parsedLines.push({ line, record, event: ev });
    } else {
      const reason = (r as { reason: string }).reason;
      data.rejected[reason] = (data.rejected[reason] ?? 0) + 1;
    }
  }
  const reference = await javaReference(parsedLines.map((p) => ({ regexes: p.record.carried, line: p.line })));
  if (reference) {
    data.reference = 'java.util.regex';
    for (const [i, p] of parsedLines.entries()) {
      const want = reference[i]!;
      const r = compareFields(p.record, p.event, want);
      data.compared++;
      data.values += r.values;
      if (r.same) data.agreeing++;
      else if (data.mismatches.length < 5) data.mismatches.push(`${p.record.name}: ${r.diff}`);
    }
  }
  const pct = (n: number, d: number) => `${((100 * n) / Math.max(1, d)).toFixed(1)} %`;
  const lines = [
    `**Trend Micro parsers of the library on examples/sample/officescan.log**`,
    '',
    `${data.parsed} of ${data.lines} lines parsed (${pct(data.parsed, data.lines)}); rejected: ${Object.entries(data.rejected).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}.`,
    '',
    '| imported parser | lines |',
    '|---|---|',
    ...Object.entries(data.byParser).sort((a, b) => b[1] - a[1]).map(([k, n]) => `| ${k} | ${n} |`),
    '',
    reference
      ? `Fields extracted by the compiled parsers equal those of Java's regex engine running the original Exabeam regexes (last capture wins) on ${data.agreeing} of ${data.compared} parsed lines (${pct(data.agreeing, data.compared)}; ${data.values} field values compared).${data.mismatches.length ? `\n\nFirst differences:\n${data.mismatches.map((m) => `- ${m}`).join('\n')}` : ''}`
      : 'No JDK on the PATH: the comparison with Java\'s regex engine was skipped.',
    '',
  ];
  return { lines, data };
}

/** Runs the original regexes on the JVM (bench/exabeam/ExabeamFields.java); null without a JDK. */
async function javaReference(requests: Array<{ regexes: string[]; line: string }>): Promise<Array<Record<string, string>> | null> {
  const classes = mkdtempSync(join(tmpdir(), 'uebac-exabeam-java-'));
  try {
    try {
      execFileSync('javac', ['-d', classes, join(ROOT, 'bench/exabeam/ExabeamFields.java')], { stdio: 'pipe' });
    } catch {
      return null;
    }
    const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
    const input = requests.map((r) => [String(r.regexes.length), ...r.regexes.map(b64), b64(r.line)].join('\n')).join('\n') + '\n';
    const child = spawn('java', ['-cp', classes, 'ExabeamFields'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stdin.end(input);
    await new Promise<void>((res, rej) => child.on('close', (code) => (code === 0 ? res() : rej(new Error(`java exited with ${code}`)))));
    return stdout.split('\n').slice(0, requests.length).map((l) => Object.fromEntries(l.split(' ').filter((kv) => kv.includes('=') && !kv.startsWith('!')).map((kv) => {
      const i = kv.indexOf('=');
      return [kv.slice(0, i), Buffer.from(kv.slice(i + 1), 'base64').toString('utf8')];
    })));
  } finally {
    rmSync(classes, { recursive: true, force: true });
  }
}

await main();
