// Golden test of the emitted code for a small pack (test/compiler/golden/pack): names come
// from ids, slots are named constants, a shared counter is read once per event, only read
// fired flags exist, raw keys are looked up once. UPDATE_GOLDEN=1 rewrites the expected file.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileDir } from '../../compiler/compile.ts';
import { emitSource } from '../../compiler/passes/emit.ts';
import { loadCompiled } from './helpers.ts';

const DIR = join(import.meta.dirname, 'golden');

describe('emitted code for the golden pack', () => {
  const { ir, diagnostics } = compileDir(join(DIR, 'pack'));

  it('compiles without errors (its rules have no content tests: that warning only)', () => {
    expect(diagnostics.filter((d) => d.code !== 'UEB0210')).toEqual([]);
    expect(ir).not.toBeNull();
  });

  it('matches bundle.ts.golden (regenerate with UPDATE_GOLDEN=1 after a deliberate change)', () => {
    const source = emitSource(ir!);
    const file = join(DIR, 'bundle.ts.golden');
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, source);
    expect(source).toBe(readFileSync(file, 'utf8'));
  });

  it('the golden source bundles and parses a line into the mapped fields', async () => {
    const { program } = await loadCompiled(ir!);
    const out = program.parse('CEF:0|Example|Endpoint|1.0|usb|USB write|3|rt=1767261600000 suser=Alice shost=WS-1 fname=plan.docx fsize=2048');
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    program.enrich(out.event, out.eventType);
    expect(out.event).toMatchObject({ user: 'alice', host: 'WS-1', file_name: 'plan.docx', bytes: 2048, usb_asset: 'ws-1', event_type: 'usb-write' });
  });
});
