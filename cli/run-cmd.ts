// `uebac parse` and `uebac run`: load a bundle, stream logs through it.
import { dirname, resolve } from 'node:path';
import { loadTrustedBundle } from '../runtime/bundle.ts';
import { admitBundle, lineagePath, readLineage, rollbackReason } from '../runtime/lineage.ts';
import { TrustError } from '../runtime/trust.ts';
import { cliTrustPolicy, warnOnStderr, type TrustCliOptions } from './trust-options.ts';
import { isoTime } from '../runtime/engine.ts';
import { lineCapBytes, readLines } from '../runtime/lines.ts';
import type { ParseOutcome } from '../runtime/program.ts';
import { EVICTION_KINDS, EVICTION_LABEL, noEvictions, totalEvictions } from '../runtime/evictions.ts';
import { runPipeline, type RunSummary } from '../runtime/run.ts';
import { TimeLookahead } from '../runtime/time-lookahead.ts';
import { colorEnabled, painter, type Style } from './color.ts';
import { loadContextDir } from './context-dir.ts';
import { createProgress, inputSizes } from './progress.ts';
import { describeError, InputError } from './errors.ts';
import { checkInputFiles, closeOutputFile, ensureDir, openOutputFile } from './files.ts';

const requireInputs = checkInputFiles;

/** Kept under its old name: a usage error is an input error (exit 2). */
export { InputError as UsageError };

/** Reject reasons that mean "this line is not a log line this pack can read". */
const UNREADABLE = ['no-parser', 'unknown-source', 'invalid-utf8'] as const;

/**
 * Input that is mostly not log lines (a binary file, package-lock.json, the wrong directory's
 * files) must not end as a green run with every line quietly rejected.
 */
export function unreadableShare(read: number, rejected: Readonly<Record<string, number>>): number {
  const bad = UNREADABLE.reduce((n, r) => n + (rejected[r] ?? 0), 0);
  return read === 0 ? 0 : bad / read;
}

function unreadableMessage(files: readonly string[], share: number, max: number, rejected: Readonly<Record<string, number>>): string {
  const reasons = UNREADABLE.filter((r) => rejected[r]).map((r) => `${r}: ${rejected[r]}`).join(', ');
  return `uebac: ${Math.round(share * 100)}% of the lines of ${files.join(', ')} are not log lines this pack can read (${reasons}); more than the ${Math.round(max * 100)}% allowed by --max-unreadable\n` +
    '  check that these are the right files for this bundle (`uebac parse --rejects FILE` shows the rejected lines)\n';
}

/** A state-file failure from SQLite, named after the file. */
function stateError(e: unknown, state: string): unknown {
  const code = (e as { code?: string }).code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return e;
  const d = describeError(e, `--state ${state}`);
  return new InputError(d.message, d.hint);
}

/** Create the directory of a state file (not for :memory:). */
export function prepareStatePath(state: string): void {
  if (state !== ':memory:') ensureDir(dirname(resolve(state)), `--state ${state}`);
}

/** `--year YYYY` → the anchor for year-less syslog headers before the first dated event (mid-year). */
export function yearAnchor(year: string | undefined): number | undefined {
  if (year === undefined) return undefined;
  if (!/^\d{4}$/.test(year)) throw new InputError(`--year must be a four-digit year, got "${year}"`);
  return Date.UTC(Number(year), 6, 1);
}

export async function parseCommand(files: string[], opts: { bundle: string; rejects?: string; year?: string; maxUnreadable?: number } & TrustCliOptions): Promise<number> {
  requireInputs(files);
  const { module } = await loadTrustedBundle(opts.bundle, cliTrustPolicy(opts), warnOnStderr);
  const program = module.instantiate(new Map());
  const anchor = yearAnchor(opts.year);
  if (anchor !== undefined) program.setTimeAnchor(anchor);
  const rejects = opts.rejects ? openOutputFile(opts.rejects, '--rejects') : null;
  const counts: Record<string, number> = {};
  let read = 0;
  let parsed = 0;
  const repaired: Record<string, number> = {};
  const out: string[] = [];
  type At = { file: string; line: number; text: string; repaired?: string };
  const settle = (r: ParseOutcome, at: At) => {
    if (r.ok) {
      program.enrich(r.event, r.eventType);
      parsed++;
      const rec: Record<string, unknown> = { event_type: r.event.event_type, time: isoTime(r.event.time), parser: r.parser };
      for (const [k, v] of Object.entries(r.event)) if (k !== 'event_type' && k !== 'time' && v !== null) rec[k] = v;
      if (at.repaired) rec.repaired = at.repaired;
      out.push(JSON.stringify(rec));
    } else {
      counts[r.reason] = (counts[r.reason] ?? 0) + 1;
      rejects?.write(JSON.stringify({ file: at.file, line: at.line, reason: r.reason, ...(r.parser ? { parser: r.parser } : {}), ...(at.repaired ? { repaired: at.repaired } : {}), text: at.text.slice(0, 4096) }) + '\n');
    }
  };
  // Same look-ahead as `run`: lines without a time before the first event wait for it.
  const lookahead = new TimeLookahead<At>((text) => program.parse(text));
  const flush = () => { if (out.length) { process.stdout.write(out.join('\n') + '\n'); out.length = 0; } };
  for (const file of files) {
    let lineNo = 0;
    for await (const batch of readLines(file, 0, undefined, { maxLineBytes: lineCapBytes(Math.max(program.settings.maxFieldLength, 65536)) })) {
      for (const line of batch) {
        read++;
        lineNo++;
        if (line.repaired) repaired[line.repaired] = (repaired[line.repaired] ?? 0) + 1;
        lookahead.push(line.text, { file, line: lineNo, text: line.text, repaired: line.repaired }, settle);
      }
      flush();
    }
  }
  lookahead.end(settle);
  flush();
  if (rejects) await closeOutputFile(rejects, opts.rejects!, '--rejects');
  const rejected = read - parsed;
  process.stderr.write(`read ${read} lines: ${parsed} parsed, ${rejected} rejected${rejected ? ` (${Object.entries(counts).sort().map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''}${repairedNote(repaired)}\n`);
  if (counts['missing-year']) process.stderr.write('missing-year: RFC 3164 headers without a year before any dated event; give the year with --year YYYY\n');
  const share = unreadableShare(read, counts);
  if (share > (opts.maxUnreadable ?? 0.5)) { process.stderr.write(unreadableMessage(files, share, opts.maxUnreadable ?? 0.5, counts)); return 1; }
  return 0;
}

/** `; N repaired (invalid-utf8: N)` when some lines had bytes replaced (they are kept, not rejected). */
function repairedNote(repaired: Record<string, number>): string {
  const n = Object.values(repaired).reduce((a, b) => a + b, 0);
  return n ? `; ${n} repaired (${Object.entries(repaired).sort().map(([k, v]) => `${k}: ${v}`).join(', ')})` : '';
}

export interface RunCliOptions extends TrustCliOptions {
  bundle: string;
  state: string;
  out?: string;
  resume?: boolean;
  fresh?: boolean;
  finish?: boolean;
  context?: string;
  checkpointEvents?: number;
  quiet?: boolean;
  year?: string;
  /** Fail (exit 1) when more than this share of lines is not readable log (default 0.5). */
  maxUnreadable?: number;
}

export async function runCommand(files: string[], opts: RunCliOptions): Promise<number> {
  requireInputs(files);
  const { module, manifest, trust } = await loadTrustedBundle(opts.bundle, cliTrustPolicy(opts), warnOnStderr);
  // Rollback is judged before the state is touched and recorded once the run went through.
  const history = opts.state === ':memory:' ? null : lineagePath(resolve(opts.state));
  if (history) {
    const why = rollbackReason(readLineage(history), manifest);
    if (why && !opts.allowRollback) throw new TrustError(`rollback refused: ${why}; a state only moves forward (deploy a newer pack version, use another --state, or pass --allow-rollback)`, 'rollback');
    if (why) warnOnStderr(`warning: rollback allowed (--allow-rollback): ${why}`);
  }
  const overrides = opts.context ? loadContextDir(opts.context, manifest) : new Map();
  const program = module.instantiate(overrides);
  // Progress only for a person watching a terminal; pipes, files and tests never see it.
  const progress = process.stderr.isTTY && !opts.quiet ? createProgress((t) => process.stderr.write(t), inputSizes(files), { resumed: opts.resume }) : null;
  prepareStatePath(opts.state);
  const summary = await runPipeline(program, {
    inputs: files,
    out: opts.out ?? null,
    state: opts.state,
    resume: opts.resume ?? false,
    fresh: opts.fresh ?? false,
    finish: opts.finish ?? false,
    bundleHash: manifest.bundleHash,
    checkpointEvents: opts.checkpointEvents,
    timeAnchor: yearAnchor(opts.year),
    onProgress: progress ? (s, at) => progress.update(at, { lines: s.lines, events: s.events, notable: s.notable.length }) : undefined,
  }).catch((e: unknown) => { progress?.end(); throw stateError(e, opts.state); });
  progress?.end();
  if (history) admitBundle(history, manifest, trust.verified ? trust.keyId : null, true);
  // Records go to stdout unless --out names a file; the summary then goes to stderr.
  const summaryStream = opts.out ? process.stdout : process.stderr;
  if (!opts.quiet) summaryStream.write(renderRunSummary(summary, opts.out ?? null, painter(colorEnabled(summaryStream))));
  const share = unreadableShare(summary.lines, summary.rejected);
  const max = opts.maxUnreadable ?? 0.5;
  if (share > max) { process.stderr.write(unreadableMessage(files, share, max, summary.rejected)); return 1; }
  return 0;
}

export function renderRunSummary(s: RunSummary, out: string | null, paint: (style: Style, text: string) => string = painter(false)): string {
  const lines: string[] = [];
  const rejected = Object.values(s.rejected).reduce((a, b) => a + b, 0);
  lines.push(`lines read        ${s.lines}${s.resumedFrom !== null ? ` (resumed after line ${s.resumedFrom})` : ''}`);
  lines.push(`events parsed     ${s.events}`);
  lines.push(`lines rejected    ${rejected}${rejected ? `  (${Object.entries(s.rejected).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''}`);
  if (s.rejected['missing-year']) lines.push(`                  (missing-year: RFC 3164 headers without a year before any dated event; give the year with --year YYYY)`);
  const repaired = Object.values(s.repaired ?? {}).reduce((a, b) => a + b, 0);
  if (repaired) lines.push(`lines repaired    ${repaired}  (${Object.entries(s.repaired).sort().map(([k, v]) => `${k}: ${v}`).join(', ')}; bytes replaced, events kept)`);
  const timeFrom = Object.entries(s.timeFrom ?? {});
  if (timeFrom.length) lines.push(`time not in payload ${timeFrom.sort().map(([k, v]) => `${k}: ${v}`).join(', ')}`);
  lines.push(`rules triggered   ${s.rulesFired}  (${Object.keys(s.rulesFiredById).length} distinct rules)`);
  lines.push(`sessions          ${s.sessions}, notable ${s.notable.length}`);
  const e = { ...noEvictions(), ...s.evicted };
  if (totalEvictions(e)) lines.push(`evicted           ${EVICTION_KINDS.filter((k) => e[k] > 0).map((k) => `${e[k]} ${EVICTION_LABEL[k]}`).join(', ')} (memory caps reached)`);
  if (s.regexOverBudget) lines.push(`regex guard       ${s.regexOverBudget} regex calls over the pack's regexBudgetMs (events kept; see SECURITY.md)`);
  if (s.openSessions) lines.push(`open sessions     ${s.openSessions}, kept in the state for the next batch (--finish closes them)`);
  if (out) lines.push(`records           ${out}`);
  for (const n of s.notes) lines.push(`note              ${n}`);
  lines.push('');
  if (s.notable.length === 0) lines.push('No notable sessions.');
  else {
    lines.push(paint('bold', 'Notable sessions:'));
    for (const n of [...s.notable].sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))) {
      lines.push(`  ${paint('bold', n.user)}  ${paint('red', `score ${n.score}`)}  ${n.start} → ${n.end}  (${n.id})`);
      for (const t of n.top) lines.push(`    +${t.score}  ${t.rule}: ${t.reason}`);
    }
  }
  if (s.notableAssets.length) {
    lines.push('', 'Notable asset sequences:');
    for (const a of s.notableAssets) lines.push(`  ${a.asset}  score ${a.score}  (${a.id})`);
  }
  return lines.join('\n') + '\n';
}
