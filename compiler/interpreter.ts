// The reference interpreter as a Program: walks the checked ASTs for every event. It
// defines the semantics the compiled bundle must reproduce, and is the baseline the
// benchmark compares against.
import { ContextTable } from '../runtime/context.ts';
import { assembleProgram, makeTables, renderReason, type FieldType } from '../runtime/assemble.ts';
import type { Value } from '../runtime/helpers.ts';
import { guardRegex, type RegexLike } from '../runtime/regex-guard.ts';
import type { Event, ModelStats, Program, RuleRuntime } from '../runtime/program.ts';
import type { Resolution } from './builtins/types.ts';
import type { IR } from './compile.ts';
import type { DepExpr, Expr } from './expr/ast.ts';
import { evalExpr, type ExprInterpContext } from './expr/interpret.ts';

export function evalDependency(d: DepExpr, fired: (id: string) => boolean): boolean {
  switch (d.kind) {
    case 'always': return true;
    case 'rule': return fired(d.id);
    case 'not': return !evalDependency(d.arg, fired);
    case 'and': return evalDependency(d.left, fired) && evalDependency(d.right, fired);
    case 'or': return evalDependency(d.left, fired) || evalDependency(d.right, fired);
  }
}

export function interpretProgram(ir: IR, overrides?: ReadonlyMap<string, ContextTable>): Program {
  const tables = makeTables(ir.contexts, overrides);
  const regexCache = new Map<string, RegexLike>();
  const base = {
    maxRegexInput: ir.settings.maxRegexInput,
    res: (call: { res?: Resolution }) => call.res ?? {},
    table: (name: string) => tables.get(name)!,
    regex: (source: string, flags: string) => {
      const k = `${flags}/${source}`;
      let re = regexCache.get(k);
      if (!re) regexCache.set(k, (re = guardRegex(new RegExp(source, flags), ir.settings)));
      return re;
    },
  };
  const onEvent = (ast: Expr, ev: Event, rt: RuleRuntime | null, stats: ModelStats | null = null): Value => {
    const ix: ExprInterpContext = {
      ...base, ev, rt,
      ident: (name) => {
        if (stats && Object.hasOwn(STAT_NAMES, name)) return name === 'feature_value' ? stats.feature : (stats as unknown as Record<string, Value>)[name]!;
        const v = ev[name];
        return v === undefined ? null : v;
      },
    };
    return evalExpr(ast, ix);
  };
  const ruleIds = ir.rules.map((r) => r.id);

  return assembleProgram({
    pack: ir.pack,
    settings: ir.settings,
    eventTypes: ir.eventTypes.map((et) => ({
      name: et.name,
      fields: et.fields.map((f) => [f.name, f.type as FieldType] as const),
      derived: et.derived.map((d) => d.name),
      derive: (ev) => { for (const d of et.derived) ev[d.name] = onEvent(d.ast, ev, null); },
    })),
    parsers: ir.parsers.map((p) => ({
      ...p,
      map: (raw) => {
        const out: Record<string, Value> = Object.create(null);
        const ix: ExprInterpContext = {
          ...base, ev: { time: 0, event_type: '' } as Event, rt: null,
          ident: (name) => (name in out ? out[name]! : (raw[name] ?? null)),
          raw: (key) => raw[key] ?? null,
        };
        for (const f of p.fields) out[f.name] = evalExpr(f.ast, ix);
        for (const e of p.events) if (e.when === null || evalExpr(e.when, ix) === true) return { fields: out, eventType: e.eventType };
        return { fields: out, eventType: -1 };
      },
    })),
    counters: ir.counters.map((c) => ({
      fn: c.fn, scope: c.scope, eventTypes: c.eventTypes,
      value: (ev) => onEvent(c.value, ev, null),
      ...(c.key ? { key: (ev: Event) => onEvent(c.key!, ev, null) } : {}),
    })),
    models: ir.models.map((m) => ({
      id: m.id, type: m.type, scopeType: m.scopeType, eventTypes: m.eventTypes, trainOn: m.trainOn,
      scope: (ev) => (m.scopeField ? (ev[m.scopeField] ?? null) : 'org'),
      feature: (ev, rt) => onEvent(m.feature, ev, rt),
      trainIf: (ev, rt) => m.trainIf === null || onEvent(m.trainIf, ev, rt) === true,
      alpha: m.alpha, cutOff: m.cutOff, convergence: m.convergence, maxBins: m.maxBins, agingDays: m.agingDays, binWidth: m.binWidth, scale: m.scale,
      percentileThreshold: 0.1,
    })),
    rules: ir.rules.map((r) => ({
      id: r.id, name: r.name, type: r.type, score: r.score, mitre: r.mitre, model: r.model, eventTypes: r.eventTypes,
      ...(r.scoreTarget ? { scoreTarget: (ev: Event) => ev[r.scoreTarget!] ?? null } : {}),
      reason: (ev, st) => renderReason(r.reason, ev, st),
    })),
    evaluate(et, ev, rt) {
      const firedNow = new Set<string>();
      for (const i of ir.ruleOrder[et]!) {
        const r = ir.rules[i]!;
        if (r.classifyIf && onEvent(r.classifyIf, ev, rt) !== true) continue;
        let st: ModelStats | null = null;
        if (r.model >= 0) {
          st = rt.stats(r.model, ev, r.percentileThreshold);
          if (st === null || (r.requireConvergence && !st.converged)) continue;
        }
        if (onEvent(r.expression, ev, rt, st) !== true) continue;
        if (r.dependency && !evalDependency(r.dependency, (id) => firedNow.has(id))) continue;
        firedNow.add(ruleIds[i]!);
        rt.fire(i, ev, st);
      }
    },
  });
}

const STAT_NAMES: Record<string, true> = {
  num_observations: true, confidence_factor: true, total_events: true, distinct_values: true,
  percentile_threshold_count: true, percentile_threshold_value: true, percentile_count_distance: true, converged: true, feature_value: true,
};
