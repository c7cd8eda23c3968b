// Attack stories and their benign look-alikes. Each story has its own user, and
// every attack happens in one working session during the last three days.
import { outboundMail, uploadUrl, usbSession, type UsbFile } from './activity.ts';
import { dayStart, storyDays, type Window } from './calendar.ts';
import type { Attachment, LogEvent } from './events.ts';
import { IT_ADMIN_STORY } from './habits.ts';
import type { Org, User } from './org.ts';
import type { Rng } from './prng.ts';
import { HOUR, MINUTE } from './time.ts';
import { KB, MB } from './units.ts';
import { DEPT_FILES, type Dept } from './vocab.ts';

export type Scenario = 'usb' | 'full';

export interface Story {
  id: string;
  user: User;
  kind: 'attack' | 'benign';
  description: string;
  /** The story's own lines; empty when habits carry it (the IT admin). */
  events: LogEvent[];
}

/** Picks each story's user (flipping the traits habits depend on) and builds its events. */
export function planStories(scenario: Scenario, org: Org, win: Window, rng: Rng): Story[] {
  const r = rng.fork('stories');
  const cast = new Cast(org, r.fork('cast'));
  const days = storyDays(win);
  let slot = 0;
  // Stories take turns over the last days, each in its own one-to-two-hour session.
  const session = (sr: Rng, day?: number): number =>
    dayStart(win, day ?? days[slot++ % days.length]!) + sr.int(9, 14) * HOUR + sr.int(0, 59) * MINUTE + sr.int(0, 59_999);
  const stories: Story[] = [];
  const add = (id: string, kind: Story['kind'], user: User, description: string, build: (sr: Rng) => LogEvent[]) => {
    const events = build(r.fork(id));
    for (const e of events) e.story = id;
    stories.push({ id, user, kind, description, events });
  };

  // Named and trait-changing roles are cast first, before anyone else is picked.
  const mallory = scenario === 'usb' ? cast.take((u) => u.login === 'mallory.stone') : undefined;
  const admin = cast.take((u) => u.dept === 'it', { dept: 'it' });
  admin.traits.itAdmin = true;
  if (!admin.devices.length) admin.devices.push(org.newDevice(r));
  stories.push({
    id: IT_ADMIN_STORY, user: admin, kind: 'benign', events: [],
    description: 'IT admin copies tools to a USB stick on many different hosts, every working day of the window',
  });

  if (mallory) {
    add('usb-exfil', 'attack', mallory,
      'mallory.stone copies dozens of files to a never-seen USB device on a never-seen host (WS-LAB-99) on the last day',
      (sr) => usbExfil(sr, org, mallory, 'WS-LAB-99', session(sr, win.days - 1), sr.int(35, 60)));
    const owner = cast.take((u) => u.traits.usb);
    add('new-device-usual-host', 'benign', owner, 'a new USB device used on the usual host for two files',
      (sr) => newDeviceUsualHost(sr, org, owner, session(sr)));
    return stories;
  }

  // An established USB user: per-user models judge a new host or device only once they have
  // converged (cutOff sessions), and a user who copies to USB one day in three has too few
  // sessions in a short window for that.
  const exfil = cast.take((u) => u.traits.usb && u.dept !== 'executive');
  exfil.traits.usbDaily = true;
  add('usb-exfil', 'attack', exfil, 'many files copied to a never-seen USB device on a never-seen host',
    (sr) => usbExfil(sr, org, exfil, 'WS-LAB-42', session(sr), sr.int(20, 60)));

  const seeker = cast.take((u) => u.dept === 'sales');
  add('resume-to-personal', 'attack', seeker,
    'resume/CV and job-offer mails to the user\'s own gmail address carrying more than 5 MB of company files',
    (sr) => resumeToPersonal(sr, seeker, session(sr)));

  const dropper = cast.take((u) => u.dept === 'finance');
  add('disposable-domain', 'attack', dropper, 'mails with attachments to mailinator.com and guerrillamail.com addresses',
    (sr) => disposable(sr, dropper, session(sr)));

  const mole = cast.take((u) => u.dept === 'sales');
  add('competitor', 'attack', mole, 'roadmap and pricing attachments mailed to competitor-a.example',
    (sr) => competitor(sr, mole, session(sr)));

  const exec = cast.take((u) => u.dept === 'executive', { dept: 'executive' });
  add('exec-forward', 'attack', exec, 'an executive forwards board material to public yahoo.com/outlook.com mailboxes',
    (sr) => execForward(sr, exec, session(sr)));

  const dev = cast.take((u) => u.dept === 'engineering');
  add('source-code', 'attack', dev, 'several source-code attachments (.py/.java/.cpp) to a never-seen external domain',
    (sr) => sourceCode(sr, dev, session(sr)));

  const uploader = cast.take((u) => u.dept !== 'executive');
  uploader.traits.web = false;
  add('first-large-web-upload', 'attack', uploader, 'a user with no web history uploads more than 20 MB to mega.nz',
    (sr) => firstLargeUpload(sr, uploader, session(sr)));

  const owner = cast.take((u) => u.traits.usb);
  add('new-device-usual-host', 'benign', owner, 'a new USB device used on the usual host for two files',
    (sr) => newDeviceUsualHost(sr, org, owner, session(sr)));

  const newPartner = cast.take(() => true);
  add('new-partner-domain', 'benign', newPartner, 'one ordinary mail to a partner domain not mailed before',
    (sr) => [outboundMail(newPartner, session(sr), {
      recipients: ['contact@newvendor-solutions.com'], subject: 'Introduction and capabilities',
      attachments: [{ name: 'company_profile.pdf', size: sr.int(200 * KB, 600 * KB) }],
    })]);

  const homeMailer = cast.take(() => true);
  add('personal-address-small', 'benign', homeMailer, 'one mail with a small photo to the user\'s personal address, neutral subject',
    (sr) => [outboundMail(homeMailer, session(sr), {
      recipients: [`${homeMailer.first}${homeMailer.last}@hotmail.com`], subject: 'Weekend photos',
      attachments: [{ name: 'IMG_2041.jpg', size: sr.int(300 * KB, 900 * KB) }],
    })]);

  const bigUploader = cast.take((u) => u.traits.web && u.dept !== 'executive');
  bigUploader.traits.bigUploader = true;
  add('usual-big-upload', 'benign', bigUploader, 'a 25+ MB upload to the company box.com from a user who uploads that much every week',
    (sr) => bigUpload(sr, bigUploader, session(sr)));

  return stories;
}

/** Hands out distinct users, preferring ones that fit the role. */
class Cast {
  private readonly free: User[];

  constructor(org: Org, r: Rng) {
    this.free = r.sample(org.users, org.users.length);
  }

  /** First free user matching `fits`; otherwise any free user, reshaped by `fallback`. */
  take(fits: (u: User) => boolean, fallback: { dept?: Dept } = {}): User {
    let i = this.free.findIndex(fits);
    if (i < 0) i = this.free.findIndex((u) => u.dept !== 'executive');
    if (i < 0) i = 0;
    const [user] = this.free.splice(i, 1);
    if (!user) throw new Error('not enough users for the stories; raise --users');
    if (!fits(user) && fallback.dept) user.dept = fallback.dept;
    return user;
  }
}

/** Company files with distinct names, as an attacker grabs a whole folder. */
function grabFiles(r: Rng, n: number, dir: string): UsbFile[] {
  const pool = r.sample(Object.values(DEPT_FILES).flat(), 1000);
  return Array.from({ length: n }, (_, i) => {
    const base = pool[i % pool.length]!;
    const name = i < pool.length ? base : base.replace(/(\.\w+)$/, `_${Math.floor(i / pool.length) + 1}$1`);
    return { dir, file: name, size: r.logInt(80_000, 12 * MB) };
  });
}

function usbExfil(r: Rng, org: Org, user: User, hostName: string, t: number, n: number): LogEvent[] {
  return usbSession(r, user, org.newHost(hostName), org.newDevice(r), t, grabFiles(r, n, r.pick(['Backup', 'Transfer', 'ToGo'])));
}

function newDeviceUsualHost(r: Rng, org: Org, user: User, t: number): LogEvent[] {
  const files = grabFiles(r, 2, 'Work').map((f) => ({ ...f, size: r.logInt(50_000, 2 * MB) }));
  return usbSession(r, user, user.usbHosts[0]!, org.newDevice(r), t, files);
}

/** Mails sent one after another within the session. */
function mails(r: Rng, user: User, t0: number, specs: { to: string; subject: string; files: Attachment[] }[]): LogEvent[] {
  let t = t0;
  return specs.map(({ to, subject, files }) => {
    const e = outboundMail(user, t, { recipients: [to], subject, attachments: files });
    t += r.int(6, 25) * MINUTE;
    return e;
  });
}

const doc = (r: Rng, name: string, lo: number, hi: number): Attachment => ({ name, size: r.int(lo, hi) });

function resumeToPersonal(r: Rng, user: User, t: number): LogEvent[] {
  const to = `${user.first}.${user.last}1985@gmail.com`;
  const Last = user.last[0]!.toUpperCase() + user.last.slice(1);
  return mails(r, user, t, [
    { to, subject: 'My resume - updated', files: [doc(r, `Resume_${Last}_2026.pdf`, 150 * KB, 400 * KB), doc(r, 'customer_accounts_2026.xlsx', 1.8 * MB, 2.8 * MB)] },
    { to, subject: 'CV and cover letter for the job offer', files: [doc(r, `CV_${Last}.docx`, 100 * KB, 250 * KB), doc(r, 'pricing_model_v7.xlsx', 1.8 * MB, 2.6 * MB)] },
    { to, subject: 'RE: job offer - signed offer letter', files: [doc(r, 'offer_letter_signed.pdf', 200 * KB, 500 * KB), doc(r, 'pipeline_Q4_full.csv', 1.8 * MB, 2.4 * MB)] },
  ]);
}

function disposable(r: Rng, user: User, t: number): LogEvent[] {
  const pick = () => [doc(r, r.pick(DEPT_FILES[user.dept]), 300 * KB, 2 * MB)];
  return mails(r, user, t, [
    { to: `qz7781@mailinator.com`, subject: 'files', files: pick() },
    { to: `qz7781@mailinator.com`, subject: 'more files', files: [...pick(), doc(r, 'vendor_bank_details.xlsx', 80 * KB, 400 * KB)] },
    { to: `dropbox4521@guerrillamail.com`, subject: 'backup', files: pick() },
  ]);
}

function competitor(r: Rng, user: User, t: number): LogEvent[] {
  const to = 'r.hayes@competitor-a.example';
  return mails(r, user, t, [
    { to, subject: 'As discussed', files: [doc(r, 'product_roadmap_2027.pptx', 2 * MB, 4 * MB)] },
    { to, subject: 'Follow-up: pricing', files: [doc(r, 'customer_pricing_master.xlsx', 500 * KB, 1.5 * MB), doc(r, 'Q3_pipeline.xlsx', 200 * KB, 900 * KB)] },
  ]);
}

function execForward(r: Rng, user: User, t: number): LogEvent[] {
  return mails(r, user, t, [
    { to: `${user.first[0]}${user.last}.home@yahoo.com`, subject: 'FW: Board minutes Q3', files: [doc(r, 'Board_minutes_Q3.pdf', 400 * KB, 900 * KB)] },
    { to: `${user.first}${user.last}@outlook.com`, subject: 'FW: Q3 board deck - confidential', files: [doc(r, 'Q3_board_deck.pptx', 3 * MB, 5 * MB)] },
  ]);
}

function sourceCode(r: Rng, user: User, t: number): LogEvent[] {
  const to = 'dev@codeshare-freelance.net';
  const src = (name: string) => doc(r, name, 8 * KB, 120 * KB);
  return mails(r, user, t, [
    { to, subject: 'code samples', files: [src('auth_service.py'), src('PaymentGateway.java'), src('crypto_utils.cpp')] },
    { to, subject: 'rest of the module', files: [src('license_check.cpp'), src('LicenseValidator.java'), src('models.py'), src('build.gradle')] },
  ]);
}

function firstLargeUpload(r: Rng, user: User, t0: number): LogEvent[] {
  let t = t0;
  return Array.from({ length: 5 }, (_, i): LogEvent => {
    const e: LogEvent = {
      kind: 'web-upload', t, user, url: uploadUrl(r, 'mega.nz'), channel: 15,
      file: `project_archive.part${i + 1}.7z`, size: r.int(4.5 * MB, 8 * MB),
    };
    t += r.int(3, 9) * MINUTE;
    return e;
  });
}

function bigUpload(r: Rng, user: User, t: number): LogEvent[] {
  return [
    { kind: 'web-upload', t, user, url: uploadUrl(r, 'acmecorp.box.com'), channel: 15, file: 'site_survey_video_final_part1.mp4', size: r.int(13 * MB, 20 * MB) },
    { kind: 'web-upload', t: t + r.int(2, 6) * MINUTE, user, url: uploadUrl(r, 'acmecorp.box.com'), channel: 15, file: 'site_survey_video_final_part2.mp4', size: r.int(13 * MB, 20 * MB) },
  ];
}
