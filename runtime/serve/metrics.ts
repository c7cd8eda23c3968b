// Prometheus metrics (prom-client, a registry of our own) and the loopback HTTP endpoint
// serving /metrics and /healthz.
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Registry } from 'prom-client';
import type { Engine } from '../engine.ts';
import { EVICTION_KINDS, evictionCounts, evictionKey, evictionsSince, type EvictionCounts } from '../evictions.ts';

export class ServeMetrics {
  readonly registry = new Registry();
  readonly linesIn = new Counter({ name: 'uebac_lines_in_total', help: 'Lines accepted into the spool, by source', labelNames: ['source'], registers: [this.registry] });
  readonly frameErrors = new Counter({ name: 'uebac_frame_errors_total', help: 'Syslog framing errors, by reason', labelNames: ['reason'], registers: [this.registry] });
  readonly linesProcessed = new Counter({ name: 'uebac_lines_processed_total', help: 'Spooled lines processed', registers: [this.registry] });
  readonly eventsParsed = new Counter({ name: 'uebac_events_parsed_total', help: 'Lines parsed into events', registers: [this.registry] });
  readonly rejected = new Counter({ name: 'uebac_lines_rejected_total', help: 'Lines rejected, by reason', labelNames: ['reason'], registers: [this.registry] });
  readonly rulesFired = new Counter({ name: 'uebac_rules_fired_total', help: 'Rule records emitted', registers: [this.registry] });
  readonly notable = new Counter({ name: 'uebac_notable_sessions_total', help: 'Notable sessions closed', registers: [this.registry] });
  readonly lateEvents = new Counter({ name: 'uebac_late_events_total', help: 'Events older than the watermark on arrival (still scored)', registers: [this.registry] });
  readonly checkpoints = new Counter({ name: 'uebac_checkpoints_total', help: 'Checkpoints written', registers: [this.registry] });
  readonly swaps = new Counter({ name: 'uebac_bundle_swaps_total', help: 'Bundle swaps, by outcome', labelNames: ['outcome'], registers: [this.registry] });
  readonly repaired = new Counter({ name: 'uebac_lines_repaired_total', help: 'Lines kept with replaced bytes, by reason (invalid-utf8)', labelNames: ['reason'], registers: [this.registry] });
  readonly redelivered = new Counter({ name: 'uebac_redelivered_total', help: 'Messages delivered again that were already spooled (acknowledged, not spooled twice), by source', labelNames: ['source'], registers: [this.registry] });
  readonly readFromStream = new Counter({ name: 'uebac_read_from_stream_total', help: 'Messages read straight from the stream to keep stream order (delivered earlier, never received), by source', labelNames: ['source'], registers: [this.registry] });
  readonly acked = new Counter({ name: 'uebac_acked_total', help: 'Messages acknowledged upstream after a checkpoint covered them, by source', labelNames: ['source'], registers: [this.registry] });
  readonly followRotations = new Counter({ name: 'uebac_follow_rotations_total', help: 'Followed-file rotations handled, by kind (rename, truncate, unseen: rotated away before it was seen)', labelNames: ['kind'], registers: [this.registry] });
  readonly alertsPublished = new Counter({ name: 'uebac_alerts_published_total', help: 'Notable records published to the alert subject', registers: [this.registry] });
  readonly alertErrors = new Counter({ name: 'uebac_alert_publish_errors_total', help: 'Alerts that could not be published', registers: [this.registry] });
  readonly backlog = new Gauge({ name: 'uebac_spool_backlog_lines', help: 'Lines spooled but not yet processed', registers: [this.registry] });
  readonly lag = new Gauge({ name: 'uebac_event_lag_seconds', help: 'Wall clock minus the latest event time processed', registers: [this.registry] });
  readonly checkpointAge = new Gauge({ name: 'uebac_checkpoint_age_seconds', help: 'Seconds since the last checkpoint', registers: [this.registry] });
  readonly held = new Gauge({ name: 'uebac_watermark_held_events', help: 'Events held until the watermark passes them', registers: [this.registry] });
  readonly timeGuardHeld = new Gauge({ name: 'uebac_time_guard_held_events', help: 'Events the time guard holds after a far-ahead time until later events confirm or refute it (part of uebac_watermark_held_events)', registers: [this.registry] });
  readonly evictions = new Counter({ name: 'uebac_evictions_total', help: 'Entries dropped at the memory caps since this process started, by kind (sessions, bins, model_instances, seen_anywhere, day_sequences, asset_sequences, last_sessions, user_histories)', labelNames: ['kind'], registers: [this.registry] });
  /** the engine's eviction totals already counted, per engine (the totals are state: they continue from a checkpoint) */
  private evictionsSeen = new WeakMap<Engine, EvictionCounts>();

  /**
   * Count the evictions of `engine` since the last call. The first call for an engine (at start,
   * after a restart or a bundle swap) only takes its totals as the starting point, so the
   * counter says what this process evicted, as a Prometheus counter should.
   */
  countEvictions(engine: Engine): void {
    const now = evictionCounts(engine);
    const seen = this.evictionsSeen.get(engine);
    this.evictionsSeen.set(engine, now);
    if (!seen) {
      for (const k of EVICTION_KINDS) this.evictions.inc({ kind: evictionKey(k) }, 0); // every kind shows, at 0
      return;
    }
    const d = evictionsSince(now, seen);
    for (const k of EVICTION_KINDS) if (d[k] > 0) this.evictions.inc({ kind: evictionKey(k) }, d[k]);
  }
}

export interface Health {
  ok: boolean;
  [k: string]: unknown;
}

/** Serve /metrics and /healthz; refuses to bind anything but a loopback address. */
export async function startMetricsServer(metrics: ServeMetrics, host: string, port: number, health: () => Health, beforeScrape: () => void): Promise<{ server: Server; port: number }> {
  if (!/^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(host)) throw new Error(`the metrics endpoint listens on loopback only (got ${host})`);
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/metrics') {
      beforeScrape();
      metrics.registry.metrics().then((text) => { res.writeHead(200, { 'content-type': metrics.registry.contentType }); res.end(text); }, (e: Error) => { res.writeHead(500); res.end(e.message); });
    } else if (url === '/healthz') {
      const h = health();
      res.writeHead(h.ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify(h) + '\n');
    } else {
      res.writeHead(404);
      res.end('not found: try /metrics or /healthz\n');
    }
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, host, () => resolve()); });
  return { server, port: (server.address() as { port: number }).port };
}
