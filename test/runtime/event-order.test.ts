// The stream's order: an event in order with nothing held is processed at once (no guard
// queue entry); every other event goes through the guard. Both must give exactly what offering
// every event to the guard gives: the same events in the same order, the same rejects, the
// same watermark.
import { describe, expect, it } from 'vitest';
import { EventOrder } from '../../runtime/event-order.ts';
import type { ParseOutcome, Program } from '../../runtime/program.ts';
import { TIME_HORIZON, TimeGuard } from '../../runtime/time-guard.ts';

const H = 3_600_000;
const t0 = Date.UTC(2026, 9, 1);

/** A program whose lines are `time,user,host` (or `-` for a line without a time). */
function fakeProgram(enriched: string[]): Program {
  return {
    settings: { maxTimeAheadHours: 24, assetFields: ['host'] },
    parse(text: string): ParseOutcome {
      if (text === '-') return { ok: false, reason: 'missing-time' } as ParseOutcome;
      const [time, user, host] = text.split(',');
      return { ok: true, event: { time: Number(time), user, host, time_source: null }, eventType: 'x' } as unknown as ParseOutcome;
    },
    setTimeAnchor() {},
    enrich(ev: { user: string }) {
      enriched.push(ev.user);
    },
  } as unknown as Program;
}

/** Through EventOrder: accepted (tag, g) in order, rejects with their tags, the final watermark. */
function throughOrder(lines: string[]) {
  const enriched: string[] = [];
  const accepted: Array<[number, number]> = [];
  const rejected: Array<[string, number | null]> = [];
  /** after each line pushed: how many events were processed so far (when, not only in which order) */
  const progress: number[] = [];
  const order = new EventOrder<number>(fakeProgram(enriched), (_r, tag, g) => accepted.push([tag, g]), (why, tag) => rejected.push([why, tag]));
  lines.forEach((l, i) => {
    order.push(l, i);
    progress.push(accepted.length);
  });
  const held = order.guard.pending.map((p) => p.tag);
  order.endLines();
  order.flush();
  return { accepted, rejected, held, enriched, progress, watermark: order.guard.watermark };
}

/** The reference: every dated line offered to a guard, with no fast path. */
function throughGuard(lines: string[]) {
  const enriched: string[] = [];
  const program = fakeProgram(enriched);
  const guard = new TimeGuard<number>({ maxAheadHours: 24, hostFields: ['host'] });
  const accepted: Array<[number, number]> = [];
  const rejected: Array<[string, number | null]> = [];
  const progress: number[] = [];
  const take = (i: number) => {
    const r = program.parse(lines[i]!) as Extract<ParseOutcome, { ok: true }>;
    program.enrich(r.event, r.eventType);
    accepted.push([i, accepted.length]);
  };
  lines.forEach((l, i) => {
    const r = program.parse(l);
    if (!r.ok) rejected.push([r.reason, i]);
    else guard.offer(i, r.event, take, (why) => rejected.push([why, i]));
    progress.push(accepted.length);
  });
  const held = [...guard.pending];
  guard.flush((why) => rejected.push([why, null]), take);
  return { accepted, rejected, held, enriched, progress, watermark: guard.watermark };
}

describe('EventOrder', () => {
  it('in-order events are processed at once, in order, each with the next place', () => {
    const lines = Array.from({ length: 20 }, (_, k) => `${t0 + k * 60_000},u${k},h${k}`);
    const r = throughOrder(lines);
    expect(r.accepted).toEqual(lines.map((_, k) => [k, k]));
    expect(r.watermark).toBe(t0 + 19 * 60_000);
    expect(r.rejected).toEqual([]);
  });

  it('late events (earlier than the watermark) are processed and leave the watermark where it was', () => {
    const r = throughOrder([`${t0 + 10 * H},a,h`, `${t0},b,h`, `${t0 - 30 * 24 * H},c,h`]);
    expect(r.accepted).toEqual([[0, 0], [1, 1], [2, 2]]);
    expect(r.watermark).toBe(t0 + 10 * H);
  });

  it('an event in order right after a quarantined one waits behind it, and a horizon time is rejected', () => {
    const lines = [`${t0},a,h`, `${t0 + 400 * H},eve,he`, `${t0 + 60_000},a,h`, `${TIME_HORIZON},x,h`, `${t0 + 120_000},b,h2`];
    const r = throughOrder(lines);
    expect(r.held).toEqual([1, 2, 4]); // the in-order events after the candidate are held with it
    expect(r.rejected).toEqual([['time-out-of-range', 3], ['time-far-ahead', null]]);
    expect(r.accepted).toEqual([[0, 0], [2, 1], [4, 2]]);
    expect(r).toEqual(throughGuard(lines));
  });

  it('gives what offering every event to the guard gives, on random mixes of in-order, late, far-ahead and horizon times', () => {
    let seed = 11;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    let confirmed = 0;
    for (let round = 0; round < 300; round++) {
      let clock = t0;
      const lines = Array.from({ length: 5 + Math.floor(next() * 60) }, () => {
        const p = next();
        const who = `u${Math.floor(next() * 4)},h${Math.floor(next() * 4)}`;
        if (p < 0.6) return `${(clock += Math.floor(next() * 10 * 60_000))},${who}`; // in order
        if (p < 0.75) return `${clock - Math.floor(next() * 48 * H)},${who}`; // late
        if (p < 0.9) {
          // far ahead: an outlier, or (one time in three) where the stream goes on from
          const t = clock + 25 * H + Math.floor(next() * 400 * H);
          if (next() < 0.33) clock = t;
          return `${t},${who}`;
        }
        if (p < 0.95) return `${TIME_HORIZON + Math.floor(next() * H)},${who}`;
        return `${(clock += 30 * H)},${who}`; // the whole stream moves on
      });
      const r = throughOrder(lines);
      expect(r).toEqual(throughGuard(lines));
      confirmed += r.accepted.some(([i]) => Number(lines[i]!.split(',')[0]) > t0 + 25 * H && r.rejected.every(([, j]) => j !== i)) ? 1 : 0;
    }
    expect(confirmed).toBeGreaterThan(20); // the mixes include accepted jumps, not only refuted ones
  });
});

describe('TimeGuard.takeAtOnce', () => {
  it('takes an event in order or late while nothing is held, and moves the watermark only forward', () => {
    const g = new TimeGuard<number>({ maxAheadHours: 24 });
    expect(g.takeAtOnce(t0)).toBe(true);
    expect(g.takeAtOnce(t0 - H)).toBe(true);
    expect(g.watermark).toBe(t0);
    expect(g.takeAtOnce(t0 + 24 * H)).toBe(true);
    expect(g.watermark).toBe(t0 + 24 * H);
  });

  it('leaves to offer an event past the horizon, far ahead, or behind a held one, and changes nothing', () => {
    const g = new TimeGuard<number>({ maxAheadHours: 24 });
    expect(g.takeAtOnce(TIME_HORIZON)).toBe(false);
    expect(g.takeAtOnce(NaN)).toBe(false);
    expect(g.watermark).toBe(-Infinity);
    g.takeAtOnce(t0);
    expect(g.takeAtOnce(t0 + 25 * H)).toBe(false);
    g.offer(1, { time: t0 + 25 * H, user: 'eve' }, () => {}, () => {});
    expect(g.holding).toBe(true);
    expect(g.takeAtOnce(t0 + 1)).toBe(false);
    expect(g.watermark).toBe(t0);
  });
});
