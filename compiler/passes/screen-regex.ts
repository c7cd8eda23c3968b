// Regex screening for the expression pass: validity, the ReDoS verdict graded into
// diagnostics, the pack's reviewed list, and the list of regexes that must run guarded.
import { DEFAULT_REGEX_BUDGET_MS, regexKey } from '../../runtime/regex-guard.ts';
import { DIAG } from '../diagnostics/codes.ts';
import type { Range } from '../diagnostics/types.ts';
import type { SourceFile } from '../load.ts';
import { join, posix } from 'node:path';
import { checkRegexSafety, type SafetyResult } from '../regex/safety.ts';
import { readVerdicts, VERDICT_FILE } from '../regex/verdicts.ts';
import { translateExabeamRegex } from '../regex/translate.ts';
import type { Session } from './session.ts';
import type { Unit } from './unit.ts';

export { DEFAULT_REGEX_BUDGET_MS };

const reviewedByUnit = new WeakMap<Unit, Set<string>>();

/** Keys of the regexes pack.yaml lists as reviewed (written as in content: Exabeam or JS syntax). */
function reviewedRegexes(unit: Unit): Set<string> {
  let set = reviewedByUnit.get(unit);
  if (set) return set;
  set = new Set();
  // From the pack file even when the pack failed its checks (its own error is reported; the
  // regexes it reviewed should not add errors of their own).
  const packValue = unit.graph.pack?.value ?? (unit.files.find((f) => (f.value as { kind?: unknown } | undefined)?.kind === 'pack')?.value as { reviewedRegexes?: unknown } | undefined);
  const listed = Array.isArray(packValue?.reviewedRegexes) ? (packValue.reviewedRegexes as Array<{ pattern?: unknown }>) : [];
  for (const r of listed) {
    if (typeof r?.pattern !== 'string') continue;
    const candidates: Array<[string, string]> = [];
    if (r.pattern.startsWith('(?i)')) candidates.push([r.pattern.slice(4), 'i']);
    candidates.push([r.pattern, '']);
    const t = translateExabeamRegex(r.pattern);
    if (t.problems.length === 0) candidates.push([t.source, t.flags]);
    for (const [source, flags] of candidates) {
      try { set.add(regexKey(new RegExp(source, flags))); } catch { /* reported where it is used */ }
    }
  }
  reviewedByUnit.set(unit, set);
  return set;
}

const shippedByUnit = new WeakMap<Unit, Map<string, SafetyResult>>();

/** The verdicts the pack ships beside its pack.yaml (empty without a content root or file). */
function shippedVerdicts(unit: Unit): Map<string, SafetyResult> {
  let map = shippedByUnit.get(unit);
  if (map) return map;
  const root = unit.options.contentRoot;
  const packFile = unit.graph.pack?.file.path ?? unit.files.find((f) => (f.value as { kind?: unknown } | undefined)?.kind === 'pack')?.path;
  map = root !== undefined && packFile !== undefined && unit.options.shippedRegexVerdicts !== false
    ? readVerdicts(join(root, posix.dirname(packFile), VERDICT_FILE))
    : new Map();
  shippedByUnit.set(unit, map);
  return map;
}

function guard(unit: Unit, key: string): void {
  const list = unit.ir.settings.guardedRegexes as string[];
  if (!list.includes(key)) { list.push(key); list.sort(); }
}

export function screenRegex(unit: Unit, session: Session, file: SourceFile, range: Range, source: string, flags: string): void {
  let re: RegExp;
  try {
    re = new RegExp(source, flags);
  } catch (e) {
    session.report(file, range, DIAG.REGEX_SYNTAX, `invalid regular expression: ${(e as Error).message}`);
    return;
  }
  const key = regexKey(re);
  const reviewed = reviewedRegexes(unit).has(key);
  const safety = checkRegexSafety(source, flags, { reviewed, shipped: shippedVerdicts(unit).get(`${flags}/${source}`) });
  unit.regexVerdicts.set(`${flags}/${source}`, safety);
  if (safety.safe) {
    if (safety.unproven) guard(unit, key); // fuzzed, not proven: run it guarded
    return;
  }
  if (safety.reason === 'unknown') {
    // Undecided is not safe: only a human review (listed in pack.yaml) lets it through, and it
    // then runs under the run-time guard.
    if (reviewed) return guard(unit, key);
    session.report(file, range, DIAG.REGEX_UNDECIDED, `regex could not be proven free of catastrophic backtracking (${safety.detail ?? 'undecided'})`,
      'simplify it (avoid nested or adjacent overlapping quantifiers and lookarounds), or review it and list it under `reviewedRegexes` in pack.yaml');
    return;
  }
  // Exponential and cubic-or-worse backtracking are errors, reviewed or not; quadratic is a
  // warning: the guard runs it in linear time where RE2 can express it, and the input cap
  // (regexInputMaxLength) bounds it otherwise.
  const { complexity, degree } = safety;
  const fatal = complexity === 'exponential' || (degree ?? 2) >= 3;
  const how = `${complexity === 'polynomial' && degree ? `degree ${degree} polynomial` : complexity ?? 'super-linear'}${safety.via ? `, through a ${safety.via}` : ''}`;
  session.report(file, range, fatal ? DIAG.REGEX_REDOS : DIAG.REGEX_POLYNOMIAL, `regex can backtrack catastrophically (${how}); attack string: ${safety.attack ?? '?'}`,
    'remove nested or overlapping quantifiers, e.g. (a+)+ → a+, \\s*\\s* → \\s*; anchor alternatives');
  if (!fatal) guard(unit, key);
}
