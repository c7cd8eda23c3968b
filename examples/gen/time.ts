// UTC time helpers and the timestamp spellings found in Apex Central / syslog output.
// Everything is computed with getUTC* so the output never depends on the host time zone.

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Parse `YYYY-MM-DD` as midnight UTC. */
export function parseStartDate(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) throw new Error(`--start must look like 2026-10-01, got "${text}"`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(ms).getUTCDate() !== Number(m[3])) throw new Error(`--start is not a real date: "${text}"`);
  return ms;
}

export function isWeekday(ms: number): boolean {
  const d = new Date(ms).getUTCDay();
  return d !== 0 && d !== 6;
}

/** `Nov 02 2026 09:15:03 GMT+00:00`: the usual Apex Central `rt` value. */
export function rtClassic(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${d.getUTCFullYear()} ${clock(d)} GMT+00:00`;
}

/** `2026-11-02 09:15:03`: the zone-less spelling seen in Apex One SaaS samples. */
export function rtIso(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${clock(d)}`;
}

/** `Nov 02 09:15:03`: the RFC 3164 header timestamp (no year). */
export function syslog3164(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${clock(d)}`;
}

/** `2026-11-02T09:15:03.000Z`: the RFC 5424 header timestamp. */
export function syslog5424(ms: number): string {
  return new Date(ms).toISOString();
}

/** `2026-11-02T09:15:03Z` for the truth file (second precision). */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / SECOND) * SECOND).toISOString().replace('.000Z', 'Z');
}

function clock(d: Date): string {
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}
