// What happened, before it is spelled as a log line. Stories and habits produce
// these; lines.ts turns each one into exactly one line.
import type { Host, UsbDevice, User } from './org.ts';

export interface Attachment {
  name: string;
  size: number;
}

interface Base {
  /** Event time, epoch milliseconds (UTC). */
  t: number;
  /** Story id when the event belongs to a story (attack or benign look-alike). */
  story?: string;
}

/** Kind 1: DLP passed a file copied to removable storage. */
export interface UsbCopyEvent extends Base {
  kind: 'usb-copy';
  user: User;
  host: Host;
  device: UsbDevice;
  dir: string;
  file: string;
  size: number;
}

/** Kind 2 (write access) and kind 5 (blocked, cn3=4) Device Access Control. */
export interface DeviceAccessEvent extends Base {
  kind: 'device-access';
  user: User;
  host: Host;
  device: UsbDevice;
  file: string;
  process: string;
  blocked: boolean;
}

/** Kinds 3 and 10: DLP e-mail, outbound from an endpoint or inbound through the mail gateway. */
export interface EmailEvent extends Base {
  kind: 'email';
  direction: 'out' | 'in';
  /** The internal user: sender when outbound, first recipient when inbound. */
  user: User;
  sender: string;
  recipients: string[];
  subject: string;
  attachments: Attachment[];
  /** 2 email, 121 SMTP, 122 Exchange client. */
  channel: 2 | 121 | 122;
  delivered: boolean;
}

/** Kind 4: DLP passed a web upload. */
export interface WebUploadEvent extends Base {
  kind: 'web-upload';
  user: User;
  url: string;
  file: string;
  size: number;
  /** 5 HTTP, 6 HTTPS, 15 cloud storage. */
  channel: 5 | 6 | 15;
}

/** Kind 5: DLP blocked a transfer. */
export interface DlpBlockEvent extends Base {
  kind: 'dlp-block';
  user: User;
  channel: 0 | 5 | 6 | 9 | 10;
  policy: readonly [name: string, guid: string];
  file: string;
  size: number;
  url?: string;
}

/** Kind 6: web reputation verdict on a browsed URL. */
export interface WebEvent extends Base {
  kind: 'web';
  user: User;
  url: string;
  /** 1 pass, 2 block, 3 monitor. */
  act: 1 | 2 | 3;
  rating: number;
  dst: string;
  browser: string;
}

/** Kind 7: malware-type detections. */
export interface MalwareEvent extends Base {
  kind: 'malware';
  variant: 'av' | 'av-fr' | 'pml' | 'bm' | 'cnc';
  user: User;
  threat: string;
  file: string;
  hash: string;
}

/** Kind 8: Windows 4674 forwarded by Deep Security Log Inspection. */
export interface PrivilegedEvent extends Base {
  kind: 'privileged';
  format: 'leef' | 'cef';
  server: string;
  hostId: number;
  account: string;
  /** Security ID of the account (S-1-5-18 for SYSTEM). */
  sid: string;
  objectType: string;
  objectName: string;
  process: string;
  access: string;
  privilege: string;
  success: boolean;
}

/** Kind 9: the Control Manager / ArcSight flavour of a USB DLP record. */
export interface ControlManagerEvent extends Base {
  kind: 'cm-dlp';
  user: User;
  host: Host;
  action: 'Passed' | 'Blocked';
  dir: string;
  file: string;
  size: number;
}

/** Lines a parser must reject: empty, truncated, foreign vendor, binary noise. */
export interface JunkEvent extends Base {
  kind: 'junk';
  style: 'empty' | 'truncated' | 'foreign' | 'binary';
  user: User;
}

export type LogEvent =
  | UsbCopyEvent
  | DeviceAccessEvent
  | EmailEvent
  | WebUploadEvent
  | DlpBlockEvent
  | WebEvent
  | MalwareEvent
  | PrivilegedEvent
  | ControlManagerEvent
  | JunkEvent;
