// One Exabeam parser → one uebac parser document (plain object, written as YAML later),
// with every entry that could not be carried over listed with a reason code.
//
// Mapping:
//   Name                 id (characters outside [A-Za-z0-9_.-] become '-')
//   Conditions           select.contains (Exabeam conditions are literal substrings, all required)
//   Fields regexes       extract, Java syntax rewritten (java-regex.ts), ({field}…) kept;
//                        each screened for catastrophic backtracking like the compiler does
//   exa_regex=…          extract (a regex over the whole message)
//   exa_json_path=…      not carried over: reason 'json-path' (uebac has no JSON-path extraction)
//   TimeFormat           time.formats (epoch and epoch_sec → epoch); time.from = the `time` capture
//   DupFields a->b       fields: b = a
//   Vendor / Product     vendor / product
// Every captured field is an output field of the same name; `time` is the event time.
import { compileTimeFormat } from '../../runtime/formats/timeformat.ts';
import type { SafetyResult } from '../regex/safety.ts';
import { translateExabeamRegex } from '../regex/translate.ts';
import type { ExabeamParser } from './exabeam.ts';
import type { Origin } from './hocon-resolve.ts';
import { javaToExabeamJs } from './java-regex.ts';

/** Why something was not carried over. Stable strings: the report groups by them. */
export type Reason =
  | 'json-path' | 'regex-syntax' | 'regex-redos' | 'unicode-property' | 'class-set-operation' | 'inline-flag'
  | 'backreference-shift' | 'java-escape' | 'time-format' | 'no-time-format' | 'no-time-capture' | 'field-time-format'
  | 'dup-field-source' | 'reserved-field-name' | 'no-conditions' | 'no-fields' | 'unresolved-substitution'
  | 'hocon-syntax' | 'wrong-type' | 'dup-field-syntax' | 'duplicate-name' | 'compile-error';

/** Reasons that leave no usable parser; the others lose one entry and keep the rest. */
export const FATAL_REASONS: ReadonlySet<Reason> = new Set(['no-conditions', 'no-fields', 'hocon-syntax', 'duplicate-name', 'compile-error']);

export interface ImportIssue { reason: Reason; message: string; origin: Origin }

export interface ParserDocument {
  kind: 'parser';
  id: string;
  description: string;
  notes: string;
  vendor?: string;
  product?: string;
  format: 'regex';
  priority: number;
  select: { contains: string[] };
  extract: string[];
  time: { from: string; formats: string[] };
  fields: Record<string, string>;
  events: Array<{ type: string }>;
}

export type WarningReason = 'redos-undecided' | 'redos-unscreened' | 'regex-quadratic';

export interface TranslatedParser {
  doc: ParserDocument | null;
  /** Carried over but flagged (the compiler warns about these too). */
  warnings: Array<{ reason: WarningReason; message: string; origin: Origin }>;
  /** Output fields, `time` excluded (the event type's catalog). */
  fieldNames: string[];
  issues: ImportIssue[];
  /** Java constructs rewritten into JavaScript, for the report. */
  rewrites: string[];
}

const EXPRESSION_WORDS = new Set(['true', 'false', 'null', 'in', 'and', 'or', 'not']);
const RESERVED_FIELDS = new Set(['event_type', 'time']);

export function parserId(name: string): string {
  const id = name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return id === '' ? 'unnamed' : id;
}

/** Expression reading a raw key: a bare name when the expression grammar reads it as one. */
function rawKey(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !EXPRESSION_WORDS.has(name.toLowerCase()) ? name : `raw(${JSON.stringify(name)})`;
}

export type Screen = (source: string, flags: string) => SafetyResult;

export function translateParser(p: ExabeamParser, eventType: string, sourceNote: string, screen: Screen): TranslatedParser {
  const issues: ImportIssue[] = p.unreadable.map((u) => ({ reason: u.reason as Reason, message: u.message, origin: u.origin }));
  const warnings: TranslatedParser['warnings'] = [];
  const rewrites = new Set<string>();
  const id = parserId(p.name);

  const contains = [...new Set(p.conditions.map((c) => c.text).filter((c) => c !== ''))];
  if (contains.length === 0) issues.push({ reason: 'no-conditions', message: 'no Conditions: the parser would take every line', origin: p.origin });

  const extract: string[] = [];
  const captured = new Set<string>();
  for (const f of p.fields) {
    if (f.kind === 'json-path') {
      issues.push({ reason: 'json-path', message: `JSON-path extraction '${f.path}'${f.field ? ` → ${f.field}` : ''} is not carried over (uebac extracts with regexes)`, origin: f.origin });
      continue;
    }
    const j = javaToExabeamJs(f.regex);
    j.rewrites.forEach((r) => rewrites.add(r));
    if (j.problems.length > 0) {
      for (const prob of j.problems) issues.push({ reason: prob.reason, message: `${prob.message}: ${clip(f.regex)}`, origin: f.origin });
      continue;
    }
    const t = translateExabeamRegex(j.source);
    if (t.problems.length > 0) {
      issues.push({ reason: 'regex-syntax', message: `${t.problems[0]!.message}: ${clip(f.regex)}`, origin: f.origin });
      continue;
    }
    const safety = screen(t.source, t.flags);
    if (!safety.safe && safety.reason === 'vulnerable' && (safety.complexity === 'exponential' || (safety.degree ?? 2) >= 3)) {
      issues.push({ reason: 'regex-redos', message: `regex can backtrack catastrophically (${safety.complexity === 'exponential' ? 'exponential' : `degree ${safety.degree} polynomial`}): ${clip(f.regex)}`, origin: f.origin });
      continue;
    }
    if (!safety.safe) {
      const reason: WarningReason = safety.reason === 'vulnerable' ? 'regex-quadratic' : safety.detail?.startsWith('not screened') ? 'redos-unscreened' : 'redos-undecided';
      warnings.push({ reason, message: `${safety.reason === 'vulnerable' ? 'quadratic backtracking (bounded by the input cap)' : safety.detail ?? 'undecided'}: ${clip(f.regex)}`, origin: f.origin });
    }
    const badName = t.captures.find((c) => c.startsWith('__') || c === 'event_type');
    if (badName) {
      issues.push({ reason: 'reserved-field-name', message: `capture '${badName}' uses a reserved field name`, origin: f.origin });
      continue;
    }
    if (!extract.includes(j.source)) extract.push(j.source);
    t.captures.forEach((c) => captured.add(c));
  }
  if (extract.length === 0) issues.push({ reason: 'no-fields', message: 'no Fields regex could be carried over', origin: p.origin });

  const formats: string[] = [];
  for (const tf of p.timeFormats) {
    const f = tf.format.trim();
    const mapped = /^epoch(_sec|_ms)?$/i.test(f) ? 'epoch' : f;
    try {
      compileTimeFormat(mapped);
      if (!formats.includes(mapped)) formats.push(mapped);
    } catch (e) {
      issues.push({ reason: 'time-format', message: `${(e as Error).message}`, origin: tf.origin });
    }
  }
  if (p.timeFormats.length === 0) issues.push({ reason: 'no-time-format', message: 'no TimeFormat: only epoch times are read', origin: p.origin });
  if (formats.length === 0) formats.push('epoch');
  if (!captured.has('time') && extract.length > 0) issues.push({ reason: 'no-time-capture', message: 'no carried-over regex captures `time`: lines are rejected as missing-time', origin: p.origin });
  for (const [field] of p.fieldTimeFormats) issues.push({ reason: 'field-time-format', message: `time format of field '${field}' is not applied (the field stays text)`, origin: p.origin });

  const fields: Record<string, string> = {};
  for (const name of [...captured].sort()) if (!RESERVED_FIELDS.has(name)) fields[name] = rawKey(name);
  for (const d of p.dupFields) {
    if (!captured.has(d.from)) {
      issues.push({ reason: 'dup-field-source', message: `DupFields '${d.from}->${d.to}': '${d.from}' is not captured by any carried-over regex`, origin: d.origin });
      continue;
    }
    if (d.to.startsWith('__') || RESERVED_FIELDS.has(d.to)) {
      issues.push({ reason: 'reserved-field-name', message: `DupFields target '${d.to}' is a reserved field name`, origin: d.origin });
      continue;
    }
    fields[d.to] = rawKey(d.from);
  }

  const fatal = issues.some((i) => FATAL_REASONS.has(i.reason));
  const doc: ParserDocument | null = fatal ? null : {
    kind: 'parser',
    id,
    description: `${p.name}: imported from Exabeam (${[p.vendor, p.product].filter(Boolean).join(' ') || 'no vendor/product'})`,
    notes: [
      `Source: ${sourceNote}.`,
      p.parserVersion ? `Exabeam parser version ${p.parserVersion}.` : '',
      p.inherits.length ? `Keys taken from template(s) ${p.inherits.join(', ')}.` : '',
      rewrites.size ? `Java regex constructs rewritten: ${[...rewrites].join(', ')}.` : '',
      issues.length ? `Not carried over: ${summarise(issues)}.` : '',
    ].filter(Boolean).join(' '),
    ...(p.vendor ? { vendor: p.vendor } : {}),
    ...(p.product ? { product: p.product } : {}),
    format: 'regex',
    // More conditions = more specific: try it first, so a broad parser never shadows it.
    priority: Math.max(0, 100 - contains.length),
    select: { contains },
    extract,
    time: { from: 'time', formats },
    fields,
    events: [{ type: eventType }],
  };
  return { doc, warnings, fieldNames: Object.keys(fields), issues, rewrites: [...rewrites] };
}

function summarise(issues: ImportIssue[]): string {
  const n = new Map<string, number>();
  for (const i of issues) n.set(i.reason, (n.get(i.reason) ?? 0) + 1);
  return [...n].map(([r, c]) => `${r} ×${c}`).join(', ');
}

function clip(s: string): string {
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}
