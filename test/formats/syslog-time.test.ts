// Event time from the syslog header when the payload has none: RFC 5424/ISO, RFC 3164 with
// and without a year (year from the stream's anchor), and the previous-event fallback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyslogTimeParser, nearestYear } from '../../runtime/formats/syslog-time.ts';
import type { Program } from '../../runtime/program.ts';
import { loadPack } from '../parsers/pack.ts';

const iso = (t: number) => new Date(t).toISOString();

describe('syslog header time', () => {
  const parse = createSyslogTimeParser();
  const anchor = Date.UTC(2026, 11, 31, 23, 0);

  it('reads RFC 3339 with and without zone, and the Trend Micro "MMM dd yyyy" header', () => {
    const at = (s: string) => { const r = parse(s, null); return r.ok ? iso(r.time) : r.reason; };
    expect(at('2026-10-01T07:01:28.123456+02:00')).toBe('2026-10-01T05:01:28.123Z');
    expect(at('2026-10-01T07:01:28Z')).toBe('2026-10-01T07:01:28.000Z');
    expect(at('2026-10-01T07:01:28')).toBe('2026-10-01T07:01:28.000Z');
    expect(at('Oct 01 2026 07:01:28')).toBe('2026-10-01T07:01:28.000Z');
    expect(at('garbage')).toBe('unparseable');
  });

  it('takes the year nearest the anchor for RFC 3164 headers, across New Year both ways', () => {
    const at = (s: string, a: number | null) => { const r = parse(s, a); return r.ok ? iso(r.time) : r.reason; };
    expect(at('Jan  1 00:05:00', anchor)).toBe('2027-01-01T00:05:00.000Z');
    expect(at('Dec 31 22:00:00', anchor)).toBe('2026-12-31T22:00:00.000Z');
    expect(at('Dec 31 23:59:00', Date.UTC(2027, 0, 1, 0, 10))).toBe('2026-12-31T23:59:00.000Z');
    expect(at('Mar 19 15:19:15.123', Date.UTC(2026, 2, 1))).toBe('2026-03-19T15:19:15.123Z');
    expect(at('Jan 1 00:00:00', null)).toBe('no-year');
  });

  it('never invents Feb 29 in a common year', () => {
    expect(parse('Feb 29 10:00:00', Date.UTC(2026, 5, 1)).ok).toBe(false);
    const r = parse('Feb 29 10:00:00', Date.UTC(2028, 1, 28));
    expect(r.ok && iso(r.time)).toBe('2028-02-29T10:00:00.000Z');
    expect(Number.isNaN(nearestYear(Date.UTC(2000, 1, 29), Date.UTC(2026, 5, 1)))).toBe(true);
  });
});

describe('payloads without a time, through the compiled pack', () => {
  let program: Program;
  let dispose = () => {};
  beforeAll(async () => { ({ program, dispose } = await loadPack()); }, 120_000);
  afterAll(() => dispose());

  const ds = (header: string) => `${header}CEF:0|Trend Micro|Deep Security Agent|20.0|4000000|Eicar_test_file|6|cn1=1 cn1Label=Host ID dvchost=web01 filePath=C:\\\\eicar.exe act=Delete result=Delete msg=Realtime`;
  const dated = 'CEF:0|Trend Micro|Apex Central|2019|AV:File quarantined|JS_EXPLOIT.SMDN|3|rt=Dec 31 2026 23:50:00 GMT+00:00 act=File quarantined dhost=WS-1 duser=CORP\\\\ann';

  it('uses the header, infers its year from the previous dated event, falls back to the previous event', () => {
    program.setTimeAnchor(null);
    const first = program.parse(ds('Jan  1 00:10:00 dsm01 '));
    expect(first.ok ? 'parsed' : first.reason).toBe('missing-year');
    const a = program.parse(dated);
    expect(a.ok && a.event.time_source).toBe(null);
    const b = program.parse(ds('<134>Jan  1 00:10:00 dsm01 '));
    expect(b.ok && [iso(b.event.time), b.event.time_source]).toEqual(['2027-01-01T00:10:00.000Z', 'syslog-header']);
    const c = program.parse(ds(''));
    expect(c.ok && [iso(c.event.time), c.event.time_source]).toEqual(['2027-01-01T00:10:00.000Z', 'previous-event']);
    const d = program.parse(ds('<134>1 2027-01-02T08:00:00Z dsm01 ds - - - '));
    expect(d.ok && iso(d.event.time)).toBe('2027-01-02T08:00:00.000Z');
  });

  it('a seeded anchor (--year) places year-less headers before any dated event', () => {
    program.setTimeAnchor(Date.UTC(2025, 6, 1));
    const r = program.parse(ds('Mar 19 15:19:15 dsm01 '));
    expect(r.ok && iso(r.event.time)).toBe('2025-03-19T15:19:15.000Z');
  });
});
