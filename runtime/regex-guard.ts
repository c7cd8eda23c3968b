// Run-time guard for content regexes.
//
// The compiler proves most regexes linear (recheck); those it could only grade quadratic, or
// that the content marks reviewed because the analysis could not decide them, are listed in
// the pack settings as `guardedRegexes`. Each of those runs under a guard:
// - when RE2 can express it (no lookaround, no back-reference), on re2js: matching is
//   linear in the input, so no line can make it backtrack;
// - otherwise on V8 with a per-call time budget: a call over `regexBudgetMs` is counted
//   (per regex) and shown in the run summary, so a slow pattern is visible, never silent.
// Values are also cut to the pack's regexInputMaxLength before any regex sees them.
import { RE2JS } from 're2js';

/** The part of RegExp the helpers use. */
export interface RegexLike {
  exec(s: string): RegExpExecArray | null;
  test(s: string): boolean;
  readonly source: string;
  readonly flags: string;
}

export interface RegexGuardSettings {
  guardedRegexes?: readonly string[];
  regexBudgetMs?: number;
}

export interface RegexGuardCounters {
  /** calls answered by the linear-time engine */
  linearCalls: number;
  /** calls over the time budget, per regex key (`flags/source`) */
  overBudget: Record<string, number>;
  /** slowest guarded call seen, ms */
  slowestMs: number;
}

export const DEFAULT_REGEX_BUDGET_MS = 25;

// The bundle carries its own copy of this module, so the counters live on one global slot
// that the runner (a different copy) can read.
const SLOT = Symbol.for('uebac.regexGuard.counters');
export function regexGuardCounters(): RegexGuardCounters {
  const g = globalThis as Record<symbol, RegexGuardCounters | undefined>;
  return (g[SLOT] ??= { linearCalls: 0, overBudget: {}, slowestMs: 0 });
}
export function resetRegexGuardCounters(): void {
  const c = regexGuardCounters();
  c.linearCalls = 0;
  c.overBudget = {};
  c.slowestMs = 0;
}

/** The key the compiler and the runtime agree on: normalised by the RegExp constructor. */
export function regexKey(re: RegExp): string {
  return `${re.flags}/${re.source}`;
}

export function guardRegex(re: RegExp, settings: RegexGuardSettings): RegexLike {
  if (!settings.guardedRegexes?.includes(regexKey(re))) return re;
  return linearRegex(re) ?? new TimedRegex(re, settings.regexBudgetMs ?? DEFAULT_REGEX_BUDGET_MS);
}

export function guardRegexes(list: RegExp[], settings: RegexGuardSettings): RegexLike[] {
  return list.map((re) => guardRegex(re, settings));
}

/** An RE2 (linear-time) equivalent of a JS regex, or null when RE2 cannot express it. */
export function linearRegex(re: RegExp): RegexLike | null {
  if (/[^ims]/.test(re.flags.replace('u', ''))) return null; // g/y are stateful; d/v unsupported
  // Lookaround and back-references are beyond RE2: say so without a failed parse (re2js
  // reports it by throwing, and building that exception costs more than the check).
  if (/\(\?<?[=!]|\\[1-9]|\\k</.test(re.source)) return null;
  let flags = 0;
  if (re.flags.includes('i')) flags |= RE2JS.CASE_INSENSITIVE;
  if (re.flags.includes('s')) flags |= RE2JS.DOTALL;
  if (re.flags.includes('m')) flags |= RE2JS.MULTILINE;
  try {
    return new LinearRegex(re, RE2JS.compile(RE2JS.translateRegExp(re.source), flags));
  } catch {
    return null; // lookaround, back-references, repeat counts over 1000, …
  }
}

class LinearRegex implements RegexLike {
  readonly source: string;
  readonly flags: string;
  private readonly names: Array<[string, number]>;
  constructor(re: RegExp, private readonly re2: RE2JS) {
    this.source = re.source;
    this.flags = re.flags;
    this.names = Object.entries(re2.namedGroups());
  }
  test(s: string): boolean {
    regexGuardCounters().linearCalls++;
    return this.re2.matcher(s).find();
  }
  exec(s: string): RegExpExecArray | null {
    regexGuardCounters().linearCalls++;
    const m = this.re2.matcher(s);
    if (!m.find()) return null;
    const out: Array<string | undefined> = [];
    for (let g = 0; g <= m.groupCount(); g++) out.push(m.group(g) ?? undefined);
    const result = Object.assign(out, { index: m.start(), input: s }) as unknown as RegExpExecArray;
    if (this.names.length) {
      const groups = Object.create(null) as Record<string, string | undefined>;
      for (const [name, i] of this.names) groups[name] = out[i];
      result.groups = groups as Record<string, string>;
    }
    return result;
  }
}

class TimedRegex implements RegexLike {
  readonly source: string;
  readonly flags: string;
  private readonly key: string;
  constructor(private readonly re: RegExp, private readonly budgetMs: number) {
    this.source = re.source;
    this.flags = re.flags;
    this.key = regexKey(re);
  }
  private time<T>(f: () => T): T {
    const t0 = performance.now();
    const r = f();
    const ms = performance.now() - t0;
    if (ms > this.budgetMs) {
      const c = regexGuardCounters();
      c.overBudget[this.key] = (c.overBudget[this.key] ?? 0) + 1;
      if (ms > c.slowestMs) c.slowestMs = ms;
    }
    return r;
  }
  test(s: string): boolean {
    return this.time(() => this.re.test(s));
  }
  exec(s: string): RegExpExecArray | null {
    return this.time(() => this.re.exec(s));
  }
}

/**
 * Caps a field value before it is fed to a content regex. Longer values are truncated, not
 * rejected: the leading part is what extraction regexes usually look at.
 */
export function capInput(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max);
}
