// Records carry what a report needs: a header and a summary, the host and source line of
// each triggering event, and the model's histogram as the rule saw it — all in the schema.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { histogramEvidence } from '../../runtime/evidence.ts';
import { Instance } from '../../runtime/models.ts';
import type { ModelSpec } from '../../runtime/program.ts';
import schema from '../../schema/records.schema.json' with { type: 'json' };
import { demoRun, ROOT, SAMPLE, uebacAsync, type DemoRun } from './fixture.ts';

let run: DemoRun;
beforeAll(async () => { run = await demoRun(); });

interface Rule { type: 'rule'; rule: string; user: string | null; host: string | null; source: { file: string; line: number }; evidence?: { feature: unknown; feature_count: number; total_events: number; distinct_values: number; histogram?: { bins: [string, number][]; event_bin: string | null; total_bins: number; omitted_count: number } } }

describe('run records (format version 2)', () => {
  it('every record of the demo run validates against schema/records.schema.json', () => {
    const check = new Ajv2020({ strict: true, allowUnionTypes: true }).compile(schema);
    for (const r of run.parsed) expect(check(r), `${JSON.stringify(r).slice(0, 200)}: ${JSON.stringify(check.errors)}`).toBe(true);
  });

  it('starts with a header (version, threshold, every rule) and ends with the run summary', () => {
    const header = run.parsed[0] as { type: string; schema: number; notable_threshold: number; rules: Array<{ id: string; mitre: string[] }> };
    expect(header.type).toBe('header');
    expect(header.schema).toBe(2);
    expect(header.notable_threshold).toBe(90);
    expect(header.rules.length).toBe(55);
    expect(run.parsed.filter((r) => r.type === 'header').length).toBe(1);
    const summary = run.parsed.at(-1) as { type: string; lines: number; events: number; rejected: Record<string, number>; rules_fired: number; rules_fired_by_id: Record<string, number>; notable_sessions: number };
    expect(summary.type).toBe('summary');
    const logLines = readFileSync(SAMPLE, 'utf8').split('\n').filter((_, i, a) => i < a.length - 1 || a[i] !== '').length;
    expect(summary.lines).toBe(logLines);
    expect(summary.events + Object.values(summary.rejected).reduce((a, b) => a + b, 0)).toBe(summary.lines);
    const rules = run.parsed.filter((r) => r.type === 'rule') as unknown as Rule[];
    expect(summary.rules_fired).toBe(rules.length);
    const byId: Record<string, number> = {};
    for (const r of rules) byId[r.rule] = (byId[r.rule] ?? 0) + 1;
    expect(summary.rules_fired_by_id).toEqual(byId);
    expect(summary.notable_sessions).toBe(run.parsed.filter((r) => r.type === 'session' && r.notable).length);
  });

  it('rule records name the host and the source line of the triggering event', () => {
    const lines = readFileSync(SAMPLE, 'utf8').split('\n');
    const rules = run.parsed.filter((r) => r.type === 'rule') as unknown as Rule[];
    expect(rules.length).toBeGreaterThan(20);
    for (const r of rules) {
      expect(r.source.file).toBe(SAMPLE);
      const text = lines[r.source.line - 1]!;
      if (r.user) expect(text.toLowerCase(), `${r.rule} → line ${r.source.line}`).toContain(r.user.split('.')[0]!);
      if (r.host) expect(text.toLowerCase()).toContain(r.host.toLowerCase());
    }
    expect(rules.filter((r) => r.host).length).toBeGreaterThan(rules.length / 2);
  });

  it('model evidence carries the histogram before the event trained it', () => {
    const withHist = (run.parsed.filter((r) => r.type === 'rule') as unknown as Rule[]).filter((r) => r.evidence?.histogram);
    expect(withHist.length).toBeGreaterThan(10);
    for (const r of withHist) {
      const e = r.evidence!;
      const h = e.histogram!;
      const own = h.bins.find(([k]) => k === h.event_bin)?.[1] ?? 0;
      expect(h.total_bins).toBe(e.distinct_values);
      if (typeof e.feature === 'string') expect(own).toBe(e.feature_count);
      expect(h.bins.reduce((a, [, c]) => a + c, 0) + h.omitted_count).toBe(e.total_events);
    }
  });
});

describe('histogram evidence is capped', () => {
  const model = { type: 'categorical' } as ModelSpec;
  const inst = new Instance();
  for (let v = 0; v < 200; v++) for (let k = 0; k <= v % 7; k++) inst.add(`v${v}`, 1);

  it('keeps the strongest bins and always the event’s own, and counts the rest', () => {
    const h = histogramEvidence(model, inst, 'v0', 10);
    expect(h.bins.length).toBe(10);
    expect(h.bins.some(([k]) => k === 'v0')).toBe(true);
    expect(h.bins.filter(([, c]) => c === 7).length).toBe(9);
    expect(h.total_bins).toBe(200);
    expect(h.bins.reduce((a, [, c]) => a + c, 0) + h.omitted_count).toBe(inst.n);
  });

  it('an unseen value keeps the strongest bins and names its bin', () => {
    const h = histogramEvidence(model, inst, 'never', 5);
    expect(h.event_bin).toBe('never');
    expect(h.bins.every(([, c]) => c === 7)).toBe(true);
  });

  it('numerical bins come in bin order with their width and scale', () => {
    const num = { type: 'numerical', binWidth: 0.5, scale: 'log10' } as ModelSpec;
    const ni = new Instance();
    for (const k of ['9', '3', '12', '3']) ni.add(k, 1);
    const h = histogramEvidence(num, ni, 999, 48);
    expect(h.bins).toEqual([['3', 2], ['9', 1], ['12', 1]]);
    expect(h.event_bin).toBe(String(Math.floor(Math.log10(1000) / 0.5)));
    expect(h).toMatchObject({ bin_width: 0.5, scale: 'log10' });
  });
});

describe('uebac explain --format json', () => {
  it('gives the session with every event, its rules and the score after each', async () => {
    const id = 'zoe.richardson-20261029130435';
    const r = await uebacAsync(['explain', id, SAMPLE, '--bundle', run.dir, '--context', join(ROOT, 'examples/context'), '-f', 'json']);
    expect(r.status, r.stderr).toBe(0);
    const data = JSON.parse(r.stdout) as { sessions: Array<{ id: string; score: number; events: number; hits: Array<{ rule: string }>; timeline: Array<{ score: number; hits: number[] }> }> };
    const record = run.parsed.find((x) => x.type === 'session' && x.id === id) as unknown as { score: number; events: number };
    const s = data.sessions[0]!;
    expect(s.id).toBe(id);
    expect(s.score).toBe(record.score);
    expect(s.timeline.length).toBe(record.events);
    expect(s.timeline.at(-1)!.score).toBe(record.score);
    const rules = run.parsed.filter((x) => x.type === 'rule' && x.session === id && x.asset === undefined).map((x) => x.rule);
    expect(s.hits.map((h) => h.rule)).toEqual(rules);
    expect(s.timeline.flatMap((e) => e.hits)).toEqual(rules.map((_, i) => i));
  });
});
