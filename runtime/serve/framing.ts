// Syslog over a stream (RFC 6587): each frame is either octet-counted ("LEN SP MSG") or
// terminated by LF (non-transparent framing). Senders may mix both on one connection, so the
// choice is made per frame from its first byte. Messages become single lines: embedded CR/LF
// (legal inside an octet-counted frame) are replaced by spaces, because the spool and `run`
// are line based.

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
  push(chunk: Buffer): { messages: string[]; errors: FrameError[] } {
    const messages: string[] = [];
    const errors: FrameError[] = [];
    let buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    let pos = 0;
    for (;;) {
      if (this.need >= 0) {
        if (buf.length - pos < this.need) break;
        messages.push(toLine(buf.subarray(pos, pos + this.need)));
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
      messages.push(toLine(buf.subarray(pos, end)));
      pos = nl + 1;
    }
    this.carry = pos >= buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(pos));
    return { messages, errors };
  }

  /** End of the connection: an unterminated LF frame still counts as a message. */
  end(): { messages: string[]; errors: FrameError[] } {
    const rest = this.carry;
    this.carry = Buffer.alloc(0);
    if (this.need >= 0) { this.need = -1; return { messages: [], errors: [{ reason: 'bad-octet-count', detail: `connection closed ${rest.length} bytes into an octet-counted frame` }] }; }
    if (this.skipping || rest.length === 0) { this.skipping = false; return { messages: [], errors: [] }; }
    return { messages: [toLine(rest)], errors: [] };
  }
}

/** One message as one line: bytes decoded as UTF-8 (invalid bytes replaced), CR/LF → space, trailing LF dropped. */
export function toLine(bytes: Buffer): string {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 10 || bytes[end - 1] === 13 || bytes[end - 1] === 0)) end--;
  const text = bytes.toString('utf8', 0, end);
  return text.includes('\n') || text.includes('\r') ? text.replace(/\r\n|[\r\n]/g, ' ') : text;
}
