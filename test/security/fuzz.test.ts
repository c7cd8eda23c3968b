// Hostile log lines: the fuzz core (scripts/fuzz.ts) on a fixed seed, plus fast-check
// properties on program.parse with arbitrary strings, CEF-shaped strings and mutated real
// lines. Logs are attacker-controlled: nothing may throw, every line is accounted for, and
// every line is handled in bounded time.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asReadLines, loadContentProgram, loadCorpus, MAX_MUTANT_CHARS, mutateLine, OPS, Rand, renderReport, runFuzz, type MutationContext } from '../../scripts/fuzz.ts';
import type { IR } from '../../compiler/compile.ts';
import { Engine } from '../../runtime/engine.ts';
import { compileTimeFormat } from '../../runtime/formats/timeformat.ts';
import { lineCapBytes, readLines } from '../../runtime/lines.ts';
import type { Event, Program } from '../../runtime/program.ts';

let program: Program;
let ir: IR;
let dir: string;
let engine: Engine;
const corpus = loadCorpus();
let ctx: MutationContext;
const MAX_TIME = 8.64e15; // the Date range: isoTime() throws outside it

beforeAll(async () => {
  ({ program, ir, dir } = await loadContentProgram());
  engine = new Engine(program, { rule: (r) => void JSON.stringify(r), scope: (s) => void JSON.stringify(s) });
  ctx = { corpus, lineCap: Math.max(program.settings.maxFieldLength, 65536), fieldCap: program.settings.maxFieldLength };
});
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

/** Parse a line and check the outcome's shape; run accepted events through enrich + engine. */
function check(line: string): void {
  const out = program.parse(line);
  if (!out.ok) {
    expect(typeof out.reason).toBe('string');
    expect(out.reason).not.toBe('');
    return;
  }
  const ev = out.event;
  expect(Number.isFinite(ev.time) && Math.abs(ev.time) <= MAX_TIME).toBe(true);
  expect(ev.event_type).toBe(program.eventTypes[out.eventType]!.name);
  conforms(ev, out.eventType);
  program.enrich(ev, out.eventType);
  engine.process(ev, out.eventType);
}

/** Parsed fields have their catalog types (null when absent). */
function conforms(ev: Event, et: number): void {
  for (const f of ir.eventTypes[et]!.fields) {
    const v = ev[f.name];
    if (v === null) continue;
    const ok = f.type === 'number' || f.type === 'time' ? typeof v === 'number' && Number.isFinite(v)
      : f.type === 'boolean' ? typeof v === 'boolean'
      : f.type === 'list' ? Array.isArray(v) && v.every((x) => typeof x === 'string')
      : f.type === 'string' || f.type === 'ip' ? typeof v === 'string'
      : true;
    if (!ok) throw new Error(`field ${f.name} (${f.type}) has ${JSON.stringify(v)}`);
  }
}

describe('fuzz core (scripts/fuzz.ts)', () => {
  it('20k mutated lines, fixed seed: no exception, exact accounting, every line within 50 ms, caps held', async () => {
    const rep = await runFuzz(program, { lines: 20_000, seed: 20_261_001, maxLineMs: 50 });
    const text = renderReport(rep);
    expect(rep.failures, text).toEqual([]);
    expect(rep.exceptions, text).toBe(0);
    expect(rep.read).toBe(20_000);
    expect(rep.parsed + rep.rejected, text).toBe(rep.read);
    expect(Object.values(rep.rejectedByReason).reduce((a, b) => a + b, 0)).toBe(rep.rejected);
    // Parsed events the time guard quarantines (forged far-future times) never reach the engine.
    expect(rep.engine.events).toBe(rep.parsed - Object.values(rep.timeRejected).reduce((a, b) => a + b, 0));
    expect(rep.timeRejected['time-out-of-range'] ?? 0).toBeGreaterThan(0);
    expect(rep.ok, text).toBe(true);
    expect(rep.timing.maxAdjustedMs, text).toBeLessThanOrEqual(50);
    // The corpus really exercised both sides: events reached the engine and rules fired,
    // and the hostile shapes were rejected for the expected reasons.
    expect(rep.parsed).toBeGreaterThan(2_000);
    expect(rep.engine.rulesFired).toBeGreaterThan(0);
    for (const reason of ['line-too-long', 'empty-line', 'unparseable-time', 'truncated-cef-header']) expect(rep.rejectedByReason[reason] ?? 0, reason).toBeGreaterThan(0);
    // Invalid bytes are replaced by the line reader and the line is parsed like any other.
    expect(rep.rejectedByReason['invalid-utf8']).toBeUndefined();
    expect(rep.engine.maxOpenSessions).toBeLessThanOrEqual(rep.caps.maxOpenSessions);
    expect(rep.engine.maxBinsSeen).toBeLessThanOrEqual(rep.engine.maxBinsCap); // every instance is checked against its own model's cap (a failure otherwise)
    for (const op of Object.keys(OPS)) expect(rep.opsUsed[op] ?? 0, op).toBeGreaterThan(0);
  });

  it('over-long lines and fields are rejected with a counted reason, not parsed', () => {
    const lineCap = Math.max(program.settings.maxFieldLength, 65536);
    const base = corpus.find((l) => l.includes('CEF:') && l.includes(' rt=') && program.parse(l).ok)!;
    expect(program.parse(base + ' msg=' + 'x'.repeat(lineCap))).toMatchObject({ ok: false, reason: 'line-too-long' });
    expect(program.parse('x'.repeat(1 << 20))).toMatchObject({ ok: false, reason: 'line-too-long' });
    // The field cap only binds when it is below the line cap (with the default 65536 both are
    // equal and an over-long field always makes an over-long line).
    const body = base.slice(base.indexOf('CEF:'));
    const field = program.settings.maxFieldLength + 1;
    if (body.length + field + 10 < lineCap) expect(program.parse(body.replace(/ rt=/, ` msg=${'y'.repeat(field)} rt=`))).toMatchObject({ ok: false, reason: 'field-too-long' });
    else expect(program.parse(body.replace(/ rt=/, ` msg=${'y'.repeat(field)} rt=`))).toMatchObject({ ok: false, reason: 'line-too-long' });
  });

  it('is reproducible: the same seed gives the same mutants', () => {
    const gen = (seed: number) => {
      const r = new Rand(seed);
      return Array.from({ length: 300 }, () => {
        const { mutant, ops } = mutateLine(r, r.pick(corpus), ctx);
        return `${ops.join('+')}:${Buffer.from(mutant as string).toString('base64')}`;
      });
    };
    expect(gen(42)).toEqual(gen(42));
    expect(gen(42)).not.toEqual(gen(43));
  });

  it('the fuzzer splits and decodes mutants exactly as the runtime line reader does', async () => {
    const r = new Rand(7);
    const mutants = Array.from({ length: 400 }, () => mutateLine(r, r.pick(corpus), ctx, [r.pick(['byte-flip', 'invalid-utf8', 'control-chars', 'unicode', 'whitespace'])]).mutant);
    const file = join(dir, 'mutants.log');
    writeFileSync(file, Buffer.concat(mutants.flatMap((m) => [typeof m === 'string' ? Buffer.from(m, 'utf8') : m, Buffer.from('\n')])));
    const expected = mutants.flatMap((m) => asReadLines(m));
    const actual: string[] = [];
    for await (const batch of readLines(file)) for (const l of batch) actual.push(l.text);
    expect(actual).toEqual(expected);
  });

  it('stacked operators stay within the mutant budget (a 1 MiB value duplicated 5,000 times is past the string limit)', () => {
    // One pair with a 1 MiB value, as `huge-value` makes it; `dup-kv` repeats it 1,000 or
    // 5,000 times for some seeds. Without the budget that is a RangeError (Invalid string length).
    const line = 'a=' + 'x'.repeat(1 << 20);
    let clamped = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const { mutant } = mutateLine(new Rand(seed), line, ctx, ['dup-kv', 'dup-kv']);
      expect(mutant.length).toBeLessThanOrEqual(MAX_MUTANT_CHARS);
      if (mutant.length === MAX_MUTANT_CHARS) clamped++;
    }
    expect(clamped).toBeGreaterThan(0);
  });

  it('an over-long mutant is cut to the reader cap exactly as the line reader cuts it', async () => {
    const cap = lineCapBytes(ctx.lineCap);
    const long = [Buffer.from('CEF:0|' + 'é'.repeat(cap) + '\n' + 'short tail', 'utf8'), Buffer.concat([Buffer.from('x'.repeat(cap - 1)), Buffer.from([0xe2, 0x82, 0xac, 0x41])])];
    const file = join(dir, 'long.log');
    writeFileSync(file, Buffer.concat(long.flatMap((m) => [m, Buffer.from('\n')])));
    const expected = long.flatMap((m) => asReadLines(m, cap));
    const actual: string[] = [];
    for await (const batch of readLines(file, 0, undefined, { maxLineBytes: cap })) for (const l of batch) actual.push(l.text);
    expect(actual).toEqual(expected);
    expect(program.parse(expected[0]!)).toMatchObject({ ok: false, reason: 'line-too-long' });
  });
});

describe('program.parse properties (fast-check)', () => {
  it('arbitrary strings (any UTF-16 units, lone surrogates included) never throw', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 3000 }), (s) => { check(s); }), { numRuns: 1500, seed: 1 });
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 500 }), (s) => { check(s); }), { numRuns: 500, seed: 2 });
  });

  it('CEF- and LEEF-shaped strings over an escape-heavy alphabet never throw', () => {
    const ch = fc.constantFrom('\\', '=', '|', ' ', '#', '0', '1', '3', 'a', 'k', 'L', '\t', '\r', 'é', '\u0000', '^', 'x');
    const text = fc.string({ unit: ch, maxLength: 40 });
    const key = fc.constantFrom('rt', 'duser', 'shost', 'cs4', 'cs4Label', 'cn2', 'cn3', 'fname', '__proto__', 'constructor', 'hdr_vendor', 'Device_Serial', 'a.b', 'k[0]');
    const pair = fc.tuple(key, text).map(([k, v]) => `${k}=${v}`);
    const vendor = fc.oneof(fc.constantFrom('Trend Micro', 'TrendAI™', 'Deep Security'), text);
    const product = fc.oneof(fc.constantFrom('Apex Central', 'Control Manager', 'Deep Security Agent'), text);
    const sig = fc.oneof(fc.constantFrom('700107', '700106', '100'), text);
    const cef = fc.tuple(fc.constantFrom('CEF:0|', 'CEF:1|', '0|', '<134>Oct 01 08:05:52 h CEF:0|'), vendor, product, text, sig, text, text, fc.array(pair, { maxLength: 12 }), fc.constantFrom(' ', '  ', '\t'))
      .map(([p, v, pr, dv, s, n, sev, kvs, sep]) => `${p}${v}|${pr}|${dv}|${s}|${n}|${sev}|${kvs.join(sep)}`);
    const leef = fc.tuple(fc.constantFrom('LEEF:1.0|', 'LEEF:2.0|', 'LEEF:2|'), vendor, product, text, sig, fc.constantFrom('', '^|', 'x5E|', '\\t|', '|', '=|', 'xZZ|'), fc.array(pair, { maxLength: 12 }), fc.constantFrom('\t', '^', '#011', ' ', '|'))
      .map(([p, v, pr, ver, id, d, kvs, sep]) => `${p}${v}|${pr}|${ver}|${id}|${d}${kvs.join(sep)}`);
    fc.assert(fc.property(fc.oneof(cef, leef), (s) => { check(s); }), { numRuns: 3000, seed: 3 });
  });

  it('mutated real lines never throw, and parsing is deterministic', () => {
    const names = Object.keys(OPS);
    const arb = fc.tuple(fc.nat(corpus.length - 1), fc.array(fc.constantFrom(...names), { minLength: 1, maxLength: 4 }), fc.integer());
    fc.assert(fc.property(arb, ([i, ops, seed]) => {
      const { mutant } = mutateLine(new Rand(seed), corpus[i]!, ctx, ops);
      for (const line of asReadLines(mutant)) {
        const a = program.parse(line);
        const b = program.parse(line);
        expect(JSON.stringify(a)).toBe(JSON.stringify(b));
        check(line);
      }
    }), { numRuns: 1500, seed: 4 });
  });

  it('time patterns of the content give NaN or an instant inside the Date range for any text', () => {
    const patterns = [...new Set(ir.parsers.flatMap((p) => p.timeFormats))];
    expect(patterns.length).toBeGreaterThan(0);
    const parsers = patterns.map((p) => compileTimeFormat(p));
    const digits = fc.string({ unit: fc.constantFrom('0', '1', '9', '.', ' ', '-', '+', ':'), maxLength: 40 });
    const dateish = fc.tuple(fc.constantFrom('Jan', 'Oct', 'oct', 'Feb', 'XYZ', ''), fc.integer({ min: -5, max: 99999 }), fc.integer({ min: -1, max: 99999 }), fc.integer({ min: -1, max: 99 }), fc.constantFrom('GMT+00:00', 'GMT+99:99', 'Z', '+14:00', '-23:59', 'PM', 'AM', ''))
      .map(([m, d, y, h, z]) => `${m} ${d} ${y} ${h}:${h}:${h} ${z}`);
    fc.assert(fc.property(fc.oneof(digits, dateish, fc.string({ maxLength: 60 })), (s) => {
      for (const parse of parsers) {
        const t = parse(s);
        if (!Number.isNaN(t)) {
          expect(Number.isFinite(t)).toBe(true);
          expect(Math.abs(t)).toBeLessThanOrEqual(MAX_TIME);
        }
      }
    }), { numRuns: 3000, seed: 5 });
  });
});
