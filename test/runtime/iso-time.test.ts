// Record times are formatted without a Date per call (runtime/engine.ts): the result must be
// exactly Date#toISOString for every time, including day edges and the fallback ranges.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTime } from '../../runtime/engine.ts';

describe('isoTime', () => {
  it('equals Date#toISOString at day, year and range edges', () => {
    const DAY = 86_400_000;
    const edges = [0, 1, 999, 1000, DAY - 1, DAY, DAY + 1, 951_782_399_999, 951_782_400_000, 4_102_444_799_999, 253_402_300_799_999, 253_402_300_800_000, -1, -DAY - 1, 1.5, -0.5];
    for (const t of edges) expect(isoTime(t), String(t)).toBe(new Date(t).toISOString());
  });

  it('equals Date#toISOString for any millisecond time (also when days alternate)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: -62_000_000_000_000, max: 300_000_000_000_000 }), { minLength: 1, maxLength: 20 }), (ts) => {
      for (const t of ts) expect(isoTime(t)).toBe(new Date(t).toISOString());
    }), { numRuns: 2000 });
  });
});
