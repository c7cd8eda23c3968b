// The regex-safety verdicts a pack ships (content/regex-verdicts.json): used only for the exact
// regex text, checker version and policy they were recorded for, and re-verified here.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileDir } from '../../compiler/compile.ts';
import { checkRegexSafety, POLICY, type SafetyResult } from '../../compiler/regex/safety.ts';
import { CHECKER, readVerdicts, VERDICT_FILE, verdictFileText } from '../../compiler/regex/verdicts.ts';
import { CONTENT, contentTexts, edit, tempDir } from './helpers.ts';

const DH_A = 'rules/UW-DH-A.yaml';
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** The real content, edited, written to a temp dir beside a given verdict file. */
function packDir(edits: (t: Map<string, string>) => void, verdicts: object | null): string {
  const dir = tempDir();
  dirs.push(dir);
  const t = contentTexts();
  edits(t);
  for (const [path, text] of t) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  if (verdicts) writeFileSync(join(dir, VERDICT_FILE), JSON.stringify(verdicts));
  return dir;
}

const EXPONENTIAL = '^(a+)+$';
const withExponential = (t: Map<string, string>) => edit(t, DH_A, 'exists(device_id)', `exists(device_id) && matches(file_name, '${EXPONENTIAL}')`);

describe('shipped regex verdicts', () => {
  it('a verdict recorded for another regex text is never used', () => {
    // A "safe" verdict for a one-character variant of the exponential regex.
    const dir = packDir(withExponential, { checker: CHECKER, policy: POLICY, verdicts: { [`/${EXPONENTIAL.replace('$', '')}`]: { safe: true } } });
    const { ir, diagnostics } = compileDir(dir);
    expect(ir).toBeNull();
    expect(diagnostics.map((d) => d.code)).toContain('UEB0402');
  });

  it('a file written by another checker version or policy is ignored', () => {
    const verdicts = { [`/${EXPONENTIAL}`]: { safe: true } };
    for (const header of [{ checker: 'recheck 0.0.1', policy: POLICY }, { checker: CHECKER, policy: 'v0-other' }]) {
      const { ir, diagnostics } = compileDir(packDir(withExponential, { ...header, verdicts }));
      expect(ir).toBeNull();
      expect(diagnostics.map((d) => d.code)).toContain('UEB0402');
    }
  });

  it('a verdict for the exact text is used instead of running the checker', () => {
    // Marking a plainly linear regex vulnerable shows the shipped verdict decided it.
    const linear = '^usb-[0-9]+$';
    const dir = packDir((t) => edit(t, DH_A, 'exists(device_id)', `exists(device_id) && matches(file_name, '${linear}')`),
      { checker: CHECKER, policy: POLICY, verdicts: { [`/${linear}`]: { safe: false, reason: 'vulnerable', complexity: 'exponential', attack: "'x'" } } });
    const { diagnostics } = compileDir(dir);
    const d = diagnostics.find((x) => x.code === 'UEB0402');
    expect(d?.message).toMatch(/attack string: 'x'/);
    // With shipped verdicts off, the checker decides: no error.
    expect(compileDir(dir, { shippedRegexVerdicts: false }).diagnostics.map((x) => x.code)).not.toContain('UEB0402');
  });

  it("the pack's file covers every regex the pack screens, with the verdicts a compile uses", () => {
    const shipped = readVerdicts(join(CONTENT, VERDICT_FILE));
    const { ir, regexVerdicts } = compileDir(CONTENT);
    expect(ir).not.toBeNull();
    expect(regexVerdicts.size).toBeGreaterThan(0);
    const stale = 'content/regex-verdicts.json is out of date: after changing a regex, run `npx tsx scripts/regex-verdicts.ts`';
    expect([...shipped.keys()].sort(), stale).toEqual([...regexVerdicts.keys()].sort());
    expect(readFileSync(join(CONTENT, VERDICT_FILE), 'utf8'), stale).toBe(verdictFileText(regexVerdicts));
  });

  // The verdict's substance must agree: safe or not, and how bad. Whether a safe regex was proven
  // by the automaton or only fuzzed depends on whether the automaton finished in time (load).
  const substance = (r: SafetyResult) => (r.safe ? { safe: true } : { safe: false, reason: r.reason, complexity: r.complexity, degree: r.degree });

  it('every shipped verdict agrees with a fresh check (a check that times out under load proves nothing and is skipped)', () => {
    const shipped = readVerdicts(join(CONTENT, VERDICT_FILE));
    let verified = 0;
    for (const [key, verdict] of shipped) {
      const slash = key.indexOf('/');
      const fresh = checkRegexSafety(key.slice(slash + 1), key.slice(0, slash), { fresh: true });
      if (!fresh.safe && fresh.reason === 'unknown' && /timed out/.test(fresh.detail ?? '')) continue;
      expect(substance(fresh), key).toEqual(substance(verdict));
      verified++;
    }
    expect(verified).toBeGreaterThan(shipped.size / 2);
  }, 600_000);
});
