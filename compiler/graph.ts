// The content graph: validated YAML items by kind, with the file each came from.
import type { SourceFile } from './load.ts';

export interface Item<T> {
  file: SourceFile;
  value: T;
}

export interface PackDoc {
  id: string; name?: string; version: string; vendor?: string; product?: string; description?: string;
  settings?: {
    notableThreshold?: number;
    session?: { inactivityMinutes?: number; maxHours?: number };
    riskTransfer?: { enabled?: boolean; fraction?: number; carryHours?: number };
    limits?: { regexInputMaxLength?: number; maxFieldLength?: number; maxOpenSessions?: number; maxAssetSequences?: number; regexBudgetMs?: number; maxModelInstances?: number; maxSeenAnywhere?: number; maxTimeAheadHours?: number; maxDaySequences?: number };
    assetFields?: string[];
    timeZoneOffsetMinutes?: number;
  };
  /** Regexes the ReDoS analysis could not decide, reviewed by a person (pattern as written in content). */
  reviewedRegexes?: Array<{ pattern: string; reason: string }>;
}
export interface FieldDoc { type: 'string' | 'number' | 'boolean' | 'time' | 'ip' | 'list'; level?: string; description?: string; expr?: string }
export interface EventTypeDoc { id: string; description?: string; fields: Record<string, FieldDoc> }
export interface ParserDoc {
  id: string; format: 'cef' | 'leef' | 'regex'; priority?: number; vendor?: string; product?: string;
  select: { vendor?: string[]; product?: string[]; signature?: string[]; contains?: string[] };
  time: { from: string | string[]; formats: string[] };
  extract?: string[];
  fields: Record<string, string>;
  events: Array<{ type: string; when?: string }>;
  tests?: Array<{ name?: string; line: string; expect: Record<string, unknown> }>;
}
export interface ContextDoc { id: string; shape: 'set' | 'map' | 'multimap' | 'cidr' | 'keywords'; match?: 'exact' | 'domain'; columns: string[]; organisation?: boolean; values?: string[]; entries?: string[][]; description?: string }
export interface ModelDoc {
  id: string; title?: string; description?: string; type: 'categorical' | 'numerical' | 'time-of-week';
  scope: { type: 'user' | 'peers' | 'org' | 'asset' | 'field'; field?: string };
  feature: string; trainIf?: string; eventTypes: string[]; trainOn?: 'event' | 'sequence-end';
  alpha?: number; cutOff?: number; convergence?: number; maxBins?: number; agingDays?: number; binWidth?: number; scale?: 'linear' | 'log10';
}
export interface RuleDoc {
  id: string; name: string; description?: string; type?: 'session' | 'asset'; scoreTarget?: string; eventTypes: string[]; model?: string;
  classifyIf?: string; expression: string; dependency?: string; requireConvergence?: boolean; percentileThreshold?: number;
  score: number; mitre: string[]; reason?: string; disabled?: boolean;
}
export interface TestStep { line?: string; event?: Record<string, unknown>; repeat?: number; every?: string; at?: string; expect?: { fires?: string[]; notFires?: string[] } }
export interface TestDoc { id: string; rules?: string[]; positive?: boolean; context?: Record<string, unknown[]>; steps: TestStep[]; expectSession?: { user?: string; score?: number; minScore?: number; notable?: boolean } }

export interface ContentGraph {
  pack: Item<PackDoc> | null;
  eventTypes: Item<EventTypeDoc>[];
  parsers: Item<ParserDoc>[];
  contexts: Item<ContextDoc>[];
  models: Item<ModelDoc>[];
  rules: Item<RuleDoc>[];
  tests: Item<TestDoc>[];
}
