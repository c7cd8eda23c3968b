// Golden diagnostics: each file in test/diagnostics/golden/ is a small input placed into a
// minimal valid pack (golden/base), with the diagnostics it must produce — the rendered message
// and its code frame — written in a comment block at its top. Every code in the registry must
// be produced by at least one fixture, so no documented code is dead.
//
// Header keys (each `# key: value`, before the expected block):
//   path: where the body goes in the pack (or, with `context: true`, in a --context directory)
//   remove: a base file to delete first          symlink: T — make `path` a link to T (a missing file)
//   context: true — read the context directory   tests: N — run the content tests (--min-tests N)
//   undecided: R — the regex checker times out on R (recorded, since real time-outs depend on load)
//
// UPDATE_GOLDEN=1 npx vitest run test/diagnostics/golden.test.ts rewrites the expected blocks.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileDir } from '../../compiler/compile.ts';
import { readContextDir } from '../../compiler/context-data.ts';
import { CODES } from '../../compiler/diagnostics/codes.ts';
import { renderHuman } from '../../compiler/diagnostics/render-human.ts';
import { rememberVerdict } from '../../compiler/regex/safety.ts';
import type { Diagnostic } from '../../compiler/diagnostics/types.ts';
import { interpretProgram } from '../../compiler/interpreter.ts';
import { coverageGaps, runParserTests, runRuleTest } from '../../compiler/testing.ts';
import { testDiagnostics } from '../../compiler/test-diagnostics.ts';

const DIR = join(import.meta.dirname, 'golden');
const BASE = join(DIR, 'base');
const BEGIN = '# ── expected diagnostics ──';
const END = '# ── end ──';
const UPDATE = process.env.UPDATE_GOLDEN === '1';

interface Fixture { name: string; header: Record<string, string>; expected: string; body: string; raw: string }

function parseFixture(name: string, raw: string): Fixture {
  const lines = raw.split('\n');
  const header: Record<string, string> = {};
  let i = 0;
  for (; i < lines.length && lines[i] !== BEGIN; i++) {
    const m = /^# ([a-z]+): (.*)$/.exec(lines[i]!);
    if (m) header[m[1]!] = m[2]!;
  }
  if (i === lines.length) throw new Error(`${name}: no "${BEGIN}" line`);
  const start = ++i;
  while (i < lines.length && lines[i] !== END) i++;
  if (i === lines.length) throw new Error(`${name}: no "${END}" line`);
  const expected = lines.slice(start, i).map((l) => l.replace(/^# ?/, '')).join('\n');
  return { name, header, expected, body: lines.slice(i + 1).join('\n'), raw };
}

function withExpected(f: Fixture, rendered: string): string {
  const lines = f.raw.split('\n');
  const b = lines.indexOf(BEGIN);
  const e = lines.indexOf(END);
  const block = rendered.split('\n').map((l) => (l ? `# ${l}` : '#'));
  return [...lines.slice(0, b + 1), ...block, ...lines.slice(e)].join('\n');
}

const temps: string[] = [];
afterAll(() => { for (const t of temps) rmSync(t, { recursive: true, force: true }); });

/** Put the fixture into a copy of the base pack and collect what uebac reports. */
function diagnose(f: Fixture): { diagnostics: Diagnostic[]; root: string } {
  const root = mkdtempSync(join(tmpdir(), 'uebac-golden-'));
  temps.push(root);
  const pack = join(root, 'pack');
  cpSync(BASE, pack, { recursive: true });
  if (f.header.remove) rmSync(join(pack, f.header.remove));
  const target = join(f.header.context === 'true' ? join(root, 'context') : pack, f.header.path ?? 'rules/fixture.yaml');
  mkdirSync(dirname(target), { recursive: true });
  if (f.header.symlink) symlinkSync(f.header.symlink, target);
  else writeFileSync(target, f.body);
  if (f.header.undecided) rememberVerdict(f.header.undecided, '', { safe: false, reason: 'unknown', detail: 'analysis timed out after 2000 ms' });
  const { ir, diagnostics, files } = compileDir(pack);
  const out = [...diagnostics];
  if (f.header.context === 'true' && ir) out.push(...readContextDir(join(root, 'context'), ir.contexts).diagnostics);
  if (f.header.tests !== undefined && ir) {
    const min = Number(f.header.tests) || undefined;
    const results = [...runParserTests(ir, interpretProgram(ir)), ...ir.tests.map((t) => runRuleTest(ir, (o) => interpretProgram(ir, o), t.value, t.file.path))];
    const ruleFiles = new Map(ir.rules.map((r) => [r.id, files.find((x) => (x.value as { kind?: string; id?: string })?.kind === 'rule' && (x.value as { id: string }).id === r.id)!.path]));
    out.push(...testDiagnostics(results, min ? coverageGaps(ir, min) : [], min, files, ruleFiles));
  }
  return { diagnostics: out, root };
}

function render(ds: Diagnostic[], root: string): string {
  const pack = join(root, 'pack');
  const shown = (file: string) => (isAbsolute(file) ? relative(root, file) : file);
  const sorted = [...ds].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.range.start.offset - b.range.start.offset || (a.code < b.code ? -1 : 1)));
  return sorted.map((d) => {
    const path = isAbsolute(d.file) ? d.file : join(pack, d.file);
    let source: string | undefined;
    try { source = readFileSync(path, 'utf8'); } catch { source = undefined; }
    return renderHuman({ ...d, file: shown(d.file) }, source);
  }).join('\n\n');
}

const fixtures = readdirSync(DIR).filter((n) => /\.(ya?ml|csv)$/.test(n)).sort().map((n) => parseFixture(n, readFileSync(join(DIR, n), 'utf8')));
const seen = new Set<string>();

describe('golden diagnostics', () => {
  it('the base pack is clean', () => {
    const { diagnostics } = compileDir(BASE);
    expect(diagnostics).toEqual([]);
  });

  for (const f of fixtures) {
    it(f.name, () => {
      const { diagnostics, root } = diagnose(f);
      for (const d of diagnostics) seen.add(d.code);
      // Every rule a fixture adds has no test; that warning is shown only where it is the subject.
      const shown = diagnostics.filter((d) => d.code !== 'UEB0210' || f.name.startsWith('UEB0210'));
      const rendered = render(shown, root);
      const code = /^(UEB\d{4})/.exec(f.name)?.[1];
      if (UPDATE) writeFileSync(join(DIR, f.name), withExpected(f, rendered));
      expect(diagnostics.map((d) => d.code), 'the fixture produces the code it is named after').toContain(code);
      if (!UPDATE) expect(rendered).toBe(f.expected);
    }, 20_000);
  }

  it('every registered code is produced by some fixture', () => {
    const missing = Object.keys(CODES).filter((c) => !seen.has(c));
    expect(missing).toEqual([]);
  });
});
