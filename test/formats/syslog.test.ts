import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { locateSyslogPayload, stripSyslogHeader } from '../../runtime/formats/syslog.ts';

const CEF = 'CEF:0|Trend Micro|Apex Central|2019|700106|Data Loss Prevention|3|cn3Label=Channel cn3=0';
const LEEF = 'LEEF:2.0|Trend Micro|Deep Security Agent|20.0|3004674|^|cat=Log Inspection';

describe('stripSyslogHeader', () => {
  it('leaves a bare CEF/LEEF line alone', () => {
    expect(stripSyslogHeader(CEF)).toEqual({ body: CEF, offset: 0 });
    expect(stripSyslogHeader(LEEF)).toEqual({ body: LEEF, offset: 0 });
  });

  it('removes an RFC 3164 header without a year', () => {
    const line = `<134>Nov  2 09:15:03 apexcentral ${CEF}`;
    const r = stripSyslogHeader(line);
    expect(r).toEqual({ body: CEF, host: 'apexcentral', time: 'Nov  2 09:15:03', offset: line.indexOf('CEF:') });
  });

  it('removes an RFC 3164 header with a year and a tag', () => {
    const r = stripSyslogHeader(`<14>Nov 02 2026 09:15:03 dsm01 dsa[4242]: ${LEEF}`);
    expect(r.body).toBe(LEEF);
    expect(r.host).toBe('dsm01');
    expect(r.time).toBe('Nov 02 2026 09:15:03');
  });

  it('handles RFC 3164 without PRI, and with a plain tag', () => {
    const r = stripSyslogHeader('Feb  5 17:32:18 10.0.0.99 sshd[123]: Accepted password for bob');
    expect(r).toMatchObject({ body: 'Accepted password for bob', host: '10.0.0.99', time: 'Feb  5 17:32:18' });
    expect(stripSyslogHeader('<13>Feb 05 17:32:18.250 fw01 kernel: drop').body).toBe('drop');
  });

  it('copes with a missing host', () => {
    const r = stripSyslogHeader(`<134>Nov 2 09:15:03 ${CEF}`);
    expect(r.body).toBe(CEF);
    expect(r.host).toBeUndefined();
    const tagged = stripSyslogHeader('<134>Nov 2 09:15:03 sshd[1]: hi');
    expect(tagged.body).toBe('hi');
    expect('host' in tagged).toBe(false);
  });

  it('accepts an RFC 3339 timestamp in a BSD-style header (rsyslog)', () => {
    const r = stripSyslogHeader(`<134>2026-11-02T09:15:03.120+00:00 apexcentral ${CEF}`);
    expect(r).toMatchObject({ body: CEF, host: 'apexcentral', time: '2026-11-02T09:15:03.120+00:00' });
  });

  it('removes an RFC 5424 header with structured data', () => {
    const line = `<165>1 2026-11-02T09:15:03.003Z apex.example.com CEF - ID47 [origin ip="10.0.0.1" x="a\\"]b"][meta seq="1"] ${CEF}`;
    const r = stripSyslogHeader(line);
    expect(r).toEqual({ body: CEF, host: 'apex.example.com', time: '2026-11-02T09:15:03.003Z', offset: line.indexOf('CEF:0') });
  });

  it('removes an RFC 5424 header with nil values and a BOM', () => {
    const r = stripSyslogHeader(`<14>1 - - - - - - \uFEFF${LEEF}`);
    expect(r.body).toBe(LEEF);
    expect('host' in r || 'time' in r).toBe(false);
    expect(stripSyslogHeader('<14>1 2026-11-02T09:15:03Z host app 12 - -').body).toBe('');
    expect(stripSyslogHeader('1 2026-11-02T09:15:03Z host app 12 - - hello').body).toBe('hello');
  });

  it('finds a CEF/LEEF payload after an arbitrary prefix', () => {
    const line = `2026-11-02 09:15:03,120 INFO relay[7] forwarded: ${CEF}`;
    expect(stripSyslogHeader(line)).toEqual({ body: CEF, offset: line.indexOf('CEF:') });
    expect(stripSyslogHeader(`  ${LEEF}`).offset).toBe(2);
    // Extra text between a syslog header and the payload is skipped too.
    expect(stripSyslogHeader(`<134>Nov 2 09:15:03 host relay: from 10.1.1.1 ${CEF}`).body).toBe(CEF);
  });

  it('does not jump to "CEF:" text inside an extension value', () => {
    const line = '<134>Nov 2 09:15:03 host 0|Trend Micro|Apex Central|2019|1|N|3|msg=see CEF:0|x';
    expect(stripSyslogHeader(line).body).toBe('0|Trend Micro|Apex Central|2019|1|N|3|msg=see CEF:0|x');
    expect(stripSyslogHeader('xCEF:0|a').body).toBe('xCEF:0|a');
  });

  it('returns the line unchanged when there is no header', () => {
    for (const line of ['', 'hello world', '<134>', '<1345>Nov 2 09:15:03 h x', 'Nov 2 9:15:03 h x', '3 apples']) {
      expect(stripSyslogHeader(line)).toEqual({ body: line, offset: 0 });
    }
  });

  it('handles large adversarial lines in one pass', () => {
    const sd = '<14>1 2026-11-02T09:15:03Z h a p m ' + '[x a="\\]"]'.repeat(50_000) + ' msg';
    expect(stripSyslogHeader(sd).body).toBe('msg');
    const prefix = 'CEF: xCEF:0 '.repeat(50_000) + 'CEF:0|V|P|1|1|N|3|';
    expect(stripSyslogHeader(prefix).offset).toBe(prefix.length - 'CEF:0|V|P|1|1|N|3|'.length);
  });

  it('never throws, and body is always line.slice(offset)', () => {
    const piece = fc.constantFrom('<134>', '<1>', '1 ', 'Nov', ' ', '  2', '02', ':', '2026', '-', '[', ']', '"', '\\', 'host', 'tag[1]:', 'CEF:0|', 'LEEF:2.0|', '|', 'x');
    const line = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.array(piece, { maxLength: 30 }).map((p) => p.join('')));
    fc.assert(
      fc.property(line, (s) => {
        const r = stripSyslogHeader(s);
        return r.offset >= 0 && r.offset <= s.length && r.body === s.slice(r.offset);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('locateSyslogPayload (the run path: no body slice)', () => {
  it('finds the offset and header time stripSyslogHeader gives, on headers and on noise', () => {
    const lines = [
      CEF, LEEF, `<134>Nov  2 09:15:03 apexcentral ${CEF}`, `<14>Nov 02 2026 09:15:03 dsm01 dsa[4242]: ${LEEF}`,
      '<13>Feb 05 17:32:18.250 fw01 kernel: drop', `<134>Nov 2 09:15:03 ${CEF}`, `<165>1 2026-11-02T09:15:03Z host app - - - ${CEF}`,
      `relay: extra ${CEF}`, '', 'plain text',
    ];
    const piece = fc.constantFrom('<134>', '<1', '>', 'Nov', ' 2', ' 09:15:03', ' 2026', ' host', ' tag[1]:', ' ', 'CEF:', 'LEEF:', '0|', '1 ', '2026-11-02T09:15:03Z', '-');
    fc.assert(fc.property(fc.array(piece, { maxLength: 10 }), (ps) => { lines.push(ps.join('')); }), { numRuns: 500 });
    const out = { offset: -1, time: 'x' as string | undefined };
    for (const line of lines) {
      const r = stripSyslogHeader(line);
      locateSyslogPayload(line, out);
      expect(out.offset).toBe(r.offset);
      expect(out.time).toBe(r.time);
      expect(line.slice(out.offset)).toBe(r.body);
    }
  });
});
