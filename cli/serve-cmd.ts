// `uebac serve`: the long-running runtime. Parses options, starts ServeRuntime, maps
// SIGTERM/SIGINT to a graceful stop (exit 0) and SIGHUP to a bundle reload.
import { ServeRuntime, type ServeOptions } from '../runtime/serve/server.ts';
import { parseEndpoint, type Endpoint } from '../runtime/serve/syslog.ts';
import { loadContextDir } from './context-dir.ts';
import { UsageError, yearAnchor } from './run-cmd.ts';
import { cliTrustPolicy, type TrustCliOptions } from './trust-options.ts';

export interface ServeCliOptions extends TrustCliOptions {
  bundle: string;
  state: string;
  out?: string;
  spool?: string;
  context?: string;
  tcp: string[];
  udp: string[];
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  metrics: string | false;
  allowedLateness: number;
  checkpointLines?: number;
  checkpointSeconds: number;
  rotateMb: number;
  rotateMinutes: number;
  follow: string[];
  nats?: string;
  natsStream?: string;
  natsSubject?: string;
  natsConsumer: string;
  natsAckWait: number;
  natsAlerts?: string;
  year?: string;
  watchBundle: number | false;
  /** scale-out: run one worker of a stage instead (cli/scale-cmd.ts) */
  role?: string;
  partition?: string;
  stages?: string;
  natsPrefix?: string;
  scaleDir: string;
  checkpointEvents?: number;
}

function endpoints(list: string[], what: string): Endpoint[] {
  return list.map((v) => { try { return parseEndpoint(v); } catch (e) { throw new UsageError(`--${what}: ${(e as Error).message}`); } });
}

export function serveOptions(o: ServeCliOptions): ServeOptions {
  if (o.state === ':memory:') throw new UsageError('serve needs a state file (--state PATH): its checkpoints are what makes a restart lose nothing');
  if ((o.tlsCert === undefined) !== (o.tlsKey === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  const tcp = endpoints(o.tcp, 'tcp');
  const udp = endpoints(o.udp, 'udp');
  if ((o.natsStream || o.natsAlerts) && !o.nats) throw new UsageError('--nats-stream and --nats-alerts need --nats URL');
  if (o.natsSubject && !o.natsStream) throw new UsageError('--nats-subject filters the --nats-stream source: give --nats-stream too');
  if (tcp.length + udp.length + o.follow.length === 0 && !o.natsStream) throw new UsageError('no source: give at least one of --tcp, --udp, --follow, --nats-stream');
  // A message waits for the checkpoint that acknowledges it: the ack wait must outlast the checkpoint interval.
  if (o.natsStream && o.natsAckWait <= 2 * o.checkpointSeconds) throw new UsageError(`--nats-ack-wait (${o.natsAckWait} s) must be more than twice --checkpoint-seconds (${o.checkpointSeconds} s): messages are acknowledged only after the checkpoint that covers them`);
  return {
    bundleDir: o.bundle,
    state: o.state,
    spool: o.spool,
    outDir: o.out,
    context: o.context ? (b) => loadContextDir(o.context!, b.manifest) : undefined,
    trust: cliTrustPolicy(o),
    allowRollback: o.allowRollback ?? false,
    tcp,
    udp,
    tls: o.tlsCert ? { cert: o.tlsCert, key: o.tlsKey!, ca: o.tlsCa } : undefined,
    metrics: o.metrics === false ? null : parseEndpoint(o.metrics),
    latenessMs: o.allowedLateness * 1000,
    checkpointLines: o.checkpointLines,
    checkpointMs: o.checkpointSeconds * 1000,
    rotateBytes: o.rotateMb * (1 << 20),
    rotateMs: o.rotateMinutes * 60_000,
    follow: o.follow,
    nats: o.nats,
    jetstream: o.natsStream ? { stream: o.natsStream, consumer: o.natsConsumer, subject: o.natsSubject, ackWaitMs: o.natsAckWait * 1000 } : undefined,
    alertSubject: o.natsAlerts,
    timeAnchor: yearAnchor(o.year),
    watchBundleMs: o.watchBundle === false ? 0 : o.watchBundle * 1000,
  };
}

/** Options of the single-process receiver that a scale-out worker does not take. */
function notWithRole(o: ServeCliOptions): string[] {
  const given: string[] = [];
  if (o.tcp.length) given.push('--tcp');
  if (o.udp.length) given.push('--udp');
  if (o.follow.length) given.push('--follow');
  if (o.natsSubject) given.push('--nats-subject');
  if (o.natsAlerts) given.push('--nats-alerts');
  if (o.tlsCert) given.push('--tls-cert');
  return given;
}

export async function serveCommand(o: ServeCliOptions): Promise<number> {
  if (o.role !== undefined) {
    const extra = notWithRole(o);
    if (extra.length) throw new UsageError(`${extra.join(', ')}: not with --role (a scale-out worker reads the bus; feed it with \`uebac publish\`)`);
    return (await import('./scale-cmd.ts')).roleCommand(o as ServeCliOptions & { role: string });
  }
  if (o.partition || o.stages) throw new UsageError('--partition and --stages go with --role parse|models|users');
  const runtime = new ServeRuntime(serveOptions(o));
  await runtime.start();
  process.stderr.write('uebac serve: ready\n');
  return await new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`uebac serve: ${signal} received\n`);
      runtime.stop().then(() => resolve(0), (e: Error) => { process.stderr.write(`uebac serve: ${e.message}\n`); resolve(1); });
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', () => { if (!stopping) void runtime.reload('SIGHUP'); });
    runtime.failed.then((e) => { process.stderr.write(`uebac serve: fatal: ${e.message}\n`); resolve(1); });
  });
}
