// A private nats-server with JetStream for the scale-out tests: loopback, a free port kept
// across restarts, its store in a given directory (a restart finds the same streams).
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort, NATS_SERVER } from '../serve/harness.ts';

export { NATS_SERVER };

export interface NatsServer {
  url: string;
  port: number;
  /** stop (SIGTERM, or SIGKILL) and wait for the exit */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** start again on the same port and store */
  start(): Promise<void>;
}

async function accepting(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const { connect } = await import('@nats-io/transport-node');
  let dead = false;
  child.once('exit', () => { dead = true; });
  const until = Date.now() + 30_000;
  while (!dead && Date.now() < until) {
    try {
      const nc = await connect({ servers: url, timeout: 1000 });
      await nc.close();
      return;
    } catch { await new Promise((r) => setTimeout(r, 50)); }
  }
  throw new Error(`nats-server did not start on ${url}:\n${log()}`);
}

export async function startNatsServer(storeDir: string): Promise<NatsServer> {
  if (!NATS_SERVER) throw new Error('nats-server is not installed');
  const port = await freePort();
  const url = `nats://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const server: NatsServer = {
    url,
    port,
    async start() {
      let log = '';
      const c = spawn(NATS_SERVER!, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], { stdio: ['ignore', 'ignore', 'pipe'] });
      c.stderr!.on('data', (d: Buffer) => { log += d.toString(); if (process.env.NATS_LOG) process.stderr.write(d); });
      child = c;
      exited = new Promise<void>((r) => c.once('exit', () => r()));
      await accepting(url, c, () => log);
    },
    async stop(signal = 'SIGTERM') {
      child?.kill(signal);
      await exited;
      child = null;
    },
  };
  await server.start();
  return server;
}
