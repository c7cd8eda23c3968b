// Hostile cardinality: a log stream with very many distinct users, hosts and devices must not
// grow the engine without bound. Runs a copy of content/ whose caps are small
// (maxOpenSessions 1000, maxAssetSequences 500, every model maxBins 50) and feeds it events
// built directly (program.makeEvent + fields + program.enrich + engine.process).
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IR } from '../../compiler/compile.ts';
import { Engine, type RuleRecord, type ScopeRecord } from '../../runtime/engine.ts';
import type { Program } from '../../runtime/program.ts';
import { loadContentProgram, Rand, ROOT } from '../../scripts/fuzz.ts';

const MAX_SESSIONS = 1000;
const MAX_ASSETS = 500;
const MAX_BINS = 50;
const MAX_FIELD = 1024;
const MAX_INSTANCES = 2000;
const MAX_ANYWHERE = 3000;
const MAX_DAY_SEQUENCES = 1200;
const T0 = Date.UTC(2026, 9, 1);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

let tmp: string;
let bundleDir: string;
let program: Program;
let ir: IR;
let usb: number;
/** an event type with asset-scoped aggregates (asset sequences), or -1 */
let assetType: number;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'uebac-card-'));
  const content = join(tmp, 'content');
  cpSync(join(ROOT, 'content'), content, { recursive: true });
  const pack = join(content, 'pack.yaml');
  const text = readFileSync(pack, 'utf8');
  const capped = text
    .replace(/^(\s+maxOpenSessions:) \d+/m, `$1 ${MAX_SESSIONS}`)
    .replace(/^(\s+maxAssetSequences:) \d+/m, `$1 ${MAX_ASSETS}`)
    .replace(/^(\s+riskTransfer:\n\s+enabled:) false/m, '$1 true') // the last-session store exists only with it
    .replace(/^(\s+maxFieldLength:) \d+/m, `$1 ${MAX_FIELD}\n    maxModelInstances: ${MAX_INSTANCES}\n    maxSeenAnywhere: ${MAX_ANYWHERE}\n    maxDaySequences: ${MAX_DAY_SEQUENCES}`);
  expect(capped, 'pack.yaml declares settings.limits.maxOpenSessions / maxAssetSequences').not.toBe(text);
  writeFileSync(pack, capped);
  for (const f of readdirSync(join(content, 'models'))) {
    const p = join(content, 'models', f);
    const t = readFileSync(p, 'utf8');
    writeFileSync(p, /^maxBins:/m.test(t) ? t.replace(/^maxBins: .*$/m, `maxBins: ${MAX_BINS}`) : `${t.trimEnd()}\nmaxBins: ${MAX_BINS}\n`);
  }
  const loaded = await loadContentProgram(content);
  ({ program, ir } = loaded);
  bundleDir = loaded.dir;
  expect(program.settings.maxOpenSessions).toBe(MAX_SESSIONS);
  expect(program.settings.riskTransfer.enabled).toBe(true);
  expect(program.settings.maxAssetSequences).toBe(MAX_ASSETS);
  expect(program.settings.maxFieldLength).toBe(MAX_FIELD);
  expect(program.settings.maxModelInstances).toBe(MAX_INSTANCES);
  expect(program.settings.maxSeenAnywhere).toBe(MAX_ANYWHERE);
  expect(program.settings.maxDaySequences).toBe(MAX_DAY_SEQUENCES);
  expect(program.models.every((m) => m.maxBins === MAX_BINS)).toBe(true);
  usb = ir.eventTypes.findIndex((e) => e.name === 'usb-write');
  expect(usb).toBeGreaterThanOrEqual(0);
  const withAssets = new Set(ir.counters.filter((c) => c.scope === 'asset').flatMap((c) => c.eventTypes));
  assetType = [...withAssets].sort((a, b) => a - b)[0] ?? -1;
});
afterAll(() => {
  for (const d of [tmp, bundleDir]) if (d) rmSync(d, { recursive: true, force: true });
});

interface Pools { users: number; hosts: number; devices: number; other: number }

/**
 * A generator of events, one per second of event time. `assetShare` of them are of the
 * asset-sequence type with every field filled from the `other` pool; the rest are usb-write
 * events (user, host/dest, device, file). A pool of Infinity gives a fresh value every event.
 */
function makeStream(seed: number, pools: Pools, assetShare = 0) {
  const r = new Rand(seed);
  const draw = (pool: number, n: number) => (pool === Infinity ? n : r.int(pool));
  let n = 0;
  return () => {
    const t = T0 + n * 1000;
    const et = assetType >= 0 && assetShare > 0 && r.chance(assetShare) ? assetType : usb;
    const ev = program.makeEvent(et, t);
    if (et === usb) {
      const host = `ws-${draw(pools.hosts, n)}`;
      ev.user = `user${draw(pools.users, n)}`;
      ev.host = host;
      ev.dest = host;
      ev.device_id = `DEV${draw(pools.devices, n).toString(16).toUpperCase().padStart(12, '0')}`;
      ev.file_name = `f${r.int(100)}.docx`;
      ev.bytes = r.int(10_000_000);
    } else {
      for (const f of ir.eventTypes[et]!.fields) {
        const k = f.name === 'user' ? draw(pools.users, n) : draw(pools.other, n);
        switch (f.type) {
          case 'string': ev[f.name] = f.name === 'user' ? `user${k}` : `${f.name}-${k}`; break;
          case 'ip': ev[f.name] = `10.${k & 255}.${(k >> 8) & 255}.${(k >> 16) & 255}`; break;
          case 'number': ev[f.name] = r.int(1_000_000); break;
          case 'boolean': ev[f.name] = r.chance(0.5); break;
          case 'list': ev[f.name] = [`${f.name}-${k}`]; break;
          case 'time': ev[f.name] = t; break;
        }
      }
    }
    n++;
    program.enrich(ev, et);
    return { ev, et };
  };
}

/** An engine whose sink only counts (retaining records would itself grow the heap). */
function newEngine() {
  const counts = { sessions: 0, assets: 0, rules: 0 };
  const engine = new Engine(program, {
    rule: (_r: RuleRecord) => { counts.rules++; },
    scope: (s: ScopeRecord) => { if (s.type === 'session') counts.sessions++; else counts.assets++; },
  });
  return { engine, counts };
}

/** Feeds `count` events; tracks the largest open session / asset-sequence tables. */
async function feed(engine: Engine, next: ReturnType<typeof makeStream>, count: number, max: { sessions: number; assets: number }): Promise<void> {
  for (let i = 0; i < count; i++) {
    const { ev, et } = next();
    engine.process(ev, et);
    if (engine.sessions.size > max.sessions) max.sessions = engine.sessions.size;
    if (engine.assets.size > max.assets) max.assets = engine.assets.size;
    if (i % 20_000 === 19_999) await new Promise<void>((res) => setImmediate(res)); // keep the test worker responsive
  }
}

/** Every model instance holds ≤ maxBins bins, and its N is the sum of its bin counts. */
function checkBins(engine: Engine): { instances: number; bins: number; full: number } {
  let instances = 0;
  let bins = 0;
  let full = 0;
  engine.models.instances.forEach((map, i) => {
    const model = program.models[i]!;
    for (const [scope, inst] of map) {
      instances++;
      bins += inst.bins.size;
      if (inst.bins.size === model.maxBins) full++;
      if (inst.bins.size > model.maxBins) throw new Error(`${model.id}[${scope}]: ${inst.bins.size} bins > maxBins ${model.maxBins}`);
      if (model.type !== 'numerical') {
        let sum = 0;
        for (const k of inst.bins.keys()) sum += inst.count(k);
        if (sum !== inst.n) throw new Error(`${model.id}[${scope}]: N ${inst.n} ≠ sum of bin counts ${sum} after evictions`);
      }
    }
  });
  return { instances, bins, full };
}

const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;

describe('field cap (settings.limits.maxFieldLength)', () => {
  it('a field longer than the cap rejects the line as field-too-long; at the cap it parses', () => {
    const line = readFileSync(join(ROOT, 'examples/sample/usb.log'), 'utf8').split('\n').find((l) => l.includes('|700107|') && program.parse(l).ok)!;
    const withFile = (n: number) => line.replace(/ fname=[^ ]*/, ` fname=${'f'.repeat(n)}`);
    expect(program.parse(withFile(MAX_FIELD))).toMatchObject({ ok: true });
    expect(program.parse(withFile(MAX_FIELD + 1))).toEqual({ ok: false, reason: 'field-too-long' });
  });
});

describe('caps under many distinct users / hosts / devices', () => {
  it('400k usb-write events, 1500 users (1.5× the session cap), 120 hosts, 1500 devices: sessions ≤ cap, bins ≤ maxBins, evictions counted, heap flat from 200k to 400k', { timeout: 400_000 }, async () => {
    // Each user and each device sees far more than 50 distinct values, so every histogram
    // reaches its cap; the population is saturated well before 200k events.
    const next = makeStream(1, { users: 1500, hosts: 120, devices: 1500, other: 0 });
    const { engine, counts } = newEngine();
    const max = { sessions: 0, assets: 0 };
    const heap0 = heapUsed();
    await feed(engine, next, 200_000, max);
    const heap200 = heapUsed();
    const at200 = { ...checkBins(engine), evictedBins: engine.models.counters.evictedBins, sessionsEvicted: engine.counters.sessionsEvicted };
    await feed(engine, next, 200_000, max);
    const heap400 = heapUsed();
    const at400 = checkBins(engine);

    expect(max.sessions).toBe(MAX_SESSIONS); // reached, never exceeded
    expect(at200.sessionsEvicted).toBeGreaterThan(0);
    expect(engine.counters.sessionsEvicted).toBeGreaterThan(at200.sessionsEvicted);
    expect(at400.full).toBeGreaterThan(1000); // many histograms sit at their cap…
    expect(at200.evictedBins).toBeGreaterThan(0);
    expect(engine.models.counters.evictedBins).toBeGreaterThan(at200.evictedBins); // …and keep evicting
    expect(at400.instances).toBe(at200.instances);

    // Evicted sessions are closed and reported like any other: after finish(), one session
    // record per counted close.
    engine.finish();
    expect(engine.sessions.size).toBe(0);
    expect(counts.sessions).toBe(engine.counters.sessionsClosed);
    expect(engine.counters.sessionsEvicted).toBeLessThan(engine.counters.sessionsClosed);

    // Memory: the second 200k events (same population, caps reached) add almost nothing.
    const trace = `heap ${mb(heap0)} → ${mb(heap200)} (200k) → ${mb(heap400)} (400k)`;
    process.stderr.write(`cardinality: ${trace}; sessions evicted ${engine.counters.sessionsEvicted}, bins evicted ${engine.models.counters.evictedBins}\n`);
    expect(heap400, trace).toBeLessThan(heap200 * 1.25);
    expect(heap400 - heap200, trace).toBeLessThan(Math.max(4e6, 0.5 * (heap200 - heap0)));
  });

  it('asset sequences: 3000 distinct assets against a cap of 500 — never more open, evictions counted', async () => {
    expect(assetType, 'content has an event type with asset-scoped aggregates').toBeGreaterThanOrEqual(0);
    const next = makeStream(3, { users: 1500, hosts: 120, devices: 1500, other: 3000 }, 1);
    const { engine } = newEngine();
    const max = { sessions: 0, assets: 0 };
    await feed(engine, next, 30_000, max);
    checkBins(engine);
    expect(max.assets).toBe(MAX_ASSETS);
    expect(engine.counters.assetSequencesEvicted).toBeGreaterThan(0);
    expect(max.sessions).toBeLessThanOrEqual(MAX_SESSIONS);
  });

  it('a fresh user, host and device on every event: every per-entity store stays at its cap, evictions are counted, heap flat from 20k to 40k', async () => {
    const next = makeStream(2, { users: Infinity, hosts: Infinity, devices: Infinity, other: Infinity });
    const { engine } = newEngine();
    const max = { sessions: 0, assets: 0 };
    const N = 20_000;
    await feed(engine, next, N, max);
    const heap1 = heapUsed();
    await feed(engine, next, N, max);
    const heap2 = heapUsed();
    checkBins(engine);
    expect(max.sessions).toBe(MAX_SESSIONS);
    expect(engine.counters.sessionsEvicted).toBe(2 * N - MAX_SESSIONS); // every new user past the cap evicts one
    for (const m of engine.models.instances) expect(m.size).toBeLessThanOrEqual(MAX_INSTANCES);
    for (const a of engine.models.anywhere) expect(a.size).toBeLessThanOrEqual(MAX_ANYWHERE);
    expect(engine.sequences.size).toBeLessThanOrEqual(MAX_DAY_SEQUENCES);
    expect(engine.models.counters.evictedInstances).toBeGreaterThan(2 * N - MAX_INSTANCES);
    expect(engine.models.counters.evictedAnywhere).toBeGreaterThan(0);
    expect(engine.counters.sequencesEvicted).toBe(2 * N - MAX_DAY_SEQUENCES);
    expect(engine.lastSession.size).toBe(10 * MAX_SESSIONS);
    const trace = `heap ${mb(heap1)} (${N}) → ${mb(heap2)} (${2 * N}) with all-new entities`;
    process.stderr.write(`cardinality: ${trace}\n`);
    // Saturated caps: the second half adds (almost) nothing, however many entities arrive.
    expect(heap2 - heap1, trace).toBeLessThan(Math.max(6e6, 0.1 * heap1));
  });
});
