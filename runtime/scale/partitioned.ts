// The engine split by partition key, in one process: users workers (sessions, day-sequences,
// user models, rules, scores) keyed by user, models workers (organisation, peer-group, asset
// and field models, seen-anywhere sets) keyed by model scope. Each worker holds only the
// entries of its partition (runtime/stores/). Events go through every users worker in one
// global order (the stream's sequence after parsing and the time guard): the worker owning
// the user processes the event, the others only move their clock (sweeps) and the asset
// aggregates. Model look-ups and training go to the models worker owning the scope, asset
// scores to the users worker owning the asset. docs/scale-out.md says why this equals one process.
import { Engine, type RuleRecord, type ScopeRecord } from '../engine.ts';
import type { Value } from '../helpers.ts';
import { ModelStore } from '../models.ts';
import type { Event, ModelStats, Program } from '../program.ts';

/** Stable partition of a key (FNV-1a, 32 bits): the same on every worker and every run. */
export function partitionOf(key: string, n: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % n;
}

function limitsOf(program: Program) {
  const s = program.settings;
  return { maxInstances: s.maxModelInstances ?? Infinity, maxAnywhere: s.maxSeenAnywhere ?? Infinity };
}

/** The model key a models worker is chosen by: organisation models and seen-anywhere sets by model id, others by model and scope value. */
export function modelKey(program: Program, model: number, scope: string | null): string {
  const spec = program.models[model]!;
  return scope === null || spec.scopeType === 'org' ? spec.id : `${spec.id}\u0000${scope}`;
}

/** A users worker's model store: user models held here, every other model asked of its owner. */
class RoutedModels extends ModelStore {
  constructor(private readonly program: Program, private readonly owners: readonly ModelStore[]) {
    super(program.models, limitsOf(program));
  }
  private local(model: number): boolean {
    return this.program.models[model]!.scopeType === 'user';
  }
  private owner(model: number, scope: string | null): ModelStore {
    return this.owners[partitionOf(modelKey(this.program, model, scope), this.owners.length)]!;
  }
  override stats(model: number, scope: string, feature: Value, p: number, time: number): ModelStats {
    return this.local(model) ? super.stats(model, scope, feature, p, time) : this.owner(model, scope).stats(model, scope, feature, p, time);
  }
  override instance(model: number, scope: string) {
    return this.local(model) ? super.instance(model, scope) : this.owner(model, scope).instance(model, scope);
  }
  override seenAnywhere(model: number, feature: Value): boolean {
    return this.owner(model, null).seenAnywhere(model, feature);
  }
  override train(model: number, scope: string, feature: Value, time: number): void {
    const key = this.local(model) ? super.trainInstance(model, scope, feature, time) : this.owner(model, scope).trainInstance(model, scope, feature, time);
    if (key !== null) this.owner(model, null).trainAnywhere(model, key);
  }
}

export interface PartitionSink {
  rule(r: RuleRecord): void;
  scope(r: ScopeRecord): void;
}

/** One users worker: full processing for its users, clock and asset aggregates for the rest. */
export class UsersWorker extends Engine {
  /** asset rules fired here on assets another worker owns: [rule, asset, time] */
  readonly hits: Array<[number, string, number]> = [];
  private current: Event | null = null;
  private readonly ruleIndex: Map<string, number>;

  constructor(program: Program, sink: PartitionSink, readonly index: number, readonly n: number, models: ModelStore, evidenceBins?: number) {
    const ownsAsset = (asset: string) => partitionOf(asset, n) === index;
    super(program, {
      rule: (r) => {
        if (r.asset) {
          const rule = this.ruleIndex.get(r.rule)!;
          if (!ownsAsset(r.asset)) this.hits.push([rule, r.asset, this.current!.time]);
        }
        sink.rule(r);
      },
      scope: (s) => { if (s.type === 'session' || ownsAsset(s.asset!)) sink.scope(s); },
    }, { models, evidenceBins });
    this.ruleIndex = new Map(program.rules.map((r, i) => [r.id, i]));
  }

  /** Events without a user are processed by worker 0 (they score only asset rules). */
  owns(ev: Event): boolean {
    const user = typeof ev.user === 'string' && ev.user !== '' ? ev.user : null;
    return user === null ? this.index === 0 : partitionOf(user, this.n) === this.index;
  }

  feed(ev: Event, eventType: number): void {
    this.current = ev;
    if (this.owns(ev)) this.process(ev, eventType);
    else this.shadow(ev, eventType);
  }

  /** The halves of an owned event (the scale-out roles send the sweep's training between them). */
  beginOwned(ev: Event, eventType: number): void {
    this.current = ev;
    this.begin(ev, eventType);
  }
  completeOwned(ev: Event, eventType: number): void {
    this.complete(ev, eventType);
  }
  /** A foreign event: clock and asset aggregates only. */
  shadowForeign(ev: Event, eventType: number): void {
    this.current = ev;
    this.shadow(ev, eventType);
  }

  /** An asset rule that fired on another worker's event, applied after that event's aggregates. */
  applyHit(rule: number, asset: string, t: number): void {
    this.scoreAsset(rule, asset, t);
  }

  override wasFired(index: number, ev: Event): boolean {
    // An asset sequence's fired rules come from every user's events: only its owner knows them all.
    if (this.program.rules[index]!.type === 'asset') throw new Error(`rule ${this.program.rules[index]!.id}: wasRuleFired on an asset rule cannot run partitioned (the asset sequence's rules are scored by other workers)`);
    return super.wasFired(index, ev);
  }
}

/** n users workers and m models workers over one program, fed in the stream's order. */
export class PartitionedEngine {
  readonly models: ModelStore[];
  readonly users: UsersWorker[];

  constructor(program: Program, sink: PartitionSink, opts: { users: number; models: number; evidenceBins?: number }) {
    this.models = Array.from({ length: opts.models }, () => new ModelStore(program.models, limitsOf(program)));
    this.users = Array.from({ length: opts.users }, (_, i) => new UsersWorker(program, sink, i, opts.users, new RoutedModels(program, this.models), opts.evidenceBins));
  }

  /** One event, at its place in the global order: owner first, then the others, then asset scores to their owners. */
  process(ev: Event, eventType: number): void {
    const owner = this.users.find((w) => w.owns(ev))!;
    owner.feed(ev, eventType);
    for (const w of this.users) if (w !== owner) w.feed(ev, eventType);
    for (const [rule, asset, t] of owner.hits) this.users[partitionOf(asset, this.users.length)]!.applyHit(rule, asset, t);
    owner.hits.length = 0;
  }

  finish(): void {
    for (const w of this.users) w.finish();
  }
}

/**
 * The parse stage and the stream order (runtime/event-order.ts: parse with the look-ahead for
 * lines without a time, time guard, enrich), then the partitioned engine. Returns rule, session
 * and asset-sequence records as JSON lines, as `uebac run` writes them (source file and line included).
 */
export async function runPartitioned(program: Program, lines: readonly string[], file: string, opts: { users: number; models: number; evidenceBins?: number; onEngine?: (e: PartitionedEngine) => void }): Promise<string[]> {
  const { EventOrder } = await import('../event-order.ts');
  const out: string[] = [];
  let line = 0;
  const engine = new PartitionedEngine(program, {
    rule: (r) => { r.source = { file, line }; out.push(JSON.stringify(r)); },
    scope: (s) => out.push(JSON.stringify(s)),
  }, opts);
  opts.onEngine?.(engine);
  const order = new EventOrder<number>(program, (r, at) => { line = at; engine.process(r.event, r.eventType); }, () => {});
  lines.forEach((text, i) => order.push(text, i + 1));
  order.endLines();
  order.flush();
  engine.finish();
  return out;
}
