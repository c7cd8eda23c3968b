// Phases 3–5 — resolve references and check every expression, producing the IR that the
// emitter turns into a bundle and the interpreter runs directly.
import { createHash } from 'node:crypto';
import type { TableData } from '../runtime/context.ts';
import type { CounterFn, CounterScope, PackInfo, PackSettings } from '../runtime/program.ts';
import type { CheckContext, Resolution, Type, Where } from './builtins/types.ts';
import type { Diagnostic, Range } from './diagnostics/types.ts';
import type { DepExpr, Expr, Span } from './expr/ast.ts';
import { walk } from './expr/ast.ts';
import { checkExpression, type Resolutions } from './expr/check.ts';
import { parseDependency, parseExpression } from './expr/parse.ts';
import { didYouMean } from './expr/suggest.ts';
import type { ContentGraph, ContextDoc, EventTypeDoc, Item, ModelDoc, ParserDoc, RuleDoc, TestDoc } from './graph.ts';
import { expressionLocator, loadContentDir, rangeAt, type SourceFile } from './load.ts';
import { checkRegexSafety } from './regex/safety.ts';
import { DEFAULT_REGEX_BUDGET_MS, regexKey } from '../runtime/regex-guard.ts';
import { captureGroupNames, translateExabeamRegex } from './regex/translate.ts';
import { validateFile } from './validate.ts';

export const COMPILER_VERSION = '0.1.0';

export interface IRField { name: string; type: Type }
export interface IREventType { name: string; fields: IRField[]; derived: Array<{ name: string; type: Type; ast: Expr }> }
export interface IRParser {
  id: string; format: 'cef' | 'leef' | 'regex'; priority: number;
  vendors: string[]; products: string[]; signatures: string[]; contains: string[];
  timeFrom: string[]; timeFormats: string[];
  extract: Array<{ source: string; flags: string; groups: Array<{ group: string; field: string }> }>;
  fields: Array<{ name: string; ast: Expr }>;
  events: Array<{ eventType: number; when: Expr | null }>;
  tests: NonNullable<ParserDoc['tests']>;
  file: string;
}
export interface IRCounter { fn: CounterFn; scope: CounterScope; eventTypes: number[]; value: Expr; key: Expr | null }
export interface IRModel {
  id: string; type: ModelDoc['type']; scopeType: ModelDoc['scope']['type']; scopeField: string | null;
  eventTypes: number[]; trainOn: 'event' | 'sequence-end'; feature: Expr; trainIf: Expr | null;
  alpha: number; cutOff: number; convergence: number; maxBins: number; agingDays: number; binWidth: number; scale: 'linear' | 'log10';
  description: string;
}
export interface IRRule {
  id: string; name: string; description: string; type: 'session' | 'asset'; scoreTarget: string | null;
  eventTypes: number[]; model: number; classifyIf: Expr | null; expression: Expr; dependency: DepExpr | null;
  requireConvergence: boolean; percentileThreshold: number; score: number; mitre: string[]; reason: string;
}
export interface IR {
  pack: PackInfo;
  settings: PackSettings;
  contentHash: string;
  eventTypes: IREventType[];
  parsers: IRParser[];
  contexts: Array<TableData & { organisation: boolean; columns: string[] }>;
  counters: IRCounter[];
  models: IRModel[];
  rules: IRRule[];
  /** per event type: rule indexes in evaluation (dependency) order */
  ruleOrder: number[][];
  /** rule index → rules it depends on, by index */
  resolutions: Resolutions;
  tests: Array<Item<TestDoc>>;
}

export interface CompileResult { ir: IR | null; diagnostics: Diagnostic[]; files: SourceFile[] }

const DEFAULT_SETTINGS: PackSettings = {
  notableThreshold: 90, inactivityMinutes: 240, maxSessionHours: 24,
  riskTransfer: { enabled: false, fraction: 0, carryHours: 24 },
  maxRegexInput: 4096, maxFieldLength: 65536, maxOpenSessions: 100_000, maxAssetSequences: 100_000, guardedRegexes: [], regexBudgetMs: DEFAULT_REGEX_BUDGET_MS,
  assetFields: ['src_host', 'host'],
};

/** Load, validate, resolve and check the content directory. */
export function compileDir(root: string): CompileResult {
  const { files, diagnostics } = loadContentDir(root);
  return { ...compileFiles(files, diagnostics), files };
}

export function compileFiles(files: SourceFile[], diagnostics: Diagnostic[] = []): { ir: IR | null; diagnostics: Diagnostic[] } {
  const graph: ContentGraph = { pack: null, eventTypes: [], parsers: [], contexts: [], models: [], rules: [], tests: [] };
  for (const file of files) {
    if (file.value === undefined) continue;
    const kind = validateFile(file, diagnostics);
    if (!kind) continue;
    const item = { file, value: file.value as never };
    switch (kind) {
      case 'pack': graph.pack = item; break;
      case 'event-type': graph.eventTypes.push(item); break;
      case 'parser': graph.parsers.push(item); break;
      case 'context': graph.contexts.push(item); break;
      case 'model': graph.models.push(item); break;
      case 'rule': graph.rules.push(item); break;
      case 'test': graph.tests.push(item); break;
    }
  }
  const ir = new Compiler(graph, diagnostics, files).run();
  const hasErrors = diagnostics.some((d) => d.severity === 'error');
  return { ir: hasErrors ? null : ir, diagnostics };
}

function stripSpans(e: Expr | null): string {
  return JSON.stringify(e, (k, v) => (k === 'span' || k === 'nameSpan' ? undefined : v));
}

class Compiler {
  private readonly resolutions: Resolutions = new WeakMap();
  private readonly counters: IRCounter[] = [];
  private readonly counterKeys = new Map<string, number>();
  private readonly guardedRegexes = new Set<string>();
  private reviewed: Set<string> | null = null;
  private etIndex = new Map<string, number>();
  private modelIndex = new Map<string, number>();
  private ruleIndex = new Map<string, number>();
  private tables = new Map<string, Item<ContextDoc>>();
  private eventTypes: IREventType[] = [];

  /** Rules in file order, without disabled ones: IR rule i comes from enabledRules[i]. */
  private readonly enabledRules: Item<RuleDoc>[];

  constructor(private readonly g: ContentGraph, private readonly diags: Diagnostic[], private readonly files: SourceFile[]) {
    this.enabledRules = g.rules.filter((r) => !r.value.disabled);
  }

  private error(file: SourceFile, range: Range, code: string, message: string, hint?: string, severity: 'error' | 'warning' = 'error'): void {
    this.diags.push({ code, severity, file: file.path, range, message, ...(hint ? { hint } : {}) });
  }

  run(): IR {
    const g = this.g;
    this.indexIds(g.eventTypes, this.etIndex, 'event type');
    this.indexIds(g.models, this.modelIndex, 'model');
    this.indexIds(this.enabledRules, this.ruleIndex, 'rule');
    for (const c of g.contexts) this.tables.set(c.value.id, c);
    this.eventTypes = g.eventTypes.map((it) => this.eventType(it));
    const parsers = this.parsers();
    const models = g.models.map((it) => this.model(it));
    const rules = this.enabledRules.map((it) => this.rule(it, models));
    const ruleOrder = this.orderRules(rules);
    this.warnUnproducedFields(parsers, rules, models);
    this.warnEmptyTables(rules);
    const p = g.pack?.value;
    const s = p?.settings ?? {};
    const settings: PackSettings = {
      notableThreshold: s.notableThreshold ?? DEFAULT_SETTINGS.notableThreshold,
      inactivityMinutes: s.session?.inactivityMinutes ?? DEFAULT_SETTINGS.inactivityMinutes,
      maxSessionHours: s.session?.maxHours ?? DEFAULT_SETTINGS.maxSessionHours,
      riskTransfer: { enabled: s.riskTransfer?.enabled ?? false, fraction: s.riskTransfer?.fraction ?? 0, carryHours: s.riskTransfer?.carryHours ?? 24 },
      maxRegexInput: s.limits?.regexInputMaxLength ?? DEFAULT_SETTINGS.maxRegexInput,
      maxFieldLength: s.limits?.maxFieldLength ?? DEFAULT_SETTINGS.maxFieldLength,
      maxOpenSessions: s.limits?.maxOpenSessions ?? DEFAULT_SETTINGS.maxOpenSessions,
      maxAssetSequences: s.limits?.maxAssetSequences ?? DEFAULT_SETTINGS.maxAssetSequences,
      assetFields: s.assetFields ?? DEFAULT_SETTINGS.assetFields,
      guardedRegexes: [...this.guardedRegexes].sort(),
      regexBudgetMs: s.limits?.regexBudgetMs ?? DEFAULT_REGEX_BUDGET_MS,
    };
    if (!g.pack && this.files.length) this.error(this.files[0]!, rangeAt(this.files[0]!, []), 'UEB0103', 'the content has no pack.yaml (kind: pack)');
    const hash = createHash('sha256');
    for (const f of [...this.files].sort((a, b) => (a.path < b.path ? -1 : 1))) hash.update(f.path).update('\0').update(f.text).update('\0');
    return {
      pack: { id: p?.id ?? 'unnamed', version: p?.version ?? '0.0.0', name: p?.name ?? p?.id ?? 'unnamed' },
      settings,
      contentHash: hash.digest('hex'),
      eventTypes: this.eventTypes,
      parsers,
      contexts: g.contexts.map(({ value: c }) => ({
        name: c.id, shape: c.shape, match: c.match ?? 'exact', organisation: c.organisation ?? false, columns: c.columns,
        rows: c.shape === 'set' || c.shape === 'keywords' ? (c.values ?? []).map((v) => [v]) : (c.entries ?? []),
      })),
      counters: this.counters,
      models,
      rules,
      ruleOrder,
      resolutions: this.resolutions,
      tests: g.tests,
    };
  }

  private indexIds<T extends { id: string }>(items: Item<T>[], index: Map<string, number>, what: string): void {
    items.forEach((it, i) => {
      if (index.has(it.value.id)) this.error(it.file, rangeAt(it.file, ['id']), 'UEB0004', `duplicate ${what} id \`${it.value.id}\``);
      else index.set(it.value.id, i);
    });
  }

  // ---- expressions ------------------------------------------------------------------

  /** Parse and check the expression at `path` in `file`; null when it has errors. */
  private expr(file: SourceFile, path: (string | number)[], text: string, where: Where, fields: ReadonlyMap<string, Type> | null, eventTypes: readonly string[], modelStats = false): { ast: Expr; type: Type } | null {
    const locate = expressionLocator(file, path);
    const toRange = (span: Span): Range => ({ start: locate(span.start), end: locate(span.end) });
    const parsed = parseExpression(text);
    if (!parsed.ok) {
      this.error(file, toRange(parsed.error), 'UEB0301', `syntax error in expression: ${parsed.error.message}`);
      return null;
    }
    let failed = false;
    /** Resolve a name in an index, or report it (with "did you mean") and return null. */
    const lookup = <V,>(node: Expr, code: string, what: string, name: string, index: ReadonlyMap<string, V>): V | null => {
      const hit = index.get(name);
      if (hit !== undefined) return hit;
      const s = didYouMean(name, index.keys());
      failed = true;
      this.error(file, toRange(node.span), code, `unknown ${what} \`${name}\``, s ? `did you mean \`${s}\`?` : undefined);
      return null;
    };
    const cx: CheckContext = {
      where, eventTypes,
      error: (node, code, message, hint) => { failed = true; this.error(file, toRange(node.span), code, message, hint); },
      warn: (node, code, message, hint) => this.error(file, toRange(node.span), code, message, hint, 'warning'),
      table: (node, name) => lookup(node, 'UEB0204', 'context table', name, this.tables) !== null,
      model: (node, id) => lookup(node, 'UEB0202', 'model', id, this.modelIndex),
      rule: (node, id) => lookup(node, 'UEB0203', 'rule', id, this.ruleIndex),
      eventType: (node, name) => lookup(node, 'UEB0201', 'event type', name, this.etIndex) !== null,
      counter: (fn, scope, value, key, ets) => {
        const etIdx = ets.map((e) => this.etIndex.get(e)!).filter((i) => i !== undefined).sort((a, b) => a - b);
        const k = `${fn}|${scope}|${stripSpans(value)}|${stripSpans(key)}|${etIdx.join(',')}`;
        let idx = this.counterKeys.get(k);
        if (idx === undefined) {
          idx = this.counters.length;
          this.counters.push({ fn, scope, eventTypes: etIdx, value, key });
          this.counterKeys.set(k, idx);
        }
        return idx;
      },
      resolve: () => undefined,
    };
    const type = checkExpression(parsed.ast, { fields, modelStats }, cx, this.resolutions);
    // Regexes: compile and screen for catastrophic backtracking.
    walk(parsed.ast, (n) => {
      if (n.kind !== 'call') return;
      const re = this.resolutions.get(n as never)?.regex;
      if (!re) return;
      const span = (n as { args: Expr[] }).args[1]!.span;
      failed = this.checkRegex(file, toRange(span), re.source, re.flags) || failed;
    });
    return failed ? null : { ast: parsed.ast, type };
  }

  /** Returns true when the regex is an error. */
  private checkRegex(file: SourceFile, range: Range, source: string, flags: string): boolean {
    let re: RegExp;
    try {
      re = new RegExp(source, flags);
    } catch (e) {
      this.error(file, range, 'UEB0401', `invalid regular expression: ${(e as Error).message}`);
      return true;
    }
    const safety = checkRegexSafety(source, flags);
    if (safety.safe) {
      if (safety.unproven) this.guardedRegexes.add(regexKey(re)); // fuzzed, not proven: guard it
      return false;
    }
    if (safety.reason === 'unknown') {
      // Undecided is not safe: only a human review (listed in pack.yaml) lets it through,
      // and it then runs under the run-time guard.
      if (this.reviewedRegexes().has(regexKey(re))) {
        this.guardedRegexes.add(regexKey(re));
        return false;
      }
      this.error(file, range, 'UEB0402', `regex could not be proven free of catastrophic backtracking (${safety.detail ?? 'undecided'})`,
        'simplify it (avoid nested or adjacent overlapping quantifiers and lookarounds), or review it and list it under `reviewedRegexes` in pack.yaml');
      return true;
    }
    // Exponential and cubic-or-worse backtracking are errors, reviewed or not; quadratic is a
    // warning: the run-time guard runs it in linear time where RE2 can express it, and the
    // input cap (regexInputMaxLength) bounds it otherwise.
    const { complexity, degree } = safety;
    const fatal = complexity === 'exponential' || (degree ?? 2) >= 3;
    const how = `${complexity === 'polynomial' && degree ? `degree ${degree} polynomial` : complexity ?? 'super-linear'}${safety.via ? `, through a ${safety.via}` : ''}`;
    this.error(file, range, 'UEB0402', `regex can backtrack catastrophically (${how}); attack string: ${safety.attack ?? '?'}`,
      'remove nested or overlapping quantifiers, e.g. (a+)+ → a+, \\s*\\s* → \\s*; anchor alternatives', fatal ? 'error' : 'warning');
    if (!fatal) this.guardedRegexes.add(regexKey(re));
    return fatal;
  }

  /** Keys of the regexes pack.yaml lists as reviewed (written as in content: Exabeam or JS syntax). */
  private reviewedRegexes(): Set<string> {
    if (this.reviewed) return this.reviewed;
    this.reviewed = new Set();
    for (const r of this.g.pack?.value.reviewedRegexes ?? []) {
      const candidates: Array<[string, string]> = [];
      if (r.pattern.startsWith('(?i)')) candidates.push([r.pattern.slice(4), 'i']);
      candidates.push([r.pattern, '']);
      const t = translateExabeamRegex(r.pattern);
      if (t.problems.length === 0) candidates.push([t.source, t.flags]);
      for (const [source, flags] of candidates) {
        try { this.reviewed.add(regexKey(new RegExp(source, flags))); } catch { /* reported where it is used */ }
      }
    }
    return this.reviewed;
  }

  private fieldsOf(ets: readonly number[]): Map<string, Type> {
    // A field is usable when every event type in the list has it.
    const maps = ets.map((i) => {
      const et = this.eventTypes[i]!;
      return new Map<string, Type>([['time', 'time'], ['event_type', 'string'], ...et.fields.map((f) => [f.name, f.type] as const), ...et.derived.map((d) => [d.name, d.type] as const)]);
    });
    if (maps.length === 0) return new Map();
    const out = new Map(maps[0]);
    for (const m of maps.slice(1)) for (const k of [...out.keys()]) if (!m.has(k)) out.delete(k);
    return out;
  }

  private resolveEventTypes(file: SourceFile, path: (string | number)[], names: readonly string[]): number[] {
    const out: number[] = [];
    names.forEach((n, i) => {
      const idx = this.etIndex.get(n);
      if (idx === undefined) {
        const s = didYouMean(n, this.etIndex.keys());
        this.error(file, rangeAt(file, [...path, i]), 'UEB0201', `unknown event type \`${n}\``, s ? `did you mean \`${s}\`?` : undefined);
      } else out.push(idx);
    });
    return out;
  }

  // ---- items --------------------------------------------------------------------------

  private eventType({ file, value }: Item<EventTypeDoc>): IREventType {
    const fields: IRField[] = [];
    const derived: IREventType['derived'] = [];
    const known = new Map<string, Type>([['time', 'time'], ['event_type', 'string']]);
    for (const [name, def] of Object.entries(value.fields)) {
      if (name === 'time' || name === 'event_type') continue;
      if (def.expr !== undefined) {
        const r = this.expr(file, ['fields', name, 'expr'], def.expr, 'derive', known, [value.id]);
        if (r) derived.push({ name, type: def.type, ast: r.ast });
      } else {
        fields.push({ name, type: def.type });
      }
      known.set(name, def.type);
    }
    return { name: value.id, fields, derived };
  }

  private parsers(): IRParser[] {
    const out: IRParser[] = [];
    for (const { file, value: p } of this.g.parsers) {
      const events = p.events.map((e, i) => {
        const idx = this.etIndex.get(e.type);
        if (idx === undefined) {
          const s = didYouMean(e.type, this.etIndex.keys());
          this.error(file, rangeAt(file, ['events', i, 'type']), 'UEB0201', `unknown event type \`${e.type}\``, s ? `did you mean \`${s}\`?` : undefined);
        }
        return { idx, when: e.when, i };
      });
      const fields: IRParser['fields'] = [];
      const catalog = new Set<string>();
      for (const e of events) if (e.idx !== undefined) {
        const et = this.eventTypes[e.idx]!;
        et.fields.forEach((f) => catalog.add(f.name));
      }
      for (const [name, text] of Object.entries(p.fields)) {
        if (!catalog.has(name) && name !== 'time') {
          const s = didYouMean(name, catalog);
          this.error(file, rangeAt(file, ['fields', name], true), 'UEB0302', `field \`${name}\` is not in the catalog of ${p.events.map((e) => e.type).join(', ')}`, s ? `did you mean \`${s}\`?` : 'add it to the event type first');
        }
        const r = this.expr(file, ['fields', name], text, 'parser', null, []);
        if (r) fields.push({ name, ast: r.ast });
      }
      const extract: IRParser['extract'] = [];
      (p.extract ?? []).forEach((src, i) => {
        const t = translateExabeamRegex(src);
        const range = rangeAt(file, ['extract', i]);
        for (const prob of t.problems) this.error(file, range, prob.kind === 'java-only' ? 'UEB0403' : 'UEB0401', prob.message);
        if (t.problems.length === 0 && !this.checkRegex(file, range, t.source, t.flags)) extract.push({ source: t.source, flags: t.flags, groups: captureGroupNames(t) });
      });
      if (p.format === 'regex' && !(p.extract?.length)) this.error(file, rangeAt(file, ['format']), 'UEB0103', 'a regex-format parser needs `extract` regexes');
      out.push({
        id: p.id, format: p.format, priority: p.priority ?? 100,
        vendors: p.select.vendor ?? [], products: p.select.product ?? [], signatures: p.select.signature ?? [], contains: p.select.contains ?? [],
        timeFrom: Array.isArray(p.time.from) ? p.time.from : [p.time.from], timeFormats: p.time.formats, extract,
        fields,
        events: events.filter((e) => e.idx !== undefined).map((e) => {
          const r = e.when ? this.expr(file, ['events', e.i, 'when'], e.when, 'parser', null, []) : null;
          return { eventType: e.idx!, when: r ? r.ast : null };
        }),
        tests: p.tests ?? [],
        file: file.path,
      });
    }
    // Explicit priority, then id: the order is part of the contract (first match wins).
    out.sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.warnShadowed(out);
    return out;
  }

  /** Warn when an earlier parser's selection is a superset of a later one's: the later never runs. */
  private warnShadowed(parsers: IRParser[]): void {
    const covers = (wide: string[], narrow: string[]) => wide.length === 0 || (narrow.length > 0 && narrow.every((n) => wide.some((w) => w === n || (w.endsWith('*') && n.startsWith(w.slice(0, -1))))));
    for (let j = 0; j < parsers.length; j++) for (let i = 0; i < j; i++) {
      const a = parsers[i]!;
      const b = parsers[j]!;
      if (a.format !== b.format) continue;
      if (covers(a.vendors, b.vendors) && covers(a.products, b.products) && covers(a.signatures, b.signatures) && a.contains.every((c) => b.contains.some((d) => d.includes(c)))) {
        const item = this.g.parsers.find((x) => x.value.id === b.id)!;
        this.error(item.file, rangeAt(item.file, ['select']), 'UEB0207', `parser \`${b.id}\` is shadowed by \`${a.id}\`, which selects every line it would (first match wins)`, `give \`${b.id}\` a lower priority than ${a.priority}, or narrow \`${a.id}\``, 'warning');
        break;
      }
    }
  }

  private model({ file, value: m }: Item<ModelDoc>): IRModel {
    const ets = this.resolveEventTypes(file, ['eventTypes'], m.eventTypes);
    const fields = this.fieldsOf(ets);
    const feature = this.expr(file, ['feature'], m.feature, 'feature', fields, m.eventTypes);
    const trainIf = m.trainIf ? this.expr(file, ['trainIf'], m.trainIf, 'train', fields, m.eventTypes) : null;
    const scopeField = m.scope.type === 'org' ? null : (m.scope.field ?? (m.scope.type === 'user' ? 'user' : m.scope.type === 'peers' ? 'peer_groups' : null));
    if (m.scope.type !== 'org') {
      if (!scopeField) this.error(file, rangeAt(file, ['scope']), 'UEB0103', `a ${m.scope.type}-scoped model needs \`scope.field\``);
      else if (!fields.has(scopeField)) {
        const s = didYouMean(scopeField, fields.keys());
        this.error(file, rangeAt(file, ['scope', 'field']), 'UEB0302', `unknown scope field \`${scopeField}\` for event type ${m.eventTypes.join(', ')}`, s ? `did you mean \`${s}\`?` : undefined);
      }
    }
    return {
      id: m.id, type: m.type, scopeType: m.scope.type, scopeField, eventTypes: ets, trainOn: m.trainOn ?? 'event',
      feature: feature?.ast ?? { kind: 'literal', value: null, span: { start: 0, end: 0 } }, trainIf: trainIf?.ast ?? null,
      alpha: m.alpha ?? 1, cutOff: m.cutOff ?? 10, convergence: m.convergence ?? 0.8, maxBins: m.maxBins ?? 100_000,
      agingDays: m.agingDays ?? 0, binWidth: m.binWidth ?? 1, scale: m.scale ?? 'linear', description: m.description ?? m.title ?? '',
    };
  }

  private rule({ file, value: r }: Item<RuleDoc>, models: IRModel[]): IRRule {
    const ets = this.resolveEventTypes(file, ['eventTypes'], r.eventTypes);
    const fields = this.fieldsOf(ets);
    let model = -1;
    if (r.model !== undefined) {
      const idx = this.modelIndex.get(r.model);
      if (idx === undefined) {
        const s = didYouMean(r.model, this.modelIndex.keys());
        this.error(file, rangeAt(file, ['model']), 'UEB0202', `unknown model \`${r.model}\``, s ? `did you mean \`${s}\`?` : undefined);
      } else {
        model = idx;
        const m = models[idx]!;
        if (ets.length && !ets.some((e) => m.eventTypes.includes(e))) {
          this.error(file, rangeAt(file, ['eventTypes']), 'UEB0206', `rule \`${r.id}\` can never see its model: its event types (${r.eventTypes.join(', ')}) and model \`${m.id}\`'s are disjoint`);
        }
      }
    }
    const classify = r.classifyIf ? this.expr(file, ['classifyIf'], r.classifyIf, 'classify', fields, r.eventTypes) : null;
    const expression = this.expr(file, ['expression'], r.expression, 'rule', fields, r.eventTypes, model >= 0);
    let dependency: DepExpr | null = null;
    if (r.dependency && r.dependency.trim() !== 'NA') {
      const locate = expressionLocator(file, ['dependency']);
      const parsed = parseDependency(r.dependency);
      if (!parsed.ok) this.error(file, { start: locate(parsed.error.start), end: locate(parsed.error.end) }, 'UEB0301', `syntax error in dependency: ${parsed.error.message}`);
      else {
        dependency = parsed.ast;
        this.walkDep(dependency, (d) => {
          if (d.kind === 'rule' && !this.ruleIndex.has(d.id)) {
            const s = didYouMean(d.id, this.ruleIndex.keys());
            this.error(file, { start: locate(d.span.start), end: locate(d.span.end) }, 'UEB0203', `unknown rule \`${d.id}\` in dependency`, s ? `did you mean \`${s}\`?` : undefined);
          }
        });
      }
    }
    const type = r.type ?? 'session';
    if (type === 'asset' && !r.scoreTarget) this.error(file, rangeAt(file, ['type']), 'UEB0103', 'an asset rule needs `scoreTarget`');
    if (r.scoreTarget && !fields.has(r.scoreTarget)) this.error(file, rangeAt(file, ['scoreTarget']), 'UEB0302', `unknown field \`${r.scoreTarget}\``);
    return {
      id: r.id, name: r.name, description: r.description ?? r.name, type, scoreTarget: r.scoreTarget ?? null, eventTypes: ets, model,
      classifyIf: classify?.ast ?? null, expression: expression?.ast ?? { kind: 'literal', value: false, span: { start: 0, end: 0 } }, dependency,
      requireConvergence: r.requireConvergence ?? true, percentileThreshold: r.percentileThreshold ?? 0.1, score: r.score, mitre: r.mitre,
      reason: r.reason ?? r.name,
    };
  }

  private walkDep(d: DepExpr, visit: (d: DepExpr) => void): void {
    visit(d);
    if (d.kind === 'not') this.walkDep(d.arg, visit);
    if (d.kind === 'and' || d.kind === 'or') { this.walkDep(d.left, visit); this.walkDep(d.right, visit); }
  }

  /** Per event type, rules in an order where dependencies come first; cycles are errors. */
  private orderRules(rules: IRRule[]): number[][] {
    const deps = rules.map((r) => {
      const out: number[] = [];
      if (r.dependency) this.walkDep(r.dependency, (d) => { if (d.kind === 'rule') { const i = this.ruleIndex.get(d.id); if (i !== undefined) out.push(i); } });
      return out;
    });
    const order: number[] = [];
    const state = new Array<number>(rules.length).fill(0);
    const visit = (i: number, stack: number[]): void => {
      if (state[i] === 2) return;
      if (state[i] === 1) {
        const cycle = [...stack.slice(stack.indexOf(i)), i].map((k) => rules[k]!.id);
        const item = this.g.rules.find((x) => x.value.id === rules[i]!.id)!;
        this.error(item.file, rangeAt(item.file, ['dependency']), 'UEB0205', `dependency cycle: ${cycle.join(' → ')}`);
        return;
      }
      state[i] = 1;
      for (const d of deps[i]!) visit(d, [...stack, i]);
      state[i] = 2;
      order.push(i);
    };
    rules.forEach((_, i) => visit(i, []));
    return this.eventTypes.map((_, et) => order.filter((i) => rules[i]!.eventTypes.includes(et)));
  }

  private warnUnproducedFields(parsers: IRParser[], rules: IRRule[], models: IRModel[]): void {
    const produced = this.eventTypes.map((et, i) => {
      const s = new Set<string>(['time', 'event_type', ...et.derived.map((d) => d.name)]);
      for (const p of parsers) if (p.events.some((e) => e.eventType === i)) p.fields.forEach((f) => s.add(f.name));
      return s;
    });
    const check = (file: SourceFile, path: string[], ast: Expr | null, ets: number[], id: string) => {
      if (!ast) return;
      walk(ast, (n) => {
        if (n.kind !== 'ident') return;
        const missing = ets.filter((et) => this.eventTypes[et]!.fields.some((f) => f.name === n.name) && !produced[et]!.has(n.name));
        if (missing.length && missing.length === ets.length) {
          this.error(file, rangeAt(file, path), 'UEB0208', `\`${id}\` reads \`${n.name}\`, which no parser of ${missing.map((e) => this.eventTypes[e]!.name).join(', ')} produces: it can never fire on real logs`, undefined, 'warning');
        }
      });
    };
    rules.forEach((r, i) => check(this.enabledRules[i]!.file, ['expression'], r.expression, r.eventTypes, r.id));
    models.forEach((m, i) => { const item = this.g.models[i]!; check(item.file, ['feature'], m.feature, m.eventTypes, m.id); });
  }

  private warnEmptyTables(rules: IRRule[]): void {
    // Tables an expression depends on: directly, or through the derived fields it reads.
    const tablesOf = (ast: Expr, ets: number[], seen = new Set<string>()): Set<string> => {
      const out = new Set<string>();
      walk(ast, (n) => {
        if (n.kind === 'call') {
          const t = this.resolutions.get(n as never)?.table;
          if (t) out.add(t);
        } else if (n.kind === 'ident' && !seen.has(n.name)) {
          seen.add(n.name);
          for (const et of ets) {
            const d = this.eventTypes[et]?.derived.find((x) => x.name === n.name);
            if (d) tablesOf(d.ast, [et], seen).forEach((t) => out.add(t));
          }
        }
      });
      return out;
    };
    rules.forEach((r, i) => {
      const item = this.enabledRules[i]!;
      const used = new Set<string>();
      for (const ast of [r.expression, r.classifyIf]) if (ast) tablesOf(ast, r.eventTypes).forEach((t) => used.add(t));
      for (const t of [...used].sort()) {
        const c = this.tables.get(t)?.value;
        if (c && (c.values?.length ?? 0) + (c.entries?.length ?? 0) === 0) {
          this.error(item.file, rangeAt(item.file, ['expression']), 'UEB0209', `\`${r.id}\` depends on context table \`${t}\`, which ships empty${c.organisation ? ' (supply it with --context)' : ''}`, undefined, 'warning');
        }
      }
    });
  }
}

export type { Resolution };
