// ReDoS check for translated regexes, backed by the `recheck` package.
//
// Checker choice: we run recheck's 'automaton' checker first. It decides
// ambiguity exactly from the NFA, so it is sound (no missed attacks, no fuzzing
// false positives such as `\d{1,64}x` being called cubic) and fast for typical
// log regexes (1–10 ms; ~100 ms for long ones with several lazy segments). It
// cannot analyse back-references or lookaround; only for those we fall back to
// the 'fuzz' checker, which handles everything but is slower and may miss cases.
// recheck's own 'auto' mode also switches to fuzzing for large repeat counts
// (e.g. `\d{1,64}`), which is both slower and less precise, so we avoid it.
//
// Note that recheck models unanchored search, like V8 does at run time: many
// ordinary log regexes such as `\Wsuser=([^=]+?)\s+\w+=` are genuinely
// quadratic on hostile input. Callers can tell that from `complexity`/`degree`
// and grade exponential vs polynomial differently (run-time inputs are capped
// by runtime/regex-guard.ts, which bounds polynomial but not exponential cost).

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Diagnostics, Parameters } from 'recheck';

// recheck is ~3 MB of JavaScript: loaded on the first regex that actually needs checking, so a
// compile whose verdicts are all known (shipped with the pack or cached) never parses it.
let checkSyncFn: typeof import('recheck').checkSync | undefined;
function checkSync(source: string, flags: string, params: Parameters): Diagnostics {
  checkSyncFn ??= (createRequire(import.meta.url)('recheck') as typeof import('recheck')).checkSync;
  return checkSyncFn(source, flags, params);
}

export type SafetyResult =
  /** `unproven`: only the fuzzer looked (lookaround, back-references) and found no attack. */
  | { safe: true; unproven?: true }
  | {
      safe: false;
      reason: 'vulnerable' | 'unknown';
      /** Printable attack: recheck's compact JS expression, e.g. `'a' + 'a'.repeat(31) + '\x00'`. */
      attack?: string;
      /** 'exponential' or 'polynomial' (see `degree`). */
      complexity?: string;
      /** Polynomial degree (2 = quadratic) when complexity is 'polynomial'. */
      degree?: number;
      /** Offsets into the checked `source` (the translated JS source) of the hottest part. */
      hotspot?: { start: number; end: number };
      /** Why the result is 'unknown' (timeout, unsupported syntax, …). */
      detail?: string;
      /** Set when the verdict comes from the bounded repetition analysis (see relaxBoundedRepeats). */
      via?: string;
    };

/** Upper bound per check; a timeout yields reason 'unknown'. */
const TIMEOUT_MS = 2000;
/** The fuzz checker (lookaround, back-references) rarely decides more after this long. */
const FUZZ_TIMEOUT_MS = 1500;
const MAX_ATTACK_CHARS = 80;

// Results are kept in memory and in a small JSON file shared by every compile on this
// machine (keyed by recheck's version), so a pack's regexes are analysed once, not on
// every `uebac validate` / `compile` / `test`. UEBAC_CACHE_DIR moves it; set it to '' to disable.
export const RECHECK_VERSION = (() => {
  try {
    return (createRequire(import.meta.url)('recheck/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();
// Under the user's home (not a shared /tmp), so another local user cannot mark a regex safe.
const CACHE_DIR = process.env.UEBAC_CACHE_DIR ?? join(homedir(), '.cache', 'uebac');
// POLICY names the grading below: a change to it must not reuse verdicts of the old one.
export const POLICY = 'v2-bounded';
const CACHE_FILE = CACHE_DIR ? join(CACHE_DIR, `regex-safety-recheck-${RECHECK_VERSION}-${POLICY}.json`) : '';
let cache: Map<string, SafetyResult> | undefined;

function loadCache(): Map<string, SafetyResult> {
  if (cache) return cache;
  cache = new Map();
  if (CACHE_FILE && existsSync(CACHE_FILE)) {
    try {
      for (const [k, v] of Object.entries(JSON.parse(readFileSync(CACHE_FILE, 'utf8')) as Record<string, SafetyResult>)) cache.set(k, v);
    } catch {
      // A torn or foreign file is only a cache: start afresh.
    }
  }
  return cache;
}

function saveCache(map: Map<string, SafetyResult>): void {
  if (!CACHE_FILE) return;
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    const tmp = `${CACHE_FILE}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(Object.fromEntries(map)));
    renameSync(tmp, CACHE_FILE); // atomic: concurrent compiles never read half a file
  } catch {
    // Read-only or full disk: keep the in-memory cache only.
  }
}

export interface SafetyOptions {
  /** Per-check time limit (ms) for regexes not in the cache; default 2000. */
  timeoutMs?: number;
  /** Answer from the cache only: a miss is 'unknown' (not screened) and is not cached. */
  cacheOnly?: boolean;
  /**
   * The content lists this regex as reviewed: a timeout is accepted as it is. Otherwise an
   * automaton timeout (which depends on the machine's load) is retried with a longer limit,
   * and a cached one is checked again, because undecided regexes are errors.
   */
  reviewed?: boolean;
  /**
   * Limit (ms) for a second try after a timeout. Defaults to a long one when `timeoutMs` is
   * not given; a caller with its own short limit (the importer) passes one to opt in.
   */
  retryTimeoutMs?: number;
  /**
   * The verdict the pack ships for this exact regex (compiler/regex/verdicts.ts), used instead
   * of running the checker: it was recorded for the same source, flags, checker version and
   * policy. A shipped timeout is re-checked like a cached one.
   */
  shipped?: SafetyResult;
  /** Run the checker even when a verdict is known, and remember nothing (re-verification). */
  fresh?: boolean;
}

let defaults: SafetyOptions = {};

/**
 * Options for every later check that passes none (the importer screens thousands of regexes
 * under a time budget, then compiles its output without screening them again).
 */
export function setRegexSafetyDefaults(opts: SafetyOptions): SafetyOptions {
  const before = defaults;
  defaults = { ...opts };
  return before;
}

/**
 * Records a verdict without running the checker (in memory only). Tests use it to reach
 * the undecided path deterministically: real timeouts depend on the machine's load.
 */
export function rememberVerdict(source: string, flags: string, result: SafetyResult): void {
  loadCache().set(`${flags}/${source}`, result);
}

export function checkRegexSafety(source: string, flags: string, options: SafetyOptions = {}): SafetyResult {
  const opts = { ...defaults, ...options };
  // '/' cannot occur in flags, so the key is unambiguous.
  const key = `${flags}/${source}`;
  const map = loadCache();
  const hit = map.get(key);
  const retryMs = opts.reviewed ? undefined : opts.retryTimeoutMs ?? (opts.timeoutMs === undefined ? RETRY_TIMEOUT_MS : undefined);
  // A fuzzer timeout is retried only for a caller that asked for retries explicitly (the
  // importer, whose first limit is short): for the compiler it is the normal outcome.
  const retry = retryMs !== undefined && (opts.retryTimeoutMs !== undefined || !needsFuzzer(source));
  if (opts.fresh) {
    const result = judge(source, flags, opts.timeoutMs ?? TIMEOUT_MS);
    return retry && isTimeout(result) ? judge(source, flags, retryMs) : result;
  }
  if (opts.shipped && !(retry && isTimeout(opts.shipped))) return opts.shipped;
  if (hit && !(retry && isTimeout(hit))) return hit;
  if (opts.cacheOnly) return hit ?? { safe: false, reason: 'unknown', detail: 'not screened: the time budget for the screen was used up' };
  let result = judge(source, flags, opts.timeoutMs ?? TIMEOUT_MS);
  // A load spike on a shared machine can time out even a simple regex: once more, longer.
  if (retry && isTimeout(result)) result = judge(source, flags, retryMs);
  map.set(key, result);
  // Undecided verdicts are cached too (re-fuzzing them costs seconds per compile); a cached
  // timeout is reused only where a timeout is acceptable (reviewed regexes, the importer).
  scheduleSave(map);
  return result;
}

const RETRY_TIMEOUT_MS = 8000;

/**
 * Lookaround and back-references go to the fuzzer, which often runs to its limit: its timeout
 * is the normal outcome, not a load spike, so it is not retried (such regexes need a review).
 */
function needsFuzzer(source: string): boolean {
  return /\(\?<?[=!]|\\[1-9]|\\k</.test(source);
}

function isTimeout(r: SafetyResult): boolean {
  return !r.safe && r.reason === 'unknown' && /timed out/.test(r.detail ?? '');
}

/**
 * recheck's automaton checker treats a bounded repetition as finite, so `(a|a){1,40}$` or
 * `^(a{1,50}){1,50}$` come out "safe" although each costs up to 2^40 steps per start
 * position. recheck's full analysis (`auto`) hands such regexes to the fuzzer, which finds the
 * attack but also calls harmless ones like `\d{1,64}x` cubic. We judge them deterministically
 * instead: the regex is analysed again with every large bound relaxed to `*` / `+`; if the
 * relaxed form is exponential or polynomial of degree ≥ 3, the bounded body is ambiguous and
 * the bound only caps an exponent that is already far too large, so the original is reported
 * with the relaxed form's attack. A relaxed quadratic (`\d+x`) stays safe: the bound makes it
 * linear.
 */
function judge(source: string, flags: string, timeoutMs: number): SafetyResult {
  const direct = toResult(runChecker(source, flags, timeoutMs), timeoutMs);
  if (!direct.safe) return direct;
  const relaxed = relaxBoundedRepeats(source);
  if (relaxed === source) return direct;
  const r = toResult(runChecker(relaxed, flags, timeoutMs), timeoutMs);
  if (r.safe) return direct;
  if (r.reason === 'unknown') return { ...r, detail: `${r.detail} (bounded repetitions relaxed to * / +)` };
  if (r.complexity === 'exponential' || (r.degree ?? 2) >= 3) {
    const { hotspot: _ignored, ...rest } = r; // offsets refer to the relaxed source
    return { ...rest, via: 'bounded repetition' };
  }
  return direct;
}

/** Repetition bounds at or above this are relaxed; `{1,7}` in an IPv6 pattern stays exact. */
export const LARGE_REPEAT = 10;

/**
 * `x{n,m}` / `x{n,}` / `x{n}` with a bound ≥ LARGE_REPEAT → `x*` (n = 0) or `x+`. Escapes and
 * character classes are skipped; a `{` that is not a quantifier stays literal.
 */
export function relaxBoundedRepeats(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '\\') { out += source.slice(i, i + 2); i++; continue; }
    if (inClass) { if (ch === ']') inClass = false; out += ch; continue; }
    if (ch === '[') { inClass = true; out += ch; continue; }
    if (ch === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i, i + 24));
      if (m) {
        const min = Number(m[1]);
        const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
        if (Math.max(min, max === Infinity ? min : max) >= LARGE_REPEAT) {
          out += min === 0 ? '*' : '+';
          i += m[0].length - 1;
          continue;
        }
      }
    }
    out += ch;
  }
  return out;
}

// Writing the whole file after every check is quadratic for thousands of regexes: write at
// most once a second, and once more when the process exits.
let saveTimer: NodeJS.Timeout | undefined;
let exitHooked = false;
function scheduleSave(map: Map<string, SafetyResult>): void {
  if (!exitHooked) {
    exitHooked = true;
    process.once('exit', () => flushRegexSafetyCache());
  }
  if (saveTimer) return;
  saveTimer = setTimeout(() => flushRegexSafetyCache(), 1000);
  saveTimer.unref();
}

/** Writes pending cache entries now. */
export function flushRegexSafetyCache(): void {
  if (saveTimer) clearTimeout(saveTimer);
  saveTimer = undefined;
  if (cache) saveCache(cache);
}

function runChecker(source: string, flags: string, timeoutMs: number): Diagnostics | Error {
  const params: Parameters = { timeout: timeoutMs, checker: 'automaton' };
  try {
    const first = checkSync(source, flags, params);
    // Lookaround and back-references are beyond the automaton; a timeout there usually means a
    // large NFA, which recheck's own auto mode also hands to the fuzzer.
    if (first.status === 'unknown' && (first.error.kind === 'unsupported' || first.error.kind === 'timeout')) {
      return checkSync(source, flags, { ...params, checker: 'fuzz', timeout: Math.min(FUZZ_TIMEOUT_MS * Math.max(1, timeoutMs / TIMEOUT_MS), timeoutMs) });
    }
    return first;
  } catch (err) {
    // The checker runs in a worker; a crash there must not abort compilation.
    return err instanceof Error ? err : new Error(String(err));
  }
}

function toResult(d: Diagnostics | Error, timeoutMs: number): SafetyResult {
  if (d instanceof Error) return { safe: false, reason: 'unknown', detail: `ReDoS checker failed: ${d.message}` };
  switch (d.status) {
    case 'safe':
      return d.checker === 'fuzz' ? { safe: true, unproven: true } : { safe: true };
    case 'unknown': {
      const e = d.error;
      const detail = e.kind === 'timeout' ? `analysis timed out after ${timeoutMs} ms` : 'message' in e ? `${e.kind}: ${e.message}` : e.kind;
      return { safe: false, reason: 'unknown', detail };
    }
    case 'vulnerable': {
      const hot = d.hotspot.find((h) => h.temperature === 'heat') ?? d.hotspot[0];
      return {
        safe: false,
        reason: 'vulnerable',
        attack: printableAttack(d.attack.pattern || d.attack.string),
        complexity: d.complexity.type,
        ...(d.complexity.type === 'polynomial' ? { degree: d.complexity.degree } : {}),
        ...(hot ? { hotspot: { start: hot.start, end: hot.end } } : {}),
      };
    }
  }
}

function printableAttack(text: string): string {
  const clean = escapeControl(text);
  if (clean.length <= MAX_ATTACK_CHARS) return clean;
  return `${clean.slice(0, MAX_ATTACK_CHARS)}… (${clean.length} chars)`;
}

/** Control, line-separator and lone-surrogate characters become \xHH / \uHHHH escapes. */
function escapeControl(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]/g, (ch, offset: number, whole: string) => {
    const code = ch.charCodeAt(0);
    // Keep well-formed surrogate pairs (printable astral characters) intact.
    if (code >= 0xd800 && code <= 0xdbff && /[\udc00-\udfff]/.test(whole[offset + 1] ?? '')) return ch;
    if (code >= 0xdc00 && code <= 0xdfff && /[\ud800-\udbff]/.test(whole[offset - 1] ?? '')) return ch;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
