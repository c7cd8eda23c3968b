// Regex-safety verdicts shipped with a pack (`regex-verdicts.json` beside pack.yaml), so a
// first compile on a new machine need not run the ReDoS checker (seconds per regex that needs
// the fuzzer). A verdict is keyed by the exact `flags/source` it was computed for and the file
// by checker version and grading policy: a regex whose text differs, or a file written by
// another checker or policy, finds no verdict and is checked as usual. The file is content: it
// is written by `scripts/regex-verdicts.ts` and re-verified by the test suite.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { POLICY, RECHECK_VERSION, type SafetyResult } from './safety.ts';

export const VERDICT_FILE = 'regex-verdicts.json';

export interface VerdictFile {
  checker: string;
  policy: string;
  /** `flags/source` → verdict, sorted by key */
  verdicts: Record<string, SafetyResult>;
}

export const CHECKER = `recheck ${RECHECK_VERSION}`;

/** The verdicts of a file, or an empty map when it is absent, unreadable, or for another checker/policy. */
export function readVerdicts(path: string): Map<string, SafetyResult> {
  const out = new Map<string, SafetyResult>();
  if (!existsSync(path)) return out;
  let file: Partial<VerdictFile>;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as Partial<VerdictFile>;
  } catch {
    return out; // a broken file is only a lost shortcut: every regex is checked
  }
  if (file.checker !== CHECKER || file.policy !== POLICY || typeof file.verdicts !== 'object' || file.verdicts === null) return out;
  for (const [key, v] of Object.entries(file.verdicts)) if (isVerdict(v)) out.set(key, v);
  return out;
}

function isVerdict(v: unknown): v is SafetyResult {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as { safe?: unknown; reason?: unknown };
  return r.safe === true || (r.safe === false && (r.reason === 'vulnerable' || r.reason === 'unknown'));
}

export function verdictFileText(verdicts: ReadonlyMap<string, SafetyResult>): string {
  const sorted = [...verdicts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const file: VerdictFile = { checker: CHECKER, policy: POLICY, verdicts: Object.fromEntries(sorted) };
  return JSON.stringify(file, null, 1) + '\n';
}

export function writeVerdicts(path: string, verdicts: ReadonlyMap<string, SafetyResult>): void {
  writeFileSync(path, verdictFileText(verdicts));
}
