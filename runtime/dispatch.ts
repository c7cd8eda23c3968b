// Parser selection as a compiled dispatch: a line is split once by its format (CEF, LEEF
// or plain text), then routed by header vendor|product and signature through Maps to the
// few parsers that can accept it. Regex-format parsers are prefiltered by literal
// substrings. First match wins; priorities are explicit in content.
import { CefKeyPlan, endsAtPipe, readCefHeader, scanCefDictionary, scanCefSlots } from './formats/cef.ts';
import { parseAttributes, readLeefHeader, scanLeefSlots } from './formats/leef.ts';
import { cefAt, leefAt, locateSyslogPayload } from './formats/syslog.ts';
import type { ParseOutcome } from './program.ts';

/**
 * A parser body → outcome. A parser that lists its raw keys gets their values in that order
 * (`values[i]` is key i, undefined when absent) and `dict` null; one that does not gets every
 * key as a null-prototype dictionary in `dict`. `headerTime` is the syslog header's timestamp text.
 */
export type ParserFn = (values: Array<string | undefined>, dict: Record<string, string> | null, line: string, headerTime?: string) => ParseOutcome;

/** What selects a parser for a line: its format, header vendor/product, signatures, literals. */
export interface ParserSelector {
  id: string;
  format: 'cef' | 'leef' | 'regex';
  vendors: readonly string[];
  products: readonly string[];
  signatures: readonly string[];
  contains: readonly string[];
}

export interface ParserRoute extends ParserSelector {
  /** The raw keys the parser reads (its value slots), or null: every key, as a dictionary. */
  keys: readonly string[] | null;
  run: ParserFn;
  /** Regex parsers: extraction (raw keys from the whole line), null when nothing matched. */
  extract?: (line: string) => Record<string, string> | null;
}

interface Bucket {
  exact: Map<string, ParserRoute[]>;
  prefix: Array<[string, ParserRoute[]]>;
  any: ParserRoute[];
}

export interface DispatchOptions {
  maxLineLength: number;
  maxFieldLength: number;
}

/** Per route: its CEF key plan and a reusable value array (a parser consumes it before the next line). */
interface Slots {
  plan: CefKeyPlan;
  values: Array<string | undefined>;
  /** Header slots, -1 where the parser does not read them. */
  vendor: number;
  product: number;
  signature: number;
  name: number;
  severity: number;
}

function slotsOf(keys: readonly string[]): Slots {
  const plan = new CefKeyPlan(keys);
  return {
    plan, values: new Array<string | undefined>(keys.length).fill(undefined),
    vendor: plan.slotOf('hdr_vendor'), product: plan.slotOf('hdr_product'), signature: plan.slotOf('hdr_signature'),
    name: plan.slotOf('hdr_name'), severity: plan.slotOf('hdr_severity'),
  };
}

/** A dictionary's values for a parser's keys, in slot order. */
function valuesOf(keys: readonly string[], dict: Record<string, string>): Array<string | undefined> {
  const out = new Array<string | undefined>(keys.length);
  for (let i = 0; i < keys.length; i++) out[i] = dict[keys[i]!];
  return out;
}


export function createDispatcher(routes: readonly ParserRoute[], opts: DispatchOptions): (line: string) => ParseOutcome {
  const cef = new Map<string, Bucket>();
  const leef = new Map<string, Bucket>();
  const text = routes.filter((r) => r.format === 'regex');
  for (const r of routes) {
    if (r.format === 'regex') continue;
    const table = r.format === 'cef' ? cef : leef;
    const vendors = r.vendors.length ? r.vendors : ['*'];
    const products = r.products.length ? r.products : ['*'];
    for (const v of vendors) for (const p of products) {
      const key = `${v}|${p}`;
      let b = table.get(key);
      if (!b) table.set(key, (b = { exact: new Map(), prefix: [], any: [] }));
      if (r.signatures.length === 0) b.any.push(r);
      for (const s of r.signatures) {
        if (s.endsWith('*')) {
          const pre = s.slice(0, -1);
          const slot = b.prefix.find(([k]) => k === pre);
          if (slot) slot[1].push(r);
          else b.prefix.push([pre, [r]]);
        } else {
          b.exact.set(s, [...(b.exact.get(s) ?? []), r]);
        }
      }
    }
  }
  // Longest prefix first so the most specific signature family is tried first.
  for (const table of [cef, leef]) for (const b of table.values()) b.prefix.sort((x, y) => y[0].length - x[0].length);

  // Every parser that can accept this header, in the content's explicit order (routes
  // arrive sorted by priority, then id), whether it matched by exact signature, prefix or none.
  const order = new Map(routes.map((r, i) => [r, i]));
  const candidates = (table: Map<string, Bucket>, vendor: string, product: string, signature: string): ParserRoute[] => {
    const out = new Set<ParserRoute>();
    for (const key of [`${vendor}|${product}`, `${vendor}|*`, `*|${product}`, '*|*']) {
      const b = table.get(key);
      if (!b) continue;
      for (const r of b.exact.get(signature) ?? []) out.add(r);
      for (const [pre, rs] of b.prefix) if (signature.startsWith(pre)) rs.forEach((r) => out.add(r));
      b.any.forEach((r) => out.add(r));
    }
    return [...out].sort((a, b) => order.get(a)! - order.get(b)!);
  };

  // Routing results per header triple, memoised by signature, then vendor and product (no key
  // string built per line); bounded so hostile headers cannot grow it.
  /** `slots[i]`: list[i]'s value slots, undefined for a parser reading a dictionary. */
  interface Routed { vendor: string; product: string; list: ParserRoute[]; slots: Array<Slots | undefined>; known: boolean }
  const caches = new Map<Map<string, Bucket>, { bySignature: Map<string, Routed[]>; size: number }>();
  const routeFor = (table: Map<string, Bucket>, vendor: string, product: string, signature: string): Routed => {
    let cache = caches.get(table);
    if (cache === undefined) caches.set(table, (cache = { bySignature: new Map(), size: 0 }));
    let entries = cache.bySignature.get(signature);
    if (entries !== undefined) {
      for (let i = 0; i < entries.length; i++) {
        const e = entries[i]!;
        if (e.vendor === vendor && e.product === product) return e;
      }
    }
    const list = candidates(table, vendor, product, signature);
    const routed = { vendor, product, list, slots: list.map((r) => slots.get(r)), known: list.length > 0 || hasVendor(table, vendor, product) };
    if (cache.size >= 4096) { cache.bySignature.clear(); cache.size = 0; entries = undefined; }
    if (entries === undefined) cache.bySignature.set(signature, (entries = []));
    entries.push(routed);
    cache.size++;
    return routed;
  };

  const hasVendor = (table: Map<string, Bucket>, vendor: string, product: string) =>
    table.has(`${vendor}|${product}`) || table.has(`${vendor}|*`) || table.has(`*|${product}`);

  const contained = (r: ParserRoute, line: string) => {
    const needles = r.contains;
    for (let i = 0; i < needles.length; i++) if (!line.includes(needles[i]!)) return false;
    return true;
  };

  const slots = new Map<ParserRoute, Slots>();
  for (const r of routes) if (r.format !== 'regex' && r.keys !== null) slots.set(r, slotsOf(r.keys));
  const noKeys = slotsOf([]);
  const max = opts.maxFieldLength;
  const header: string[] = [];
  const leefHeader: string[] = [];
  /** Whether some parser selects the last structured line's vendor/product at all. */
  let knownSource = false;

  /** Where the current line's payload starts and its syslog header time (one holder, no per-line allocation). */
  const split: { offset: number; time: string | undefined } = { offset: 0, time: undefined };

  /**
   * The last few distinct complete CEF headers (most recent first) with their fields and route.
   * A sender repeats one header per event kind, and the seven fields depend on nothing but that
   * text, so a line starting with one of them reuses its fields and route without reading them.
   */
  interface KnownHeader { text: string; fields: string[]; routed: Routed }
  const knownHeaders: KnownHeader[] = [];
  const MAX_KNOWN_HEADERS = 4;

  /** The current line's header: where its extension starts, its fields and route (one holder). */
  const head = { extStart: 0, fields: header, routed: null as Routed | null };

  /** Reads the CEF header of `line` at `at` into `head`; a reject reason when it is malformed. */
  const routeCef = (line: string, at: number): string => {
    for (let i = 0; i < knownHeaders.length; i++) {
      const known = knownHeaders[i]!;
      if (!headerAt(line, at, known.text)) continue;
      if (i > 0) toFront(knownHeaders, i);
      head.extStart = at + known.text.length;
      head.fields = known.fields;
      head.routed = known.routed;
      return '';
    }
    const extStart = readCefHeader(line, max, header, at);
    if (typeof extStart === 'string') return extStart;
    const routed = routeFor(cef, header[1]!, header[2]!, header[4]!);
    head.extStart = extStart;
    head.fields = header;
    head.routed = routed;
    // A header cut short by the line's end ("…|Severity") depends on where the line ends: not kept.
    if (endsAtPipe(line, at, extStart)) {
      knownHeaders.unshift({ text: line.slice(at, extStart), fields: [...header], routed });
      if (knownHeaders.length > MAX_KNOWN_HEADERS) knownHeaders.pop();
    }
    return '';
  };

  // The payload is scanned in place, from its offset in the line (a sliced string is slower to scan).
  const cefLine = (line: string, at: number, headerTime: string | undefined): ParseOutcome | null => {
    const malformed = routeCef(line, at);
    if (malformed) return { ok: false, reason: malformed };
    const extStart = head.extStart;
    const routed = head.routed!;
    const fields = head.fields;
    const vendor = fields[1]!;
    const product = fields[2]!;
    const signature = fields[4]!;
    knownSource = routed.known;
    const list = routed.list;
    for (let i = 0; i < list.length; i++) {
      const r = list[i]!;
      if (!contained(r, line)) continue;
      const sl = routed.slots[i];
      if (sl === undefined) {
        const dict: Record<string, string> = Object.create(null);
        const failure = scanCefDictionary(line, extStart, dict, max, null);
        if (failure) return { ok: false, reason: failure };
        dict.hdr_vendor = vendor;
        dict.hdr_product = product;
        dict.hdr_signature = signature;
        dict.hdr_name = fields[5]!;
        dict.hdr_severity = fields[6]!;
        return r.run(r.keys === null ? [] : valuesOf(r.keys, dict), dict, line, headerTime);
      }
      const values = sl.values;
      clear(values);
      const failure = scanCefSlots(line, extStart, sl.plan, values, max);
      if (failure) return { ok: false, reason: failure };
      // Header fields win over extension keys of the same name, as they always did.
      if (sl.vendor >= 0) values[sl.vendor] = vendor;
      if (sl.product >= 0) values[sl.product] = product;
      if (sl.signature >= 0) values[sl.signature] = signature;
      if (sl.name >= 0) values[sl.name] = fields[5]!;
      if (sl.severity >= 0) values[sl.severity] = fields[6]!;
      return r.run(values, null, line, headerTime);
    }
    // No parser took it: a malformed extension is still the reason a line is rejected.
    const failure = scanCefSlots(line, extStart, noKeys.plan, noKeys.values, max);
    if (failure) return { ok: false, reason: failure };
    return text.length === 0 ? { ok: false, reason: routed.known ? 'no-parser' : 'unknown-source' } : null;
  };

  const leefLine = (line: string, at: number, headerTime: string | undefined): ParseOutcome | null => {
    const attrStart = readLeefHeader(line, max, leefHeader, at);
    if (typeof attrStart === 'string') return { ok: false, reason: attrStart };
    const vendor = leefHeader[1]!;
    const product = leefHeader[2]!;
    const eventId = leefHeader[4]!;
    const delimiter = leefHeader[5]!;
    const routed = routeFor(leef, vendor, product, eventId);
    knownSource = routed.known;
    const list = routed.list;
    for (let i = 0; i < list.length; i++) {
      const r = list[i]!;
      if (!contained(r, line)) continue;
      const sl = routed.slots[i];
      if (sl === undefined) {
        const raw: Record<string, string> = Object.create(null);
        const failure = parseAttributes(line, attrStart, delimiter, raw, max);
        if (failure) return { ok: false, reason: failure };
        raw.hdr_vendor = vendor;
        raw.hdr_product = product;
        raw.hdr_signature = eventId;
        return r.run([], raw, line, headerTime);
      }
      const values = sl.values;
      clear(values);
      const failure = scanLeefSlots(line, attrStart, delimiter, sl.plan, values, max);
      if (failure) return { ok: false, reason: failure };
      // LEEF has no name or severity in its header; the three it has win over attributes.
      if (sl.vendor >= 0) values[sl.vendor] = vendor;
      if (sl.product >= 0) values[sl.product] = product;
      if (sl.signature >= 0) values[sl.signature] = eventId;
      return r.run(values, null, line, headerTime);
    }
    // No parser took it: malformed attributes are still the reason a line is rejected.
    const failure = scanLeefSlots(line, attrStart, delimiter, noKeys.plan, noKeys.values, max);
    if (failure) return { ok: false, reason: failure };
    return text.length === 0 ? { ok: false, reason: routed.known ? 'no-parser' : 'unknown-source' } : null;
  };

  return (line: string): ParseOutcome => {
    if (line.length > opts.maxLineLength) return { ok: false, reason: 'line-too-long' };
    if (isBlank(line)) return { ok: false, reason: 'empty-line' };
    locateSyslogPayload(line, split);
    const at = split.offset;
    const headerTime = split.time;
    const isCef = cefAt(line, at) || isBareCef(line, at);
    const isLeef = !isCef && leefAt(line, at);
    if (isCef || isLeef) {
      const done = isCef ? cefLine(line, at, headerTime) : leefLine(line, at, headerTime);
      if (done !== null) return done;
    }
    for (const r of text) {
      if (!contained(r, line)) continue;
      const raw = r.extract!(line);
      if (raw === null) continue;
      return r.run(r.keys === null ? [] : valuesOf(r.keys, raw), r.keys === null ? raw : null, line, headerTime);
    }
    if (isCef || isLeef) return { ok: false, reason: knownSource ? 'no-parser' : 'unknown-source' };
    return { ok: false, reason: 'no-parser' };
  };
}

/**
 * Whether the header text `text` (ending in its seventh `|`) starts `line` at `at`. Headers of
 * one sender differ mostly in their last fields, so a few characters before the last pipe
 * reject another header cheaply; a full comparison by `indexOf` (native, unlike `startsWith`)
 * confirms the rest.
 */
function headerAt(line: string, at: number, text: string): boolean {
  const last = at + text.length - 1;
  for (let k = 1; k <= 4; k++) if (line.charCodeAt(last - k) !== text.charCodeAt(text.length - 1 - k)) return false;
  return line.charCodeAt(last) === 124 /* | */ && line.indexOf(text, at) === at;
}

/** Moves item i of `list` to the front, keeping the others' order (no arrays allocated). */
function toFront<T>(list: T[], i: number): void {
  const item = list[i]!;
  for (let k = i; k > 0; k--) list[k] = list[k - 1]!;
  list[0] = item;
}

/** Every value slot back to undefined (a loop: cheaper than `fill` for a few dozen slots). */
function clear(values: Array<string | undefined>): void {
  for (let i = 0; i < values.length; i++) values[i] = undefined;
}

/** `0|` or `1|` at `at`: CEF whose "CEF:" prefix a relay stripped. */
function isBareCef(line: string, at: number): boolean {
  const c = line.charCodeAt(at);
  return (c === 48 || c === 49) && line.charCodeAt(at + 1) === 124;
}

/** Only whitespace (String.prototype.trim's set), without building the trimmed copy. */
function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c > 32 && c !== 160 && c !== 0x1680 && !(c >= 0x2000 && c <= 0x200a) && c !== 0x2028 && c !== 0x2029 && c !== 0x202f && c !== 0x205f && c !== 0x3000 && c !== 0xfeff) return false;
    if (c < 32 && !(c >= 9 && c <= 13)) return false;
  }
  return true;
}
