import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileTimeFormat, parseTimeAny } from '../../runtime/formats/timeformat.ts';

const iso = (ms: number) => new Date(ms).toISOString();

describe('compileTimeFormat', () => {
  it('parses the Apex Central rt format with a GMT offset (zZ)', () => {
    const parse = compileTimeFormat('MMM dd yyyy HH:mm:ss zZ');
    expect(iso(parse('Jan 31 2021 13:05:09 GMT+01:00'))).toBe('2021-01-31T12:05:09.000Z');
    expect(iso(parse('Nov 02 2026 09:15:03 GMT+00:00'))).toBe('2026-11-02T09:15:03.000Z');
    expect(iso(parse('Nov 02 2026 09:15:03 GMT-0530'))).toBe('2026-11-02T14:45:03.000Z');
    expect(iso(parse('nov 02 2026 09:15:03 GMT'))).toBe('2026-11-02T09:15:03.000Z'); // offset may be missing
  });

  it('reads an offset glued to the zone name under a lone z', () => {
    const parse = compileTimeFormat('MMM dd yyyy HH:mm:ss z');
    expect(iso(parse('Jan 31 2021 13:05:09 GMT+01:00'))).toBe('2021-01-31T12:05:09.000Z');
    expect(iso(parse('Jan 31 2021 13:05:09 UTC'))).toBe('2021-01-31T13:05:09.000Z');
    expect(iso(parse('Jan 31 2021 13:05:09 EST'))).toBe('2021-01-31T18:05:09.000Z');
    expect(iso(parse('Jan 31 2021 13:05:09 GMT+1'))).toBe('2021-01-31T12:05:09.000Z');
    expect(parse('Jan 31 2021 13:05:09 XYZ')).toBeNaN();
  });

  it('parses yyyy-MM-dd HH:mm:ss in the default zone', () => {
    expect(iso(compileTimeFormat('yyyy-MM-dd HH:mm:ss')('2023-03-15 13:23:47'))).toBe('2023-03-15T13:23:47.000Z');
    expect(iso(compileTimeFormat('yyyy-MM-dd HH:mm:ss', 120)('2023-03-15 13:23:47'))).toBe('2023-03-15T11:23:47.000Z');
  });

  it('parses 12-hour clocks with AM/PM, leniently', () => {
    const parse = compileTimeFormat('MM/dd/yyyy hh:mm:ss a');
    expect(iso(parse('01/31/2021 01:05:09 PM'))).toBe('2021-01-31T13:05:09.000Z');
    expect(iso(parse('01/31/2021 12:05:09 am'))).toBe('2021-01-31T00:05:09.000Z');
    expect(iso(parse('01/31/2021 12:05:09 PM'))).toBe('2021-01-31T12:05:09.000Z');
    expect(iso(parse('1/5/2021 9:05:09 pm'))).toBe('2021-01-05T21:05:09.000Z');
    expect(iso(parse('01/31/2021 13:05:09 PM'))).toBe('2021-01-31T13:05:09.000Z'); // hour > 12: a ignored
    expect(parse('01/31/2021 01:05:09 XM')).toBeNaN();
  });

  it('parses ISO 8601 with quoted T, fractions and XXX / Z offsets', () => {
    const parse = compileTimeFormat("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    expect(iso(parse('2026-11-02T09:15:03.120+01:00'))).toBe('2026-11-02T08:15:03.120Z');
    expect(iso(parse('2026-11-02T09:15:03.120Z'))).toBe('2026-11-02T09:15:03.120Z');
    expect(iso(parse('2026-11-02t09:15:03.5-0200'))).toBe('2026-11-02T11:15:03.500Z');
    expect(iso(parse('2026-11-02T09:15:03.123456+00'))).toBe('2026-11-02T09:15:03.123Z');
    expect(iso(compileTimeFormat('yyyy-MM-dd HH:mm:ss Z')('2026-11-02 09:15:03 +0100'))).toBe('2026-11-02T08:15:03.000Z');
  });

  it('parses abutting numeric fields by width', () => {
    expect(iso(compileTimeFormat('yyyyMMddHHmmssSSS')('20261102091503120'))).toBe('2026-11-02T09:15:03.120Z');
    expect(iso(compileTimeFormat('yyMMdd')('261102'))).toBe('2026-11-02T00:00:00.000Z');
    expect(iso(compileTimeFormat('yy-MM-dd')('99-11-02'))).toBe('1999-11-02T00:00:00.000Z');
  });

  it('parses full month names and skips day names', () => {
    const parse = compileTimeFormat('EEE, d MMMM yyyy HH:mm:ss');
    expect(iso(parse('Mon, 2 November 2026 09:15:03'))).toBe('2026-11-02T09:15:03.000Z');
    expect(iso(compileTimeFormat('EEE MMM dd HH:mm:ss zzz yyyy')('Mon Nov 02 09:15:03 UTC 2026'))).toBe(
      '2026-11-02T09:15:03.000Z',
    );
  });

  it('uses the year hint when the pattern has no year (syslog)', () => {
    expect(iso(compileTimeFormat('MMM dd HH:mm:ss')('Nov  2 09:15:03'))).toBe('1970-11-02T09:15:03.000Z');
    expect(iso(compileTimeFormat('MMM dd HH:mm:ss', 0, 2026)('Nov  2 09:15:03'))).toBe('2026-11-02T09:15:03.000Z');
    expect(iso(compileTimeFormat('MMM d HH:mm:ss', 0, 2024)('Feb 29 00:00:00'))).toBe('2024-02-29T00:00:00.000Z');
  });

  it('rejects invalid dates and leftover text', () => {
    const parse = compileTimeFormat('yyyy-MM-dd HH:mm:ss');
    for (const bad of ['2021-13-01 00:00:00', '2021-02-30 00:00:00', '2021-02-29 00:00:00', '2021-01-01 24:00:00',
      '2021-01-01 00:60:00', '2021-01-01 00:00:60', '2021-01-01 00:00:00.123', '2021-01-01', 'garbage', '']) {
      expect(parse(bad), bad).toBeNaN();
    }
    expect(iso(parse('  2024-02-29 00:00:00  '))).toBe('2024-02-29T00:00:00.000Z');
  });

  it('handles years before 100 without the Date.UTC 19xx mapping', () => {
    expect(iso(compileTimeFormat('yyyy-MM-dd')('0042-03-01'))).toBe('0042-03-01T00:00:00.000Z');
  });

  it('parses epoch seconds, milliseconds and finer units', () => {
    const parse = compileTimeFormat('epoch');
    expect(parse('1612098309')).toBe(1612098309000);
    expect(parse('1612098309123')).toBe(1612098309123);
    expect(parse('1612098309.5')).toBe(1612098309500);
    expect(parse('1612098309.123456')).toBe(1612098309123);
    expect(parse('1612098309123.9')).toBe(1612098309123);
    expect(parse('1612098309123456')).toBe(1612098309123);
    expect(parse('1612098309123456789')).toBe(1612098309123);
    for (const bad of ['161209830', '16120983091', '1612098309.', '-1612098309', '0x1612098309', '']) {
      expect(parse(bad), bad).toBeNaN();
    }
  });

  it('supports quoted literals and rejects unknown letters at compile time', () => {
    expect(iso(compileTimeFormat("'at' HH:mm 'on' yyyy-MM-dd")('at 09:15 on 2026-11-02'))).toBe('2026-11-02T09:15:00.000Z');
    expect(iso(compileTimeFormat("yyyy-MM-dd HH 'o''clock'")("2026-11-02 09 o'clock"))).toBe('2026-11-02T09:00:00.000Z');
    expect(() => compileTimeFormat('yyyy-MM-dd QQ')).toThrow(/unsupported/);
    expect(() => compileTimeFormat("yyyy 'open")).toThrow(/quote/);
  });

  it('never throws and returns a number for any input', () => {
    const parsers = ['MMM dd yyyy HH:mm:ss zZ', 'MM/dd/yyyy hh:mm:ss a', "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", 'epoch'].map((p) =>
      compileTimeFormat(p),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => parsers.every((p) => typeof p(s) === 'number')),
      { numRuns: 2000 },
    );
  });
});

describe('parseTimeAny', () => {
  const patterns = ['MMM dd yyyy HH:mm:ss zZ', 'yyyy-MM-dd HH:mm:ss', 'MM/dd/yyyy hh:mm:ss a'];

  it('returns the first pattern that parses', () => {
    expect(iso(parseTimeAny('Nov 02 2026 09:15:03 GMT+00:00', patterns))).toBe('2026-11-02T09:15:03.000Z');
    expect(iso(parseTimeAny('2023-03-15 13:23:47', patterns))).toBe('2023-03-15T13:23:47.000Z');
    expect(iso(parseTimeAny('03/15/2023 01:23:47 PM', patterns))).toBe('2023-03-15T13:23:47.000Z');
  });

  it('falls back to epoch seconds and milliseconds (Control Manager rt)', () => {
    expect(parseTimeAny('1612098309', patterns)).toBe(1612098309000);
    expect(parseTimeAny('1612098309123', [])).toBe(1612098309123);
  });

  it('returns NaN when nothing parses, and skips invalid patterns', () => {
    expect(parseTimeAny('yesterday', patterns)).toBeNaN();
    expect(iso(parseTimeAny('2023-03-15 13:23:47', ['QQQ', 'yyyy-MM-dd HH:mm:ss']))).toBe('2023-03-15T13:23:47.000Z');
  });

  it('never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.array(fc.string({ maxLength: 12 }), { maxLength: 3 }), (s, ps) => {
        return typeof parseTimeAny(s, ps) === 'number';
      }),
      { numRuns: 1000 },
    );
  });
});

describe('calendar arithmetic', () => {
  it('gives what Date.UTC gives for every valid date and time, years 0-9999, month names in any case', () => {
    const iso = compileTimeFormat('yyyy-MM-dd HH:mm:ss.SSS');
    const named = compileTimeFormat('MMM dd yyyy HH:mm:ss z');
    const MONTHS = ['Jan', 'FEB', 'mar', 'April', 'may', 'JUNE', 'jul', 'Aug', 'September', 'oct', 'Nov', 'DECEMBER'];
    const pad = (n: number, w: number) => String(n).padStart(w, '0');
    fc.assert(fc.property(fc.date({ min: new Date(Date.UTC(0, 0, 1) - 1900 * 365.2425 * 86_400_000), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }), (d) => {
      const y = d.getUTCFullYear();
      if (y < 0) return;
      const text = `${pad(y, 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)} ${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}`;
      expect(iso(text)).toBe(d.getTime());
      const seconds = d.getTime() - d.getUTCMilliseconds();
      expect(named(`${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate(), 2)} ${pad(y, 4)} ${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)} gmt`)).toBe(seconds);
    }), { numRuns: 3000 });
  });
});

describe('one parser over a stream (the date part of the previous input is reused)', () => {
  // A compiled parser remembers the text its date tokens read (plus one character); an input
  // starting with it skips them. Every input must parse as it does with a fresh parser.
  const inputs = [
    'Oct 01 2026 07:00:00 GMT+00:00', 'Oct 01 2026 07:00:01 GMT+01:00', 'Oct 01 2026 23:59:59 GMT',
    'Oct 01 20261 07:00:00 GMT', 'Oct 01 2026', 'Oct 01 2026 ', 'Oct 01 2026  07:00:00 GMT', '  Oct 01 2026 07:00:00 GMT',
    'Oct 011 2026 07:00:00 GMT', 'Oct 02 2026 07:00:00 GMT', 'October 01 2026 07:00:00 GMT', 'Oct 01 2026 7:00:00 GMT',
    'Feb 29 2026 07:00:00 GMT', 'Feb 29 2028 07:00:00 GMT', '10/01/2026 07:00:00', '10/01/26 07:00:00 PM', 'x',
  ];
  const patterns = ['MMM dd yyyy HH:mm:ss zZ', 'MMM dd yyyy HH:mm:ss', 'MM/dd/yyyy HH:mm:ss', 'MM/dd/yy hh:mm:ss a', 'MMM dd yyyy', 'yyyyMMdd', 'EEE MMM dd HH:mm:ss'];
  const fresh = (pattern: string, s: string) => compileTimeFormat(pattern, 60, 2026)(s);

  it('gives what a fresh parser gives, for every input after every other', () => {
    for (const pattern of patterns) {
      const parse = compileTimeFormat(pattern, 60, 2026);
      for (const a of inputs) for (const b of inputs) {
        parse(a);
        expect(Object.is(parse(b), fresh(pattern, b)), `${pattern}: "${a}" then "${b}"`).toBe(true);
      }
    }
  });

  it('agrees on random inputs sharing date prefixes', () => {
    const part = fc.constantFrom('Oct', 'Oct ', '01', '1', '011', ' ', '2026', '20', '7', ':', '07:00:00', 'GMT', '+01:00', 'Sat', '/', 'PM');
    const input = fc.array(part, { maxLength: 8 }).map((ps) => ps.join(''));
    fc.assert(fc.property(fc.constantFrom(...patterns), fc.array(input, { maxLength: 6 }), (pattern, xs) => {
      const parse = compileTimeFormat(pattern, 60, 2026);
      for (const x of xs) expect(Object.is(parse(x), fresh(pattern, x))).toBe(true);
    }), { numRuns: 1500 });
  });
});
