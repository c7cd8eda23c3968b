// afterLast and emailDomain find a one-character separator with their own backward scan; they
// must give what the lastIndexOf-based definitions give, on any text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { afterLast, emailDomain } from '../../runtime/helpers.ts';

const text = fc.array(fc.constantFrom('a', 'B', '\\', '@', '.', ' ', ';', 'é', '\u{1F600}', '>'), { maxLength: 20 }).map((cs) => cs.join(''));

describe('separator helpers', () => {
  it('afterLast agrees with lastIndexOf for one- and many-character separators', () => {
    fc.assert(fc.property(text, fc.constantFrom('\\', '@', '.', 'é', '\u{1F600}', 'a\\', '', '@@'), (s, sep) => {
      const i = s.lastIndexOf(sep);
      expect(afterLast(s, sep)).toBe(i < 0 ? s : s.slice(i + sep.length));
    }), { numRuns: 2000 });
    expect(afterLast('CORP\\alice', '\\')).toBe('alice');
    expect(afterLast('alice', '\\')).toBe('alice');
    expect(afterLast('alice\\', '\\')).toBe('');
  });

  it('emailDomain takes the text after the last @', () => {
    fc.assert(fc.property(text, (s) => {
      const i = s.lastIndexOf('@');
      const want = i < 0 || i === s.length - 1 ? null : s.slice(i + 1).trim().replace(/[>;,\s].*$/, '').toLowerCase() || null;
      expect(emailDomain(s)).toBe(want);
    }), { numRuns: 2000 });
    expect(emailDomain('Bob@x@Example.COM>')).toBe('example.com');
  });
});
