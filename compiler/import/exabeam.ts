// Exabeam parser definitions from resolved HOCON: which objects are parsers, and what each
// of their keys says. Only reading happens here; translation is in translate-parser.ts.
import type { ObjectValue, Origin, StringValue, Value } from './hocon-resolve.ts';

/** One entry of a parser's `Fields` list, classified by what it asks for. */
export type FieldEntry =
  | { kind: 'regex'; regex: string; origin: Origin }
  /** `exa_regex=…`: a regex over the whole message, written in the JSON-extraction style. */
  | { kind: 'exa-regex'; regex: string; origin: Origin }
  /** `exa_json_path=$.a.b,exa_field_name=f` or `…,exa_regex=(…)`: a value read from a JSON path. */
  | { kind: 'json-path'; path: string; field?: string; regex?: string; origin: Origin };

export interface ExabeamParser {
  name: string;
  origin: Origin;
  vendor?: string;
  product?: string;
  timeFormats: Array<{ format: string; origin: Origin }>;
  /** Per-field time formats (`start_timeFormat = …`): field → formats. */
  fieldTimeFormats: Map<string, string[]>;
  conditions: Array<{ text: string; origin: Origin }>;
  fields: FieldEntry[];
  /** `DupFields = ["a->b"]`: copy field a into b. */
  dupFields: Array<{ from: string; to: string; origin: Origin }>;
  extractionType?: string;
  parserVersion?: string;
  /** Templates this parser took its missing keys from (Markdown pages embed them). */
  inherits: string[];
  /** Keys that were read but have no meaning for parsing (kept for the report). */
  otherKeys: string[];
  /** Entries that could not be read, with a reason. */
  unreadable: Array<{ reason: string; message: string; origin: Origin }>;
}

const PARSER_KEYS = new Set(['Name', 'Vendor', 'Product', 'TimeFormat', 'Conditions', 'Fields', 'DupFields', 'ExtractionType', 'ParserVersion', 'Lms', 'IsHVF']);
const TEMPLATE_KEYS = ['Fields', 'Vendor', 'Product', 'TimeFormat', 'Conditions', 'ExtractionType', 'DupFields'];

/**
 * Every parser in a resolved file: an object with a `Name` and `Conditions` or `Fields`.
 * Parsers are not searched for inside other parsers (their members are embedded templates).
 */
export function findParsers(root: ObjectValue, referencedTemplates: ReadonlyMap<Origin, string[]> = new Map()): ExabeamParser[] {
  const out: ExabeamParser[] = [];
  const visit = (obj: ObjectValue): void => {
    if (isParser(obj)) {
      out.push(readParser(obj, referencedTemplates));
      return;
    }
    for (const v of obj.fields.values()) if (v.kind === 'object') visit(v);
  };
  visit(root);
  return out;
}

function isParser(obj: ObjectValue): boolean {
  const name = obj.fields.get('Name');
  return name?.kind === 'string' && (obj.fields.has('Conditions') || obj.fields.has('Fields'));
}

function isTemplate(v: Value): v is ObjectValue {
  return v.kind === 'object' && !v.fields.has('Name') && TEMPLATE_KEYS.some((k) => v.fields.has(k));
}

function readParser(own: ObjectValue, _refs: ReadonlyMap<Origin, string[]>): ExabeamParser {
  // A Markdown page carries the templates a parser was built on as members of the parser
  // object. The parser keeps its own keys and takes the missing ones from those templates.
  const templates = [...own.fields].filter(([, v]) => isTemplate(v)) as Array<[string, ObjectValue]>;
  const keys = new Map<string, Value>();
  const inherits: string[] = [];
  for (const [name, t] of templates) {
    let used = false;
    for (const [k, v] of t.fields) if (!own.fields.has(k) && !keys.has(k) && (PARSER_KEYS.has(k) || k.endsWith('Format'))) { keys.set(k, v); used = true; }
    if (used) inherits.push(name);
  }
  for (const [k, v] of own.fields) if (!isTemplate(v)) keys.set(k, v);

  const p: ExabeamParser = {
    name: (own.fields.get('Name') as StringValue).value.trim(),
    origin: own.origin,
    timeFormats: [],
    fieldTimeFormats: new Map(),
    conditions: [],
    fields: [],
    dupFields: [],
    inherits,
    otherKeys: [],
    unreadable: [],
  };
  for (const [k, v] of keys) {
    switch (k) {
      case 'Name': break;
      case 'Vendor': p.vendor = text(v, p, k); break;
      case 'Product': p.product = text(v, p, k); break;
      case 'ParserVersion': p.parserVersion = text(v, p, k); break;
      case 'ExtractionType': p.extractionType = text(v, p, k)?.toLowerCase(); break;
      case 'TimeFormat': p.timeFormats = strings(v, p, k).map((s) => ({ format: s.value, origin: s.origin })); break;
      case 'Conditions': p.conditions = strings(v, p, k).map((s) => ({ text: s.value, origin: s.origin })); break;
      case 'Fields': p.fields = strings(v, p, k).map(fieldEntry); break;
      case 'DupFields':
        for (const s of strings(v, p, k)) {
          const m = /^\s*([A-Za-z_][\w]*)\s*->\s*([A-Za-z_][\w]*)\s*$/.exec(s.value);
          if (m) p.dupFields.push({ from: m[1]!, to: m[2]!, origin: s.origin });
          else p.unreadable.push({ reason: 'dup-field-syntax', message: `DupFields entry '${s.value}' is not 'from->to'`, origin: s.origin });
        }
        break;
      default:
        if (k.endsWith('Format') && k.length > 'Format'.length) p.fieldTimeFormats.set(k.slice(0, -'Format'.length).replace(/_$/, ''), strings(v, p, k).map((s) => s.value));
        else p.otherKeys.push(k);
    }
  }
  return p;
}

function text(v: Value, p: ExabeamParser, key: string): string | undefined {
  if (v.kind === 'string') return v.value.trim();
  p.unreadable.push({ reason: 'wrong-type', message: `${key} should be a string, not ${v.kind === 'array' ? 'a list' : 'an object'}`, origin: v.origin });
  return undefined;
}

/** A string or a list of strings (Exabeam allows `TimeFormat = "…"` and `TimeFormat = ["…", "…"]`). */
function strings(v: Value, p: ExabeamParser, key: string): StringValue[] {
  if (v.kind === 'string') return v.value === '' ? [] : [v];
  if (v.kind === 'object') {
    p.unreadable.push({ reason: 'wrong-type', message: `${key} should be a list, not an object`, origin: v.origin });
    return [];
  }
  const out: StringValue[] = [];
  for (const item of v.items) {
    if (item.kind === 'string') out.push(item);
    else p.unreadable.push({ reason: 'wrong-type', message: `an entry of ${key} is ${item.kind === 'array' ? 'a list' : 'an object'}, not a string`, origin: item.origin });
  }
  return out;
}

const JSON_PATH = /^exa_json_path=([^,]*)(?:,exa_field_name=(\w+)|,exa_regex=([\s\S]*))?\s*$/;

function fieldEntry(s: StringValue): FieldEntry {
  const t = s.value;
  if (t.startsWith('exa_json_path=')) {
    const m = JSON_PATH.exec(t);
    return { kind: 'json-path', path: m?.[1] ?? t.slice('exa_json_path='.length), ...(m?.[2] ? { field: m[2] } : {}), ...(m?.[3] ? { regex: m[3] } : {}), origin: s.origin };
  }
  if (t.startsWith('exa_regex=')) return { kind: 'exa-regex', regex: t.slice('exa_regex='.length), origin: s.origin };
  return { kind: 'regex', regex: t, origin: s.origin };
}
