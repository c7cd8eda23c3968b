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

export function parseCef(body: string, opts?: FormatOptions): CefResult {
  if (typeof body !== 'string') return { ok: false, reason: 'not-cef' };
  const max = maxFieldLength(opts);

  let pos = 0;
  while (body.charCodeAt(pos) === SPACE) pos++;
  let prefixed = false;
  if (body.startsWith('CEF:', pos)) {
    prefixed = true;
    pos += 4;
    while (body.charCodeAt(pos) === SPACE) pos++;
  } else if (!isBareVersion(body, pos)) {
    return { ok: false, reason: 'not-cef' };
  }

  const header: string[] = [];
  let next = readHeaderFields(body, pos, 7, max, header);
  if (next < 0) return { ok: false, reason: 'field-too-long' };
  if (header.length < 7) {
    // Without the "CEF:" prefix only a complete header proves the line is CEF.
    if (!prefixed) return { ok: false, reason: 'not-cef' };
    // "…|Name|Severity" without the closing pipe: the severity ends the line.
    const rest = trimLineEnd(body, next);
    if (header.length !== 6 || rest === next) return { ok: false, reason: 'truncated-cef-header' };
    if (rest - next > max) return { ok: false, reason: 'field-too-long' };
    header.push(decodeHeaderField(body, next, rest));
    next = body.length;
  }

  const ext: Record<string, string> = Object.create(null);
  const labelKeys: string[] = [];
  const wanted = opts?.wanted ?? null;
  SKIPPED.length = 0;
  const failure = scanSpacedPairs(body, next, ext, max, true, labelKeys, wanted, SKIPPED);
  if (failure) return { ok: false, reason: failure };
  if (labelKeys.length > 0) foldLabels(ext, labelKeys, wanted, body);

  const [version, vendor, product, deviceVersion, signature, name, severity] = header as [
    string, string, string, string, string, string, string,
  ];
  return { ok: true, record: { version, vendor, product, deviceVersion, signature, name, severity, ext } };
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
  while (out.length < count) {
    const pipe = unescapedPipe(s, pos);
    if (pipe < 0) break;
    if (pipe - pos > max) return -1;
    out.push(decodeHeaderField(s, pos, pipe));
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

  // The first key may sit right at `from`; later keys need a space before them.
  let eq = s.indexOf('=', from);
  let keyStart = -1;
  while (eq >= 0 && eq < end) {
    keyStart = keyStartBefore(s, eq, from, true);
    if (keyStart >= 0) break;
    eq = s.indexOf('=', eq + 1);
  }
  if (keyStart < 0 || eq < 0 || eq >= end) return '';

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
    private readonly s: string,
    private readonly backslashEscapes: boolean,
  ) {}

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

/** Keys the scanner skipped on the current line, as (key, value start, value end) triples. */
const SKIPPED: Array<string | number> = [];

/** The decoded value of a skipped key (the last occurrence wins, as for kept keys). */
function skippedValue(line: string, key: string): string | undefined {
  for (let i = SKIPPED.length - 3; i >= 0; i -= 3) {
    if (SKIPPED[i] === key) return new ValueDecoder(line, true).decode(SKIPPED[i + 1] as number, SKIPPED[i + 2] as number);
  }
  return undefined;
}
