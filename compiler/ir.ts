// The compiler's IR: what the passes build from the content graph and what the emitter and
// the interpreter consume. Expressions are typed ASTs (types and resolutions on the nodes).
import pkg from '../package.json' with { type: 'json' };
import type { TableData } from '../runtime/context.ts';
import type { CounterFn, CounterScope, PackInfo, PackSettings } from '../runtime/program.ts';
import type { Type } from './builtins/types.ts';
import type { DepExpr, Expr } from './expr/ast.ts';
import type { Item, ModelDoc, ParserDoc, TestDoc } from './graph.ts';

/** The package version: what manifests and SARIF name as the compiler. */
export const COMPILER_VERSION: string = pkg.version;

export interface IRField { name: string; type: Type }
export interface IREventType { name: string; fields: IRField[]; derived: Array<{ name: string; type: Type; ast: Expr }> }
export interface IRParser {
  id: string; format: 'cef' | 'leef' | 'regex'; priority: number;
  vendors: string[]; products: string[]; signatures: string[]; contains: string[];
  timeFrom: string[]; timeFormats: string[];
  extract: Array<{ source: string; flags: string; groups: Array<{ group: string; field: string }> }>;
  fields: Array<{ name: string; ast: Expr }>;
  events: Array<{ eventType: number; when: Expr | null }>;
  /** Raw keys the whole mapping reads (demand analysis), sorted: what `uebac parse` extracts. */
  rawKeys: string[];
  /** The run path (demand analysis): indexes of the fields whose values something downstream reads, directly or through another field. */
  runFields: number[];
  /** The raw keys those fields, the `when` conditions and the time read, sorted: all a run extracts. */
  runKeys: string[];
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
  /** per event type: the names of the fields a run reads, sorted (demand analysis) */
  runRead: string[][];
  /** per event type: indexes of the derived fields a run reads (demand analysis) */
  runDerived: number[][];
  /**
   * per event type: the parsed fields (of runRead) that only rule reasons read, sorted: a run
   * computes them when a rule fires, not for every event (demand analysis)
   */
  runReasonOnly: string[][];
  tests: Array<Item<TestDoc>>;
}
