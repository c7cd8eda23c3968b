// The hand-written session / asset-sequence line must equal JSON.stringify of the record.
import { describe, expect, it } from 'vitest';
import type { ScopeRecord } from '../../runtime/engine.ts';
import { scopeLine } from '../../runtime/records.ts';

const session: ScopeRecord = { type: 'session', id: 'ann-20260101000000', user: 'ann', start: '2026-01-01T00:00:00.000Z', end: '2026-01-01T00:10:00.000Z', score: 0, notable: false, events: 1, rules: [] };

describe('scopeLine', () => {
  const cases: ScopeRecord[] = [
    session,
    { ...session, score: 95, notable: true, events: 12, rules: ['R1', 'EM-OD-F'] },
    { ...session, id: 'a"b\\c-1', user: 'a"b\\c\n\u2028é😀\u0001', rules: ['x"y', '\ud800'] },
    { ...session, score: -0, events: 0 },
    { ...session, score: 1.5e21 },
    { ...session, score: NaN, events: Infinity },
    { type: 'asset-sequence', id: 'ws-1-20260101000000', asset: 'WS-1', start: '2026-01-01T00:00:00.000Z', end: '2026-01-01T23:00:00.000Z', score: 40, notable: false, events: 3, rules: ['A-WEB-EXFIL-ASSET'] },
    { type: 'asset-sequence', id: 'x', asset: '<\u0000>', start: 's', end: 'e', score: 100, notable: true, events: 1, rules: [] },
    // shapes the engine does not make go through JSON.stringify too
    { type: 'session', id: 'x', start: 's', end: 'e', score: 1, notable: false, events: 1, rules: [] },
    { type: 'session', id: 'x', user: 'u', asset: 'a', start: 's', end: 'e', score: 1, notable: false, events: 1, rules: [] },
  ];
  for (const [i, r] of cases.entries()) {
    it(`case ${i} equals JSON.stringify`, () => expect(scopeLine(r)).toBe(JSON.stringify(r)));
  }
});
