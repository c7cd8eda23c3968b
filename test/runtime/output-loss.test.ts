// Losing the output must never look like success: deleting, replacing or truncating the
// output file while a run writes to it fails the run, and a resume whose output is missing
// or cut short refuses with a message instead of an ENOENT or a zero-filled hole.
import { copyFileSync, existsSync, readFileSync, renameSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Program } from '../../runtime/program.ts';
import { runPipeline, type RunOptions } from '../../runtime/run.ts';
import { compiledContent, ROOT, tempDir } from '../compiler/helpers.ts';

const SAMPLE = join(ROOT, 'examples/sample/officescan.log');
let program: Program;
let dir: string;
let expected: string;

beforeAll(async () => {
  program = await compiledContent();
  dir = tempDir();
  const out = join(dir, 'expected.jsonl');
  await runPipeline(program, { inputs: [SAMPLE], out, state: ':memory:', resume: false, bundleHash: 'test' });
  expected = readFileSync(out, 'utf8');
});

const opts = (out: string, extra: Partial<RunOptions> = {}): RunOptions => ({ inputs: [SAMPLE], out, state: ':memory:', resume: false, bundleHash: 'test', ...extra });

/** Run `act(out)` once, at a rule record after some records already reached the file. */
function once(out: string, act: (out: string) => void): Pick<RunOptions, 'onRule'> {
  let done = false;
  return { onRule: () => { if (!done && existsSync(out) && statSync(out).size > 0) { done = true; act(out); } } };
}

describe('output loss during a run', () => {
  it('deleting the output file mid-run fails the run, naming the file', async () => {
    const out = join(dir, 'deleted.jsonl');
    await expect(runPipeline(program, opts(out, once(out, unlinkSync)))).rejects.toThrow(new RegExp(`the output ${out} was deleted during the run`));
  });

  it('replacing it with another file fails the run', async () => {
    const out = join(dir, 'replaced.jsonl');
    const other = join(dir, 'other.jsonl');
    const swap = (p: string) => { writeFileSync(other, ''); renameSync(other, p); };
    await expect(runPipeline(program, opts(out, once(out, swap)))).rejects.toThrow(/was replaced by another file during the run/);
  });

  it('truncating it fails the run instead of leaving a zero-filled hole', async () => {
    const out = join(dir, 'truncated.jsonl');
    await expect(runPipeline(program, opts(out, once(out, (p) => truncateSync(p, 0))))).rejects.toThrow(/was truncated during the run/);
  });

  it('an output that is not a regular file (/dev/null) is written without position checks', async () => {
    await expect(runPipeline(program, opts('/dev/null'))).resolves.toMatchObject({ lines: expect.any(Number) });
  });

  it('an untouched output is complete (the checks do not disturb a normal run)', async () => {
    const out = join(dir, 'normal.jsonl');
    await runPipeline(program, opts(out));
    expect(readFileSync(out, 'utf8')).toBe(expected);
  });
});

describe('resume and a lost output', () => {
  /** A run over a persistent state, interrupted after its first checkpoint. */
  async function interrupted(name: string): Promise<{ state: string; out: string }> {
    const state = join(dir, `${name}.db`);
    const out = join(dir, `${name}.jsonl`);
    let n = 0;
    await expect(runPipeline(program, opts(out, {
      state, checkpointEvents: 1,
      onEvent: () => { if (++n > 2300) throw new Error('simulated crash'); },
    }))).rejects.toThrow('simulated crash');
    expect(statSync(out).size).toBeGreaterThan(0);
    return { state, out };
  }

  it('a missing output refuses the resume with a message; restored, the resume completes the output', async () => {
    const { state, out } = await interrupted('missing');
    const saved = join(dir, 'missing.saved');
    copyFileSync(out, saved);
    unlinkSync(out);
    await expect(runPipeline(program, opts(out, { state, resume: true, finish: true }))).rejects.toThrow(
      new RegExp(`cannot resume: the output ${out} is missing, but the checkpoint recorded \\d+ bytes of records in it; restore the file, or start over with --fresh`));
    expect(existsSync(out)).toBe(false);
    copyFileSync(saved, out);
    await runPipeline(program, opts(out, { state, resume: true, finish: true }));
    expect(readFileSync(out, 'utf8')).toBe(expected);
  });

  it('an output shorter than at the checkpoint refuses the resume', async () => {
    const { state, out } = await interrupted('short');
    truncateSync(out, 10);
    await expect(runPipeline(program, opts(out, { state, resume: true, finish: true }))).rejects.toThrow(/cannot resume: the output .* is shorter \(10 bytes\) than at the checkpoint \(\d+ bytes\)/);
    expect(statSync(out).size).toBe(10);
  });

  it('after an output lost mid-run, resuming refuses instead of continuing without the lost records', async () => {
    const state = join(dir, 'lost.db');
    const out = join(dir, 'lost.jsonl');
    // Progress is reported right after a checkpoint: delete the output just after the first.
    let deleted = false;
    const onProgress = () => { if (!deleted) { deleted = true; unlinkSync(out); } };
    await expect(runPipeline(program, opts(out, { state, checkpointEvents: 1, onProgress }))).rejects.toThrow(/was deleted during the run/);
    await expect(runPipeline(program, opts(out, { state, resume: true, finish: true }))).rejects.toThrow(/cannot resume: the output .* is missing/);
  });
});
