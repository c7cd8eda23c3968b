// Leap seconds: a device synchronised to UTC writes 23:59:60 once every few years. Such a
// line must not be rejected as unparseable time (that would drop a real event).
import { describe, expect, it } from 'vitest';
import { compileTimeFormat, parseTimeAny } from '../../runtime/formats/timeformat.ts';
import { compiledContent } from '../compiler/helpers.ts';

const iso = (ms: number) => new Date(ms).toISOString();

describe('leap seconds', () => {
  it('23:59:60 UTC is clamped to 23:59:59 of the same minute, fraction kept', () => {
    expect(iso(compileTimeFormat('MMM dd yyyy HH:mm:ss zZ')('Dec 31 2016 23:59:60 GMT+00:00'))).toBe('2016-12-31T23:59:59.000Z');
    expect(iso(compileTimeFormat("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")('2016-12-31T23:59:60.250Z'))).toBe('2016-12-31T23:59:59.250Z');
    expect(iso(compileTimeFormat('yyyy-MM-dd HH:mm:ss')('2015-06-30 23:59:60'))).toBe('2015-06-30T23:59:59.000Z');
  });

  it('the last minute of the UTC hour decides, whatever the local offset', () => {
    const parse = compileTimeFormat('yyyy-MM-dd HH:mm:ss XXX');
    expect(iso(parse('2017-01-01 00:59:60 +01:00'))).toBe('2016-12-31T23:59:59.000Z');
    expect(iso(parse('2017-01-01 05:29:60 +05:30'))).toBe('2016-12-31T23:59:59.000Z');
    expect(iso(compileTimeFormat('yyyy-MM-dd HH:mm:ss', 60)('2017-01-01 00:59:60'))).toBe('2016-12-31T23:59:59.000Z');
  });

  it('a 60th second anywhere else, and 61, still do not parse', () => {
    const parse = compileTimeFormat('yyyy-MM-dd HH:mm:ss XXX');
    expect(parse('2016-12-31 10:15:60 +00:00')).toBeNaN();
    expect(parse('2016-12-31 23:58:60 +00:00')).toBeNaN();
    expect(parse('2017-01-01 00:59:60 +00:30')).toBeNaN();
    expect(parse('2016-12-31 23:59:61 +00:00')).toBeNaN();
  });

  it('the pack parsers accept a leap-second line instead of rejecting it as unparseable-time', async () => {
    const formats = ['MMM dd yyyy HH:mm:ss zZ', 'MMM dd yyyy HH:mm:ss', 'yyyy-MM-dd HH:mm:ss', 'MM/dd/yyyy HH:mm:ss', 'MM/dd/yyyy hh:mm:ss a', 'epoch'];
    expect(iso(parseTimeAny('12/31/2016 11:59:60 PM', formats))).toBe('2016-12-31T23:59:59.000Z');
    const program = await compiledContent();
    const line = (rt: string) => `CEF:0|Trend Micro|Apex Central|2019|700106|Data Loss Prevention|3|rt=${rt} suser=alice@example.com duser=bob@other.example act=pass Channel=1`;
    const normal = program.parse(line('Dec 31 2016 23:59:59 GMT+00:00'));
    expect(normal.ok, JSON.stringify(normal)).toBe(true);
    const leap = program.parse(line('Dec 31 2016 23:59:60 GMT+00:00'));
    expect(leap.ok, JSON.stringify(leap)).toBe(true);
    if (leap.ok) expect(iso(leap.event.time)).toBe('2016-12-31T23:59:59.000Z');
  });
});
