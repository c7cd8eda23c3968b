// Pass (demand analysis), in two parts:
//  - per parser, the raw keys its whole mapping reads (field expressions, `when` conditions,
//    raw('…'), the time keys): what `uebac parse` extracts;
//  - the run path: per event type, the fields something downstream reads (rules, models,
//    counters, sessions, records, and the derived fields those need), and per parser the field
//    expressions and raw keys that feed them. A run builds events with only those fields
//    (the others stay null), so a key no rule can see is neither found nor decoded. Parsed
//    fields that only rule reasons read (a reason's `{web_domain}`) are listed apart: a run
//    computes them when a rule fires, from raw values the event keeps.
import { walk, type Expr } from '../expr/ast.ts';
import type { IR, IRParser } from '../ir.ts';
import type { Session } from './session.ts';
import type { Unit } from './unit.ts';

export function analyseDemand(unit: Unit, _session: Session): void {
  const read = fieldsRead(unit.ir, true);
  const readBesidesReasons = fieldsRead(unit.ir, false);
  for (const p of unit.ir.parsers) {
    p.rawKeys = mappingKeys(p);
    const run = runPlan(p, unit.ir, read);
    p.runFields = run.fields;
    p.runKeys = run.keys;
  }
  unit.ir.runRead = read.map((names) => [...names].sort());
  unit.ir.runDerived = unit.ir.eventTypes.map((et, i) => et.derived.flatMap((d, j) => (read[i]!.has(d.name) ? [j] : [])));
  // Only parsed fields wait for a rule: a derived one is computed by enrich, which runs on
  // another worker in a partitioned run, after the event left its parser.
  unit.ir.runReasonOnly = unit.ir.eventTypes.map((et, i) => et.fields.map((f) => f.name).filter((n) => read[i]!.has(n) && !readBesidesReasons[i]!.has(n)).sort());
}

/** Every raw key the parser's mapping reads, sorted (the value-slot order). */
function mappingKeys(p: IRParser): string[] {
  const keys = new Set<string>(p.timeFrom);
  // An identifier is a raw key unless an earlier field of this parser produced it: the
  // emitter and the interpreter resolve names in the same order.
  const outputs = new Set<string>();
  const readExpr = (ast: Expr) => walk(ast, (n) => {
    if (n.kind === 'ident' && !outputs.has(n.name)) keys.add(n.name);
    const key = rawCallKey(n);
    if (key !== null) keys.add(key);
  });
  for (const f of p.fields) { readExpr(f.ast); outputs.add(f.name); }
  for (const e of p.events) if (e.when) readExpr(e.when);
  return [...keys].sort();
}

/** The key of a `raw('key')` call, or null. */
function rawCallKey(n: Expr): string | null {
  return n.kind === 'call' && n.name === 'raw' && n.args[0]?.kind === 'literal' && typeof n.args[0].value === 'string' ? n.args[0].value : null;
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Per event type, the names of the fields the run reads: sessions and records (user, the
 * asset fields), the rules of the type (conditions, score targets and, with `reasons`, the
 * reason placeholders), the models that train on the type or that its rules score against
 * (scope, feature, train condition), the counters updated on the type or read by anything
 * above (value, key), closed over the derived fields they need. A model or counter of other
 * types only is never evaluated on these events. Identifiers that are not fields (model
 * evidence names) are harmless extras.
 */
function fieldsRead(ir: IR, reasons: boolean): Array<Set<string>> {
  const common = ['user', 'time', 'event_type', ...ir.settings.assetFields];
  return ir.eventTypes.map((et, i) => {
    const set = new Set<string>(common);
    const counters = new Set<number>();
    const add = (e: Expr | null) => {
      if (e) walk(e, (n) => {
        if (n.kind === 'ident') set.add(n.name);
        const c = n.kind === 'call' ? n.res?.counter : undefined;
        if (c !== undefined) counters.add(c);
      });
    };
    const models = new Set<number>();
    ir.models.forEach((m, j) => { if (m.eventTypes.includes(i)) models.add(j); });
    for (const r of ir.rules) {
      if (!r.eventTypes.includes(i)) continue;
      add(r.classifyIf);
      add(r.expression);
      if (r.model >= 0) models.add(r.model);
      if (r.scoreTarget) set.add(r.scoreTarget);
      if (reasons) for (const m of r.reason.matchAll(PLACEHOLDER)) set.add(m[1]!);
    }
    for (const j of models) {
      const m = ir.models[j]!;
      if (m.scopeField) set.add(m.scopeField);
      add(m.feature);
      add(m.trainIf);
    }
    ir.counters.forEach((c, j) => { if (c.eventTypes.includes(i)) counters.add(j); });
    // A counter's value or key may read another counter: read until nothing new is added.
    const done = new Set<number>();
    for (let next = [...counters]; next.length > 0; next = [...counters].filter((c) => !done.has(c))) {
      for (const c of next) { done.add(c); add(ir.counters[c]!.value); add(ir.counters[c]!.key); }
    }
    // A derived field read needs what its expression reads (possibly other derived fields).
    for (let changed = true; changed;) {
      changed = false;
      for (const d of et.derived) {
        if (!set.has(d.name)) continue;
        const before = set.size;
        add(d.ast);
        if (set.size !== before) changed = true;
      }
    }
    return set;
  });
}

/**
 * The parser's field expressions (indexes into p.fields) a run needs, and the raw keys they,
 * the `when` conditions and the time read, sorted. A field is needed when an event type the
 * parser builds reads its final definition, or a needed field or condition reads it.
 */
function runPlan(p: IRParser, ir: IR, read: ReadonlyArray<ReadonlySet<string>>): { fields: number[]; keys: string[] } {
  const keys = new Set<string>(p.timeFrom);
  const fields = fieldsFeeding(p, true, p.events.flatMap((e) => ir.eventTypes[e.eventType]!.fields.filter((f) => read[e.eventType]!.has(f.name)).map((f) => f.name)), keys);
  return { fields: [...fields].sort((a, b) => a - b), keys: [...keys].sort() };
}

/**
 * The field expressions of `p` that the values of `names` (as the event sees them: their final
 * definitions) and, with `when`, the event conditions need, directly or through other fields.
 * A name in an expression means the latest earlier definition, else the raw key (as the
 * emitter and the interpreter resolve it); the raw keys met are added to `keys`.
 */
export function fieldsFeeding(p: IRParser, when: boolean, names: Iterable<string>, keys: Set<string> = new Set()): Set<number> {
  const keep = new Set<number>();
  /** The definition of `name` a reader at field index `before` sees (-1: a raw key). */
  const definition = (name: string, before: number): number => {
    for (let i = before - 1; i >= 0; i--) if (p.fields[i]!.name === name) return i;
    return -1;
  };
  const pending: number[] = [];
  const need = (name: string, before: number, rawToo: boolean) => {
    const i = definition(name, before);
    if (i < 0) { if (rawToo) keys.add(name); }
    else if (!keep.has(i)) { keep.add(i); pending.push(i); }
  };
  const readAt = (ast: Expr, before: number) => walk(ast, (n) => {
    if (n.kind === 'ident') need(n.name, before, true);
    const key = rawCallKey(n);
    if (key !== null) keys.add(key);
  });
  const end = p.fields.length;
  if (when) for (const e of p.events) if (e.when) readAt(e.when, end);
  // A name the parser does not define is null in the event (no raw key behind it).
  for (const name of names) need(name, end, false);
  while (pending.length > 0) { const i = pending.pop()!; readAt(p.fields[i]!.ast, i); }
  return keep;
}
