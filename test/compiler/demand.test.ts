// Demand analysis: each parser lists the raw keys its mapping reads; the run path extracts only
// those, and parses every sample line exactly as a full extraction does.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { interpretProgram } from '../../compiler/interpreter.ts';
import { compileTexts, contentTexts, ROOT } from './helpers.ts';

describe('demand analysis (raw keys per parser)', () => {
  const { ir } = compileTexts(contentTexts());

  it('lists the raw keys a parser reads: field inputs, when-conditions, time keys, not its own outputs', () => {
    const p = ir!.parsers.find((x) => x.id === 'apex-central-cef-dlp')!;
    for (const k of ['suser', 'duser', 'cs4', 'rt', 'fname', 'Channel']) expect(p.rawKeys).toContain(k);
    // `recipients` and `direction` are outputs of earlier fields, read by later ones.
    expect(p.rawKeys).not.toContain('recipients');
    expect(p.rawKeys).not.toContain('direction');
    expect(p.rawKeys).toEqual([...p.rawKeys].sort());
  });

  it('parses every sample line the same with and without the wanted-key scan', () => {
    const full = interpretProgram({ ...ir!, parsers: ir!.parsers.map((p) => ({ ...p, rawKeys: undefined as never })) });
    const wanted = interpretProgram(ir!);
    let compared = 0;
    for (const f of ['officescan.log', 'usb.log']) {
      for (const line of readFileSync(join(ROOT, 'examples/sample', f), 'utf8').split('\n')) {
        expect(wanted.parse(line)).toEqual(full.parse(line));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(3000);
  });
});
