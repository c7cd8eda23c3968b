// `uebac serve` as a library: wires the sources (syslog TCP/UDP, followed files, JetStream)
// into the spool, the processor behind it, the sinks, metrics, bundle swaps, and the shutdown
// order: stop accepting → commit the spool → drain → checkpoint → acknowledge → close.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { readManifest } from '../bundle.ts';
import type { ContextTable } from '../context.ts';
import type { Engine } from '../engine.ts';
import { checkAdmission, lineagePath, recordBundle } from '../lineage.ts';
import { restore, snapshot, StateStore } from '../state.ts';
import { policyFromPem, type TrustPolicy } from '../trust.ts';
import { dirSignature, loadBundleSnapshot, type LoadedBundle } from './bundle-source.ts';
import { FileFollower } from './follow.ts';
import { ServeMetrics, startMetricsServer } from './metrics.ts';
import { describeMigration, identityOf, migrateState } from './migrate.ts';
import { connectNats, JetStreamSource, NatsAlerts, type JetStreamSourceOptions } from './nats.ts';
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
  follow?: string[];
  /** NATS server URL (for the JetStream source and the alert subject) */
  nats?: string;
  jetstream?: Omit<JetStreamSourceOptions, 'maxAckPending'>;
  /** subject that notable session / asset-sequence records are published on */
  alertSubject?: string;
  metrics?: Endpoint | null;
  latenessMs?: number;
  checkpointLines?: number;
  checkpointMs?: number;
  rotateBytes?: number;
  rotateMs?: number;
  /** anchor for RFC 3164 headers without a year before the first dated event (a new state only) */
  timeAnchor?: number;
  /** poll the bundle directory for a new bundle this often (0: only on reload(), e.g. SIGHUP) */
  watchBundleMs?: number;
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
  private jetstream: JetStreamSource | null = null;
  private nc: NatsConnection | null = null;
  private http: Server | null = null;
  private alerts: AlertSink | null = null;
  private stopped = false;
  private watcher: NodeJS.Timeout | null = null;
  private watchedSignature = '';
  private reloading: Promise<void> = Promise.resolve();
  /**
   * Flow control: at most this many JetStream messages wait for the checkpoint that
   * acknowledges them (each is held in memory until then); half of it asks for a checkpoint.
   */
  private readonly maxAckPending: number;
  private fail!: (e: Error) => void;
  /** Settles only if processing fails (disk full, damaged spool): the process should exit non-zero. */
  readonly failed = new Promise<Error>((resolve) => { this.fail = resolve; });

  constructor(private readonly opts: ServeOptions) {
    this.log = opts.log ?? ((m) => process.stderr.write(`uebac serve: ${m}\n`));
    this.maxAckPending = Math.max(1000, Math.min(2 * (opts.checkpointLines ?? 50_000), 20_000));
  }

  get stateDir(): string {
    return dirname(this.opts.state);
  }

  get bundleHash(): string {
    return this.processor.bundleHash;
  }

  async start(): Promise<Listening> {
    const o = this.opts;
    mkdirSync(this.stateDir, { recursive: true });
    this.store = new StateStore(o.state);
    this.spool = new Spool(o.spool ?? join(this.stateDir, 'spool.db'));
    this.watchedSignature = dirSignature(o.bundleDir);
    try {
      this.bundle = await this.loadAdmitted();
    } catch (e) {
      this.spool.close();
      this.store.close(); // releases the state lock: a refused bundle leaves nothing held
      throw e;
    }
    const program = this.bundle.module.instantiate(o.context?.(this.bundle) ?? new Map());
    const checkpointLines = o.checkpointLines ?? 50_000;
    const checkpointMs = o.checkpointMs ?? 5000;
    this.processor = new Processor({ program, bundleHash: this.bundle.manifest.bundleHash }, {
      store: this.store,
      spool: this.spool,
      outDir: o.outDir ?? join(this.stateDir, 'records'),
      rotateBytes: o.rotateBytes ?? 64 << 20,
      rotateMs: o.rotateMs ?? 0,
      alerts: { publish: (r) => this.alerts?.publish(r) },
      metrics: this.metrics,
      latenessMs: o.latenessMs ?? 0,
      checkpointLines,
      checkpointMs,
      timeAnchor: o.timeAnchor,
      acksWaiting: () => (this.jetstream?.unacknowledged ?? 0) > 0,
      ackPressure: () => (this.jetstream?.unacknowledged ?? 0) >= this.maxAckPending / 2,
      onCheckpoint: (seq) => this.jetstream?.covered(seq),
      log: this.log,
    }, (saved, savedHash, engine) => this.migrateFromSnapshot(saved, savedHash, engine));
    this.recordRunning(this.bundle); // the state is now this bundle's
    this.log(`bundle ${this.bundle.manifest.pack.id} ${this.bundle.manifest.pack.version} (sha256 ${this.bundle.manifest.bundleHash.slice(0, 12)}…)`);
    // Alerts are wired before processing starts: the spool may hold lines from before a restart.
    if (o.nats) this.nc = await connectNats(o.nats, this.log);
    if (o.alertSubject) {
      if (!this.nc) throw new Error('an alert subject needs a NATS server (--nats URL)');
      this.alerts = new NatsAlerts(this.nc, o.alertSubject, this.metrics);
      this.log(`alerts (notable sessions and asset sequences) on NATS subject ${o.alertSubject}`);
    }
    this.running = this.processor.run().catch((e: Error) => this.fail(e));
    const sink = {
      accept: (source: string, lines: Parameters<Spool['accept']>[1]) => { this.spool.accept(source, lines); this.metrics.linesIn.inc({ source }, lines.length); },
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
    for (const file of o.follow ?? []) {
      const f = new FileFollower(file, this.spool, this.metrics, this.log, this.fail);
      f.start();
      this.sources.push(f);
    }
    if (o.jetstream) {
      if (!this.nc) throw new Error('a JetStream source needs a NATS server (--nats URL)');
      const js = new JetStreamSource(this.nc, { ...o.jetstream, maxAckPending: this.maxAckPending }, this.spool, this.metrics, this.log, this.fail);
      await js.start();
      this.jetstream = js;
      this.sources.push(js);
    }
    if (o.metrics) {
      const { server, port } = await startMetricsServer(this.metrics, o.metrics.host, o.metrics.port, () => this.health(), () => this.refreshGauges());
      this.http = server;
      listening.metrics = { host: o.metrics.host, port };
      this.log(`metrics on http://${fmt(listening.metrics)}/metrics`);
    }
    if (o.watchBundleMs) this.watchBundle(o.watchBundleMs);
    return listening;
  }

  private get trustPolicy(): TrustPolicy | null {
    const o = this.opts;
    return o.trust ?? (o.trustPem ? policyFromPem(o.trustPem, '--trust') : null);
  }

  /**
   * The bundle in DIR, verified (manifest, ABI, hash, signature policy) and checked against
   * the state's lineage (an older bundle than one this state ran is refused unless allowed).
   * It enters the lineage only once it has taken over (recordRunning).
   */
  private async loadAdmitted(): Promise<LoadedBundle> {
    const bundle = await loadBundleSnapshot(this.opts.bundleDir, this.stateDir, this.trustPolicy);
    this.admit(bundle);
    return bundle;
  }

  private admit(bundle: LoadedBundle): void {
    if (bundle.trust && !bundle.trust.verified) this.log(bundle.trust.warning);
    // Before the state is restored or migrated: an older bundle must not take it over.
    const rolledBack = checkAdmission(lineagePath(this.opts.state), bundle.manifest, this.opts.allowRollback ?? false);
    if (rolledBack) this.log(rolledBack);
  }

  private recordRunning(bundle: LoadedBundle): void {
    recordBundle(lineagePath(this.opts.state), bundle.manifest, bundle.trust?.verified ? bundle.trust.keyId : null);
  }

  /** A new bundle put into DIR (files changed and settled) is loaded like on SIGHUP. */
  private watchBundle(everyMs: number): void {
    this.watcher = setInterval(() => {
      const sig = dirSignature(this.opts.bundleDir);
      if (sig === this.watchedSignature) return;
      this.watchedSignature = sig;
      void this.reload('bundle directory changed');
    }, everyMs);
    this.watcher.unref();
  }

  /**
   * Load the bundle in DIR and swap it in if it differs from the running one. A bundle that
   * fails verification (manifest, ABI, hash, signature) or cannot be loaded is refused and
   * the running one keeps going. Reloads run one at a time.
   */
  reload(why = 'reload requested'): Promise<void> {
    this.reloading = this.reloading.then(() => this.reloadNow(why));
    return this.reloading;
  }

  private async reloadNow(why: string): Promise<void> {
    if (this.stopped) return;
    const old = this.bundle;
    let next: LoadedBundle;
    let program;
    try {
      next = await loadBundleSnapshot(this.opts.bundleDir, this.stateDir, this.trustPolicy);
      if (next.manifest.bundleHash === old.manifest.bundleHash) { this.log(`${why}: the bundle is unchanged (sha256 ${old.manifest.bundleHash.slice(0, 12)}…)`); return; }
      this.admit(next);
      program = next.module.instantiate(this.opts.context?.(next) ?? new Map());
    } catch (e) {
      this.metrics.swaps.inc({ outcome: 'refused' });
      this.log(`${why}: new bundle refused, still running sha256 ${old.manifest.bundleHash.slice(0, 12)}…: ${(e as Error).message}`);
      return;
    }
    try {
      const at = await this.processor.swap({ program, bundleHash: next.manifest.bundleHash }, (from, to) => this.migrateEngine(from, to, old, next));
      this.bundle = next;
      this.metrics.swaps.inc({ outcome: 'swapped' });
      this.log(`bundle swapped after spool line ${at}: ${next.manifest.pack.id} ${next.manifest.pack.version} (sha256 ${next.manifest.bundleHash.slice(0, 12)}…) replaces sha256 ${old.manifest.bundleHash.slice(0, 12)}…`);
    } catch (e) {
      this.metrics.swaps.inc({ outcome: 'refused' });
      this.log(`${why}: swap failed, still running sha256 ${old.manifest.bundleHash.slice(0, 12)}…: ${(e as Error).message}`);
      return;
    }
    try {
      this.recordRunning(next);
    } catch (e) {
      this.log(`warning: the bundle history ${lineagePath(this.opts.state)} could not record sha256 ${next.manifest.bundleHash.slice(0, 12)}…: ${(e as Error).message}`);
    }
  }

  private migrateEngine(from: Engine, to: Engine, old: LoadedBundle, next: LoadedBundle): void {
    const { state, report } = migrateState(snapshot(from) as Record<string, unknown>, identityOf(old.manifest), identityOf(next.manifest));
    restore(to, state);
    this.log(`state carried over by definition:\n  ${describeMigration(report)}`);
  }

  /** Restart with another bundle than the one that wrote the state: the same migration. */
  private migrateFromSnapshot(saved: Record<string, unknown>, savedHash: string, engine: Engine): void {
    const dir = join(this.stateDir, 'bundles', savedHash);
    if (!existsSync(join(dir, 'manifest.json'))) throw new Error(`the state was written by bundle sha256 ${savedHash.slice(0, 12)}…, whose copy in ${dir} is missing: its state cannot be matched to the new bundle; give serve a new --state`);
    const { state, report } = migrateState(saved, identityOf(readManifestLoose(dir)), identityOf(this.bundle.manifest));
    restore(engine, state);
    this.log(`the state was written by bundle sha256 ${savedHash.slice(0, 12)}…; carried over by definition:\n  ${describeMigration(report)}`);
  }

  health(): { ok: boolean; [k: string]: unknown } {
    const age = (Date.now() - this.processor.lastCheckpoint) / 1000;
    return { ok: !this.stopped, bundle: this.processor.bundleHash, processed: this.processor.lines, spooled: this.spool.lastSeq, backlog: this.spool.lastSeq - this.processor.seq, held: this.processor.held, checkpointedSeq: this.processor.checkpointedSeq, checkpointAgeSeconds: Math.round(age * 10) / 10 };
  }

  private refreshGauges(): void {
    const m = this.metrics;
    m.backlog.set(this.spool.lastSeq - this.processor.seq);
    m.checkpointAge.set((Date.now() - this.processor.lastCheckpoint) / 1000);
    m.held.set(this.processor.held);
    m.timeGuardHeld.set(this.processor.timeGuardHeld);
    m.countEvictions(this.processor.engine);
    const t = this.processor.latestEventTime;
    if (Number.isFinite(t)) m.lag.set((Date.now() - t) / 1000);
  }

  /** Graceful stop: nothing accepted is left unprocessed, uncheckpointed or unacknowledged. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.watcher) clearInterval(this.watcher);
    await this.reloading;
    this.log('stopping: no new input, draining the spool');
    for (const s of this.sources) await s.close();
    this.spool.flush();
    this.processor.stop();
    await this.running; // the final checkpoint acknowledges what it covers
    await this.jetstream?.flush();
    if (this.nc) await this.nc.drain().catch(() => undefined);
    this.spool.close();
    this.store.close();
    if (this.http) await new Promise<void>((r) => this.http!.close(() => r()));
    this.log(`stopped after ${this.processor.lines} lines; checkpoint at spool line ${this.processor.seq}`);
  }
}

/** The manifest of a bundle snapshot that wrote the state (its ABI may be older: only ids and fingerprints are read). */
function readManifestLoose(dir: string) {
  try {
    return readManifest(dir);
  } catch {
    return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ReturnType<typeof readManifest>;
  }
}

function fmt(e: Endpoint): string {
  return e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}
