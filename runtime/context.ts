// Context tables at run time: lists and lookup tables used for enrichment. Keys are
// normalised (trimmed, lower-cased) so lookups are exact-match on normalised text.
// Everything is a Map/Set, so keys such as `__proto__` are plain data.

export type TableShape = 'set' | 'map' | 'multimap' | 'cidr' | 'keywords';
export type MatchMode = 'exact' | 'domain';

export interface TableData {
  name: string;
  shape: TableShape;
  match?: MatchMode;
  /** set/keywords: keys; map/multimap: [key, value] rows; cidr: [cidr, zone] rows. */
  rows: ReadonlyArray<readonly string[]>;
}

export function normaliseKey(s: string): string {
  return s.trim().toLowerCase();
}

export class ContextTable {
  readonly name: string;
  readonly shape: TableShape;
  readonly match: MatchMode;
  private readonly keys = new Set<string>();
  private readonly values = new Map<string, string[]>();
  private readonly cidrs: Array<{ net: number; mask: number; bits: number; zone: string }> = [];
  private keywordRe: RegExp | null = null;
  /** every stored key is its own normal form (so a stored key can be looked up as it is) */
  private keysStable = true;

  constructor(data: TableData) {
    this.name = data.name;
    this.shape = data.shape;
    this.match = data.match ?? 'exact';
    for (const row of data.rows) this.addRow(row);
    if (this.shape === 'keywords') this.keywordRe = buildKeywordRegex([...this.keys]);
    for (const k of this.keys) if (normaliseKey(k) !== k) this.keysStable = false;
    // Longest prefix first, so the most specific zone wins.
    this.cidrs.sort((a, b) => b.bits - a.bits);
  }

  get size(): number {
    return this.shape === 'cidr' ? this.cidrs.length : this.keys.size;
  }

  private addRow(row: readonly string[]): void {
    if (this.shape === 'cidr') {
      const parsed = parseCidr(row[0] ?? '');
      if (!parsed) throw new Error(`bad CIDR ${JSON.stringify(row[0])}`);
      this.cidrs.push({ ...parsed, zone: row[1] ?? '' });
      return;
    }
    const key = normaliseKey(row[0] ?? '');
    if (key === '') return;
    this.keys.add(key);
    if (this.shape === 'map' || this.shape === 'multimap') {
      const list = this.values.get(key) ?? [];
      const v = (row[1] ?? '').trim();
      if (this.shape === 'map') list.length = 0;
      if (v !== '' && !list.includes(v)) list.push(v);
      this.values.set(key, list);
    }
  }

  /** The stored key that matches `raw`, honouring domain matching (`eu.mailinator.com` → `mailinator.com`). */
  private findKey(raw: string): string | null {
    // Values usually arrive normalised already: one look-up, no new string. Exact only while
    // every stored key normalises to itself (checked when the table is built).
    if (this.keysStable && this.keys.has(raw)) return raw;
    const key = normaliseKey(raw);
    if ((key !== raw || !this.keysStable) && this.keys.has(key)) return key; // else just looked up
    if (this.match === 'domain') {
      let dot = key.indexOf('.');
      while (dot >= 0) {
        const parent = key.slice(dot + 1);
        if (!parent.includes('.')) break;
        if (this.keys.has(parent)) return parent;
        dot = key.indexOf('.', dot + 1);
      }
    }
    return null;
  }

  has(v: unknown): boolean {
    if (typeof v === 'string') return this.findKey(v) !== null;
    if (Array.isArray(v)) {
      for (const x of v as readonly unknown[]) if (typeof x === 'string' && this.findKey(x) !== null) return true;
    }
    return false;
  }

  get(v: unknown): string | null {
    if (typeof v !== 'string') return null;
    const k = this.findKey(v);
    return k === null ? null : (this.values.get(k)?.[0] ?? null);
  }

  getAll(v: unknown): readonly string[] {
    if (typeof v !== 'string') return EMPTY;
    const k = this.findKey(v);
    return k === null ? EMPTY : (this.values.get(k) ?? EMPTY);
  }

  /** Zone of an IPv4 address (cidr tables). */
  zoneOf(v: unknown): string | null {
    if (typeof v !== 'string') return null;
    const ip = parseIpv4(v);
    if (ip === null) return null;
    for (const c of this.cidrs) if (((ip & c.mask) >>> 0) === c.net) return c.zone;
    return null;
  }

  /** True when any keyword occurs in the text as a whole word (case-insensitive). */
  matchesWord(v: unknown): boolean {
    if (typeof v !== 'string' || this.keywordRe === null) return false;
    return this.keywordRe.test(v);
  }
}

const EMPTY: readonly string[] = Object.freeze([]);

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One alternation of literal keywords with Unicode-aware word boundaries. */
function buildKeywordRegex(words: string[]): RegExp | null {
  if (words.length === 0) return null;
  const alts = words.sort((a, b) => b.length - a.length).map(escapeRegex).join('|');
  return new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alts})(?![\\p{L}\\p{N}_])`, 'iu');
}

export function parseIpv4(s: string): number | null {
  const parts = s.trim().split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const b = Number(p);
    if (b > 255) return null;
    n = n * 256 + b;
  }
  return n >>> 0;
}

export function parseCidr(s: string): { net: number; mask: number; bits: number } | null {
  const [addr, bitsText] = s.trim().split('/');
  const ip = parseIpv4(addr ?? '');
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (ip === null || !Number.isInteger(bits) || bits < 0 || bits > 32 || (bitsText !== undefined && !/^\d+$/.test(bitsText))) return null;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return { net: (ip & mask) >>> 0, mask, bits };
}
