// Pure helper functions shared by compiled bundles and the reference interpreter, so both
// give identical answers. Missing values are `null`; see docs/language.md for the rules:
// a function given `null` where it needs a value returns `null` (string results) or
// `false` (predicates).
import { capInput, type RegexLike } from './regex-guard.ts';
import { jsonPathValue } from './json-path.ts';
export { guardRegexes } from './regex-guard.ts';

export type Value = string | number | boolean | null | readonly string[];

export function isPresent(v: unknown): boolean {
  return v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0);
}

// ---- comparison and logic (null-safe) -------------------------------------------------
export function eq(a: Value, b: Value): boolean {
  if (a === null || b === null) return false;
  return a === b;
}
export function ne(a: Value, b: Value): boolean {
  if (a === null || b === null) return false;
  return a !== b;
}
export function lt(a: Value, b: Value): boolean {
  return a !== null && b !== null && (a as number) < (b as number);
}
export function le(a: Value, b: Value): boolean {
  return a !== null && b !== null && (a as number) <= (b as number);
}
export function gt(a: Value, b: Value): boolean {
  return a !== null && b !== null && (a as number) > (b as number);
}
export function ge(a: Value, b: Value): boolean {
  return a !== null && b !== null && (a as number) >= (b as number);
}
/** Arithmetic with null propagation; division by zero gives null, not Infinity. */
export function add(a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  if (typeof a === 'string' || typeof b === 'string') return String(a) + String(b);
  return (a as number) + (b as number);
}
export function sub(a: Value, b: Value): number | null {
  return a === null || b === null ? null : (a as number) - (b as number);
}
export function mul(a: Value, b: Value): number | null {
  return a === null || b === null ? null : (a as number) * (b as number);
}
export function div(a: Value, b: Value): number | null {
  return a === null || b === null || b === 0 ? null : (a as number) / (b as number);
}
export function mod(a: Value, b: Value): number | null {
  return a === null || b === null || b === 0 ? null : (a as number) % (b as number);
}
export function neg(a: Value): number | null {
  return a === null ? null : -(a as number);
}
/** `x in list`: membership; a list-valued x is "in" when any element is. */
export function inList(x: Value, list: readonly Value[] | ReadonlySet<Value>): boolean {
  if (x === null) return false;
  // No closure per call: this runs in parsers on every line.
  if (list instanceof Set) {
    if (!Array.isArray(x)) return list.has(x);
    for (const v of x as readonly string[]) if (list.has(v)) return true;
    return false;
  }
  const items = list as readonly Value[];
  if (!Array.isArray(x)) return items.includes(x);
  for (const v of x as readonly string[]) if (items.includes(v)) return true;
  return false;
}
export function truthy(v: Value): boolean {
  return v === true;
}

// ---- strings ----------------------------------------------------------------------------
export function toLower(s: Value): string | null {
  return typeof s === 'string' ? s.toLowerCase() : null;
}
export function toUpper(s: Value): string | null {
  return typeof s === 'string' ? s.toUpperCase() : null;
}
export function trim(s: Value): string | null {
  return typeof s === 'string' ? s.trim() : null;
}
export function contains(s: Value, sub: Value): boolean {
  if (typeof sub !== 'string') return false;
  if (Array.isArray(s)) return s.includes(sub);
  return typeof s === 'string' && s.includes(sub);
}
export function startsWith(s: Value, p: Value): boolean {
  return typeof s === 'string' && typeof p === 'string' && s.startsWith(p);
}
export function startsWithAny(s: Value, ...ps: Value[]): boolean {
  return typeof s === 'string' && ps.some((p) => typeof p === 'string' && s.startsWith(p));
}
export function endsWith(s: Value, p: Value): boolean {
  return typeof s === 'string' && typeof p === 'string' && s.endsWith(p);
}
export function concat(...parts: Value[]): string | null {
  if (parts.some((p) => p === null)) return null;
  return parts.map((p) => String(p)).join('');
}
export function toStr(v: Value): string | null {
  if (v === null) return null;
  if (Array.isArray(v)) return v.join(';');
  return String(v);
}
export function toNumber(v: Value): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string' || v.trim() === '') return null;
  const n = Number(v.trim());
  return Number.isFinite(n) ? n : null;
}
/** The first argument that is present (not null, not empty). */
export function first(...vs: Value[]): Value {
  for (const v of vs) if (isPresent(v)) return v;
  return null;
}
export function length(v: Value): number | null {
  if (typeof v === 'string' || Array.isArray(v)) return v.length;
  return null;
}
/** Split on a separator, trimming items and dropping empty ones (`a;b;` → [a, b]). */
export function split(s: Value, sep: Value): readonly string[] | null {
  if (typeof s !== 'string' || typeof sep !== 'string' || sep === '') return null;
  // One pass with indexOf: no intermediate array of untrimmed parts.
  const out: string[] = [];
  for (let from = 0; ;) {
    const at = s.indexOf(sep, from);
    const t = s.slice(from, at < 0 ? s.length : at).trim();
    if (t !== '') out.push(t);
    if (at < 0) return out;
    from = at + sep.length;
  }
}
/** Text after the last occurrence of `sep` (whole string when absent): `CORP\alice` → alice. */
export function afterLast(s: Value, sep: Value): string | null {
  if (typeof s !== 'string' || typeof sep !== 'string') return null;
  const i = sep.length === 1 ? lastIndexOfChar(s, sep.charCodeAt(0)) : s.lastIndexOf(sep);
  return i < 0 ? s : s.slice(i + sep.length);
}
/** `s.lastIndexOf` for one character, as a loop (lastIndexOf is a slow call in V8; parsers use this per line). */
function lastIndexOfChar(s: string, c: number): number {
  let i = s.length - 1;
  while (i >= 0 && s.charCodeAt(i) !== c) i--;
  return i;
}
export function beforeFirst(s: Value, sep: Value): string | null {
  if (typeof s !== 'string' || typeof sep !== 'string') return null;
  const i = s.indexOf(sep);
  return i < 0 ? s : s.slice(0, i);
}
/** Domain part of an e-mail address, lower-cased: `Bob@Example.COM` → example.com. */
export function emailDomain(s: Value): string | null {
  if (typeof s !== 'string') return null;
  const i = lastIndexOfChar(s, 64 /* @ */);
  if (i < 0 || i === s.length - 1) return null;
  return s.slice(i + 1).trim().replace(/[>;,\s].*$/, '').toLowerCase() || null;
}
/** Local part of an e-mail address, lower-cased. */
export function emailLocal(s: Value): string | null {
  if (typeof s !== 'string') return null;
  const i = s.lastIndexOf('@');
  if (i <= 0) return null;
  return s.slice(0, i).trim().replace(/^.*[<\s]/, '').toLowerCase() || null;
}
/** Host part of a URL: `https://a.b.com:8443/x?y` → a.b.com. */
export function urlHost(s: Value): string | null {
  if (typeof s !== 'string') return null;
  let rest = s.trim();
  const scheme = rest.indexOf('://');
  if (scheme >= 0) rest = rest.slice(scheme + 3);
  const end = rest.search(/[/?#]/);
  if (end >= 0) rest = rest.slice(0, end);
  const at = rest.lastIndexOf('@');
  if (at >= 0) rest = rest.slice(at + 1);
  const colon = rest.lastIndexOf(':');
  if (colon >= 0 && !rest.includes(']')) rest = rest.slice(0, colon);
  return rest.toLowerCase() || null;
}
/** File extension without the dot, lower-cased: `C:\x\Report.Final.PDF` → pdf. */
export function fileExt(s: Value): string | null {
  if (typeof s !== 'string') return null;
  const base = baseName(s) ?? '';
  const dot = base.lastIndexOf('.');
  if (dot <= 0 || dot === base.length - 1) return null;
  return base.slice(dot + 1).toLowerCase();
}
/** Last path component for both Windows and POSIX paths. */
export function baseName(s: Value): string | null {
  if (typeof s !== 'string') return null;
  const i = Math.max(s.lastIndexOf('\\'), s.lastIndexOf('/'));
  const b = i < 0 ? s : s.slice(i + 1);
  return b === '' ? null : b;
}
/** Map each element of a list with a one-argument helper, dropping nulls. */
export function mapList(list: Value, fn: (v: Value) => Value): readonly string[] | null {
  if (!Array.isArray(list)) return null;
  const out: string[] = [];
  for (const v of list) {
    const r = fn(v);
    if (typeof r === 'string' && r !== '' && !out.includes(r)) out.push(r);
  }
  return out;
}

// ---- regexes (precompiled by the compiler; input capped against slow matching) ----------
export function regexTest(re: RegexLike, s: Value, maxInput: number): boolean {
  if (typeof s !== 'string') return false;
  return re.test(capInput(s, maxInput));
}

// ---- time -------------------------------------------------------------------------------
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Hours since Monday 00:00 UTC, 0–167 (event time). */
export function timeOfWeek(t: number): number {
  // 1970-01-01 was a Thursday: shift so Monday = 0.
  return Math.floor((((t / HOUR) % 168) + 168 + 72) % 168);
}
export function hourOfDay(t: number): number {
  return Math.floor((((t % DAY) + DAY) % DAY) / HOUR);
}
/** 0 = Monday … 6 = Sunday. */
export function dayOfWeek(t: number): number {
  return Math.floor(timeOfWeek(t) / 24);
}

/** First capture group of a regex match (the whole match when the regex has no group). */
export function regexCapture(re: RegexLike, s: Value, maxInput: number): string | null {
  if (typeof s !== 'string') return null;
  const m = re.exec(capInput(s, maxInput));
  if (!m) return null;
  const v = m.length > 1 ? m[1] : m[0];
  return v === undefined || v === '' ? null : v;
}

// Country-code TLDs that are sold as generic names, so they say nothing about a country.
const GENERIC_CCTLDS = new Set(['io', 'co', 'me', 'tv', 'ai', 'cc', 'ly', 'fm', 'ws', 'to', 'gg', 'sh', 'ac', 'am', 'la', 'nu', 'vc', 'so']);
const CCTLD_ALIASES: Record<string, string> = { uk: 'GB', el: 'GR' };

/** ISO 3166 alpha-2 country of a domain's ccTLD (`supplier.co.uk` → GB); null for generic TLDs. */
export function tldCountry(domain: Value): string | null {
  if (typeof domain !== 'string') return null;
  // Only a two-letter last label can name a country, and only ASCII letters (and the Kelvin
  // sign, which lower-cases to k) lower-case to a-z: read those two characters directly and
  // answer from a table, with no split and no new string.
  const d = domain.trim();
  const dot = d.lastIndexOf('.');
  if (d.length - dot !== 3) return null;
  const a = asciiLetter(d.charCodeAt(dot + 1));
  const b = asciiLetter(d.charCodeAt(dot + 2));
  return a < 0 || b < 0 ? null : COUNTRY_OF_TLD[a * 26 + b]!;
}

/** 0–25 for a character that lower-cases to a–z, else -1. */
function asciiLetter(c: number): number {
  if (c >= 0x61 && c <= 0x7a) return c - 0x61;
  if (c >= 0x41 && c <= 0x5a) return c - 0x41;
  return c === 0x212a ? 10 : -1;
}

/** Country (or null) of every two-letter TLD, indexed by its letters: 26 × 26 entries. */
const COUNTRY_OF_TLD: ReadonlyArray<string | null> = Array.from({ length: 26 * 26 }, (_, i) => {
  const tld = String.fromCharCode(0x61 + Math.floor(i / 26), 0x61 + (i % 26));
  return GENERIC_CCTLDS.has(tld) ? null : (CCTLD_ALIASES[tld] ?? tld.toUpperCase());
});

/**
 * Whether an e-mail address looks like the user's own: its local part, with `.`, `_`, `-`
 * and digits removed, contains the user name (or both its first and last parts).
 * `alice.johnson1985@gmail.com` matches user `alice.johnson` or `ajohnson`? only the former.
 */
export function nameMatches(address: Value, user: Value): boolean {
  const local = emailLocal(address);
  if (local === null || typeof user !== 'string' || user === '') return false;
  const squash = (s: string) => s.toLowerCase().replace(/[._\-\d]/g, '');
  const l = squash(local);
  const account = user.toLowerCase().replace(/^.*[\\/]/, '').replace(/@.*$/, '');
  const u = squash(account);
  if (u.length >= 3 && l.includes(u)) return true;
  const parts = account.split(/[._\-\s]+/).map(squash).filter((p) => p.length >= 2);
  return parts.length >= 2 && parts.every((p) => l.includes(p));
}

/** Replace every occurrence of a literal substring. */
export function replaceAll(s: Value, from: Value, to: Value): string | null {
  if (typeof s !== 'string' || typeof from !== 'string' || typeof to !== 'string' || from === '') return typeof s === 'string' ? s : null;
  return s.split(from).join(to);
}

/** First value at a JSON path in the JSON object found in a text (runtime/json-path.ts). */
export function jsonPath(text: Value, path: Value): string | null {
  return jsonPathValue(text, path);
}
