// Some helpers on the parse path are written for speed (a table instead of split + regex, one
// pass instead of split + map + filter, a look-up before normalising). Both
// the bundle and the interpreter call them, so a divergence would not show in the
// differential test: here each is held to its plain definition on random and edge inputs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ContextTable } from '../../runtime/context.ts';
import * as h from '../../runtime/helpers.ts';

/** The definitions, written the obvious way. */
const reference = {
  tldCountry(domain: string): string | null {
    const tld = domain.trim().toLowerCase().split('.').pop() ?? '';
    if (!/^[a-z]{2}$/.test(tld) || ['io', 'co', 'me', 'tv', 'ai', 'cc', 'ly', 'fm', 'ws', 'to', 'gg', 'sh', 'ac', 'am', 'la', 'nu', 'vc', 'so'].includes(tld)) return null;
    return ({ uk: 'GB', el: 'GR' } as Record<string, string>)[tld] ?? tld.toUpperCase();
  },
  split(s: string, sep: string): string[] {
    return s.split(sep).map((p) => p.trim()).filter((p) => p !== '');
  },
};

// Characters the helpers treat specially, plus blanks and line breaks of every kind, non-ASCII
// letters whose case mapping is unusual (Kelvin sign, dotted I, sigma) and a surrogate pair.
const ALPHABET = ['a', 'B', 'z', 'U', 'K', '.', '@', ';', ',', ' ', '\t', '\n', '\r', '\u2028', '\u00a0', '\u3000', '\ufeff', '\u212a', '\u0130', 'Σ', '😀', '1'];
const text = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 24 }).map((cs) => cs.join(''));
const mixed = fc.oneof(text, fc.string({ maxLength: 24 }), fc.tuple(text, text).map(([a, b]) => `${a}@${b}.${a.slice(0, 2)}`));

describe('fast helpers equal their definitions', () => {
  it('tldCountry', () => {
    fc.assert(fc.property(mixed, (s) => { expect(h.tldCountry(s)).toBe(reference.tldCountry(s)); }), { numRuns: 3000 });
    for (const d of ['supplier.co.UK ', 'x.io', 'de', 'a.\u212aR', 'a.b.', 'é.fr']) expect(h.tldCountry(d)).toBe(reference.tldCountry(d));
  });
  it('split', () => {
    const sep = fc.constantFrom(';', ',', '; ', '::', 'a');
    fc.assert(fc.property(mixed, sep, (s, p) => { expect(h.split(s, p)).toEqual(reference.split(s, p)); }), { numRuns: 3000 });
  });
  it('inList on lists and sets, with a list-valued left side', () => {
    expect(h.inList('b', ['a', 'b'])).toBe(true);
    expect(h.inList(['x', 'b'], new Set(['b']))).toBe(true);
    expect(h.inList(['x'], ['a'])).toBe(false);
    expect(h.inList(null, [null])).toBe(false);
  });
});

describe('context look-ups take a normalised value as it is', () => {
  it('finds the same keys as normalising first, also when a stored key is not its own normal form', () => {
    const rows = [['Mailinator.com '], ['evil.io'], ['straße.de']];
    const domain = new ContextTable({ name: 'd', shape: 'set', match: 'domain', rows });
    const words = ['mailinator.com', ' MAILINATOR.com', 'eu.mailinator.com', 'evil.io', 'x.evil.io', 'straße.de', 'STRASSE.de', 'nope.org', ''];
    for (const w of words) expect(domain.has(w)).toBe(rows.some(([k]) => { const n = k!.trim().toLowerCase(); const v = w.trim().toLowerCase(); return v === n || v.endsWith(`.${n}`); }));
    // 'İ' lower-cases to 'i̇', whose own lower case is itself: stored as is, looked up normalised.
    const odd = new ContextTable({ name: 'm', shape: 'map', rows: [['İx', 'v']] });
    expect(odd.get('İX')).toBe('v');
    expect(odd.get('i̇x')).toBe('v');
  });
  it('answers the same for many distinct values, long values and lists', () => {
    const t = new ContextTable({ name: 'g', shape: 'multimap', match: 'domain', rows: [['gmail.com', 'personal'], ['Corp.example', 'work']] });
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 5000; i++) expect(t.has(`host${i}.example.org`)).toBe(false);
      expect(t.getAll('EU.Gmail.com')).toEqual(['personal']);
      expect(t.get('corp.example')).toBe('work');
      expect(t.has(['x.org', 'mail.gmail.com'])).toBe(true);
      expect(t.has(`${'a'.repeat(300)}.gmail.com`)).toBe(true);
    }
  });
});
