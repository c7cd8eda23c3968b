// The generator as a pure function: options in, log lines and ground truth out.
// Same options → the same lines, byte for byte.
import { type Window } from './calendar.ts';
import { frame } from './envelope.ts';
import type { LogEvent } from './events.ts';
import { habits } from './habits.ts';
import { renderEvent } from './lines.ts';
import { junk, orgNoise } from './noise.ts';
import { buildOrg, ORG_SHAPES } from './org.ts';
import { Rng } from './prng.ts';
import { planStories, type Scenario, type Story } from './stories.ts';
import { isoSeconds, parseStartDate } from './time.ts';

export type { Scenario };

export interface GenerateOptions {
  scenario: Scenario;
  users?: number;
  days?: number;
  seed?: number;
  /** First day, `YYYY-MM-DD` (UTC). */
  start?: string;
  /** Bench mode: grow the organisation until there are at least this many lines, then trim to exactly this many. */
  lines?: number;
  /** Organisation shape, a name in ORG_SHAPES (default `demo`). */
  shape?: string;
}

export interface TruthStory {
  id: string;
  user: string;
  kind: 'attack' | 'benign';
  description: string;
  start: string;
  end: string;
}

export interface Truth {
  scenario: Scenario;
  seed: number;
  stories: TruthStory[];
}

export interface GenerateResult {
  lines: string[];
  truth: Truth;
}

export const DEFAULTS = {
  usb: { users: 20, days: 30 },
  full: { users: 50, days: 30 },
  seed: 1,
  start: '2026-10-01',
} as const;

export function generate(opts: GenerateOptions): GenerateResult {
  const seed = opts.seed ?? DEFAULTS.seed;
  const win: Window = { start: parseStartDate(opts.start ?? DEFAULTS.start), days: opts.days ?? DEFAULTS[opts.scenario].days };
  if (!Number.isInteger(win.days) || win.days < 3) throw new Error('--days must be an integer of at least 3');
  let users = opts.users ?? DEFAULTS[opts.scenario].users;
  if (!Number.isInteger(users) || users < 15) throw new Error('--users must be an integer of at least 15 (the stories need distinct users)');

  const shape = opts.shape ?? 'demo';
  if (!(shape in ORG_SHAPES)) throw new Error(`--shape must be one of ${Object.keys(ORG_SHAPES).join(', ')}`);
  let sim = simulate(opts.scenario, users, win, seed, shape);
  if (opts.lines !== undefined) {
    if (!Number.isInteger(opts.lines) || opts.lines < 1) throw new Error('--lines must be a positive integer');
    // Scale the head-count (not the days) so the time span and the stories stay put.
    while (sim.events.length < opts.lines) {
      users = Math.ceil((users * opts.lines * 1.2) / sim.events.length) + 1;
      sim = simulate(opts.scenario, users, win, seed, shape);
    }
    sim.events = trim(sim.events, opts.lines);
  }

  return { lines: render(sim.events, seed), truth: truthOf(opts.scenario, seed, sim) };
}

interface Simulation {
  events: LogEvent[];
  stories: Story[];
}

function simulate(scenario: Scenario, users: number, win: Window, seed: number, shape: string): Simulation {
  const rng = new Rng(seed);
  const usbOnly = scenario === 'usb';
  const org = buildOrg(rng.fork('org'), { users, allUsb: usbOnly, forcedLogins: usbOnly ? ['mallory.stone'] : [], shape: ORG_SHAPES[shape] });
  const stories = planStories(scenario, org, win, rng);
  const events: LogEvent[] = [
    ...habits(org, win, rng, { usbOnly }),
    ...(usbOnly ? [] : orgNoise(org, win, rng)),
    ...stories.flatMap((s) => s.events),
  ];
  events.push(...junk(org, win, rng, events.length));
  // Stable sort: events at the same millisecond keep their creation order.
  return { events: events.map((e, i) => ({ e, i })).sort((a, b) => a.e.t - b.e.t || a.i - b.i).map((x) => x.e), stories };
}

/** Drop background events evenly until `n` remain; story events are always kept. */
function trim(events: LogEvent[], n: number): LogEvent[] {
  const excess = events.length - n;
  if (excess <= 0) return events;
  const background = events.flatMap((e, i) => (e.story ? [] : [i]));
  if (background.length < excess) throw new Error(`--lines ${n} is smaller than the story lines alone`);
  const drop = new Set<number>();
  for (let k = 0; k < excess; k++) drop.add(background[Math.floor(((k + 0.5) * background.length) / excess)]!);
  return events.filter((_, i) => !drop.has(i));
}

function render(events: LogEvent[], seed: number): string[] {
  const root = new Rng(seed);
  const rng = root.fork('render');
  const framing = root.fork('frame');
  let externalId = 480_000;
  const ctx = { rng, nextExternalId: () => ++externalId };
  return events.map((e) => frame(renderEvent(e, ctx), e.t, framing));
}

function truthOf(scenario: Scenario, seed: number, sim: Simulation): Truth {
  const span = new Map<string, [number, number]>();
  for (const e of sim.events) {
    if (!e.story) continue;
    const s = span.get(e.story);
    span.set(e.story, s ? [Math.min(s[0], e.t), Math.max(s[1], e.t)] : [e.t, e.t]);
  }
  return {
    scenario,
    seed,
    stories: sim.stories.map((s) => {
      const [start, end] = span.get(s.id) ?? [NaN, NaN];
      return {
        id: s.id, user: s.user.login, kind: s.kind, description: s.description,
        start: Number.isNaN(start) ? '' : isoSeconds(start), end: Number.isNaN(end) ? '' : isoSeconds(end),
      };
    }),
  };
}
