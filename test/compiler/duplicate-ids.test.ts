// Duplicate ids of every content kind are errors at both positions (a copied file whose id
// was not changed must never silently replace, or be replaced by, the original).
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../compiler/diagnostics/types.ts';
import { compileTexts, contentTexts, lineColOf } from './helpers.ts';

const CASES = [
  { kind: 'parser', original: 'parsers/trend-micro-apex-central/cef-dlp.yaml', id: 'apex-central-cef-dlp' },
  { kind: 'event type', original: 'event-types/usb-write.yaml', id: 'usb-write' },
  { kind: 'model', original: 'models/DLP-OA.yaml', id: 'DLP-OA' },
  { kind: 'rule', original: 'rules/UW-DH-A.yaml', id: 'UW-DH-A' },
  { kind: 'context table', original: 'context/executive_users.yaml', id: 'executive_users' },
  { kind: 'test', original: 'rules/tests/dlp-alert-names-on-assets.yaml', id: 'dlp-alert-names-on-assets' },
] as const;

function duplicates(diags: Diagnostic[]): Diagnostic[] {
  return diags.filter((d) => d.code === 'UEB0004' && d.severity === 'error');
}

describe('duplicate ids', () => {
  for (const c of CASES) {
    it(`two ${c.kind}s with id ${c.id}: an error at each, naming the other`, () => {
      const t = contentTexts();
      const text = t.get(c.original)!;
      expect(text, 'test setup').toContain(`id: ${c.id}\n`);
      const copy = c.original.replace(/\.yaml$/, '-copy.yaml');
      // The copy gets a leading comment so its id sits on another line than the original's.
      t.set(copy, `# copied\n# and edited\n${text}`);
      const { ir, diagnostics } = compileTexts(t);
      expect(ir).toBeNull();
      const found = duplicates(diagnostics);
      expect(found.map((d) => d.file).sort(), JSON.stringify(diagnostics, null, 1)).toEqual([c.original, copy].sort());
      const at = lineColOf(text, `id: ${c.id}`);
      const orig = found.find((d) => d.file === c.original)!;
      const dup = found.find((d) => d.file === copy)!;
      expect(orig.range.start.line).toBe(at.line);
      expect(dup.range.start.line).toBe(at.line + 2);
      expect(orig.message).toContain(`duplicate ${c.kind} id \`${c.id}\``);
      expect(orig.message).toContain(`${copy}:${at.line + 2}`);
      expect(dup.message).toContain(`${c.original}:${at.line}`);
      // No "shadowed by itself" or other follow-on noise about the pair.
      expect(diagnostics.filter((d) => d.message.includes(`\`${c.id}\` is shadowed by \`${c.id}\``))).toEqual([]);
    });
  }

  it('a disabled rule still may not reuse an enabled rule id', () => {
    const t = contentTexts();
    t.set('rules/UW-DH-A-old.yaml', t.get('rules/UW-DH-A.yaml')! + 'disabled: true\n');
    expect(duplicates(compileTexts(t).diagnostics)).toHaveLength(2);
  });

  it('a second pack is an error at both packs, and items of different kinds may share an id', () => {
    const t = contentTexts();
    t.set('zz/pack.yaml', t.get('pack.yaml')!.replace(/^id: .*$/m, 'id: other-pack'));
    const found = duplicates(compileTexts(t).diagnostics);
    expect(found.map((d) => d.file).sort()).toEqual(['pack.yaml', 'zz/pack.yaml']);
    expect(found[0]!.message).toMatch(/duplicate pack/);

    // A rule and a model may share an id: ids are unique per kind.
    const u = contentTexts();
    u.set('models/UW-DH-A.yaml', u.get('models/DLP-OA.yaml')!.replace('id: DLP-OA', 'id: UW-DH-A'));
    expect(duplicates(compileTexts(u).diagnostics)).toEqual([]);
  });
});
