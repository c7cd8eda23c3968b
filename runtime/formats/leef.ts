/**
 * LEEF (IBM Log Event Extended Format) parser, versions 1.0 and 2.0.
 *
 *   LEEF:1.0|Vendor|Product|Version|EventID|key=value<TAB>key=value...
 *   LEEF:2.0|Vendor|Product|Version|EventID|Delimiter|key=value<D>key=value...
 *
 * LEEF has no value escaping: backslashes are literal (Deep Security paths appear
 * as `C:\Users\...`) and `=` may occur unescaped inside a value. Header pipes may be
 * escaped as `\|`, as in CEF. rsyslog's `#0oo` control escapes are decoded.
 */

import {
  CefKeyPlan,
  decodeControlEscapes,
  decodeHeaderField,
  maxFieldLength,
  readHeaderFields,
  scanSpacedPairs,
  type FormatOptions,
} from './cef.ts';

export interface LeefRecord {
  version: string;
  vendor: string;
  product: string;
  productVersion: string;
  eventId: string;
  /** Attributes. Null prototype, so `__proto__` is just a key. */
  ext: Record<string, string>;
}

export type LeefResult = { ok: true; record: LeefRecord } | { ok: false; reason: string };

const TAB = '\t';
/** What rsyslog turns a TAB into when it escapes control characters on receive. */
const RSYSLOG_TAB = '#011';

export function parseLeef(body: string, opts?: FormatOptions): LeefResult {
  const max = maxFieldLength(opts);
  const header: string[] = [];
  const next = readLeefHeader(body, max, header);
  if (typeof next === 'string') return { ok: false, reason: next };
  const [version, vendor, product, productVersion, eventId, delimiter] = header as [string, string, string, string, string, string];
  const ext: Record<string, string> = Object.create(null);
  const failure = parseAttributes(body, next, delimiter, ext, max);
  if (failure) return { ok: false, reason: failure };
  return { ok: true, record: { version, vendor, product, productVersion, eventId, ext } };
}

/**
 * Reads the LEEF header of `body` from `start` into `out` (cleared first): version, vendor,
 * product, product version, event id, then the attribute delimiter. Returns where the
 * attributes start, or the reject reason.
 */
export function readLeefHeader(body: string, max: number, out: string[], start = 0): number | string {
  out.length = 0;
  if (typeof body !== 'string') return 'not-leef';
  let pos = start;
  while (body.charCodeAt(pos) === 32) pos++;
  if (!body.startsWith('LEEF:', pos)) return 'not-leef';
  pos += 5;

  let next = readHeaderFields(body, pos, 5, max, out);
  if (next < 0) return 'field-too-long';
  if (out.length < 5) {
    // "…|Version|EventID" with no closing pipe and no attributes.
    const rest = lineEnd(body, next);
    if (out.length !== 4 || rest === next) return 'truncated-leef-header';
    if (rest - next > max) return 'field-too-long';
    out.push(decodeHeaderField(body, next, rest));
    next = body.length;
  }

  let delimiter = TAB;
  if (out[0]!.charCodeAt(0) === 50 /* 2 */) {
    const declared = readDelimiterField(body, next);
    if (declared) {
      delimiter = declared.delimiter;
      next = declared.next;
    }
  }
  out.push(delimiter);
  return next;
}

// ---------------------------------------------------------------------------
// LEEF 2.0 delimiter field

interface DelimiterField {
  delimiter: string;
  /** Where the attributes start. */
  next: number;
}

/**
 * Reads the 6th header field of LEEF 2.0, which declares the attribute delimiter.
 * Returns null when the field is absent, i.e. the text up to the next pipe already
 * looks like an attribute (some senders omit the optional field).
 */
function readDelimiterField(body: string, pos: number): DelimiterField | null {
  const fields: string[] = [];
  const next = readHeaderFields(body, pos, 1, 16, fields);
  if (next < 0 || fields.length === 0) return null;
  const spec = fields[0]!;
  if (spec.includes('=')) return null;

  // "ID|||a=1|b=2": an empty field followed by a pipe means the delimiter is `|`
  // itself, written unescaped.
  if (spec === '' && body.charCodeAt(next) === 124 /* | */) return { delimiter: '|', next: next + 1 };
  return { delimiter: delimiterFromSpec(spec), next };
}

/**
 * The delimiter spec is a single character, or a hex code written `x09`, `0x09` or
 * `\x09`, or `\t`. Empty or unrecognised specs mean TAB, the LEEF default.
 */
function delimiterFromSpec(spec: string): string {
  if (spec.length === 1) return spec;
  if (spec === '\\t' || spec === RSYSLOG_TAB) return TAB;
  const code = hexCode(spec);
  // `=` can never separate attributes; fall back to the default.
  return code < 0 || code === 61 ? TAB : String.fromCharCode(code);
}

/** Value of `x09`, `0x09` or `\x09` (1-4 hex digits), or -1. */
function hexCode(spec: string): number {
  let i = 0;
  if (spec.charCodeAt(0) === 48 /* 0 */ || spec.charCodeAt(0) === 92 /* \ */) i = 1;
  if ((spec.charCodeAt(i) | 0x20) !== 120 /* x */) return -1;
  const digits = spec.length - i - 1;
  if (digits < 1 || digits > 4) return -1;
  let code = 0;
  for (let j = i + 1; j < spec.length; j++) {
    const d = hexDigit(spec.charCodeAt(j));
    if (d < 0) return -1;
    code = code * 16 + d;
  }
  return code;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

// ---------------------------------------------------------------------------
// Attributes

/** The attributes from `start` into a dictionary (every key). */
export function parseAttributes(
  body: string,
  start: number,
  delimiter: string,
  ext: Record<string, string>,
  max: number,
): string {
  const end = lineEnd(body, start);
  if (delimiter === TAB && !contains(body, TAB, start, end)) {
    // rsyslog escaped the tabs on receive.
    if (contains(body, RSYSLOG_TAB, start, end)) return splitDelimited(body, start, end, RSYSLOG_TAB, ext, max);
    // Documentation (and copy-pasted samples) render the tabs as spaces: split
    // CEF-style, where a value runs until the next ` key=`. Backslashes stay literal.
    if (contains(body, ' ', start, end)) return scanSpacedPairs(body, start, ext, max, false, null);
  }
  return splitDelimited(body, start, end, delimiter, ext, max);
}

/**
 * Splits `key=value` attributes on `delimiter`. The key is everything up to the
 * first `=` (spaces around it trimmed). A piece without `=` cannot start an
 * attribute, so it must be a delimiter that belonged to the previous value (LEEF
 * cannot escape it); it is glued back on. Duplicate keys: the last one wins.
 */
function splitDelimited(
  body: string,
  start: number,
  end: number,
  delimiter: string,
  ext: Record<string, string>,
  max: number,
): string {
  // Put back what the delimiter stood for, e.g. a real TAB for rsyslog's "#011".
  const joiner = delimiter === RSYSLOG_TAB ? TAB : delimiter;
  let lastKey: string | undefined;
  let pos = start;
  // Next `=` at or after pos, kept between pieces so that many pieces without `=`
  // do not each search the rest of the line (that would be quadratic).
  let eq = -2;
  while (pos < end) {
    let stop = body.indexOf(delimiter, pos);
    if (stop < 0 || stop > end) stop = end;
    if (stop > pos) {
      if (eq !== -1 && eq < pos) eq = body.indexOf('=', pos);
      const key = eq >= 0 && eq < stop ? body.slice(pos, eq).trim() : '';
      if (key !== '') {
        if (key.length > max || stop - eq - 1 > max) return 'field-too-long';
        ext[key] = decodeControlEscapes(body.slice(eq + 1, stop));
        lastKey = key;
      } else if (lastKey !== undefined) {
        const joined = ext[lastKey] + joiner + decodeControlEscapes(body.slice(pos, stop));
        if (joined.length > max) return 'field-too-long';
        ext[lastKey] = joined;
      }
    }
    pos = stop + delimiter.length;
  }
  return '';
}

// ---------------------------------------------------------------------------
// Slot scan (the run path)

/**
 * The run path's attribute scan: the same attributes as parseAttributes (same splitting,
 * gluing, `field-too-long` for any key or value, kept or not), but only the plan's keys are
 * kept, each decoded into `values[slot]` (duplicates: the last wins). No dictionary is built
 * and no other value is decoded. `values` must come in filled with undefined.
 */
export function scanLeefSlots(body: string, start: number, delimiter: string, plan: CefKeyPlan, values: Array<string | undefined>, max: number): string {
  const end = lineEnd(body, start);
  if (delimiter === TAB && !contains(body, TAB, start, end)) {
    if (contains(body, RSYSLOG_TAB, start, end)) return splitDelimitedSlots(body, start, end, RSYSLOG_TAB, plan, values, max);
    // Tabs rendered as spaces (documentation samples; rare in real feeds): the wanted-key dictionary scan.
    if (contains(body, ' ', start, end)) {
      const dict: Record<string, string> = Object.create(null);
      const failure = scanSpacedPairs(body, start, dict, max, false, null, plan.wanted);
      if (failure) return failure;
      for (let i = 0; i < plan.keys.length; i++) values[i] = dict[plan.keys[i]!];
      return '';
    }
  }
  return splitDelimitedSlots(body, start, end, delimiter, plan, values, max);
}

/** splitDelimited into slots. */
function splitDelimitedSlots(body: string, start: number, end: number, delimiter: string, plan: CefKeyPlan, values: Array<string | undefined>, max: number): string {
  const joiner = delimiter === RSYSLOG_TAB ? TAB : delimiter;
  /** The last attribute's slot: -1 when the plan does not keep it, -2 before the first attribute. */
  let last = -2;
  // A skipped attribute's value is measured only if a piece is glued on (its decoded length).
  let skippedStart = 0;
  let skippedStop = 0;
  let skippedLength = -1;
  let pos = start;
  let eq = -2;
  while (pos < end) {
    let stop = body.indexOf(delimiter, pos);
    if (stop < 0 || stop > end) stop = end;
    if (stop > pos) {
      if (eq !== -1 && eq < pos) eq = body.indexOf('=', pos);
      // The key is body[pos, eq) without the whitespace String.prototype.trim removes.
      let ks = pos;
      let ke = eq >= 0 && eq < stop ? eq : pos;
      while (ks < ke && isTrimmed(body.charCodeAt(ks))) ks++;
      while (ke > ks && isTrimmed(body.charCodeAt(ke - 1))) ke--;
      if (ke > ks) {
        if (ke - ks > max || stop - eq - 1 > max) return 'field-too-long';
        last = plan.findAt(body, ks, ke);
        if (last >= 0) values[last] = decodeControlEscapes(body.slice(eq + 1, stop));
        else { skippedStart = eq + 1; skippedStop = stop; skippedLength = -1; }
      } else if (last >= 0) {
        const joined = values[last] + joiner + decodeControlEscapes(body.slice(pos, stop));
        if (joined.length > max) return 'field-too-long';
        values[last] = joined;
      } else if (last === -1) {
        if (skippedLength < 0) skippedLength = decodeControlEscapes(body.slice(skippedStart, skippedStop)).length;
        skippedLength += joiner.length + decodeControlEscapes(body.slice(pos, stop)).length;
        if (skippedLength > max) return 'field-too-long';
      }
    }
    pos = stop + delimiter.length;
  }
  return '';
}

/** The characters String.prototype.trim removes (WhiteSpace and LineTerminator). */
function isTrimmed(c: number): boolean {
  return (c >= 9 && c <= 13) || c === 32 || c === 160 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

function contains(s: string, needle: string, start: number, end: number): boolean {
  const at = s.indexOf(needle, start);
  return at >= 0 && at + needle.length <= end;
}

/** End of the line without its terminator (CR/LF); TABs and spaces are kept. */
function lineEnd(s: string, from: number): number {
  let end = s.length;
  while (end > from && (s.charCodeAt(end - 1) === 10 || s.charCodeAt(end - 1) === 13)) end--;
  return end;
}
