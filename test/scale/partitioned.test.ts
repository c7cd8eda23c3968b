// Partitioned equivalence: the records of 1, 2 and 4 users workers and models workers,
// sorted, equal the single-process run's byte for byte (sample logs and a generated organisation).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadContextDir } from '../../cli/context-dir.ts';
import { instantiateBundle, loadBundle, readManifest } from '../../runtime/bundle.ts';
import { runPipeline } from '../../runtime/run.ts';
import { partitionOf, runPartitioned } from '../../runtime/scale/partitioned.ts';
import { generate } from '../../examples/gen/generate.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'uebac-scale-'));
const bundle = join(dir, 'bundle');
let module: Awaited<ReturnType<typeof loadBundle>>['module'];

beforeAll(async () => {
  const r = spawnSync('node', [join(ROOT, 'bin/uebac.mjs'), 'compile', join(ROOT, 'content'), '-o', bundle], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  module = (await loadBundle(bundle)).module;
}, 120_000);

const program = () => instantiateBundle(module, loadContextDir(join(ROOT, 'examples/context'), readManifest(bundle)));

/** The single-process records (rules, sessions, asset sequences), sorted. */
async function single(file: string): Promise<string[]> {
  const out = join(dir, 'single.jsonl');
  await runPipeline(program(), { inputs: [file], out, state: ':memory:', resume: false, bundleHash: 'test' });
  return readFileSync(out, 'utf8').split('\n').filter((l) => l !== '' && !/^\{"type":"(header|summary)"/.test(l)).sort();
}

function linesOf(file: string): string[] {
  const lines = readFileSync(file, 'utf8').split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

async function check(file: string): Promise<number> {
  const expected = await single(file);
  for (const n of [1, 2, 4]) {
    const got = (await runPartitioned(program(), linesOf(file), file, { users: n, models: n })).sort();
    expect(got.length, `${n} partitions`).toBe(expected.length);
    expect(got, `${n} partitions`).toEqual(expected);
  }
  return expected.length;
}

describe('partitioned engine', () => {
  it('partitions keys stably and evenly', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[partitionOf(`user${i}`, 4)]!++;
    for (const c of counts) expect(c).toBeGreaterThan(800);
    expect(partitionOf('alice', 7)).toBe(partitionOf('alice', 7));
  });

  it('gives the single-process records on the sample logs with 1, 2 and 4 workers per stage', async () => {
    const n = await check(join(ROOT, 'examples/sample/officescan.log'));
    expect(n).toBeGreaterThan(1000);
  }, 60_000);

  it('gives the single-process records on a generated organisation (another seed)', async () => {
    const file = join(dir, 'org.log');
    writeFileSync(file, generate({ scenario: 'full', users: 60, days: 20, seed: 7 }).lines.join('\n') + '\n');
    const n = await check(file);
    expect(n).toBeGreaterThan(500);
  }, 60_000);
});
