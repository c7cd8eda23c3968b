// One Exabeam parser → one uebac parser document (plain object, written as YAML later),
// with every entry that could not be carried over listed with a reason code.
//
// Mapping:
//   Name                 id (characters outside [A-Za-z0-9_.-] become '-')
//   Conditions           select.contains (Exabeam conditions are literal substrings, all required)
//   Fields regexes       extract, Java syntax rewritten (java-regex.ts), ({field}…) kept;
//                        each screened for catastrophic backtracking like the compiler does
//   exa_regex=…          extract (a regex over the whole message)
//   exa_json_path=…      fields: f = jsonPath(exa_message, '$.path') over the whole line (captured
//                        as exa_message); with exa_regex, capture(jsonPath(…), regex) per field
//   TimeFormat           time.formats (epoch and epoch_sec → epoch); time.from = the `time` capture
//   DupFields a->b       fields: b = a
//   Vendor / Product     vendor / product
// Every captured field is an output field of the same name; `time` is the event time.
import { compileTimeFormat } from '../../runtime/formats/timeformat.ts';
import type { SafetyResult } from '../regex/safety.ts';
import { translateExabeamRegex, type TranslatedRegex } from '../regex/translate.ts';
import { parseJsonPath } from '../../runtime/json-path.ts';
import { singleCapture } from './single-capture.ts';
import type { ExabeamParser } from './exabeam.ts';
import type { Origin } from './hocon-resolve.ts';
import { javaToExabeamJs } from './java-regex.ts';

/** Why something was not carried over. Stable strings: the report groups by them. */
export type Reason =
  | 'json-path' | 'regex-syntax' | 'regex-redos' | 'unicode-property' | 'class-set-operation' | 'inline-flag'
  | 'backreference-shift' | 'java-escape' | 'time-format' | 'no-time-format' | 'no-time-capture' | 'field-time-format'
  | 'dup-field-source' | 'reserved-field-name' | 'no-conditions' | 'no-fields' | 'unresolved-substitution'
  | 'hocon-syntax' | 'hocon-skipped' | 'wrong-type' | 'dup-field-syntax' | 'duplicate-name' | 'compile-error';

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

export type WarningReason = 'redos-undecided' | 'redos-unscreened' | 'regex-quadratic' | 'json-time-by-key';

/** Raw key holding the whole line for JSON-path look-ups. */
const MESSAGE_KEY = 'exa_message';

/** An expression string literal (double quotes; every backslash doubled, as the grammar reads it). */
function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function escapeRegex(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|\/-]/g, (c) => `\\${c}`);
}

export interface TranslatedParser {
  doc: ParserDocument | null;
  /** Carried over but flagged (the compiler warns about these too). */
  warnings: Array<{ reason: WarningReason; message: string; origin: Origin }>;
  /** Output fields, `time` excluded (the event type's catalog). */
  fieldNames: string[];
  issues: ImportIssue[];
  /** Java constructs rewritten into JavaScript, for the report. */
  rewrites: string[];
  /** The original regexes carried into `extract` (for checking against Java's own engine). */
  carried: string[];
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
  /** The Exabeam (Java) regexes behind the regex entries of `extract`, in order. */
  const carried: string[] = [];
  const captured = new Set<string>();
  /** Java regex → translated regex, or null (with the reason recorded) when it cannot be carried. */
  const carry = (regex: string, origin: Origin): { js: string; t: TranslatedRegex } | null => {
    const j = javaToExabeamJs(regex);
    j.rewrites.forEach((r) => rewrites.add(r));
    if (j.problems.length > 0) {
      for (const prob of j.problems) issues.push({ reason: prob.reason, message: `${prob.message}: ${clip(regex)}`, origin });
      return null;
    }
    const t = translateExabeamRegex(j.source);
    if (t.problems.length > 0) {
      issues.push({ reason: 'regex-syntax', message: `${t.problems[0]!.message}: ${clip(regex)}`, origin });
      return null;
    }
    const badName = t.captures.find((c) => c.startsWith('__') || c === 'event_type' || c === MESSAGE_KEY);
    if (badName) {
      issues.push({ reason: 'reserved-field-name', message: `capture '${badName}' uses a reserved field name`, origin });
      return null;
    }
    return screened(t.source, t.flags, regex, origin) ? { js: j.source, t } : null;
  };
  /** ReDoS screen: false (reason recorded) for exponential or cubic regexes; other doubts are warnings. */
  const screened = (source: string, flags: string, written: string, origin: Origin): boolean => {
    const safety = screen(source, flags);
    if (!safety.safe && safety.reason === 'vulnerable' && (safety.complexity === 'exponential' || (safety.degree ?? 2) >= 3)) {
      issues.push({ reason: 'regex-redos', message: `regex can backtrack catastrophically (${safety.complexity === 'exponential' ? 'exponential' : `degree ${safety.degree} polynomial`}): ${clip(written)}`, origin });
      return false;
    }
    if (!safety.safe) {
      const reason: WarningReason = safety.reason === 'vulnerable' ? 'regex-quadratic' : safety.detail?.startsWith('not screened') ? 'redos-unscreened' : 'redos-undecided';
      warnings.push({ reason, message: `${safety.reason === 'vulnerable' ? 'quadratic backtracking (bounded by the input cap)' : safety.detail ?? 'undecided'}: ${clip(written)}`, origin });
    }
    return true;
  };

  /** Field → expressions from JSON paths, in Fields order (the last one present wins). */
  const fromJson = new Map<string, string[]>();
  const addJson = (field: string, expr: string) => {
    const list = fromJson.get(field) ?? [];
    list.push(expr);
    fromJson.set(field, list);
  };
  let jsonTime: { path: string; origin: Origin } | null = null;
  for (const f of p.fields) {
    if (f.kind !== 'json-path') {
      const c = carry(f.regex, f.origin);
      if (!c) continue;
      if (!extract.includes(c.js)) { extract.push(c.js); carried.push(f.regex); }
      c.t.captures.forEach((n) => captured.add(n));
      continue;
    }
    if (!parseJsonPath(f.path)) {
      issues.push({ reason: 'json-path', message: `JSON path '${f.path}' uses syntax outside the supported subset`, origin: f.origin });
      continue;
    }
    const value = `jsonPath(${MESSAGE_KEY}, ${quote(f.path)})`;
    if (f.field) {
      if (f.field === 'time') jsonTime = { path: f.path, origin: f.origin };
      else if (f.field.startsWith('__') || f.field === 'event_type') issues.push({ reason: 'reserved-field-name', message: `JSON field '${f.field}' uses a reserved field name`, origin: f.origin });
      else addJson(f.field, value);
      continue;
    }
    // exa_json_path=P,exa_regex=R: R runs on the value at P; one capture() per field it captures.
    const c = carry(f.regex ?? '', f.origin);
    if (!c) continue;
    for (const field of new Set(c.t.captures)) {
      if (field === 'time') { jsonTime ??= { path: f.path, origin: f.origin }; continue; }
      const only = singleCapture(c.t.source, field);
      if (!screened(only, c.t.flags, f.regex ?? '', f.origin)) continue;
      addJson(field, `capture(${value}, ${quote((c.t.flags.includes('i') ? '(?i)' : '') + only)})`);
    }
  }
  if (fromJson.size > 0 || jsonTime) {
    const whole = `^({${MESSAGE_KEY}}[\\s\\S]+)$`;
    if (screened(translateExabeamRegex(whole).source, '', whole, p.origin)) extract.push(whole);
  }
  // The event time must be a raw key: a time only given by a JSON path is read by a regex
  // for its last key, which is what the path finds in all but unusual documents (flagged).
  if (jsonTime && !captured.has('time')) {
    const key = /([\w@-]+)['"\]]*$/.exec(jsonTime.path)?.[1];
    if (key) {
      const approx = `"${escapeRegex(key)}"\\s*:\\s*"?({time}[^",}\\]]+)`;
      if (screened(translateExabeamRegex(approx).source, '', approx, jsonTime.origin)) {
        extract.unshift(approx);
        captured.add('time');
        warnings.push({ reason: 'json-time-by-key', message: `time from JSON path '${jsonTime.path}' is read as the first "${key}" key`, origin: jsonTime.origin });
      }
    }
  }
  captured.delete(MESSAGE_KEY);
  if (captured.size === 0 && fromJson.size === 0) issues.push({ reason: 'no-fields', message: 'no Fields regex or JSON path could be carried over', origin: p.origin });

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
  for (const name of [...new Set([...captured, ...fromJson.keys()])].sort()) {
    if (RESERVED_FIELDS.has(name)) continue;
    // JSON paths win over regex captures (ExtractionType = json); among them the last present wins.
    const exprs = [...(fromJson.get(name) ?? [])].reverse();
    if (captured.has(name)) exprs.push(rawKey(name));
    fields[name] = exprs.length === 1 ? exprs[0]! : `first(${exprs.join(', ')})`;
  }
  for (const d of p.dupFields) {
    if (!captured.has(d.from) && !fromJson.has(d.from)) {
      issues.push({ reason: 'dup-field-source', message: `DupFields '${d.from}->${d.to}': '${d.from}' is not captured by any carried-over regex`, origin: d.origin });
      continue;
    }
    if (d.to.startsWith('__') || RESERVED_FIELDS.has(d.to)) {
      issues.push({ reason: 'reserved-field-name', message: `DupFields target '${d.to}' is a reserved field name`, origin: d.origin });
      continue;
    }
    fields[d.to] = fields[d.from] ?? rawKey(d.from);
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
  return { doc, warnings, fieldNames: Object.keys(fields), issues, rewrites: [...rewrites], carried };
}

function summarise(issues: ImportIssue[]): string {
  const n = new Map<string, number>();
  for (const i of issues) n.set(i.reason, (n.get(i.reason) ?? 0) + 1);
  return [...n].map(([r, c]) => `${r} ×${c}`).join(', ');
}

function clip(s: string): string {
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}
