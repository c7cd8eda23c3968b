// Learned state across a bundle swap, by definition identity. A model, rule or aggregate
// counter is "the same" in both bundles when its id and its definition fingerprint
// (manifest.definitions, compiler/definitions.ts) are equal: it keeps its state (histograms,
// seenAnywhere values, fired flags, running counts in open sessions). A changed one starts
// fresh, a new one starts fresh, a removed one is dropped. Sessions, sequences and per-user
// history carry over (their event-type references are mapped by name); open sessions keep
// their score. The work is done on the checkpoint form of the state (runtime/state.ts), so
// the same code serves a live swap and a restart with another bundle.
import type { Manifest } from '../bundle.ts';

export interface Identity {
  eventTypes: readonly string[];
  /** `id#fingerprint` per model index (no fingerprint: never equal to anything) */
  models: readonly string[];
  rules: readonly string[];
  /** fingerprint per counter index */
  counters: readonly string[];
}

export function identityOf(m: Manifest): Identity {
  const d = m.definitions;
  // A manifest from before fingerprints: every item counts as changed (state starts fresh).
  const key = (id: string, fp: string | undefined, i: number) => (fp ? `${id}#${fp}` : `${id}#unknown:${m.bundleHash}:${i}`);
  return {
    eventTypes: m.eventTypes,
    models: m.models.map((x, i) => key(x.id, d?.models[i], i)),
    rules: m.rules.map((x, i) => key(x.id, d?.rules[i], i)),
    counters: d ? d.counters : [],
  };
}

export interface MigrationReport {
  kept: { models: string[]; rules: string[]; counters: number };
  restarted: { models: string[]; rules: string[] };
  added: { models: string[]; rules: string[] };
  dropped: { models: string[]; rules: string[]; counters: number };
}

/** old index → new index (or -1), matching equal keys (duplicates matched in order). */
function indexMap(from: readonly string[], to: readonly string[]): number[] {
  const free = new Map<string, number[]>();
  to.forEach((k, j) => free.set(k, [...(free.get(k) ?? []), j]));
  return from.map((k) => free.get(k)?.shift() ?? -1);
}

const idOf = (key: string) => key.slice(0, key.indexOf('#'));

type Json = Record<string, unknown>;

/** The checkpoint state of the old bundle, rewritten for the new one, and what happened to each item. */
export function migrateState(state: Json, from: Identity, to: Identity): { state: Json; report: MigrationReport } {
  const models = indexMap(from.models, to.models);
  const rules = indexMap(from.rules, to.rules);
  const counters = indexMap(from.counters, to.counters);
  const types = indexMap(from.eventTypes, to.eventTypes);
  const remapSet = (list: number[] | undefined, map: number[]) => list?.map((i) => map[i] ?? -1).filter((j) => j >= 0);

  const scope = (s: Json): Json => {
    const out: Json = { ...s, fired: remapSet(s.fired as number[], rules) };
    const cs = (s.counters as unknown[]) ?? [];
    const next: unknown[] = to.counters.map(() => null);
    cs.forEach((c, i) => { const j = counters[i] ?? -1; if (j >= 0) next[j] = c; });
    out.counters = next;
    if (s.pending) out.pending = (s.pending as Array<[number, unknown]>).flatMap(([m, v]) => (models[m]! >= 0 ? [[models[m], v]] : []));
    if (s.types) out.types = remapSet(s.types as number[], types);
    return out;
  };
  const perIndex = <T>(list: T[], map: number[], size: number, empty: () => T): T[] => {
    const out = Array.from({ length: size }, empty);
    list.forEach((v, i) => { const j = map[i] ?? -1; if (j >= 0) out[j] = v; });
    return out;
  };
  const history = (state.history as Array<[string, number[]]>).map(([k, days]): [string, number[]] => {
    const next: number[] = [];
    // The slot after the last event type counts days with any event (activeDays): it moves along.
    days.forEach((n, et) => { const j = et === from.eventTypes.length ? to.eventTypes.length : types[et] ?? -1; if (j >= 0 && n != null) next[j] = n; });
    return [k, next];
  });
  const migrated: Json = {
    ...state,
    sessions: (state.sessions as Json[]).map(scope),
    sequences: (state.sequences as Json[]).map(scope),
    assets: (state.assets as Json[]).map(scope),
    history,
    firedByRule: perIndex(state.firedByRule as number[], rules, to.rules.length, () => 0),
    models: perIndex(state.models as unknown[][], models, to.models.length, () => []),
    anywhere: perIndex(state.anywhere as unknown[][], models, to.models.length, () => []),
  };

  const ids = (keys: readonly string[], pick: (i: number) => boolean) => keys.filter((_, i) => pick(i)).map(idOf);
  const fromIds = new Set(from.models.map(idOf));
  const fromRuleIds = new Set(from.rules.map(idOf));
  const modelTaken = new Set(models.filter((j) => j >= 0));
  const ruleTaken = new Set(rules.filter((j) => j >= 0));
  const toModelIds = new Set(to.models.map(idOf));
  const toRuleIds = new Set(to.rules.map(idOf));
  const report: MigrationReport = {
    kept: { models: ids(to.models, (j) => modelTaken.has(j)), rules: ids(to.rules, (j) => ruleTaken.has(j)), counters: counters.filter((j) => j >= 0).length },
    restarted: { models: ids(to.models, (j) => !modelTaken.has(j) && fromIds.has(idOf(to.models[j]!))), rules: ids(to.rules, (j) => !ruleTaken.has(j) && fromRuleIds.has(idOf(to.rules[j]!))) },
    added: { models: ids(to.models, (j) => !fromIds.has(idOf(to.models[j]!))), rules: ids(to.rules, (j) => !fromRuleIds.has(idOf(to.rules[j]!))) },
    dropped: { models: ids(from.models, (i) => !toModelIds.has(idOf(from.models[i]!))), rules: ids(from.rules, (i) => !toRuleIds.has(idOf(from.rules[i]!))), counters: counters.filter((j) => j < 0).length },
  };
  return { state: migrated, report };
}

export function describeMigration(r: MigrationReport): string {
  const list = (xs: string[]) => (xs.length ? xs.join(', ') : 'none');
  return [
    `kept state: models ${list(r.kept.models)}; rules ${r.kept.rules.length}; counters ${r.kept.counters}`,
    `restarted (definition changed): models ${list(r.restarted.models)}; rules ${list(r.restarted.rules)}`,
    `new: models ${list(r.added.models)}; rules ${list(r.added.rules)}`,
    `dropped (removed): models ${list(r.dropped.models)}; rules ${list(r.dropped.rules)}; counters ${r.dropped.counters}`,
  ].join('\n  ');
}
