// `uebac serve`: the long-running runtime. Parses options, starts ServeRuntime, maps
// SIGTERM/SIGINT to a graceful stop (exit 0) and SIGHUP to a bundle reload.
import { ServeRuntime, type ServeOptions } from '../runtime/serve/server.ts';
import { parseEndpoint, type Endpoint } from '../runtime/serve/syslog.ts';
import { loadContextDir } from './context-dir.ts';
import { UsageError } from './run-cmd.ts';
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
}

function endpoints(list: string[], what: string): Endpoint[] {
  return list.map((v) => { try { return parseEndpoint(v); } catch (e) { throw new UsageError(`--${what}: ${(e as Error).message}`); } });
}

export function serveOptions(o: ServeCliOptions): ServeOptions {
  if (o.state === ':memory:') throw new UsageError('serve needs a state file (--state PATH): its checkpoints are what makes a restart lose nothing');
  if ((o.tlsCert === undefined) !== (o.tlsKey === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  const tcp = endpoints(o.tcp, 'tcp');
  const udp = endpoints(o.udp, 'udp');
  if (tcp.length + udp.length === 0) throw new UsageError('no source: give at least one of --tcp, --udp');
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
  };
}

export async function serveCommand(o: ServeCliOptions): Promise<number> {
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
    runtime.failed.then((e) => { process.stderr.write(`uebac serve: fatal: ${e.message}\n`); resolve(1); });
  });
}
