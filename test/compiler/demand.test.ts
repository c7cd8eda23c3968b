// Demand analysis: each parser lists the raw keys its mapping reads; the run path extracts only
// those, and parses every sample line exactly as a full extraction does.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { interpretProgram } from '../../compiler/interpreter.ts';
import { runPipeline } from '../../runtime/run.ts';
import { compileTexts, contentTexts, edit, loadCompiled, ROOT, tempDir } from './helpers.ts';

describe('demand analysis (raw keys per parser)', () => {
  const { ir } = compileTexts(contentTexts());

  it('lists the raw keys a parser reads: field inputs, when-conditions, time keys, not its own outputs', () => {
    const p = ir!.parsers.find((x) => x.id === 'apex-central-cef-dlp')!;
    for (const k of ['suser', 'duser', 'cs4', 'rt', 'fname', 'Channel']) expect(p.rawKeys).toContain(k);
    // `recipients` and `direction` are outputs of earlier fields, read by later ones.
    expect(p.rawKeys).not.toContain('recipients');
    expect(p.rawKeys).not.toContain('direction');
    expect(p.rawKeys).toEqual([...p.rawKeys].sort());
  });

  it('parses every sample line the same with and without the wanted-key scan', () => {
    const full = interpretProgram({ ...ir!, parsers: ir!.parsers.map((p) => ({ ...p, rawKeys: undefined as never })) });
    const wanted = interpretProgram(ir!);
    let compared = 0;
    for (const f of ['officescan.log', 'usb.log']) {
      for (const line of readFileSync(join(ROOT, 'examples/sample', f), 'utf8').split('\n')) {
        expect(wanted.parse(line)).toEqual(full.parse(line));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(3000);
  });
});

describe('demand analysis (the run path: only what downstream reads)', () => {
  const { ir } = compileTexts(contentTexts());
  const samples = ['officescan.log', 'usb.log'].map((f) => join(ROOT, 'examples/sample', f));

  it('keeps a subset of the mapping: the fields something reads and the keys feeding them', () => {
    let narrower = 0;
    for (const p of ir!.parsers) {
      for (const k of p.runKeys) expect(p.rawKeys).toContain(k);
      for (const k of p.timeFrom) expect(p.runKeys).toContain(k);
      expect(p.runKeys).toEqual([...p.runKeys].sort());
      if (p.runKeys.length < p.rawKeys.length) narrower++;
    }
    expect(narrower).toBeGreaterThan(ir!.parsers.length / 2);
    // The web parser's `user` feeds sessions; its `dest_ip` is read by no rule, model or record.
    const web = ir!.parsers.find((x) => x.id === 'apex-central-cef-web-security')!;
    const kept = web.runFields.map((i) => web.fields[i]!.name);
    expect(kept).toContain('user');
    expect(web.fields.some((f) => f.name === 'dest_ip')).toBe(true);
    expect(kept).not.toContain('dest_ip');
  });

  it('reads, per event type, only what its own rules and the models and counters evaluated on it read', () => {
    const type = (name: string) => ir!.eventTypes.findIndex((et) => et.name === name);
    // alert_name is the feature of the DLP alert models: read for dlp-alert, not for
    // security-alert, whose events no such model trains on or is asked about.
    expect(ir!.runRead[type('dlp-alert')]).toContain('alert_name');
    expect(ir!.eventTypes[type('security-alert')]!.fields.some((f) => f.name === 'alert_name')).toBe(true);
    expect(ir!.runRead[type('security-alert')]).not.toContain('alert_name');
    // The same parser builds both types: the security-alert branch no longer computes it.
    const web = ir!.parsers.find((x) => x.id === 'apex-central-cef-web-security')!;
    expect(web.rawKeys).toContain('Blocking_Rule');
    expect(web.runKeys).not.toContain('Blocking_Rule');
  });

  it('builds, on every sample line, the same outcome with the read fields equal and the rest null', async () => {
    const { program } = await loadCompiled(ir!);
    const lean = program.forRules!;
    let compared = 0;
    let left = 0;
    for (const file of samples) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const a = program.parse(line);
        const b = lean.parse(line);
        expect(b.ok).toBe(a.ok);
        if (!a.ok || !b.ok) { expect(b).toEqual(a); continue; }
        expect([b.eventType, b.parser, b.event.time, b.event.time_source]).toEqual([a.eventType, a.parser, a.event.time, a.event.time_source]);
        program.enrich(a.event, a.eventType);
        lean.enrich(b.event, b.eventType);
        expect(Object.keys(b.event)).toEqual(Object.keys(a.event));
        for (const [k, v] of Object.entries(b.event)) {
          if (v !== null) expect(v).toEqual(a.event[k]);
          else if (a.event[k] !== null) left++;
        }
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(3000);
    expect(left).toBeGreaterThan(0);
  });

  it('lists the parsed fields only rule reasons read (web_domain): the run leaves them to the rules that fire', async () => {
    const type = (name: string) => ir!.eventTypes.findIndex((et) => et.name === name);
    const web = type('web-activity-allowed');
    expect(ir!.runReasonOnly[web]).toEqual(['web_domain']);
    expect(ir!.runRead[web]).toContain('web_domain');
    // ext_domain is in reasons too, but conditions and counters read it: computed for every event.
    expect(ir!.runReasonOnly[type('dlp-email-alert-out')]).not.toContain('ext_domain');
    const { source } = await loadCompiled(ir!);
    expect(source).toMatch(/function reasonFields_apex_central_cef_web_security_web_activity_allowed\(ev, raw_request\)/);
  });

  it('computes reason-only fields eagerly for a type with a field named toJSON (the class could not complete them before serialising)', async () => {
    const t = contentTexts();
    edit(t, 'event-types/web-activity-allowed.yaml', '  web_domain:', "  toJSON: { type: string, level: informational, description: 'x' }\n  web_domain:");
    const shadowed = compileTexts(t).ir!;
    expect(shadowed.runReasonOnly[shadowed.eventTypes.findIndex((et) => et.name === 'web-activity-allowed')]).toEqual(['web_domain']);
    const { program, source } = await loadCompiled(shadowed);
    expect(source).not.toMatch(/reasonFields_/);
    const run = join(tempDir(), 'run.jsonl');
    const full = join(tempDir(), 'full.jsonl');
    await runPipeline(program, { inputs: samples, out: run, state: ':memory:', resume: false, bundleHash: 'test' });
    await runPipeline(program, { inputs: samples, out: full, state: ':memory:', resume: false, bundleHash: 'test', onEvent() {} });
    expect(readFileSync(run, 'utf8')).toBe(readFileSync(full, 'utf8'));
  });

  it('writes byte-identical records with the run path and with the whole mapping', async () => {
    const { program } = await loadCompiled(ir!);
    const out = (name: string) => join(tempDir(), name);
    const run = out('run.jsonl');
    const full = out('full.jsonl');
    const a = await runPipeline(program, { inputs: samples, out: run, state: ':memory:', resume: false, bundleHash: 'test' });
    // A caller that sees every event (explain) gets the whole mapping.
    const b = await runPipeline((await loadCompiled(ir!)).program, { inputs: samples, out: full, state: ':memory:', resume: false, bundleHash: 'test', onEvent() {} });
    expect(a.rulesFired).toBeGreaterThan(0);
    expect(readFileSync(run, 'utf8')).toBe(readFileSync(full, 'utf8'));
  });
});
