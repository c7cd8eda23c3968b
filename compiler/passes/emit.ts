// Pass (generate): IR → readable TypeScript → one ESM bundle (esbuild). Every content
// string reaches the source through the escaping builder in ../emit/code.ts.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ABI_VERSION } from '../../runtime/program.ts';
import type { CallNode, EmitContext } from '../builtins/types.ts';
import { COMPILER_VERSION, type IR, type IRRule } from '../ir.ts';
import { walk, type DepExpr, type Expr } from '../expr/ast.ts';
import { MODEL_STATS } from '../expr/check.ts';
import { findBuiltin } from '../builtins/index.ts';
import { asBool, emitExpr, strictBoolean, type ExprEmitContext } from '../expr/emit.ts';
import { code, comment, join as joinCode, json, lines, num, prop, regex, str, type Code } from '../emit/code.ts';
import { Scope } from '../emit/scope.ts';
import { CallMemo } from '../emit/call-memo.ts';
import { fieldsFeeding } from './demand.ts';

/** The uebac install root (holds runtime/): found from this module, bundled into build/ or not. */
export const REPO_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

function findRoot(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'runtime', 'helpers.ts'))) return d;
    if (dirname(d) === d) return dir;
  }
}

/** Names the generated module declares itself; content-derived names never take them. */
const MODULE_NAMES = ['h', 'assembleProgram', 'makeTables', 'renderReason', 'coerceString', 'coerceNumber', 'coerceBoolean', 'coerceList', 'COMPLETE_REASON_FIELDS', 'out', 'ABI', 'MANIFEST_SUMMARY', 'DEFAULT_CONTEXT', 'SETTINGS', 'instantiate', 'overrides', 'T', 'EVALUATORS', 'RE', 'ev', 'rt', 'st', 'o', 'r'];

/** Every generated name, handed out once from one scope before any code is emitted. */
interface Names {
  scope: Scope;
  eventType: Code[];
  /** the class of each event type's events */
  eventClass: Code[];
  /** per parser, per entry of its `events`: the function computing reason-only fields, if any */
  reasonFill: Array<Array<Code | null>>;
  model: Code[];
  rule: Code[];
  fired: Code[];
  counter: Code[];
  table: Map<string, Code>;
}

function allocateNames(ir: IR): Names {
  const scope = new Scope(MODULE_NAMES);
  const counterLabel = (c: IR['counters'][number]) => `${c.fn}_${c.scope}_${c.value.kind === 'ident' ? c.value.name : 'expr'}`;
  return {
    scope,
    eventType: ir.eventTypes.map((et) => scope.name('evaluate_', et.name)),
    eventClass: ir.eventTypes.map((et) => scope.name('', `${et.name.replace(/(^|[^A-Za-z0-9])([A-Za-z0-9])/g, (_, _sep, c: string) => c.toUpperCase())}Event`)),
    reasonFill: ir.parsers.map((p) => p.events.map((e) => (reasonFillFields(ir, p, e.eventType).size > 0 ? scope.name('reasonFields_', `${p.id}_${ir.eventTypes[e.eventType]!.name}`) : null))),
    model: ir.models.map((m) => scope.name('M_', m.id)),
    rule: ir.rules.map((r) => scope.name('R_', r.id)),
    fired: ir.rules.map((r) => scope.name('fired_', r.id)),
    counter: ir.counters.map((c) => scope.name('C_', counterLabel(c))),
    table: new Map(ir.contexts.map((c) => [c.name, scope.name('T_', c.name)])),
  };
}

/**
 * The parsed fields of an event type a run computes only when a rule fires (demand analysis:
 * read by rule reasons and nothing else). None for a type with a field named `toJSON`, which
 * would hide the class method that completes them before an event is serialised.
 */
function reasonOnly(ir: IR, etIndex: number): ReadonlySet<string> {
  const et = ir.eventTypes[etIndex]!;
  if ([...et.fields, ...et.derived].some((f) => f.name === 'toJSON')) return new Set();
  return new Set(ir.runReasonOnly[etIndex] ?? []);
}

/** The field expressions of parser `p` that compute the reason-only fields of an event type it builds. */
function reasonFillFields(ir: IR, p: IR['parsers'][number], etIndex: number): Set<number> {
  return fieldsFeeding(p, false, ir.eventTypes[etIndex]!.fields.map((f) => f.name).filter((n) => reasonOnly(ir, etIndex).has(n)));
}

/**
 * Per event type, the derived fields that always hold true or false (their expression is a
 * real boolean): rules and later derived fields test them without `=== true`. Every event is
 * derived before anything reads its derived fields, and each field reads only earlier ones.
 */
function booleanDerived(ir: IR): Array<Set<string>> {
  return ir.eventTypes.map((et) => {
    const set = new Set<string>();
    for (const d of et.derived) if (strictBoolean(d.ast, { isBoolean: (n) => set.has(n) })) set.add(d.name);
    return set;
  });
}

/** Calls that look beyond the event (session state, models, context tables, regexes): the
 *  ones worth a local when rules repeat them; a field test such as exists() is cheaper as is. */
function worthOnce(node: CallNode): boolean {
  const cat = findBuiltin(node.name)?.category;
  return cat === 'aggregate' || cat === 'model' || cat === 'rule' || cat === 'context' || node.res?.regex !== undefined;
}

/** True when the call's arguments read a model statistic (the rule's `st`). */
function readsStats(node: CallNode): boolean {
  let found = false;
  walk(node, (n) => { if (n.kind === 'ident' && Object.hasOwn(MODEL_STATS, n.name)) found = true; });
  return found;
}

/**
 * The models whose stats reads a rule may skip without any difference: a stats read ages the
 * instance (drops bins older than the aging window), but training and every later stats read
 * age it the same way first, so only modelTotal (the raw total, read without aging) could see
 * whether an earlier read happened. Models some expression passes to modelTotal are left out.
 */
function readSkippable(ir: IR): Set<number> {
  const skippable = new Set(ir.models.map((_, i) => i));
  const exprs = [...ir.rules.flatMap((r) => [r.classifyIf, r.expression]), ...ir.models.flatMap((m) => [m.feature, m.trainIf]), ...ir.counters.flatMap((c) => [c.value, c.key ?? null])];
  for (const e of exprs) if (e) walk(e, (n) => { if (n.kind === 'call' && n.name === 'modelTotal' && n.res?.model !== undefined) skippable.delete(n.res.model); });
  return skippable;
}

/** The operands of a top-level `a && b && …` chain, in order (the expression itself otherwise). */
function conjuncts(e: Expr): Expr[] {
  return e.kind === 'binary' && e.op === '&&' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

/**
 * A test that reads no model statistic and calls no regex: side-effect free (the runtime's
 * reads only read; a guarded regex counts slow calls), so it may run before the stats read.
 */
function needsNoStats(e: Expr): boolean {
  let ok = true;
  walk(e, (n) => {
    if (n.kind === 'ident' && Object.hasOwn(MODEL_STATS, n.name)) ok = false;
    if (n.kind === 'call' && n.res?.regex !== undefined) ok = false;
  });
  return ok;
}

export function emitSource(ir: IR): string {
  const names = allocateNames(ir);
  const regexes: Array<{ source: string; flags: string }> = [];
  const usedTables = new Set<string>();
  // literal lists of membership tests, one module constant per distinct list
  const literalSets = new Map<string, { name: Code; values: Code }>();
  const base: EmitContext = {
    res: (call: CallNode) => call.res ?? {},
    table: (name) => {
      usedTables.add(name);
      return names.table.get(name)!;
    },
    regex: (source, flags) => {
      let i = regexes.findIndex((r) => r.source === source && r.flags === flags);
      if (i < 0) i = regexes.push({ source, flags }) - 1;
      return code`RE[${num(i)}]`;
    },
    model: (i) => names.model[i]!,
    rule: (i) => names.rule[i]!,
    counter: (i) => code`rt.counter(${names.counter[i]!}, ev)`,
    literalSet: (values) => {
      const key = JSON.stringify(values);
      let s = literalSets.get(key);
      if (!s) literalSets.set(key, (s = { name: names.scope.name('IN_', String(literalSets.size + 1)), values: json(values) }));
      return s.name;
    },
  };
  const onEvent = (extra: (name: string) => Code | null = () => null, over: Partial<EmitContext> = {}): ExprEmitContext => ({ ...base, ...over, ident: (name) => extra(name) ?? prop(code`ev`, name) });
  const ev = onEvent();
  const statsIdent = (name: string) => (Object.hasOwn(MODEL_STATS, name) ? (name === 'feature_value' ? code`st.feature` : prop(code`st`, name)) : null);
  const E = (e: Expr, cx: ExprEmitContext = ev) => emitExpr(e, cx);

  // ---- event types: derived fields ----
  const booleans = booleanDerived(ir);
  // Each field in declaration order, a call repeated across them computed once: a derived
  // field reads only the fields declared before it, all set by the time any of its calls runs.
  const deriveBody = (etIndex: number, fields: ReadonlyArray<{ name: string; ast: Expr }>): Code[] => {
    const memo = new CallMemo(names.scope.child(), (_, k) => `m_${k}`);
    const cx: ExprEmitContext = { ...ev, isBoolean: (n) => booleans[etIndex]!.has(n) };
    for (const d of fields) E(d.ast, memo.counting(cx));
    const sets = fields.map((d) => code`${prop(code`ev`, d.name)} = ${E(d.ast, memo.memoising(cx))};`);
    return [...memo.declarations(), ...sets];
  };
  // A run computes only the derived fields something reads (demand analysis); the rest stay null.
  const runDerived = (etIndex: number): Code => {
    const et = ir.eventTypes[etIndex]!;
    const kept = ir.runDerived[etIndex] ?? et.derived.map((_, j) => j);
    if (kept.length === et.derived.length) return code``;
    return code`
  deriveRun(ev) {
${lines(deriveBody(etIndex, kept.map((j) => et.derived[j]!)), '    ')}
  },`;
  };
  const eventTypes = ir.eventTypes.map((et, etIndex) => code`{
  name: ${str(et.name)},
  fields: ${json(et.fields.map((f) => [f.name, f.type]))},
  derived: ${json(et.derived.map((d) => d.name))},
  create: () => new ${names.eventClass[etIndex]!}(),
  derive(ev) {${et.derived.length === 0 ? code`` : code`
${lines(deriveBody(etIndex, et.derived), '    ')}
  `}},${runDerived(etIndex)}
}`);

  // ---- parsers: each raw key is looked up once per line, each repeated call computed once,
  // and the event built as an instance of its type's class (one V8 shape per type) ----
  const classes = ir.eventTypes.map((_, i) => emitEventClass(ir, i, names.eventClass[i]!));
  const fills: Code[] = [];
  const parsers = ir.parsers.map((p, pi) => emitParser(ir, p, pi, names, base, fills));

  // ---- counters, models, rules ----
  const counters = ir.counters.map((c, i) => code`{ ${comment(`${names.counter[i]!.text}`)} fn: ${str(c.fn)}, scope: ${str(c.scope)}, eventTypes: ${json(c.eventTypes)}, value: (ev) => ${E(c.value)}${c.key ? code`, key: (ev) => ${E(c.key)}` : code``} }`);
  const models = ir.models.map((m) => code`{ ${comment(`${m.id}: ${m.description}`)}
  id: ${str(m.id)}, type: ${str(m.type)}, scopeType: ${str(m.scopeType)}, eventTypes: ${json(m.eventTypes)}, trainOn: ${str(m.trainOn)},
  scope: (ev) => ${m.scopeField ? code`${prop(code`ev`, m.scopeField)} ?? null` : str('org')},
  feature: (ev, rt) => ${E(m.feature)},
  trainIf: (ev, rt) => ${m.trainIf ? asBool(m.trainIf, { ...ev, isBoolean: (n) => m.eventTypes.every((et) => booleans[et]!.has(n)) }) : code`true`},
  alpha: ${num(m.alpha)}, cutOff: ${num(m.cutOff)}, convergence: ${num(m.convergence)}, maxBins: ${num(m.maxBins)}, agingDays: ${num(m.agingDays)}, binWidth: ${num(m.binWidth)}, scale: ${str(m.scale)}, percentileThreshold: 0.1,
}`);
  const rules = ir.rules.map((r) => code`{ id: ${str(r.id)}, name: ${str(r.name)}, type: ${str(r.type)}, score: ${num(r.score)}, mitre: ${json(r.mitre)}, model: ${r.model >= 0 ? names.model[r.model]! : num(-1)}, eventTypes: ${json(r.eventTypes)},${r.scoreTarget ? code` scoreTarget: (ev) => ${prop(code`ev`, r.scoreTarget)} ?? null,` : code``} reason: (ev, st) => renderReason(${str(r.reason)}, ev, st) }`);

  // ---- per event type rule evaluation ----
  const skippable = readSkippable(ir);
  const hoisted = (r: IRRule) => r.model >= 0 && skippable.has(r.model);
  const evaluators = ir.eventTypes.map((et, etIndex) => {
    const order = ir.ruleOrder[etIndex]!;
    // Dependencies folded where they are constant: a rule of another event type never fired
    // on this event, and a rule depending on it alone is left out (its code could never run).
    const never = new Set<number>();
    /** The folded test, or a constant, and the rules whose fired flag it reads. */
    type Dep = { c: Code | boolean; reads: number[] };
    const dep = (d: DepExpr): Dep => {
      switch (d.kind) {
        case 'always': return { c: true, reads: [] };
        case 'rule': {
          const i = ir.rules.findIndex((r) => r.id === d.id);
          return order.includes(i) && !never.has(i) ? { c: names.fired[i]!, reads: [i] } : { c: false, reads: [] };
        }
        case 'not': { const a = dep(d.arg); return typeof a.c === 'boolean' ? { c: !a.c, reads: [] } : { c: code`!${a.c}`, reads: a.reads }; }
        case 'and':
        case 'or': {
          const l = dep(d.left), r = dep(d.right);
          const absorbing = d.kind === 'or'; // `x || true` is true, `x && false` is false
          if (l.c === absorbing || r.c === absorbing) return { c: absorbing, reads: [] };
          if (l.c === !absorbing) return r;
          if (r.c === !absorbing) return l;
          return { c: d.kind === 'and' ? code`(${l.c as Code} && ${r.c as Code})` : code`(${l.c as Code} || ${r.c as Code})`, reads: [...l.reads, ...r.reads] };
        }
      }
    };
    const deps = new Map<number, Code | boolean>();
    const flags = new Set<number>();
    for (const i of order) {
      const d = ir.rules[i]!.dependency;
      const folded = d ? dep(d) : { c: true, reads: [] };
      if (folded.c === false) { never.add(i); continue; }
      deps.set(i, folded.c);
      for (const j of folded.reads) flags.add(j);
    }
    const live = order.filter((i) => !never.has(i));
    // A call several rules of the evaluator make (a counter, a model total, a context look-up)
    // is computed once per event: nothing a rule calls changes while the rules run (fire()
    // only records; scoring and training come after). Calls reading the model statistics
    // (`st`) are left alone: each rule has its own.
    const memo = new CallMemo(names.scope.child(), (n) => (n.res?.counter !== undefined ? names.counter[n.res.counter]!.text.slice(2) : n.name));
    const isBoolean = (n: string) => booleans[etIndex]!.has(n);
    const plainCx: ExprEmitContext = { ...onEvent(), isBoolean };
    const statsCx: ExprEmitContext = { ...onEvent(statsIdent), isBoolean: (n) => (Object.hasOwn(MODEL_STATS, n) ? MODEL_STATS[n] === 'boolean' : isBoolean(n)) };
    const statsFree = (n: CallNode) => worthOnce(n) && !readsStats(n);
    // A model rule's tests that need no statistics run before its stats read when skipping
    // that read cannot be seen (readSkippable), so an event failing them pays no stats.
    const split = live.map((i) => {
      const r = ir.rules[i]!;
      if (!hoisted(r)) return { early: [], late: [r.expression] };
      const parts = conjuncts(r.expression);
      return { early: parts.filter(needsNoStats), late: parts.filter((e) => !needsNoStats(e)) };
    });
    const conditions = (pass: (cx: ExprEmitContext, withStats: boolean) => ExprEmitContext) => live.map((i, k) => {
      const r = ir.rules[i]!;
      return {
        classify: r.classifyIf ? asBool(r.classifyIf, pass(plainCx, false)) : null,
        early: split[k]!.early.map((e) => asBool(e, pass(plainCx, false))),
        late: split[k]!.late.map((e) => asBool(e, r.model >= 0 ? pass(statsCx, true) : pass(plainCx, false))),
      };
    });
    conditions((cx, withStats) => memo.counting(cx, withStats ? statsFree : worthOnce));
    const emitted = conditions((cx) => memo.memoising(cx));
    const body = live.map((i, k) => {
      const r: IRRule = ir.rules[i]!;
      const conds: Code[] = [];
      const e = emitted[k]!;
      if (e.classify) conds.push(e.classify);
      const d = deps.get(i)!;
      const early = hoisted(r);
      conds.push(...e.early);
      if (early && d !== true) conds.push(d as Code);
      if (r.model >= 0) conds.push(code`(st = rt.stats(${names.model[r.model]!}, ev, ${num(r.percentileThreshold)})) !== null${r.requireConvergence ? code` && st.converged` : code``}`);
      if (e.late.length > 0) conds.push(joinCode(e.late, ' && '));
      if (!early && d !== true) conds.push(d as Code);
      const fire = code`rt.fire(${names.rule[i]!}, ev, ${r.model >= 0 ? code`st` : code`null`});`;
      const head = comment(`${r.id} — ${r.name} [${r.mitre.join(', ')}] score ${r.score}`);
      const test = joinCode(conds, '\n      && ');
      return flags.has(i)
        ? code`${head}
let ${names.fired[i]!} = false;
if (${test}) {
  ${names.fired[i]!} = true;
  ${fire}
}`
        : code`${head}
if (${test}) ${fire}`;
    });
    const decls = memo.declarations();
    const usesStats = live.some((i) => ir.rules[i]!.model >= 0);
    if (body.length === 0) return code`function ${names.eventType[etIndex]!}(ev, rt) {} ${comment(`no rule for ${et.name}`)}`;
    return code`function ${names.eventType[etIndex]!}(ev, rt) {
${lines([...(usesStats ? [code`let st = null;`] : []), ...decls, ...body], '  ')}
}`;
  });

  const reads = emitModelReads(ir, names, base);

  const tableDecls = [...usedTables].sort().map((t) => code`const ${names.table.get(t)!} = T.get(${str(t)});`);
  const slots = [
    ...ir.models.map((m, i) => code`const ${names.model[i]!} = ${num(i)};`),
    ...ir.counters.map((_, i) => code`const ${names.counter[i]!} = ${num(i)};`),
    ...ir.rules.map((_, i) => code`const ${names.rule[i]!} = ${num(i)};`),
  ];
  const header = comment(`Generated by uebac ${COMPILER_VERSION} from pack ${ir.pack.id} ${ir.pack.version} (content sha256 ${ir.contentHash}). Do not edit: change the YAML content and recompile.`);
  const src = code`${header}
import * as h from './runtime/helpers.ts';
import { assembleProgram, coerceBoolean, coerceList, coerceNumber, coerceString, COMPLETE_REASON_FIELDS, makeTables, renderReason } from './runtime/assemble.ts';

export const ABI = ${num(ABI_VERSION)};
export const MANIFEST_SUMMARY = ${json({ pack: ir.pack, contentHash: ir.contentHash })};
export const DEFAULT_CONTEXT = ${json(ir.contexts.map((c) => ({ name: c.name, shape: c.shape, match: c.match, rows: c.rows })))};
const SETTINGS = ${json(ir.settings)};

// ---- slots: models, counters and rules by name ----
${lines(slots)}
${literalSets.size > 0 ? code`
// ---- literal lists of membership tests, built once ----
${lines([...literalSets.values()].map((s) => code`const ${s.name} = new Set(${s.values});`))}
` : code``}
// ---- events: one class per event type, every field in catalog order (derived ones last) ----
${lines(classes, '')}

export function instantiate(overrides) {
  const T = makeTables(DEFAULT_CONTEXT, overrides);
${lines(tableDecls, '  ')}

  // ---- rules, one evaluator per event type, in dependency order ----
${lines(evaluators, '  ')}
${fills.length > 0 ? code`
  // ---- run path: fields only rule reasons read, computed when a rule fires ----
${lines(fills, '  ')}
` : code``}
  const EVALUATORS = [${names.eventType}];
  ${reads.decls}
  const program = assembleProgram({
    pack: MANIFEST_SUMMARY.pack,
    settings: SETTINGS,
    eventTypes: [
${lines(eventTypes.map((e) => code`${e},`), '      ')}
    ],
    parsers: [
${lines(parsers.map((e) => code`${e},`), '      ')}
    ],
    counters: [
${lines(counters.map((e) => code`${e},`), '      ')}
    ],
    models: [
${lines(models.map((e) => code`${e},`), '      ')}
    ],
    rules: [
${lines(rules.map((e) => code`${e},`), '      ')}
    ],
    evaluate: (et, ev, rt) => EVALUATORS[et](ev, rt),
  });
  return Object.assign(program, { modelReads: (et, ev) => MODEL_READS[et](ev), modelReadRefusals: ${reads.refused} });
}

const RE = h.guardRegexes([${regexes.map((r) => regex(r.source, r.flags))}], SETTINGS);
`;
  return src.text;
}

// ---- model reads (scale-out): what each event type's rules may ask of non-user models ----

/**
 * Per event type, `(ev) => reads`: every model look-up the event type's rules may make, with
 * its argument values, so a partitioned models worker can answer them before the rules run
 * (runtime/scale/roles.ts). A superset: each call site counts whatever the conditions around
 * it decide. An argument that reads session state (a counter, a model statistic, another
 * model call) cannot be computed from the event alone: the rule is listed as refused instead.
 * User models are answered where the user is, so only their seen-anywhere sets are listed.
 * Reads: [0, model, percentile] stats (scope and feature from the model's own expressions),
 * [1, model, scope] modelTotal, [2, model, value] seenAnywhere.
 */
function emitModelReads(ir: IR, names: Names, base: EmitContext): { decls: Code; refused: Code } {
  const STATE = /\brt\./;
  const refused: string[] = [];
  // Outside a rule the event is all there is: a model statistic or counter marks the argument as state.
  const eventOnly: ExprEmitContext = { ...base, ident: (name) => (Object.hasOwn(MODEL_STATS, name) ? code`rt.stat` : prop(code`ev`, name)) };
  const modelFeatureUsesState = ir.models.map((m) => STATE.test(emitExpr(m.feature, eventOnly).text));
  const fns = ir.eventTypes.map((_, etIndex) => {
    const entries: Code[] = [];
    for (const i of ir.ruleOrder[etIndex]!) {
      const r = ir.rules[i]!;
      // A user model is held by the user's own worker: only its seen-anywhere set is elsewhere.
      const remote = (model: number, call: string) => call === 'seenAnywhere' || ir.models[model]!.scopeType !== 'user';
      if (r.model >= 0 && remote(r.model, 'stats')) {
        if (modelFeatureUsesState[r.model]) refused.push(`rule ${r.id}: the feature of model ${ir.models[r.model]!.id} reads session state`);
        entries.push(code`[0, ${names.model[r.model]!}, ${num(r.percentileThreshold)}]`);
      }
      for (const e of [r.classifyIf, r.expression]) if (e) walk(e, (n) => {
        if (n.kind !== 'call' || (n.name !== 'modelTotal' && n.name !== 'seenAnywhere')) return;
        const model = n.res?.model;
        if (model === undefined || !remote(model, n.name)) return;
        const arg = emitExpr(n.args[1]!, eventOnly);
        if (STATE.test(arg.text)) { refused.push(`rule ${r.id}: the argument of ${n.name}('${ir.models[model]!.id}', …) reads session state`); return; }
        entries.push(code`[${num(n.name === 'modelTotal' ? 1 : 2)}, ${names.model[model]!}, ${arg}]`);
      });
    }
    return code`(ev) => [${joinCode(entries, ', ')}]`;
  });
  return {
    decls: code`const MODEL_READS = [
${lines(fns.map((f) => code`${f},`), '    ')}
  ];`,
    refused: json(refused),
  };
}

/**
 * The class of one event type's events. The constructor writes every field in one order
 * (event_type, time, time_source, the catalog fields, the derived fields), all null until a
 * builder or enrich sets them, so every event of the type has one V8 shape whichever parser
 * built it. A type with reason-only fields also keeps, per event, the function that computes
 * them and its raw inputs (private fields: invisible to JSON, Object.keys and equality), run
 * when a rule renders its reason (renderReason) or the event is serialised (toJSON).
 */
function emitEventClass(ir: IR, etIndex: number, name: Code): Code {
  const et = ir.eventTypes[etIndex]!;
  const init = (field: string, value: Code): Code => field === '__proto__'
    ? code`Object.defineProperty(this, ${str(field)}, { value: ${value}, writable: true, enumerable: true, configurable: true });`
    : code`${prop(code`this`, field)} = ${value};`;
  const fields = [
    init('event_type', str(et.name)), init('time', num(0)), init('time_source', code`null`),
    ...[...et.fields, ...et.derived].map((f) => init(f.name, code`null`)),
  ];
  const later = [...reasonOnly(ir, etIndex)];
  if (later.length === 0) {
    return code`${comment(et.name)}
class ${name} {
  constructor() {
${lines(fields, '    ')}
  }
}`;
  }
  return code`${comment(`${et.name}; a run computes ${later.join(', ')} (read only by rule reasons) when a rule fires`)}
class ${name} {
  #reasonFields;
  #reasonInputs;
  constructor(reasonFields = null, reasonInputs = null) {
${lines(fields, '    ')}
    this.#reasonFields = reasonFields;
    this.#reasonInputs = reasonInputs;
  }
  [COMPLETE_REASON_FIELDS]() {
    const fill = this.#reasonFields;
    if (fill === null) return;
    this.#reasonFields = null;
    fill(this, this.#reasonInputs);
    this.#reasonInputs = null;
  }
  toJSON() {
    this[COMPLETE_REASON_FIELDS]();
    return this;
  }
}`;
}

/**
 * One parser's entry: selection, time, and its builders. `build(r, out)` is the whole mapping
 * (`uebac parse`, explain, content tests); `buildRun(r, out)`, emitted when demand analysis
 * left something out, computes only the fields a run reads from only `runKeys`, the other
 * fields of the event null, and leaves the reason-only fields to a function of `fills` that
 * runs when a rule fires.
 */
function emitParser(ir: IR, p: IR['parsers'][number], pi: number, names: Names, base: EmitContext, fills: Code[]): Code {
  const local = names.scope.child();
  const deferred = p.events.map((e, b): Deferral | null => {
    const fill = names.reasonFill[pi]![b];
    return fill ? { fill, fields: reasonFillFields(ir, p, e.eventType), later: reasonOnly(ir, e.eventType) } : null;
  });
  const lean = p.runFields.length < p.fields.length || p.runKeys.length < p.rawKeys.length || deferred.some((d) => d !== null);
  const eager = (et: number) => { const later = reasonOnly(ir, et); return new Set(ir.runRead[et]!.filter((n) => !later.has(n))); };
  for (const [b, d] of deferred.entries()) if (d) fills.push(emitReasonFill(ir, p, p.events[b]!.eventType, d, names.scope.child(), base));
  const run = lean ? code`
  runKeys: ${json(p.runKeys)},
  buildRun(r, out) {
${lines(emitBuilder(ir, p, local.child(), base, p.runKeys, eager, names.eventClass, (b) => deferred[b]!), '    ')}
  },` : code``;
  return code`{
  id: ${str(p.id)},
  format: ${str(p.format)},
  vendors: ${json(p.vendors)}, products: ${json(p.products)}, signatures: ${json(p.signatures)}, contains: ${json(p.contains)},
  extract: ${json(p.extract)},
  rawKeys: ${json(p.rawKeys)},
  timeFrom: ${json(p.timeFrom)}, timeFormats: ${json(p.timeFormats)},
  build(r, out) {
${lines(emitBuilder(ir, p, local.child(), base, p.rawKeys, (et) => new Set(ir.eventTypes[et]!.fields.map((f) => f.name)), names.eventClass, () => null), '    ')}
  },${run}
}`;
}

/**
 * The function computing one parser branch's reason-only fields: the same field expressions
 * (in order, each name resolved as the builder resolves it), from the raw values the event
 * kept, since the value slots are reused by the next line long before a rule fires. Sets
 * `d.inputs`, the raw keys it takes in parameter order.
 */
function emitReasonFill(ir: IR, p: IR['parsers'][number], etIndex: number, d: Deferral, local: Scope, base: EmitContext): Code {
  const et = ir.eventTypes[etIndex]!;
  const raw = new Map<string, Code>();
  const outputs = new Map<string, Code>();
  const rawLocal = (key: string): Code => {
    let v = raw.get(key);
    if (!v) raw.set(key, (v = local.name('raw_', key)));
    return v;
  };
  const cx: ExprEmitContext = {
    ...base,
    ident: (name) => outputs.get(name) ?? rawLocal(name),
    call: (node, c) => { const key = rawCallKey(node); return key === null ? c : rawLocal(key); },
  };
  const body: Code[] = [];
  for (const i of [...d.fields].sort((x, y) => x - y)) {
    const field = p.fields[i]!;
    const v = local.name('f_', field.name);
    body.push(code`const ${v} = ${emitExpr(field.ast, cx)};`);
    outputs.set(field.name, v);
  }
  const sets = et.fields.filter((f) => d.later.has(f.name) && outputs.has(f.name)).map((f) => code`${prop(code`ev`, f.name)} = ${COERCE[f.type] ?? code`coerceString`}(${outputs.get(f.name)!});`);
  d.inputs = [...raw.keys()].sort();
  const params = d.inputs.length === 1 ? raw.get(d.inputs[0]!)! : code`[${d.inputs.map((k) => raw.get(k)!)}]`;
  return code`${comment(`${p.id} → ${et.name}`)}
function ${d.fill}(ev, ${params}) {
${lines([...body, ...sets], '  ')}
}`;
}

/** The key of a `raw('key')` call, or null. */
function rawCallKey(node: CallNode): string | null {
  const arg = node.name === 'raw' ? node.args[0] : undefined;
  return arg?.kind === 'literal' && typeof arg.value === 'string' ? arg.value : null;
}

const COERCE: Record<string, Code> = { string: code`coerceString`, ip: code`coerceString`, number: code`coerceNumber`, time: code`coerceNumber`, boolean: code`coerceBoolean`, list: code`coerceList` };

/** A parser branch whose reason-only fields wait for a rule: the function computing them and the raw keys it reads. */
interface Deferral {
  fill: Code;
  fields: ReadonlySet<number>;
  later: ReadonlySet<string>;
  /** set once the function is emitted: its raw keys, in parameter order */
  inputs?: string[];
}

/**
 * A builder's body: raw values (`r[i]` is raw key i of `keys`) read once into locals; the
 * fields the event conditions need computed first, then, inside the branch of the event type
 * chosen, the fields that type reads (`reads(et)`: its catalog fields, or on the run path the
 * ones something downstream reads), each once into a local (later fields and conditions read
 * the local, as they read the mapped value before); a call repeated within the builder (a URL
 * host, a context look-up, a regex capture) memoised on first use; then the event: an
 * instance of the type's class (`classes`, every field null) with each computed field set,
 * coerced to its catalog type; a branch with a `deferral` hands the class the function
 * computing the reason-only fields and the raw values it reads. Returns the event type
 * index, or -1.
 */
function emitBuilder(ir: IR, p: IR['parsers'][number], local: Scope, base: EmitContext, keys: readonly string[], reads: (eventType: number) => ReadonlySet<string>, classes: readonly Code[], deferral: (branch: number) => Deferral | null): Code[] {
  const shared = fieldsFeeding(p, true, []);
  const branch = p.events.map((e) => {
    const read = reads(e.eventType);
    return fieldsFeeding(p, false, ir.eventTypes[e.eventType]!.fields.map((f) => f.name).filter((n) => read.has(n)));
  });
  const keep = new Set([...shared, ...branch.flatMap((b) => [...b])]);
  const raw = new Map<string, Code>();
  /** output field → the local holding its latest value (fields defined so far) */
  const outputs = new Map<string, Code>();
  const fieldLocals: Code[] = p.fields.map((f) => local.name('f_', f.name));
  const ident = (name: string): Code => {
    const o = outputs.get(name);
    if (o) return o;
    let v = raw.get(name);
    if (!v) raw.set(name, (v = local.name('raw_', name)));
    return v;
  };
  /** raw('key') reads the key's local like a plain identifier (no second look-up). */
  const rawLocal = (key: string): Code => {
    let v = raw.get(key);
    if (!v) raw.set(key, (v = local.name('raw_', key)));
    return v;
  };
  const rawCall = (node: CallNode): Code | null => {
    const key = rawCallKey(node);
    return key === null ? null : rawLocal(key);
  };
  // A call repeated within the builder is computed once (emit/call-memo.ts): pass 1 counts
  // the calls, pass 2 emits.
  const walkAll = (cx: ExprEmitContext, each: (i: number, c: Code) => void, when: (c: Code, e: (typeof p.events)[number]) => void) => {
    outputs.clear();
    p.fields.forEach((f, i) => {
      if (!keep.has(i)) return;
      each(i, emitExpr(f.ast, cx));
      outputs.set(f.name, fieldLocals[i]!);
    });
    for (const e of p.events) if (e.when !== null) when(asBool(e.when, cx), e);
  };
  const memo = new CallMemo(local, (_, k) => `m_${k}`);
  const rawReading: ExprEmitContext = { ...base, ident, call: (node, c) => rawCall(node) ?? c };
  walkAll(memo.counting(rawReading), () => {}, () => {});
  const memoising = memo.memoising(rawReading);
  const assignOf = new Map<number, Code>();
  const conds = new Map<(typeof p.events)[number], Code>();
  walkAll(memoising, (i, c) => assignOf.set(i, code`const ${fieldLocals[i]!} = ${c};`), (c, e) => conds.set(e, c));
  const assigns = [...shared].sort((a, b) => a - b).map((i) => assignOf.get(i)!);
  const finalLocal = (name: string, computed: ReadonlySet<number>): Code | undefined => {
    // the latest definition of a field is the one the event keeps (null when it is not computed)
    let last: number | undefined;
    p.fields.forEach((f, i) => { if (f.name === name) last = i; });
    return last === undefined || !computed.has(last) ? undefined : fieldLocals[last];
  };
  const event = local.name('event');
  /** The event of branch `b`: its class instance, then each computed field coerced to its type. */
  const construct = (b: number, etIndex: number, computed: ReadonlySet<number>): Code[] => {
    const et = ir.eventTypes[etIndex]!;
    const read = reads(etIndex);
    const d = deferral(b);
    const inputs = d ? d.inputs!.map(rawLocal) : [];
    const args = d ? code`${d.fill}, ${inputs.length === 1 ? inputs[0]! : code`[${inputs}]`}` : code``;
    const sets = et.fields.flatMap((f) => {
      const v = read.has(f.name) ? finalLocal(f.name, computed) : undefined;
      return v ? [code`${prop(event, f.name)} = ${COERCE[f.type] ?? code`coerceString`}(${v});`] : [];
    });
    return [code`const ${event} = new ${classes[etIndex]!}(${args});`, ...sets, code`out.event = ${event};`, code`return ${num(etIndex)};`];
  };
  const builders: Code[] = [];
  let exhaustive = false;
  p.events.forEach((e, b) => {
    if (exhaustive) return;
    const own = [...branch[b]!].filter((i) => !shared.has(i)).sort((x, y) => x - y);
    const computed = new Set([...shared, ...own]);
    const build = code`{ ${comment(ir.eventTypes[e.eventType]!.name)}
${lines([...own.map((i) => assignOf.get(i)!), ...construct(b, e.eventType, computed)], '  ')}
}`;
    if (e.when === null) { builders.push(build); exhaustive = true; return; }
    builders.push(code`if (${conds.get(e)!}) ${build}`);
  });
  if (!exhaustive) builders.push(code`return -1;`);
  // The dispatcher hands over the values of `keys` in that order (demand analysis lists
  // every key read here), so each read is an array index; the comment names the key.
  const slot = (key: string): number => {
    const i = keys.indexOf(key);
    if (i < 0) throw new Error(`parser ${p.id}: raw key ${JSON.stringify(key)} missing from its demand list`);
    return i;
  };
  const rawReads = [...raw].map(([key, v]) => code`const ${v} = r[${num(slot(key))}] ?? null; ${comment(key)}`);
  return [...rawReads, ...memo.declarations(), ...assigns, ...builders];
}

/** Bundle the generated source with the runtime helpers into one self-contained ESM file. */
export async function bundleSource(source: string): Promise<string> {
  const result = await build({
    stdin: { contents: source, resolveDir: REPO_ROOT, sourcefile: 'bundle.ts', loader: 'ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    legalComments: 'none',
    charset: 'utf8',
    // str() writes `<` as \u003c, but esbuild re-prints literals; this keeps `</script`
    // escaped (as `<\/script`) so the bundle can be inlined into an HTML page.
    supported: { 'inline-script': true },
    logLevel: 'silent',
  });
  const text = result.outputFiles[0]!.text;
  if (/<\/script/i.test(text)) throw new Error('bundle output contains a raw </script>: refusing to write it');
  return text;
}
