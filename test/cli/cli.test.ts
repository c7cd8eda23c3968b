import { execFileSync, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/uebac.mjs');
const SAMPLE = join(ROOT, 'examples/sample/usb.log');
let tmp: string;
let bundle: string;

function cli(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
}
function runTo(out: string, state: string, extra: string[] = [], files = [SAMPLE]): SpawnSyncReturns<string> {
  return cli(['run', '--bundle', bundle, '--state', state, '--out', out, ...extra, ...files]);
}

beforeAll(() => {
  // The CLI is built once by test/global-setup.ts.
  tmp = mkdtempSync(join(tmpdir(), 'uebac-cli-'));
  bundle = join(tmp, 'bundle');
  const r = cli(['compile', 'content', '-o', bundle]);
  expect(r.status, r.stderr).toBe(0);
});
afterAll(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

describe('uebac run on the USB sample', () => {
  it('flags only the attack story user; records carry the documented keys', () => {
    const out = join(tmp, 'sample.jsonl');
    const r = runTo(out, ':memory:');
    expect(r.status, r.stderr).toBe(0);
    const truth = JSON.parse(readFileSync(join(ROOT, 'examples/sample/usb.truth.json'), 'utf8')) as { stories: Array<{ user: string; kind: string }> };
    const attackers = truth.stories.filter((s) => s.kind === 'attack').map((s) => s.user);
    expect(attackers).toEqual(['mallory.stone']);
    const notableBlock = r.stdout.split('Notable sessions:')[1] ?? '';
    const notableUsers = [...notableBlock.matchAll(/^ {2}(\S+) {2}score \d+/gm)].map((m) => m[1]);
    expect(notableUsers).toEqual(['mallory.stone']);
    for (const s of truth.stories.filter((x) => x.kind === 'benign')) expect(notableUsers).not.toContain(s.user);

    const records = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const sessions = records.filter((r) => r.type === 'session');
    expect(sessions.filter((s) => s.notable).map((s) => s.user)).toEqual(['mallory.stone']);
    for (const s of sessions) {
      for (const k of ['id', 'user', 'start', 'end', 'score', 'notable', 'rules']) expect(s).toHaveProperty(k);
      expect(Array.isArray(s.rules)).toBe(true);
    }
    const rules = records.filter((r) => r.type === 'rule');
    expect(rules.length).toBeGreaterThan(0);
    expect(r.stdout).toContain(`rules triggered   ${rules.length} `);
    for (const rr of rules) {
      for (const k of ['type', 'rule', 'score', 'time', 'user', 'session', 'event_type', 'reason', 'mitre']) expect(rr).toHaveProperty(k);
      expect(Array.isArray(rr.mitre)).toBe(true);
    }
    const manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8')) as { rules: Array<{ id: string; model: string | null }> };
    const modelRules = new Set(manifest.rules.filter((x) => x.model).map((x) => x.id));
    const modelRecords = rules.filter((rr) => modelRules.has(rr.rule as string));
    expect(modelRecords.length).toBeGreaterThan(0);
    for (const rr of modelRecords) expect(typeof rr.evidence).toBe('object');
    // The notable session's score is the sum of its rule records.
    const mal = sessions.find((s) => s.notable)!;
    const sum = rules.filter((rr) => rr.session === mal.id).reduce((a, rr) => a + (rr.score as number), 0);
    expect(mal.score).toBe(sum);
  });

  it('is deterministic: repeated runs, checkpointing and a real state file give identical bytes', () => {
    const a = join(tmp, 'det-a.jsonl'); const b = join(tmp, 'det-b.jsonl'); const c = join(tmp, 'det-c.jsonl');
    expect(runTo(a, ':memory:').status).toBe(0);
    expect(runTo(b, ':memory:').status).toBe(0);
    const r = runTo(c, join(tmp, 'det-state', 's.db'), ['--checkpoint-events', '100', '--finish']);
    expect(r.status, r.stderr).toBe(0);
    const ref = readFileSync(a);
    expect(readFileSync(b).equals(ref)).toBe(true);
    expect(readFileSync(c).equals(ref)).toBe(true);
  });
});

describe('uebac parse --rejects', () => {
  it('accounts for every input line: parsed + rejected == input lines, every reject has a reason', () => {
    const rej = join(tmp, 'rejects.jsonl');
    const r = cli(['parse', '--bundle', bundle, '--rejects', rej, SAMPLE]);
    expect(r.status, r.stderr).toBe(0);
    const input = readFileSync(SAMPLE).toString('latin1');
    const inputLines = input.split('\n').length - (input.endsWith('\n') ? 1 : 0);
    const parsed = r.stdout.trim().split('\n').filter(Boolean);
    const rejects = readFileSync(rej, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { reason?: string; line?: number });
    expect(rejects.length).toBeGreaterThan(0);
    for (const x of rejects) expect(typeof x.reason).toBe('string');
    expect(parsed.length + rejects.length).toBe(inputLines);
    for (const p of parsed) expect(JSON.parse(p)).toHaveProperty('event_type');
    expect(r.stderr).toContain(`read ${inputLines} lines: ${parsed.length} parsed, ${rejects.length} rejected`);
  });
});

describe('uebac validate', () => {
  it('reports an unknown field in a rule expression as path:line:col: error UEB0302 and exits 1', () => {
    const dir = join(tmp, 'content-bad');
    cpSync(join(ROOT, 'content'), dir, { recursive: true });
    // A rule of our own, so the test does not depend on how the pack's rules are written.
    const file = join(dir, 'rules/ZZ-BROKEN.yaml');
    const lines = ['kind: rule', 'id: ZZ-BROKEN', 'name: broken on purpose', 'eventTypes: [usb-write]', 'score: 1', 'mitre: [T1052]', 'expression: no_such_field == 0', ''];
    const idx = lines.indexOf('expression: no_such_field == 0');
    writeFileSync(file, lines.join('\n'));
    const r = cli(['validate', dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${file}:${idx + 1}:13: error UEB0302`);
    expect(r.stderr).toContain('no_such_field');
    const good = cli(['validate', join(ROOT, 'content')]);
    expect(good.status, good.stdout + good.stderr).toBe(0);
  });
});

describe('CLI errors', () => {
  it('unknown flag: non-zero exit, one clear line', () => {
    const r = cli(['run', '--bundle', bundle, '--bogus', SAMPLE]);
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('--bogus');
  });
  it('missing input file: clear message, non-zero', () => {
    const missing = join(tmp, 'nope.log');
    const r = runTo(join(tmp, 'x.jsonl'), ':memory:', [], [missing]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`input file not found: ${missing}`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
  it('manifest with a different ABI: message mentions ABI, non-zero', () => {
    const dir = join(tmp, 'bundle-abi');
    cpSync(bundle, dir, { recursive: true });
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { abi: number };
    m.abi += 100;
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
    const r = cli(['run', '--bundle', dir, '--state', ':memory:', '--out', join(tmp, 'abi.jsonl'), SAMPLE]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/ABI/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
  it('modified bundle.mjs: message about the manifest mismatch, non-zero', () => {
    const dir = join(tmp, 'bundle-mod');
    cpSync(bundle, dir, { recursive: true });
    writeFileSync(join(dir, 'bundle.mjs'), readFileSync(join(dir, 'bundle.mjs'), 'utf8') + '\n// tampered\n');
    const r = cli(['parse', '--bundle', dir, SAMPLE]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/does not match (its|the signed) manifest/);
    expect(r.stdout).toBe('');
  });
  it('missing bundle: clear message pointing at uebac compile', () => {
    const r = cli(['parse', '--bundle', join(tmp, 'no-bundle'), SAMPLE]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/uebac compile/);
  });
  it('run without --out writes the records to stdout and the summary to stderr', () => {
    const r = cli(['run', '--bundle', bundle, '--state', ':memory:', SAMPLE]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.split('\n')[0]!)).toHaveProperty('type');
    expect(r.stderr).toMatch(/^lines read/m);
  });
});

describe('uebac run --context', () => {
  it('a CSV for an undeclared table fails before any input is read and names the file', () => {
    const ctx = join(tmp, 'ctx');
    mkdirSync(ctx, { recursive: true });
    const csv = join(ctx, 'not_a_table.csv');
    writeFileSync(csv, 'key\nfoo\n');
    const out = join(tmp, 'ctx-out.jsonl');
    const r = runTo(out, ':memory:', ['--context', ctx]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(csv);
    expect(r.stderr).toContain('not_a_table');
    expect(r.stdout).not.toContain('lines read');
    expect(existsSync(out)).toBe(false);
  });
  it('a --context path that is not a directory is rejected', () => {
    const r = runTo(join(tmp, 'ctx2.jsonl'), ':memory:', ['--context', join(tmp, 'no-such-dir')]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/is not a directory/);
  });
});

describe('crash and resume', () => {
  it('SIGKILL at random points then --resume gives byte-identical output', async () => {
    const big = join(tmp, 'big.log');
    execFileSync('npx', ['tsx', 'examples/generate.ts', '--scenario', 'usb', '--seed', '3', '--days', '240', '--out', big], { cwd: ROOT, stdio: 'pipe' });
    const ref = join(tmp, 'big-ref.jsonl');
    const rr = runTo(ref, ':memory:', ['-q'], [big]);
    expect(rr.status, rr.stderr).toBe(0);
    const expected = readFileSync(ref);
    expect(expected.length).toBeGreaterThan(0);

    let killed = 0;
    for (const delay of [250, 500, 800, 1100]) {
      const state = join(tmp, `crash-${delay}`, 's.db');
      const out = join(tmp, `crash-${delay}.jsonl`);
      const args = [BIN, 'run', '--bundle', bundle, '--state', state, '--out', out, '--checkpoint-events', '50', '-q', '--finish', big];
      await new Promise<void>((done) => {
        const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
        const timer = setTimeout(() => child.kill('SIGKILL'), delay);
        child.on('exit', (_code, signal) => { clearTimeout(timer); if (signal === 'SIGKILL') killed++; done(); });
      });
      let finished = false;
      for (let attempt = 0; attempt < 5 && !finished; attempt++) {
        const r = existsSync(state)
          ? cli(['run', '--bundle', bundle, '--state', state, '--out', out, '--checkpoint-events', '50', '-q', '--resume', '--finish', big])
          : cli(['run', '--bundle', bundle, '--state', state, '--out', out, '--checkpoint-events', '50', '-q', '--finish', big]);
        expect(r.status, `delay ${delay}: ${r.stderr}`).toBe(0);
        finished = true;
      }
      expect(readFileSync(out).equals(expected), `output differs after kill at ${delay} ms`).toBe(true);
    }
    expect(killed).toBeGreaterThan(0); // at least one run was really interrupted
  });

  it('--resume after a completed run does not duplicate records', () => {
    const state = join(tmp, 'done', 's.db');
    const out = join(tmp, 'done.jsonl');
    expect(runTo(out, state, ['-q']).status).toBe(0);
    const first = readFileSync(out);
    const r = runTo(out, state, ['-q', '--resume']);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(out).equals(first)).toBe(true);
  });
});
