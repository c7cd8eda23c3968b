import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CefKeyPlan } from '../../runtime/formats/cef.ts';
import { parseLeef, readLeefHeader, scanLeefSlots, type LeefRecord } from '../../runtime/formats/leef.ts';

function record(line: string, maxFieldLength?: number): LeefRecord {
  const result = parseLeef(line, maxFieldLength === undefined ? undefined : { maxFieldLength });
  if (!result.ok) throw new Error(`expected LEEF, got ${result.reason}`);
  return result.record;
}

// Deep Security Log Inspection event (reference doc §7), LEEF 2.0 with a declared `^`.
const DS_LI =
  'LEEF:2.0|Trend Micro|Deep Security Agent|20.0|3004674|^|cat=Log Inspection^name=Privileged object access^desc=Privileged object access^sev=6^usrName=alice^fname=Security^msg=WinEvtLog Security: AUDIT_SUCCESS(4674): Microsoft-Windows-Security-Auditing: alice: CORP: HOST1: Object Name: C:\\Windows\\System32';

describe('parseLeef header', () => {
  it('reads the LEEF 2.0 header and the declared delimiter', () => {
    const r = record(DS_LI);
    expect(r).toMatchObject({
      version: '2.0',
      vendor: 'Trend Micro',
      product: 'Deep Security Agent',
      productVersion: '20.0',
      eventId: '3004674',
    });
    expect(r.ext.cat).toBe('Log Inspection');
    expect(r.ext.usrName).toBe('alice');
    expect(r.ext.sev).toBe('6');
    // LEEF has no escapes: the backslashes are the path's own.
    expect(r.ext.msg).toBe(
      'WinEvtLog Security: AUDIT_SUCCESS(4674): Microsoft-Windows-Security-Auditing: alice: CORP: HOST1: Object Name: C:\\Windows\\System32',
    );
  });

  it('reports a truncated header and non-LEEF text', () => {
    expect(parseLeef('LEEF:2.0|Trend Micro|Deep Security Agent')).toEqual({ ok: false, reason: 'truncated-leef-header' });
    expect(parseLeef('LEEF:1.0|Trend Micro|Deep Security Agent|20.0|')).toEqual({
      ok: false,
      reason: 'truncated-leef-header',
    });
    expect(parseLeef('CEF:0|a|b|c|d|e|3|x=1')).toEqual({ ok: false, reason: 'not-leef' });
    expect(parseLeef('')).toEqual({ ok: false, reason: 'not-leef' });
  });

  it('accepts a header with no attributes', () => {
    expect(record('LEEF:1.0|V|P|1.0|42').eventId).toBe('42');
    expect(record('LEEF:1.0|V|P|1.0|42|').ext).toEqual({});
  });
});

describe('parseLeef delimiters', () => {
  it('splits LEEF 1.0 attributes on TAB', () => {
    const { ext } = record('LEEF:1.0|Trend Micro|Deep Security Agent|20.0|4000000|cat=Anti-Malware\tfilePath=C:\\Users\\bob\\x.exe\tact=Quarantine\tmsg=Realtime');
    expect(ext).toEqual({ cat: 'Anti-Malware', filePath: 'C:\\Users\\bob\\x.exe', act: 'Quarantine', msg: 'Realtime' });
  });

  it('understands the hex forms x09, 0x09 and \\t of the LEEF 2.0 delimiter', () => {
    for (const spec of ['x09', '0x09', 'X09', '\\t', '']) {
      const { ext } = record(`LEEF:2.0|V|P|1|7000000|${spec}|device=USB Disk\tprocessName=explorer.exe\tpermission=BLOCK(0)`);
      expect(ext, spec).toEqual({ device: 'USB Disk', processName: 'explorer.exe', permission: 'BLOCK(0)' });
    }
    expect(record('LEEF:2.0|V|P|1|1|0x5E|a=1^b=2').ext).toEqual({ a: '1', b: '2' });
  });

  it('handles | as the declared delimiter, escaped or written bare', () => {
    expect(record('LEEF:2.0|V|P|1|1|\\||a=1|b=2').ext).toEqual({ a: '1', b: '2' });
    expect(record('LEEF:2.0|V|P|1|1|||a=1|b=2').ext).toEqual({ a: '1', b: '2' });
    expect(record('LEEF:2.0|V|P|1|1|x7C|a=1|b=2').ext).toEqual({ a: '1', b: '2' });
  });

  it('treats a missing delimiter field as TAB', () => {
    expect(record('LEEF:2.0|V|P|1|1|a=1\tb=x|y').ext).toEqual({ a: '1', b: 'x|y' });
  });

  it('keeps a delimiter inside a value when the next piece has no =', () => {
    expect(record('LEEF:2.0|V|P|1|1|^|msg=a^b^c^d=4').ext).toEqual({ msg: 'a^b^c', d: '4' });
  });

  it('falls back to space splitting when a TAB-delimited line has only spaces (as docs render it)', () => {
    const { ext } = record(
      'LEEF:2.0|Trend Micro|Deep Security Agent|20.0|3002795|cat=Log Inspection name=Windows audit event usrName=alice request=http://x/?a=b',
    );
    expect(ext).toEqual({
      cat: 'Log Inspection',
      name: 'Windows audit event',
      usrName: 'alice',
      request: 'http://x/?a=b',
    });
    expect(record('LEEF:1.0|V|P|1|1|src=10.0.0.1 dst=10.0.0.2 msg=two words').ext.msg).toBe('two words');
  });

  it('splits on rsyslog-escaped tabs and decodes other #0oo escapes', () => {
    const { ext } = record('LEEF:1.0|V|P|1|1|cat=Log Inspection#011msg=a#012b#011usrName=alice');
    expect(ext).toEqual({ cat: 'Log Inspection', msg: 'a\nb', usrName: 'alice' });
  });
});

describe('parseLeef safety', () => {
  it('keeps __proto__ as plain data', () => {
    const { ext } = record('LEEF:1.0|V|P|1|1|__proto__=x\tconstructor=y');
    expect(Object.getPrototypeOf(ext)).toBeNull();
    expect(Object.keys(ext)).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('rejects a field longer than maxFieldLength', () => {
    expect(parseLeef(`LEEF:1.0|V|P|1|1|msg=${'a'.repeat(70_000)}`)).toEqual({ ok: false, reason: 'field-too-long' });
    expect(parseLeef('LEEF:2.0|V|P|1|1|^|msg=123456', { maxFieldLength: 5 })).toEqual({ ok: false, reason: 'field-too-long' });
    // A value glued back together from pieces counts as a whole.
    expect(parseLeef('LEEF:2.0|V|P|1|1|^|m=123^456', { maxFieldLength: 5 })).toEqual({ ok: false, reason: 'field-too-long' });
    expect(parseLeef('LEEF:2.0|V|P|1|1|^|m=123 456', { maxFieldLength: 5 })).toEqual({ ok: false, reason: 'field-too-long' });
  });

  it('handles large adversarial lines in one pass (a quadratic rescan would time out)', () => {
    const glued = 'LEEF:2.0|V|P|1|1|^|a=1' + '^x'.repeat(100_000) + '^b=2';
    const r = parseLeef(glued, { maxFieldLength: 1e7 });
    expect(r.ok && r.record.ext.b).toBe('2');
    expect(r.ok && r.record.ext.a!.length).toBe(1 + 2 * 100_000);
    expect(parseLeef('LEEF:1.0|V|P|1|1|' + 'k=v w '.repeat(50_000)).ok).toBe(true);
  });

  it('never throws and always answers ok or a reason (arbitrary text)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        const r = parseLeef(s);
        return r.ok ? typeof r.record.ext === 'object' : typeof r.reason === 'string' && r.reason !== '';
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on LEEF-shaped noise', () => {
    const piece = fc.constantFrom('LEEF:1.0|', 'LEEF:2.0|', '|', '^', 'x09', '\\', '=', ' ', '\t', '#011', 'a', 'key', '__proto__');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
        const r = parseLeef(parts.join(''), { maxFieldLength: 20 });
        if (r.ok) return Object.getPrototypeOf(r.record.ext) === null;
        return ['not-leef', 'truncated-leef-header', 'field-too-long'].includes(r.reason);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('scanLeefSlots (the run path: values straight into slots)', () => {
  function slots(line: string, keys: string[], maxFieldLength = 65536): Record<string, string> | string {
    const header: string[] = [];
    const at = readLeefHeader(line, maxFieldLength, header);
    if (typeof at === 'string') return at;
    const values = new Array<string | undefined>(keys.length).fill(undefined);
    const failure = scanLeefSlots(line, at, header[5]!, new CefKeyPlan(keys), values, maxFieldLength);
    if (failure) return failure;
    return Object.fromEntries(keys.flatMap((k, i) => (values[i] === undefined ? [] : [[k, values[i]!]])));
  }
  /** What the dictionary parse gives for those keys. */
  function viaDict(line: string, keys: string[], maxFieldLength = 65536): Record<string, string> | string {
    const r = parseLeef(line, { maxFieldLength });
    if (!r.ok) return r.reason;
    return Object.fromEntries(keys.flatMap((k) => (Object.hasOwn(r.record.ext, k) ? [[k, r.record.ext[k]!]] : [])));
  }

  it('keeps only the plan keys, glued pieces and rsyslog escapes as the dictionary has them', () => {
    const line = 'LEEF:2.0|Trend Micro|Deep Security Agent|20.0|4000000|^|cat=Intrusion Prevention^name=a^b^src=10.0.0.1^msg=x#011y';
    expect(slots(line, ['name', 'msg', 'absent'])).toEqual({ name: 'a^b', msg: 'x\ty' });
    expect(slots(line, ['name', 'msg'])).toEqual(viaDict(line, ['name', 'msg']));
  });

  it('a skipped value that grows too long by glued pieces still rejects the line', () => {
    const line = `LEEF:2.0|V|P|1|1|^|a=1^junk=${'x'.repeat(60)}^${'y'.repeat(60)}^b=2`;
    expect(viaDict(line, ['a'], 100)).toBe('field-too-long');
    expect(slots(line, ['a'], 100)).toBe('field-too-long');
  });

  it('agrees with the dictionary parse on random attribute lists, delimiters and wanted keys', () => {
    const key = fc.constantFrom('cat', 'name', ' name ', 'src', 'usrName', 'msg', 'x', '\u00a0x');
    const value = fc.constantFrom('a', 'b c', 'C:\\Windows', 'x=y', '#011t', '', 'p^q', 'tab\there');
    const piece = fc.oneof(fc.tuple(key, value).map(([k, v]) => `${k}=${v}`), value);
    const header = fc.constantFrom('LEEF:1.0|V|P|1|1|', 'LEEF:2.0|V|P|1|1|^|', 'LEEF:2.0|V|P|1|1|x09|', 'LEEF:2.0|V|P|1|1|');
    const sep = fc.constantFrom('\t', '^', '#011', ' ');
    const wanted = fc.subarray(['cat', 'name', 'src', 'usrName', 'msg', 'x', 'absent']);
    const max = fc.constantFrom(8, 65536);
    fc.assert(fc.property(header, fc.array(piece, { maxLength: 8 }), sep, wanted, max, (h, ps, d, w, m) => {
      const line = h + ps.join(d);
      expect(slots(line, w, m)).toEqual(viaDict(line, w, m));
    }), { numRuns: 3000 });
  });
});
