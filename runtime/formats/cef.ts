/**
 * CEF (ArcSight Common Event Format, rev 25) parser for the runtime hot path.
 *
 *   CEF:Version|Vendor|Product|DeviceVersion|SignatureID|Name|Severity|Extension
 *
 * One forward pass per line with indexOf/charCodeAt; no regex per field. Bad input
 * yields `{ ok: false, reason }` and never an exception, because the runtime writes
 * rejected lines with their reason to a rejects stream.
 *
 * The extension scanner and the header field reader are also used by leef.ts.
 */

export interface CefRecord {
  version: string;
  vendor: string;
  product: string;
  deviceVersion: string;
  signature: string;
  name: string;
  severity: string;
  /** Extension pairs, plus label-folded aliases (see foldLabels). Null prototype. */
  ext: Record<string, string>;
}

export type CefResult = { ok: true; record: CefRecord } | { ok: false; reason: string };

export interface FormatOptions {
  /** Longest accepted header field, key or raw value, in UTF-16 units. Default 65536. */
  maxFieldLength?: number;
  /**
   * CEF: the extension keys (or label texts) the caller reads. Other values are neither
   * decoded nor stored; label folding still sees every slot. Null or absent: keep all.
   */
  wanted?: ReadonlySet<string> | null;
}

export const DEFAULT_MAX_FIELD_LENGTH = 65536;

const SPACE = 32;
const BACKSLASH = 92;
const HASH = 35;
const EQUALS = 61;

export function parseCef(body: string, opts?: FormatOptions): CefResult {
  const max = maxFieldLength(opts);
  const header: string[] = [];
  const next = readCefHeader(body, max, header);
  if (typeof next === 'string') return { ok: false, reason: next };

  const ext: Record<string, string> = Object.create(null);
  const failure = scanCefDictionary(body, next, ext, max, opts?.wanted ?? null);
  if (failure) return { ok: false, reason: failure };

  const [version, vendor, product, deviceVersion, signature, name, severity] = header as [
    string, string, string, string, string, string, string,
  ];
  return { ok: true, record: { version, vendor, product, deviceVersion, signature, name, severity, ext } };
}

/**
 * Reads the seven CEF header fields of `body` from `start` into `out` (cleared first). Returns
 * where the extension starts, or the reject reason when the line is not (complete) CEF.
 */
export function readCefHeader(body: string, max: number, out: string[], start = 0): number | string {
  out.length = 0;
  if (typeof body !== 'string') return 'not-cef';
  let pos = start;
  while (body.charCodeAt(pos) === SPACE) pos++;
  let prefixed = false;
  if (body.startsWith('CEF:', pos)) {
    prefixed = true;
    pos += 4;
    while (body.charCodeAt(pos) === SPACE) pos++;
  } else if (!isBareVersion(body, pos)) {
    return 'not-cef';
  }

  let next = readHeaderFields(body, pos, 7, max, out);
  if (next < 0) return 'field-too-long';
  if (out.length < 7) {
    // Without the "CEF:" prefix only a complete header proves the line is CEF.
    if (!prefixed) return 'not-cef';
    // "…|Name|Severity" without the closing pipe: the severity ends the line.
    const rest = trimLineEnd(body, next);
    if (out.length !== 6 || rest === next) return 'truncated-cef-header';
    if (rest - next > max) return 'field-too-long';
    out.push(decodeHeaderField(body, next, rest));
    next = body.length;
  }
  return next;
}

/**
 * Whether the header read from `start` ended at its seventh pipe, so `body[start, extStart)` alone
 * decides its fields (a header cut short by the line's end ends at an escaped pipe at most).
 */
export function endsAtPipe(body: string, start: number, extStart: number): boolean {
  const pipe = extStart - 1;
  if (pipe < start || body.charCodeAt(pipe) !== 124 /* | */) return false;
  let slashes = 0;
  while (pipe - slashes - 1 >= start && body.charCodeAt(pipe - slashes - 1) === BACKSLASH) slashes++;
  return (slashes & 1) === 0;
}

/** The extension from `from` as a dictionary (every key, or the wanted ones), labels folded. */
export function scanCefDictionary(body: string, from: number, ext: Record<string, string>, max: number, wanted: ReadonlySet<string> | null): string {
  const labelKeys: string[] = [];
  SKIPPED.length = 0;
  const failure = scanSpacedPairs(body, from, ext, max, true, labelKeys, wanted, SKIPPED);
  if (failure) return failure;
  if (labelKeys.length > 0) foldLabels(ext, labelKeys, wanted, body);
  return '';
}

/** `0|` or `1|` at pos: a CEF header whose "CEF:" prefix was stripped by a relay. */
function isBareVersion(s: string, pos: number): boolean {
  const c = s.charCodeAt(pos);
  return (c === 48 || c === 49) && s.charCodeAt(pos + 1) === 124 /* | */;
}

export function maxFieldLength(opts: FormatOptions | undefined): number {
  const max = opts?.maxFieldLength;
  return typeof max === 'number' && max >= 0 ? max : DEFAULT_MAX_FIELD_LENGTH;
}

// ---------------------------------------------------------------------------
// Header fields

/**
 * Reads up to `count` pipe-terminated header fields starting at `pos` into `out`,
 * decoding `\|` and `\\`. Returns the index after the last pipe consumed (so
 * `out.length < count` means the header ran out), or -1 if a field exceeds `max`.
 */
export function readHeaderFields(s: string, pos: number, count: number, max: number, out: string[]): number {
  // The next backslash, searched once for all fields (most headers have none, and the first
  // one may be far into the extension).
  let slash = -2;
  while (out.length < count) {
    const pipe = unescapedPipe(s, pos);
    if (pipe < 0) break;
    if (pipe - pos > max) return -1;
    if (slash !== -1 && slash < pos) slash = s.indexOf('\\', pos);
    out.push(slash < 0 || slash >= pipe ? s.slice(pos, pipe) : decodeHeaderField(s, pos, pipe));
    pos = pipe + 1;
  }
  return pos;
}

/** Index of the next `|` not escaped by an odd run of backslashes, or -1. */
function unescapedPipe(s: string, pos: number): number {
  let pipe = s.indexOf('|', pos);
  while (pipe >= 0) {
    let slashes = 0;
    while (pipe - slashes - 1 >= pos && s.charCodeAt(pipe - slashes - 1) === BACKSLASH) slashes++;
    if ((slashes & 1) === 0) return pipe;
    pipe = s.indexOf('|', pipe + 1);
  }
  return -1;
}

/** Header escapes are only `\|` and `\\`; any other backslash is kept as written. */
export function decodeHeaderField(s: string, start: number, end: number): string {
  let bs = s.indexOf('\\', start);
  if (bs < 0 || bs >= end) return s.slice(start, end);
  let out = '';
  let last = start;
  for (; bs >= 0 && bs < end - 1; bs = s.indexOf('\\', bs + 1)) {
    const n = s.charCodeAt(bs + 1);
    if (n === BACKSLASH || n === 124 /* | */) {
      out += s.slice(last, bs);
      last = bs + 1; // keep the escaped character itself
      bs++;
    }
  }
  return out + s.slice(last, end);
}

// ---------------------------------------------------------------------------
// Extension: `key=value key=value`, values may contain spaces

/**
 * Parses space-separated `key=value` pairs in `s` from `from` to the end into `ext`.
 *
 * A value runs until the next ` key=`, where a key is made of letters, digits, `_`,
 * `.`, `[` and `]`. An `=` that is escaped, or not preceded by ` key`, stays in the
 * value (many senders forget to escape `=` in URLs). Trailing spaces of a value and
 * the line terminator are dropped. Text before the first key is ignored.
 *
 * With `backslashEscapes` the CEF value escapes are decoded; rsyslog's `#0oo` control
 * escapes are always decoded. Keys ending in "Label" are appended to `labelKeys`.
 * Returns a failure reason, or '' on success. Duplicate keys: the last one wins.
 */
export function scanSpacedPairs(
  s: string,
  from: number,
  ext: Record<string, string>,
  max: number,
  backslashEscapes: boolean,
  labelKeys: string[] | null,
  wanted: ReadonlySet<string> | null = null,
  skipped: Array<string | number> | null = null,
): string {
  const end = trimLineEnd(s, from);
  const decoder = new ValueDecoder(s, backslashEscapes);

  let keyStart = firstKeyStart(s, from, end);
  if (keyStart < 0) return '';
  let eq = s.indexOf('=', keyStart);

  for (;;) {
    if (eq - keyStart > max) return 'field-too-long';
    const key = s.slice(keyStart, eq);
    const valueStart = eq + 1;

    // Find where this value ends: at the next ` key=`.
    let nextEq = s.indexOf('=', valueStart);
    let nextKey = -1;
    while (nextEq >= 0 && nextEq < end) {
      nextKey = keyStartBefore(s, nextEq, valueStart, false);
      if (nextKey >= 0) break;
      nextEq = s.indexOf('=', nextEq + 1);
    }
    const found = nextKey >= 0 && nextEq >= 0 && nextEq < end;
    let valueEnd = found ? nextKey - 1 : end;
    while (valueEnd > valueStart && s.charCodeAt(valueEnd - 1) === SPACE) valueEnd--;

    if (valueEnd - valueStart > max) return 'field-too-long';
    const label = labelKeys !== null && isLabelKey(key);
    if (wanted === null || label || wanted.has(key)) {
      ext[key] = decoder.decode(valueStart, valueEnd);
      if (label) labelKeys.push(key);
    } else if (skipped !== null) {
      // Not read by any parser, but a label may still name it: remember where it was.
      skipped.push(key, valueStart, valueEnd);
    }

    if (!found) return '';
    keyStart = nextKey;
    eq = nextEq;
  }
}

/**
 * Where the extension's first key starts (its `=` is the first one after it: `=` is not a key
 * character), or -1 when `s[from, end)` holds no pair. The first key may sit right at `from`;
 * later keys need a space before them. Text before it is ignored.
 */
function firstKeyStart(s: string, from: number, end: number): number {
  for (let eq = s.indexOf('=', from); eq >= 0 && eq < end; eq = s.indexOf('=', eq + 1)) {
    const keyStart = keyStartBefore(s, eq, from, true);
    if (keyStart >= 0) return keyStart;
  }
  return -1;
}

/** `xLabel` with a non-empty `x`; the last-letter test keeps this cheap for other keys. */
function isLabelKey(key: string): boolean {
  return key.charCodeAt(key.length - 1) === 108 /* l */ && key.length > 5 && key.endsWith('Label');
}

/**
 * Given an `=` at `eq`, returns where its key starts, or -1 when the `=` is not a key
 * boundary. Walks back over key characters but never before `lo`; the key must be
 * preceded by a space, or start exactly at `lo` when `atStart`.
 *
 * Each walk stops at the previous `=` at the latest (it is not a key character), so
 * all walks together stay linear in the line length.
 */
function keyStartBefore(s: string, eq: number, lo: number, atStart: boolean): number {
  let k = eq - 1;
  while (k >= lo && isKeyChar(s.charCodeAt(k))) k--;
  if (k === eq - 1) return -1; // empty key
  if (k < lo) return atStart ? lo : -1;
  return s.charCodeAt(k) === SPACE ? k + 1 : -1;
}

/** Key characters: A-Z a-z 0-9 _ . [ ] (a table lookup is cheaper than the comparisons). */
const KEY_CHARS = (() => {
  const table = new Uint8Array(128);
  const allowed = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.[]';
  for (let i = 0; i < allowed.length; i++) table[allowed.charCodeAt(i)] = 1;
  return table;
})();

function isKeyChar(c: number): boolean {
  return c < 128 && KEY_CHARS[c] === 1;
}

/** End of s after dropping a trailing line terminator and spaces (never before from). */
function trimLineEnd(s: string, from: number): number {
  let end = s.length;
  while (end > from) {
    const c = s.charCodeAt(end - 1);
    if (c !== 10 && c !== 13 && c !== SPACE) break;
    end--;
  }
  return end;
}

/**
 * Decodes values of one line. It remembers the next `\` and `#` positions so that
 * values without escapes (the vast majority) are plain slices, and the line is
 * searched for each special character only once overall.
 */
class ValueDecoder {
  private nextSlash = -2;
  private nextHash = -2;

  constructor(
    private s: string,
    private readonly backslashEscapes: boolean,
  ) {}

  /** Start over on another line (one decoder serves the slot scan of every line). */
  reset(s: string): void {
    this.s = s;
    this.nextSlash = -2;
    this.nextHash = -2;
  }

  decode(start: number, end: number): string {
    const s = this.s;
    if (this.backslashEscapes && this.nextSlash !== -1 && this.nextSlash < start) {
      this.nextSlash = s.indexOf('\\', start);
    }
    if (this.nextHash !== -1 && this.nextHash < start) this.nextHash = s.indexOf('#', start);
    const slash = this.backslashEscapes && this.nextSlash >= 0 && this.nextSlash < end;
    const hash = this.nextHash >= 0 && this.nextHash < end;
    if (!slash && !hash) return s.slice(start, end);
    const first = slash && hash ? Math.min(this.nextSlash, this.nextHash) : slash ? this.nextSlash : this.nextHash;
    return decodeEscapes(s, first, start, end, this.backslashEscapes);
  }
}

/** Decodes only rsyslog's `#0oo` control escapes in one value (for LEEF, which has no backslash escapes). */
export function decodeControlEscapes(value: string): string {
  const hash = value.indexOf('#');
  return hash < 0 ? value : decodeEscapes(value, hash, 0, value.length, false);
}

/**
 * Slow path for a value holding `\` or `#`, scanning from `first`.
 * `\\` `\=` `\n` `\r` `\|` are CEF escapes; any other backslash is kept. `#000`-`#037`
 * are rsyslog's octal escapes of control characters (`#011` TAB, `#012` LF, `#015`
 * CR). Higher `#0oo` codes are printable characters rsyslog never escapes, so text
 * such as "room #045" is left alone.
 */
function decodeEscapes(s: string, first: number, start: number, end: number, backslashEscapes: boolean): string {
  let out = '';
  let last = start;
  for (let i = first; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === BACKSLASH && backslashEscapes && i + 1 < end) {
      const decoded = backslashEscape(s.charCodeAt(i + 1));
      if (decoded !== '') {
        out += s.slice(last, i) + decoded;
        i++;
        last = i + 1;
      }
    } else if (c === HASH && i + 3 < end && isControlEscape(s, i)) {
      out += s.slice(last, i) + String.fromCharCode(octal(s.charCodeAt(i + 2)) * 8 + octal(s.charCodeAt(i + 3)));
      i += 3;
      last = i + 1;
    }
  }
  return out + s.slice(last, end);
}

function backslashEscape(c: number): string {
  switch (c) {
    case BACKSLASH:
      return '\\';
    case 61: // =
      return '=';
    case 110: // n
      return '\n';
    case 114: // r
      return '\r';
    case 124: // | (not required in extensions, but some senders escape it)
      return '|';
    default:
      return '';
  }
}

/** `#0` then an octal digit 0-3 then an octal digit 0-7 at i. */
function isControlEscape(s: string, i: number): boolean {
  const d1 = s.charCodeAt(i + 2);
  const d2 = s.charCodeAt(i + 3);
  return s.charCodeAt(i + 1) === 48 && d1 >= 48 && d1 <= 51 && d2 >= 48 && d2 <= 55;
}

function octal(c: number): number {
  return c - 48;
}

// ---------------------------------------------------------------------------
// Label folding

/**
 * For each `xLabel=Text` whose slot `x` is present (cs3, cn1, cfp1, flexString2,
 * deviceCustomDate1, c6a2, cnt, ...), also expose the slot's value under `Text`, so
 * content can say `Channel` instead of "cn3, when cn3Label is Channel".
 *
 * A label text that is already a key (a real extension key, or an earlier label)
 * is skipped so folding never overwrites data; the first slot in line order wins.
 */
function foldLabels(ext: Record<string, string>, labelKeys: readonly string[], wanted: ReadonlySet<string> | null, line: string): void {
  for (const labelKey of labelKeys) {
    const label = ext[labelKey];
    // A label text no parser reads need not be folded. A wanted one that is also a real
    // key of the line was kept by the scanner, so the `in ext` test below still sees it.
    if (label === undefined || label === '' || (wanted !== null && !wanted.has(label))) continue;
    const slot = labelKey.slice(0, -5);
    const value = ext[slot] ?? (wanted !== null ? skippedValue(line, slot) : undefined);
    // `in` is safe here: ext has no prototype, so only own keys answer.
    if (value === undefined || label in ext) continue;
    ext[label] = value;
  }
}

const DECODER = new ValueDecoder('', true);

/** Keys the scanner skipped on the current line, as (key, value start, value end) triples. */
const SKIPPED: Array<string | number> = [];

/** The decoded value of a skipped key (the last occurrence wins, as for kept keys). */
function skippedValue(line: string, key: string): string | undefined {
  for (let i = SKIPPED.length - 3; i >= 0; i -= 3) {
    if (SKIPPED[i] === key) return new ValueDecoder(line, true).decode(SKIPPED[i + 1] as number, SKIPPED[i + 2] as number);
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Slot scan (the run path)

/**
 * The raw keys one parser reads, each with a slot: the scanner writes a kept value straight
 * into `values[slot]` (no per-line dictionary). Keys are found by a hash the scanner computes
 * while it walks back over a key's characters anyway (see scanCefSlots), then confirmed with
 * one `startsWith`, so a key nobody reads costs neither a slice nor a decode.
 */
export class CefKeyPlan {
  readonly keys: readonly string[];
  /** Open addressing by key hash: entry index + 1, 0 for empty. */
  private readonly table: Int32Array;
  private readonly mask: number;
  private readonly hashes: Int32Array;
  private readonly bySlot = new Map<string, number>();
  /** The keys as a set (the dictionary scan's wanted set). */
  readonly wanted: ReadonlySet<string>;
  /** The key orders of the last lines scanned with this plan, most recently used first (scanCefSlots). */
  readonly templates: KeyTemplate[] = [];
  /**
   * Per key length (below NAME_FILTER_LENGTHS): bits of the first characters (low five bits),
   * then of the last characters, of the keys of that length; null when some key holds a
   * character an escape decodes to (then only the decoded text can tell).
   */
  private readonly nameFilter: Uint32Array | null;

  constructor(keys: readonly string[]) {
    this.keys = keys;
    this.wanted = new Set(keys);
    let size = 8;
    while (size < keys.length * 4) size *= 2;
    this.table = new Int32Array(size);
    this.mask = size - 1;
    this.hashes = new Int32Array(keys.length);
    keys.forEach((k, slot) => {
      this.bySlot.set(k, slot);
      const h = keyHash(k, 0, k.length);
      this.hashes[slot] = h;
      let i = h & this.mask;
      while (this.table[i] !== 0) i = (i + 1) & this.mask;
      this.table[i] = slot + 1;
    });
    this.nameFilter = nameFilterOf(keys);
  }

  /**
   * False when the raw value `s[start, end)` cannot decode to one of the plan's keys: a key
   * without escape characters (`\`, `#`, `=`, `|`, controls) is only the decoding of its own
   * text, since every escape decodes to one of them, so the text must have a key's length and its
   * first and last characters. True when it may (the caller decodes and looks it up).
   */
  mayName(s: string, start: number, end: number): boolean {
    const filter = this.nameFilter;
    const len = end - start;
    if (filter === null || len === 0) return true;
    if (len >= NAME_FILTER_LENGTHS) return false;
    return (filter[len]! & (1 << (s.charCodeAt(start) & 31))) !== 0 && (filter[NAME_FILTER_LENGTHS + len]! & (1 << (s.charCodeAt(end - 1) & 31))) !== 0;
  }

  /** The slot of the key `s[start, end)` whose keyHash is `hash`, or -1. */
  find(s: string, start: number, end: number, hash: number): number {
    const len = end - start;
    for (let i = hash & this.mask; ; i = (i + 1) & this.mask) {
      const e = this.table[i]!;
      if (e === 0) return -1;
      const slot = e - 1;
      if (this.hashes[slot] === hash) {
        const key = this.keys[slot]!;
        if (key.length === len && s.startsWith(key, start)) return slot;
      }
    }
  }

  /** The slot of the key `s[start, end)`, or -1. */
  findAt(s: string, start: number, end: number): number {
    return this.find(s, start, end, keyHash(s, start, end));
  }

  /** The slot of a key given as a string, or -1. */
  slotOf(key: string): number {
    return this.bySlot.get(key) ?? -1;
  }
}

/** Keys up to this long (exclusive) are in a plan's name filter; a plan with a longer key has none. */
const NAME_FILTER_LENGTHS = 64;

function nameFilterOf(keys: readonly string[]): Uint32Array | null {
  const filter = new Uint32Array(2 * NAME_FILTER_LENGTHS);
  for (const key of keys) {
    const len = key.length;
    if (len === 0) continue;
    if (len >= NAME_FILTER_LENGTHS) return null;
    for (let k = 0; k < len; k++) {
      const c = key.charCodeAt(k);
      if (c < 32 || c === BACKSLASH || c === HASH || c === EQUALS || c === 124 /* | */) return null;
    }
    filter[len] = filter[len]! | (1 << (key.charCodeAt(0) & 31));
    filter[NAME_FILTER_LENGTHS + len] = filter[NAME_FILTER_LENGTHS + len]! | (1 << (key.charCodeAt(len - 1) & 31));
  }
  return filter;
}

/** The hash of a key's characters, taken from the last one back (the order the scanner sees them). */
function keyHash(s: string, start: number, end: number): number {
  let h = 0;
  for (let k = end - 1; k >= start; k--) h = (Math.imul(h, 31) + s.charCodeAt(k)) | 0;
  return h;
}

/**
 * The keys of a line a plan scanned, in line order. A sender writes one key order per event
 * kind (or a few), so on a later line the key expected after a value is confirmed at an `=` with
 * one comparison (no walk back over its characters, no hash lookup). A line with exactly
 * these keys also reuses the label-folding decisions that depend only on the key order.
 */
class KeyTemplate {
  count = 0;
  keys: string[] = [];
  /** Plan slot per key, -1 when not kept. */
  slots = new Int32Array(MAX_TEMPLATE_KEYS);
  fold = new FoldPlan();
}

/** Lines with more pairs than this are not remembered as a template (memory stays small). */
const MAX_TEMPLATE_KEYS = 256;
/** Key orders remembered per plan (one parser may take a few variants of one event kind). */
const MAX_TEMPLATES = 4;

/** Per pair of the current line: key start, `=`, value end, key hash, plan slot (-1: not kept). */
const STRIDE = 5;
let PAIRS: Int32Array = new Int32Array(STRIDE * 256);
/** Pair indexes of the current line's `xLabel` keys. */
let LABELS: Int32Array = new Int32Array(64);

/**
 * The run path's extension scan: the same pairs as scanSpacedPairs with CEF escapes (same
 * key boundaries, trimming, `field-too-long` for any key or value, wanted or not), but only
 * the plan's keys are kept, each decoded into `values[slot]` (duplicates: the last wins).
 * Labels fold exactly as foldLabels does for the plan's keys: `xLabel=Text` gives `Text`
 * the value of slot `x` (the last occurrence), unless `Text` is a real key of the line or
 * an earlier label took it. `values` must come in filled with undefined.
 */
export function scanCefSlots(s: string, from: number, plan: CefKeyPlan, values: Array<string | undefined>, max: number): string {
  const end = trimLineEnd(s, from);
  DECODER.reset(s);
  const templates = plan.templates;
  // No key or value of an extension shorter than max can be too long.
  if (end - from <= max) {
    // Pairs of the line an earlier template's attempt read (in PAIRS and values) before it departed.
    let read = 0;
    for (let i = 0; i < templates.length; i++) {
      const t = templates[i]!;
      const start = i === 0 ? 0 : resumeAt(templates[i - 1]!, t, read);
      read = scanByTemplate(s, from, end, t, values, start);
      if (read === t.count) {
        if (i > 0) toFront(templates, i);
        if (t.fold.count > 0) foldLabelSlots(s, plan, values, t.fold);
        return '';
      }
      // Values past the resume point are decoded again, from positions before the decoder's cursors.
      DECODER.reset(s);
    }
    for (let k = 0; k < values.length; k++) values[k] = undefined;
  }
  return scanAllPairs(s, from, end, plan, values, max);
}

/**
 * Where template `t` can take over from `prev`, which read `read` pairs of the line before it
 * departed: pair j's value holds for `t` when both share keys 0..j+1 (the value ends where key
 * j+1 starts), and pair j's key position when both share keys 0..j. Nothing needs clearing:
 * every value an attempt writes is a real pair of the line (its key and its end were both
 * confirmed), and the template that matches writes every pair from where it starts, in line order.
 */
function resumeAt(prev: KeyTemplate, t: KeyTemplate, read: number): number {
  const limit = Math.min(read + 1, prev.count, t.count);
  let common = 0;
  while (common < limit && prev.keys[common] === t.keys[common]) common++;
  return Math.max(0, Math.min(read, common - 1));
}

/**
 * The scan of a line with the template's keys in the template's order: a value ends at the next
 * `=` that is the template's next key (an `=` inside the value that starts no key, as in URLs,
 * is passed over), so no key's characters are walked or hashed. Starts at pair `start` (read
 * before by another template). Returns the template's count when the line has its keys, else the
 * number of pairs read (values written, PAIRS filled, and the next pair's key position in PAIRS)
 * before the line departed from it.
 */
function scanByTemplate(s: string, from: number, end: number, t: KeyTemplate, values: Array<string | undefined>, start: number): number {
  const n = t.count;
  const keys = t.keys;
  let keyStart: number;
  let eq: number;
  if (start > 0) {
    // Pairs before `start` were read by another template with the same keys (see resumeAt).
    keyStart = PAIRS[STRIDE * start]!;
    eq = PAIRS[STRIDE * start + 1]!;
  } else {
    keyStart = firstKeyStart(s, from, end);
    if (keyStart < 0) return 0;
    eq = keyStart + keys[0]!.length;
    // Key characters hold no `=`, so this is the first `=` after the key, as the full scan takes it.
    if (s.charCodeAt(eq) !== EQUALS || s.indexOf(keys[0]!, keyStart) !== keyStart) return 0;
  }
  for (let i = start; ; i++) {
    const p = STRIDE * i;
    PAIRS[p] = keyStart;
    PAIRS[p + 1] = eq;
    const valueStart = eq + 1;
    let valueEnd = end;
    let nextStart = -1;
    let nextEq = -1;
    if (i + 1 < n) {
      const key = keys[i + 1]!;
      for (nextEq = s.indexOf('=', valueStart); ; nextEq = s.indexOf('=', nextEq + 1)) {
        if (nextEq < 0 || nextEq >= end) return i;
        nextStart = nextEq - key.length;
        const at = keyAt(s, key, nextStart, valueStart);
        if (at === KEY_HERE) break;
        // Another key here, or a text comparison that failed (see keyAt): the full scan decides.
        if (at === NOT_SURE || keyStartBefore(s, nextEq, valueStart, false) >= 0) return i;
      }
      valueEnd = nextStart - 1;
    } else if (keyFollows(s, valueStart, end)) {
      return i;
    }
    while (valueEnd > valueStart && s.charCodeAt(valueEnd - 1) === SPACE) valueEnd--;
    const slot = t.slots[i]!;
    if (slot >= 0) values[slot] = DECODER.decode(valueStart, valueEnd);
    PAIRS[p + 2] = valueEnd;
    if (i + 1 === n) return n;
    keyStart = nextStart;
    eq = nextEq;
  }
}

const KEY_HERE = 1;
const NO_KEY_HERE = 0;
const NOT_SURE = -1;

/**
 * Whether `key` starts at `start` as a new pair's key: a space (after `lo`) before it and its
 * text there. The key came from a real pair, so its characters are key characters and a walk
 * back from its `=` would have stopped at that same space. The text is compared by `indexOf`
 * from `start` (cheaper than `startsWith` here), which on a mismatch searches on through the
 * line: NOT_SURE then stops the template scan, so that happens at most once per line.
 */
function keyAt(s: string, key: string, start: number, lo: number): number {
  if (start <= lo || s.charCodeAt(start - 1) !== SPACE || s.charCodeAt(start) !== key.charCodeAt(0)) return NO_KEY_HERE;
  const n = key.length;
  if (n <= SHORT_KEY) {
    // A short key is compared in place: cheaper than a call into the string search.
    for (let k = 1; k < n; k++) if (s.charCodeAt(start + k) !== key.charCodeAt(k)) return NOT_SURE;
    return KEY_HERE;
  }
  return s.indexOf(key, start) === start ? KEY_HERE : NOT_SURE;
}

/** Keys up to this long are compared character by character (see keyAt). */
const SHORT_KEY = 6;

/** Whether some `=` in `s[from, end)` ends a key (a value starting at `from` would end there). */
function keyFollows(s: string, from: number, end: number): boolean {
  for (let e = s.indexOf('=', from); e >= 0 && e < end; e = s.indexOf('=', e + 1)) {
    if (keyStartBefore(s, e, from, false) >= 0) return true;
  }
  return false;
}

/** Every pair of the extension, each key found by walking back from an `=`; the line becomes one of the plan's templates. */
function scanAllPairs(s: string, from: number, end: number, plan: CefKeyPlan, values: Array<string | undefined>, max: number): string {
  let keyStart = firstKeyStart(s, from, end);
  if (keyStart < 0) return '';
  let eq = s.indexOf('=', keyStart);
  let hash = keyHash(s, keyStart, eq);
  let pairs = 0;
  let labels = 0;
  for (;;) {
    if (eq - keyStart > max) return 'field-too-long';
    const valueStart = eq + 1;
    // The value ends at the next ` key=`; the key's hash is computed on the walk back.
    let nextEq = s.indexOf('=', valueStart);
    let nextKey = -1;
    let nextHash = 0;
    while (nextEq >= 0 && nextEq < end) {
      let k = nextEq - 1;
      let h = 0;
      for (; k >= valueStart; k--) {
        const c = s.charCodeAt(k);
        if (c >= 128 || KEY_CHARS[c] !== 1) break;
        h = (Math.imul(h, 31) + c) | 0;
      }
      if (k !== nextEq - 1 && k >= valueStart && s.charCodeAt(k) === SPACE) {
        nextKey = k + 1;
        nextHash = h;
        break;
      }
      nextEq = s.indexOf('=', nextEq + 1);
    }
    const found = nextKey >= 0;
    let valueEnd = found ? nextKey - 1 : end;
    while (valueEnd > valueStart && s.charCodeAt(valueEnd - 1) === SPACE) valueEnd--;
    if (valueEnd - valueStart > max) return 'field-too-long';

    const slot = plan.find(s, keyStart, eq, hash);
    if (slot >= 0) values[slot] = DECODER.decode(valueStart, valueEnd);
    if (STRIDE * pairs + STRIDE > PAIRS.length) PAIRS = grow(PAIRS);
    const p = STRIDE * pairs;
    PAIRS[p] = keyStart;
    PAIRS[p + 1] = eq;
    PAIRS[p + 2] = valueEnd;
    PAIRS[p + 3] = hash;
    PAIRS[p + 4] = slot;
    if (s.charCodeAt(eq - 1) === 108 /* l */ && eq - keyStart > 5 && s.startsWith('Label', eq - 5)) {
      if (labels === LABELS.length) LABELS = grow(LABELS);
      LABELS[labels++] = pairs;
    }
    pairs++;

    if (!found) break;
    keyStart = nextKey;
    eq = nextEq;
    hash = nextHash;
  }
  if (labels > MAX_SLOT_LABELS) return foldViaDictionary(s, from, plan, values, max);
  const fold = pairs <= MAX_TEMPLATE_KEYS ? remember(s, plan, pairs).fold : SCRATCH_FOLD;
  fold.reset(s, plan, pairs, labels);
  if (labels > 0) foldLabelSlots(s, plan, values, fold);
  return '';
}

/** Moves item i of `list` to the front, keeping the others' order (no arrays allocated). */
function toFront<T>(list: T[], i: number): void {
  const item = list[i]!;
  for (let k = i; k > 0; k--) list[k] = list[k - 1]!;
  list[0] = item;
}

/** Makes the current line's keys the plan's most recent template (the least recent one gives way). */
function remember(s: string, plan: CefKeyPlan, pairs: number): KeyTemplate {
  const templates = plan.templates;
  const t = templates.length < MAX_TEMPLATES ? new KeyTemplate() : templates.pop()!;
  templates.unshift(t);
  for (let i = 0; i < pairs; i++) {
    const p = STRIDE * i;
    t.keys[i] = s.slice(PAIRS[p]!, PAIRS[p + 1]!);
    t.slots[i] = PAIRS[p + 4]!;
  }
  t.keys.length = pairs;
  t.count = pairs;
  return t;
}

/** Above this many labels on a line the pair-position fold (quadratic) gives way to the dictionary scan (linear). */
const MAX_SLOT_LABELS = 16;

/** The plan's values from a dictionary scan with the plan's keys as the wanted set (the same result, linear in labels). */
function foldViaDictionary(s: string, from: number, plan: CefKeyPlan, values: Array<string | undefined>, max: number): string {
  const dict: Record<string, string> = Object.create(null);
  const failure = scanCefDictionary(s, from, dict, max, plan.wanted);
  if (failure) return failure;
  for (let i = 0; i < plan.keys.length; i++) values[i] = dict[plan.keys[i]!];
  return '';
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** Whether pairs i and j have the same key text (the hashes rule out almost every other pair). */
function sameKey(s: string, i: number, j: number): boolean {
  const pi = STRIDE * i;
  const pj = STRIDE * j;
  if (PAIRS[pi + 3] !== PAIRS[pj + 3]) return false;
  const a = PAIRS[pi]!;
  const len = PAIRS[pi + 1]! - a;
  const b = PAIRS[pj]!;
  if (PAIRS[pj + 1]! - b !== len) return false;
  for (let k = 0; k < len; k++) if (s.charCodeAt(a + k) !== s.charCodeAt(b + k)) return false;
  return true;
}

/** The last pair whose key is `s[start, end)`, or -1. */
function lastPairNamed(s: string, start: number, end: number, pairs: number): number {
  const len = end - start;
  const hash = keyHash(s, start, end);
  for (let j = pairs - 1; j >= 0; j--) {
    const p = STRIDE * j;
    if (PAIRS[p + 3] !== hash) continue;
    const b = PAIRS[p]!;
    if (PAIRS[p + 1]! - b !== len) continue;
    let k = 0;
    while (k < len && s.charCodeAt(start + k) === s.charCodeAt(b + k)) k++;
    if (k === len) return j;
  }
  return -1;
}

/** Decodes the values label folding reads (out of line order, so with its own cursors). */
const FOLD_DECODER = new ValueDecoder('', true);

function pairValue(s: string, j: number): string {
  FOLD_DECODER.reset(s);
  return FOLD_DECODER.decode(PAIRS[STRIDE * j + 1]! + 1, PAIRS[STRIDE * j + 2]!);
}

/**
 * The plan slot named by pair j's value (a label text), or -1. A value without `\\` or `#`
 * reads as written, so it is looked up by hash in place, without a slice.
 */
function labelTarget(s: string, plan: CefKeyPlan, j: number): number {
  const start = PAIRS[STRIDE * j + 1]! + 1;
  const end = PAIRS[STRIDE * j + 2]!;
  if (start === end) return -1;
  // keyHash's walk, checking on the way that the value needs no decoding.
  let h = 0;
  let plain = true;
  for (let k = end - 1; k >= start; k--) {
    const c = s.charCodeAt(k);
    if (c === BACKSLASH || c === HASH) { plain = false; break; }
    h = (Math.imul(h, 31) + c) | 0;
  }
  if (plain) return plan.find(s, start, end, h);
  const label = pairValue(s, j);
  return label === '' ? -1 : plan.slotOf(label);
}

/**
 * What label folding needs to know about a line's key order, per label pair in line order:
 * the last pair with the same label key (whose value is the label text), the last pair named
 * by the label's slot, and the plan slot of that slot name. A template line's answers hold for
 * every line with the same keys; label texts (values) are remembered with their plan slot,
 * so an unchanged label text costs one comparison.
 */
class FoldPlan {
  count = 0;
  lastSame = new Int32Array(MAX_SLOT_LABELS);
  slotPair = new Int32Array(MAX_SLOT_LABELS);
  baseSlot = new Int32Array(MAX_SLOT_LABELS);
  texts: Array<string | undefined> = [];
  targets = new Int32Array(MAX_SLOT_LABELS);

  /** The plan for the current line's labels (LABELS, PAIRS with hashes). */
  reset(s: string, plan: CefKeyPlan, pairs: number, labels: number): void {
    this.count = labels;
    this.texts.length = 0;
    for (let l = 0; l < labels; l++) {
      const i = LABELS[l]!;
      // Every occurrence of a label key is decided again with its last value (a fold between
      // two occurrences can give the slot a value), as foldLabels does.
      let last = i;
      for (let m = l + 1; m < labels; m++) if (sameKey(s, LABELS[m]!, i)) last = LABELS[m]!;
      this.lastSame[l] = last;
      const keyStart = PAIRS[STRIDE * i]!;
      const slotEnd = PAIRS[STRIDE * i + 1]! - 5;
      this.slotPair[l] = lastPairNamed(s, keyStart, slotEnd, pairs);
      this.baseSlot[l] = plan.findAt(s, keyStart, slotEnd);
    }
  }

  /** The plan slot label l's text names, or -1 (remembered with the text it was found for). */
  target(s: string, plan: CefKeyPlan, l: number): number {
    const j = this.lastSame[l]!;
    const start = PAIRS[STRIDE * j + 1]! + 1;
    const end = PAIRS[STRIDE * j + 2]!;
    // Most label texts name no key the parser reads: told by their length and two characters.
    if (!plan.mayName(s, start, end)) return -1;
    const text = this.texts[l];
    // indexOf rather than startsWith, as in keyAt; a mismatch searches on once per label at most.
    if (text !== undefined && text.length === end - start && s.indexOf(text, start) === start) return this.targets[l]!;
    const target = labelTarget(s, plan, j);
    this.texts[l] = s.slice(start, end);
    this.targets[l] = target;
    return target;
  }
}

/** Fold decisions of a line too long to remember. */
const SCRATCH_FOLD = new FoldPlan();

/** foldLabels for the slot scan: the same decisions, taken from the pair positions. */
function foldLabelSlots(s: string, plan: CefKeyPlan, values: Array<string | undefined>, fold: FoldPlan): void {
  /** Slots a label filled on this line (a later label never overwrites them). */
  let folded: number[] | null = null;
  for (let l = 0; l < fold.count; l++) {
    const target = fold.target(s, plan, l);
    // Not read by this parser; or a real key of the line (kept, as it is read) or an earlier label has it.
    if (target < 0 || values[target] !== undefined) continue;
    const slotPair = fold.slotPair[l]!;
    let value: string | undefined;
    if (slotPair >= 0) {
      value = pairValue(s, slotPair);
    } else {
      // The slot may itself be a label text folded earlier on this line.
      const slot = fold.baseSlot[l]!;
      value = slot >= 0 && folded?.includes(slot) ? values[slot] : undefined;
    }
    if (value === undefined) continue;
    values[target] = value;
    (folded ??= []).push(target);
  }
}
