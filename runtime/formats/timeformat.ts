/**
 * Time parsing for event timestamps, with Java SimpleDateFormat-style patterns
 * (the notation detection content already uses).
 *
 * A pattern is compiled once into a token list; the returned parser walks the input
 * with charCodeAt and builds the instant with Date.UTC. Nothing is guessed from the
 * input (no Date.parse), so the same text always gives the same instant.
 *
 * Supported letters:
 *   yyyy year (4 digits), yy / y two-digit year (00-69 → 20xx, 70-99 → 19xx)
 *   MMM / MMMM month name, English, case-insensitive, abbreviated or full
 *   MM / M month number, dd / d day, HH / H hour 0-23, hh / h hour 1-12
 *   mm minute, ss second, S... fraction of a second (".5" = 500 ms, extra digits cut)
 *     A leap second (ss = 60) is accepted in the last minute of a UTC hour (23:59:60Z,
 *     or 01:29:60+01:30) and clamped to :59 of that minute, keeping the fraction; other
 *     :60 seconds do not parse.
 *   a AM/PM, case-insensitive; ignored when the hour is above 12 (lenient)
 *   E day name, skipped
 *   z zone name (GMT, UTC, Z, EST, CET, ...) optionally followed by an offset,
 *     as in `GMT+01:00`; when a Z/X letter follows, the offset is left to it
 *   Z / X / XXX offset: `Z`, `+01`, `+0100`, `+01:00`
 *   'text' quoted literal ('' is a quote); other non-letters are literals
 * Numeric fields take one or two digits (four for years) unless the next token is also
 * numeric ("yyyyMMdd"), in which case they take exactly as many digits as letters.
 * Whitespace in the pattern matches one or more blanks. Leading and trailing blanks in
 * the input are ignored; any other leftover text fails the parse.
 *
 * The special pattern `epoch` reads Unix time: 10 integer digits are seconds, 13
 * milliseconds, 16 microseconds, 19 nanoseconds; a decimal fraction is allowed.
 */

/** Compile a Java SimpleDateFormat-style pattern into a fast parser returning epoch ms (UTC) or NaN. */
export function compileTimeFormat(
  pattern: string,
  defaultZoneOffsetMinutes = 0,
  /**
   * Year used when the pattern has none (syslog's `MMM dd HH:mm:ss`). The default is
   * 1970; the runtime should pass the year of the surrounding event time, never the
   * wall clock, so replays stay reproducible.
   */
  yearHint = 1970,
): (s: string) => number {
  if (pattern.trim().toLowerCase() === 'epoch') return parseEpoch;
  const tokens = tokenize(pattern);
  const hasZone = tokens.some((t) => t.kind === ZONE_NAME || t.kind === ZONE_OFFSET);
  const defaultOffset = hasZone ? 0 : defaultZoneOffsetMinutes;
  const fields = new Fields();
  const date = new DatePrefix(tokens);
  return (s: string) => {
    if (typeof s !== 'string') return NaN;
    fields.reset(yearHint, defaultOffset);
    return date.run(tokens, s, fields) ? fields.toEpochMs() : NaN;
  };
}

/** Tokens that read the date part and look at most one character past what they consume. */
function isDateKind(kind: number): boolean {
  return kind === YEAR || kind === MONTH || kind === MONTH_NAME || kind === DAY || kind === DAY_NAME || kind === LITERAL || kind === BLANKS;
}

/**
 * The date part of the last input one parser read. Consecutive events mostly share their day,
 * and the leading date tokens (`MMM dd yyyy `) decide nothing but year, month and day from the
 * text they consumed plus one character after it; an input starting with that same text gets
 * those three fields without reading them again.
 */
class DatePrefix {
  /** How many leading tokens are date tokens. */
  private readonly count: number;
  /** The text they consumed in the last input, plus the character after it; '' when none is kept. */
  private text = '';
  private year = 0;
  private month = 0;
  private day = 0;

  constructor(tokens: readonly Token[]) {
    let n = 0;
    while (n < tokens.length && isDateKind(tokens[n]!.kind)) n++;
    this.count = n;
  }

  /** runTokens, with the date tokens skipped when the input starts with the remembered text. */
  run(tokens: readonly Token[], s: string, f: Fields): boolean {
    if (this.count === 0) return runTokens(tokens, s, f);
    let from = this.count;
    // indexOf is native (startsWith is not); a text other than the date stops at its first character.
    if (this.text !== '' && s.indexOf(this.text) === 0) {
      f.year = this.year;
      f.month = this.month;
      f.day = this.day;
      f.pos = this.text.length - 1;
    } else {
      this.text = '';
      f.pos = skipBlanks(s, 0);
      for (from = 0; from < this.count; from++) if (!runToken(tokens[from]!, s, f)) return false;
      if (f.pos < s.length) {
        this.text = s.slice(0, f.pos + 1);
        this.year = f.year;
        this.month = f.month;
        this.day = f.day;
      }
    }
    for (let i = from; i < tokens.length; i++) if (!runToken(tokens[i]!, s, f)) return false;
    return skipBlanks(s, f.pos) === s.length;
  }
}

/** Try a list of patterns plus epoch s/ms, return the first that parses (ms) or NaN. */
export function parseTimeAny(s: string, patterns: readonly string[]): number {
  if (typeof s !== 'string') return NaN;
  for (const pattern of patterns) {
    const ms = cachedParser(pattern)(s);
    if (!Number.isNaN(ms)) return ms;
  }
  return parseEpoch(s);
}

// ---------------------------------------------------------------------------
// Pattern compilation

const YEAR = 0;
const MONTH = 1;
const MONTH_NAME = 2;
const DAY = 3;
const HOUR24 = 4;
const HOUR12 = 5;
const MINUTE = 6;
const SECOND = 7;
const FRACTION = 8;
const AMPM = 9;
const DAY_NAME = 10;
const ZONE_NAME = 11;
const ZONE_OFFSET = 12;
const LITERAL = 13;
const BLANKS = 14;

interface Token {
  kind: number;
  /** Number of pattern letters; for literals unused. */
  count: number;
  /** Literal text (LITERAL only). */
  text: string;
  /** Next token is numeric too, so this one must take exactly `count` digits. */
  fixedWidth: boolean;
  /** ZONE_NAME only: a Z/X token follows and reads the offset. */
  offsetFollows: boolean;
}

const LETTER_KINDS: Record<string, (count: number) => number> = {
  y: () => YEAR,
  M: (n) => (n >= 3 ? MONTH_NAME : MONTH),
  d: () => DAY,
  H: () => HOUR24,
  h: () => HOUR12,
  m: () => MINUTE,
  s: () => SECOND,
  S: () => FRACTION,
  a: () => AMPM,
  E: () => DAY_NAME,
  z: () => ZONE_NAME,
  Z: () => ZONE_OFFSET,
  X: () => ZONE_OFFSET,
};

function isNumericKind(kind: number): boolean {
  return kind <= FRACTION && kind !== MONTH_NAME;
}

/** Throws on letters this module does not support, so content errors surface at compile time. */
function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  const push = (kind: number, count: number, text = '') =>
    tokens.push({ kind, count, text, fixedWidth: false, offsetFollows: false });
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (isAsciiLetter(c.charCodeAt(0))) {
      let j = i;
      while (pattern[j] === c) j++;
      const kindOf = Object.hasOwn(LETTER_KINDS, c) ? LETTER_KINDS[c] : undefined;
      if (!kindOf) throw new Error(`unsupported time pattern letter '${c}' in "${pattern}"`);
      push(kindOf(j - i), j - i);
      i = j;
    } else if (c === "'") {
      const { text, next } = readQuoted(pattern, i);
      if (text !== '') push(LITERAL, 0, text);
      i = next;
    } else if (c === ' ' || c === '\t') {
      while (pattern[i] === ' ' || pattern[i] === '\t') i++;
      push(BLANKS, 0);
    } else {
      push(LITERAL, 0, c);
      i++;
    }
  }
  for (let t = 0; t + 1 < tokens.length; t++) {
    const tok = tokens[t]!;
    const next = tokens[t + 1]!;
    tok.fixedWidth = isNumericKind(tok.kind) && isNumericKind(next.kind);
    tok.offsetFollows = tok.kind === ZONE_NAME && next.kind === ZONE_OFFSET;
  }
  return tokens;
}

/** Reads `'...'` starting at the opening quote; `''` stands for one quote. */
function readQuoted(pattern: string, start: number): { text: string; next: number } {
  if (pattern[start + 1] === "'") return { text: "'", next: start + 2 };
  let text = '';
  let i = start + 1;
  while (i < pattern.length) {
    if (pattern[i] === "'") {
      if (pattern[i + 1] !== "'") return { text, next: i + 1 };
      text += "'";
      i += 2;
    } else {
      text += pattern[i];
      i++;
    }
  }
  throw new Error(`unterminated quote in time pattern "${pattern}"`);
}

const parserCache = new Map<string, (s: string) => number>();
const PARSER_CACHE_LIMIT = 256;

function cachedParser(pattern: string): (s: string) => number {
  let parser = parserCache.get(pattern);
  if (parser === undefined) {
    try {
      parser = compileTimeFormat(pattern);
    } catch {
      parser = () => NaN; // an invalid pattern simply never matches here
    }
    // Patterns come from content, so this stays tiny; the cap only guards misuse.
    if (parserCache.size >= PARSER_CACHE_LIMIT) parserCache.clear();
    parserCache.set(pattern, parser);
  }
  return parser;
}

// ---------------------------------------------------------------------------
// Parsing

/** Parsed calendar fields of one input; reused between calls of one parser. */
class Fields {
  year = 1970;
  month = 1;
  day = 1;
  hour = 0;
  minute = 0;
  second = 0;
  millis = 0;
  /** -1 none, 0 AM, 1 PM */
  ampm = -1;
  hour12 = false;
  offsetMinutes = 0;
  /** A zone name was read, so a following offset is optional. */
  zoneNamed = false;
  /** Cursor into the input. */
  pos = 0;

  reset(year: number, offsetMinutes: number): void {
    this.year = year;
    this.month = 1;
    this.day = 1;
    this.hour = 0;
    this.minute = 0;
    this.second = 0;
    this.millis = 0;
    this.ampm = -1;
    this.hour12 = false;
    this.offsetMinutes = offsetMinutes;
    this.zoneNamed = false;
    this.pos = 0;
  }

  toEpochMs(): number {
    let hour = this.hour;
    // 12-hour clock; an hour above 12 means the sender used 24h anyway, so keep it.
    if (this.hour12 && this.ampm >= 0 && hour <= 12) {
      if (hour === 12) hour = this.ampm === 0 ? 0 : 12;
      else if (this.ampm === 1) hour += 12;
    }
    const { year, month, day } = this;
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
    if (hour > 23 || this.minute > 59 || this.second > 60) return NaN;
    const leap = this.second === 60;
    const ms = utcMs(year, month, day, hour, this.minute, leap ? 59 : this.second, this.millis) - this.offsetMinutes * 60_000;
    // A leap second is inserted after the last second of a UTC hour's last minute (in practice
    // 23:59:60 UTC); it is clamped to :59 of that minute, fraction kept, as java.time does.
    if (leap && ((ms % HOUR_MS) + HOUR_MS) % HOUR_MS < HOUR_MS - 1000) return NaN;
    return ms;
  }
}

function runTokens(tokens: readonly Token[], s: string, f: Fields): boolean {
  f.pos = skipBlanks(s, 0);
  for (const tok of tokens) {
    if (!runToken(tok, s, f)) return false;
  }
  return skipBlanks(s, f.pos) === s.length;
}

function runToken(tok: Token, s: string, f: Fields): boolean {
  switch (tok.kind) {
    case YEAR: {
      const start = f.pos;
      const digits = tok.count === 2 ? 2 : tok.count >= 3 ? 4 : 0;
      const v = digits > 0 ? readNumber(s, f, digits, digits) : readNumber(s, f, 2, 4);
      if (v < 0) return false;
      // Two-digit years pivot at 70 so results do not depend on today's date.
      f.year = f.pos - start === 2 ? (v < 70 ? 2000 + v : 1900 + v) : v;
      return true;
    }
    case MONTH:
      return (f.month = readField(tok, s, f)) >= 0;
    case MONTH_NAME:
      return (f.month = readMonthName(s, f)) > 0;
    case DAY:
      return (f.day = readField(tok, s, f)) >= 0;
    case HOUR24:
      return (f.hour = readField(tok, s, f)) >= 0;
    case HOUR12:
      f.hour12 = true;
      return (f.hour = readField(tok, s, f)) >= 0;
    case MINUTE:
      return (f.minute = readField(tok, s, f)) >= 0;
    case SECOND:
      return (f.second = readField(tok, s, f)) >= 0;
    case FRACTION:
      return readFraction(tok, s, f);
    case AMPM:
      return (f.ampm = readAmPm(s, f)) >= 0;
    case DAY_NAME: {
      const end = readLetters(s, f.pos);
      if (end - f.pos < 2) return false;
      f.pos = end;
      return true;
    }
    case ZONE_NAME:
      return readZoneName(tok, s, f);
    case ZONE_OFFSET:
      // After a zone name ("zZ" given just "GMT") the offset may be missing.
      return readZoneOffset(s, f, f.zoneNamed);
    case BLANKS: {
      const end = skipBlanks(s, f.pos);
      if (end === f.pos) return false;
      f.pos = end;
      return true;
    }
    default:
      return readLiteral(tok.text, s, f);
  }
}

/** Reads minDigits..maxDigits ASCII digits at f.pos; returns the value or -1. */
function readNumber(s: string, f: Fields, minDigits: number, maxDigits: number): number {
  let value = 0;
  let n = 0;
  while (n < maxDigits) {
    const c = s.charCodeAt(f.pos + n);
    if (!isDigit(c)) break; // also stops at the end, where charCodeAt gives NaN
    value = value * 10 + (c - 48);
    n++;
  }
  if (n < minDigits) return -1;
  f.pos += n;
  return value;
}

/** A one/two-digit field (month, day, hour, minute, second). */
function readField(tok: Token, s: string, f: Fields): number {
  return tok.fixedWidth ? readNumber(s, f, tok.count, tok.count) : readNumber(s, f, 1, Math.max(2, tok.count));
}

/** Digits after the decimal point, as milliseconds (truncated past 3 digits). */
function readFraction(tok: Token, s: string, f: Fields): boolean {
  const start = f.pos;
  const v = tok.fixedWidth ? readNumber(s, f, tok.count, tok.count) : readNumber(s, f, 1, 9);
  if (v < 0) return false;
  const digits = f.pos - start;
  f.millis = digits <= 3 ? v * 10 ** (3 - digits) : Math.floor(v / 10 ** (digits - 3));
  return true;
}

const MONTH_NAMES = [
  'january', 'february', 'march', 'april', 'may', 'june',
  'july', 'august', 'september', 'october', 'november', 'december',
];

/** Full or three-letter English month name; returns 1-12 or -1. */
function readMonthName(s: string, f: Fields): number {
  const start = f.pos;
  const end = readLetters(s, start);
  const length = end - start;
  if (length < 3) return -1;
  for (let m = 0; m < 12; m++) {
    const name = MONTH_NAMES[m]!;
    if (length !== 3 && length !== name.length) continue;
    // ASCII letters only (readLetters): `| 0x20` is their lower case.
    let i = 0;
    while (i < length && (s.charCodeAt(start + i) | 0x20) === name.charCodeAt(i)) i++;
    if (i === length) {
      f.pos = end;
      return m + 1;
    }
  }
  return -1;
}

function readAmPm(s: string, f: Fields): number {
  const first = s.charCodeAt(f.pos) | 0x20;
  if ((s.charCodeAt(f.pos + 1) | 0x20) !== 109 /* m */) return -1;
  if (first !== 97 /* a */ && first !== 112 /* p */) return -1;
  f.pos += 2;
  return first === 97 ? 0 : 1;
}

/** Common zone abbreviations, as Java resolves them (CST is US Central, IST is India). */
const ZONE_OFFSETS = new Map<string, number>([
  ['GMT', 0], ['UTC', 0], ['UT', 0], ['Z', 0], ['WET', 0],
  ['WEST', 60], ['CET', 60], ['MET', 60], ['CEST', 120], ['MEST', 120],
  ['EET', 120], ['EEST', 180], ['MSK', 180], ['IST', 330], ['SGT', 480],
  ['HKT', 480], ['AWST', 480], ['JST', 540], ['KST', 540], ['ACST', 570],
  ['AEST', 600], ['AEDT', 660], ['NZST', 720], ['NZDT', 780],
  ['HST', -600], ['AKST', -540], ['AKDT', -480], ['PST', -480], ['PDT', -420],
  ['MST', -420], ['MDT', -360], ['CST', -360], ['CDT', -300], ['EST', -300], ['EDT', -240],
]);

/** `GMT`, `UTC`, `GMT+01:00`, or a bare offset such as `+0100`. */
function readZoneName(tok: Token, s: string, f: Fields): boolean {
  const end = readLetters(s, f.pos);
  if (end === f.pos) return readZoneOffset(s, f, false);
  const offset = isGmt(s, f.pos, end) ? 0 : ZONE_OFFSETS.get(s.slice(f.pos, end).toUpperCase());
  if (offset === undefined) return false;
  f.pos = end;
  f.offsetMinutes = offset;
  f.zoneNamed = true;
  // `GMT+01:00` under a lone `z`; with `zZ` the Z token reads the offset instead.
  if (!tok.offsetFollows) return readZoneOffset(s, f, true);
  return true;
}

/** `GMT` in any case at s[start, end) (the zone most senders write), without a slice. */
function isGmt(s: string, start: number, end: number): boolean {
  return end - start === 3 && (s.charCodeAt(start) | 0x20) === 103 && (s.charCodeAt(start + 1) | 0x20) === 109 && (s.charCodeAt(start + 2) | 0x20) === 116;
}

/**
 * `Z`, `+hh`, `+hhmm`, `+hh:mm` (also a one-digit hour, `GMT+1`). Added to an offset
 * a zone name already set. When `optional`, a missing offset is fine.
 */
function readZoneOffset(s: string, f: Fields, optional: boolean): boolean {
  const c = s.charCodeAt(f.pos);
  if ((c | 0x20) === 122 /* z */ && !isAsciiLetter(s.charCodeAt(f.pos + 1))) {
    f.pos++;
    return true;
  }
  if (c !== 43 /* + */ && c !== 45 /* - */) return optional;
  f.pos++;
  const start = f.pos;
  const hhmm = readNumber(s, f, 1, 4);
  if (hhmm < 0) return false;
  let hours = hhmm;
  let minutes = 0;
  if (f.pos - start > 2) {
    // "+0100": four (or three) digits mean hours and minutes.
    hours = Math.floor(hhmm / 100);
    minutes = hhmm % 100;
  } else if (s.charCodeAt(f.pos) === 58 /* : */) {
    f.pos++;
    minutes = readNumber(s, f, 2, 2);
    if (minutes < 0) return false;
  }
  if (hours > 18 || minutes > 59) return false;
  const total = hours * 60 + minutes;
  f.offsetMinutes += c === 45 ? -total : total;
  return true;
}

function readLiteral(text: string, s: string, f: Fields): boolean {
  for (let i = 0; i < text.length; i++) {
    const a = text.charCodeAt(i);
    const b = s.charCodeAt(f.pos + i);
    // Letters compare case-insensitively ('T' matches "t").
    if (a !== b && !(isAsciiLetter(a) && (a | 0x20) === (b | 0x20))) return false;
  }
  f.pos += text.length;
  return true;
}

// ---------------------------------------------------------------------------
// Epoch numbers

/** Unix time in s (10 digits), ms (13), µs (16) or ns (19), optionally with decimals. */
function parseEpoch(input: string): number {
  if (typeof input !== 'string') return NaN;
  const start = skipBlanks(input, 0);
  let intEnd = start;
  while (isDigit(input.charCodeAt(intEnd))) intEnd++;
  let end = intEnd;
  if (input.charCodeAt(end) === 46 /* . */) {
    end++;
    while (isDigit(input.charCodeAt(end))) end++;
    if (end === intEnd + 1) return NaN;
  }
  if (skipBlanks(input, end) !== input.length) return NaN;

  const intDigits = intEnd - start;
  if (intDigits === 10) {
    // Seconds: milliseconds come from the first three decimals, exactly.
    const frac = (input.slice(intEnd + 1, end) + '000').slice(0, 3);
    return Number(input.slice(start, intEnd)) * 1000 + Number(frac);
  }
  // ms / µs / ns: the first 13 digits are the milliseconds; the rest is dropped.
  if (intDigits === 13 || intDigits === 16 || intDigits === 19) return Number(input.slice(start, start + 13));
  return NaN;
}

// ---------------------------------------------------------------------------
// Calendar helpers

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const HOUR_MS = 3_600_000;


/** Epoch ms of a validated proleptic-Gregorian UTC date and time (what Date.UTC gives, without its cost or its 0-99 → 1900s year mapping). */
function utcMs(year: number, month: number, day: number, h: number, m: number, s: number, ms: number): number {
  return daysFromCivil(year, month, day) * 86_400_000 + ((h * 60 + m) * 60 + s) * 1000 + ms;
}

/** Days since 1970-01-01 of a Gregorian date, by whole 400-year eras (exact for any year). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function skipBlanks(s: string, pos: number): number {
  while (s.charCodeAt(pos) === 32 || s.charCodeAt(pos) === 9) pos++;
  return pos;
}

function readLetters(s: string, pos: number): number {
  while (isAsciiLetter(s.charCodeAt(pos))) pos++;
  return pos;
}

function isAsciiLetter(c: number): boolean {
  const lower = c | 0x20;
  return lower >= 97 && lower <= 122;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
