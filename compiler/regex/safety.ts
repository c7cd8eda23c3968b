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

import { checkSync, type Diagnostics, type Parameters } from 'recheck';

export type SafetyResult =
  | { safe: true }
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
    };

/** Upper bound per check; a timeout yields reason 'unknown'. */
const TIMEOUT_MS = 2000;
const MAX_ATTACK_CHARS = 80;

const cache = new Map<string, SafetyResult>();

export function checkRegexSafety(source: string, flags: string): SafetyResult {
  // '/' cannot occur in flags, so the key is unambiguous.
  const key = `${flags}/${source}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const result = toResult(runChecker(source, flags));
  cache.set(key, result);
  return result;
}

function runChecker(source: string, flags: string): Diagnostics | Error {
  const params: Parameters = { timeout: TIMEOUT_MS, checker: 'automaton' };
  try {
    const first = checkSync(source, flags, params);
    if (first.status === 'unknown' && first.error.kind === 'unsupported') {
      return checkSync(source, flags, { ...params, checker: 'fuzz' });
    }
    return first;
  } catch (err) {
    // The checker runs in a worker; a crash there must not abort compilation.
    return err instanceof Error ? err : new Error(String(err));
  }
}

function toResult(d: Diagnostics | Error): SafetyResult {
  if (d instanceof Error) return { safe: false, reason: 'unknown', detail: `ReDoS checker failed: ${d.message}` };
  switch (d.status) {
    case 'safe':
      return { safe: true };
    case 'unknown': {
      const e = d.error;
      const detail = e.kind === 'timeout' ? `analysis timed out after ${TIMEOUT_MS} ms` : 'message' in e ? `${e.kind}: ${e.message}` : e.kind;
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
