// Golden test of the emitted code for a small pack (test/compiler/golden/pack): names come
// from ids, slots are named constants, a shared counter is read once per event, only read
// fired flags exist, raw keys are looked up once, a call repeated across derived fields is
// computed once, a membership list is a module-level Set, a real boolean field is tested
// without `=== true`. UPDATE_GOLDEN=1 rewrites the expected file.
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
    expect(out.event).toMatchObject({ user: 'alice', host: 'WS-1', file_name: 'plan.docx', bytes: 2048, usb_asset: 'ws-1', office_file: true, archive_file: false, event_type: 'usb-write' });
  });

  it('the run path computes a field only reasons read (bytes) when a reason is rendered or the event serialised', async () => {
    expect(ir!.runReasonOnly[0]).toEqual(['bytes']);
    const { program } = await loadCompiled(ir!);
    const line = 'CEF:0|Example|Endpoint|1.0|usb|USB write|3|rt=1767261600000 suser=Alice shost=WS-1 fname=plan.docx fsize=2048';
    const parse = () => { const o = program.forRules!.parse(line); if (!o.ok) throw new Error(o.reason); program.forRules!.enrich(o.event, o.eventType); return o.event; };
    const whole = program.parse(line);
    if (!whole.ok) throw new Error(whole.reason);
    program.enrich(whole.event, whole.eventType);

    const a = parse();
    expect(a.bytes).toBeNull();
    expect(Object.keys(a)).toEqual(Object.keys(whole.event));
    const rule = program.rules.find((r) => r.id === 'UH-F')!;
    expect(rule.reason(a, { feature: 'ws-1', scope: 'alice', num_observations: 0, total_events: 3 } as never)).toBe('alice first wrote to ws-1 (2048 bytes)');
    expect(a.bytes).toBe(2048);

    const b = parse();
    expect(JSON.parse(JSON.stringify(b))).toEqual(JSON.parse(JSON.stringify(whole.event)));
    expect(b.bytes).toBe(2048);
  });
});
