// The benchmark's synthetic content must stay valid as the schemas and the compiler evolve,
// and its small helpers must keep their contracts. (The benchmark itself: npx tsx bench/run.ts.)
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileDir } from '../../compiler/compile.ts';
import { CONTENT } from '../../bench/config.ts';
import { usbWriteLine } from '../../bench/corpus.ts';
import { summarize } from '../../bench/measure.ts';
import { parserTarget, SYNTHETIC_EVENT_TYPE, syntheticParserFiles, syntheticRuleFiles } from '../../bench/packs.ts';
import { rate, table, times } from '../../bench/report.ts';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function write(dir: string, files: Map<string, string>): void {
  for (const [rel, text] of files) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
}

describe('synthetic scaling content', () => {
  it('compiles without errors next to the pack file and the parsers’ event type', () => {
    const dir = mkdtempSync(join(tmpdir(), 'uebac-bench-test-'));
    dirs.push(dir);
    const target = parserTarget(CONTENT);
    copyFileSync(join(CONTENT, 'pack.yaml'), join(dir, 'pack.yaml'));
    const etFile = readdirSync(join(CONTENT, 'event-types')).find((f) => f.replace(/\.ya?ml$/, '') === target.eventType);
    expect(etFile).toBeDefined();
    mkdirSync(join(dir, 'event-types'));
    copyFileSync(join(CONTENT, 'event-types', etFile!), join(dir, 'event-types', etFile!));
    write(dir, syntheticRuleFiles(8));
    write(dir, syntheticParserFiles(5, target));
    const { ir, diagnostics } = compileDir(dir);
    expect(diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}: ${d.code} ${d.message}`)).toEqual([]);
    expect(ir!.rules).toHaveLength(8);
    expect(ir!.parsers).toHaveLength(5);
    expect(ir!.eventTypes.map((e) => e.name)).toContain(SYNTHETIC_EVENT_TYPE);
    // No synthetic parser builds the synthetic event type: its rules never see a real event.
    const synthetic = ir!.eventTypes.findIndex((e) => e.name === SYNTHETIC_EVENT_TYPE);
    expect(ir!.parsers.every((p) => p.events.every((e) => e.eventType !== synthetic))).toBe(true);
  });
});

describe('helpers', () => {
  it('summarize keeps the best and the median of wall and CPU times', () => {
    const t = summarize([30, 10, 20], [3, 1, 2]);
    expect([t.best, t.median, t.cpuBest, t.cpuMedian]).toEqual([10, 20, 1, 2]);
  });

  it('formats rates, ratios and a Markdown table', () => {
    expect(rate(1_500_000, 1000, 'lines')).toBe('1.50 M lines/s');
    expect(rate(12_345, 1000, 'ev')).toBe('12.3 k ev/s');
    expect(times(1.234)).toBe('1.23×');
    const md = table([{ name: 'x', rate: '1 ev/s', ratio: '2.00×', target: '≤ 3×', met: true }, { name: 'y', rate: '—', ratio: '9 s', target: '≤ 1 s', met: false }]);
    expect(md.split('\n')).toHaveLength(4);
    expect(md).toContain('| yes ');
    expect(md).toContain('**no**');
  });

  it('synthesises CEF USB-write lines with the user, host and device of the user', () => {
    const line = usbWriteLine(42, Date.UTC(2026, 9, 1, 8, 0, 5), 3);
    expect(line).toMatch(/^<134>Oct 01 08:00:05 apexcentral CEF:0\|Trend Micro\|Apex Central\|2019\|700107\|/);
    expect(line).toContain('rt=2026-10-01 08:00:05 ');
    expect(line).toContain('duser=CORP\\\\user000042 ');
    expect(line).toContain('cs4=SN00004242 ');
  });
});
