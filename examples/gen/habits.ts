// Routine per-user activity over the whole window. Rates are tuned so the full
// sample stays under 2 MB while every user still builds a history on each channel.
import { outboundMail, siteIp, uploadUrl, usbSession, type UsbFile } from './activity.ts';
import { atWork, later, storyDays, workdays, type Window } from './calendar.ts';
import type { Attachment, LogEvent } from './events.ts';
import type { Org, User } from './org.ts';
import type { Rng } from './prng.ts';
import { HOUR } from './time.ts';
import { MB } from './units.ts';
import {
  BROWSE_SITES, BROWSERS, COMPANY_UPLOAD_SITES, DEPT_FILES, DEPT_SUBJECTS, USB_DIRS,
} from './vocab.ts';

export const IT_ADMIN_STORY = 'it-admin-many-hosts';

export interface HabitOptions {
  /** usb scenario: USB only, on most working days. */
  usbOnly: boolean;
}

export function habits(org: Org, win: Window, rng: Rng, opts: HabitOptions): LogEvent[] {
  const out: LogEvent[] = [];
  const days = workdays(win);
  for (const user of org.users) {
    const r = rng.fork(`habits:${user.login}`);
    for (const d of days) {
      if (user.traits.itAdmin) out.push(...itAdminDay(r, org, user, win, d));
      else if (user.traits.usb) out.push(...usbDay(r, user, win, d, opts));
      if (opts.usbOnly) continue;
      out.push(...mailDay(r, org, user, win, d));
      if (user.traits.web) out.push(...webDay(r, user, win, d));
    }
    if (!opts.usbOnly && user.traits.bigUploader) out.push(...weeklyBigUploads(r, user, win));
  }
  return out;
}

const smallFile = (r: Rng, user: User): UsbFile => ({
  dir: r.pick(USB_DIRS), file: r.pick(DEPT_FILES[user.dept]), size: r.logInt(20_000, 8 * MB),
});

/** A few files to one of the user's own devices on one of their usual hosts. */
function usbDay(r: Rng, user: User, win: Window, d: number, opts: HabitOptions): LogEvent[] {
  if (!r.chance(opts.usbOnly || user.traits.usbDaily ? 0.7 : 0.3)) return [];
  // The primary workstation is the usual host; a laptop, if any, is the second.
  const host = user.usbHosts.length > 1 && r.chance(0.35) ? user.usbHosts[1]! : user.usbHosts[0]!;
  const device = r.pick(user.devices);
  const files = Array.from({ length: r.int(1, 4) }, () => smallFile(r, user));
  return usbSession(r, user, host, device, atWork(r, user, win, d), files, { cmShare: opts.usbOnly ? 0 : 0.05 });
}

/** The IT admin carries a toolkit stick from desk to desk, every working day. */
function itAdminDay(r: Rng, org: Org, user: User, win: Window, d: number): LogEvent[] {
  const out: LogEvent[] = [];
  let t = atWork(r, user, win, d) - 2 * HOUR;
  for (let visit = r.int(1, 3); visit > 0; visit--) {
    const host = r.pick(org.users).host;
    const files = Array.from({ length: r.int(1, 3) }, () => ({ ...smallFile(r, user), dir: 'Tools' }));
    out.push(...usbSession(r, user, host, r.pick(user.devices), t, files, { story: IT_ADMIN_STORY }));
    t = later(r, t, 1800, 7200);
  }
  return out;
}

function attachments(r: Rng, user: User): Attachment[] {
  if (r.chance(0.15)) return []; // the body matched, nothing attached
  return Array.from({ length: r.chance(0.8) ? 1 : 2 }, () => ({
    name: r.pick(DEPT_FILES[user.dept]), size: r.logInt(10_000, 2 * MB),
  }));
}

/** Exchange shows internal recipients as legacy DNs now and then (full of `=`). */
function internalAddress(r: Rng, colleague: User): string {
  return r.chance(0.3)
    ? `/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${r.hex(32)}-${colleague.login}`
    : colleague.email;
}

/** Outbound mail to the user's usual partner contacts, sometimes copying a colleague. */
function mailDay(r: Rng, org: Org, user: User, win: Window, d: number): LogEvent[] {
  const count = r.weighted([[0, 0.4], [1, 0.4], [2, 0.17], [3, 0.03]] as const);
  const out: LogEvent[] = [];
  for (let i = 0; i < count; i++) {
    const colleague = r.pick(org.users);
    const shape = r.weighted([['one', 0.72], ['cc', 0.1], ['two', 0.1], ['internal', 0.08]] as const);
    const recipients =
      shape === 'internal' ? [internalAddress(r, colleague)]
      : shape === 'cc' ? [r.pick(user.contacts), internalAddress(r, colleague)]
      : shape === 'two' ? r.sample(user.contacts, 2)
      : [r.pick(user.contacts)];
    out.push(outboundMail(user, atWork(r, user, win, d), {
      recipients,
      subject: r.pick(DEPT_SUBJECTS[user.dept]),
      attachments: attachments(r, user),
      channel: r.weighted([[122, 0.7], [121, 0.2], [2, 0.1]] as const),
      delivered: r.chance(0.98),
    }));
  }
  return out;
}

/** Browsing verdicts and small uploads to company sites. */
function webDay(r: Rng, user: User, win: Window, d: number): LogEvent[] {
  const out: LogEvent[] = [];
  const browses = r.weighted([[0, 0.5], [1, 0.38], [2, 0.12]] as const);
  for (let i = 0; i < browses; i++) {
    const site = r.pick(BROWSE_SITES);
    out.push({
      kind: 'web', t: atWork(r, user, win, d), user, url: `https://${site}/${r.pick(['', 'search', 'news', 'login', 'docs'])}`,
      act: r.chance(0.9) ? 1 : 3, rating: r.int(71, 95), dst: siteIp(site), browser: r.pick(BROWSERS),
    });
  }
  // Roughly half the staff upload to the company's own sites, about once a week.
  const uploader = (user.rid % 2) === 0;
  if (uploader && r.chance(0.22)) {
    const site = r.pick(COMPANY_UPLOAD_SITES);
    out.push({
      kind: 'web-upload', t: atWork(r, user, win, d), user, url: uploadUrl(r, site),
      file: r.pick(DEPT_FILES[user.dept]), size: r.logInt(30_000, 3 * MB), channel: site.includes('box') ? 15 : 6,
    });
  }
  return out;
}

/** 25–45 MB to the company's cloud storage every week, outside the story days. */
function weeklyBigUploads(r: Rng, user: User, win: Window): LogEvent[] {
  const out: LogEvent[] = [];
  const last = new Set(storyDays(win));
  const days = workdays(win).filter((d) => !last.has(d));
  const weekly = days.filter((d, i) => i % 5 === 3);
  weekly.forEach((d, week) => {
    let t = atWork(r, user, win, d);
    for (const part of [1, 2]) {
      out.push({
        kind: 'web-upload', t, user, url: uploadUrl(r, 'acmecorp.box.com'), channel: 15,
        file: `site_survey_video_w${week + 1}_part${part}.mp4`, size: r.int(13 * MB, 22 * MB),
      });
      t = later(r, t, 60, 400);
    }
  });
  return out;
}
