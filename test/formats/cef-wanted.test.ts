// CEF scanning with the wanted-key set (the run path): the kept keys are exactly what a full
// scan gives for those keys, labels still fold from skipped slots, and rejects stay rejects.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CefKeyPlan, parseCef, readCefHeader, scanCefSlots } from '../../runtime/formats/cef.ts';

function ext(line: string, wanted: string[] | null, maxFieldLength?: number): Record<string, string> | string {
  const r = parseCef(line, { wanted: wanted ? new Set(wanted) : null, ...(maxFieldLength ? { maxFieldLength } : {}) });
  return r.ok ? { ...r.record.ext } : r.reason;
}

/** The wanted subset of a full scan (labels are always kept). */
function expected(line: string, wanted: string[]): Record<string, string> | string {
  const full = ext(line, null);
  if (typeof full === 'string') return full;
  return Object.fromEntries(Object.entries(full).filter(([k]) => wanted.includes(k) || k.endsWith('Label')));
}

const DLP = String.raw`CEF:0|Trend Micro|Apex Central|2019|700106|Data Loss Prevention|3|rt=Nov 02 2026 09:15:03 GMT+00:00 cs2Label=Policy cs2=PCI\=1 Policy cs4Label=Incident_Source_(AD_Account) cs4=CORP\\alice cn3Label=Channel cn3=0 fname=q3 report.xlsx fsize=20480 suser=test user msg=Quarterly\nresults`;

describe('parseCef with a wanted-key set', () => {
  it('keeps only wanted keys and labels, decoded as a full scan decodes them', () => {
    const wanted = ['rt', 'fname', 'msg'];
    expect(ext(DLP, wanted)).toEqual(expected(DLP, wanted));
    expect(ext(DLP, wanted)).not.toHaveProperty('suser');
    expect((ext(DLP, wanted) as Record<string, string>).msg).toBe('Quarterly\nresults');
  });

  it('folds a wanted label from a slot the scanner skipped (escapes decoded)', () => {
    const e = ext(DLP, ['Policy', 'Incident_Source_(AD_Account)']) as Record<string, string>;
    expect(e.Policy).toBe('PCI=1 Policy');
    expect(e['Incident_Source_(AD_Account)']).toBe('CORP\\alice');
    expect(e).not.toHaveProperty('cs2');
    expect(e).not.toHaveProperty('Channel');
  });

  it('a label never overwrites a real key, and the first slot with a label wins', () => {
    const line = 'CEF:0|V|P|1|1|N|3|cs1Label=act cs1=x act=block cs2Label=Rule cs2=first cs3Label=Rule cs3=second';
    expect(ext(line, ['act', 'Rule'])).toEqual(expected(line, ['act', 'Rule']));
    expect((ext(line, ['act', 'Rule']) as Record<string, string>).Rule).toBe('first');
  });

  it('a skipped value that is too long still rejects the line', () => {
    const line = `CEF:0|V|P|1|1|N|3|rt=1 junk=${'x'.repeat(200)} fname=a`;
    expect(ext(line, ['rt', 'fname'], 100)).toBe('field-too-long');
  });

  it('duplicate keys: the last one wins, for kept keys and for skipped slots behind a label', () => {
    const line = 'CEF:0|V|P|1|1|N|3|cs1Label=Who cs1=first cs1=second fname=a fname=b';
    expect(ext(line, ['Who', 'fname'])).toEqual(expected(line, ['Who', 'fname']));
  });

  it('agrees with a full scan on random extensions', () => {
    const key = fc.constantFrom('cs1', 'cs2', 'cs1Label', 'cs2Label', 'act', 'Rule', 'fname', 'msg', 'x');
    const value = fc.constantFrom('a', 'b c', 'Rule', 'act', 'x\\=y', 'p\\\\q', '#011t', '');
    const pairs = fc.array(fc.tuple(key, value), { maxLength: 12 });
    const wanted = fc.subarray(['cs1', 'act', 'Rule', 'fname', 'msg', 'a', 'x']);
    fc.assert(fc.property(pairs, wanted, (ps, w) => {
      const line = `CEF:0|V|P|1|1|N|3|${ps.map(([k, v]) => `${k}=${v}`).join(' ')}`;
      expect(ext(line, w)).toEqual(expected(line, w));
    }), { numRuns: 2000 });
  });
});

describe('scanCefSlots (the run path: values straight into slots)', () => {
  function slots(line: string, keys: string[], maxFieldLength = 65536): Record<string, string> | string {
    const header: string[] = [];
    const at = readCefHeader(line, maxFieldLength, header);
    if (typeof at === 'string') return at;
    const values = new Array<string | undefined>(keys.length).fill(undefined);
    const failure = scanCefSlots(line, at, new CefKeyPlan(keys), values, maxFieldLength);
    if (failure) return failure;
    return Object.fromEntries(keys.flatMap((k, i) => (values[i] === undefined ? [] : [[k, values[i]!]])));
  }
  /** What the dictionary scan gives for those keys. */
  function viaDict(line: string, keys: string[], maxFieldLength?: number): Record<string, string> | string {
    const e = ext(line, keys, maxFieldLength);
    return typeof e === 'string' ? e : Object.fromEntries(keys.flatMap((k) => (Object.hasOwn(e, k) ? [[k, e[k]!]] : [])));
  }

  it('keeps the plan keys, decoded, folded labels included', () => {
    const keys = ['rt', 'fname', 'msg', 'Policy', 'Incident_Source_(AD_Account)', 'Channel', 'cs2'];
    expect(slots(DLP, keys)).toEqual(viaDict(DLP, keys));
    expect((slots(DLP, keys) as Record<string, string>).Policy).toBe('PCI=1 Policy');
  });

  it('rejects a too-long unwanted value, and agrees on labels that name real keys or repeat', () => {
    expect(slots(`CEF:0|V|P|1|1|N|3|rt=1 junk=${'x'.repeat(200)} fname=a`, ['rt'], 100)).toBe('field-too-long');
    const line = 'CEF:0|V|P|1|1|N|3|cs1Label=act cs1=x act=block cs2Label=Rule cs2=first cs3Label=Rule cs3=second cs2Label=Who';
    for (const keys of [['act', 'Rule'], ['Rule', 'Who'], ['Who', 'cs2Label']]) expect(slots(line, keys)).toEqual(viaDict(line, keys));
    // A repeated label key is decided again: a fold in between can give its slot a value.
    const again = 'CEF:0|V|P|1|1|N|3|RuleLabel=a cs2Label=Rule RuleLabel=a cs2=a';
    expect(slots(again, ['Rule', 'a'])).toEqual({ Rule: 'a', a: 'a' });
    expect(slots(again, ['Rule', 'a'])).toEqual(viaDict(again, ['Rule', 'a']));
  });

  it('label texts that look like a plan key by length and end characters, or decode to one, fold as the dictionary scan folds them', () => {
    // Same length, first and last character (upper and lower case share their low bits) as a kept key.
    const near = 'CEF:0|V|P|1|1|N|3|cs1Label=rULE cs1=a cs2Label=Rxxe cs2=b cs3Label=Rule cs3=c cs4Label=Rule\\ cs4=d';
    expect(slots(near, ['Rule', 'rULE', 'cs1'])).toEqual(viaDict(near, ['Rule', 'rULE', 'cs1']));
    expect((slots(near, ['Rule']) as Record<string, string>).Rule).toBe('c');
    // A kept key holding an escaped character is named only through the decoded text.
    const escaped = 'CEF:0|V|P|1|1|N|3|cs1Label=Rule\\|X cs1=a cs2Label=p\\=q cs2=b cs3Label=x#011y cs3=c';
    for (const keys of [['Rule|X', 'p=q', 'x\ty'], ['Rule|X'], ['p=q', 'cs2']]) expect(slots(escaped, keys)).toEqual(viaDict(escaped, keys));
    expect(slots(escaped, ['Rule|X', 'p=q', 'x\ty'])).toEqual({ 'Rule|X': 'a', 'p=q': 'b', 'x\ty': 'c' });
  });

  it('a line with many labels (the linear dictionary fold) gives the same values', () => {
    const storm = Array.from({ length: 40 }, (_, i) => `cs${i % 7}Label=${i % 3 ? 'Rule' : 'Who'} cs${i % 5}=v${i}`).join(' ');
    const line = `CEF:0|V|P|1|1|N|3|act=1 ${storm}`;
    for (const keys of [['act', 'Rule', 'Who'], ['cs1', 'Who'], []]) expect(slots(line, keys)).toEqual(viaDict(line, keys));
  });

  it('agrees with the dictionary scan on random extensions', () => {
    const key = fc.constantFrom('cs1', 'cs2', 'cs1Label', 'cs2Label', 'RuleLabel', 'act', 'Rule', 'fname', 'msg', 'x', 'a.b', 'hdr_name');
    const value = fc.constantFrom('a', 'b c', 'Rule', 'act', 'cs1', 'x\\=y', 'p\\\\q', '#011t', '', ' k=v', 'u=1', '\\ z');
    const pairs = fc.array(fc.tuple(key, value), { maxLength: 12 });
    const keys = fc.subarray(['cs1', 'cs2', 'cs1Label', 'act', 'Rule', 'fname', 'msg', 'a', 'x', 'k', 'z', 'a.b', 'hdr_name']);
    const lead = fc.constantFrom('', ' ', 'junk ', '=', 'x\\=');
    fc.assert(fc.property(lead, pairs, keys, fc.constantFrom(undefined, 6), (l, ps, w, max) => {
      const line = `CEF:0|V|P|1|1|N|3|${l}${ps.map(([k, v]) => `${k}=${v}`).join(' ')}`;
      expect(slots(line, w, max)).toEqual(viaDict(line, w, max));
    }), { numRuns: 2000 });
  });

  // One plan serves every line of a parser: the key order of the line before is the template
  // the next line is read against. Lines that follow it, depart from it at any pair, or look
  // like it with other text must all give what a scan without that history gives.
  describe('with the key order of earlier lines as the template', () => {
    const keys = ['rt', 'request', 'act', 'Rule', 'dst', 'cs1', 'x'];
    function sequence(lines: string[], max = 65536): Array<Record<string, string> | string> {
      const plan = new CefKeyPlan(keys);
      return lines.map((line) => {
        const header: string[] = [];
        const at = readCefHeader(line, max, header);
        if (typeof at === 'string') return at;
        const values = new Array<string | undefined>(keys.length).fill(undefined);
        const failure = scanCefSlots(line, at, plan, values, max);
        if (failure) return failure;
        return Object.fromEntries(keys.flatMap((k, i) => (values[i] === undefined ? [] : [[k, values[i]!]])));
      });
    }
    const cef = (ext: string) => `CEF:0|V|P|1|1|N|3|${ext}`;

    it('reads lines that keep, change or break the key order as a scan without history does', () => {
      const lines = [
        'rt=1 request=https://a.example/p?q=1&r=2 act=block cs1Label=Rule cs1=first dst=10.0.0.1',
        'rt=2 request=https://a.example/p?q=3 act=allow cs1Label=Rule cs1=second dst=10.0.0.2',
        // `=` inside values, escaped, and a value ending in what looks like the next key
        'rt=3 request=https://b.example/?act=x\=y act=a\=b cs1Label=Rule cs1=p dst\=q dst=10.0.0.3',
        // a key that is a suffix of the template's next key, and one that extends it
        'rt=4 request=u xact=1 act=2 cs1Label=Rule cs1=s dst=d',
        'rt=5 request=u act=2 cs1Label=Rule cs1=s dst=d dstx=e',
        'rt=6 request=u act=2 cs1Label=Rule cs1=s dst=d dstx=e',
        // the last value gains a key; a value gains ` key=` escaped
        'rt=7 request=u act=2 cs1Label=Rule cs1=s dst=d dstx=e x=1',
        'rt=8 request=u act=2 cs1Label=Rule cs1=s dst=d dstx=e\ x\=1',
        // a label text changes, a label key repeats, a key goes missing
        'rt=9 request=u act=2 cs1Label=Other cs1=s dst=d dstx=e x=1',
        'rt=9 request=u act=2 cs1Label=Other cs1=s dst=d cs1Label=Rule x=1',
        'rt=10 act=2 cs1Label=Rule cs1=s dst=d x=1',
        'rt=10 act=2 cs1Label=Rule cs1=s dst=d x=1   ',
        'junk rt=11 act=2 cs1Label=Rule cs1=s dst=d x=1',
      ].map(cef);
      expect(sequence(lines)).toEqual(lines.map((l) => viaDict(l, keys)));
    });

    it('keeps a few key orders: lines cycling through more of them than it keeps still agree', () => {
      const orders = ['rt=1 act=a', 'act=a rt=1', 'rt=1 x=2 act=a', 'x=2 rt=1', 'cs1Label=Rule cs1=v rt=1', 'rt=1 cs1Label=Rule cs1=w'];
      const lines = Array.from({ length: 40 }, (_, i) => cef(orders[(i * 7) % orders.length]!.replace('1', String(i))));
      expect(sequence(lines)).toEqual(lines.map((l) => viaDict(l, keys)));
    });

    it('a line with more pairs than a template holds folds its own labels', () => {
      const many = Array.from({ length: 300 }, (_, i) => `k${i}=${i}`).join(' ');
      const lines = [cef('cs1Label=Rule cs1=a rt=1'), cef(`cs1Label=Rule ${many} cs1=b rt=2`), cef('cs1Label=Rule cs1=c rt=3')];
      expect(sequence(lines)).toEqual(lines.map((l) => viaDict(l, keys)));
      expect((sequence(lines)[1] as Record<string, string>).Rule).toBe('b');
    });

    it('a too-long value still rejects a line that has the template order', () => {
      const lines = [cef('rt=1 act=a x=b'), cef(`rt=1 act=${'a'.repeat(50)} x=b`), cef('rt=1 act=a x=b')];
      expect(sequence(lines, 20)).toEqual(lines.map((l) => viaDict(l, keys, 20)));
      expect(sequence(lines, 20)[1]).toBe('field-too-long');
    });

    it('agrees with a scan without history on random line sequences', () => {
      const key = fc.constantFrom('rt', 'request', 'act', 'xact', 'Rule', 'cs1', 'cs1Label', 'RuleLabel', 'dst', 'x');
      const value = fc.constantFrom('a', 'b c', 'Rule', 'x', 'u=1', 'p?act=1', 'x\\=y', ' act=2', '\\ act\\=2', '#011t', '');
      const line = fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 8 }).map((ps) => ps.map(([k, v]) => `${k}=${v}`).join(' '));
      // Mostly repeats of a few key orders with other values, as a sender writes them.
      const lines = fc.array(line, { minLength: 1, maxLength: 3 }).chain((bases) =>
        fc.array(fc.tuple(fc.nat(bases.length - 1), value), { maxLength: 10 }).map((picks) =>
          picks.map(([i, v]) => cef(bases[i]!.replace(/=[^ ]*/, `=${v}`)))));
      fc.assert(fc.property(lines, fc.constantFrom(undefined, 8), (ls, max) => {
        expect(sequence(ls, max)).toEqual(ls.map((l) => viaDict(l, keys, max)));
      }), { numRuns: 1500 });
    });

    // Key orders of one event kind share their first pairs and differ later: a template that
    // departs late hands the pairs read so far to the next one, which must give what a fresh scan gives.
    it('agrees on key orders sharing a prefix and departing at any pair', () => {
      const key = fc.constantFrom('rt', 'request', 'act', 'Rule', 'cs1', 'cs1Label', 'dst', 'x', 'y', 'z');
      const value = fc.constantFrom('a', 'b c', 'Rule', 'x', 'u=1', 'p?act=1', 'x\\=y', ' act=2', '', 'dst');
      const pairs = (min: number, maxLength: number) => fc.array(fc.tuple(key, value), { minLength: min, maxLength }).map((ps) => ps.map(([k, v]) => `${k}=${v}`));
      const lines = fc.tuple(pairs(1, 5), fc.array(pairs(0, 4), { minLength: 2, maxLength: 7 })).chain(([prefix, tails]) =>
        fc.array(fc.tuple(fc.nat(tails.length - 1), fc.nat(8), value), { maxLength: 14 }).map((picks) =>
          picks.map(([t, at, v]) => {
            const ps = [...prefix, ...tails[t]!];
            const i = at % ps.length;
            ps[i] = ps[i]!.replace(/=.*/, `=${v}`);
            return cef(ps.join(' '));
          })));
      fc.assert(fc.property(lines, (ls) => {
        expect(sequence(ls)).toEqual(ls.map((l) => viaDict(l, keys)));
      }), { numRuns: 2000 });
    });
  });
});
