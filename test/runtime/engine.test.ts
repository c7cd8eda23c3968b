// Engine semantics on a tiny in-memory pack: session splitting, risk transfer, asset
// sequences, peer groups, sequence-end training, rules evaluated before training.
import { describe, expect, it } from 'vitest';
import { compileFiles } from '../../compiler/compile.ts';
import { interpretProgram } from '../../compiler/interpreter.ts';
import { parseSource } from '../../compiler/load.ts';
import { ContextTable } from '../../runtime/context.ts';
import { Engine, type RuleRecord, type ScopeRecord } from '../../runtime/engine.ts';
import type { Value } from '../../runtime/helpers.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 5, 9);

function pack(settings = '', extra: Record<string, string> = {}) {
  const files: Record<string, string> = {
    'pack.yaml': `kind: pack\nid: t\nversion: 1.0.0\nsettings:\n  notableThreshold: 30\n  session: { inactivityMinutes: 60, maxHours: 4 }\n${settings}`,
    'et.yaml': 'kind: event-type\nid: act\nfields:\n  user: { type: string }\n  host: { type: string }\n  thing: { type: string }\n  bytes: { type: number }\n  peer_groups: { type: list, expr: "lookupAll(\'peer_groups\', user)" }\n',
    'ctx.yaml': 'kind: context\nid: peer_groups\nshape: multimap\ncolumns: [user, group]\n',
    'm-user.yaml': 'kind: model\nid: M-U\ntype: categorical\nscope: { type: user, field: user }\nfeature: thing\neventTypes: [act]\ncutOff: 3\n',
    'm-peer.yaml': 'kind: model\nid: M-G\ntype: categorical\nscope: { type: peers, field: peer_groups }\nfeature: thing\neventTypes: [act]\ncutOff: 3\n',
    'm-sum.yaml': 'kind: model\nid: M-S\ntype: numerical\nscope: { type: user, field: user }\nfeature: sequenceSum(bytes)\ntrainOn: sequence-end\neventTypes: [act]\ncutOff: 1\nconvergence: 0\n',
    'r-first.yaml': 'kind: rule\nid: FIRST\nname: first thing for user\neventTypes: [act]\nmodel: M-U\nexpression: num_observations == 0\nscore: 20\nmitre: [T1048]\n',
    'r-gfirst.yaml': 'kind: rule\nid: GFIRST\nname: first thing for group\neventTypes: [act]\nmodel: M-G\nexpression: num_observations == 0\nscore: 5\nmitre: [T1048]\n',
    'r-asset.yaml': 'kind: rule\nid: BIG\nname: big host day\ntype: asset\nscoreTarget: host\neventTypes: [act]\nexpression: "sumBy(bytes, host) >= 100 && !wasRuleFired(\'BIG\')"\nscore: 40\nmitre: [T1048]\n',
    ...extra,
  };
  const parsed = Object.entries(files).map(([p, t]) => parseSource(p, t));
  const { ir, diagnostics } = compileFiles(parsed.map((x) => x.file), parsed.flatMap((x) => x.diagnostics));
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return ir!;
}

function harness(ir: ReturnType<typeof pack>, tables = new Map<string, ContextTable>()) {
  const program = interpretProgram(ir, tables);
  const rules: RuleRecord[] = [];
  const scopes: ScopeRecord[] = [];
  const engine = new Engine(program, { rule: (r) => rules.push(r), scope: (s) => scopes.push(s) });
  const feed = (t: number, fields: Record<string, Value>) => {
    const ev = program.makeEvent(0, t);
    Object.assign(ev, fields);
    program.enrich(ev, 0);
    const before = rules.length;
    engine.process(ev, 0);
    return rules.slice(before).map((r) => r.rule);
  };
  return { engine, rules, scopes, feed };
}

describe('sessions', () => {
  it('split on inactivity and on the maximum length, with ids from the start time', () => {
    const h = harness(pack());
    h.feed(T0, { user: 'a', thing: 'x' });
    h.feed(T0 + 30 * 60_000, { user: 'a', thing: 'x' });
    h.feed(T0 + 2 * HOUR, { user: 'a', thing: 'x' }); // 90 min gap > 60: new session
    for (let k = 1; k <= 5; k++) h.feed(T0 + 2 * HOUR + k * 50 * 60_000, { user: 'a', thing: 'x' }); // busy, but > 4 h long
    h.engine.finish();
    const ids = h.scopes.filter((s) => s.type === 'session').map((s) => s.id);
    expect(ids[0]).toBe('a-20260105090000');
    expect(ids[1]).toBe('a-20260105110000');
    expect(ids).toHaveLength(3);
  });

  it('evaluates rules against the model before the event trains it', () => {
    const h = harness(pack());
    for (let d = 0; d < 5; d++) h.feed(T0 + d * 24 * HOUR, { user: 'a', thing: 'x' });
    expect(h.feed(T0 + 6 * 24 * HOUR, { user: 'a', thing: 'y' })).toContain('FIRST');
    expect(h.feed(T0 + 6 * 24 * HOUR + 60_000, { user: 'a', thing: 'y' })).not.toContain('FIRST');
  });

  it('carries risk into the next session only when risk transfer is on', () => {
    const run = (settings: string) => {
      const h = harness(pack(settings));
      for (let d = 0; d < 5; d++) h.feed(T0 + d * 24 * HOUR, { user: 'a', thing: 'x' });
      h.feed(T0 + 5 * 24 * HOUR, { user: 'a', thing: 'new' }); // FIRST: 20
      h.feed(T0 + 5 * 24 * HOUR + 2 * HOUR, { user: 'a', thing: 'x' }); // next session
      h.engine.finish();
      return h.scopes.filter((s) => s.type === 'session').map((s) => s.score);
    };
    expect(run('').slice(-2)).toEqual([20, 0]);
    expect(run('  riskTransfer: { enabled: true, fraction: 0.5, carryHours: 24 }\n').slice(-2)).toEqual([20, 10]);
  });
});

describe('asset sequences', () => {
  it('sum per host per UTC day and score the asset sequence, once', () => {
    const h = harness(pack());
    expect(h.feed(T0, { host: 'h1', bytes: 60 })).toEqual([]);
    expect(h.feed(T0 + HOUR, { host: 'h1', bytes: 60 })).toEqual(['BIG']);
    expect(h.feed(T0 + 2 * HOUR, { host: 'h1', bytes: 60 })).toEqual([]);
    expect(h.feed(T0 + 3 * HOUR, { host: 'h2', bytes: 60 })).toEqual([]);
    expect(h.feed(T0 + 24 * HOUR, { host: 'h1', bytes: 100 })).toEqual(['BIG']); // a new day
    h.engine.finish();
    const seqs = h.scopes.filter((s) => s.type === 'asset-sequence');
    expect(seqs.map((s) => [s.asset, s.score, s.notable])).toEqual([['h1', 40, true], ['h1', 40, true]]);
  });
});

describe('peer groups', () => {
  it('train every group and call a value first only when it is new to all of them', () => {
    const groups = new ContextTable({ name: 'peer_groups', shape: 'multimap', rows: [['a', 'eng'], ['a', 'lab'], ['b', 'lab'], ['c', 'eng']] });
    const h = harness(pack(), new Map([['peer_groups', groups]]));
    // Enough history that both groups stay converged after a's own events train them.
    for (let d = 0; d < 10; d++) {
      h.feed(T0 + d * 24 * HOUR, { user: 'b', thing: 'scope' });
      h.feed(T0 + d * 24 * HOUR + 1000, { user: 'c', thing: 'ide' });
    }
    const day = T0 + 11 * 24 * HOUR;
    expect(h.feed(day, { user: 'a', thing: 'scope' })).not.toContain('GFIRST'); // known in lab
    expect(h.feed(day + 1000, { user: 'a', thing: 'ide' })).not.toContain('GFIRST'); // known in eng
    expect(h.feed(day + 2000, { user: 'a', thing: 'printer' })).toContain('GFIRST'); // new to both
  });
});

describe('sequence-end models', () => {
  it('train once per user day with the final sequence sum', () => {
    const h = harness(pack());
    for (let d = 0; d < 3; d++) {
      h.feed(T0 + d * 24 * HOUR, { user: 'a', bytes: 100 });
      h.feed(T0 + d * 24 * HOUR + HOUR, { user: 'a', bytes: 900 });
    }
    h.feed(T0 + 10 * 24 * HOUR, { user: 'a', bytes: 1 }); // closes the last day
    const inst = h.engine.models.instance(2, 'a')!;
    expect(inst.n).toBe(3);
    expect(inst.sum).toBeCloseTo(3 * 1000);
  });
});

describe('reason templates', () => {
  it('fill event fields and model evidence, and leave unknown placeholders as written', async () => {
    const { renderReason } = await import('../../runtime/assemble.ts');
    const ev = { event_type: 'act', time: 0, user: 'a', bytes: null } as never;
    const stats = { feature: 12, scope: 'a', num_observations: 0, total_events: 40, percentile_threshold_value: 3.6, percentile_count_distance: 7 };
    expect(renderReason('{user} sent {feature} (normal ≤ {threshold}, {distance} bins beyond, {count}/{total}) {bytes} {nope}', ev, stats))
      .toBe('a sent 12 (normal ≤ 4, 7 bins beyond, 0/40) ∅ {nope}');
  });
});

describe('history of the user', () => {
  // Three event types; NOHIST fires on a web event of a user with no earlier web day who has
  // been observed on at least two earlier days (of any type).
  const historyPack = () => pack('', {
    'et-mail.yaml': 'kind: event-type\nid: mail\nfields:\n  user: { type: string }\n',
    'et-web.yaml': 'kind: event-type\nid: web\nfields:\n  user: { type: string }\n',
    'r-nohist.yaml': 'kind: rule\nid: NOHIST\nname: web without web history\neventTypes: [web]\nexpression: "priorSequences() == 0 && activeDays() >= 2"\nscore: 10\nmitre: [T1041]\n',
  });
  const DAY = 24 * HOUR;

  it('activeDays() counts the earlier closed days with events of any type, each day once', () => {
    const ir = historyPack();
    const program = interpretProgram(ir, new Map());
    const type = (id: string) => program.eventTypes.findIndex((e) => e.name === id);
    const fired: string[] = [];
    const engine = new Engine(program, { rule: (r) => fired.push(`${r.user} ${r.rule}`), scope: () => {} });
    const feed = (et: string, t: number, user: string) => {
      const ev = program.makeEvent(type(et), t);
      Object.assign(ev, { user });
      program.enrich(ev, type(et));
      engine.process(ev, type(et));
    };
    // a: mail on two earlier days, then the first web day: fires.
    feed('mail', T0, 'a');
    feed('mail', T0 + DAY, 'a');
    // b: never seen before its first web event (a cold start): does not fire.
    // c: two event types on one earlier day is one day of history: does not fire.
    feed('act', T0 + DAY, 'c');
    feed('mail', T0 + DAY + HOUR, 'c');
    feed('web', T0 + 3 * DAY, 'a');
    feed('web', T0 + 3 * DAY, 'b');
    feed('web', T0 + 3 * DAY, 'c');
    expect(fired).toEqual(['a NOHIST']);
    expect(engine.activeDays({ user: 'a' } as never)).toBe(2);
    expect(engine.activeDays({ user: 'c' } as never)).toBe(1);
    expect(engine.activeDays({ user: 'nobody' } as never)).toBe(0);
  });

  it('the days-with-any-event slot moves with the event types across a bundle swap', async () => {
    const { migrateState } = await import('../../runtime/serve/migrate.ts');
    const state = { sessions: [], sequences: [], assets: [], history: [['a', [1, 2, 5]]], firedByRule: [], models: [], anywhere: [] };
    const id = (eventTypes: string[]) => ({ eventTypes, models: [], rules: [], counters: [] });
    // x, y → y, z, x: x's count moves to index 2, y's to 0, the any-type days (5) to index 3.
    const { state: next } = migrateState(state, id(['x', 'y']), id(['y', 'z', 'x']));
    expect(next.history).toEqual([['a', [2, undefined, 1, 5]]]);
  });
});
