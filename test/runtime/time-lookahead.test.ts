// Lines without any time before a stream's first event: held (bounded) until a line fixes a
// time, then given that time (`next-event`); rejected `missing-time` when the stream ends or
// the hold overflows. Same in `run`, across checkpoints and `--resume`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ParseOutcome, Program } from '../../runtime/program.ts';
import { runPipeline } from '../../runtime/run.ts';
import { TimeLookahead } from '../../runtime/time-lookahead.ts';
import { compileTexts, contentTexts, loadCompiled, ROOT, tempDir } from '../compiler/helpers.ts';

// A Deep Security record as the vendor documents it: no `rt`, and here no syslog header either.
const timeless = (n: number) => `CEF:0|Trend Micro|Deep Security Agent|20.0|4000000|Eicar_test_file|6|cn1=${n} cn1Label=Host ID dvchost=web${n} filePath=C:\\\\eicar.exe act=Delete result=Delete msg=Realtime`;
const dated = 'CEF:0|Trend Micro|Apex Central|2019|AV:File quarantined|JS_EXPLOIT.SMDN|3|rt=Oct 01 2026 07:01:28 GMT+00:00 act=File quarantined dhost=WS-1 duser=CORP\\\\ann';
const T = Date.UTC(2026, 9, 1, 7, 1, 28);

let program: Program;
let dir: string;
beforeAll(async () => {
  const { ir } = compileTexts(contentTexts());
  program = (await loadCompiled(ir!)).program;
  dir = tempDir();
}, 120_000);

function stream(lines: string[], limits?: { maxLines: number; maxBytes: number }) {
  program.setTimeAnchor(null);
  const got: Array<{ line: number; r: ParseOutcome }> = [];
  const emit = (r: ParseOutcome, line: number) => got.push({ line, r });
  const la = new TimeLookahead<number>((text) => program.parse(text), limits);
  lines.forEach((l, i) => la.push(l, i + 1, emit));
  la.end(emit);
  return got.map(({ line, r }) => (r.ok ? { line, time: r.event.time, from: r.event.time_source, host: r.event.dvchost ?? null } : { line, reject: r.reason }));
}

describe('time look-ahead', () => {
  it('held lines take the time of the first dated line, in stream order, marked next-event', () => {
    const got = stream([timeless(1), 'not a log line', timeless(2), dated, timeless(3)]);
    expect(got.map((g) => g.line)).toEqual([2, 1, 3, 4, 5]); // the reject is settled at once; held lines before their anchor
    expect(got[0]).toEqual({ line: 2, reject: 'no-parser' });
    expect(got.slice(1, 3).map((g) => 'time' in g && [g.time, g.from])).toEqual([[T, 'next-event'], [T, 'next-event']]);
    expect(got[3]).toMatchObject({ line: 4, time: T, from: null });
    expect(got[4]).toMatchObject({ line: 5, time: T, from: 'previous-event' });
  });

  it('a stream that ends without a dated line rejects what it held as missing-time', () => {
    expect(stream([timeless(1), timeless(2)])).toEqual([{ line: 1, reject: 'missing-time' }, { line: 2, reject: 'missing-time' }]);
  });

  it('an overflowing hold rejects every held line and the rest until a dated line (lines and bytes)', () => {
    const byLines = stream([timeless(1), timeless(2), timeless(3), dated, timeless(4)], { maxLines: 2, maxBytes: 1 << 20 });
    expect(byLines.map((g) => ('reject' in g ? g.reject : g.from))).toEqual(['missing-time', 'missing-time', 'missing-time', null, 'previous-event']);
    const byBytes = stream([timeless(1), timeless(2), dated], { maxLines: 100, maxBytes: timeless(1).length + 10 });
    expect(byBytes.map((g) => ('reject' in g ? g.reject : g.from))).toEqual(['missing-time', 'missing-time', null]);
    // Within the bound nothing is lost.
    expect(stream([timeless(1), timeless(2), dated], { maxLines: 2, maxBytes: 1 << 20 }).map((g) => ('reject' in g ? g.reject : g.from))).toEqual(['next-event', 'next-event', null]);
  });

  it('run counts them; a run interrupted after its checkpoints resumes to the output of one run', async () => {
    // More held lines than one read chunk (1 MiB; a checkpoint may follow any chunk), then the sample.
    const sample = readFileSync(join(ROOT, 'examples/sample/officescan.log'), 'utf8').split('\n').filter((l) => l !== '');
    const N = 10_000;
    const hold = { maxLines: N, maxBytes: 8 << 20 };
    const held = Array.from({ length: N }, (_, i) => timeless(i));
    const input = join(dir, 'lookahead.log');
    writeFileSync(input, [...held, dated, ...sample].map((l) => l + '\n').join(''));
    program.setTimeAnchor(null);
    const once = await runPipeline(program, { inputs: [input], out: join(dir, 'once.jsonl'), state: ':memory:', resume: false, bundleHash: 'test', hold });
    expect(once.timeFrom['next-event']).toBe(N);
    expect(once.rejected['missing-time']).toBeUndefined();

    // Crash while the chunk holding the anchor is processed (a checkpoint inside the hold would
    // lose the held lines), and late (resumes from a checkpoint after the anchor).
    for (const [crashAt, resumedAfter] of [[N + 100, null], [N + sample.length * 0.9, N + 1]] as const) {
      const state = join(dir, `lookahead-${crashAt}.db`);
      const out = join(dir, `crash-${crashAt}.jsonl`);
      let seen = 0;
      program.setTimeAnchor(null);
      await expect(runPipeline(program, {
        inputs: [input], out, state, resume: false, bundleHash: 'test', checkpointEvents: 1, hold,
        onEvent: () => { if (++seen > crashAt) throw new Error('simulated crash'); },
      })).rejects.toThrow('simulated crash');
      program.setTimeAnchor(null);
      const resumed = await runPipeline(program, { inputs: [input], out, state, resume: true, finish: true, bundleHash: 'test', hold });
      if (resumedAfter === null) expect(resumed.resumedFrom).toBeNull(); // no checkpoint yet: the batch starts over
      else expect(resumed.resumedFrom).toBeGreaterThan(resumedAfter);
      expect(resumed.timeFrom['next-event']).toBe(N);
      expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(dir, 'once.jsonl'), 'utf8'));
    }
  }, 120_000);
});
