// The scale-out roles over the in-memory bus, every worker running concurrently in this
// process: sorted records of parse/models/users workers equal the single-process run's byte
// for byte (sample logs and a generated organisation), also when a users worker and a models
// worker are abandoned mid-stream and replaced from their state; a model read the analysis
// did not list fails loudly.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadContextDir } from '../../cli/context-dir.ts';
import { instantiateBundle, loadBundle, readManifest } from '../../runtime/bundle.ts';
import { runPipeline } from '../../runtime/run.ts';
import { listSegments } from '../../runtime/serve/jsonl-sink.ts';
import { StateStore } from '../../runtime/state.ts';
import { MemoryBus } from '../../runtime/scale/memory-bus.ts';
import { publishEnd, publishRaw } from '../../runtime/scale/messages.ts';
import { startWorker, type Role, type WorkerHandle, type WorkerOptions } from '../../runtime/scale/roles.ts';
import type { Program } from '../../runtime/program.ts';
import { generate } from '../../examples/gen/generate.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'uebac-roles-'));
const bundle = join(dir, 'bundle');
let module: Awaited<ReturnType<typeof loadBundle>>['module'];
let orgLog = '';

beforeAll(async () => {
  const r = spawnSync('node', [join(ROOT, 'bin/uebac.mjs'), 'compile', join(ROOT, 'content'), '-o', bundle], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  module = (await loadBundle(bundle)).module;
  orgLog = join(dir, 'org.log');
  writeFileSync(orgLog, generate({ scenario: 'full', users: 60, days: 20, seed: 7 }).lines.join('\n') + '\n');
}, 120_000);

const program = (): Program => instantiateBundle(module, loadContextDir(join(ROOT, 'examples/context'), readManifest(bundle)));

const records = (text: string) => text.split('\n').filter((l) => l !== '' && !/^\{"type":"(header|summary)"/.test(l));

async function single(file: string): Promise<string[]> {
  const out = join(dir, `single-${Math.random().toString(36).slice(2)}.jsonl`);
  await runPipeline(program(), { inputs: [file], out, state: ':memory:', resume: false, bundleHash: 'test' });
  return records(readFileSync(out, 'utf8')).sort();
}

function fileLines(file: string): string[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Raw messages of 1 to 7 lines (varying, so messages and partitions do not line up), then the end of input. */
async function publishFile(bus: MemoryBus, file: string): Promise<void> {
  const lines = fileLines(file);
  for (let i = 0, k = 0; i < lines.length; k++) {
    const n = 1 + (k % 7);
    await publishRaw(bus, `raw-${i}`, lines.slice(i, i + n).join('\n'), { file, line: i + 1 });
    i += n;
  }
  await publishEnd(bus);
}

interface Cluster {
  bus: MemoryBus;
  base: string;
  workers: Map<string, WorkerHandle>;
  start(role: Role, partition: number, extra?: Partial<WorkerOptions>): WorkerHandle;
  records(): string[];
}

function cluster(counts: WorkerOptions['counts'], extra: Partial<WorkerOptions> = {}): Cluster {
  const bus = new MemoryBus();
  const base = mkdtempSync(join(dir, `c${counts.parse}${counts.models}${counts.users}-`));
  const workers = new Map<string, WorkerHandle>();
  const c: Cluster = {
    bus, base, workers,
    start(role, partition, more = {}) {
      const h = startWorker({ program: program(), bus, role, partition, counts, stateDir: join(base, 'state'), recordsDir: join(base, 'records'), checkpointEvery: 200, ...extra, ...more });
      workers.set(`${role}-${partition}`, h);
      return h;
    },
    records() {
      const out: string[] = [];
      for (const d of readdirSync(join(base, 'records'))) for (const f of listSegments(join(base, 'records', d))) out.push(...records(readFileSync(f, 'utf8')));
      return out.sort();
    },
  };
  for (const role of ['parse', 'models', 'users'] as const) for (let i = 0; i < counts[role]; i++) c.start(role, i);
  return c;
}

async function runRoles(file: string, n: number): Promise<{ records: string[]; ms: number }> {
  const started = Date.now();
  const c = cluster({ parse: n, models: n, users: n });
  await publishFile(c.bus, file);
  await Promise.all([...c.workers.values()].map((w) => w.done));
  return { records: c.records(), ms: Date.now() - started };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

describe('scale-out roles over the memory bus', () => {
  for (const [name, file] of [['the sample logs', () => join(ROOT, 'examples/sample/officescan.log')], ['a generated organisation', () => orgLog]] as const) {
    it(`give the single-process records on ${name} with 1/1/1, 2/2/2 and 4/4/4 workers`, async () => {
      const expected = await single(file());
      expect(expected.length).toBeGreaterThan(500);
      for (const n of [1, 2, 4]) {
        const got = await runRoles(file(), n);
        expect(got.records.length, `${n}/${n}/${n}`).toBe(expected.length);
        expect(got.records, `${n}/${n}/${n}`).toEqual(expected);
      }
    }, 120_000);
  }

  it('continues from the state of a users worker and a models worker abandoned mid-stream: no record lost or repeated', async () => {
    const expected = await single(orgLog);
    const c = cluster({ parse: 2, models: 2, users: 2 }, { checkpointEvery: 300 });
    const publishing = publishFile(c.bus, orgLog);
    const users = c.workers.get('users-1')!;
    const models = c.workers.get('models-0')!;
    // Abandoned midway between checkpoints, so there is work after the last one to do again.
    await until(() => users.progress > 600 && models.progress > 600 && users.progress - users.checkpointed > 150 && users.checkpointed > 0, 'progress');
    await Promise.all([users.abandon(), models.abandon()]);
    expect(users.progress).toBeLessThan(1500); // abandoned well before the end
    // The abandoned users worker wrote records its last checkpoint does not cover: the replacement must cut them back.
    const cp = new StateStore(join(c.base, 'state', 'users-1.sqlite'));
    const covered = cp.load()!.position.outputOffset;
    cp.close();
    const written = listSegments(join(c.base, 'records', 'users-1')).reduce((n, f) => n + statSync(f).size, 0);
    expect(written).toBeGreaterThan(covered);

    const duplicatesBefore = c.bus.duplicates;
    const users2 = c.start('users', 1);
    const models2 = c.start('models', 0);
    await publishing;
    await Promise.all([...c.workers.values()].map((w) => w.done));
    // Each replacement continued from its checkpoint: it processed some events, not all of them.
    for (const w of [users2, models2]) {
      expect(w.progress).toBeGreaterThan(0);
      expect(w.progress).toBeLessThan(1900);
    }
    // The replacements replayed from their checkpoints and sent again what was sent before.
    expect(c.bus.duplicates).toBeGreaterThan(duplicatesBefore);
    const got = c.records();
    expect(new Set(got).size).toBe(got.length);
    expect(got).toEqual(expected);
  }, 120_000);

  it('parses plain-text raw messages (no source named) to the same records, sourced by raw message and line', async () => {
    const file = join(ROOT, 'examples/sample/officescan.log');
    const unsourced = (l: string) => { const r = JSON.parse(l) as { source?: unknown }; delete r.source; return JSON.stringify(r); };
    const expected = (await single(file)).map(unsourced).sort();
    const c = cluster({ parse: 2, models: 1, users: 2 });
    const lines = fileLines(file);
    for (let i = 0; i < lines.length; i += 5) await publishRaw(c.bus, `raw-${i}`, lines.slice(i, i + 5).join('\r\n') + '\n');
    await publishEnd(c.bus);
    await Promise.all([...c.workers.values()].map((w) => w.done));
    const got = c.records();
    expect(got.map(unsourced).sort()).toEqual(expected);
    const rule = JSON.parse(got.find((l) => l.startsWith('{"type":"rule"'))!) as { source: { file: string; line: number } };
    expect(rule.source.file).toMatch(/^uebac\.raw#\d+$/);
    expect(rule.source.line).toBeGreaterThanOrEqual(1);
    expect(rule.source.line).toBeLessThanOrEqual(5);
  }, 60_000);

  it('stops a users worker with a checkpoint and continues from it', async () => {
    const expected = await single(orgLog);
    const c = cluster({ parse: 1, models: 1, users: 2 }, { checkpointEvery: 1_000_000 });
    const publishing = publishFile(c.bus, orgLog);
    const users = c.workers.get('users-0')!;
    await until(() => users.progress > 500, 'progress');
    await users.stop();
    await users.done;
    const stoppedAt = users.progress;
    const again = c.start('users', 0);
    await publishing;
    await Promise.all([...c.workers.values()].map((w) => w.done));
    // Nothing was checkpointed before the stop (the interval is far off): the stop's own checkpoint is what it continued from.
    expect(again.progress).toBeLessThan(1940 - stoppedAt + 50);
    expect(c.records()).toEqual(expected);
  }, 60_000);

  it('fails loudly, naming the model, when a rule makes a read the analysis did not list', async () => {
    const bus = new MemoryBus();
    const base = mkdtempSync(join(dir, 'missing-'));
    const counts = { parse: 1, models: 1, users: 1 };
    const blind = (): Program => ({ ...program(), modelReads: () => [] });
    const hs = (['parse', 'models', 'users'] as const).map((role) => startWorker({ program: role === 'parse' ? program() : blind(), bus, role, partition: 0, counts, stateDir: join(base, 'state'), recordsDir: join(base, 'records') }));
    await publishFile(bus, join(ROOT, 'examples/sample/officescan.log'));
    await expect(hs[2]!.done).rejects.toThrow(/^model [A-Za-z0-9_-]+: .* was not answered by the models stage/);
    await Promise.all(hs.map((h) => h.abandon()));
  }, 60_000);

  it('refuses a program without the read analysis at worker start', () => {
    const old = { ...program(), modelReads: undefined } as Program;
    expect(() => startWorker({ program: old, bus: new MemoryBus(), role: 'users', partition: 0, counts: { parse: 1, models: 1, users: 1 }, stateDir: join(dir, 'x'), recordsDir: join(dir, 'y') })).toThrow(/no model-read analysis/);
  });
});
