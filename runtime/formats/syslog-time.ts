/**
 * Event time from a syslog header, for payloads that carry none (Deep Security CEF/LEEF
 * without `rt`/`devTime`, PML records without `rt`).
 *
 * - RFC 5424 / RFC 3339 (`2026-10-01T07:01:28.123+02:00`): read as written; no zone → UTC.
 * - RFC 3164 with a year (`Oct 01 2026 07:01:28`, as Trend Micro appliances send): UTC.
 * - RFC 3164 without a year (`Oct  1 07:01:28`): the year is inferred from an anchor, the
 *   time of the previous dated event in the same stream: of the anchor's year and its two
 *   neighbours, the year that puts the header time nearest the anchor (a stream crossing
 *   New Year moves on to the next year; a late line from December stays in the old one).
 *   Without an anchor the year cannot be known and the result is `no-year`.
 *
 * Header times without a zone are read in the pack's default zone (UTC unless the
 * content says otherwise), like payload times. The wall clock is never consulted.
 */
import { compileTimeFormat } from './timeformat.ts';

export type HeaderTime = { ok: true; time: number } | { ok: false; reason: 'no-year' | 'unparseable' };

export interface SyslogTimeParser {
  (text: string, anchor: number | null): HeaderTime;
}

export function createSyslogTimeParser(zoneOffsetMinutes = 0): SyslogTimeParser {
  const dated = ['yyyy-MM-dd\'T\'HH:mm:ss.SSSSSSXXX', 'yyyy-MM-dd\'T\'HH:mm:ssXXX', 'yyyy-MM-dd\'T\'HH:mm:ss.SSSSSS', 'yyyy-MM-dd\'T\'HH:mm:ss',
    'MMM dd yyyy HH:mm:ss.SSS', 'MMM dd yyyy HH:mm:ss']
    .map((p) => compileTimeFormat(p, zoneOffsetMinutes));
  // 2000 is a leap year, so "Feb 29" survives the first parse; the real year is set below.
  const yearless = ['MMM dd HH:mm:ss.SSS', 'MMM dd HH:mm:ss'].map((p) => compileTimeFormat(p, zoneOffsetMinutes, 2000));

  return (text, anchor) => {
    for (const f of dated) {
      const t = f(text);
      if (!Number.isNaN(t)) return { ok: true, time: t };
    }
    let base = NaN;
    for (const f of yearless) {
      base = f(text);
      if (!Number.isNaN(base)) break;
    }
    if (Number.isNaN(base)) return { ok: false, reason: 'unparseable' };
    if (anchor === null || !Number.isFinite(anchor)) return { ok: false, reason: 'no-year' };
    const t = nearestYear(base, anchor);
    return Number.isNaN(t) ? { ok: false, reason: 'unparseable' } : { ok: true, time: t };
  };
}

/** `base` is an instant in the year 2000; move it to the year that puts it nearest `anchor`. */
export function nearestYear(base: number, anchor: number): number {
  const b = new Date(base);
  const month = b.getUTCMonth();
  const rest = base - Date.UTC(2000, month, b.getUTCDate());
  const anchorYear = new Date(anchor).getUTCFullYear();
  let best = NaN;
  for (const year of [anchorYear - 1, anchorYear, anchorYear + 1]) {
    const day = Date.UTC(year, month, b.getUTCDate());
    if (new Date(day).getUTCMonth() !== month) continue; // Feb 29 in a common year
    const t = day + rest;
    // Nearest wins; on a tie (never closer than half a year) the earlier year.
    if (Number.isNaN(best) || Math.abs(t - anchor) < Math.abs(best - anchor)) best = t;
  }
  return best; // NaN only for Feb 29 with no leap year among the three candidates
}
