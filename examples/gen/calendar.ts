// The simulated window: which days exist, which are working days, and when a
// given user is at their desk.
import type { User } from './org.ts';
import type { Rng } from './prng.ts';
import { DAY, HOUR, isWeekday, MINUTE } from './time.ts';

export interface Window {
  /** Midnight UTC of the first day. */
  start: number;
  days: number;
}

export const dayStart = (win: Window, d: number): number => win.start + d * DAY;

/** Day indexes of Monday–Friday in the window. */
export function workdays(win: Window): number[] {
  const out: number[] = [];
  for (let d = 0; d < win.days; d++) if (isWeekday(dayStart(win, d))) out.push(d);
  return out;
}

/** The days stories may use: the last three, preferring working days. */
export function storyDays(win: Window): number[] {
  const last = [win.days - 3, win.days - 2, win.days - 1].filter((d) => d >= 0);
  const working = last.filter((d) => isWeekday(dayStart(win, d)));
  return working.length ? working : last;
}

/** A random moment of the user's working day (about 8.5 hours from their start hour). */
export function atWork(r: Rng, user: User, win: Window, d: number): number {
  return dayStart(win, d) + user.startHour * HOUR + r.int(0, 510) * MINUTE + r.int(0, 59_999);
}

/** Time of the next step in a burst of activity: `lo`–`hi` seconds later. */
export function later(r: Rng, t: number, lo: number, hi: number): number {
  return t + r.int(lo * 1000, hi * 1000);
}
