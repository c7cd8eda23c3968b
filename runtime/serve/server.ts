// `uebac serve` as a library: wires the sources (syslog TCP/UDP, followed files, JetStream)
// into the spool, the processor behind it, the sinks, metrics, and the shutdown order:
// stop accepting → commit the spool → drain → checkpoint → acknowledge → close.
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import type { ContextTable } from '../context.ts';
import { StateStore } from '../state.ts';
import { admitBundle, lineagePath } from '../lineage.ts';
import { policyFromPem, type TrustPolicy } from '../trust.ts';
import { loadBundleSnapshot, type LoadedBundle } from './bundle-source.ts';
import { ServeMetrics, startMetricsServer } from './metrics.ts';
import { Processor, type AlertSink } from './processor.ts';
import { Spool } from './spool.ts';
import { TcpSyslog, UdpSyslog, type Endpoint, type TlsFiles } from './syslog.ts';

export interface ServeOptions {
  bundleDir: string;
  /** SQLite state file; the spool, bundle snapshots and records live beside it unless given */
  state: string;
  spool?: string;
  outDir?: string;
  context?(bundle: LoadedBundle): ReadonlyMap<string, ContextTable>;
  /** which bundles may run (runtime/trust.ts); null or absent: no signature check (library use) */
  trust?: TrustPolicy | null;
  /** the same with one public key */
  trustPem?: Buffer | null;
  /** accept a bundle older than one this state already ran */
  allowRollback?: boolean;
  tcp?: Endpoint[];
  udp?: Endpoint[];
  tls?: TlsFiles;
  metrics?: Endpoint | null;
  latenessMs?: number;
  checkpointLines?: number;
  checkpointMs?: number;
  rotateBytes?: number;
  rotateMs?: number;
  log?(message: string): void;
}

export interface Listening {
  tcp: Endpoint[];
  udp: Endpoint[];
  metrics: Endpoint | null;
}

interface Source {
  close(): Promise<void>;
}

export class ServeRuntime {
  readonly metrics = new ServeMetrics();
  private readonly log: (m: string) => void;
  private spool!: Spool;
  private store!: StateStore;
  private processor!: Processor;
  private running!: Promise<void>;
  private bundle!: LoadedBundle;
  private readonly sources: Source[] = [];
  private http: Server | null = null;
  private alerts: AlertSink | null = null;
  private stopped = false;
  private fail!: (e: Error) => void;
  /** Settles only if processing fails (disk full, damaged spool): the process should exit non-zero. */
  readonly failed = new Promise<Error>((resolve) => { this.fail = resolve; });

  constructor(private readonly opts: ServeOptions) {
    this.log = opts.log ?? ((m) => process.stderr.write(`uebac serve: ${m}\n`));
  }

  get stateDir(): string {
    return dirname(this.opts.state);
  }

  async start(): Promise<Listening> {
    const o = this.opts;
    mkdirSync(this.stateDir, { recursive: true });
    this.store = new StateStore(o.state);
    this.spool = new Spool(o.spool ?? join(this.stateDir, 'spool.db'));
    try {
      this.bundle = await loadBundleSnapshot(o.bundleDir, this.stateDir, o.trust ?? (o.trustPem ? policyFromPem(o.trustPem, '--trust') : null));
      if (this.bundle.trust && !this.bundle.trust.verified) this.log(this.bundle.trust.warning);
      // Before the state is restored or migrated: an older bundle must not take it over.
      const rolledBack = admitBundle(lineagePath(o.state), this.bundle.manifest, this.bundle.trust?.verified ? this.bundle.trust.keyId : null, o.allowRollback ?? false);
      if (rolledBack) this.log(rolledBack);
    } catch (e) {
      this.spool.close();
      this.store.close(); // releases the state lock: a refused bundle leaves nothing held
      throw e;
    }
    const program = this.bundle.module.instantiate(o.context?.(this.bundle) ?? new Map());
    this.processor = new Processor({ program, bundleHash: this.bundle.manifest.bundleHash }, {
      store: this.store,
      spool: this.spool,
      outDir: o.outDir ?? join(this.stateDir, 'records'),
      rotateBytes: o.rotateBytes ?? 64 << 20,
      rotateMs: o.rotateMs ?? 0,
      alerts: { publish: (r) => this.alerts?.publish(r) },
      metrics: this.metrics,
      latenessMs: o.latenessMs ?? 0,
      checkpointLines: o.checkpointLines ?? 50_000,
      checkpointMs: o.checkpointMs ?? 5000,
      log: this.log,
    });
    this.log(`bundle ${this.bundle.manifest.pack.id} ${this.bundle.manifest.pack.version} (sha256 ${this.bundle.manifest.bundleHash.slice(0, 12)}…)`);
    this.running = this.processor.run().catch((e: Error) => this.fail(e));

    const sink = {
      accept: (source: string, lines: readonly string[]) => { this.spool.accept(source, lines); this.metrics.linesIn.inc({ source }, lines.length); },
      frameError: (reason: string) => this.metrics.frameErrors.inc({ reason }),
    };
    const listening: Listening = { tcp: [], udp: [], metrics: null };
    for (const at of o.tcp ?? []) {
      const s = new TcpSyslog(sink, o.tls ? 'tls' : 'tcp', o.tls);
      listening.tcp.push(await s.listen(at));
      this.sources.push(s);
      this.log(`syslog ${o.tls ? 'tls' : 'tcp'} on ${fmt(listening.tcp[listening.tcp.length - 1]!)}`);
    }
    for (const at of o.udp ?? []) {
      const s = new UdpSyslog(sink);
      listening.udp.push(await s.listen(at));
      this.sources.push(s);
      this.log(`syslog udp on ${fmt(listening.udp[listening.udp.length - 1]!)}`);
    }
    if (o.metrics) {
      const { server, port } = await startMetricsServer(this.metrics, o.metrics.host, o.metrics.port, () => this.health(), () => this.refreshGauges());
      this.http = server;
      listening.metrics = { host: o.metrics.host, port };
      this.log(`metrics on http://${fmt(listening.metrics)}/metrics`);
    }
    return listening;
  }

  health(): { ok: boolean; [k: string]: unknown } {
    const age = (Date.now() - this.processor.lastCheckpoint) / 1000;
    return { ok: !this.stopped, bundle: this.processor.bundleHash, processed: this.processor.lines, spooled: this.spool.lastSeq, backlog: this.spool.lastSeq - this.processor.seq, checkpointAgeSeconds: Math.round(age * 10) / 10 };
  }

  private refreshGauges(): void {
    const m = this.metrics;
    m.backlog.set(this.spool.lastSeq - this.processor.seq);
    m.checkpointAge.set((Date.now() - this.processor.lastCheckpoint) / 1000);
    m.held.set(this.processor.held);
    const t = this.processor.latestEventTime;
    if (Number.isFinite(t)) m.lag.set((Date.now() - t) / 1000);
  }

  /** Graceful stop: nothing accepted is left unprocessed or uncheckpointed. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.log('stopping: no new input, draining the spool');
    for (const s of this.sources) await s.close();
    this.spool.flush();
    this.processor.stop();
    await this.running;
    this.spool.close();
    this.store.close();
    if (this.http) await new Promise<void>((r) => this.http!.close(() => r()));
    this.log(`stopped after ${this.processor.lines} lines; checkpoint at spool line ${this.processor.seq}`);
  }
}

function fmt(e: Endpoint): string {
  return e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}
