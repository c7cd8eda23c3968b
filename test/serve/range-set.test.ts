// The set of spooled JetStream stream sequences: exact membership, merged ranges, round trip.
import { describe, expect, it } from 'vitest';
import { RangeSet, subjectMatches } from '../../runtime/serve/nats.ts';

describe('RangeSet', () => {
  it('merges adjacent and overlapping additions and answers membership exactly', () => {
    const r = new RangeSet();
    for (const n of [1, 2, 3, 10, 12, 11, 5]) r.add(n);
    expect(r.describe()).toBe('1-3, 5, 10-12');
    expect([0, 1, 3, 4, 5, 6, 9, 10, 12, 13].map((n) => r.has(n))).toEqual([false, true, true, false, true, false, false, true, true, false]);
    r.addRange(4, 9);
    expect(r.describe()).toBe('1-12');
    r.add(20);
    r.addRange(14, 30);
    expect(r.describe()).toBe('1-12, 14-30');
    expect(RangeSet.parse(r.toString()).describe()).toBe('1-12, 14-30');
    expect(RangeSet.parse(null).has(1)).toBe(false);
    expect(r.max).toBe(30);
  });

  it('matches NATS subjects with * and >', () => {
    expect(subjectMatches('logs.>', 'logs.a.b')).toBe(true);
    expect(subjectMatches('logs.>', 'logs')).toBe(false);
    expect(subjectMatches('logs.*.x', 'logs.a.x')).toBe(true);
    expect(subjectMatches('logs.*.x', 'logs.a.y')).toBe(false);
    expect(subjectMatches('logs.a', 'logs.a.b')).toBe(false);
  });
});
