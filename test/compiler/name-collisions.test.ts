// Ids that mangle to the same generated name: a positioned error for every kind that becomes
// a name in generated code, and an emitter whose names are unique even without that check.
import { describe, expect, it } from 'vitest';
import { Scope } from '../../compiler/emit/scope.ts';
import { compileTexts, contentTexts, lineColOf } from './helpers.ts';

/** Add a copy of `path` whose id is `to` instead of `from`, as a new file. */
function copyWithId(texts: Map<string, string>, path: string, from: string, to: string, newPath: string): string {
  const text = texts.get(path)!;
  expect(text, path).toContain(`\nid: ${from}\n`);
  const copy = text.replace(`\nid: ${from}\n`, `\nid: ${to}\n`);
  texts.set(newPath, copy);
  return copy;
}

const CASES = [
  { kind: 'rule', path: 'rules/EM-OD-F.yaml', from: 'EM-OD-F', to: 'EM_OD_F', copy: 'rules/EM_OD_F.yaml' },
  { kind: 'event type', path: 'event-types/dlp-email-alert-out.yaml', from: 'dlp-email-alert-out', to: 'dlp_email_alert_out', copy: 'event-types/dlp_email_alert_out.yaml' },
  { kind: 'model', path: 'models/EM-OD.yaml', from: 'EM-OD', to: 'EM.OD', copy: 'models/EM.OD.yaml' },
];

describe('id name collisions', () => {
  for (const c of CASES) {
    it(`${c.kind}: \`${c.from}\` next to \`${c.to}\` → UEB0211 at the second id`, () => {
      const t = contentTexts();
      const copy = copyWithId(t, c.path, c.from, c.to, c.copy);
      const { ir, diagnostics } = compileTexts(t);
      expect(ir).toBeNull();
      const found = diagnostics.filter((d) => d.code === 'UEB0211');
      expect(found).toHaveLength(1);
      const d = found[0]!;
      expect(d.severity).toBe('error');
      expect(d.file).toBe(c.copy);
      expect(d.range.start).toMatchObject(lineColOf(copy, c.to, '\nid:'));
      expect(d.message).toContain(`\`${c.from}\``);
      expect(d.message).toContain(c.path);
    });
  }

  it('context table: ids are identifiers already (schema), so `company-email-domains` is rejected at its id', () => {
    const t = contentTexts();
    const copy = copyWithId(t, 'context/company_email_domains.yaml', 'company_email_domains', 'company-email-domains', 'context/company-email-domains.yaml');
    const { ir, diagnostics } = compileTexts(t);
    expect(ir).toBeNull();
    const d = diagnostics.find((x) => x.file === 'context/company-email-domains.yaml' && x.severity === 'error')!;
    expect(d.code).toMatch(/^UEB01/);
    expect(d.range.start).toMatchObject(lineColOf(copy, 'company-email-domains', '\nid:'));
    expect(diagnostics.filter((x) => x.code === 'UEB0211')).toEqual([]);
  });

  it('a disabled rule does not collide (it is not compiled)', () => {
    const t = contentTexts();
    const copy = copyWithId(t, 'rules/EM-OD-F.yaml', 'EM-OD-F', 'EM_OD_F', 'rules/EM_OD_F.yaml');
    t.set('rules/EM_OD_F.yaml', copy.replace('\nid: EM_OD_F\n', '\nid: EM_OD_F\ndisabled: true\n'));
    expect(compileTexts(t).diagnostics.filter((d) => d.code === 'UEB0211')).toEqual([]);
  });

  it('the emitter scope never hands out one name twice', () => {
    const s = new Scope(['ev', 'rt']);
    const names = ['EM-OD-F', 'EM_OD_F', 'EM.OD.F', 'EM OD F'].map((id) => s.name('R_', id).text);
    expect(names).toEqual(['R_EM_OD_F', 'R_EM_OD_F_2', 'R_EM_OD_F_3', 'R_EM_OD_F_4']);
    // Reserved names and names that are not identifiers get a suffix or a prefix.
    expect(s.name('ev').text).toBe('ev_2');
    expect(s.name('', '1st').text).toBe('_1st');
    expect(s.name('', 'class').text).toBe('class_2');
    // A nested function's names cannot repeat the enclosing scope's.
    expect(s.child().name('R_', 'EM-OD-F').text).toBe('R_EM_OD_F_5');
  });
});
