import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCef, type CefRecord } from '../../runtime/formats/cef.ts';

/** Parses a line that must be valid CEF and returns its record. */
function record(line: string, maxFieldLength?: number): CefRecord {
  const result = parseCef(line, maxFieldLength === undefined ? undefined : { maxFieldLength });
  if (!result.ok) throw new Error(`expected CEF, got ${result.reason}`);
  return result.record;
}

// Modelled on the Apex Central DLP layout (reference doc §1). Written with String.raw
// so the backslashes are exactly what travels on the wire.
const DLP = String.raw`CEF:0|Trend Micro|Apex Central|2019|700106|Data Loss Prevention|3|rt=Nov 02 2026 09:15:03 GMT+00:00 cs2Label=Policy cs2=PCI Policy cs4Label=Incident_Source_(AD_Account) cs4=CORP\\alice cn3Label=Channel cn3=0 fname=q3 report.xlsx fsize=20480 suser=test user duser=a@x.com;b@y.com; msg=Quarterly results`;

describe('parseCef header', () => {
  it('reads the seven header fields', () => {
    const r = record(DLP);
    expect(r).toMatchObject({
      version: '0',
      vendor: 'Trend Micro',
      product: 'Apex Central',
      deviceVersion: '2019',
      signature: '700106',
      name: 'Data Loss Prevention',
      severity: '3',
    });
  });

  it('decodes \\| and \\\\ in header fields and keeps other backslashes', () => {
    const r = record(String.raw`CEF:0|Trend\|Micro|Apex\\Central|2019|AV:Fichier nettoyé|JS\_X \| y|3|act=Clean`);
    expect(r.vendor).toBe('Trend|Micro');
    expect(r.product).toBe('Apex\\Central');
    expect(r.signature).toBe('AV:Fichier nettoyé');
    expect(r.name).toBe('JS\\_X | y');
    expect(r.ext.act).toBe('Clean');
  });

  it('accepts a line whose CEF: prefix was stripped by a relay', () => {
    const r = record('0|Trend Micro|Apex Central|2019|WB:36|36|3|request=http://x.test/ cat=36');
    expect(r.signature).toBe('WB:36');
    expect(r.ext.cat).toBe('36');
  });

  it('accepts CEF:1 and a header with no extension', () => {
    expect(record('CEF:1|V|P|1.0|100|Name|5|').ext).toEqual({});
    expect(record('CEF:0|V|P|1.0|100|Name|5').severity).toBe('5');
  });

  it('reports a truncated header', () => {
    expect(parseCef('CEF:0|Trend Micro|Apex Central|2019|700106')).toEqual({ ok: false, reason: 'truncated-cef-header' });
    expect(parseCef('CEF:0|Trend Micro|Apex Central|2019|700106|DLP|')).toEqual({
      ok: false,
      reason: 'truncated-cef-header',
    });
    expect(parseCef('CEF:')).toEqual({ ok: false, reason: 'truncated-cef-header' });
  });

  it('rejects text that is not CEF', () => {
    expect(parseCef('hello world')).toEqual({ ok: false, reason: 'not-cef' });
    expect(parseCef('')).toEqual({ ok: false, reason: 'not-cef' });
    expect(parseCef('LEEF:2.0|a|b|c|d|^|x=1')).toEqual({ ok: false, reason: 'not-cef' });
    // Without the prefix only a complete header counts as CEF.
    expect(parseCef('0|a|b')).toEqual({ ok: false, reason: 'not-cef' });
    expect(parseCef('2|a|b|c|d|e|f|g')).toEqual({ ok: false, reason: 'not-cef' });
  });
});

describe('parseCef extension', () => {
  it('reads values with spaces and ends each at the next " key="', () => {
    const { ext } = record(DLP);
    expect(ext.rt).toBe('Nov 02 2026 09:15:03 GMT+00:00');
    expect(ext.fname).toBe('q3 report.xlsx');
    expect(ext.suser).toBe('test user');
    expect(ext.duser).toBe('a@x.com;b@y.com;');
    expect(ext.msg).toBe('Quarterly results');
    expect(record('CEF:0|V|P|1|1|N|3|msg=Quarterly report final act=2').ext.msg).toBe('Quarterly report final');
  });

  it('decodes backslash escapes in values', () => {
    const { ext } = record(
      String.raw`CEF:0|V|P|1|700107|DAC|3|sproc=C:\\Windows\\x duser=/o\=exchangelabs/ou\=x;/cn\=recipients; dntdom=Workgroup\\ msg=a\nb\rc pipe=a\|b other=\q`,
    );
    expect(ext.sproc).toBe('C:\\Windows\\x');
    expect(ext.duser).toBe('/o=exchangelabs/ou=x;/cn=recipients;');
    expect(ext.dntdom).toBe('Workgroup\\');
    expect(ext.msg).toBe('a\nb\rc');
    expect(ext.pipe).toBe('a|b');
    expect(ext.other).toBe('\\q');
  });

  it('keeps an unescaped = inside a value when it does not start a " key="', () => {
    const { ext } = record('CEF:0|V|P|1|1|N|3|request=http://x.test/?a=b&c=d hash=YWJj== act=block');
    expect(ext.request).toBe('http://x.test/?a=b&c=d');
    expect(ext.hash).toBe('YWJj==');
    expect(ext.act).toBe('block');
  });

  it('decodes rsyslog #0oo control escapes', () => {
    const { ext } = record('CEF:0|V|P|1|1|N|3|msg=line1#012line2#011tab#015 room=#045 short=#01');
    expect(ext.msg).toBe('line1\nline2\ttab\r');
    expect(ext.room).toBe('#045'); // printable range: never produced by rsyslog, left alone
    expect(ext.short).toBe('#01');
  });

  it('handles empty values, odd spacing and a trailing line terminator', () => {
    const { ext } = record('CEF:0|V|P|1|1|N|3|  a= b=2   c=3  \r\n');
    expect(ext.a).toBe('');
    expect(ext.b).toBe('2');
    expect(ext.c).toBe('3');
  });

  it('accepts key characters _ . [ ] and ignores text before the first key', () => {
    const { ext } = record('CEF:0|V|P|1|1|N|3|junk text ad.Key[0]=v1 TMCM_Log=v2');
    expect(Object.keys(ext)).toEqual(['ad.Key[0]', 'TMCM_Log']);
  });

  it('lets the last of duplicate keys win', () => {
    expect(record('CEF:0|V|P|1|1|N|3|a=1 a=2').ext.a).toBe('2');
  });
});

describe('parseCef label folding', () => {
  it('adds an alias under the label text and keeps the slot keys', () => {
    const { ext } = record(DLP);
    expect(ext.Channel).toBe('0');
    expect(ext.cn3).toBe('0');
    expect(ext.cn3Label).toBe('Channel');
    expect(ext.Policy).toBe('PCI Policy');
    expect(ext['Incident_Source_(AD_Account)']).toBe('CORP\\alice');
  });

  it('folds every slot style, whichever order label and value come in', () => {
    const { ext } = record(
      'CEF:0|V|P|1|1|N|3|cfp1=1 cfp1Label=ForensicFileAvailable flexString1Label=Action flexString1=Blocked ' +
        'deviceCustomDate1Label=SLF_FirstSeen deviceCustomDate1=Nov 02 2026 c6a2Label=IPv6 c6a2=::1 cntLabel=AggregatedCount cnt=4',
    );
    expect(ext.ForensicFileAvailable).toBe('1');
    expect(ext.Action).toBe('Blocked');
    expect(ext.SLF_FirstSeen).toBe('Nov 02 2026');
    expect(ext.IPv6).toBe('::1');
    expect(ext.AggregatedCount).toBe('4');
  });

  it('never overwrites a real key, and the first of two equal labels wins', () => {
    const { ext } = record('CEF:0|V|P|1|1|N|3|cs1Label=act cs1=x act=block cs2Label=Rule cs2=first cs3Label=Rule cs3=second');
    expect(ext.act).toBe('block');
    expect(ext.Rule).toBe('first');
  });

  it('skips labels without a slot value and empty labels', () => {
    const { ext } = record('CEF:0|V|P|1|1|N|3|cs1Label=Lonely cs2Label= cs2=v');
    expect('Lonely' in ext).toBe(false);
    expect(Object.keys(ext)).toEqual(['cs1Label', 'cs2Label', 'cs2']);
  });
});

describe('parseCef safety', () => {
  it('keeps __proto__ and constructor as plain data', () => {
    const { ext } = record('CEF:0|V|P|1|1|N|3|__proto__=x constructor=y cs1Label=__proto__ cs1=z toString=t');
    expect(Object.getPrototypeOf(ext)).toBeNull();
    expect(Object.keys(ext)).toContain('__proto__');
    expect(ext['__proto__']).toBe('x'); // the real key wins over the cs1 label
    expect(ext.constructor).toBe('y');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'x')).toBe(false);
  });

  it('rejects a field longer than maxFieldLength', () => {
    const huge = 'a'.repeat(70_000);
    expect(parseCef(`CEF:0|V|P|1|1|N|3|msg=${huge} act=1`)).toEqual({ ok: false, reason: 'field-too-long' });
    expect(parseCef(`CEF:0|V|P|1|1|${huge}|3|act=1`)).toEqual({ ok: false, reason: 'field-too-long' });
    expect(parseCef('CEF:0|V|P|1|1|N|3|msg=0123456789 act=1', { maxFieldLength: 5 })).toEqual({
      ok: false,
      reason: 'field-too-long',
    });
    expect(record('CEF:0|V|P|1|1|N|3|msg=01234 act=1', 5).ext.msg).toBe('01234');
  });

  it('handles large adversarial lines in one pass (a quadratic rescan would time out)', () => {
    const values = 'CEF:0|V|P|1|1|N|3|k=' + 'x=y=\\=#0 \\'.repeat(40_000) + ' z=1';
    const r = parseCef(values, { maxFieldLength: 1e7 });
    expect(r.ok && r.record.ext.z).toBe('1');
    expect(parseCef('CEF:0|' + '\\|'.repeat(100_000))).toEqual({ ok: false, reason: 'truncated-cef-header' });
    expect(parseCef('CEF:0|V|P|1|1|N|3|' + 'a=b '.repeat(100_000)).ok).toBe(true);
  });

  it('never throws and always answers ok or a reason (arbitrary text)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        const r = parseCef(s);
        return r.ok ? typeof r.record.ext === 'object' : typeof r.reason === 'string' && r.reason !== '';
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on CEF-shaped noise', () => {
    const piece = fc.constantFrom('CEF:0|', '0|', '|', '\\', '\\\\', '\\=', '=', ' ', 'a', 'cs1', 'Label', 'cs1Label=', '#011', '#0', '__proto__', '\n');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
        const r = parseCef(parts.join(''), { maxFieldLength: 20 });
        if (r.ok) return Object.getPrototypeOf(r.record.ext) === null;
        return ['not-cef', 'truncated-cef-header', 'field-too-long'].includes(r.reason);
      }),
      { numRuns: 2000 },
    );
  });
});
