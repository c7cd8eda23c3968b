// The fictional organisation: users, their departments, workstations and USB devices.
import type { Rng } from './prng.ts';
import {
  COMPANY_DOMAIN, DEPT_WEIGHTS, FIRST_NAMES, LAST_NAMES, PARTNER_DOMAINS, USB_MODELS, type Dept,
} from './vocab.ts';

export interface Host {
  name: string;
  ip: string;
  mac: string;
}

export interface UsbDevice {
  vendor: string;
  model: string;
  serial: string;
  drive: string;
}

/** Behaviour switches the stories flip before the background activity is generated. */
export interface Traits {
  /** Copies files to USB as a habit. */
  usb: boolean;
  /** Uses USB on most working days, not one day in three (an established USB history). */
  usbDaily: boolean;
  /** Browses and uploads on the web (false for the first-large-web-upload story user). */
  web: boolean;
  /** Uploads 20+ MB every week (benign look-alike of a large first upload). */
  bigUploader: boolean;
  /** Uses USB on many hosts as part of the job. */
  itAdmin: boolean;
}

export interface User {
  login: string;
  first: string;
  last: string;
  dept: Dept;
  email: string;
  /** Primary workstation `WS-<NAME>-01`. */
  host: Host;
  /** Hosts this user normally plugs USB devices into. */
  usbHosts: Host[];
  devices: UsbDevice[];
  /** External addresses this user normally mails (stable over the window). */
  contacts: string[];
  /** Hour (UTC) at which the working day starts. */
  startHour: number;
  rid: number;
  traits: Traits;
}

export interface Org {
  users: User[];
  /** Creates a host outside the user workstations (labs, kiosks). */
  newHost(name: string): Host;
  /** A fresh USB device nobody has used yet. */
  newDevice(rng: Rng): UsbDevice;
}

export interface OrgOptions {
  users: number;
  /** Every user has USB habits (usb scenario) instead of ~40% of them. */
  allUsb: boolean;
  /** Logins that must exist (the usb scenario names its attacker). */
  forcedLogins: readonly string[];
  /** Organisation shape; the default is the demo's. */
  shape?: OrgShape;
}

/** How an organisation differs from the demo's: who has USB habits, which departments it has. */
export interface OrgShape {
  /** Share of users with USB habits (default 0.4). */
  usbShare?: number;
  /** Head-count weight per department (default DEPT_WEIGHTS); executives are always two. */
  deptWeights?: readonly (readonly [Dept, number])[];
}

/** Named shapes for evaluating the pack on organisations unlike the demo's. */
export const ORG_SHAPES: Record<string, OrgShape> = {
  demo: {},
  // Most staff carry USB sticks: far more benign USB activity for the USB rules to stay quiet on.
  'usb-heavy': { usbShare: 0.8 },
  // A sales and finance house with few engineers: other partners, other mail habits.
  'sales-heavy': { deptWeights: [['engineering', 2], ['sales', 12], ['finance', 8], ['hr', 2], ['legal', 2], ['it', 2]] },
  // A software house: engineers dominate, so partner and source-file habits are mostly theirs.
  'engineering-heavy': { usbShare: 0.3, deptWeights: [['engineering', 20], ['sales', 3], ['finance', 2], ['hr', 1], ['legal', 1], ['it', 3]] },
  // Finance, HR and legal dominant, few USB users: mail-heavy back office with other partners.
  'back-office': { usbShare: 0.25, deptWeights: [['engineering', 1], ['sales', 3], ['finance', 10], ['hr', 6], ['legal', 6], ['it', 2]] },
  // Every department equally large.
  flat: { deptWeights: [['engineering', 1], ['sales', 1], ['finance', 1], ['hr', 1], ['legal', 1], ['it', 1]] },
};

export function buildOrg(rng: Rng, opts: OrgOptions): Org {
  const names = pickNames(rng.fork('names'), opts.users, opts.forcedLogins);
  const depts = assignDepartments(rng.fork('depts'), names.length, opts.allUsb, opts.shape?.deptWeights ?? DEPT_WEIGHTS);
  const contactsByDomain = new Map<string, string[]>();
  const contactsRng = rng.fork('contacts');
  let hostCount = 0;
  const makeHost = (name: string, subnet: number, r: Rng): Host => {
    const i = hostCount++;
    const mac = ['00', '50', '56', r.hex(2), r.hex(2), r.hex(2)].join('-').toUpperCase();
    return { name, ip: `10.${subnet}.${1 + Math.floor(i / 240)}.${10 + (i % 240)}`, mac };
  };
  const newDevice = (r: Rng): UsbDevice => {
    const [vendor, model] = r.pick(USB_MODELS);
    return { vendor, model, serial: r.hex(r.pick([12, 16, 20])).toUpperCase(), drive: r.pick(['E', 'E', 'E', 'F']) };
  };

  const users = names.map(([first, last, login], i): User => {
    const r = rng.fork(`user:${login}`);
    const dept = depts[i]!;
    const tag = (first[0] + last + login.replace(/^\D*/, '')).toUpperCase();
    const host = makeHost(`WS-${tag}-01`, 10 + deptIndex(dept), r);
    const usb = opts.allUsb || r.chance(opts.shape?.usbShare ?? 0.4);
    const usbHosts = [host];
    // Some USB users also work from a laptop: a second, equally habitual host.
    if (usb && r.chance(opts.allUsb ? 0.4 : 0.2)) usbHosts.push(makeHost(`LT-${tag}-01`, 40, r));
    const devices = usb ? Array.from({ length: r.chance(0.4) ? 2 : 1 }, () => newDevice(r)) : [];
    return {
      login, first, last, dept,
      email: `${first}.${last}@${COMPANY_DOMAIN}`,
      host, usbHosts, devices,
      contacts: pickContacts(r, dept, contactsByDomain, contactsRng),
      startHour: r.int(7, 9),
      rid: 1104 + i,
      traits: { usb, usbDaily: false, web: true, bigUploader: false, itAdmin: false },
    };
  });

  return { users, newHost: (name) => makeHost(name, 60, rng.fork(`host:${name}`)), newDevice };
}

/** Unique (first, last, login) triples; forced logins take the first slots. */
function pickNames(rng: Rng, n: number, forced: readonly string[]): [string, string, string][] {
  const out: [string, string, string][] = [];
  const seen = new Set<string>();
  for (const login of forced.slice(0, n)) {
    const [first = login, last = 'user'] = login.split('.');
    out.push([first, last, login]);
    seen.add(login);
  }
  const combos = rng.sample(FIRST_NAMES.flatMap((f) => LAST_NAMES.map((l) => [f, l] as const)), FIRST_NAMES.length * LAST_NAMES.length);
  // Past 3,600 users (bench mode) the same names come round again with a number.
  for (let round = 0; out.length < n; round++) {
    for (const [first, last] of combos) {
      if (out.length >= n) break;
      const login = round === 0 ? `${first}.${last}` : `${first}.${last}${round + 1}`;
      if (seen.has(login)) continue;
      seen.add(login);
      out.push([first, last, login]);
    }
  }
  return out;
}

/** Two executives (none in the USB-only skeleton), the rest drawn by head-count weight. */
function assignDepartments(rng: Rng, n: number, noExecutives: boolean, weights: readonly (readonly [Dept, number])[]): Dept[] {
  const pool: Dept[] = weights.flatMap(([d, w]) => Array<Dept>(w).fill(d));
  const out: Dept[] = [];
  for (let i = 0; i < n; i++) {
    if (!noExecutives && i >= 1 && i <= 2) out.push('executive');
    else out.push(rng.pick(pool));
  }
  return out;
}

function deptIndex(dept: Dept): number {
  return ['engineering', 'sales', 'finance', 'hr', 'legal', 'executive', 'it'].indexOf(dept);
}

/** 2–4 partner domains from the department's list, one or two named contacts at each. */
function pickContacts(r: Rng, dept: Dept, byDomain: Map<string, string[]>, contactsRng: Rng): string[] {
  const domains = r.sample(PARTNER_DOMAINS[dept], r.int(2, Math.min(4, PARTNER_DOMAINS[dept].length)));
  return domains.flatMap((domain) => r.sample(domainContacts(domain, byDomain, contactsRng), r.int(1, 2)));
}

/** A partner domain's staff: the same few addresses whoever writes to them. */
function domainContacts(domain: string, byDomain: Map<string, string[]>, contactsRng: Rng): string[] {
  let list = byDomain.get(domain);
  if (!list) {
    const r = contactsRng.fork(domain);
    list = Array.from({ length: 4 }, () => `${r.pick(FIRST_NAMES)[0]}.${r.pick(LAST_NAMES)}@${domain}`);
    byDomain.set(domain, list);
  }
  return list;
}
