// The compile unit: the content graph the passes read, the name indexes they share, and the
// IR they build up stage by stage.
import type { Type, Where } from '../builtins/types.ts';
import type { Expr } from '../expr/ast.ts';
import type { ContentGraph, ContextDoc, Item, RuleDoc } from '../graph.ts';
import type { IR, IREventType } from '../ir.ts';
import type { SourceFile } from '../load.ts';
import type { Range } from '../diagnostics/types.ts';
import type { SafetyResult } from '../regex/safety.ts';

/** An expression found by resolve-references, waiting for check-expressions. */
export interface ExprSlot {
  file: SourceFile;
  /** YAML path of the expression text. */
  path: (string | number)[];
  text: string;
  where: Where;
  /** Fields in scope with their types; null for parser expressions (raw keys). */
  fields: ReadonlyMap<string, Type> | null;
  eventTypes: readonly string[];
  modelStats: boolean;
  /** Store the checked AST in its IR node. */
  set(ast: Expr): void;
}

/** A parser `extract` regex, translated, waiting for its safety check. */
export interface RegexSlot { file: SourceFile; range: Range; source: string; flags: string }

export interface CompileOptions {
  /** Context tables the deployment fills (validate --context): they are not warned about as empty. */
  suppliedTables?: ReadonlySet<string>;
  /** The content directory (compileDir sets it): the pack's shipped regex verdicts are read from it. */
  contentRoot?: string;
  /** Use the regex verdicts the pack ships (default true); false checks every regex afresh. */
  shippedRegexVerdicts?: boolean;
}

export interface Unit {
  options: CompileOptions;
  files: SourceFile[];
  graph: ContentGraph;
  /** Rules in file order without disabled ones: IR rule i comes from enabledRules[i]. */
  enabledRules: Item<RuleDoc>[];
  ids: {
    eventTypes: Map<string, number>;
    models: Map<string, number>;
    rules: Map<string, number>;
    tables: Map<string, Item<ContextDoc>>;
  };
  ir: IR;
  exprs: ExprSlot[];
  regexes: RegexSlot[];
  /** Every regex verdict the screen used, by `flags/source` (what a verdict file records). */
  regexVerdicts: Map<string, SafetyResult>;
}

/** A placeholder expression; every one is replaced by check-expressions. */
export function pendingExpr(): Expr {
  return { kind: 'literal', value: null, span: { start: 0, end: 0 } };
}

/** Fields usable in an expression over these event types: those every one of them has. */
export function fieldsOf(eventTypes: readonly IREventType[], ets: readonly number[]): Map<string, Type> {
  const maps = ets.map((i) => {
    const et = eventTypes[i]!;
    return new Map<string, Type>([['time', 'time'], ['event_type', 'string'], ...et.fields.map((f) => [f.name, f.type] as const), ...et.derived.map((d) => [d.name, d.type] as const)]);
  });
  if (maps.length === 0) return new Map();
  const out = new Map(maps[0]);
  for (const m of maps.slice(1)) for (const k of [...out.keys()]) if (!m.has(k)) out.delete(k);
  return out;
}

export function emptyUnit(files: SourceFile[]): Unit {
  return {
    options: {},
    files,
    graph: { pack: null, eventTypes: [], parsers: [], contexts: [], models: [], rules: [], tests: [] },
    enabledRules: [],
    ids: { eventTypes: new Map(), models: new Map(), rules: new Map(), tables: new Map() },
    ir: {
      pack: { id: 'unnamed', version: '0.0.0', name: 'unnamed' },
      settings: null as never,
      contentHash: '',
      eventTypes: [], parsers: [], contexts: [], counters: [], models: [], rules: [], ruleOrder: [], runRead: [], runDerived: [], runReasonOnly: [], tests: [],
    },
    exprs: [],
    regexes: [],
    regexVerdicts: new Map(),
  };
}
