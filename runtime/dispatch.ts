// Parser selection as a compiled dispatch: a line is split once by its format (CEF, LEEF
// or plain text), then routed by header vendor|product and signature through Maps to the
// few parsers that can accept it. Regex-format parsers are prefiltered by literal
// substrings. First match wins; priorities are explicit in content.
import { parseCef } from './formats/cef.ts';
import { parseLeef } from './formats/leef.ts';
import { stripSyslogHeader } from './formats/syslog.ts';
import type { ParseOutcome } from './program.ts';

/** A parser body: raw keys (null-prototype object) → outcome; `headerTime` is the syslog header's timestamp text. */
export type ParserFn = (raw: Record<string, string>, line: string, headerTime?: string) => ParseOutcome;

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
  /** CEF extension keys any parser reads; the others are skipped (null: keep every key). */
  wantedCef?: ReadonlySet<string> | null;
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

  // Routing results per header triple, memoised; bounded so hostile headers cannot grow it.
  const routeCache = new Map<string, ParserRoute[]>();
  const routeFor = (table: Map<string, Bucket>, format: string, vendor: string, product: string, signature: string): ParserRoute[] => {
    const key = `${format}\u0000${vendor}\u0000${product}\u0000${signature}`;
    let list = routeCache.get(key);
    if (list === undefined) {
      list = candidates(table, vendor, product, signature);
      if (routeCache.size >= 4096) routeCache.clear();
      routeCache.set(key, list);
    }
    return list;
  };

  const hasVendor = (table: Map<string, Bucket>, vendor: string, product: string) =>
    table.has(`${vendor}|${product}`) || table.has(`${vendor}|*`) || table.has(`*|${product}`);

  const contained = (r: ParserRoute, line: string) => r.contains.every((c) => line.includes(c));

  const cefOptions = { maxFieldLength: opts.maxFieldLength, wanted: opts.wantedCef ?? null };
  return (line: string): ParseOutcome => {
    if (line.length > opts.maxLineLength) return { ok: false, reason: 'line-too-long' };
    if (line.trim() === '') return { ok: false, reason: 'empty-line' };
    const { body, time: headerTime } = stripSyslogHeader(line);
    const isCef = body.startsWith('CEF:') || /^[01]\|/.test(body);
    const isLeef = !isCef && body.startsWith('LEEF:');
    /** Structured lines: whether some parser selects this vendor/product at all. */
    let knownSource = false;
    if (isCef || isLeef) {
      const parsed = isCef ? parseCef(body, cefOptions) : parseLeef(body, { maxFieldLength: opts.maxFieldLength });
      if (!parsed.ok) return { ok: false, reason: parsed.reason };
      const rec = parsed.record as { vendor: string; product: string; ext: Record<string, string>; signature?: string; eventId?: string; name?: string; severity?: string; version: string };
      const signature = isCef ? rec.signature! : rec.eventId!;
      const list = routeFor(isCef ? cef : leef, isCef ? 'c' : 'l', rec.vendor, rec.product, signature);
      knownSource = list.length > 0 || hasVendor(isCef ? cef : leef, rec.vendor, rec.product);
      for (const r of list) {
        if (!contained(r, line)) continue;
        const raw = rec.ext;
        raw.hdr_vendor = rec.vendor;
        raw.hdr_product = rec.product;
        raw.hdr_signature = signature;
        if (rec.name !== undefined) raw.hdr_name = rec.name;
        if (rec.severity !== undefined) raw.hdr_severity = rec.severity;
        return r.run(raw, line, headerTime);
      }
      if (text.length === 0) return { ok: false, reason: knownSource ? 'no-parser' : 'unknown-source' };
    }
    for (const r of text) {
      if (!contained(r, line)) continue;
      const raw = r.extract!(line);
      if (raw === null) continue;
      return r.run(raw, line, headerTime);
    }
    if (isCef || isLeef) return { ok: false, reason: knownSource ? 'no-parser' : 'unknown-source' };
    return { ok: false, reason: 'no-parser' };
  };
}
