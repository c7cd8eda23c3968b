// The catastrophic-regex corpus must be refused at validate time, each form at its own
// position, with the attack string in the message; the shipped pack must still validate.
import { describe, expect, it } from 'vitest';
import { compileTexts, contentTexts } from '../compiler/helpers.ts';
import { rememberVerdict } from '../../compiler/regex/safety.ts';
import { REDOS_CORPUS } from './redos-corpus.ts';

const FILE = 'event-types/usb-write.yaml';

/** A regex as an expression string literal: `\` and `'` escaped. */
function literal(re: string): string {
  return `'${re.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

describe('ReDoS corpus', { timeout: 120_000 }, () => {
  it(`rejects all ${REDOS_CORPUS.length} catastrophic forms with an attack string`, () => {
    expect(REDOS_CORPUS).toHaveLength(28);
    const t = contentTexts();
    let yaml = t.get(FILE)!;
    const lineOf = new Map<number, number>();
    REDOS_CORPUS.forEach((re, i) => {
      yaml += `  redos_${i}:\n    type: string\n    level: derived\n    expr: ${JSON.stringify(`capture(user, ${literal(re)})`)}\n`;
      lineOf.set(yaml.split('\n').length - 1, i);
    });
    t.set(FILE, yaml);
    const { ir, diagnostics } = compileTexts(t);
    expect(ir).toBeNull();
    const redos = diagnostics.filter((d) => d.code === 'UEB0402' && d.file === FILE);
    const failed = REDOS_CORPUS.filter((_, i) => {
      const line = [...lineOf].find(([, j]) => j === i)![0];
      const d = redos.find((x) => x.range.start.line === line);
      return !(d && d.severity === 'error' && /attack string: .*\S/.test(d.message));
    });
    expect(failed, JSON.stringify(redos.map((d) => [d.range.start.line, d.severity, d.message]), null, 1)).toEqual([]);
  });

  it('an undecided regex is an error unless pack.yaml lists it as reviewed, and then runs guarded', () => {
    const re = 'Badge:\\s+(\\S+(?: (?!Door:)\\S+)*)';
    rememberVerdict(re, '', { safe: false, reason: 'unknown', detail: 'analysis timed out' });
    const t = contentTexts();
    t.set(FILE, `${t.get(FILE)!}  undecided:\n    type: string\n    level: derived\n    expr: ${JSON.stringify(`capture(user, ${literal(re)})`)}\n`);
    const bare = compileTexts(t);
    expect(bare.ir).toBeNull();
    const d = bare.diagnostics.filter((x) => x.code === 'UEB0405' && x.severity === 'error');
    expect(d).toHaveLength(1);
    expect(d[0]!.message).toContain('could not be proven');
    expect(d[0]!.hint).toContain('reviewedRegexes');
    expect(d[0]!.range.start.line).toBe(t.get(FILE)!.split('\n').length - 1);

    t.set('pack.yaml', `${t.get('pack.yaml')!}  - pattern: '${re}'\n    reason: tokens split one way\n`);
    const reviewed = compileTexts(t);
    expect(reviewed.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
    expect(reviewed.ir!.settings.guardedRegexes).toContain(`/${new RegExp(re).source}`);
  });

  it('a reviewed mark does not excuse an exponential regex', () => {
    const re = '^(a|aa)+$';
    const t = contentTexts();
    t.set(FILE, `${t.get(FILE)!}  expo:\n    type: string\n    level: derived\n    expr: ${JSON.stringify(`capture(user, ${literal(re)})`)}\n`);
    t.set('pack.yaml', `${t.get('pack.yaml')!}  - pattern: '${re}'\n    reason: none\n`);
    const { diagnostics } = compileTexts(t);
    expect(diagnostics.filter((x) => x.code === 'UEB0402' && x.severity === 'error')).toHaveLength(1);
  });
});
