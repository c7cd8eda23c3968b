// Pass: build the IR items, resolving every reference by name (event types, models, rules in
// dependencies, scope and score fields), and queue each expression for checking.
import { DIAG } from '../diagnostics/codes.ts';
import type { Type, Where } from '../builtins/types.ts';
import type { DepExpr } from '../expr/ast.ts';
import { parseDependency } from '../expr/parse.ts';
import { didYouMean } from '../expr/suggest.ts';
import type { EventTypeDoc, Item, ModelDoc, RuleDoc } from '../graph.ts';
import type { IREventType, IRModel, IRParser, IRRule } from '../ir.ts';
import { expressionLocator, rangeAt, type SourceFile } from '../load.ts';
import { captureGroupNames, translateExabeamRegex } from '../regex/translate.ts';
import type { Session } from './session.ts';
import { fieldsOf, pendingExpr, type ExprSlot, type Unit } from './unit.ts';

export function resolveReferences(unit: Unit, session: Session): void {
  const r = new Resolver(unit, session);
  unit.ir.eventTypes = unit.graph.eventTypes.map((it) => r.eventType(it));
  unit.ir.parsers = r.parsers();
  unit.ir.models = unit.graph.models.map((it) => r.model(it));
  unit.ir.rules = unit.enabledRules.map((it) => r.rule(it));
}

/** Visit every node of a dependency expression. */
export function walkDep(d: DepExpr, visit: (d: DepExpr) => void): void {
  visit(d);
  if (d.kind === 'not') walkDep(d.arg, visit);
  if (d.kind === 'and' || d.kind === 'or') { walkDep(d.left, visit); walkDep(d.right, visit); }
}

class Resolver {
  constructor(private readonly unit: Unit, private readonly session: Session) {}

  private queue(file: SourceFile, path: (string | number)[], text: string, where: Where, rest: Pick<ExprSlot, 'fields' | 'eventTypes' | 'set'> & { modelStats?: boolean }): void {
    this.unit.exprs.push({ file, path, text, where, modelStats: false, ...rest });
  }

  private unknownEventType(file: SourceFile, path: (string | number)[], name: string): void {
    const s = didYouMean(name, this.unit.ids.eventTypes.keys());
    this.session.report(file, rangeAt(file, path), DIAG.UNKNOWN_EVENT_TYPE, `unknown event type \`${name}\``, s ? `did you mean \`${s}\`?` : undefined);
  }

  private eventTypeList(file: SourceFile, path: (string | number)[], names: readonly string[]): number[] {
    const out: number[] = [];
    names.forEach((n, i) => {
      const idx = this.unit.ids.eventTypes.get(n);
      if (idx === undefined) this.unknownEventType(file, [...path, i], n);
      else out.push(idx);
    });
    return out;
  }

  eventType({ file, value }: Item<EventTypeDoc>): IREventType {
    const out: IREventType = { name: value.id, fields: [], derived: [] };
    const known = new Map<string, Type>([['time', 'time'], ['event_type', 'string']]);
    for (const [name, def] of Object.entries(value.fields)) {
      if (name === 'time' || name === 'event_type') continue;
      if (def.expr !== undefined) {
        const d = { name, type: def.type, ast: pendingExpr() };
        out.derived.push(d);
        // Derived fields see the fields declared before them.
        this.queue(file, ['fields', name, 'expr'], def.expr, 'derive', { fields: new Map(known), eventTypes: [value.id], set: (ast) => { d.ast = ast; } });
      } else {
        out.fields.push({ name, type: def.type });
      }
      known.set(name, def.type);
    }
    return out;
  }

  parsers(): IRParser[] {
    const out: IRParser[] = [];
    const ets = this.unit.ir.eventTypes;
    for (const { file, value: p } of this.unit.graph.parsers) {
      const events: IRParser['events'] = [];
      const whens: Array<() => void> = [];
      p.events.forEach((e, i) => {
        const idx = this.unit.ids.eventTypes.get(e.type);
        if (idx === undefined) { this.unknownEventType(file, ['events', i, 'type'], e.type); return; }
        const ev: IRParser['events'][number] = { eventType: idx, when: null };
        events.push(ev);
        if (e.when) whens.push(() => this.queue(file, ['events', i, 'when'], e.when!, 'parser', { fields: null, eventTypes: [], set: (ast) => { ev.when = ast; } }));
      });
      const catalog = new Set<string>();
      for (const e of events) ets[e.eventType]!.fields.forEach((f) => catalog.add(f.name));
      const fields: IRParser['fields'] = [];
      for (const [name, text] of Object.entries(p.fields)) {
        if (!catalog.has(name) && name !== 'time') {
          const s = didYouMean(name, catalog);
          this.session.report(file, rangeAt(file, ['fields', name], true), DIAG.UNKNOWN_FIELD, `field \`${name}\` is not in the catalog of ${p.events.map((e) => e.type).join(', ')}`, s ? `did you mean \`${s}\`?` : 'add it to the event type first');
        }
        const f = { name, ast: pendingExpr() };
        fields.push(f);
        this.queue(file, ['fields', name], text, 'parser', { fields: null, eventTypes: [], set: (ast) => { f.ast = ast; } });
      }
      // Field expressions are checked before the `when` conditions that read their outputs.
      whens.forEach((queue) => queue());
      const extract: IRParser['extract'] = [];
      (p.extract ?? []).forEach((src, i) => {
        const t = translateExabeamRegex(src);
        const range = rangeAt(file, ['extract', i]);
        for (const prob of t.problems) this.session.report(file, range, prob.kind === 'java-only' ? DIAG.REGEX_JAVA_ONLY : DIAG.REGEX_SYNTAX, prob.message);
        if (t.problems.length === 0) {
          extract.push({ source: t.source, flags: t.flags, groups: captureGroupNames(t) });
          this.unit.regexes.push({ file, range, source: t.source, flags: t.flags });
        }
      });
      if (p.format === 'regex' && !(p.extract?.length)) this.session.report(file, rangeAt(file, ['format']), DIAG.CONDITIONAL_PROPERTY, 'a regex-format parser needs `extract` regexes');
      out.push({
        id: p.id, format: p.format, priority: p.priority ?? 100,
        vendors: p.select.vendor ?? [], products: p.select.product ?? [], signatures: p.select.signature ?? [], contains: p.select.contains ?? [],
        timeFrom: Array.isArray(p.time.from) ? p.time.from : [p.time.from], timeFormats: p.time.formats, extract,
        fields, events, rawKeys: [], runFields: [], runKeys: [], tests: p.tests ?? [], file: file.path,
      });
    }
    // Explicit priority, then id: the order is part of the contract (first match wins).
    out.sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return out;
  }

  model({ file, value: m }: Item<ModelDoc>): IRModel {
    const ets = this.eventTypeList(file, ['eventTypes'], m.eventTypes);
    const fields = fieldsOf(this.unit.ir.eventTypes, ets);
    const scopeField = m.scope.type === 'org' ? null : (m.scope.field ?? (m.scope.type === 'user' ? 'user' : m.scope.type === 'peers' ? 'peer_groups' : null));
    if (m.scope.type !== 'org') {
      if (!scopeField) this.session.report(file, rangeAt(file, ['scope']), DIAG.CONDITIONAL_PROPERTY, `a ${m.scope.type}-scoped model needs \`scope.field\``);
      else if (!fields.has(scopeField)) {
        const s = didYouMean(scopeField, fields.keys());
        this.session.report(file, rangeAt(file, ['scope', 'field']), DIAG.UNKNOWN_FIELD, `unknown scope field \`${scopeField}\` for event type ${m.eventTypes.join(', ')}`, s ? `did you mean \`${s}\`?` : undefined);
      }
    }
    const model: IRModel = {
      id: m.id, type: m.type, scopeType: m.scope.type, scopeField, eventTypes: ets, trainOn: m.trainOn ?? 'event',
      feature: pendingExpr(), trainIf: null,
      alpha: m.alpha ?? 1, cutOff: m.cutOff ?? 10, convergence: m.convergence ?? 0.8, maxBins: m.maxBins ?? 100_000,
      agingDays: m.agingDays ?? 0, binWidth: m.binWidth ?? 1, scale: m.scale ?? 'linear', description: m.description ?? m.title ?? '',
    };
    this.queue(file, ['feature'], m.feature, 'feature', { fields, eventTypes: m.eventTypes, set: (ast) => { model.feature = ast; } });
    if (m.trainIf) this.queue(file, ['trainIf'], m.trainIf, 'train', { fields, eventTypes: m.eventTypes, set: (ast) => { model.trainIf = ast; } });
    return model;
  }

  rule({ file, value: r }: Item<RuleDoc>): IRRule {
    const ids = this.unit.ids;
    const ets = this.eventTypeList(file, ['eventTypes'], r.eventTypes);
    const fields = fieldsOf(this.unit.ir.eventTypes, ets);
    let model = -1;
    if (r.model !== undefined) {
      const idx = ids.models.get(r.model);
      if (idx === undefined) {
        const s = didYouMean(r.model, ids.models.keys());
        this.session.report(file, rangeAt(file, ['model']), DIAG.UNKNOWN_MODEL, `unknown model \`${r.model}\``, s ? `did you mean \`${s}\`?` : undefined);
      } else {
        model = idx;
        const m = this.unit.ir.models[idx]!;
        if (ets.length && !ets.some((e) => m.eventTypes.includes(e))) {
          this.session.report(file, rangeAt(file, ['eventTypes']), DIAG.UNREACHABLE_RULE, `rule \`${r.id}\` can never see its model: its event types (${r.eventTypes.join(', ')}) and model \`${m.id}\`'s are disjoint`);
        }
      }
    }
    let dependency: DepExpr | null = null;
    if (r.dependency && r.dependency.trim() !== 'NA') {
      const locate = expressionLocator(file, ['dependency']);
      const parsed = parseDependency(r.dependency);
      if (!parsed.ok) this.session.report(file, { start: locate(parsed.error.start), end: locate(parsed.error.end) }, parsed.error.limit ? DIAG.EXPRESSION_TOO_COMPLEX : DIAG.EXPRESSION_SYNTAX, `${parsed.error.limit ? 'dependency too complex' : 'syntax error in dependency'}: ${parsed.error.message}`);
      else {
        dependency = parsed.ast;
        walkDep(dependency, (d) => {
          if (d.kind === 'rule' && !ids.rules.has(d.id)) {
            const s = didYouMean(d.id, ids.rules.keys());
            this.session.report(file, { start: locate(d.span.start), end: locate(d.span.end) }, DIAG.UNKNOWN_RULE, `unknown rule \`${d.id}\` in dependency`, s ? `did you mean \`${s}\`?` : undefined);
          }
        });
      }
    }
    const type = r.type ?? 'session';
    if (type === 'asset' && !r.scoreTarget) this.session.report(file, rangeAt(file, ['type']), DIAG.CONDITIONAL_PROPERTY, 'an asset rule needs `scoreTarget`');
    if (r.scoreTarget && !fields.has(r.scoreTarget)) this.session.report(file, rangeAt(file, ['scoreTarget']), DIAG.UNKNOWN_FIELD, `unknown field \`${r.scoreTarget}\``);
    const rule: IRRule = {
      id: r.id, name: r.name, description: r.description ?? r.name, type, scoreTarget: r.scoreTarget ?? null, eventTypes: ets, model,
      classifyIf: null, expression: pendingExpr(), dependency,
      requireConvergence: r.requireConvergence ?? true, percentileThreshold: r.percentileThreshold ?? 0.1, score: r.score, mitre: r.mitre,
      reason: r.reason ?? r.name,
    };
    if (r.classifyIf) this.queue(file, ['classifyIf'], r.classifyIf, 'classify', { fields, eventTypes: r.eventTypes, set: (ast) => { rule.classifyIf = ast; } });
    this.queue(file, ['expression'], r.expression, 'rule', { fields, eventTypes: r.eventTypes, modelStats: model >= 0, set: (ast) => { rule.expression = ast; } });
    return rule;
  }
}
