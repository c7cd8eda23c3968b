// What every built-in function provides: signature and docs (for the checker and
// docs/language.md), an interpreter implementation and a code emitter.
import type { Value } from '../../runtime/helpers.ts';
import type { RegexLike } from '../../runtime/regex-guard.ts';
import type { Event, RuleRuntime } from '../../runtime/program.ts';
import type { Expr } from '../expr/ast.ts';
import type { Code } from '../emit/code.ts';
import type { CodeInfo } from '../diagnostics/codes.ts';

export type Type = 'string' | 'number' | 'boolean' | 'time' | 'ip' | 'list' | 'any' | 'null';

/** Where an expression sits; some built-ins are only meaningful in some places. */
export type Where = 'parser' | 'derive' | 'classify' | 'rule' | 'feature' | 'train' | 'test';

export type CallNode = Extract<Expr, { kind: 'call' }>;

/** An aggregate call as the checker saw it; the lower-aggregates pass gives it a counter slot. */
export interface AggregateUse {
  fn: 'count' | 'sum' | 'distinct';
  scope: 'session' | 'sequence' | 'asset';
  /** The first argument: the value counted; the second, for asset aggregates: the key. */
  value: Expr;
  key: Expr | null;
  eventTypes: readonly string[];
}

/** Facts the checker (and lowering) record on a call for the emitter and interpreter. */
export interface Resolution {
  aggregate?: AggregateUse;
  counter?: number;
  model?: number;
  rule?: number;
  table?: string;
  regex?: { source: string; flags: string };
}

export interface CheckContext {
  where: Where;
  eventTypes: readonly string[];
  /** Report a problem at `node`; its severity comes from the registry entry. */
  report(node: Expr, code: CodeInfo, message: string, hint?: string): void;
  /** Resolve names used as literal arguments. */
  table(node: Expr, name: string): boolean;
  model(node: Expr, id: string): number | null;
  rule(node: Expr, id: string): number | null;
  eventType(node: Expr, name: string): boolean;
  resolve(call: CallNode, r: Resolution): void;
}

export interface EmitContext {
  res(call: CallNode): Resolution;
  /** Code for the context table named `name`. */
  table(name: string): Code;
  /** Code for a precompiled regex. */
  regex(source: string, flags: string): Code;
  /** Named slot constants of a model and a rule. */
  model(index: number): Code;
  rule(index: number): Code;
  /** Code reading the counter in `index` for the current event. */
  counter(index: number): Code;
  /** A module constant holding these literal values as a Set, built once instead of a list
   *  literal per evaluation; without it the list is written in place. */
  literalSet?(values: readonly LiteralValue[]): Code;
}

export type LiteralValue = string | number | boolean | null;

export interface InterpContext {
  res(call: CallNode): Resolution;
  ev: Event;
  rt: RuleRuntime | null;
  /** Regex inputs are cut to this length (pack setting). */
  maxRegexInput: number;
  /** Parsers only: raw key lookup. */
  raw?: (key: string) => Value;
  table(name: string): import('../../runtime/context.ts').ContextTable;
  regex(source: string, flags: string): RegexLike;
}

export interface Builtin {
  name: string;
  aliases?: readonly string[];
  category: 'logic' | 'string' | 'list' | 'math' | 'context' | 'aggregate' | 'model' | 'rule' | 'time';
  signature: string;
  doc: string;
  example: string;
  /** Places the function may be used; all when absent. */
  where?: readonly Where[];
  minArgs: number;
  maxArgs: number;
  /** Argument types accepted, by position (the last repeats for variadic functions). */
  params: readonly Type[];
  returns: Type;
  /** Extra checks (literal arguments, names); may record a Resolution. */
  check?(call: CallNode, cx: CheckContext): void;
  emit(call: CallNode, args: readonly Code[], ex: EmitContext): Code;
  interp(call: CallNode, args: readonly Value[], ix: InterpContext): Value;
}
