// Organisation-wide background: malware detections, DLP blocks, inbound mail,
// privileged-object audits from servers, and junk lines a reader must reject.
import { siteIp } from './activity.ts';
import { atWork, dayStart, workdays, type Window } from './calendar.ts';
import type { JunkEvent, LogEvent, MalwareEvent } from './events.ts';
import type { Org, User } from './org.ts';
import type { Rng } from './prng.ts';
import { isWeekday, MINUTE } from './time.ts';
import { MB } from './units.ts';
import {
  BAD_SITES, BROWSERS, DEPT_FILES, DEPT_SUBJECTS, DESIRED_ACCESS, DLP_BLOCK_POLICIES, DOMAIN_SID, MALWARE,
  MALWARE_FILES, PRIV_OBJECTS, PRIV_PROCESSES, PRIVILEGES, SERVERS,
} from './vocab.ts';

export function orgNoise(org: Org, win: Window, rng: Rng): LogEvent[] {
  const r = rng.fork('noise');
  const out: LogEvent[] = [];
  // Rates below are per 50 staff; a bigger organisation (bench mode) repeats them.
  const blocks = Math.max(1, Math.round(org.users.length / 50));
  for (let i = 0; i < win.days * blocks; i++) {
    const d = i % win.days;
    const weekday = isWeekday(dayStart(win, d));
    // Malware never sleeps, but far less of it is seen at weekends.
    const detections = weekday ? r.weighted([[0, 0.35], [1, 0.45], [2, 0.2]] as const) : r.chance(0.2) ? 1 : 0;
    for (let i = 0; i < detections; i++) out.push(malware(r, r.pick(org.users), win, d));
    if (!weekday) continue;
    for (let i = r.weighted([[0, 0.4], [1, 0.45], [2, 0.15]] as const); i > 0; i--) out.push(dlpBlock(r, org, win, d));
    for (let i = r.weighted([[0, 0.3], [1, 0.4], [2, 0.3]] as const); i > 0; i--) out.push(inboundMail(r, r.pick(org.users), win, d));
    for (let i = r.int(1, 3); i > 0; i--) out.push(privileged(r, org, win, d));
    if (r.chance(0.15)) {
      const user = r.pick(org.users);
      const site = r.pick(BAD_SITES);
      out.push({
        kind: 'web', t: atWork(r, user, win, d), user, url: `http://${site}/${r.pick(['download', 'view', 'login'])}`,
        act: 2, rating: r.int(10, 35), dst: siteIp(site), browser: r.pick(BROWSERS),
      });
    }
  }
  return out;
}

function malware(r: Rng, user: User, win: Window, d: number): MalwareEvent {
  const variant = r.weighted([['av', 0.6], ['av-fr', 0.15], ['pml', 0.1], ['bm', 0.08], ['cnc', 0.07]] as const);
  const threat =
    variant === 'pml' ? `TROJ.Win32.TRX.XXPE50F${r.hex(5).toUpperCase()}`
    : variant === 'cnc' ? 'c2-relay.example'
    : r.pick(MALWARE);
  return {
    kind: 'malware', t: atWork(r, user, win, d), user, variant, threat, file: r.pick(MALWARE_FILES), hash: r.hex(40).toUpperCase(),
  };
}

/** DLP blocks on USB/web/printer/clipboard, plus Device Access Control blocking a copy tool. */
function dlpBlock(r: Rng, org: Org, win: Window, d: number): LogEvent {
  const user = r.pick(org.users);
  const t = atWork(r, user, win, d);
  const file = r.pick(DEPT_FILES[user.dept]);
  const how = r.weighted([['dlp', 0.7], ['device', 0.2], ['cm', 0.1]] as const);
  if (how === 'device') {
    return {
      kind: 'device-access', t, user, host: user.host, device: org.newDevice(r), blocked: true,
      file: `E:\\${file}`, process: `C:\\Tools\\${r.pick(['portable_sync', 'usbcopy', 'fastcopy', 'rclone'])}.exe`,
    };
  }
  if (how === 'cm') {
    return { kind: 'cm-dlp', t, user, host: user.host, action: 'Blocked', dir: 'Transfer', file, size: r.logInt(50_000, 20 * MB) };
  }
  const channel = r.weighted([[0, 0.3], [6, 0.25], [5, 0.1], [9, 0.2], [10, 0.15]] as const);
  const url = channel === 5 || channel === 6
    ? `${channel === 6 ? 'https' : 'http'}://${r.pick(['www.dropbox.com', 'wetransfer.com', 'pastebin.com'])}/upload?x=1`
    : undefined;
  return {
    kind: 'dlp-block', t, user, channel, policy: r.pick(DLP_BLOCK_POLICIES), file, size: r.logInt(10_000, 5 * MB), url,
  };
}

/** Partner mail arriving through the gateway; now and then from a public mailbox. */
function inboundMail(r: Rng, user: User, win: Window, d: number): LogEvent {
  const sender = r.chance(0.85) ? r.pick(user.contacts) : `${r.hex(6)}.contact@gmail.com`;
  return {
    kind: 'email', direction: 'in', t: atWork(r, user, win, d), user, sender, recipients: [user.email],
    subject: `RE: ${r.pick(DEPT_SUBJECTS[user.dept])}`,
    attachments: [{ name: r.pick(DEPT_FILES[user.dept]), size: r.logInt(20_000, 3 * MB) }],
    channel: 121, delivered: r.chance(0.95),
  };
}

/** Windows 4674 on the servers: admins and the backup service take privileged access. */
function privileged(r: Rng, org: Org, win: Window, d: number): LogEvent {
  const admins = org.users.filter((u) => u.dept === 'it');
  const who = r.weighted([['admin', admins.length ? 0.7 : 0], ['svc', 0.2], ['system', 0.1]] as const);
  const admin = who === 'admin' ? r.pick(admins) : undefined;
  const account = admin ? admin.login : who === 'svc' ? 'svc_backup' : 'SYSTEM';
  const sid = admin ? `${DOMAIN_SID}-${admin.rid}` : who === 'svc' ? `${DOMAIN_SID}-1050` : 'S-1-5-18';
  const [objectType, objectName] = r.pick(PRIV_OBJECTS);
  const serverIndex = r.int(0, SERVERS.length - 1);
  return {
    kind: 'privileged', t: dayStart(win, d) + r.int(6 * 60, 20 * 60) * MINUTE + r.int(0, 59_999),
    format: r.chance(0.85) ? 'leef' : 'cef', server: SERVERS[serverIndex]!, hostId: 101 + serverIndex,
    account, sid, objectType, objectName, process: r.pick(PRIV_PROCESSES), access: r.pick(DESIRED_ACCESS),
    privilege: r.pick(PRIVILEGES), success: r.chance(0.9),
  };
}

/** About 0.5% junk, spread over the working days, cycling through the styles. */
export function junk(org: Org, win: Window, rng: Rng, total: number): JunkEvent[] {
  const r = rng.fork('junk');
  const days = workdays(win);
  const styles = ['empty', 'truncated', 'foreign', 'binary'] as const;
  const n = Math.max(4, Math.round(total * 0.005));
  return Array.from({ length: n }, (_, i) => {
    const user = r.pick(org.users);
    return { kind: 'junk', style: styles[i % styles.length]!, user, t: atWork(r, user, win, r.pick(days)) };
  });
}

