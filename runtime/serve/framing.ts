// Syslog over a stream (RFC 6587): each frame is either octet-counted ("LEN SP MSG") or
// terminated by LF (non-transparent framing). Senders may mix both on one connection, so the
// choice is made per frame from its first byte. Messages become single lines: embedded CR/LF
// (legal inside an octet-counted frame) are replaced by spaces, because the spool and `run`
// are line based. Invalid UTF-8 is replaced (U+FFFD) and the message marked, as `run` does.
import { isUtf8 } from 'node:buffer';

/** One received line; `repaired` says why bytes were replaced while decoding it. */
export interface Incoming {
  text: string;
  repaired?: 'invalid-utf8';
}

export interface FrameError {
  reason: 'frame-too-long' | 'bad-octet-count';
  detail: string;
}

export class SyslogFramer {
  private carry: Buffer = Buffer.alloc(0);
  /** bytes still expected of the octet-counted frame being read, or -1 */
  private need = -1;
  /** discarding the rest of an over-long LF frame */
  private skipping = false;

  constructor(private readonly maxFrame = 1 << 20) {}

  /** Feed bytes; returns complete messages and any framing errors (counted rejects, never a crash). */
  push(chunk: Buffer): { messages: Incoming[]; errors: FrameError[] } {
    const messages: Incoming[] = [];
    const errors: FrameError[] = [];
    let buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    let pos = 0;
    for (;;) {
      if (this.need >= 0) {
        if (buf.length - pos < this.need) break;
        messages.push(decodeMessage(buf.subarray(pos, pos + this.need)));
        pos += this.need;
        this.need = -1;
        continue;
      }
      if (this.skipping) {
        const nl = buf.indexOf(10, pos);
        if (nl < 0) { pos = buf.length; break; }
        pos = nl + 1;
        this.skipping = false;
        continue;
      }
      if (pos >= buf.length) break;
      const first = buf[pos]!;
      if (first === 10 || first === 0) { pos++; continue; } // stray trailers between frames
      if (first >= 0x31 && first <= 0x39) {
        // Octet counting: digits, one space, then exactly that many bytes.
        const sp = buf.indexOf(32, pos);
        const digitsEnd = sp < 0 ? buf.length : sp;
        let ok = digitsEnd - pos <= 10;
        for (let i = pos; ok && i < digitsEnd; i++) ok = buf[i]! >= 0x30 && buf[i]! <= 0x39;
        if (ok && sp < 0) break; // length not complete yet
        if (ok) {
          const len = Number(buf.toString('latin1', pos, sp));
          if (len > this.maxFrame) {
            // Resynchronise at the next line feed rather than buffering an absurd frame.
            errors.push({ reason: 'frame-too-long', detail: `octet count ${len} exceeds ${this.maxFrame}` });
            this.skipping = true;
            pos = sp + 1;
            continue;
          }
          pos = sp + 1;
          this.need = len;
          continue;
        }
        // Digits not followed by a space: treat the frame as LF-terminated text.
      }
      const nl = buf.indexOf(10, pos);
      if (nl < 0) {
        if (buf.length - pos > this.maxFrame) {
          errors.push({ reason: 'frame-too-long', detail: `no line feed within ${this.maxFrame} bytes` });
          this.skipping = true;
          pos = buf.length;
        }
        break;
      }
      const end = nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl;
      messages.push(decodeMessage(buf.subarray(pos, end)));
      pos = nl + 1;
    }
    this.carry = pos >= buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(pos));
    return { messages, errors };
  }

  /** End of the connection: an unterminated LF frame still counts as a message. */
  end(): { messages: Incoming[]; errors: FrameError[] } {
    const rest = this.carry;
    this.carry = Buffer.alloc(0);
    if (this.need >= 0) { this.need = -1; return { messages: [], errors: [{ reason: 'bad-octet-count', detail: `connection closed ${rest.length} bytes into an octet-counted frame` }] }; }
    if (this.skipping || rest.length === 0) { this.skipping = false; return { messages: [], errors: [] }; }
    return { messages: [decodeMessage(rest)], errors: [] };
  }
}

/** One message as one line: bytes decoded as UTF-8 (invalid bytes replaced), CR/LF → space, trailing LF dropped. */
export function toLine(bytes: Uint8Array): string {
  return decodeMessage(bytes).text;
}

export function decodeMessage(bytes: Uint8Array): Incoming {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 10 || bytes[end - 1] === 13 || bytes[end - 1] === 0)) end--;
  const body = Buffer.from(bytes.buffer, bytes.byteOffset, end);
  const raw = body.toString('utf8');
  const text = raw.includes('\n') || raw.includes('\r') ? raw.replace(/\r\n|[\r\n]/g, ' ') : raw;
  return isUtf8(body) ? { text } : { text, repaired: 'invalid-utf8' };
}

/**
 * A message payload of one or more LF-separated lines (a relay may batch them). An empty line
 * between two others is kept, so the processor counts it as an `empty-line` reject, as `run` does.
 */
export function splitPayload(data: Uint8Array): Incoming[] {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out: Incoming[] = [];
  let start = 0;
  while (start < buf.length) {
    let nl = buf.indexOf(10, start);
    if (nl < 0) nl = buf.length;
    const m = decodeMessage(buf.subarray(start, nl));
    out.push(m);
    start = nl + 1;
  }
  return out;
}
