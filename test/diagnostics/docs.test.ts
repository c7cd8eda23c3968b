import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CODES } from '../../compiler/diagnostics/codes.ts';
import { renderDiagnosticsReference } from '../../compiler/diagnostics/docs.ts';

const DOC_PATH = fileURLToPath(new URL('../../docs/diagnostics.md', import.meta.url));

describe('docs/diagnostics.md', () => {
  const generated = renderDiagnosticsReference();

  // UPDATE_DOCS=1 npx vitest run test/diagnostics/docs.test.ts rewrites the file.
  if (process.env.UPDATE_DOCS === '1') writeFileSync(DOC_PATH, generated);

  it('matches the registry (regenerate with UPDATE_DOCS=1 if this fails)', () => {
    expect(existsSync(DOC_PATH), 'docs/diagnostics.md is missing').toBe(true);
    expect(readFileSync(DOC_PATH, 'utf8')).toBe(generated);
  });

  it('has a table row and a section for every code', () => {
    for (const info of Object.values(CODES)) {
      expect(generated).toContain(`| [${info.code}](#`);
      expect(generated).toContain(`\n## ${info.code} ${info.name}\n`);
    }
  });

  it('links table rows to existing section anchors', () => {
    const anchors = [...generated.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(anchors).toHaveLength(Object.keys(CODES).length);
    expect(anchors).toContain('ueb0302-unknown-field');
  });
});
