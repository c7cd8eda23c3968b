// `uebac test`, `explain`, `coverage` and `schema` through the real CLI.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const uebac = (args: string[]) => spawnSync('node', [join(ROOT, 'bin/uebac.mjs'), ...args], { cwd: ROOT, encoding: 'utf8' });
let dist: string;

beforeAll(() => {
  dist = mkdtempSync(join(tmpdir(), 'uebac-cmd-'));
  const r = uebac(['compile', 'content', '-o', dist]);
  expect(r.status, r.stderr).toBe(0);
});

describe('uebac test', () => {
  it('passes on the bundled content with --min-tests 2 and prints the closing count', () => {
    const r = uebac(['test', 'content', '--min-tests', '2']);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\d+ passed, 0 failed/m);
  });

  it('fails and names the test when one expectation is flipped', () => {
    const copy = mkdtempSync(join(tmpdir(), 'uebac-flip-'));
    cpSync(join(ROOT, 'content'), copy, { recursive: true });
    const file = join(copy, 'rules/tests/usb-new-host-and-device.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('fires: [UW-UH-F, UW-UD-A], notFires: [UW-UHD-110', 'fires: [UW-UHD-110, UW-UD-A], notFires: [UW-UH-F'));
    const r = uebac(['test', copy]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('✗ usb-new-host-and-new-device');
    expect(r.stdout).toContain('expected UW-UHD-110 to fire');
  });

  it('writes JUnit XML', () => {
    const r = uebac(['test', 'content', '--format', 'junit']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^<\?xml/);
    expect(r.stdout).toContain('<testcase');
    expect(r.stdout).toContain('failures="0"');
  });
});

describe('uebac explain', () => {
  it("replays the logs and prints the notable session's timeline with evidence", () => {
    const out = join(dist, 'records.jsonl');
    const run = uebac(['run', '--bundle', dist, '--state', ':memory:', '--out', out, 'examples/sample/usb.log']);
    expect(run.status, run.stderr).toBe(0);
    const notable = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).find((r) => r.type === 'session' && r.notable);
    const r = uebac(['explain', notable.id, 'examples/sample/usb.log', '--bundle', dist]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Session ${notable.id} — final score ${notable.score} (notable)`);
    expect(r.stdout).toContain('+40 UW-UH-F');
    expect(r.stdout).toMatch(/model UW-UD scope=mallory\.stone .* confidence/);
  });

  it('says so when the session is not in the logs', () => {
    const r = uebac(['explain', 'nobody-20200101000000', 'examples/sample/usb.log', '--bundle', dist]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no session nobody-20200101000000');
  });
});

describe('uebac coverage and schema', () => {
  it('writes a Navigator layer listing every technique of the manifest', () => {
    const out = mkdtempSync(join(tmpdir(), 'uebac-cov-'));
    const r = uebac(['coverage', 'content', '-o', out]);
    expect(r.status, r.stderr).toBe(0);
    const layer = JSON.parse(readFileSync(join(out, 'attack-layer.json'), 'utf8'));
    const manifest = JSON.parse(readFileSync(join(dist, 'manifest.json'), 'utf8'));
    const techniques = new Set<string>(manifest.rules.flatMap((x: { mitre: string[] }) => x.mitre));
    expect(new Set(layer.techniques.map((t: { techniqueID: string }) => t.techniqueID))).toEqual(techniques);
    expect(layer.domain).toBe('enterprise-attack');
    expect(readFileSync(join(out, 'coverage.md'), 'utf8')).toContain('## Rules per technique');
  });

  it('prints the rule schema with a $id and descriptions', () => {
    const r = uebac(['schema', 'rule']);
    expect(r.status).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.$id).toContain('rule.schema.json');
    expect(schema.properties.expression.description).toBeTruthy();
    expect(uebac(['schema', 'nonsense']).status).not.toBe(0);
  });
});
