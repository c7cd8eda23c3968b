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
    // strings quoted as they are must be exactly those JSON.stringify leaves alone
    { ...session, id: 'lone-high\ud83d', user: 'lone-low\ude00', start: '\ud83d\ude00 pair', end: 'x\u2028y\u2029z\u007f\u0080' },
    { ...session, id: 'tab\there', user: '\u001f\u0000', start: 'q"', end: 'b\\' },
    { ...session, id: 'x'.repeat(1 << 20), user: 'é'.repeat(70_000) + '"', start: '2026-01-01T00:00:00.000Z', end: '2026-01-01T00:00:00.000Z' },
    // the one-quiet-event tail and its neighbours
    { ...session, end: session.start },
    { ...session, end: session.start, score: -0 },
    { ...session, end: session.start, events: 2 },
    { ...session, end: session.start, notable: true },
    { ...session, end: session.start, rules: ['R1'] },
    { ...session, end: session.start, score: 0.5 },
    // shapes the engine does not make go through JSON.stringify too
    { type: 'session', id: 'x', start: 's', end: 'e', score: 1, notable: false, events: 1, rules: [] },
    { type: 'session', id: 'x', user: 'u', asset: 'a', start: 's', end: 'e', score: 1, notable: false, events: 1, rules: [] },
  ];
  for (const [i, r] of cases.entries()) {
    it(`case ${i} equals JSON.stringify`, () => expect(scopeLine(r)).toBe(JSON.stringify(r)));
  }

  it('equals JSON.stringify for random strings of every kind of character', () => {
    // deterministic pseudo-random strings mixing ASCII, escapes, U+2028, BMP, pairs and lone surrogates
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    const pool = ['a', 'Z', '0', '-', '"', '\\', '\n', '\u0000', '\u001f', ' ', '\u007f', 'é', '\u2028', '\u2029', '€', '\ud83d\ude00', '\ud83d', '\ude00', '\uffff'];
    const str = () => Array.from({ length: next() % 12 }, () => pool[next() % pool.length]).join('');
    for (let i = 0; i < 2000; i++) {
      const r: ScopeRecord = { ...session, id: str(), user: str(), start: str(), end: i % 3 === 0 ? '' : str(), rules: i % 5 === 0 ? [str()] : [] };
      expect(scopeLine(r)).toBe(JSON.stringify(r));
    }
  });
});
