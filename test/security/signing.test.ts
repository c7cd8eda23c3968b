// Bundle signing: Ed25519 over manifest.json, which pins bundle.mjs by sha256. A runtime
// given a trusted public key refuses unsigned, re-signed, and modified bundles, each with a
// one-line message that says which.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keygenCommand, signCommand, trustCheck, TrustError } from '../../cli/sign.ts';
import { compileDir, compileToDir } from '../../compiler/compile.ts';
import { loadBundle } from '../../runtime/bundle.ts';
import { generateKeyPair, signBundle, SigningError, verifyBundle, type SignatureFile } from '../../runtime/signing.ts';

const ROOT = resolve(import.meta.dirname, '../..');
let tmp: string;
let compiled: string;
const trusted = generateKeyPair();
const other = generateKeyPair();

/** A fresh copy of the compiled (unsigned) bundle. */
function copy(name: string): string {
  const dir = join(tmp, name);
  cpSync(compiled, dir, { recursive: true });
  return dir;
}
function signed(name: string): string {
  const dir = copy(name);
  signBundle(dir, trusted.privateKeyPem);
  return dir;
}
function refused(dir: string) {
  const r = verifyBundle(dir, trusted.publicKeyPem);
  if (r.ok) throw new Error(`expected ${dir} to be refused`);
  expect(r.message).not.toMatch(/\n/);
  return r;
}
const silent = () => {};

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'uebac-sign-'));
  compiled = join(tmp, 'compiled');
  const { ir, diagnostics } = compileDir(join(ROOT, 'content'));
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  await compileToDir(ir!, compiled);
});
afterAll(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

describe('signBundle / verifyBundle', () => {
  it('a bundle signed with the trusted key verifies, and still loads and parses', async () => {
    const dir = signed('ok');
    const sig = JSON.parse(readFileSync(join(dir, 'manifest.sig'), 'utf8')) as SignatureFile;
    expect(Object.keys(sig).sort()).toEqual(['alg', 'keyId', 'signature']);
    expect(sig.alg).toBe('ed25519');
    expect(sig.keyId).toBe(trusted.keyId);
    expect(sig.keyId).toMatch(/^[0-9a-f]{64}$/);
    expect(Buffer.from(sig.signature, 'base64')).toHaveLength(64);

    const r = verifyBundle(dir, trusted.publicKeyPem);
    expect(r).toMatchObject({ ok: true, keyId: trusted.keyId });
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { bundleHash: string };
    expect(r.ok && r.bundleSha256).toBe(manifest.bundleHash);

    const { module } = await loadBundle(dir);
    const program = module.instantiate(new Map());
    const line = readFileSync(join(ROOT, 'examples/sample/usb.log'), 'utf8').split('\n')[0]!;
    expect(program.parse(line).ok).toBe(true);
  });

  it('key id is the sha256 of the SPKI DER public key', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const der = publicKey.export({ type: 'spki', format: 'der' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    // The key id printed by verify for an untrusted key must be derivable from the .pub file.
    const dir = signed('keyid');
    const r = verifyBundle(dir, pem);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toContain(createHash('sha256').update(der).digest('hex').slice(0, 12));
  });

  it('unsigned bundle → refused: "not signed"', () => {
    const r = refused(copy('unsigned'));
    expect(r.reason).toBe('unsigned');
    expect(r.message).toMatch(/is not signed \(manifest\.sig is missing\)/);
  });

  it('re-signed with another key → refused: "signed by another key"', () => {
    const dir = signed('resigned');
    signBundle(dir, other.privateKeyPem);
    const r = refused(dir);
    expect(r.reason).toBe('untrusted-key');
    expect(r.message).toMatch(/signed by another key/);
    expect(r.message).toContain(other.keyId.slice(0, 12));
    expect(r.message).toContain(trusted.keyId.slice(0, 12));
    // The other key's owner of course accepts it.
    expect(verifyBundle(dir, other.publicKeyPem).ok).toBe(true);
  });

  it('re-signed with another key but claiming the trusted key id → refused: signature does not verify', () => {
    const dir = signed('forged-id');
    signBundle(dir, other.privateKeyPem);
    const sig = JSON.parse(readFileSync(join(dir, 'manifest.sig'), 'utf8')) as SignatureFile;
    writeFileSync(join(dir, 'manifest.sig'), JSON.stringify({ ...sig, keyId: trusted.keyId }));
    const r = refused(dir);
    expect(r.reason).toBe('bad-signature');
    expect(r.message).toMatch(/does not verify with the trusted key/);
  });

  it('manifest modified after signing → refused: "manifest.json was modified"', () => {
    const dir = signed('manifest-mod');
    const path = join(dir, 'manifest.json');
    const m = JSON.parse(readFileSync(path, 'utf8')) as { rules: Array<{ score: number }> };
    m.rules[0]!.score = 0;
    writeFileSync(path, JSON.stringify(m, null, 2) + '\n');
    const r = refused(dir);
    expect(r.reason).toBe('bad-signature');
    expect(r.message).toMatch(/manifest\.json was modified after signing/);
  });

  it('a whitespace-only change to the manifest is a modification too (exact bytes are signed)', () => {
    const dir = signed('manifest-ws');
    const path = join(dir, 'manifest.json');
    writeFileSync(path, readFileSync(path, 'utf8') + '\n');
    expect(refused(dir).reason).toBe('bad-signature');
  });

  it('bundle.mjs modified after signing → refused: "bundle.mjs … modified"', () => {
    const dir = signed('bundle-mod');
    writeFileSync(join(dir, 'bundle.mjs'), readFileSync(join(dir, 'bundle.mjs'), 'utf8') + '\nglobalThis.__pwned = 1;\n');
    const r = refused(dir);
    expect(r.reason).toBe('bundle-modified');
    expect(r.message).toMatch(/bundle\.mjs in .* does not match the signed manifest \(sha256 [0-9a-f]{12}… ≠ [0-9a-f]{12}…\): it was modified after compilation/);
  });

  it('bundle.mjs and its hash in the manifest both replaced → refused by the signature', () => {
    const dir = signed('both-mod');
    const bundle = readFileSync(join(dir, 'bundle.mjs'), 'utf8') + '\n// evil\n';
    writeFileSync(join(dir, 'bundle.mjs'), bundle);
    const path = join(dir, 'manifest.json');
    const m = JSON.parse(readFileSync(path, 'utf8')) as { bundleHash: string };
    m.bundleHash = createHash('sha256').update(bundle).digest('hex');
    writeFileSync(path, JSON.stringify(m, null, 2) + '\n');
    expect(refused(dir).reason).toBe('bad-signature');
  });

  it('missing bundle.mjs, missing manifest, malformed or truncated signature → refused', () => {
    const noBundle = signed('no-bundle');
    rmSync(join(noBundle, 'bundle.mjs'));
    expect(refused(noBundle).reason).toBe('no-bundle');

    const noManifest = signed('no-manifest');
    rmSync(join(noManifest, 'manifest.json'));
    expect(refused(noManifest).reason).toBe('no-manifest');

    const garbage = signed('garbage-sig');
    writeFileSync(join(garbage, 'manifest.sig'), '{"alg":"ed25519",');
    expect(refused(garbage).reason).toBe('malformed-signature');

    const alg = signed('alg-sig');
    const sig = JSON.parse(readFileSync(join(alg, 'manifest.sig'), 'utf8')) as SignatureFile;
    writeFileSync(join(alg, 'manifest.sig'), JSON.stringify({ ...sig, alg: 'none' }));
    expect(refused(alg).message).toMatch(/unsupported alg "none"/);

    const truncated = signed('short-sig');
    writeFileSync(join(truncated, 'manifest.sig'), JSON.stringify({ ...sig, signature: sig.signature.slice(0, 40) }));
    expect(refused(truncated).reason).toBe('bad-signature');
  });

  it('refuses to sign a bundle whose bundle.mjs no longer matches its manifest', () => {
    const dir = copy('sign-modified');
    writeFileSync(join(dir, 'bundle.mjs'), '// not the compiled bundle\n');
    expect(() => signBundle(dir, trusted.privateKeyPem)).toThrow(SigningError);
    expect(() => signBundle(dir, trusted.privateKeyPem)).toThrow(/refusing to sign: bundle\.mjs .* does not match/);
    expect(existsSync(join(dir, 'manifest.sig'))).toBe(false);
  });

  it('only Ed25519 keys: RSA keys and a private key given as the trusted key are refused', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const dir = signed('keys');
    expect(() => signBundle(dir, rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }))).toThrow(/expected ed25519/);
    const r1 = verifyBundle(dir, rsa.publicKey.export({ type: 'spki', format: 'pem' }));
    expect(r1).toMatchObject({ ok: false, reason: 'bad-trusted-key' });
    const r2 = verifyBundle(dir, trusted.privateKeyPem);
    expect(r2).toMatchObject({ ok: false, reason: 'bad-trusted-key' });
    expect(!r2.ok && r2.message).toMatch(/private key/);
    expect(verifyBundle(dir, 'not a key')).toMatchObject({ ok: false, reason: 'bad-trusted-key' });
  });
});

describe('CLI helpers (cli/sign.ts)', () => {
  it('keygen writes PREFIX.key with mode 0600 and PREFIX.pub, and never overwrites them', () => {
    const prefix = join(tmp, 'keys', 'ci');
    const { privatePath, publicPath, keyId } = keygenCommand(prefix, silent);
    expect(privatePath).toBe(`${prefix}.key`);
    expect(publicPath).toBe(`${prefix}.pub`);
    if (process.platform !== 'win32') expect(statSync(privatePath).mode & 0o777).toBe(0o600);
    expect(readFileSync(privatePath, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(readFileSync(publicPath, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(keyId).toMatch(/^[0-9a-f]{64}$/);
    const before = readFileSync(privatePath, 'utf8');
    expect(() => keygenCommand(prefix, silent)).toThrow(/already exists; refusing to overwrite/);
    expect(readFileSync(privatePath, 'utf8')).toBe(before);
  });

  it('sign then trust-check round trip; every refusal is a TrustError with a one-line message', () => {
    const prefix = join(tmp, 'keys', 'roundtrip');
    const { privatePath, publicPath, keyId } = keygenCommand(prefix, silent);
    const otherKeys = keygenCommand(join(tmp, 'keys', 'other'), silent);
    const dir = copy('cli');

    const expectRefusal = (fn: () => unknown, pattern: RegExp) => {
      let err: unknown;
      try { fn(); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(TrustError);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(pattern);
      expect((err as Error).message).not.toMatch(/\n/);
    };

    expectRefusal(() => trustCheck(dir, publicPath), /^untrusted bundle: .*is not signed/);
    expect(signCommand(dir, privatePath, silent).keyId).toBe(keyId);
    expect(trustCheck(dir, publicPath)).toEqual({ keyId });
    expectRefusal(() => trustCheck(dir, otherKeys.publicPath), /^untrusted bundle: .*signed by another key/);
    expectRefusal(() => trustCheck(dir, join(tmp, 'nope.pub')), /trusted public key .*nope\.pub not found/);
    expectRefusal(() => signCommand(dir, join(tmp, 'nope.key'), silent), /signing key .*nope\.key not found/);
    expectRefusal(() => signCommand(dir, publicPath, silent), /cannot sign .*not a private key/);

    writeFileSync(join(dir, 'bundle.mjs'), readFileSync(join(dir, 'bundle.mjs'), 'utf8') + ';');
    expectRefusal(() => trustCheck(dir, publicPath), /^untrusted bundle: bundle\.mjs .*modified after compilation/);
  });
});
