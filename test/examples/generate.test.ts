// The sample-log generator: reproducible, realistic in shape, and in step with
// the committed samples under examples/sample/.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate, type GenerateResult } from '../../examples/gen/generate.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SAMPLES = join(ROOT, 'examples/sample');
const MiB = 1024 * 1024;

const cache = new Map<string, GenerateResult>();
const once = (scenario: 'usb' | 'full', seed: number): GenerateResult => {
  const key = `${scenario}:${seed}`;
  if (!cache.has(key)) cache.set(key, generate({ scenario, seed }));
  return cache.get(key)!;
};
const usb = () => once('usb', 1);
const full = () => once('full', 7);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Event time of a line from `rt=` (three spellings) or LEEF `devTime=`; undefined for junk. */
function eventTime(line: string): number | undefined {
  let m = /[ |^](?:rt|devTime)=([A-Z][a-z]{2}) (\d{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT\+00:00/.exec(line);
  if (m) return Date.UTC(+m[3]!, MONTHS.indexOf(m[1]!), +m[2]!, +m[4]!, +m[5]!, +m[6]!);
  m = /[ |]rt=(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(line);
  if (m) return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  m = /[ |]rt=(\d{13})(?: |$)/.exec(line);
  if (m) return Math.floor(Number(m[1]) / 1000) * 1000;
  return undefined;
}

/** A CEF extension value (unescaped backslashes left as they are). */
function field(line: string, key: string): string | undefined {
  return new RegExp(`[ |]${key}=((?:\\\\.|[^\\\\])*?)(?= [\\w.]+=|$)`).exec(line)?.[1];
}

/** The brief's line kinds 1–10. */
function kindOf(line: string): number | undefined {
  if (line.includes('|Control Manager|')) return 9;
  if (line.includes('|3004674|')) return 8;
  if (/\|(AV|PML|BM|CnC):/.test(line)) return 7;
  if (line.includes('|WB:')) return 6;
  if (line.includes('|700107|')) return field(line, 'cn3') === '4' ? 5 : 2;
  if (!line.includes('|700106|')) return undefined;
  if (line.includes('deviceFacility=Deep Discovery Email Inspector')) return 10;
  const channel = Number(field(line, 'cn3'));
  if ([2, 121, 122].includes(channel)) return 3;
  if (field(line, 'cn2') === '0') return 5;
  if (channel === 0) return 1;
  if ([5, 6, 15].includes(channel)) return 4;
  return undefined;
}

const story = (r: GenerateResult, id: string) => {
  const s = r.truth.stories.find((x) => x.id === id);
  if (!s) throw new Error(`no story ${id}`);
  return { ...s, t0: Date.parse(s.start), t1: Date.parse(s.end) };
};

describe('determinism', () => {
  it('same options give identical output', () => {
    expect(generate({ scenario: 'usb', seed: 1 })).toEqual(usb());
    expect(generate({ scenario: 'full', seed: 7 })).toEqual(full());
  });

  it('a different seed gives different output', () => {
    expect(generate({ scenario: 'usb', seed: 2 }).lines).not.toEqual(usb().lines);
    expect(generate({ scenario: 'full', seed: 8 }).lines).not.toEqual(full().lines);
  });
});

describe('committed samples', () => {
  const cases = [
    ['usb', usb],
    ['officescan', full],
  ] as const;
  it.each(cases)('%s.log and its truth equal a fresh generation', (name, make) => {
    expect(readFileSync(join(SAMPLES, `${name}.log`), 'utf8')).toBe(make().lines.join('\n') + '\n');
    expect(JSON.parse(readFileSync(join(SAMPLES, `${name}.truth.json`), 'utf8'))).toEqual(make().truth);
  });

  it('the full sample is at most 2 MB', () => {
    expect(statSync(join(SAMPLES, 'officescan.log')).size).toBeLessThanOrEqual(2 * 1024 * 1024);
  });
});

describe.each([
  ['usb', usb],
  ['full', full],
] as const)('%s scenario', (_name, make) => {
  it('lines are sorted by event time and almost all carry one', () => {
    const times = make().lines.map(eventTime);
    const known = times.filter((t): t is number => t !== undefined);
    expect(known.length).toBeGreaterThan(make().lines.length * 0.98);
    for (let i = 1; i < known.length; i++) expect(known[i]).toBeGreaterThanOrEqual(known[i - 1]!);
  });

  it('every story user appears, within the story window', () => {
    const { lines, truth } = make();
    expect(truth.stories.length).toBeGreaterThan(0);
    for (const s of truth.stories) {
      expect(lines.some((l) => l.includes(s.user)), s.id).toBe(true);
      expect(Date.parse(s.start)).toBeLessThanOrEqual(Date.parse(s.end));
    }
    const users = truth.stories.map((s) => s.user);
    expect(new Set(users).size).toBe(users.length);
  });

  it('attacks happen in one session during the last three days', () => {
    const { lines, truth } = make();
    const last = Math.max(...lines.map(eventTime).filter((t): t is number => t !== undefined));
    for (const s of truth.stories.filter((x) => x.kind === 'attack')) {
      const { t0, t1 } = story(make(), s.id);
      expect(last - t0, s.id).toBeLessThan(3 * 24 * 3600_000);
      expect(t1 - t0, s.id).toBeLessThanOrEqual(2 * 3600_000);
    }
  });

  it('framing: most lines have an RFC 3164 header, ~10% none, a few RFC 5424, some junk', () => {
    const { lines } = make();
    const rfc3164 = lines.filter((l) => /^<134>[A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} \S+ (CEF|LEEF):/.test(l)).length;
    const rfc5424 = lines.filter((l) => /^<134>1 \d{4}-\d{2}-\d{2}T/.test(l)).length;
    const bare = lines.filter((l) => /^(CEF|LEEF):/.test(l)).length;
    expect(rfc3164 / lines.length).toBeGreaterThan(0.8);
    expect(bare / lines.length).toBeGreaterThan(0.06);
    expect(bare / lines.length).toBeLessThan(0.14);
    expect(rfc5424).toBeGreaterThan(0);
    expect(lines).toContain('');
    expect(lines.some((l) => l.includes('CEF:0|Acme|Firewall|'))).toBe(true);
    expect(lines.some((l) => /[\u0000-\u0008]/.test(l))).toBe(true);
    expect(lines.every((l) => !/[\r\n]/.test(l))).toBe(true);
  });
});

describe('usb scenario content', () => {
  it('only USB kinds (1 and 2) besides junk', () => {
    const kinds = new Set(usb().lines.map(kindOf).filter((k) => k !== undefined));
    expect([...kinds].sort()).toEqual([1, 2]);
  });

  it('mallory.stone uses WS-LAB-99 only in the story, with a device never seen before', () => {
    const { lines } = usb();
    const s = story(usb(), 'usb-exfil');
    expect(s.user).toBe('mallory.stone');
    const lab = lines.filter((l) => l.includes('WS-LAB-99'));
    expect(lab.length).toBeGreaterThan(40);
    expect(lab.every((l) => l.includes('mallory.stone') && eventTime(l)! >= Date.parse(s.start))).toBe(true);
    const serial = lab.map((l) => field(l, 'cs4Label') === 'Device_Serial' ? field(l, 'cs4') : undefined).find(Boolean)!;
    const before = lines.filter((l) => (eventTime(l) ?? Infinity) < Date.parse(s.start));
    expect(before.some((l) => l.includes(serial))).toBe(false);
  });
});

describe('full scenario content', () => {
  it('all ten line kinds appear', () => {
    const kinds = new Set(full().lines.map(kindOf));
    for (let k = 1; k <= 10; k++) expect(kinds.has(k), `kind ${k}`).toBe(true);
  });

  it('about fifty distinct users', () => {
    const users = new Set(full().lines.map((l) => /CORP\\\\([a-z.0-9]+)/.exec(l)?.[1]).filter(Boolean));
    expect(users.size).toBeGreaterThanOrEqual(45);
    expect(users.size).toBeLessThanOrEqual(55);
  });

  /** Outbound mails the story user sent inside the story window. */
  const storyMails = (id: string) => {
    const s = story(full(), id);
    return full().lines.filter((l) => {
      const t = eventTime(l);
      return kindOf(l) === 3 && field(l, 'suser')?.startsWith(`${s.user}@`) && t !== undefined && t >= s.t0 && t <= s.t1;
    });
  };

  it.each([
    ['disposable-domain', /@(mailinator\.com|guerrillamail\.com);/],
    ['competitor', /@competitor-a\.example;/],
    ['exec-forward', /@(yahoo|outlook)\.com;/],
    ['source-code', /@codeshare-freelance\.net;/],
  ])('%s mails go to the telling domain, with attachments', (id, rcpt) => {
    const mails = storyMails(id);
    expect(mails.length).toBeGreaterThanOrEqual(2);
    for (const l of mails) {
      expect(field(l, 'duser')).toMatch(rcpt);
      expect(field(l, 'fname')).toBeTruthy();
    }
    // None of these domains is mailed by anyone before the story.
    const before = full().lines.filter((l) => eventTime(l)! < story(full(), id).t0);
    expect(before.some((l) => rcpt.test(field(l, 'duser') ?? ''))).toBe(false);
  });

  it('exec-forward forwards (FW:) and source-code attaches several source files', () => {
    expect(storyMails('exec-forward').every((l) => field(l, 'msg')!.startsWith('FW:'))).toBe(true);
    const names = storyMails('source-code').map((l) => field(l, 'fname')!.split(';'));
    expect(names.some((n) => n.length > 1)).toBe(true);
    expect(names.flat().filter((n) => /\.(py|java|cpp)$/.test(n)).length).toBeGreaterThanOrEqual(3);
  });

  it('usual-big-upload: the same user uploaded 20+ MiB in earlier weeks too', () => {
    const s = story(full(), 'usual-big-upload');
    const earlier = full().lines.filter(
      (l) => kindOf(l) === 4 && l.includes(`CORP\\\\${s.user} `) && eventTime(l)! < s.t0 - 24 * 3600_000,
    );
    const bytes = earlier.reduce((sum, l) => sum + Number(field(l, 'fsize')), 0);
    expect(bytes).toBeGreaterThan(3 * 20 * MiB);
  });

  it('new-device-usual-host: the host is the user\'s usual USB host', () => {
    const s = story(full(), 'new-device-usual-host');
    const during = full().lines.find((l) => kindOf(l) === 1 && l.includes(`CORP\\\\${s.user} `) && eventTime(l)! >= s.t0)!;
    const host = field(during, 'shost')!;
    const before = full().lines.filter((l) => kindOf(l) === 1 && l.includes(`CORP\\\\${s.user} `) && eventTime(l)! < s.t0);
    expect(before.some((l) => field(l, 'shost') === host)).toBe(true);
  });

  it('resume-to-personal sends over 5 MiB of job mails to the user\'s own gmail address', () => {
    const s = story(full(), 'resume-to-personal');
    const mails = full().lines.filter((l) => l.includes(`1985@gmail.com;`));
    expect(mails.length).toBeGreaterThanOrEqual(2);
    expect(mails.some((l) => /resume|CV/.test(field(l, 'msg')!))).toBe(true);
    expect(mails.some((l) => /job offer/.test(field(l, 'msg')!))).toBe(true);
    expect(mails.every((l) => l.includes(s.user))).toBe(true);
    expect(mails.reduce((sum, l) => sum + Number(field(l, 'fsize')), 0)).toBeGreaterThan(5 * MiB);
  });

  it('first-large-web-upload: no web history, then more than 20 MiB uploaded', () => {
    const s = story(full(), 'first-large-web-upload');
    const mine = full().lines.filter((l) => l.includes(`CORP\\\\${s.user} `) && [4, 6].includes(kindOf(l) ?? 0));
    expect(mine.every((l) => eventTime(l)! >= s.t0)).toBe(true);
    expect(mine.reduce((sum, l) => sum + Number(field(l, 'fsize')), 0)).toBeGreaterThan(20 * MiB);
  });

  it('usb-exfil: 20+ files on a host and device nobody used before', () => {
    const { lines } = full();
    const s = story(full(), 'usb-exfil');
    const copies = lines.filter((l) => kindOf(l) === 1 && l.includes(`CORP\\\\${s.user} `) && eventTime(l)! >= s.t0 && eventTime(l)! <= s.t1);
    expect(copies.length).toBeGreaterThanOrEqual(20);
    const host = field(copies[0]!, 'shost')!;
    const before = lines.filter((l) => (eventTime(l) ?? Infinity) < s.t0);
    expect(before.some((l) => l.includes(host))).toBe(false);
  });

  it('usb-exfil: the user has an established USB history (at least 10 earlier USB days)', () => {
    const { lines } = full();
    const s = story(full(), 'usb-exfil');
    const days = new Set(lines.filter((l) => kindOf(l) === 1 && l.includes(`CORP\\\\${s.user} `) && eventTime(l)! < s.t0)
      .map((l) => Math.floor(eventTime(l)! / 86_400_000)));
    expect(days.size).toBeGreaterThanOrEqual(10);
  });
});

describe('organisation shapes', () => {
  /** Distinct users with a DLP removable-storage copy (kind 1) outside the stories. */
  const usbUsers = (r: GenerateResult) => {
    const story = new Set(r.truth.stories.map((x) => x.user));
    return new Set(r.lines.filter((l) => kindOf(l) === 1).map((l) => /cs4=CORP\\\\(\S+)/.exec(l)?.[1]).filter((u): u is string => !!u && !story.has(u))).size;
  };

  it('usb-heavy gives far more staff USB habits than the demo shape, for the same seed', () => {
    const demo = generate({ scenario: 'full', seed: 11, users: 60, days: 15 });
    const heavy = generate({ scenario: 'full', seed: 11, users: 60, days: 15, shape: 'usb-heavy' });
    expect(usbUsers(heavy)).toBeGreaterThan(usbUsers(demo) * 1.5);
  });

  it('the demo shape is the default, and an unknown shape is an error naming the known ones', () => {
    expect(generate({ scenario: 'full', seed: 3, users: 20, days: 5, shape: 'demo' }).lines)
      .toEqual(generate({ scenario: 'full', seed: 3, users: 20, days: 5 }).lines);
    expect(() => generate({ scenario: 'full', seed: 3, users: 20, days: 5, shape: 'tiny' })).toThrow(/demo, usb-heavy, sales-heavy/);
  });
});

describe('bench mode', () => {
  it('--lines 100000 yields exactly that many lines', () => {
    const r = generate({ scenario: 'full', seed: 3, lines: 100_000 });
    expect(r.lines).toHaveLength(100_000);
    // Stories survive the scaling and trimming.
    expect(r.truth.stories.every((s) => s.start !== '')).toBe(true);
  }, 120_000);

  it('the CLI writes what the function returns', () => {
    const dir = mkdtempSync(join(tmpdir(), 'uebac-gen-'));
    const out = join(dir, 'x.log');
    const truth = join(dir, 'x.truth.json');
    const res = spawnSync(
      join(ROOT, 'node_modules/.bin/tsx'),
      ['examples/generate.ts', '--scenario', 'usb', '--seed', '5', '--lines', '3000', '--out', out, '--truth', truth],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(res.status, res.stderr).toBe(0);
    const expected = generate({ scenario: 'usb', seed: 5, lines: 3000 });
    expect(readFileSync(out, 'utf8')).toBe(expected.lines.join('\n') + '\n');
    expect(JSON.parse(readFileSync(truth, 'utf8'))).toEqual(expected.truth);
  }, 60_000);
});
