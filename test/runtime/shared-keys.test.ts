// Per-user stores on one shared index (runtime/recency.ts SharedKeys): each map keeps its own
// recency order, size and change tracking exactly as a map with its own index, and the engine's
// caps (open sessions by last activity, day-sequences by creation, history by last close at
// 10 × maxOpenSessions) behave as a reference model of them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine, type ScopeRecord } from '../../runtime/engine.ts';
import type { Event, Program } from '../../runtime/program.ts';
import { RecencyMap, SharedKeys, type ChangeSink } from '../../runtime/recency.ts';
import { Rand } from '../../scripts/fuzz.ts';
import { compileTexts, contentTexts, loadCompiled, ROOT } from '../compiler/helpers.ts';

/** A checkpoint as drained changes build it: key → [value, stamp]. */
function checkpointOf<V>(): { rows: Map<string, [V, number]>; sink: ChangeSink<string, V> } {
  const rows = new Map<string, [V, number]>();
  return { rows, sink: { deleted: (k) => void rows.delete(k), put: (k, v, s) => void rows.set(k, [v, s]) } };
}

function contents<V>(m: RecencyMap<string, V>): Array<[string, V, number]> {
  const out: Array<[string, V, number]> = [];
  m.forEachStamped((k, v, s) => out.push([k, v, s]));
  return out;
}

describe('RecencyMaps on shared keys', () => {
  it('each keep the order, size, stamps and checkpoint of a map with its own index (random operations, by key and by entry, with drains and full writes)', () => {
    const r = new Rand(11);
    const shared = new SharedKeys<string>();
    const maps = [0, 1, 2].map(() => new RecencyMap<string, number>(shared));
    const refs = [0, 1, 2].map(() => new RecencyMap<string, number>());
    const cps = [0, 1, 2].map(() => checkpointOf<number>());
    const refCps = [0, 1, 2].map(() => checkpointOf<number>());
    for (const m of [...maps, ...refs]) m.trackChanges();
    for (let step = 0; step < 30_000; step++) {
      const i = r.int(3);
      const m = maps[i]!;
      const ref = refs[i]!;
      const key = `u${r.int(60)}`;
      const e = shared.get(key);
      const op = r.int(10);
      if (op < 2) {
        expect(m.touchIn(e)).toBe(ref.touch(key));
      } else if (op < 3) {
        expect(m.touch(key)).toBe(ref.touch(key));
      } else if (op < 5) {
        if (m.getIn(e) === undefined) {
          m.addIn(e, key, step);
          ref.add(key, step);
        } else {
          expect(m.getToChangeIn(e)).toBe(ref.get(key));
          ref.changed(key);
        }
      } else if (op < 6) {
        if (e !== undefined && m.getIn(e) !== undefined) {
          m.deleteIn(e);
          ref.delete(key);
        }
      } else if (op < 7) {
        expect(m.delete(key)).toBe(ref.delete(key));
      } else if (op < 8) {
        m.setNewest(key, step);
        ref.setNewest(key, step);
      } else if (op < 9) {
        expect(m.trimTo(15)).toBe(ref.trimTo(15));
      } else {
        expect(m.oldestEntry()?.key).toBe(ref.oldestKey());
        expect(m.deleteOldest()).toBe(ref.deleteOldest());
      }
      if (r.int(200) === 0) {
        m.drainChanges(cps[i]!.sink);
        ref.drainChanges(refCps[i]!.sink);
        expect([...cps[i]!.rows].sort()).toEqual([...refCps[i]!.rows].sort());
      }
      if (r.int(1500) === 0) {
        // a full write: the checkpoint holds exactly the live entries
        for (const [c, mm] of [[cps[i]!, m], [refCps[i]!, ref]] as const) {
          c.rows.clear();
          mm.forEachStamped((k, v, s) => c.rows.set(k, [v, s]));
          mm.trackChanges();
        }
      }
      expect(m.size).toBe(ref.size);
    }
    for (let i = 0; i < 3; i++) {
      expect(contents(maps[i]!)).toEqual(contents(refs[i]!));
      maps[i]!.drainChanges(cps[i]!.sink);
      const live = new Map(contents(maps[i]!).map(([k, v, s]) => [k, [v, s]]));
      expect([...cps[i]!.rows].sort()).toEqual([...live].sort());
    }
    // the index holds exactly the keys some map holds
    const held = new Set(maps.flatMap((m) => [...m.keys()]));
    expect(shared.size).toBe(held.size);
    for (const k of held) expect(shared.get(k)?.key).toBe(k);
    for (const m of maps) m.clear();
    expect(shared.size).toBe(0);
  });

  it('a detached entry a caller still holds is put back, or gives way to the entry made since', () => {
    const shared = new SharedKeys<string>();
    const a = new RecencyMap<string, number>(shared);
    const b = new RecencyMap<string, number>(shared);
    const e = a.addIn(undefined, 'k', 1);
    a.deleteIn(e); // the last node: the entry leaves the index
    expect(shared.get('k')).toBeUndefined();
    expect(b.addIn(e, 'k', 2)).toBe(e); // put back
    expect(shared.get('k')).toBe(e);
    b.deleteIn(e);
    const made = a.addIn(undefined, 'k', 3); // a new entry meanwhile
    expect(b.addIn(e, 'k', 4)).toBe(made);
    expect(a.get('k')).toBe(3);
    expect(b.get('k')).toBe(4);
    expect(() => b.addIn(made, 'k', 5)).toThrow(/holds/);
  });
});

// ---- the engine's caps against a reference model ---------------------------------------------

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Sessions, day-sequences and history as the engine documents them, with Maps re-inserted on every touch. */
class Reference {
  sessions = new Map<string, { id: string; start: number; end: number }>();
  sequences = new Map<string, { start: number; types: Set<number> }>();
  history = new Map<string, number[]>();
  closed: string[] = [];
  counters = { sessionsEvicted: 0, sequencesEvicted: 0, historiesEvicted: 0 };
  private sweptHour = -Infinity;
  constructor(private s: Program['settings'], private types: number, private id: (user: string, t: number) => string, private dayId: (user: string, day: number) => string) {}

  event(user: string, t: number, et: number): void {
    const hour = Math.floor(t / HOUR);
    if (hour > this.sweptHour) {
      this.sweptHour = hour;
      for (const [u, s] of this.sessions) {
        if (t - s.end <= this.s.inactivityMinutes * 60_000) break;
        this.sessions.delete(u);
        this.closed.push(s.id);
      }
      for (const [u, q] of this.sequences) {
        if (Math.floor(q.start / DAY) === Math.floor(t / DAY)) break;
        this.sequences.delete(u);
        this.closeSequence(u, q.types);
      }
    }
    let s = this.sessions.get(user);
    if (s) this.sessions.delete(user);
    if (s && (t - s.end > this.s.inactivityMinutes * 60_000 || t - s.start > this.s.maxSessionHours * HOUR)) {
      this.closed.push(s.id);
      s = undefined;
    }
    if (!s) {
      if (this.sessions.size >= this.s.maxOpenSessions) {
        const [u, oldest] = this.sessions.entries().next().value!;
        this.sessions.delete(u);
        this.closed.push(oldest.id);
        this.counters.sessionsEvicted++;
      }
      s = { id: this.id(user, t), start: t, end: t };
    }
    s.end = Math.max(s.end, t);
    this.sessions.set(user, s);
    const day = Math.floor(t / DAY);
    let q = this.sequences.get(user);
    if (q && Math.floor(q.start / DAY) !== day) {
      this.sequences.delete(user);
      this.closeSequence(user, q.types);
      q = undefined;
    }
    if (!q) {
      if (this.sequences.size >= this.s.maxDaySequences!) {
        const [u, oldest] = this.sequences.entries().next().value!;
        this.sequences.delete(u);
        this.closeSequence(u, oldest.types);
        this.counters.sequencesEvicted++;
      }
      q = { start: day * DAY, types: new Set() };
      this.sequences.set(user, q);
    }
    q.types.add(et);
  }

  private closeSequence(user: string, types: Set<number>): void {
    const days = this.history.get(user) ?? [];
    this.history.delete(user);
    for (const et of types) days[et] = (days[et] ?? 0) + 1;
    days[this.types] = (days[this.types] ?? 0) + 1;
    this.history.set(user, days);
    while (this.history.size > this.s.maxOpenSessions * 10) {
      this.history.delete(this.history.keys().next().value!);
      this.counters.historiesEvicted++;
    }
  }
}

let program: Program;
let events: Array<{ ev: Event; eventType: number }>;

beforeAll(async () => {
  const { ir } = compileTexts(contentTexts());
  program = (await loadCompiled(ir!)).program;
  events = [];
  for (const line of readFileSync(join(ROOT, 'examples/sample/officescan.log'), 'utf8').split('\n')) {
    const r = program.parse(line);
    if (r.ok && typeof r.event.user === 'string') events.push({ ev: r.event, eventType: r.eventType });
  }
});

describe('engine caps on the shared per-user index', () => {
  it('close sessions, day-sequences and forget histories in the order and number the reference model does', () => {
    const settings = { ...program.settings, maxOpenSessions: 4, maxDaySequences: 6, inactivityMinutes: 90, maxSessionHours: 5 };
    const capped: Program = Object.create(program, { settings: { value: settings } });
    const closed: string[] = [];
    const engine = new Engine(capped, { rule() {}, scope(r: ScopeRecord) { if (r.type === 'session') closed.push(r.id); } });
    const ids = new Map<string, string>();
    const ref = new Reference(settings, program.eventTypes.length, (u, t) => ids.get(`${u}@${t}`)!, () => '');
    const r = new Rand(5);
    let t = Date.UTC(2026, 9, 1);
    for (let i = 0; i < 6000; i++) {
      t += r.int(4) === 0 ? r.int(3 * HOUR) : r.int(10 * 60_000);
      const { ev: base, eventType } = events[r.int(events.length)]!;
      const user = `user${r.int(70)}`;
      const ev = { ...base, user, time: t };
      program.enrich(ev, eventType);
      engine.process(ev, eventType);
      const session = engine.sessions.get(user)!;
      ids.set(`${user}@${session.start}`, session.id);
      ref.event(user, t, eventType);
      expect([...engine.sessions.keys()]).toEqual([...ref.sessions.keys()]);
    }
    expect(closed).toEqual(ref.closed);
    expect([...engine.sequences.keys()]).toEqual([...ref.sequences.keys()]);
    expect([...engine.history]).toEqual([...ref.history]);
    expect(engine.counters.sessionsEvicted).toBe(ref.counters.sessionsEvicted);
    expect(engine.counters.sequencesEvicted).toBe(ref.counters.sequencesEvicted);
    expect(engine.counters.historiesEvicted).toBe(ref.counters.historiesEvicted);
    // every cap was reached
    expect(ref.counters.sessionsEvicted).toBeGreaterThan(0);
    expect(ref.counters.sequencesEvicted).toBeGreaterThan(0);
    expect(ref.counters.historiesEvicted).toBeGreaterThan(0);
  });
});
