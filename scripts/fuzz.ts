// Log fuzzer: mutates the sample logs and streams the mutants through a compiled bundle
// (program.parse → program.enrich → Engine.process), checking that
//   - nothing throws (parse, enrich, engine, record serialisation, finish),
//   - every line is accounted for: parsed + rejected == read,
//   - every line is handled in bounded time (fails when one line takes > --max-line-ms,
//     after subtracting garbage-collection pauses that overlap it; raw times are reported;
//     an event that makes the hourly sweep close idle scopes is allowed CLOSE_MS_PER_SCOPE
//     more per scope it closed: that work is bounded by the caps, not by the line),
//   - open sessions / asset sequences / histogram bins stay within the pack's caps.
//
//   npx tsx scripts/fuzz.ts [--lines 1000000] [--seed N] [--bundle DIR] [--max-line-ms 50]
//                           [--dump DIR]   (write failing lines there, base64)
//
// Without --bundle the content/ directory is compiled into a temporary directory and
// loaded through runtime/bundle.ts (manifest and sha256 checks), as `uebac run` would.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { compileDir, compileToDir, type IR } from '../compiler/compile.ts';
import { loadBundle } from '../runtime/bundle.ts';
import { lineCapBytes } from '../runtime/lines.ts';
import { Engine, type EngineSink } from '../runtime/engine.ts';
import type { ParseOutcome, Program } from '../runtime/program.ts';
import type { TimeGuard } from '../runtime/time-guard.ts';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const SAMPLE_FILES = ['examples/sample/officescan.log', 'examples/sample/usb.log'];

// ---- seeded randomness ------------------------------------------------------------------

/** Small seeded PRNG (xorshift128+ style on 32-bit halves); reproducible across platforms. */
export class Rand {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: number) {
    // splitmix32 to spread the seed over the state
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next(); this.b = next(); this.c = next(); this.d = next() | 1;
  }
  /** uint32 (sfc32) */
  u32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }
  float(): number { return this.u32() / 4294967296; }
  /** integer in [0, n) */
  int(n: number): number { return n <= 0 ? 0 : Math.floor(this.float() * n); }
  /** integer in [lo, hi] */
  range(lo: number, hi: number): number { return lo + this.int(hi - lo + 1); }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]!; }
  chance(p: number): boolean { return this.float() < p; }
  /** log-uniform integer in [lo, hi] */
  logInt(lo: number, hi: number): number { return Math.min(hi, Math.floor(Math.exp(Math.log(lo) + this.float() * (Math.log(hi + 1) - Math.log(lo))))); }
}

// ---- corpus ------------------------------------------------------------------------------

export function loadCorpus(root = ROOT): string[] {
  const out: string[] = [];
  for (const f of SAMPLE_FILES) for (const l of readFileSync(join(root, f), 'utf8').split('\n')) if (l !== '') out.push(l);
  return out;
}

// ---- mutations ---------------------------------------------------------------------------

/** A mutant: a string, or raw bytes (byte-level mutations). It may contain newlines. */
export type Mutant = string | Buffer;

export interface MutationContext {
  corpus: readonly string[];
  /** the runtime's line cap (longer lines are rejected unparsed) */
  lineCap: number;
  /** the pack's field cap */
  fieldCap: number;
}

/**
 * Longest mutant, in UTF-16 units. Stacked operators multiply sizes (a 1 MiB value repeated
 * 5,000 times by `dup-kv` is 5 G characters, past V8's string limit), so every operator's
 * result is cut here. It is far above the line reader's cap, so over-long lines are still
 * produced and still dropped by the reader's rules.
 */
export const MAX_MUTANT_CHARS = 1 << 21;

type Op = (r: Rand, s: string, ctx: MutationContext) => Mutant;

/** ` key=` boundaries of CEF/LEEF-ish extensions: [start of key, index of '='] */
function pairs(s: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const re = /(?:^|[ \t|^])([A-Za-z0-9_.[\]]{1,40})=/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) out.push([m.index + m[0].length - m[1]!.length - 1, m.index + m[0].length - 1]);
  return out;
}

/** [valueStart, valueEnd) of a random pair, or null */
function randomValue(r: Rand, s: string): [number, number, number] | null {
  const ps = pairs(s);
  if (ps.length === 0) return null;
  const i = r.int(ps.length);
  const valueStart = ps[i]![1] + 1;
  const valueEnd = i + 1 < ps.length ? ps[i + 1]![0] - 1 : s.length;
  return [ps[i]![0], valueStart, Math.max(valueStart, valueEnd)];
}

const WORDS = ['Trend Micro', 'TrendAI™', 'Apex Central', 'Control Manager', 'Deep Security', 'Deep Security Agent', 'ACME', 'Evil|Corp', 'Ünïcödé', 'x', '', ' ', 'CEF:0', 'LEEF:1.0', '__proto__', 'constructor', 'toString', '\\', '\\\\', '\\|', '700107', '700106', '0', '-1', '9'.repeat(40)];
const KEYS = ['rt', 'duser', 'suser', 'shost', 'dvchost', 'src', 'fname', 'sproc', 'cn1', 'cn2', 'cn3', 'cs1', 'cs2', 'cs3', 'cs4', 'cs4Label', 'cn2Label', 'fsize', 'msg', 'request', 'act', 'usrName', 'devTime', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'hdr_vendor', 'Device_Type', 'Permission', 'Device_Serial', 'a', 'k.1', 'k[0]', '_'];
const FILLERS = ['A', ' ', '=', '\\', '\\=', '\\\\', '#011', '#012', '|', 'é', '😀', '\u0000', ' a=', 'x ', '\t', '%', '\\|', '#'];
const CONTROL = ['\u0000', '\u0001', '\u0007', '\b', '\t', '\u000b', '\f', '\r', '\u001b', '\u001f', '\u007f', '\u0085', '\u00a0', '\u2028', '\u2029', '\ufeff', '\ufffe', '\uffff'];
const BAD_UTF8: number[][] = [[0xff], [0xfe], [0xc0, 0xaf], [0xc1, 0xbf], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc3], [0x80], [0xbf], [0xe2, 0x82], [0xf0, 0x9f, 0x98]];
const LEEF_DELIMS = ['^', 'x5E', '0x5E', '\\x5E', '\\t', '#011', '', '|', 'x7C', '=', 'x3D', 'xZZ', 'abc', '0x', 'x00', 'x0000', '\\x', ' ', ',', 'x09', 'X09', '0X7c', ';;'];

function randomText(r: Rand, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    const k = r.int(10);
    if (k < 6) s += String.fromCharCode(r.range(32, 126));
    else if (k < 7) s += r.pick(CONTROL);
    else if (k < 8) s += String.fromCharCode(r.range(0xa0, 0x2fff));
    else if (k < 9) s += r.pick(['\\', '=', '|', ' ', '#', '^']);
    else s += String.fromCodePoint(r.range(0x1f300, 0x1f64f));
  }
  return s;
}

function randomTime(r: Rand): string {
  const k = r.int(12);
  const d = () => String(r.int(100)).padStart(2, '0');
  switch (k) {
    case 0: return String(r.int(1e10)).padStart(r.pick([1, 9, 10, 11, 13, 16, 19, 20]), '9');
    case 1: return `${'9'.repeat(r.range(10, 30))}.${'9'.repeat(r.range(0, 30))}`;
    case 2: return `${r.pick(['Jan', 'Feb', 'Oct', 'Xyz', 'oct', 'OCTOBER', ''])} ${d()} ${r.pick(['0000', '0001', '1969', '1970', '2026', '9999', '99999', '-001'])} ${d()}:${d()}:${d()} GMT${r.pick(['+00:00', '+99:99', '-12:00', '+14', '', 'Z', '+1234567'])}`;
    case 3: return `${r.pick(['0000', '9999', '2026', '1900'])}-${d()}-${d()} ${d()}:${d()}:${d()}`;
    case 4: return '';
    case 5: return '-1';
    case 6: return 'NaN';
    case 7: return 'Infinity';
    case 8: return '1e308';
    case 9: return randomText(r, r.range(1, 40));
    case 10: return `Feb 30 2026 25:61:61 GMT+00:00`;
    default: return `Oct ${d()} 2026 ${d()}:${d()}:${d()}.${'1'.repeat(r.range(1, 20))} GMT+00:00`;
  }
}

function filler(r: Rand, n: number): string {
  if (r.chance(0.2)) return randomText(r, Math.min(n, 4096)).repeat(Math.max(1, Math.ceil(n / 4096))).slice(0, n);
  const f = r.pick(FILLERS);
  return f.repeat(Math.ceil(n / f.length)).slice(0, n);
}

function insertAt(r: Rand, s: string, piece: string): string {
  const at = r.int(s.length + 1);
  return s.slice(0, at) + piece + s.slice(at);
}

export const OPS: Record<string, { weight: number; op: Op }> = {
  'truncate': { weight: 6, op: (r, s) => s.slice(0, r.int(s.length + 1)) },
  'delete-range': { weight: 4, op: (r, s) => { const a = r.int(s.length + 1); const b = Math.min(s.length, a + r.logInt(1, 200)); return s.slice(0, a) + s.slice(b); } },
  'byte-flip': { weight: 8, op: (r, s) => {
    const b = Buffer.from(s, 'utf8');
    const n = r.range(1, 8);
    for (let i = 0; i < n && b.length; i++) {
      const at = r.int(b.length);
      b[at] = r.chance(0.5) ? b[at]! ^ (1 << r.int(8)) : r.int(256);
    }
    return b;
  } },
  'invalid-utf8': { weight: 5, op: (r, s) => {
    const b = Buffer.from(s, 'utf8');
    const at = r.chance(0.2) ? b.length : r.int(b.length + 1);
    return Buffer.concat([b.subarray(0, at), Buffer.from(r.pick(BAD_UTF8)), b.subarray(at)]);
  } },
  'control-chars': { weight: 6, op: (r, s) => {
    let out = s;
    const n = r.range(1, 10);
    for (let i = 0; i < n; i++) out = insertAt(r, out, r.pick(CONTROL).repeat(r.chance(0.1) ? r.range(2, 500) : 1));
    // A raw LF splits the line in two (as the line reader would); keep it rare.
    return r.chance(0.1) ? insertAt(r, out, r.pick(['\n', '\r\n', '\n\n'])) : out;
  } },
  'unicode': { weight: 4, op: (r, s) => insertAt(r, s, r.pick(['\ud800', '\udfff', '\udbff\udfff', '😀'.repeat(r.range(1, 50)), 'Ā'.repeat(r.range(1, 50)), '\u0301'.repeat(r.range(1, 200)), '\u202e', 'İ', 'ß'])) },
  'dup-kv': { weight: 7, op: (r, s) => {
    const v = randomValue(r, s);
    if (!v) return s;
    const pair = ' ' + s.slice(v[0], v[2]);
    const wanted = r.pick([1, 2, 3, 10, 100, 1000, r.chance(0.3) ? 5000 : 10]);
    // Within the mutant budget: the repeated copies alone could exceed the string limit.
    const times = Math.max(1, Math.min(wanted, Math.floor((MAX_MUTANT_CHARS - s.length) / pair.length)));
    return s.slice(0, v[2]) + pair.repeat(times) + s.slice(v[2]);
  } },
  'huge-value': { weight: 1.5, op: (r, s, ctx) => {
    const v = randomValue(r, s);
    const rest = v ? s.length - (v[2] - v[1]) : s.length + 3;
    const k = r.int(4);
    let n: number;
    if (k === 0) n = r.logInt(1024, 1 << 20); // up to 1 MiB
    else if (k === 1) n = ctx.fieldCap + r.range(-2, 2); // around the field cap
    else if (k === 2) n = Math.max(1, ctx.lineCap - rest + r.range(-3, 3)); // line length around the line cap
    else n = r.logInt(1, ctx.fieldCap);
    const value = filler(r, n);
    return v ? s.slice(0, v[1]) + value + s.slice(v[2]) : s + ' x=' + value;
  } },
  'cef-header': { weight: 7, op: (r, s) => {
    const body = s.indexOf('CEF:');
    let ext = s;
    let cut = body >= 0 ? body : 0;
    for (let i = 0; i < 7 && cut >= 0; i++) cut = s.indexOf('|', cut + 1);
    if (cut >= 0) ext = s.slice(cut + 1);
    const n = r.chance(0.8) ? 7 : r.int(9);
    const fields = [
      r.pick(['0', '1', '2', '', '00', '0.1', 'x']),
      r.chance(0.5) ? randomText(r, r.range(0, 20)) : r.pick(WORDS),
      r.chance(0.5) ? randomText(r, r.range(0, 20)) : r.pick(WORDS),
      r.pick(['2019', '', '1.0', randomText(r, 5)]),
      r.chance(0.6) ? r.pick(['700107', '700106', '700107*', '7001', '']) : randomText(r, r.range(0, 12)),
      r.chance(0.5) ? r.pick(['Device Access Control', 'Data Loss Prevention', '']) : randomText(r, r.range(0, 30)),
      r.pick(['3', '10', '-1', 'High', '', randomText(r, 3)]),
    ].slice(0, n).map((f) => (r.chance(0.1) ? f.replace(/\|/g, '\\|') : f));
    const prefix = r.pick(['CEF:', 'CEF:', 'CEF: ', '', 'cef:', '<134>Oct 01 08:05:52 apexcentral CEF:', '<134>1 2026-10-01T08:05:52Z h a - - - CEF:']);
    return prefix + fields.join('|') + (n >= 7 ? '|' : '') + (r.chance(0.9) ? ext : '');
  } },
  'leef': { weight: 6, op: (r, s) => {
    const ps = pairs(s);
    const kvs = ps.map(([k], i) => s.slice(k, i + 1 < ps.length ? ps[i + 1]![0] - 1 : s.length));
    const declared = r.pick(LEEF_DELIMS);
    const used = r.chance(0.6) ? (declared.length === 1 ? declared : r.pick(['^', '\t', '|', '#011'])) : r.pick(['\t', '^', '|', ' ', '#011', '\\t', '=']);
    const version = r.pick(['1.0', '2.0', '2', '1', '3.0', '', 'x']);
    const header = `LEEF:${version}|${r.pick(['Trend Micro', 'Deep Security', r.pick(WORDS)])}|${r.pick(['Deep Security Agent', 'Deep Security Manager', r.pick(WORDS)])}|${r.pick(['10.0', ''])}|${r.pick(['100', '4000000', '', randomText(r, 6)])}|`;
    return (r.chance(0.3) ? '<134>Oct 01 08:05:52 dsm ' : '') + header + (version.startsWith('2') && r.chance(0.8) ? declared + '|' : '') + kvs.join(used);
  } },
  'backslashes': { weight: 6, op: (r, s) => {
    const piece = r.pick(['\\', '\\=', '#011', '\\|', '\\\\|', '\\\\=', '\\n', '#0', '\\#011']).repeat(r.logInt(1, 20000));
    const v = randomValue(r, s);
    return v && r.chance(0.7) ? s.slice(0, v[1]) + piece + s.slice(v[1]) : insertAt(r, s, piece);
  } },
  'eq-storm': { weight: 3, op: (r, s) => insertAt(r, s, r.pick(['=', ' =', ' a=', 'a=', '==', ' .=', ' []=']).repeat(r.logInt(1, 20000))) },
  'time': { weight: 6, op: (r, s) => s.replace(/\brt=.*?(?= [A-Za-z0-9_]+=|$)/, () => `rt=${randomTime(r)}`) },
  'syslog': { weight: 4, op: (r, s) => {
    const body = s.indexOf('CEF:');
    const rest = body >= 0 ? s.slice(body) : s;
    const headers = ['', '<', '<>', '<1', '<999>', '<134>', '<134>Oct 01 08:05:52 ', '<134>Oct 01 2026 08:05:52 host tag[1]: ', '<134>1 - - - - - - ', '<134>1 2026-10-01T08:05:52.123456+02:00 host app 1 ID [sd@1 a="]"] ', '<134>2026-10-01T08:05:52Z host tag: ', 'Oct 01 08:05:52 host ', '<134>Oct 01 08:05:52 h1 <134>Oct 01 08:05:52 h2 ', randomText(r, r.range(1, 40))];
    return r.pick(headers) + rest;
  } },
  'splice': { weight: 4, op: (r, s, ctx) => { const o = r.pick(ctx.corpus); return s.slice(0, r.int(s.length + 1)) + o.slice(r.int(o.length + 1)); } },
  'shuffle-kv': { weight: 3, op: (r, s) => {
    const ps = pairs(s);
    if (ps.length < 2) return s;
    const head = s.slice(0, ps[0]![0]);
    const kvs = ps.map(([k], i) => s.slice(k, i + 1 < ps.length ? ps[i + 1]![0] - 1 : s.length));
    for (let i = kvs.length - 1; i > 0; i--) { const j = r.int(i + 1); [kvs[i], kvs[j]] = [kvs[j]!, kvs[i]!]; }
    return head + kvs.join(' ');
  } },
  'replace-value': { weight: 6, op: (r, s) => {
    const v = randomValue(r, s);
    if (!v) return s;
    const value = r.chance(0.5) ? randomText(r, r.logInt(1, 300)) : r.pick(['', ' ', '0', '-0', '1e999', 'NaN', 'null', 'true', '\\', '=', '|', '__proto__', 'constructor', 'CORP\\', '\\\\', r.pick(WORDS)]);
    return s.slice(0, v[1]) + value + s.slice(v[2]);
  } },
  'entity': { weight: 8, op: (r, s) => {
    // New users / hosts / devices: drives engine cardinality (sessions, model instances, bins).
    const id = r.u32().toString(36);
    return s
      .replace(/duser=CORP\\\\[^ ]+/, `duser=CORP\\\\u${r.chance(0.5) ? id : r.int(50)}`)
      .replace(/shost=[^ ]+/, `shost=WS-${r.chance(0.5) ? id : r.int(50)}`)
      .replace(/cs4=([0-9A-F]{16})/, () => `cs4=${r.u32().toString(16).padStart(8, '0')}${r.int(1 << 30).toString(16)}`);
  } },
  'odd-keys': { weight: 4, op: (r, s) => {
    const n = r.range(1, 6);
    let extra = '';
    for (let i = 0; i < n; i++) {
      const k = r.pick(KEYS);
      extra += r.chance(0.3) ? ` cs9Label=${k} cs9=${r.pick(WORDS)}` : ` ${k}=${r.pick(WORDS)}`;
    }
    return r.chance(0.5) ? s + extra : insertAt(r, s, extra);
  } },
  'label-storm': { weight: 1.5, op: (r, s) => {
    const n = r.logInt(1, 3000);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(`c${i}Label=${r.chance(0.1) ? r.pick(KEYS) : `L${i % 50}`} c${i}=v${i}`);
    return s + ' ' + parts.join(' ');
  } },
  'whitespace': { weight: 2, op: (r) => r.pick(['', ' ', '\t', '   \t ', '\r', '\u00a0', '\ufeff']) },
  'random-line': { weight: 2, op: (r) => randomText(r, r.logInt(1, 2000)) },
};

const OP_NAMES = Object.keys(OPS);
const OP_CUMULATIVE = (() => {
  let acc = 0;
  return OP_NAMES.map((n) => (acc += OPS[n]!.weight));
})();

function pickOp(r: Rand): string {
  const x = r.float() * OP_CUMULATIVE[OP_CUMULATIVE.length - 1]!;
  let i = 0;
  while (OP_CUMULATIVE[i]! <= x) i++;
  return OP_NAMES[i]!;
}

/** One mutant of a corpus line: 0–3 stacked operators (0 = the line itself, ~10%). */
export function mutateLine(r: Rand, line: string, ctx: MutationContext, forceOps?: readonly string[]): { mutant: Mutant; ops: string[] } {
  const ops = forceOps ? [...forceOps] : r.chance(0.1) ? [] : Array.from({ length: r.pick([1, 1, 1, 1, 2, 2, 3]) }, () => pickOp(r));
  let cur: Mutant = line;
  for (const name of ops) {
    const s = typeof cur === 'string' ? cur : decoder.decode(cur);
    cur = clampMutant(OPS[name]!.op(r, s, ctx));
  }
  return { mutant: cur, ops };
}

/** A mutant cut to MAX_MUTANT_CHARS (a Buffer to as many bytes: it decodes to no more characters). */
function clampMutant(m: Mutant): Mutant {
  return m.length <= MAX_MUTANT_CHARS ? m : typeof m === 'string' ? m.slice(0, MAX_MUTANT_CHARS) : m.subarray(0, MAX_MUTANT_CHARS);
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * What the line reader (runtime/lines.ts) makes of a mutant written as one line of a file:
 * the bytes split at LF, a CR before each LF dropped, each piece decoded as UTF-8 with
 * replacement characters (U+FFFD) for invalid bytes, and a piece longer than `maxLineBytes`
 * (the reader's cap, as `uebac run` sets it) cut to its first `maxLineBytes` bytes.
 */
export function asReadLines(m: Mutant, maxLineBytes = Infinity): string[] {
  const b = typeof m === 'string' ? Buffer.from(m, 'utf8') : m;
  const out: string[] = [];
  let start = 0;
  for (;;) {
    const nl = b.indexOf(10, start);
    const stop = nl < 0 ? b.length : nl;
    const end = stop - start > maxLineBytes ? start + maxLineBytes : stop > start && b[stop - 1] === 13 ? stop - 1 : stop;
    out.push(decoder.decode(b.subarray(start, end)));
    if (nl < 0) break;
    start = nl + 1;
  }
  return out;
}

// ---- the run -----------------------------------------------------------------------------

export interface FuzzOptions {
  lines: number;
  seed: number;
  /** per-line budget in ms (after subtracting overlapping GC pauses) */
  maxLineMs?: number;
  /** directory for failing lines (base64), for reproduction */
  dump?: string;
  corpus?: readonly string[];
  onProgress?(done: number, total: number): void;
}

export interface FuzzFailure {
  stage: 'parse' | 'outcome' | 'enrich' | 'process' | 'sink' | 'finish' | 'invariant' | 'time';
  line: number;
  ops: string[];
  message: string;
  /** first 200 characters of the line, JSON-escaped */
  preview: string;
  length: number;
}

export interface SlowLine {
  line: number;
  /** wall-clock time of parse + enrich + engine.process */
  ms: number;
  /** CPU time of the whole process (all threads) while the line ran: ≥ the line's own CPU time */
  cpuMs: number;
  /** part of `ms` overlapped by GC pauses */
  gcMs: number;
  /** part of `ms` spent in engine.process */
  engineMs: number;
  /** sessions and asset sequences the line's event closed (an hourly sweep closes every idle one) */
  closed: number;
  /** lines over budget: min of 3 warm re-runs of parse + enrich, plus engineMs */
  retimedMs?: number;
  ops: string[]; length: number; outcome: string; preview: string; /** the whole line, kept only when over budget */ text?: string }

export interface FuzzReport {
  seed: number;
  mutants: number;
  read: number;
  parsed: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  /** parsed events the time guard kept from the engine (as `uebac run` counts them) */
  timeRejected: Record<string, number>;
  exceptions: number;
  failures: FuzzFailure[];
  accountingOk: boolean;
  timing: { maxMs: number; p999Ms: number; p99Ms: number; meanMs: number; maxAdjustedMs: number; budgetMs: number; gcPauses: number; gcMaxMs: number; finishMs: number };
  slowest: SlowLine[];
  engine: { events: number; rulesFired: number; records: number; sessionsClosed: number; sessionsEvicted: number; assetSequencesEvicted: number; evictedBins: number; agedBins: number; maxOpenSessions: number; maxOpenAssets: number; maxBinsSeen: number; /** maxBins of the model holding maxBinsSeen */ maxBinsCap: number; modelInstances: number };
  caps: { maxOpenSessions: number; maxAssetSequences: number; maxBins: number[] };
  opsUsed: Record<string, number>;
  /** total measured time by first operator of the mutant ('none': unmutated lines) */
  msByOp: Record<string, number>;
  elapsedMs: number;
  ok: boolean;
}

/** Compile content/ into a temporary directory and load it as `uebac run` does. */
export async function loadContentProgram(contentDir = join(ROOT, 'content')): Promise<{ program: Program; dir: string; ir: IR }> {
  const { ir, diagnostics } = compileDir(contentDir);
  if (!ir) throw new Error(`content does not compile: ${diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}: ${d.message}`).join('; ')}`);
  const dir = mkdtempSync(join(tmpdir(), 'uebac-fuzz-'));
  await compileToDir(ir, dir);
  const { module } = await loadBundle(dir);
  return { program: module.instantiate(new Map()), dir, ir };
}

function preview(s: string): string {
  return JSON.stringify(s.length > 200 ? s.slice(0, 200) : s);
}

const MAX_FAILURES = 50;
/** Time allowed per session or sequence an event's sweep closes (measured: about 7 µs each). */
export const CLOSE_MS_PER_SCOPE = 0.05;

export async function runFuzz(program: Program, opts: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const budget = opts.maxLineMs ?? 50;
  const corpus = opts.corpus ?? loadCorpus();
  const ctx: MutationContext = { corpus, lineCap: Math.max(program.settings.maxFieldLength, 65536), fieldCap: program.settings.maxFieldLength };
  const r = new Rand(opts.seed);
  const readerCap = lineCapBytes(ctx.lineCap);

  const failures: FuzzFailure[] = [];
  let exceptions = 0;
  let records = 0;
  let sinkError: unknown = null;
  const sink: EngineSink = {
    rule(rec) { try { JSON.stringify(rec); records++; } catch (e) { sinkError = e; } },
    scope(rec) { try { JSON.stringify(rec); records++; } catch (e) { sinkError = e; } },
  };
  const engine = new Engine(program, sink);
  const caps = { maxOpenSessions: program.settings.maxOpenSessions, maxAssetSequences: program.settings.maxAssetSequences, maxBins: program.models.map((m) => m.maxBins) };

  const gc: Array<{ start: number; end: number }> = [];
  const obs = new PerformanceObserver((list) => { for (const e of list.getEntries()) gc.push({ start: e.startTime, end: e.startTime + e.duration }); });
  obs.observe({ entryTypes: ['gc'] });

  let times: Float64Array<ArrayBufferLike> = new Float64Array(Math.max(1024, Math.ceil(opts.lines * 1.05)));
  const candidates: Array<SlowLine & { start: number; end: number }> = [];
  const CANDIDATE_MS = Math.min(5, budget / 2);
  const opsUsed: Record<string, number> = {};
  const msByOp: Record<string, number> = {};
  const rejectedByReason: Record<string, number> = Object.create(null) as Record<string, number>;
  let read = 0;
  let parsed = 0;
  const guard = engine.timeGuard as TimeGuard<Extract<ParseOutcome, { ok: true }>>;
  const timeRejected: Record<string, number> = {};
  let rejected = 0;
  let mutants = 0;
  let maxOpenSessions = 0;
  let maxOpenAssets = 0;
  let invariantReported = false;
  const etCount = program.eventTypes.length;

  const fail = (stage: FuzzFailure['stage'], line: string, ops: string[], e: unknown, at = read) => {
    if (stage !== 'invariant' && stage !== 'time' && stage !== 'outcome') exceptions++;
    if (failures.length >= MAX_FAILURES) return;
    failures.push({ stage, line: at, ops, message: e instanceof Error ? `${e.name}: ${e.message}` : String(e), preview: preview(line), length: line.length });
    if (opts.dump) {
      mkdirSync(opts.dump, { recursive: true });
      writeFileSync(join(opts.dump, `${stage}-${at}.b64`), Buffer.from(line, 'utf8').toString('base64') + '\n');
    }
  };

  const BATCH = 2000;
  while (read < opts.lines) {
    const batchEnd = Math.min(opts.lines, read + BATCH);
    while (read < batchEnd) {
      const { mutant, ops } = mutateLine(r, r.pick(corpus), ctx);
      mutants++;
      for (const o of ops) opsUsed[o] = (opsUsed[o] ?? 0) + 1;
      for (const line of asReadLines(mutant, readerCap)) {
        if (read >= opts.lines) break;
        read++;
        const closed0 = closedScopes(engine);
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        let outcome: string;
        let out;
        try {
          out = program.parse(line);
        } catch (e) {
          fail('parse', line, ops, e);
          times = record(times, read, performance.now() - t0);
          continue;
        }
        let te = 0;
        if (out.ok) {
          let stage: FuzzFailure['stage'] = 'enrich';
          try {
            program.enrich(out.event, out.eventType);
            stage = 'process';
            te = performance.now();
            // Through the time guard, as `uebac run` does: a forged far-future time is held or
            // rejected there, never handed to the engine.
            const event = out;
            guard.offer(event, event.event, (e) => engine.process(e.event, e.eventType), (reason) => { timeRejected[reason] = (timeRejected[reason] ?? 0) + 1; });
            parsed++;
          } catch (e) {
            fail(stage, line, ops, e);
          }
          outcome = 'parsed';
          if (!(typeof out.event.time === 'number' && Number.isFinite(out.event.time)) || !(out.eventType >= 0 && out.eventType < etCount) || out.event.event_type !== program.eventTypes[out.eventType]!.name) {
            fail('outcome', line, ops, new Error(`bad event: time ${String(out.event.time)}, type ${out.eventType} ${String(out.event.event_type)}`));
          }
        } else {
          rejected++;
          outcome = out.reason;
          rejectedByReason[out.reason] = (rejectedByReason[out.reason] ?? 0) + 1;
          if (typeof out.reason !== 'string' || out.reason === '') fail('outcome', line, ops, new Error('reject without a reason'));
        }
        const t1 = performance.now();
        const ms = t1 - t0;
        const engineMs = te ? t1 - te : 0;
        times = record(times, read, ms);
        const key = ops.length ? ops[0]! : 'none';
        msByOp[key] = (msByOp[key] ?? 0) + ms;
        if (sinkError !== null) { fail('sink', line, ops, sinkError); sinkError = null; }
        if (ms > CANDIDATE_MS) {
          const cpu = process.cpuUsage(cpu0);
          candidates.push({ line: read, ms, cpuMs: (cpu.user + cpu.system) / 1000, gcMs: 0, engineMs, closed: closedScopes(engine) - closed0, ops, length: line.length, outcome, preview: preview(line), start: t0, end: t1, ...(ms > budget ? { text: line } : {}) });
          if (candidates.length > 4000) { candidates.sort((a, b) => b.ms - a.ms); candidates.length = 1000; }
        }
        if (engine.sessions.size > maxOpenSessions) maxOpenSessions = engine.sessions.size;
        if (engine.assets.size > maxOpenAssets) maxOpenAssets = engine.assets.size;
        if (!invariantReported && (engine.sessions.size > caps.maxOpenSessions || engine.assets.size > caps.maxAssetSequences)) {
          invariantReported = true;
          fail('invariant', line, ops, new Error(`open sessions ${engine.sessions.size} / asset sequences ${engine.assets.size} exceed the caps ${caps.maxOpenSessions} / ${caps.maxAssetSequences}`));
        }
      }
    }
    opts.onProgress?.(read, opts.lines);
    // Let the GC observer deliver its entries.
    await new Promise<void>((res) => setImmediate(res));
  }

  let maxBinsSeen = 0;
  let maxBinsCap = 0;
  let modelInstances = 0;
  engine.models.instances.forEach((map, i) => {
    for (const inst of map.values()) {
      modelInstances++;
      if (inst.bins.size > maxBinsSeen) { maxBinsSeen = inst.bins.size; maxBinsCap = caps.maxBins[i]!; }
      if (inst.bins.size > caps.maxBins[i]!) fail('invariant', '', [], new Error(`model ${program.models[i]!.id}: ${inst.bins.size} bins > maxBins ${caps.maxBins[i]}`));
    }
  });
  const f0 = performance.now();
  try {
    guard.flush((reason) => { timeRejected[reason] = (timeRejected[reason] ?? 0) + 1; }, (e) => engine.process(e.event, e.eventType));
    engine.finish();
  } catch (e) {
    fail('finish', '', [], e);
  }
  if (sinkError !== null) fail('sink', '', [], sinkError);
  const finishMs = performance.now() - f0;

  await new Promise<void>((res) => setTimeout(res, 20));
  for (const e of obs.takeRecords() as PerformanceEntry[]) gc.push({ start: e.startTime, end: e.startTime + e.duration });
  obs.disconnect();

  // Subtract GC pauses that overlap a slow line (they belong to the process, not the line).
  gc.sort((a, b) => a.start - b.start);
  for (const c of candidates) {
    let overlap = 0;
    for (const g of gc) {
      if (g.start >= c.end) break;
      if (g.end <= c.start) continue;
      overlap += Math.min(g.end, c.end) - Math.max(g.start, c.start);
    }
    c.gcMs = overlap;
  }
  candidates.sort((a, b) => b.ms - a.ms);
  let maxAdjustedMs = 0;
  // A line's own cost is bounded by each of: wall time minus overlapping GC pauses, CPU time
  // of the process during the line (excludes time the process was not scheduled), and a
  // warm re-run. The smallest bound is what the budget is checked against.
  for (const c of candidates) {
    let adjusted = Math.min(c.ms - c.gcMs, c.cpuMs);
    if (adjusted > budget && c.text !== undefined) {
      // Parse and enrich are pure: re-run them to tell a slow line from a noisy machine
      // (other processes, JIT); the engine part cannot be replayed and is kept as measured.
      let best = Infinity;
      for (let k = 0; k < 3; k++) {
        const a = performance.now();
        const o = program.parse(c.text);
        if (o.ok) program.enrich(o.event, o.eventType);
        best = Math.min(best, performance.now() - a);
      }
      c.retimedMs = best + c.engineMs;
      adjusted = Math.min(adjusted, c.retimedMs);
    }
    // Closing idle sessions and sequences at the hourly sweep is the stream's work, not this
    // line's: it is bounded by the open-scope caps, and allowed per scope closed.
    adjusted = Math.max(0, adjusted - c.closed * CLOSE_MS_PER_SCOPE);
    if (adjusted > maxAdjustedMs) maxAdjustedMs = adjusted;
    if (adjusted > budget) fail('time', c.text ?? (JSON.parse(c.preview) as string), c.ops, new Error(`took ${c.ms.toFixed(1)} ms (cpu ${c.cpuMs.toFixed(1)} ms, ${c.gcMs.toFixed(1)} ms of it GC, ${c.engineMs.toFixed(1)} ms engine, ${c.closed} scopes closed; re-run ${c.retimedMs?.toFixed(1) ?? '-'} ms) > ${budget} ms budget; ${c.length} chars, ${c.outcome}`), c.line);
  }

  const sorted = times.slice(1, read + 1).sort();
  const q = (p: number) => (read ? sorted[Math.min(read - 1, Math.floor(p * read))]! : 0);
  let total = 0;
  for (let i = 0; i < sorted.length; i++) total += sorted[i]!;
  // Lines that were never candidates count with their raw time (all ≤ CANDIDATE_MS).
  for (let i = read - 1; i >= 0; i--) if (sorted[i]! <= CANDIDATE_MS) { maxAdjustedMs = Math.max(maxAdjustedMs, sorted[i]!); break; }

  const accountingOk = parsed + rejected + exceptions === read && exceptions === 0 && engine.counters.events === parsed - Object.values(timeRejected).reduce((x, y) => x + y, 0);
  const report: FuzzReport = {
    seed: opts.seed,
    mutants,
    read,
    parsed,
    rejected,
    rejectedByReason: { ...rejectedByReason },
    timeRejected: { ...timeRejected },
    exceptions,
    failures,
    accountingOk,
    timing: {
      maxMs: read ? sorted[read - 1]! : 0,
      p999Ms: q(0.999),
      p99Ms: q(0.99),
      meanMs: read ? total / read : 0,
      maxAdjustedMs,
      budgetMs: budget,
      gcPauses: gc.length,
      gcMaxMs: gc.reduce((m, g) => Math.max(m, g.end - g.start), 0),
      finishMs,
    },
    slowest: candidates.slice(0, 5).map(({ start: _s, end: _e, text: _t, ...rest }) => rest),
    engine: {
      events: engine.counters.events,
      rulesFired: engine.counters.rulesFired,
      records,
      sessionsClosed: engine.counters.sessionsClosed,
      sessionsEvicted: engine.counters.sessionsEvicted,
      assetSequencesEvicted: engine.counters.assetSequencesEvicted,
      evictedBins: engine.models.counters.evictedBins,
      agedBins: engine.models.counters.agedBins,
      maxOpenSessions,
      maxOpenAssets,
      maxBinsSeen,
      maxBinsCap,
      modelInstances,
    },
    caps,
    opsUsed,
    msByOp,
    elapsedMs: performance.now() - started,
    ok: false,
  };
  report.ok = failures.length === 0 && accountingOk;
  return report;
}

/** Scopes the engine closed so far: sessions and asset sequences (day-sequences have no counter; they close with them at a day's end). */
function closedScopes(engine: Engine): number {
  return engine.counters.sessionsClosed + engine.counters.assetSequencesClosed;
}

function record(times: Float64Array<ArrayBufferLike>, i: number, ms: number): Float64Array<ArrayBufferLike> {
  if (i >= times.length) {
    const grown = new Float64Array(times.length * 2);
    grown.set(times);
    times = grown;
  }
  times[i] = ms;
  return times;
}

export function renderReport(rep: FuzzReport): string {
  const us = (ms: number) => `${(ms * 1000).toFixed(ms < 1 ? 1 : 0)} µs`;
  const l: string[] = [];
  l.push(`fuzz seed ${rep.seed}: ${rep.mutants} mutants → ${rep.read} lines read in ${(rep.elapsedMs / 1000).toFixed(1)} s`);
  l.push(`  parsed      ${rep.parsed}`);
  l.push(`  rejected    ${rep.rejected}  (${Object.entries(rep.rejectedByReason).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}: ${v}`).join(', ')})`);
  const timeRejects = Object.entries(rep.timeRejected).sort((a, b) => b[1] - a[1]);
  if (timeRejects.length) l.push(`  time guard  ${timeRejects.map(([k, v]) => `${k}: ${v}`).join(', ')} (parsed, not given to the engine)`);
  l.push(`  exceptions  ${rep.exceptions}`);
  l.push(`  accounting  parsed + rejected ${rep.accountingOk ? '==' : '!='} read (${rep.parsed} + ${rep.rejected} vs ${rep.read}; engine events ${rep.engine.events})`);
  const t = rep.timing;
  l.push(`  per line    mean ${us(t.meanMs)}, p99 ${us(t.p99Ms)}, p99.9 ${us(t.p999Ms)}, max ${t.maxMs.toFixed(2)} ms (max net of GC pauses, descheduling and the sweep allowance ${t.maxAdjustedMs.toFixed(2)} ms; budget ${t.budgetMs} ms)`);
  l.push(`  gc          ${t.gcPauses} pauses, longest ${t.gcMaxMs.toFixed(1)} ms; engine.finish ${t.finishMs.toFixed(1)} ms`);
  const e = rep.engine;
  l.push(`  engine      ${e.events} events, ${e.rulesFired} rules fired, ${e.records} records, ${e.sessionsClosed} sessions closed`);
  l.push(`  caps        open sessions max ${e.maxOpenSessions}/${rep.caps.maxOpenSessions} (evicted ${e.sessionsEvicted}), asset sequences max ${e.maxOpenAssets}/${rep.caps.maxAssetSequences} (evicted ${e.assetSequencesEvicted}), largest histogram ${e.maxBinsSeen} bins (its model's maxBins ${e.maxBinsCap}; evicted ${e.evictedBins}, aged ${e.agedBins}), ${e.modelInstances} model instances`);
  if (rep.slowest.length) {
    l.push('  slowest lines:');
    for (const s of rep.slowest) l.push(`    #${s.line} ${s.ms.toFixed(2)} ms (cpu ${s.cpuMs.toFixed(2)}, gc ${s.gcMs.toFixed(2)}, engine ${s.engineMs.toFixed(2)}, ${s.closed} scopes closed${s.retimedMs !== undefined ? `, re-run ${s.retimedMs.toFixed(2)}` : ''}), ${s.length} chars, ${s.outcome}, ops [${s.ops.join(', ')}]`);
  }
  if (rep.failures.length) {
    l.push(`  FAILURES (${rep.failures.length}${rep.failures.length >= MAX_FAILURES ? '+' : ''}):`);
    for (const f of rep.failures.slice(0, 20)) l.push(`    [${f.stage}] line ${f.line} ops [${f.ops.join(', ')}] ${f.message}\n      ${f.length} chars: ${f.preview}`);
  }
  l.push(rep.ok ? 'OK' : 'FAILED');
  return l.join('\n') + '\n';
}

function arg(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  if (v === undefined) throw new Error(`${name} needs a value`);
  return v;
}

async function main(argv: string[]): Promise<number> {
  const known = new Set(['--lines', '--seed', '--bundle', '--max-line-ms', '--dump']);
  for (let i = 0; i < argv.length; i += 2) if (!known.has(argv[i]!)) throw new Error(`unknown argument ${argv[i]} (use --lines N --seed N --bundle DIR --max-line-ms MS --dump DIR)`);
  const lines = Number(arg(argv, '--lines') ?? 1_000_000);
  const seed = Number(arg(argv, '--seed') ?? 1);
  const maxLineMs = Number(arg(argv, '--max-line-ms') ?? 50);
  if (!Number.isInteger(lines) || lines <= 0 || !Number.isInteger(seed) || !(maxLineMs > 0)) throw new Error('--lines and --seed must be integers, --max-line-ms positive');
  const bundle = arg(argv, '--bundle');
  let program: Program;
  let tmp: string | null = null;
  if (bundle) {
    program = (await loadBundle(bundle)).module.instantiate(new Map());
  } else {
    const loaded = await loadContentProgram();
    program = loaded.program;
    tmp = loaded.dir;
  }
  const tty = process.stderr.isTTY;
  const rep = await runFuzz(program, {
    lines, seed, maxLineMs, dump: arg(argv, '--dump'),
    onProgress: tty ? (d, n) => { if (d % 50_000 < 2000) process.stderr.write(`\r${d}/${n} lines`); } : undefined,
  });
  if (tty) process.stderr.write('\r\x1b[K');
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  process.stdout.write(renderReport(rep));
  return rep.ok ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (e: unknown) => { process.stderr.write(`fuzz: ${(e as Error).stack ?? (e as Error).message}\n`); process.exitCode = 2; },
  );
}
