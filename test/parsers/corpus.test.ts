// Regression corpus: every parser sample (one or more per documented record kind, written from
// the vendor's syslog content-mapping pages) must parse as its YAML says, and its malformed
// variants must behave: truncated header, missing CEF/LEEF prefix → a reject with its reason;
// doubled spaces between pairs, trailing spaces, an extra escaped value → the same event.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { Event, ParseOutcome, Program } from '../../runtime/program.ts';
import { loadPack, ROOT } from './pack.ts';

interface Sample { parser: string; name: string; line: string; expect: Record<string, unknown> }

function samples(): Sample[] {
  const out: Sample[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.yaml')) {
        const doc = parseYaml(readFileSync(p, 'utf8')) as { id: string; tests?: Array<{ name: string; line: string; expect: Record<string, unknown> }> };
        for (const t of doc.tests ?? []) out.push({ parser: doc.id, name: t.name, line: t.line, expect: t.expect });
      }
    }
  };
  walk(join(ROOT, 'content/parsers'));
  return out;
}

let program: Program;
let dispose = () => {};
beforeAll(async () => { ({ program, dispose } = await loadPack()); }, 120_000);
afterAll(() => dispose());

const all = samples();
/** Samples that describe an accepted record with a time of its own (the payload's or the header's). */
const accepted = all.filter((s) => !('reject' in s.expect));

function parseAlone(line: string): ParseOutcome {
  program.setTimeAnchor(null);
  return program.parse(line);
}

/** The fields a variant must keep: event type, time, and every field the sample names. */
function fingerprint(ev: Event, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { event_type: ev.event_type, time: ev.time };
  for (const k of keys) out[k] = ev[k];
  return out;
}

const payloadStart = (line: string) => Math.max(line.indexOf('CEF:'), line.indexOf('LEEF:'));

describe('regression corpus: parser samples and their malformed variants', () => {
  it('has samples for every parser, and every accepted sample parses', () => {
    expect(accepted.length).toBeGreaterThan(60);
    for (const s of accepted) {
      const r = parseAlone(s.line);
      expect(r.ok, `${s.parser} › ${s.name}: ${r.ok ? '' : r.reason}`).toBe(true);
    }
  });

  it('a header cut before the extension is rejected as a truncated header', () => {
    for (const s of accepted) {
      const at = payloadStart(s.line);
      if (at < 0) continue;
      const cut = s.line.slice(0, s.line.indexOf('|', s.line.indexOf('|', at) + 1) + 1);
      const r = parseAlone(cut);
      expect(r.ok ? 'parsed' : r.reason, `${s.parser} › ${s.name}`).toMatch(/^truncated-(cef|leef)-header$/);
    }
  });

  it('a line without its CEF:/LEEF: prefix is rejected, never mis-parsed', () => {
    for (const s of accepted) {
      const at = payloadStart(s.line);
      if (at < 0) continue;
      const stripped = s.line.slice(0, at) + s.line.slice(s.line.indexOf('|', at) + 1);
      const r = parseAlone(stripped);
      expect(r.ok ? 'parsed' : r.reason, `${s.parser} › ${s.name}`).toMatch(/^(no-parser|unknown-source|not-cef|not-leef)$/);
    }
  });

  it('doubled spaces between CEF pairs, trailing spaces and an extra escaped value keep the event', () => {
    for (const s of accepted) {
      const at = payloadStart(s.line);
      if (at < 0 || !s.line.startsWith('CEF:', at)) continue;
      const base = parseAlone(s.line);
      if (!base.ok) continue;
      const keys = Object.keys(s.expect).filter((k) => k !== 'time' && k !== 'event_type');
      const want = fingerprint(base.event, keys);
      const headerEnd = nthPipe(s.line, at, 7) + 1;
      const ext = s.line.slice(headerEnd);
      const variants = {
        // `  key=` instead of ` key=` before every pair
        doubled: s.line.slice(0, headerEnd) + ext.replace(/ (?=[A-Za-z][A-Za-z0-9_]*=)/g, '  '),
        trailing: `${s.line}   `,
        escaped: `${s.line} corpusNote=a\\=b\\\\c`,
      };
      for (const [kind, line] of Object.entries(variants)) {
        const r = parseAlone(line);
        expect(r.ok, `${kind}: ${s.parser} › ${s.name}: ${r.ok ? '' : r.reason}`).toBe(true);
        if (!r.ok) continue;
        expect(fingerprint(r.event, keys), `${kind}: ${s.parser} › ${s.name}`).toEqual(want);
      }
    }
  });

  it('escaped \\= and \\\\ in values come out unescaped', () => {
    const r = parseAlone('CEF:0|Trend Micro|Apex Central|2019|700106|Data Loss Prevention|3|rt=Oct 01 2026 07:25:07 GMT+00:00 cs4=CORP\\\\ann cn2Label=Action cn2=4 cn3Label=Channel cn3=5 shost=WS-1 request=http://x.example/a?b\\=1 filePath=C:\\\\Users\\\\ann\\\\f.txt fname=f.txt');
    expect(r.ok && [r.event.full_url, r.event.user]).toEqual(['http://x.example/a?b=1', 'ann']);
  });
});

function nthPipe(line: string, from: number, n: number): number {
  let i = from - 1;
  for (let k = 0; k < n; k++) i = line.indexOf('|', i + 1);
  return i;
}

