// Builders for one user action that may span several lines (a USB copy session,
// an e-mail, an upload). Habits and stories both use them, so an attack looks
// exactly like routine work except for the behaviour that gives it away.
import { later } from './calendar.ts';
import type { Attachment, EmailEvent, LogEvent } from './events.ts';
import type { Host, UsbDevice, User } from './org.ts';
import { hash32, type Rng } from './prng.ts';

export interface UsbFile {
  dir: string;
  file: string;
  size: number;
}

export interface UsbSessionOptions {
  story?: string;
  /** Share of copies forwarded in the Control Manager flavour instead of Apex Central. */
  cmShare?: number;
}

/**
 * Files copied to a USB device one after another. Device Access Control logs the
 * first write and about half of the rest; DLP logs every file.
 */
export function usbSession(
  r: Rng, user: User, host: Host, device: UsbDevice, t0: number, files: readonly UsbFile[], opts: UsbSessionOptions = {},
): LogEvent[] {
  const out: LogEvent[] = [];
  let t = t0;
  files.forEach(({ dir, file, size }, i) => {
    const story = opts.story;
    if (i === 0 || r.chance(0.5)) {
      out.push({
        kind: 'device-access', t, story, user, host, device, blocked: false,
        file: `${device.drive}:\\${dir}\\${file}`, process: 'C:\\Windows\\explorer.exe',
      });
    }
    const copyT = t + r.int(200, 3000);
    if (opts.cmShare && r.chance(opts.cmShare)) {
      out.push({ kind: 'cm-dlp', t: copyT, story, user, host, action: 'Passed', dir, file, size });
    } else {
      out.push({ kind: 'usb-copy', t: copyT, story, user, host, device, dir, file, size });
    }
    t = later(r, t, 15, 150);
  });
  return out;
}

export interface MailSpec {
  recipients: string[];
  subject: string;
  attachments: Attachment[];
  channel?: EmailEvent['channel'];
  delivered?: boolean;
  story?: string;
}

export function outboundMail(user: User, t: number, spec: MailSpec): EmailEvent {
  return {
    kind: 'email', direction: 'out', t, story: spec.story, user, sender: user.email,
    recipients: spec.recipients, subject: spec.subject, attachments: spec.attachments,
    channel: spec.channel ?? 122, delivered: spec.delivered ?? true,
  };
}

/** Upload URL with a query string, so `=` escaping is exercised. */
export function uploadUrl(r: Rng, domain: string): string {
  return `https://${domain}/upload?x=1&session=${r.hex(8)}`;
}

/** A stable public-looking IP for a domain (documentation/test ranges only). */
export function siteIp(domain: string): string {
  const h = hash32(domain);
  const nets = ['192.0.2', '198.51.100', '203.0.113'];
  return `${nets[h % 3]}.${1 + ((h >>> 8) % 254)}`;
}
