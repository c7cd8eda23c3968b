/**
 * Syslog header removal for the runtime hot path.
 *
 * Recognises, in this order:
 *  - RFC 5424: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG` (the PRI may be missing
 *    only when the version is `1` and the timestamp is an ISO date, so plain text that
 *    starts with a digit is not mistaken for a header);
 *  - RFC 3164: `<PRI>` (optional), `MMM dd HH:mm:ss` with an optional year after the day
 *    (`MMM dd yyyy HH:mm:ss`, as Trend Micro appliances send), an optional fraction,
 *    the host name, then an optional `tag[pid]:` / `tag:`. rsyslog's RFC 3339 variant
 *    (`<PRI>2024-01-02T03:04:05Z host tag: msg`) is accepted as well;
 *  - otherwise a CEF:/LEEF: payload that starts after some other prefix.
 *
 * Everything is a forward scan with charCodeAt/indexOf: no regular expressions, so
 * there is no backtracking risk, and nothing here can throw on odd input.
 */

export interface SyslogSplit {
  /** The message text; always `line.slice(offset)`. */
  body: string;
  /** HOSTNAME from the header, when there was one (RFC 5424 `-` gives none). */
  host?: string;
  /** Raw timestamp text from the header, unparsed (RFC 5424 `-` gives none). */
  time?: string;
  /** Index in `line` where `body` starts. */
  offset: number;
}

const SPACE = 32;
const TAB = 9;

export function stripSyslogHeader(line: string): SyslogSplit {
  if (typeof line !== 'string') return { body: '', offset: 0 };
  // Most lines from a CEF/LEEF file or a plain forwarder need no work at all.
  if (payloadAt(line, 0)) return { body: line, offset: 0 };

  const pri = skipPri(line);
  const header = parse5424(line, pri) ?? parse3164(line, pri);
  if (header) return finish(line, header.offset, header.host, header.time);

  const payload = findPayload(line, 0);
  if (payload > 0) return { body: line.slice(payload), offset: payload };
  return { body: line, offset: 0 };
}

/**
 * Where the CEF/LEEF payload or message of `line` starts, and the header's timestamp text:
 * stripSyslogHeader without cutting out the body (the run path scans the line from
 * `out.offset`, so no sliced string is made; scans over a slice are slower).
 */
export function locateSyslogPayload(line: string, out: { offset: number; time: string | undefined }): void {
  out.time = undefined;
  out.offset = 0;
  if (typeof line !== 'string' || payloadAt(line, 0)) return;
  const pri = skipPri(line);
  const header = parse5424(line, pri);
  if (header) {
    out.offset = payloadAfter(line, header.offset);
    out.time = header.time;
    return;
  }
  // RFC 3164 without cutting out the host name (the run path does not read it).
  if (scan3164(line, pri, SPAN_3164)) {
    out.offset = payloadAfter(line, SPAN_3164.offset);
    out.time = SPAN_3164.time;
    return;
  }
  const payload = findPayload(line, 0);
  if (payload > 0) out.offset = payload;
}

interface Header {
  offset: number;
  host?: string;
  time?: string;
}

/**
 * Where the message after a header ending at `offset` starts. Some senders put more text (a
 * second tag, a relay name) between the header and the CEF/LEEF payload; skip to the payload
 * when there is one.
 */
function payloadAfter(line: string, offset: number): number {
  if (payloadAt(line, offset)) return offset;
  const payload = findPayload(line, offset);
  return payload > 0 ? payload : offset;
}

function finish(line: string, header: number, host?: string, time?: string): SyslogSplit {
  const offset = payloadAfter(line, header);
  const out: SyslogSplit = { body: line.slice(offset), offset };
  if (host !== undefined) out.host = host;
  if (time !== undefined) out.time = time;
  return out;
}

/** Index just after a valid `<PRI>` (1-3 digits), or 0 when there is none. */
function skipPri(line: string): number {
  if (line.charCodeAt(0) !== 60 /* < */) return 0;
  let i = 1;
  while (i <= 3 && isDigit(line.charCodeAt(i))) i++;
  if (i === 1 || line.charCodeAt(i) !== 62 /* > */) return 0;
  return i + 1;
}

// ---------------------------------------------------------------------------
// RFC 5424

function parse5424(line: string, start: number): Header | null {
  // VERSION: 1-2 digits, not starting with 0.
  let pos = start;
  const v0 = line.charCodeAt(pos);
  if (!isDigit(v0) || v0 === 48) return null;
  pos++;
  if (isDigit(line.charCodeAt(pos))) pos++;
  if (line.charCodeAt(pos) !== SPACE) return null;
  const versionIsOne = pos === start + 1 && v0 === 49;
  pos++;

  // Without a PRI only accept `1 <ISO date>`, otherwise "3 apples ..." would match.
  const isoTime = isIsoDateAt(line, pos);
  if (start === 0 && !(versionIsOne && isoTime)) return null;
  if (!isoTime && !(line.charCodeAt(pos) === 45 /* - */ && line.charCodeAt(pos + 1) === SPACE)) {
    return null;
  }

  // TIMESTAMP HOSTNAME APP-NAME PROCID MSGID: five non-empty tokens.
  const tokens: string[] = [];
  for (let t = 0; t < 5; t++) {
    const end = tokenEnd(line, pos);
    if (end === pos || line.charCodeAt(end) !== SPACE) return null;
    tokens.push(line.slice(pos, end));
    pos = end + 1;
  }

  // STRUCTURED-DATA: `-` or one or more `[id param="value" ...]` elements.
  if (line.charCodeAt(pos) === 45 /* - */) {
    pos++;
  } else {
    if (line.charCodeAt(pos) !== 91 /* [ */) return null;
    while (line.charCodeAt(pos) === 91) {
      pos = skipSdElement(line, pos);
      if (pos < 0) return null;
    }
  }
  if (pos < line.length) {
    if (line.charCodeAt(pos) !== SPACE) return null;
    pos++;
  }
  if (line.charCodeAt(pos) === 0xfeff) pos++; // MSG may start with a UTF-8 BOM

  const [time, host] = tokens as [string, string];
  return { offset: pos, time: time === '-' ? undefined : time, host: host === '-' ? undefined : host };
}

/** Skips one `[...]` SD element starting at `pos`; returns the index after `]` or -1. */
function skipSdElement(line: string, pos: number): number {
  let inQuotes = false;
  for (let i = pos + 1; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (inQuotes) {
      if (c === 92 /* \ */) i++; // `\"`, `\]` and `\\` are escapes inside PARAM-VALUE
      else if (c === 34 /* " */) inQuotes = false;
    } else if (c === 34) {
      inQuotes = true;
    } else if (c === 93 /* ] */) {
      return i + 1;
    }
  }
  return -1;
}

// ---------------------------------------------------------------------------
// RFC 3164

/** Where an RFC 3164 header's parts are (one holder reused for every line: no allocation per line). */
interface Span3164 {
  offset: number;
  time: string;
  /** The host name's bounds, hostStart -1 when there is none. */
  hostStart: number;
  hostEnd: number;
}

const SPAN_3164: Span3164 = { offset: 0, time: '', hostStart: -1, hostEnd: -1 };

function parse3164(line: string, start: number): Header | null {
  if (!scan3164(line, start, SPAN_3164)) return null;
  const { offset, time, hostStart, hostEnd } = SPAN_3164;
  return { offset, host: hostStart >= 0 ? line.slice(hostStart, hostEnd) : undefined, time };
}

/** Reads an RFC 3164 header at `start` into `out`; false when there is none. */
function scan3164(line: string, start: number, out: Span3164): boolean {
  const timeEnd = isIsoDateAt(line, start) ? tokenEnd(line, start) : bsdTimestampEnd(line, start);
  if (timeEnd < 0) return false;
  out.time = line.slice(start, timeEnd);
  let pos = skipBlanks(line, timeEnd);

  // The host is optional in practice: "Nov  2 09:15:03 CEF:0|..." and
  // "Nov  2 09:15:03 sshd[42]: ..." both occur.
  out.hostStart = -1;
  const hostEnd = tokenEnd(line, pos);
  if (isHostToken(line, pos, hostEnd)) {
    out.hostStart = pos;
    out.hostEnd = hostEnd;
    pos = skipBlanks(line, hostEnd);
  }

  if (!payloadAt(line, pos)) {
    const tagEnd = tokenEnd(line, pos);
    if (isTag(line, pos, tagEnd)) {
      pos = tagEnd;
      if (line.charCodeAt(pos) === SPACE) pos++;
    }
  }
  out.offset = pos;
  return true;
}

const MONTHS = 'janfebmaraprmayjunjulaugsepoctnovdec';

/**
 * End index of `MMM dd [yyyy] HH:mm:ss[.fff]` at `pos`, or -1.
 * The day may be space-padded ("Nov  2") as RFC 3164 prescribes.
 */
function bsdTimestampEnd(line: string, pos: number): number {
  if (!isMonthAt(line, pos) || line.charCodeAt(pos + 3) !== SPACE) return -1;
  let i = pos + 4;
  if (line.charCodeAt(i) === SPACE) i++;
  if (!isDigit(line.charCodeAt(i))) return -1;
  i++;
  if (isDigit(line.charCodeAt(i))) i++;
  if (line.charCodeAt(i) !== SPACE) return -1;
  i++;
  // Optional year: four digits followed by a space.
  if (digitRun(line, i) === 4 && line.charCodeAt(i + 4) === SPACE) i += 5;
  // HH:mm:ss
  for (let part = 0; part < 3; part++) {
    if (digitRun(line, i) !== 2) return -1;
    i += 2;
    if (part < 2) {
      if (line.charCodeAt(i) !== 58 /* : */) return -1;
      i++;
    }
  }
  if (line.charCodeAt(i) === 46 /* . */ && digitRun(line, i + 1) > 0) i += 1 + digitRun(line, i + 1);
  const next = line.charCodeAt(i);
  return i === line.length || next === SPACE || next === TAB ? i : -1;
}

function isMonthAt(line: string, pos: number): boolean {
  if (line.length < pos + 3) return false;
  const a = line.charCodeAt(pos) | 0x20;
  const b = line.charCodeAt(pos + 1) | 0x20;
  const c = line.charCodeAt(pos + 2) | 0x20;
  for (let m = 0; m < MONTHS.length; m += 3) {
    if (MONTHS.charCodeAt(m) === a && MONTHS.charCodeAt(m + 1) === b && MONTHS.charCodeAt(m + 2) === c) {
      return true;
    }
  }
  return false;
}

/** A host name token: non-empty, not a tag, not the payload, no `=` or `|` in it. */
function isHostToken(line: string, start: number, end: number): boolean {
  if (end === start || payloadAt(line, start) || isTag(line, start, end)) return false;
  for (let i = start; i < end; i++) {
    const c = line.charCodeAt(i);
    if (c === 61 /* = */ || c === 124 /* | */) return false;
  }
  return true;
}

/**
 * A syslog tag is a short token ending in `:` (`sshd:`, `sshd[42]:`, `CEF-relay:`).
 * Tokens holding `=` or `|` are message content, never tags.
 */
function isTag(line: string, start: number, end: number): boolean {
  if (end - start < 2 || end - start > 64 || line.charCodeAt(end - 1) !== 58 /* : */) return false;
  for (let i = start; i < end - 1; i++) {
    const c = line.charCodeAt(i);
    if (c === 61 /* = */ || c === 124 /* | */ || c === 58) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// CEF:/LEEF: payload detection

/** True when a `CEF:<digit>` or `LEEF:<digit>` token starts exactly at `pos`. */
function payloadAt(line: string, pos: number): boolean {
  if (cefAt(line, pos)) return isDigit(line.charCodeAt(pos + 4));
  if (leefAt(line, pos)) return isDigit(line.charCodeAt(pos + 5));
  return false;
}

/** `CEF:` at pos (compared in place: cheaper than `startsWith`, and asked several times a line). */
export function cefAt(line: string, pos: number): boolean {
  return line.charCodeAt(pos) === 67 && line.charCodeAt(pos + 1) === 69 && line.charCodeAt(pos + 2) === 70 && line.charCodeAt(pos + 3) === 58;
}

/** `LEEF:` at pos. */
export function leefAt(line: string, pos: number): boolean {
  return line.charCodeAt(pos) === 76 && line.charCodeAt(pos + 1) === 69 && line.charCodeAt(pos + 2) === 69 && line.charCodeAt(pos + 3) === 70 && line.charCodeAt(pos + 4) === 58;
}

/**
 * Finds a CEF:/LEEF: payload at or after `from`, or returns -1.
 *
 * Only the text before the first `|` is searched, and the version must run up to that
 * pipe: a real payload's version field is the first pipe-terminated thing in the
 * line, while "CEF:0" inside an extension value always comes after a pipe.
 */
function findPayload(line: string, from: number): number {
  const pipe = line.indexOf('|', from);
  if (pipe < 0) return -1;
  const cef = payloadBefore(line, 'CEF:', from, pipe);
  return cef >= 0 ? cef : payloadBefore(line, 'LEEF:', from, pipe);
}

function payloadBefore(line: string, marker: string, from: number, pipe: number): number {
  const at = line.lastIndexOf(marker, pipe - marker.length);
  if (at < from) return -1;
  // Token boundary: "xCEF:0" is not a payload start.
  if (at > from && isAlnum(line.charCodeAt(at - 1))) return -1;
  // The version is digits and dots only, e.g. "0" or "2.0".
  const vStart = at + marker.length;
  if (vStart === pipe) return -1;
  for (let i = vStart; i < pipe; i++) {
    const c = line.charCodeAt(i);
    if (!isDigit(c) && c !== 46 /* . */) return -1;
  }
  return at;
}

// ---------------------------------------------------------------------------
// Small scanners

/** `dddd-dd-ddT` at pos: the start of an RFC 3339 timestamp. */
function isIsoDateAt(line: string, pos: number): boolean {
  return (
    digitRun(line, pos) === 4 &&
    line.charCodeAt(pos + 4) === 45 /* - */ &&
    digitRun(line, pos + 5) === 2 &&
    line.charCodeAt(pos + 7) === 45 &&
    digitRun(line, pos + 8) === 2 &&
    (line.charCodeAt(pos + 10) | 0x20) === 116 /* T or t */
  );
}

/** End of the run of non-blank characters starting at pos. */
function tokenEnd(line: string, pos: number): number {
  let i = pos;
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (c === SPACE || c === TAB) break;
    i++;
  }
  return i;
}

function skipBlanks(line: string, pos: number): number {
  let i = pos;
  while (line.charCodeAt(i) === SPACE || line.charCodeAt(i) === TAB) i++;
  return i;
}

/** Number of consecutive ASCII digits at pos (capped, we never need more than 5). */
function digitRun(line: string, pos: number): number {
  let n = 0;
  while (n < 5 && isDigit(line.charCodeAt(pos + n))) n++;
  return n;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAlnum(c: number): boolean {
  return isDigit(c) || ((c | 0x20) >= 97 && (c | 0x20) <= 122);
}
