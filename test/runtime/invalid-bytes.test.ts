// One character must not remove an event from analysis: invalid UTF-8 bytes are replaced and
// the event is kept (its rule records say `repaired`, the run summary counts it), and a
// literal U+FFFD in valid UTF-8 is just a character.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderRunSummary } from '../../cli/run-cmd.ts';
import { readLines, type Line } from '../../runtime/lines.ts';
import type { Program } from '../../runtime/program.ts';
import { runPipeline, type RunSummary } from '../../runtime/run.ts';
import { compiledContent, SAMPLE_USB, tempDir } from '../compiler/helpers.ts';

const MARK = Buffer.from('deviceFacility=Apex One');
let program: Program;
let dir: string;
let original: Buffer;

beforeAll(async () => {
  program = await compiledContent();
  dir = tempDir();
  original = readFileSync(SAMPLE_USB);
});

/** The sample with `Apex One` → `Apex<bytes>One` on every line that has it. */
function variant(name: string, bytes: number[]): { path: string; changed: number } {
  const replacement = Buffer.concat([Buffer.from('deviceFacility=Apex'), Buffer.from(bytes), Buffer.from('One')]);
  const parts: Buffer[] = [];
  let changed = 0;
  let from = 0;
  for (let at = original.indexOf(MARK, from); at >= 0; at = original.indexOf(MARK, from)) {
    parts.push(original.subarray(from, at), replacement);
    from = at + MARK.length;
    changed++;
  }
  parts.push(original.subarray(from));
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat(parts));
  return { path, changed };
}

async function run(path: string): Promise<{ summary: RunSummary; records: Array<Record<string, unknown>> }> {
  const out = join(dir, `${Math.random().toString(36).slice(2)}.jsonl`);
  const summary = await runPipeline(program, { inputs: [path], out, state: ':memory:', resume: false, bundleHash: 'test' });
  return { summary, records: readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/** Rule and scope records without what names the input file (the variants are other files). */
function comparable(records: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  return records.filter((r) => r.type !== 'header' && r.type !== 'summary').map(({ source: _, ...r }) => r);
}

async function allLines(path: string): Promise<Line[]> {
  const out: Line[] = [];
  for await (const batch of readLines(path)) out.push(...batch);
  return out;
}

describe('invalid bytes are replaced, not rejected', () => {
  it('the line reader marks lines with invalid UTF-8, and only those', async () => {
    const path = join(dir, 'mixed.log');
    writeFileSync(path, Buffer.concat([
      Buffer.from('plain\n'), Buffer.from([0x61, 0x80, 0x62, 0x0a]), Buffer.from('real \uFFFD replacement char\n'),
      Buffer.from([0x63, 0xe2, 0x82, 0x0a]), Buffer.from([0x64, 0xff]), // cut sequence, then a last line without newline
    ]));
    const lines = await allLines(path);
    expect(lines.map((l) => [l.text, l.repaired])).toEqual([
      ['plain', undefined], ['a\uFFFDb', 'invalid-utf8'], ['real \uFFFD replacement char', undefined], ['c\uFFFD', 'invalid-utf8'], ['d\uFFFD', 'invalid-utf8'],
    ]);
  });

  it('a field holding U+FFFD parses (an insider cannot drop their own event with one character)', () => {
    const line = original.toString('utf8').split('\n')[0]!.replace('duser=CORP\\\\fiona.allen', 'duser=CORP\\\\fiona\uFFFD.allen');
    const r = program.parse(line);
    expect(r.ok, JSON.stringify(r)).toBe(true);
    if (r.ok) expect(r.event.user).toBe('fiona\uFFFD.allen');
  });

  it('events with a stray byte are kept, scored as before, flagged on their records and counted per reason', async () => {
    const clean = await run(SAMPLE_USB);
    const bad = variant('stray-byte.log', [0xff]);
    expect(bad.changed).toBeGreaterThan(100);
    const repaired = await run(bad.path);
    expect(repaired.summary.events).toBe(clean.summary.events);
    expect(repaired.summary.rejected).toEqual(clean.summary.rejected);
    expect(repaired.summary.rejected['invalid-utf8']).toBeUndefined();
    expect(repaired.summary.repaired).toEqual({ 'invalid-utf8': bad.changed });
    expect(clean.summary.repaired).toEqual({});
    const flagged = repaired.records.filter((r) => r.repaired === 'invalid-utf8');
    expect(flagged.length).toBeGreaterThan(0);
    expect(flagged.every((r) => r.type === 'rule')).toBe(true);
    // Apart from the flag, the same records in the same order.
    expect(comparable(repaired.records).map(({ repaired: _, ...r }) => r)).toEqual(comparable(clean.records));
    expect(repaired.records.at(-1)).toMatchObject({ type: 'summary', repaired: { 'invalid-utf8': bad.changed } });
    expect(renderRunSummary(repaired.summary, null)).toContain(`lines repaired    ${bad.changed}  (invalid-utf8: ${bad.changed}`);
  });

  it('a literal U+FFFD in valid UTF-8 is just a character: nothing flagged, nothing rejected', async () => {
    const clean = await run(SAMPLE_USB);
    const literal = variant('literal-fffd.log', [...Buffer.from('\uFFFD')]);
    const r = await run(literal.path);
    expect(r.summary.events).toBe(clean.summary.events);
    expect(r.summary.repaired).toEqual({});
    expect(comparable(r.records)).toEqual(comparable(clean.records));
  });
});
