// Recognition on Trend Micro lines the repository has never seen: feeds each line through the
// compiled pack (one stream per file, in order) and reports how many are recognised with an
// event type of the pack, and how many carry a time that matches the expected one.
//
//   npx tsx scripts/recognition.ts [--year YYYY] PATH...
//
// A PATH is a text file (one line per log line) or a directory of JSON test cases shaped like
// {"input": {"message": "<raw line>"}, "expected": {"@timestamp": "..."}} (open-source intake test
// suites use this shape). Expected times are compared only where the case gives one.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compileDir, compileToDir } from '../compiler/compile.ts';
import { loadBundle } from '../runtime/bundle.ts';
import type { ParseOutcome } from '../runtime/program.ts';
import { TimeLookahead } from '../runtime/time-lookahead.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

interface Case { source: string; line: string; expectedTime?: string }

function cases(path: string): Case[] {
  if (statSync(path).isDirectory()) {
    return readdirSync(path).filter((f) => f.endsWith('.json')).sort().map((f) => {
      const doc = JSON.parse(readFileSync(join(path, f), 'utf8')) as { input: { message: string | { message: string } }; expected?: Record<string, unknown> };
      const m = doc.input.message;
      return { source: join(path, f), line: typeof m === 'string' ? m : m.message, expectedTime: doc.expected?.['@timestamp'] as string | undefined };
    });
  }
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').map((line, i) => ({ source: `${path}:${i + 1}`, line }));
}

const args = process.argv.slice(2);
let year: number | undefined;
if (args[0] === '--year') { year = Number(args[1]); args.splice(0, 2); }
if (args.length === 0) { process.stderr.write('usage: npx tsx scripts/recognition.ts [--year YYYY] PATH...\n'); process.exit(2); }

const compiled = compileDir(join(import.meta.dirname, '..', 'content'));
if (!compiled.ir) { process.stderr.write('content does not compile\n'); process.exit(1); }
const dir = mkdtempSync(join(tmpdir(), 'uebac-recognition-'));
await compileToDir(compiled.ir, dir);
const { module } = await loadBundle(dir);
const program = module.instantiate(new Map());

let total = 0, recognised = 0, timed = 0, timeOk = 0;
const sources: Record<string, number> = {};
const settle = (r: ParseOutcome, c: Case) => {
  total++;
  if (!r.ok) { process.stdout.write(`REJECT ${r.reason.padEnd(22)} ${c.source}\n`); return; }
  recognised++;
  const from = (r.event.time_source as string | null) ?? 'payload';
  sources[from] = (sources[from] ?? 0) + 1;
  let note = '';
  if (c.expectedTime) {
    timed++;
    const ok = Date.parse(c.expectedTime) === r.event.time;
    if (ok) timeOk++;
    note = ok ? 'time ok' : `time ${new Date(r.event.time).toISOString()} ≠ ${c.expectedTime}`;
  }
  process.stdout.write(`ok     ${r.event.event_type.padEnd(22)} ${from.padEnd(15)} ${note.padEnd(10)} ${c.source}\n`);
};
// One stream per PATH, with the runtime's look-ahead for lines without a time (as `uebac run`).
for (const path of args) {
  program.setTimeAnchor(year === undefined ? null : Date.UTC(year, 6, 1));
  const lookahead = new TimeLookahead<Case>((text) => program.parse(text));
  for (const c of cases(path)) lookahead.push(c.line, c, settle);
  lookahead.end(settle);
}
rmSync(dir, { recursive: true, force: true });
const pct = (a: number, b: number) => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)} %`);
process.stdout.write(`\nrecognised ${recognised}/${total} (${pct(recognised, total)}); expected times matched ${timeOk}/${timed} (${pct(timeOk, timed)}); time from ${Object.entries(sources).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
