// Trust by default: every command that loads a bundle (run, parse, explain, serve) verifies its
// signature against the trusted keys; unsigned or foreign bundles need --allow-unsigned (and
// warn); a tampered signature is never accepted; a state refuses an older bundle (rollback).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileDir, compileToDir } from '../../compiler/compile.ts';
import { admitBundle, lineagePath, readLineage, rollbackReason, type LineageEntry } from '../../runtime/lineage.ts';
import { generateKeyPair, signBundle } from '../../runtime/signing.ts';
import { checkTrust, ensureLocalSigningKey, LOCAL_KEY_FILE, TrustError, trustPolicy } from '../../runtime/trust.ts';
import { ServeRuntime } from '../../runtime/serve/server.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/uebac.mjs');
const SAMPLE = join(ROOT, 'examples/sample/usb.log');
let tmp: string;
let config: string; // this file's own trust directory
let compiled: string; // unsigned
let signedDir: string; // signed with the local key of `config`
let older: string; // the same pack at version 0.0.9, signed with the local key

function cli(args: string[], env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, UEBAC_CONFIG_DIR: config, ...env } });
}
function copy(from: string, name: string): string {
  const dir = join(tmp, name);
  cpSync(from, dir, { recursive: true });
  return dir;
}
/** Appends code to bundle.mjs and fixes the manifest's hash, as an attacker without the key would. */
function tamper(dir: string, marker: string): void {
  const bundle = join(dir, 'bundle.mjs');
  writeFileSync(bundle, readFileSync(bundle, 'utf8') + `\nimport { writeFileSync as __w } from 'node:fs'; __w(${JSON.stringify(marker)}, 'ran');\n`);
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { bundleHash: string };
  m.bundleHash = createHash('sha256').update(readFileSync(bundle)).digest('hex');
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m, null, 2));
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'uebac-trust-'));
  config = join(tmp, 'config');
  const { ir, diagnostics } = compileDir(join(ROOT, 'content'));
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  compiled = join(tmp, 'compiled');
  await compileToDir(ir!, compiled);
  const key = ensureLocalSigningKey(config);
  signedDir = copy(compiled, 'signed');
  signBundle(signedDir, readFileSync(key.path));
  // The same content at a lower pack version: a rollback target.
  const content = join(tmp, 'content-old');
  cpSync(join(ROOT, 'content'), content, { recursive: true });
  const pack = join(content, 'pack.yaml');
  writeFileSync(pack, readFileSync(pack, 'utf8').replace(/^version: .*$/m, 'version: 0.0.9'));
  const old = compileDir(content);
  expect(old.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  older = join(tmp, 'older');
  await compileToDir(old.ir!, older);
  signBundle(older, readFileSync(key.path));
});
afterAll(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

describe('checkTrust (default policy: the trust directory)', () => {
  it('the local signing key is created once, atomically, and is trusted', () => {
    const again = ensureLocalSigningKey(config);
    expect(again.created).toBe(false);
    expect(again.path).toBe(join(config, LOCAL_KEY_FILE));
    expect(checkTrust(signedDir, trustPolicy({}, config))).toMatchObject({ verified: true, source: again.path });
  });

  it('refuses an unsigned bundle with a message that says what to do; --allow-unsigned lets it run with a warning', () => {
    expect(() => checkTrust(compiled, trustPolicy({}, config))).toThrow(/^untrusted bundle: bundle .* is not signed .*--allow-unsigned/);
    const v = checkTrust(compiled, trustPolicy({ allowUnsigned: true }, config));
    expect(v).toMatchObject({ verified: false });
    expect(v.verified ? '' : v.warning).toMatch(/^warning: .*not verified.*is not signed/);
  });

  it('refuses a bundle signed by a key that is not trusted, and trusts it once its .pub is in trusted/', () => {
    const other = generateKeyPair();
    const dir = copy(compiled, 'foreign');
    signBundle(dir, other.privateKeyPem);
    expect(() => checkTrust(dir, trustPolicy({}, config))).toThrow(/signed by key id .*which is not trusted/);
    const withPub = join(tmp, 'config-with-pub');
    mkdirSync(join(withPub, 'trusted'), { recursive: true });
    writeFileSync(join(withPub, 'trusted', 'ci.pub'), other.publicKeyPem);
    expect(checkTrust(dir, trustPolicy({}, withPub))).toMatchObject({ verified: true, keyId: other.keyId });
  });

  it('a tampered bundle is refused even with --allow-unsigned', () => {
    const dir = copy(signedDir, 'tampered');
    tamper(dir, join(tmp, 'never'));
    for (const allowUnsigned of [false, true]) {
      expect(() => checkTrust(dir, trustPolicy({ allowUnsigned }, config))).toThrow(TrustError);
      expect(() => checkTrust(dir, trustPolicy({ allowUnsigned }, config))).toThrow(/does not verify with the trusted key/);
    }
  });

  it('--trust replaces the trust directory: the local key no longer counts', () => {
    const ci = generateKeyPair();
    writeFileSync(join(tmp, 'ci.pub'), ci.publicKeyPem);
    expect(() => checkTrust(signedDir, trustPolicy({ trust: [join(tmp, 'ci.pub')] }, config))).toThrow(/not trusted/);
    expect(() => trustPolicy({ trust: [join(tmp, 'missing.pub')] }, config)).toThrow(/missing\.pub not found/);
  });

  it('an empty trust directory trusts nothing', () => {
    expect(() => checkTrust(signedDir, trustPolicy({}, join(tmp, 'nowhere')))).toThrow(/no key is trusted/);
  });
});

describe('rollback (the bundle history beside a state)', () => {
  const entry = (version: string, bundleHash: string): LineageEntry => ({ pack: 'p', version, bundleHash, contentHash: 'c', keyId: null, firstRun: '' });
  const m = (version: string, bundleHash: string) => ({ pack: { id: 'p', version, name: 'p' }, bundleHash, contentHash: 'c' });

  it('refuses a lower version and a replaced build of the same version; accepts newer, rebuilt and other packs', () => {
    const h = [entry('1.0.0', 'a'), entry('1.1.0', 'b'), entry('1.1.0', 'c')];
    expect(rollbackReason(h, m('1.0.0', 'a'))).toMatch(/older than 1\.1\.0/);
    expect(rollbackReason(h, m('1.0.5', 'z'))).toMatch(/older than 1\.1\.0/);
    expect(rollbackReason(h, m('1.1.0', 'b'))).toMatch(/replaced on this state by a later build/);
    expect(rollbackReason(h, m('1.1.0', 'c'))).toBeNull(); // the current one
    expect(rollbackReason(h, m('1.1.0', 'd'))).toBeNull(); // a new build of the current version
    expect(rollbackReason(h, m('1.2.0', 'e'))).toBeNull();
    expect(rollbackReason(h, { ...m('0.1.0', 'f'), pack: { id: 'other', version: '0.1.0', name: 'o' } })).toBeNull();
    expect(rollbackReason(h, m('1.10.0', 'g'))).toBeNull(); // semver, not string order
  });

  it('an allowed rollback is recorded, and moving forward again is not a rollback', () => {
    const path = join(tmp, 'hist.bundles.json');
    expect(admitBundle(path, m('2.0.0', 'x'), null, false)).toBeNull();
    expect(() => admitBundle(path, m('1.0.0', 'y'), null, false)).toThrow(/^rollback refused: bundle p 1\.0\.0 is older than 2\.0\.0/);
    expect(admitBundle(path, m('1.0.0', 'y'), null, true)).toMatch(/^warning: rollback allowed/);
    expect(admitBundle(path, m('1.0.0', 'y'), null, false)).toBeNull(); // now the current one
    expect(admitBundle(path, m('2.0.0', 'x'), null, false)).toBeNull();
    expect(readLineage(path).map((e) => e.bundleHash)).toEqual(['x', 'y', 'x']);
  });

  it('a damaged history is an error, not a silent reset', () => {
    const path = join(tmp, 'bad.bundles.json');
    writeFileSync(path, '{"bundles": [');
    expect(() => admitBundle(path, m('1.0.0', 'a'), null, false)).toThrow(/not valid JSON.*rollback/);
  });
});

describe('the CLI verifies by default', () => {
  it('`uebac compile` signs with the local key (created on first use) and `run` accepts it with nothing configured', () => {
    const fresh = join(tmp, 'config-fresh');
    const out = join(tmp, 'cli-compiled');
    const c = cli(['compile', 'content', '-o', out], { UEBAC_CONFIG_DIR: fresh });
    expect(c.status, c.stderr).toBe(0);
    expect(c.stderr).toMatch(/created the local signing key/);
    expect(existsSync(join(out, 'manifest.sig'))).toBe(true);
    const r = cli(['run', '--bundle', out, '--state', ':memory:', '--out', join(tmp, 'cli.jsonl'), SAMPLE], { UEBAC_CONFIG_DIR: fresh });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/warning/);
    // --no-sign leaves it unsigned, and then run refuses it.
    const u = cli(['compile', 'content', '-o', out, '--no-sign'], { UEBAC_CONFIG_DIR: fresh });
    expect(u.status, u.stderr).toBe(0);
    expect(existsSync(join(out, 'manifest.sig'))).toBe(false);
  });

  it('a tampered bundle runs no code under run, parse or explain; an unsigned one needs --allow-unsigned', () => {
    const marker = join(tmp, 'payload-ran');
    const tampered = copy(signedDir, 'cli-tampered');
    tamper(tampered, marker);
    const stripped = copy(tampered, 'cli-stripped');
    rmSync(join(stripped, 'manifest.sig'));
    const commands = (b: string, extra: string[] = []) => [
      ['run', '--bundle', b, '--state', ':memory:', '--out', join(tmp, 'x.jsonl'), ...extra, SAMPLE],
      ['parse', '--bundle', b, ...extra, SAMPLE],
      ['explain', 'nobody-1', SAMPLE, '--bundle', b, ...extra],
    ];
    for (const args of [...commands(tampered), ...commands(tampered, ['--allow-unsigned'])]) {
      const r = cli(args);
      expect(r.status, `${args[0]}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/untrusted bundle: .*does not verify/);
    }
    for (const args of commands(stripped)) {
      const r = cli(args);
      expect(r.status, `${args[0]}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/untrusted bundle: .*is not signed.*--allow-unsigned/);
    }
    expect(existsSync(marker)).toBe(false);
    // Explicitly allowed: it runs (this is what the flag means), with a warning on stderr.
    const r = cli(commands(stripped, ['--allow-unsigned'])[1]!);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: running a bundle whose origin is not verified \(--allow-unsigned\)/);
    expect(existsSync(marker)).toBe(true);
  });

  it('a state refuses an older signed bundle, also with --fresh; --allow-rollback warns', () => {
    const state = join(tmp, 'rb', 'state.db');
    const run = (b: string, extra: string[] = []) => cli(['run', '--bundle', b, '--state', state, '--out', join(tmp, 'rb.jsonl'), '--quiet', ...extra, SAMPLE]);
    const first = run(signedDir);
    expect(first.status, first.stderr).toBe(0);
    expect(readLineage(lineagePath(state)).map((e) => e.version)).toEqual(['0.1.0']);
    for (const extra of [[], ['--fresh']]) {
      const r = run(older, extra);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/rollback refused: bundle .* 0\.0\.9 is older than 0\.1\.0, which this state already ran/);
    }
    const allowed = run(older, ['--fresh', '--allow-rollback']);
    expect(allowed.status, allowed.stderr).toBe(0);
    expect(allowed.stderr).toMatch(/warning: rollback allowed \(--allow-rollback\)/);
  });
});

describe('serve verifies too', () => {
  it('refuses an unsigned bundle and an older one, and releases the state lock', async () => {
    const state = join(tmp, 'serve', 'state.db');
    const log: string[] = [];
    const opts = { state, metrics: null, log: (s: string) => log.push(s) };
    await expect(new ServeRuntime({ ...opts, bundleDir: compiled, trust: trustPolicy({}, config) }).start()).rejects.toThrow(/untrusted bundle: bundle .*compiled is not signed/);
    const ok = new ServeRuntime({ ...opts, bundleDir: signedDir, trust: trustPolicy({}, config) });
    await ok.start();
    await ok.stop();
    await expect(new ServeRuntime({ ...opts, bundleDir: older, trust: trustPolicy({}, config) }).start()).rejects.toThrow(/rollback refused/);
    // Another state (serve snapshots bundles per state directory by their sha256).
    const unsigned = new ServeRuntime({ ...opts, state: join(tmp, 'serve2', 'state.db'), bundleDir: compiled, trust: trustPolicy({ allowUnsigned: true }, config) });
    await unsigned.start();
    await unsigned.stop();
    expect(log.join('\n')).toMatch(/warning: running a bundle whose origin is not verified/);
  });
});
