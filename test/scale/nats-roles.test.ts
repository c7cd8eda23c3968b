// The scale-out stages as processes on a real nats-server: 2 parse, 2 models and 2 users
// workers (`uebac serve --role … --partition i/2`) fed by `uebac publish` over a generated
// organisation; their sorted records equal `uebac run`'s byte for byte. Also when a users worker
// and a models worker are killed with SIGKILL mid-stream and started again, and when the
// nats-server is stopped mid-run and started again on the same port and store.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listSegments } from '../../runtime/serve/jsonl-sink.ts';
import { generate } from '../../examples/gen/generate.ts';
import { BIN, cli, ROOT } from '../serve/harness.ts';
import { NATS_SERVER, startNatsServer, type NatsServer } from './nats-server.ts';

const STAGES = { parse: 2, models: 2, users: 2 } as const;
type Role = keyof typeof STAGES;

let tmp: string;
let bundle: string;
let orgLog: string;
let expected: string[];

const recordLines = (text: string) => text.split('\n').filter((l) => l !== '' && !/^\{"type":"(header|summary)"/.test(l));

beforeAll(async () => {
  if (!NATS_SERVER) return;
  tmp = mkdtempSync(join(tmpdir(), 'uebac-nats-roles-'));
  bundle = join(tmp, 'bundle');
  const c = cli(['compile', 'content', '-o', bundle]);
  expect(c.status, c.stderr).toBe(0);
  orgLog = join(tmp, 'org.log');
  writeFileSync(orgLog, generate({ scenario: 'full', users: 40, days: 12, seed: 5 }).lines.join('\n') + '\n');
  const out = join(tmp, 'single.jsonl');
  const r = cli(['run', '--bundle', bundle, '--context', 'examples/context', '--state', ':memory:', '--out', out, '-q', orgLog]);
  expect(r.status, r.stderr).toBe(0);
  expected = recordLines(readFileSync(out, 'utf8')).sort();
  expect(expected.length).toBeGreaterThan(300);
}, 120_000);

afterAll(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

interface Worker {
  name: string;
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** One deployment: a nats-server, a scale directory and the six worker processes. */
class Deployment {
  readonly dir: string;
  readonly workers = new Map<string, Worker>();
  nats!: NatsServer;

  constructor(name: string) {
    this.dir = join(tmp, name);
    mkdirSync(this.dir);
  }

  async startNats(): Promise<void> {
    this.nats = await startNatsServer(join(this.dir, 'nats'));
  }

  start(role: Role, i: number): Worker {
    const args = [BIN, 'serve', '--role', role, '--partition', `${i}/${STAGES[role]}`, '--stages', `parse=${STAGES.parse},models=${STAGES.models},users=${STAGES.users}`,
      '--nats', this.nats.url, '--bundle', bundle, '--context', 'examples/context', '--scale-dir', join(this.dir, 'scale'), '--checkpoint-events', '100'];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    const w: Worker = { name: `${role}-${i}`, child, stderr: () => err, exited: new Promise((r) => child.on('exit', (code, signal) => r({ code, signal }))) };
    this.workers.set(w.name, w);
    return w;
  }

  startAll(): void {
    for (const role of ['parse', 'models', 'users'] as const) for (let i = 0; i < STAGES[role]; i++) this.start(role, i);
  }

  publish(extra: string[], file?: string): void {
    const r = cli(['publish', '--nats', this.nats.url, '--lines-per-message', '40', ...extra, ...(file ? [file] : [])]);
    expect(r.status, r.stderr).toBe(0);
  }

  /** Every worker ends (the end of input) with exit 0. */
  async finished(timeoutMs = 60_000): Promise<void> {
    const timer = new Promise<never>((_, fail) => setTimeout(() => fail(new Error(`workers did not finish:\n${this.logs()}`)), timeoutMs));
    const all = Promise.all([...this.workers.values()].map(async (w) => {
      const r = await w.exited;
      if (r.code !== 0) throw new Error(`${w.name} exited with ${r.code ?? r.signal}:\n${w.stderr()}`);
    }));
    await Promise.race([all, timer]);
  }

  logs(): string {
    return [...this.workers.values()].map((w) => `--- ${w.name}\n${w.stderr()}`).join('\n');
  }

  /** The events a worker's last checkpoint covers (0: none yet). */
  checkpointed(name: string): number {
    const path = join(this.dir, 'scale', 'state', `${name}.sqlite`);
    if (!existsSync(path)) return 0;
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare('SELECT position FROM checkpoint WHERE id = 1').get() as { position: string } | undefined;
      return row ? (JSON.parse(row.position) as { lines: number }).lines : 0;
    } catch { return 0; } finally { db.close(); }
  }

  records(): string[] {
    const base = join(this.dir, 'scale', 'records');
    const out: string[] = [];
    for (const d of readdirSync(base)) for (const f of listSegments(join(base, d))) out.push(...recordLines(readFileSync(f, 'utf8')));
    return out.sort();
  }

  async close(): Promise<void> {
    for (const w of this.workers.values()) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await this.nats?.stop();
  }
}

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!NATS_SERVER)('scale-out workers as processes on JetStream', () => {
  it('publish stores a file published again once, and new lines under the same file name anew', async () => {
    const d = new Deployment('publish');
    try {
      await d.startNats();
      const f = join(d.dir, 'app.log');
      writeFileSync(f, 'first line\nsecond line\n');
      d.publish([], f);
      d.publish([], f); // an interrupted publish run again
      writeFileSync(f, 'rotated: a new first line\n');
      d.publish([], f);
      const { connect } = await import('@nats-io/transport-node');
      const { jetstreamManager } = await import('@nats-io/jetstream');
      const nc = await connect({ servers: d.nats.url });
      try {
        expect((await (await jetstreamManager(nc)).streams.info('UEBAC')).state.messages).toBe(2);
      } finally { await nc.close(); }
    } finally { await d.close(); }
  }, 30_000);

  it('2 parse + 2 models + 2 users workers give the single-process records', async () => {
    const d = new Deployment('plain');
    try {
      await d.startNats();
      d.startAll();
      d.publish(['--end'], orgLog);
      await d.finished();
      const got = d.records();
      expect(got.length).toBe(expected.length);
      expect(got).toEqual(expected);
    } finally { await d.close(); }
  }, 90_000);

  it('a users worker and a models worker killed with SIGKILL mid-stream and started again: every record once', async () => {
    const d = new Deployment('kill');
    try {
      await d.startNats();
      d.startAll();
      d.publish([], orgLog);
      // Both have checkpointed at least once and are still working through the input.
      await until('checkpoints of users-1 and models-0', () => d.checkpointed('users-1') > 0 && d.checkpointed('models-0') > 0);
      const killedAt = new Map<string, number>();
      for (const n of ['users-1', 'models-0']) {
        const w = d.workers.get(n)!;
        expect(w.child.exitCode, `${n} still running when killed`).toBeNull();
        w.child.kill('SIGKILL');
        expect((await w.exited).signal).toBe('SIGKILL');
        killedAt.set(n, d.checkpointed(n));
      }
      d.start('users', 1);
      d.start('models', 0);
      d.publish(['--end']);
      await d.finished();
      for (const [n, at] of killedAt) expect(at, `${n} was killed mid-stream`).toBeLessThan(d.checkpointed(n));
      const got = d.records();
      expect(got.length).toBe(expected.length);
      expect(got).toEqual(expected);
    } finally { await d.close(); }
  }, 90_000);

  it('the nats-server stopped mid-run and started again (same port and store): workers wait, then give the same records', async () => {
    const d = new Deployment('nats-restart');
    try {
      await d.startNats();
      d.startAll();
      d.publish([], orgLog);
      await until('a first checkpoint of every users worker', () => d.checkpointed('users-0') > 0 && d.checkpointed('users-1') > 0);
      await d.nats.stop();
      const stoppedAt = d.checkpointed('users-0');
      await new Promise((r) => setTimeout(r, 1500));
      for (const w of d.workers.values()) expect(w.child.exitCode, `${w.name} waits for the server`).toBeNull();
      await d.nats.start();
      d.publish(['--end']);
      await d.finished();
      expect(stoppedAt, 'the server stopped mid-stream').toBeLessThan(d.checkpointed('users-0'));
      const got = d.records();
      expect(got.length).toBe(expected.length);
      expect(got).toEqual(expected);
      expect(d.logs()).toMatch(/nats disconnect/);
    } finally { await d.close(); }
  }, 90_000);
});

