// The dispatcher reads a CEF line's header once per distinct header text and scans extensions
// against the previous line's key order: a stream's answers must not depend on which lines came
// before. Each line is dispatched after a varied history and on its own; both must agree.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDispatcher, type ParserRoute } from '../../runtime/dispatch.ts';
import type { ParseOutcome } from '../../runtime/program.ts';

/** A route whose outcome carries what it was given: its id and its values (as the event's fields). */
function route(id: string, products: string[], signatures: string[], keys: string[]): ParserRoute {
  return {
    id, format: 'cef', vendors: ['V'], products, signatures, contains: [], keys,
    run: (values) => ({ ok: true, event: { id, values: [...values] } as never, eventType: 0, parser: id }),
  };
}

const routes = [
  route('web', ['P'], ['WB:*'], ['rt', 'request', 'act', 'Rule', 'hdr_name', 'hdr_severity']),
  route('dlp', ['P'], ['7001'], ['rt', 'fname', 'Channel', 'hdr_signature']),
  route('other', ['Q'], [], ['x', 'hdr_product']),
];

const dispatcher = () => createDispatcher(routes, { maxLineLength: 1 << 16, maxFieldLength: 64 });
const alone = (line: string): ParseOutcome => dispatcher()(line);

const LINES = [
  'CEF:0|V|P|1|WB:36|Web|3|rt=1 request=https://a/?q=1 act=block cs1Label=Rule cs1=r1',
  'CEF:0|V|P|1|WB:36|Web|3|rt=2 request=https://b/ act=allow cs1Label=Rule cs1=r2',
  'CEF:0|V|P|1|WB:36|Web|4|rt=3 act=allow',
  'CEF:0|V|P|1|7001|DLP|3|rt=4 fname=a b cn1Label=Channel cn1=usb',
  'CEF:0|V|P|1|7001|DLP|3|rt=5 cn1Label=Channel cn1=mail fname=c',
  'CEF:0|V|Q|1|9|N|3|x=1',
  // escaped pipes in the header; a header cut short by the end of the line, then the same text going on
  'CEF:0|V|P|1|WB:36|We\\|b|3|rt=6',
  'CEF:0|V|P|1|WB:36|Web|3\\|',
  'CEF:0|V|P|1|WB:36|Web|3\\|rt=7 act=x',
  'CEF:0|V|P|1|WB:36|Web|3',
  'CEF:0|V|P|1|WB:36|Web|3|',
  // a header that is another's prefix, rejects, and no parser
  'CEF:0|V|P|1|WB:3|Web|3|rt=8',
  'CEF:0|V|P|1|WB:36|Web|3|rt=9 junk=' + 'x'.repeat(80),
  'CEF:0|V|P|1|WB:36|Web|3|rt=10',
  'CEF:0|V|R|1|WB:36|Web|3|rt=11',
  '<134>Oct 01 07:00:00 host CEF:0|V|P|1|WB:36|Web|3|rt=12 act=y',
  // headers ending like a known one but differing before it (more than the few remembered)
  'CEF:0|V|P|2|WB:36|Web|3|rt=13 act=z',
  'CEF:0|V|Q|1|WB:36|Web|3|x=2',
  'CEF:1|V|P|1|WB:36|Web|3|rt=14',
  '0|V|P|1|WB:36|Web|3|rt=15',
  'CEF:0|V|P|1|WB:36|Wfb|3|rt=16',
];

describe('CEF dispatch with the previous line as context', () => {
  it('each line gives what it gives on its own, in file order and reversed', () => {
    for (const order of [LINES, [...LINES].reverse()]) {
      const d = dispatcher();
      for (const line of order) expect(d(line)).toEqual(alone(line));
    }
  });

  it('agrees on random sequences of these lines', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...LINES), { maxLength: 30 }), (lines) => {
      const d = dispatcher();
      for (const line of lines) expect(d(line)).toEqual(alone(line));
    }), { numRuns: 300 });
  });
});
