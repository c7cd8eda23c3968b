// RFC 6587 framing and the event-time watermark, without sockets.
import { describe, expect, it } from 'vitest';
import { decodeMessage, splitPayload, SyslogFramer, toLine, type Incoming } from '../../runtime/serve/framing.ts';
import { Reorder } from '../../runtime/serve/reorder.ts';
import type { Event } from '../../runtime/program.ts';

const b = (s: string) => Buffer.from(s, 'utf8');
const texts = (ms: Incoming[]) => ms.map((m) => m.text);

describe('syslog framing', () => {
  it('splits LF frames and octet-counted frames, mixed on one connection', () => {
    const f = new SyslogFramer();
    const msg = '<134>Oct 01 07:01:28 host CEF:0|a|b';
    const r = f.push(b(`<13>first\n${Buffer.byteLength(msg)} ${msg}<13>third\r\n`));
    expect(texts(r.messages)).toEqual(['<13>first', msg, '<13>third']);
    expect(r.errors).toEqual([]);
  });

  it('reassembles frames cut at any byte', () => {
    const msgs = ['<1>a b c', '<2>é ü — multibyte', '<3>' + 'x'.repeat(300)];
    const wire = Buffer.concat([b(`${Buffer.byteLength(msgs[0]!)} ${msgs[0]}`), b(msgs[1] + '\n'), b(`${Buffer.byteLength(msgs[2]!)} ${msgs[2]}`)]);
    for (let cut = 1; cut < wire.length; cut += 7) {
      const f = new SyslogFramer();
      const out = texts([...f.push(wire.subarray(0, cut)).messages, ...f.push(wire.subarray(cut)).messages, ...f.end().messages]);
      expect(out, `cut at ${cut}`).toEqual(msgs);
    }
  });

  it('turns embedded line breaks of an octet-counted frame into spaces', () => {
    const m = '<1>line one\nline two\r\nthree';
    expect(texts(new SyslogFramer().push(b(`${Buffer.byteLength(m)} ${m}`)).messages)).toEqual(['<1>line one line two three']);
  });

  it('counts an absurd octet count and an endless LF frame as errors and resynchronises', () => {
    const f = new SyslogFramer(64);
    const r = f.push(b('99999999 junk junk\n<1>ok\n'));
    expect(r.errors.map((e) => e.reason)).toEqual(['frame-too-long']);
    expect(texts(r.messages)).toEqual(['<1>ok']);
    const g = new SyslogFramer(16);
    const r2 = g.push(b('<1>' + 'y'.repeat(40)));
    expect(r2.errors.map((e) => e.reason)).toEqual(['frame-too-long']);
    expect(texts(g.push(b('yyy\n<2>next\n')).messages)).toEqual(['<2>next']);
  });

  it('reports a connection closed inside an octet-counted frame', () => {
    const f = new SyslogFramer();
    f.push(b('20 <1>short'));
    expect(f.end().errors.map((e) => e.reason)).toEqual(['bad-octet-count']);
  });

  it('toLine strips trailers and replaces invalid UTF-8', () => {
    expect(toLine(Buffer.from([0x3c, 0x31, 0x3e, 0xff, 0x0a, 0x00]))).toBe('<1>\uFFFD');
    expect(decodeMessage(Buffer.from([0x3c, 0x31, 0x3e, 0xff]))).toEqual({ text: '<1>\uFFFD', repaired: 'invalid-utf8' });
    expect(decodeMessage(b('<1>é'))).toEqual({ text: '<1>é' });
  });

  it('splits a message payload into its lines, marking only the repaired one; an empty line is kept (counted as empty-line, as run does)', () => {
    const payload = Buffer.concat([b('<1>a\r\n\n<2>'), Buffer.from([0xc3]), b('\n<3>c\n')]);
    expect(splitPayload(payload)).toEqual([{ text: '<1>a' }, { text: '' }, { text: '<2>\uFFFD', repaired: 'invalid-utf8' }, { text: '<3>c' }]);
  });
});

describe('watermark', () => {
  const ev = (time: number) => ({ time, event_type: 'x' }) as Event;
  const push = (r: Reorder, seq: number, time: number) => r.push({ seq, line: String(seq), repaired: null, event: ev(time), eventType: 0 }).map((h) => h.seq);

  it('with no lateness passes events through in arrival order, counting older ones as late', () => {
    const r = new Reorder(0);
    expect([push(r, 1, 100), push(r, 2, 200), push(r, 3, 150), push(r, 4, 200)]).toEqual([[1], [2], [3], [4]]);
    expect(r.late).toBe(1);
  });

  it('holds events within the allowed lateness and releases them in event-time order', () => {
    const r = new Reorder(100);
    expect(push(r, 1, 1000)).toEqual([]);
    expect(push(r, 2, 950)).toEqual([]); // within lateness: reordered, not late
    expect(push(r, 3, 1060)).toEqual([2]); // watermark 960
    expect(push(r, 4, 1200)).toEqual([1, 3]); // watermark 1100
    expect(push(r, 5, 900)).toEqual([5]); // behind the watermark: late, released at once, still scored
    expect(r.late).toBe(1);
    expect(r.size).toBe(1);
    const saved = r.save();
    expect(saved.held).toEqual([[4, '4', 1200, null]]);
    expect(saved.maxTime).toBe(1200);
  });
});
