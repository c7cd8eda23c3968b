// Every failing check is a failure in every output: exit code, JUnit, JSON and SARIF agree;
// test files and reason templates are validated; a directory that is not content is an error.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/uebac.mjs');
const BASE = join(ROOT, 'test/diagnostics/golden/base');
const temps: string[] = [];
afterAll(() => { for (const t of temps) rmSync(t, { recursive: true, force: true }); });

function cli(args: string[], cwd = ROOT): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
}
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'uebac-honest-'));
  temps.push(d);
  return d;
}
/** A copy of the small base pack with `files` (path → text) written over it. */
function pack(files: Record<string, string> = {}): string {
  const dir = join(temp(), 'pack');
  cpSync(BASE, dir, { recursive: true });
  for (const [p, text] of Object.entries(files)) { mkdirSync(join(dir, p, '..'), { recursive: true }); writeFileSync(join(dir, p), text); }
  return dir;
}

describe('uebac test: --min-tests is a failure in every format', () => {
  it('JUnit counts the rules below --min-tests as failures, matching the exit code', () => {
    const r = cli(['test', pack(), '--format', 'junit', '--min-tests', '3']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/<testsuites tests="3" failures="1">/);
    expect(r.stdout).toContain('type="UEB0602"');
  });

  it('JSON and SARIF carry the same failure', () => {
    const json = cli(['test', pack(), '--format', 'json', '--min-tests', '3']);
    expect(json.status).toBe(1);
    const parsed = JSON.parse(json.stdout) as { diagnostics: Array<{ code: string; file: string }> } | Array<{ code: string }>;
    const list = Array.isArray(parsed) ? parsed : parsed.diagnostics;
    expect(list.map((d) => d.code)).toEqual(['UEB0602']);
    const sarif = cli(['test', pack(), '--format', 'sarif', '--min-tests', '3']);
    expect(sarif.status).toBe(1);
    const results = (JSON.parse(sarif.stdout) as { runs: Array<{ results: Array<{ ruleId: string; level: string }> }> }).runs[0]!.results;
    expect(results).toEqual([expect.objectContaining({ ruleId: 'UEB0602', level: 'error' })]);
  });

  it('a failed test is UEB0601 in JUnit and JSON; a passing pack is green in both', () => {
    const failing = pack({ 'rules/tests/first.yaml': 'kind: test\nid: first\nrules: [usb-device-new]\nsteps:\n  - event: { event_type: usb-write, user: erin, host: WS-2, file_name: a.txt, device_id: D }\n    expect: { fires: [usb-device-new] }\n' });
    const junit = cli(['test', failing, '--format', 'junit']);
    expect(junit.status).toBe(1);
    expect(junit.stdout).toMatch(/failures="1"/);
    const json = cli(['test', failing, '--format', 'json']);
    expect(JSON.stringify(JSON.parse(json.stdout))).toContain('UEB0601');
    const ok = cli(['test', pack(), '--format', 'junit']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/failures="0"/);
  });

  it('compile errors appear in the JUnit report too', () => {
    const r = cli(['test', pack({ 'rules/bad.yaml': 'kind: rule\nid: bad\nname: Bad\neventTypes: [usb-write]\nmitre: [T1052]\nexpression: bogus == 1\nscore: 1\n' }), '--format', 'junit']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/failures="1"/);
    expect(r.stdout).toContain('UEB0302');
  });
});

describe('validate checks test files and reason templates', () => {
  it('an unknown rule in notFires is UEB0203 at its position', () => {
    const dir = pack();
    const test = join(dir, 'rules/tests/usb-device-new.yaml');
    writeFileSync(test, readFileSync(test, 'utf8').replace('notFires: [usb-device-new]', 'notFires: [NO-SUCH-RULE]'));
    const r = cli(['validate', dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/rules\/tests\/usb-device-new\.yaml:8:26: error UEB0203 unknown rule `NO-SUCH-RULE`/);
  });

  it('a misspelt event field in a test step is UEB0302 at the key, with a suggestion', () => {
    const dir = pack();
    const test = join(dir, 'rules/tests/usb-device-new.yaml');
    writeFileSync(test, readFileSync(test, 'utf8').replace('device_id: DEV-2', 'devce_id: DEV-2'));
    const r = cli(['validate', dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/usb-device-new\.yaml:9:\d+: error UEB0302 `usb-write` has no field `devce_id`/);
    expect(r.stderr).toContain('did you mean `device_id`?');
  });

  it('an unknown {placeholder} in a reason is UEB0309 at the placeholder', () => {
    const dir = pack();
    const rule = join(dir, 'rules/usb-device-new.yaml');
    writeFileSync(rule, readFileSync(rule, 'utf8').replace('{device_id}', '{device}'));
    const r = cli(['validate', dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/usb-device-new\.yaml:10:25: error UEB0309 unknown placeholder `\{device\}`/);
  });
});

describe('a directory that is not content is an error', () => {
  it('validate of a documentation folder fails', () => {
    const r = cli(['validate', 'docs']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('UEB0006');
  });

  it('compile of an empty directory fails and writes no bundle', () => {
    const empty = temp();
    const out = join(temp(), 'dist');
    const r = cli(['compile', empty, '-o', out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('not a content directory');
    expect(() => readFileSync(join(out, 'bundle.mjs'))).toThrow();
  });
});
