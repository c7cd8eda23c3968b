// `uebac serve --role parse|models|users --partition i/n`: one worker of the scale-out stages
// on a NATS JetStream bus (runtime/scale/roles.ts, runtime/scale/nats-bus.ts), and
// `uebac publish`: log files onto the bus's raw subject, then (with --end) the end of input.
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { loadTrustedBundle } from '../runtime/bundle.ts';
import { lineCapBytes, readLines } from '../runtime/lines.ts';
import { NatsBus, NATS_BUS_DEFAULTS } from '../runtime/scale/nats-bus.ts';
import { publishEnd, publishRaw } from '../runtime/scale/messages.ts';
import { startWorker, type Role } from '../runtime/scale/roles.ts';
import { loadContextDir } from './context-dir.ts';
import { UsageError } from './run-cmd.ts';
import { cliTrustPolicy, warnOnStderr, type TrustCliOptions } from './trust-options.ts';

export type Counts = { parse: number; models: number; users: number };

/** `i/n` → partition i of n (0-based). */
export function parsePartition(v: string): { index: number; of: number } {
  const m = /^(\d+)\/(\d+)$/.exec(v.trim());
  if (!m) throw new UsageError(`--partition ${JSON.stringify(v)}: expected i/n, e.g. 0/2 (partition i of n, counted from 0)`);
  const index = Number(m[1]), of = Number(m[2]);
  if (of < 1 || index >= of) throw new UsageError(`--partition ${v}: i must be below n (partitions 0/${of} … ${Math.max(0, of - 1)}/${of})`);
  return { index, of };
}

/** `parse=2,models=2,users=4` → worker counts per stage; every stage must be given. */
export function parseStages(v: string): Counts {
  const out: Partial<Counts> = {};
  for (const part of v.split(',')) {
    const m = /^\s*(parse|models|users)=(\d+)\s*$/.exec(part);
    if (!m || Number(m[2]) < 1) throw new UsageError(`--stages ${JSON.stringify(v)}: expected parse=N,models=N,users=N with N ≥ 1`);
    out[m[1] as Role] = Number(m[2]);
  }
  for (const s of ['parse', 'models', 'users'] as const) if (out[s] === undefined) throw new UsageError(`--stages ${JSON.stringify(v)}: the ${s} count is missing (every worker must know every stage's count)`);
  return out as Counts;
}

export interface RoleCliOptions extends TrustCliOptions {
  role: string;
  partition?: string;
  stages?: string;
  nats?: string;
  natsStream?: string;
  natsPrefix?: string;
  scaleDir: string;
  out?: string;
  bundle: string;
  context?: string;
  checkpointEvents?: number;
}

export interface RoleSetup {
  role: Role;
  partition: number;
  counts: Counts;
  url: string;
  stream: string;
  prefix: string;
  stateDir: string;
  recordsDir: string;
}

export function roleSetup(o: RoleCliOptions): RoleSetup {
  if (o.role !== 'parse' && o.role !== 'models' && o.role !== 'users') throw new UsageError(`--role ${JSON.stringify(o.role)}: expected parse, models or users`);
  if (!o.partition) throw new UsageError('--role needs --partition i/n (this worker\'s partition of its stage)');
  if (!o.stages) throw new UsageError('--role needs --stages parse=N,models=N,users=N (the worker count of every stage)');
  if (!o.nats) throw new UsageError('--role needs --nats URL (the JetStream server the stages talk over)');
  const { index, of } = parsePartition(o.partition);
  const counts = parseStages(o.stages);
  if (counts[o.role] !== of) throw new UsageError(`--partition ${o.partition} says ${of} ${o.role} workers, --stages says ${counts[o.role]}`);
  const dir = resolve(o.scaleDir);
  return {
    role: o.role, partition: index, counts, url: o.nats,
    stream: o.natsStream ?? NATS_BUS_DEFAULTS.stream,
    prefix: o.natsPrefix ?? NATS_BUS_DEFAULTS.prefix,
    stateDir: join(dir, 'state'),
    recordsDir: o.out ? resolve(o.out) : join(dir, 'records'),
  };
}

const say = (m: string) => process.stderr.write(`uebac serve: ${m}\n`);

export async function roleCommand(o: RoleCliOptions): Promise<number> {
  const s = roleSetup(o);
  const { module, manifest } = await loadTrustedBundle(o.bundle, cliTrustPolicy(o), warnOnStderr);
  const program = module.instantiate(o.context ? loadContextDir(o.context, manifest) : new Map());
  const name = `${s.role} ${s.partition}/${s.counts[s.role]}`;
  const log = (m: string) => say(`${name}: ${m}`);
  const bus = await NatsBus.open(s.url, { stream: s.stream, prefix: s.prefix, log });
  const worker = startWorker({ program, bus, role: s.role, partition: s.partition, counts: s.counts, stateDir: s.stateDir, recordsDir: s.recordsDir, checkpointEvery: o.checkpointEvents, bundleHash: manifest.bundleHash, log });
  say(`${name} on stream ${s.stream} (${s.url}), state in ${s.stateDir}${s.role === 'users' ? `, records in ${s.recordsDir}` : ''}`);
  say('ready');
  const cpu0 = process.cpuUsage();
  let signalled = '';
  const stop = (signal: string) => {
    if (signalled) return;
    signalled = signal;
    say(`${signal} received: checkpointing and stopping`);
    void worker.stop();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  try {
    await worker.done;
    const what = `${worker.progress} ${s.role === 'parse' ? 'raw messages' : 'events'}`;
    // CPU since ready and peak memory: what sizing a stage needs (bench/scale-nats.ts reads this line).
    const cpu = process.cpuUsage(cpu0);
    const usage = `cpu ${Math.round((cpu.user + cpu.system) / 1000)} ms, peak rss ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`;
    say(signalled ? `${name} stopped after ${what}; ${usage}` : `${name}: end of input processed (${what}); ${usage}`);
    return 0;
  } catch (e) {
    say(`${name}: fatal: ${(e as Error).message}`);
    return 1;
  } finally {
    await bus.close();
  }
}

const MAX_MESSAGE_BYTES = 512 * 1024;

export interface PublishCliOptions {
  nats: string;
  natsStream?: string;
  natsPrefix?: string;
  linesPerMessage: number;
  end?: boolean;
}

/**
 * Publish log lines as raw messages of up to `linesPerMessage` lines, each carrying its file
 * and first line (the records name them, as `uebac run` does) and the id
 * `raw:<file>:<line>:<hash of the text>`: publishing a file again after an interruption stores
 * nothing twice (within the stream's duplicate window), while new lines under a reused file
 * name (a rotated log) are new messages, never dropped as duplicates.
 */
export async function publishCommand(files: string[], o: PublishCliOptions): Promise<number> {
  if (files.length === 0 && !o.end) throw new UsageError('nothing to publish: give log files (- for stdin), --end, or both');
  const bus = await NatsBus.open(o.nats, { stream: o.natsStream ?? NATS_BUS_DEFAULTS.stream, prefix: o.natsPrefix ?? NATS_BUS_DEFAULTS.prefix, log: (m) => process.stderr.write(`uebac publish: ${m}\n`) });
  let lines = 0, messages = 0;
  try {
    for (const file of files) {
      let batch: string[] = [];
      let bytes = 0;
      let first = 1, n = 0;
      const inFlight: Array<Promise<void>> = [];
      const flush = async () => {
        if (batch.length === 0) return;
        // A trailing empty line needs its own newline: the parse stage drops one final empty piece.
        const text = batch.join('\n') + (batch.length > 1 && batch[batch.length - 1] === '' ? '\n' : '');
        const digest = createHash('sha256').update(text).digest('base64url').slice(0, 16);
        inFlight.push(publishRaw(bus, `raw:${file}:${first}:${digest}`, text, { file, line: first }));
        messages++;
        batch = [];
        bytes = 0;
        first = n + 1;
        if (inFlight.length >= 256) await Promise.all(inFlight.splice(0));
      };
      // The line cap of `uebac run` (a longer line is cut there too, and rejected as too long by the parser).
      for await (const chunk of readLines(file, 0, undefined, { maxLineBytes: lineCapBytes(65536) })) {
        for (const l of chunk) {
          // A message stays well under NATS's default 1 MiB payload limit (JSON escapes included).
          const size = Buffer.byteLength(JSON.stringify(l.text));
          if (batch.length && bytes + size > MAX_MESSAGE_BYTES) await flush();
          batch.push(l.text);
          bytes += size;
          n++;
          if (batch.length >= o.linesPerMessage) await flush();
        }
      }
      await flush();
      await Promise.all(inFlight);
      lines += n;
    }
    if (o.end) await publishEnd(bus);
    process.stderr.write(`uebac publish: ${lines} lines in ${messages} messages${o.end ? ', then the end of input' : ''}\n`);
    return 0;
  } finally {
    await bus.close();
  }
}
