import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderLanguageReference } from '../compiler/language-doc.ts';
import { BUILTINS } from '../compiler/builtins/index.ts';

const PATH = new URL('../docs/language.md', import.meta.url);

describe('docs/language.md', () => {
  it('is generated from the built-in registry and up to date (UPDATE_DOCS=1 rewrites it)', () => {
    const fresh = renderLanguageReference();
    if (process.env.UPDATE_DOCS) writeFileSync(PATH, fresh);
    expect(readFileSync(PATH, 'utf8')).toBe(fresh);
  });
  it('documents every built-in with an example', () => {
    const doc = renderLanguageReference();
    for (const b of BUILTINS) {
      expect(b.doc.length).toBeGreaterThan(10);
      expect(doc).toContain(b.signature);
    }
  });
});
