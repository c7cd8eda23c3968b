// `uebac list`: what a pack holds, from a compiled bundle (its manifest) or from content.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../runtime/bundle.ts';

const ROOT = resolve(import.meta.dirname, '../..');
let tmp: string;
let bundle: string;
let manifest: Manifest;
const cli = (args: string[]): SpawnSyncReturns<string> => spawnSync(process.execPath, [join(ROOT, 'bin/uebac.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
const json = <T>(args: string[]): T => {
  const r = cli([...args, '--format', 'json']);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
};

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'uebac-list-'));
  bundle = join(tmp, 'dist');
  const c = cli(['compile', 'content', '-o', bundle]);
  expect(c.status, c.stderr).toBe(0);
  manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8')) as Manifest;
});
afterAll(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

describe('uebac list', () => {
  it('rules: every rule with score, model, MITRE and event types', () => {
    const rules = json<Array<{ id: string; score: number; model: string | null; mitre: string[]; eventTypes: string[] }>>(['list', 'rules', '--bundle', bundle]);
    expect(rules.map((r) => r.id)).toEqual(manifest.rules.map((r) => r.id));
    const m = manifest.rules.find((r) => r.id === 'UW-UH-A')!;
    expect(m.mitre.length).toBeGreaterThan(0);
    expect(rules.find((r) => r.id === 'UW-UH-A')).toMatchObject({ score: m.score, model: 'UW-UH', mitre: m.mitre, eventTypes: m.eventTypes });
  });

  it('models, parsers and event types agree with the manifest', () => {
    const models = json<Array<{ id: string; rules: string[] }>>(['list', 'models', '--bundle', bundle]);
    expect(models.map((m) => m.id)).toEqual(manifest.models.map((m) => m.id));
    expect(models.find((m) => m.id === 'UW-UH')!.rules).toContain('UW-UH-A');
    expect(json<Array<{ id: string }>>(['list', 'parsers', '--bundle', bundle]).map((p) => p.id)).toEqual(manifest.parsers.map((p) => p.id));
    const types = json<Array<{ name: string; rules: string[]; parsers: string[] }>>(['list', 'event-types', '--bundle', bundle]);
    expect(types.map((t) => t.name)).toEqual(manifest.eventTypes);
    expect(types.find((t) => t.name === 'usb-write')!.rules).toContain('UW-UH-A');
  });

  it('--content lists the same as the compiled bundle', () => {
    for (const kind of ['rules', 'models', 'parsers', 'event-types']) {
      expect(json(['list', kind, '--content', 'content']), kind).toEqual(json(['list', kind, '--bundle', bundle]));
    }
  });

  it('text: a table with a header and a count', () => {
    const r = cli(['list', 'rules', '--bundle', bundle]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+SCORE\s+MODEL\s+EVENT TYPES\s+MITRE\s+NAME$/);
    const m = manifest.rules.find((r) => r.id === 'UW-UH-A')!;
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^UW-UH-A\\s+${m.score}\\s+UW-UH\\s+${m.eventTypes.join(',')}\\s+${m.mitre.join(',')}\\s+${m.name}$`)));
    expect(lines.at(-1)).toBe(`${manifest.rules.length} rules in ${manifest.pack.id} ${manifest.pack.version}`);
    expect(r.stdout).not.toContain('\x1b[');
  });

  it('an unknown kind or a missing bundle is a usage error', () => {
    const bad = cli(['list', 'widgets', '--bundle', bundle]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown list `widgets`/);
    const none = cli(['list', 'rules', '--bundle', join(tmp, 'nope')]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/manifest\.json is missing/);
  });
});
