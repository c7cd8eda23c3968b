import { describe, expect, it } from 'vitest';
import { ContextTable } from '../../runtime/context.ts';

describe('ContextTable set', () => {
  const t = new ContextTable({ name: 'd', shape: 'set', match: 'domain', rows: [['Mailinator.com '], ['evil.io']] });
  it('normalises keys and matches subdomains of a listed domain', () => {
    expect(t.has('mailinator.com')).toBe(true);
    expect(t.has('  MAILINATOR.COM')).toBe(true);
    expect(t.has('eu.mailinator.com')).toBe(true);
    expect(t.has('a.b.eu.mailinator.com')).toBe(true);
  });
  it('matches by suffix label only: mailinator.com.evil.io is a subdomain of evil.io, not of mailinator.com', () => {
    const only = new ContextTable({ name: 'd', shape: 'set', match: 'domain', rows: [['mailinator.com']] });
    expect(only.has('mailinator.com.evil.io')).toBe(false);
    expect(only.has('notmailinator.com')).toBe(false);
    expect(t.has('mailinator.com.evil.io')).toBe(true);
  });
  it('never matches a bare TLD', () => {
    const tld = new ContextTable({ name: 'd', shape: 'set', match: 'domain', rows: [['com']] });
    expect(tld.has('com')).toBe(true);
    expect(tld.has('example.com')).toBe(false);
  });
  it('exact mode does not match subdomains; arrays match if any element matches', () => {
    const ex = new ContextTable({ name: 'd', shape: 'set', rows: [['mailinator.com']] });
    expect(ex.has('eu.mailinator.com')).toBe(false);
    expect(ex.has(['x.org', 'Mailinator.com'])).toBe(true);
    expect(ex.has(42)).toBe(false);
  });
});

describe('ContextTable keywords', () => {
  const k = new ContextTable({ name: 'k', shape: 'keywords', rows: [['CV'], ['résumé'], ['c++']] });
  it('matches whole words case-insensitively', () => {
    expect(k.matchesWord('My CV attached')).toBe(true);
    expect(k.matchesWord('cv.pdf')).toBe(true);
    expect(k.matchesWord('cvs report')).toBe(false);
    expect(k.matchesWord('mycv')).toBe(false);
    expect(k.matchesWord('Mon RÉSUMÉ final')).toBe(true);
    expect(k.matchesWord('résuméx')).toBe(false);
  });
  it('treats regex metacharacters in keywords literally', () => {
    expect(k.matchesWord('job: C++ developer')).toBe(true);
    expect(k.matchesWord('c developer')).toBe(false);
    expect(k.matchesWord(null)).toBe(false);
  });
});

describe('ContextTable cidr', () => {
  const c = new ContextTable({ name: 'z', shape: 'cidr', rows: [['10.0.0.0/8', 'corp'], ['10.1.2.0/24', 'lab'], ['10.1.0.0/16', 'site'], ['0.0.0.0/0', 'internet']] });
  it('most specific zone wins regardless of row order', () => {
    expect(c.zoneOf('10.1.2.3')).toBe('lab');
    expect(c.zoneOf('10.1.9.9')).toBe('site');
    expect(c.zoneOf('10.200.0.1')).toBe('corp');
    expect(c.zoneOf('8.8.8.8')).toBe('internet');
  });
  it('rejects non-addresses', () => {
    expect(c.zoneOf('10.1.2')).toBeNull();
    expect(c.zoneOf('256.1.1.1')).toBeNull();
    expect(c.zoneOf(5)).toBeNull();
    expect(() => new ContextTable({ name: 'z', shape: 'cidr', rows: [['10.0.0.0/33', 'x']] })).toThrow(/bad CIDR/);
  });
});

describe('ContextTable map / multimap', () => {
  it('multimap getAll returns every distinct value in insertion order; get returns the first', () => {
    const m = new ContextTable({ name: 'm', shape: 'multimap', rows: [['Alice', 'hr'], ['alice', 'finance'], ['ALICE ', 'hr'], ['bob', '']] });
    expect(m.getAll('alice')).toEqual(['hr', 'finance']);
    expect(m.get('Alice')).toBe('hr');
    expect(m.getAll('bob')).toEqual([]);
    expect(m.has('bob')).toBe(true);
    expect(m.getAll('carol')).toEqual([]);
  });
  it('map keeps the last value for a repeated key', () => {
    const m = new ContextTable({ name: 'm', shape: 'map', rows: [['a', '1'], ['a', '2']] });
    expect(m.get('a')).toBe('2');
    expect(m.getAll('a')).toEqual(['2']);
  });
  it('__proto__ and other Object.prototype names are plain data', () => {
    const m = new ContextTable({ name: 'm', shape: 'map', rows: [['__proto__', 'x'], ['constructor', 'y']] });
    expect(m.get('__proto__')).toBe('x');
    expect(m.get('constructor')).toBe('y');
    expect(m.has('toString')).toBe(false);
    expect(m.get('hasOwnProperty')).toBeNull();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    const s = new ContextTable({ name: 's', shape: 'set', rows: [['valueOf']] });
    expect(s.has('__proto__')).toBe(false);
    expect(s.has('valueOf')).toBe(true);
  });
});
