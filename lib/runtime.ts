// The runtime half of the library API (`uebac/runtime`): load a compiled bundle and stream
// lines through it. Nothing here loads the compiler or its packages.
import { readContextDir } from '../compiler/context-data.ts';
import type { Diagnostic } from '../compiler/diagnostics/types.ts';
import { loadTrustedBundle, type Manifest } from '../runtime/bundle.ts';
import type { ContextTable } from '../runtime/context.ts';
import { Engine, type RuleRecord, type ScopeRecord } from '../runtime/engine.ts';
import type { BundleModule, Event, ParseOutcome, Program } from '../runtime/program.ts';
import { runPipeline, type RunSummary } from '../runtime/run.ts';
import { runPath } from '../runtime/run-path.ts';
import { GuardedParse, type TimeGuard } from '../runtime/time-guard.ts';
import { TimeLookahead } from '../runtime/time-lookahead.ts';
import { trustPolicy } from '../runtime/trust.ts';

export type { Manifest } from '../runtime/bundle.ts';
export type { Evidence, RuleRecord, ScopeRecord } from '../runtime/engine.ts';
export type { Event } from '../runtime/program.ts';
export type { RunSummary } from '../runtime/run.ts';
export type { Diagnostic, Position, Range, Severity } from '../compiler/diagnostics/types.ts';
export { BundleError } from '../runtime/bundle.ts';
export { TrustError } from '../runtime/trust.ts';

/** The organisation's context tables could not be used; `diagnostics` say where and why. */
export class ContextDirError extends Error {
  constructor(readonly dir: string, readonly diagnostics: readonly Diagnostic[]) {
    super(`context directory ${dir}: ${diagnostics.map((d) => `${d.file}:${d.range.start.line}:${d.range.start.col}: ${d.message}`).join('; ')}`);
    this.name = 'ContextDirError';
  }
}

export interface LoadBundleOptions {
  /** A directory of CSV context tables (as `uebac run --context`) that replace the pack's. */
  context?: string;
  /**
   * Ed25519 public keys (PEM files) to trust instead of the trust directory (`~/.config/uebac`:
   * the local signing key and `trusted/*.pub`), as `--trust`.
   */
  trust?: string | string[];
  /** Load a bundle that is unsigned or signed by an untrusted key (`warn` is told); a tampered one is still refused. */
  allowUnsigned?: boolean;
  /** Where the warning about an unverified bundle goes (default: process.emitWarning). */
  warn?: (message: string) => void;
}

/** A compiled bundle, checked (manifest, ABI, sha256, optional signature) and imported. */
export interface Bundle {
  readonly dir: string;
  readonly manifest: Manifest;
  /** A fresh program: parsers, enrichment and rules with this bundle's context tables. */
  instantiate(): Program;
}

/**
 * Loads the bundle written by `uebac compile` (or `compile()`) into `dir`, as the CLI does:
 * its signature checked against the trusted keys (a TrustError when refused), then the
 * manifest, ABI and sha256 (a BundleError), then the context tables (a ContextDirError).
 */
export async function loadBundle(dir: string, opts: LoadBundleOptions = {}): Promise<Bundle> {
  const trust = opts.trust === undefined ? undefined : Array.isArray(opts.trust) ? opts.trust : [opts.trust];
  const policy = trustPolicy({ trust, allowUnsigned: opts.allowUnsigned });
  const { manifest, module } = await loadTrustedBundle(dir, policy, opts.warn ?? ((m) => process.emitWarning(m)));
  let tables: ReadonlyMap<string, ContextTable> = new Map();
  if (opts.context !== undefined) {
    const read = readContextDir(opts.context, manifest.contextTables);
    const errors = read.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) throw new ContextDirError(opts.context, errors);
    tables = read.tables;
  }
  return { dir, manifest, instantiate: () => (module as BundleModule).instantiate(tables) };
}

/** One line parsed: the event (with derived fields) and who built it, or why it was rejected. */
export type Parsed =
  | { ok: true; eventType: string; parser: string; event: Event }
  | { ok: false; reason: string; parser?: string };

const parsers = new WeakMap<Bundle, Program>();

/**
 * Parses one log line into an event of the pack's catalogue (enriched), as `uebac parse` does.
 * Lines parsed through one bundle share its stream state: a year-less syslog header takes the
 * year of the previous dated event.
 */
export function parse(bundle: Bundle, line: string): Parsed {
  let program = parsers.get(bundle);
  if (!program) parsers.set(bundle, (program = bundle.instantiate()));
  const r = program.parse(line);
  if (!r.ok) return { ok: false, reason: r.reason, ...(r.parser ? { parser: r.parser } : {}) };
  program.enrich(r.event, r.eventType);
  return { ok: true, eventType: program.eventTypes[r.eventType]!.name, parser: r.parser, event: r.event };
}

/** What an engine emits: rule records (with evidence) and closed sessions / asset sequences. */
export type EngineRecord = RuleRecord | ScopeRecord;

export interface EngineCounts {
  lines: number;
  events: number;
  rejected: Record<string, number>;
}

/** An in-memory engine: feed lines in time order, get records back. No state file, no output file. */
export interface LineEngine {
  /** Processes one line; returns the records it completed (often none). */
  push(line: string): EngineRecord[];
  /** Ends the stream: processes held lines and closes every open session; returns the last records. */
  end(): EngineRecord[];
  readonly counts: EngineCounts;
}

/**
 * The pipeline of `uebac run` (parse → enrich → sessionize → score → train) over lines you
 * give it, in memory: the same look-ahead for lines before the first timed event and the same
 * guard against times far ahead of the stream.
 */
export function createEngine(bundle: Bundle): LineEngine {
  // Only records leave this engine: the run path builds just the fields they depend on.
  const program = runPath(bundle.instantiate());
  const pending: EngineRecord[] = [];
  const counts: EngineCounts = { lines: 0, events: 0, rejected: {} };
  const engine = new Engine(program, { rule: (r) => { pending.push(r); }, scope: (s) => { pending.push(s); } });
  type Accepted = Extract<ParseOutcome, { ok: true }>;
  const guard = engine.timeGuard as TimeGuard<Accepted>;
  const reject = (reason: string) => { counts.rejected[reason] = (counts.rejected[reason] ?? 0) + 1; };
  const accept = (r: Accepted) => {
    program.enrich(r.event, r.eventType);
    engine.process(r.event, r.eventType);
    counts.events++;
  };
  const settle = (r: ParseOutcome) => { if (r.ok) guard.offer(r, r.event, accept, reject); else reject(r.reason); };
  const lookahead = new TimeLookahead<null>(new GuardedParse(program, guard).parse);
  let ended = false;
  const take = () => pending.splice(0, pending.length);
  return {
    counts,
    push(line) {
      if (ended) throw new Error('this engine has ended; create another one');
      counts.lines++;
      lookahead.push(line, null, settle);
      return take();
    },
    end() {
      if (!ended) {
        ended = true;
        lookahead.end(settle);
        guard.flush(reject, accept);
        engine.finish();
      }
      return take();
    },
  };
}

export interface RunOptions {
  /** Log files (`-` for standard input; `.gz` is read compressed). */
  inputs: string[];
  /** JSONL records file (null: standard output). */
  out: string | null;
  /** SQLite state file for incremental batches, or ':memory:' (the default) for none. */
  state?: string;
  /** Close the sessions still open at the end (always so with ':memory:'). */
  finish?: boolean;
  /** Discard what the state file holds and start over. */
  fresh?: boolean;
  /** Finish an interrupted batch recorded in the state, over the same inputs. */
  resume?: boolean;
}

/** `uebac run` over files: JSONL records (header, rules, sessions, summary) and the run summary. */
export function run(bundle: Bundle, opts: RunOptions): Promise<RunSummary> {
  return runPipeline(bundle.instantiate(), {
    inputs: opts.inputs, out: opts.out, state: opts.state ?? ':memory:',
    resume: opts.resume ?? false, fresh: opts.fresh ?? false, finish: opts.finish ?? false,
    bundleHash: bundle.manifest.bundleHash,
  });
}
