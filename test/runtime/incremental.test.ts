// Incremental batches: the state carries what was learned from one batch into the next, and
// remembers every input it consumed by identity and content.
import { appendFileSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Program } from '../../runtime/program.ts';
import { runPipeline } from '../../runtime/run.ts';
import { compileTexts, contentTexts, loadCompiled, ROOT, tempDir } from '../compiler/helpers.ts';

const SAMPLE = join(ROOT, 'examples/sample/officescan.log');
let program: Program;
let lines: string[];
let dir: string;

beforeAll(async () => {
  const { ir } = compileTexts(contentTexts());
  program = (await loadCompiled(ir!)).program;
  lines = readFileSync(SAMPLE, 'utf8').split('\n').filter((l) => l !== '');
  dir = tempDir();
});

const write = (name: string, part: string[]): string => {
  const p = join(dir, name);
  writeFileSync(p, part.map((l) => l + '\n').join(''));
  return p;
};

async function run(inputs: string[], state: string, extra: { finish?: boolean; resume?: boolean; fresh?: boolean; out?: string } = {}) {
  const out = extra.out ?? join(dir, `out-${Math.random().toString(36).slice(2)}.jsonl`);
  const summary = await runPipeline(program, { inputs, out, state, resume: extra.resume ?? false, fresh: extra.fresh, finish: extra.finish, bundleHash: 'test' });
  return { summary, records: readFileSync(out, 'utf8') };
}

/**
 * The behavioural records of an output: without the header and summary that frame every
 * batch, and without the source file name (inputs are named differently here), optionally
 * without the line numbers too (they count from the start of each input).
 */
function core(text: string, keepLines = false): string {
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((r) => r.type !== 'header' && r.type !== 'summary')
    .map((r) => {
      if (!r.source) return JSON.stringify(r);
      const { source, ...rest } = r as { source: { line: number } };
      return JSON.stringify(keepLines ? { ...rest, line: source.line } : rest);
    })
    .join('\n');
}

/** Index of the first line whose event time falls on a later UTC day than the line before. */
function dayBoundary(): number {
  const days = lines.map((l) => { const r = program.parse(l); return r.ok ? Math.floor(r.event.time / 86_400_000) : null; });
  const mid = Math.floor(lines.length / 2);
  for (let i = mid; i < lines.length; i++) if (days[i] !== null && days[i - 1] !== null && days[i]! > days[i - 1]!) return i;
  throw new Error('test setup: no day boundary in the second half of the sample');
}

describe('incremental batches', () => {
  it('two daily files, one after the other with the same state, give the records of one run over both', async () => {
    const cut = dayBoundary();
    const day1 = write('day1.log', lines.slice(0, cut));
    const day2 = write('day2.log', lines.slice(cut));
    const whole = await run([day1, day2], join(dir, 'whole.db'), { finish: true });
    const memory = await run([SAMPLE], ':memory:');
    expect(core(whole.records)).toBe(core(memory.records));

    const state = join(dir, 'daily.db');
    const a = await run([day1], state);
    const b = await run([day2], state, { finish: true });
    expect(a.records.length).toBeGreaterThan(0);
    expect(b.records.length).toBeGreaterThan(0);
    expect(core(a.records + b.records)).toBe(core(whole.records));
    expect(b.records.split('\n')[0]).toMatch(/^\{"type":"header"/);
    expect(a.summary.openSessions).toBeGreaterThanOrEqual(0);
    expect(b.summary.openSessions).toBe(0);
    expect(a.summary.lines + b.summary.lines).toBe(lines.length);
  });

  it('a split in the middle of open sessions also gives the same records', async () => {
    const cut = Math.floor(lines.length / 3);
    const p1 = write('part1.log', lines.slice(0, cut));
    const p2 = write('part2.log', lines.slice(cut));
    const state = join(dir, 'split.db');
    const a = await run([p1], state);
    expect(a.summary.openSessions).toBeGreaterThan(0); // sessions really span the cut
    const b = await run([p2], state, { finish: true });
    const memory = await run([SAMPLE], ':memory:');
    expect(core(a.records + b.records)).toBe(core(memory.records));
  });

  it('an input given again is skipped with a note; one that grew continues after what was consumed', async () => {
    const cut = Math.floor(lines.length / 2);
    const grow = write('grow.log', lines.slice(0, cut));
    const state = join(dir, 'grow.db');
    const a = await run([grow], state);
    const again = await run([grow], state);
    expect(core(again.records)).toBe('');
    expect(again.summary.lines).toBe(0);
    expect(again.summary.notes.join('\n')).toMatch(/already consumed \(\d+ lines\), skipped/);

    appendFileSync(grow, lines.slice(cut).map((l) => l + '\n').join(''));
    const b = await run([grow], state, { finish: true });
    expect(b.summary.lines).toBe(lines.length - cut);
    expect(b.summary.notes.join('\n')).toMatch(/continued after the \d+ lines consumed earlier/);
    const memory = await run([SAMPLE], ':memory:');
    expect(core(a.records + b.records)).toBe(core(memory.records));
    // Source lines of the grown part continue where the first batch stopped.
    const once = await run([grow], ':memory:');
    expect(core(a.records + b.records, true)).toBe(core(once.records, true));
  });

  it('a rotated (renamed) input is recognised by inode and content', async () => {
    const p = write('app.log', lines.slice(0, 100));
    const state = join(dir, 'rotate.db');
    await run([p], state);
    renameSync(p, p + '.1');
    const r = await run([p + '.1'], state);
    expect(r.summary.lines).toBe(0);
    expect(r.summary.notes.join('\n')).toMatch(/already consumed/);
  });

  it('a truncated input is refused, not resumed at a stale offset', async () => {
    const p = write('trunc.log', lines.slice(0, 200));
    const state = join(dir, 'trunc.db');
    await run([p], state);
    truncateSync(p, 1000);
    await expect(run([p], state)).rejects.toThrow(/trunc\.log was truncated or replaced: \d+ bytes of it were consumed, it now has 1000/);
  });

  it('an input rewritten in place (same size) is refused', async () => {
    const p = write('rewrite.log', lines.slice(0, 200));
    const state = join(dir, 'rewrite.db');
    await run([p], state);
    const text = readFileSync(p, 'utf8');
    writeFileSync(p, text.replace('Trend Micro', 'Trend Macro'));
    expect(readFileSync(p).length).toBe(Buffer.byteLength(text));
    await expect(run([p], state)).rejects.toThrow(/rewrite\.log was replaced or rewritten in place: its first \d+ bytes/);
    // Refusal checks every input before reading any: the state is untouched, a fresh start works.
    const fresh = await run([p], state, { fresh: true });
    expect(fresh.summary.lines).toBe(200);
  });

  it('a different file put at a consumed path is refused even when it is longer', async () => {
    const p = write('replaced.log', lines.slice(0, 100));
    const state = join(dir, 'replaced.db');
    await run([p], state);
    write('replaced.log', lines.slice(500, 800));
    await expect(run([p], state)).rejects.toThrow(/replaced\.log was replaced or rewritten in place/);
  });

  it('--resume after a completed batch changes nothing; an interrupted state needs --resume', async () => {
    const p = write('done.log', lines.slice(0, 100));
    const state = join(dir, 'done.db');
    await run([p], state);
    const r = await runPipeline(program, { inputs: [p], out: join(dir, 'untouched.jsonl'), state, resume: true, bundleHash: 'test' });
    expect(r.notes).toEqual(['the last run over this state completed; nothing to resume']);

    // Interrupt a batch after its first checkpoint (an exception stands in for a crash).
    const big = write('big.log', lines);
    const crash = join(dir, 'crash.db');
    let seen = 0;
    await expect(runPipeline(program, {
      inputs: [big], out: join(dir, 'crash.jsonl'), state: crash, resume: false, bundleHash: 'test', checkpointEvents: 1,
      onEvent: () => { if (++seen > lines.length * 0.9) throw new Error('simulated crash'); },
    })).rejects.toThrow('simulated crash');
    await expect(run([big], crash)).rejects.toThrow(/the state holds an interrupted run \(stopped after line \d+, in .*big\.log\); finish it with --resume/);
    await expect(run([p], crash, { resume: true })).rejects.toThrow(/cannot resume: the interrupted run was over .*big\.log; give the same inputs/);
    const resumed = await run([big], crash, { resume: true, finish: true, out: join(dir, 'crash.jsonl') });
    expect(resumed.summary.resumedFrom).toBeGreaterThan(0);
    const memory = await run([SAMPLE], ':memory:');
    expect(core(readFileSync(join(dir, 'crash.jsonl'), 'utf8'))).toBe(core(memory.records));
    const once = await run([big], ':memory:');
    expect(readFileSync(join(dir, 'crash.jsonl'), 'utf8')).toBe(once.records);
  });
});
