// Which bundles a runtime accepts. Every command that loads a bundle verifies its Ed25519
// signature (runtime/signing.ts) against a set of trusted public keys before any of its code
// is imported. An unsigned bundle, or one signed by a key outside the set, runs only when the
// caller says so explicitly (allowUnsigned), and then with a warning. A signature that does
// not verify, or a bundle.mjs that differs from the signed manifest, is never accepted.
//
// The trusted set is either the keys given explicitly (--trust, repeatable: production pins
// its CI key this way and nothing else counts) or, by default, the user's trust directory:
//   <config>/trusted/*.pub   public keys put there by the operator
//   <config>/local-signing.key  the key `uebac compile` signs with when no --sign is given;
//                            created on first use, trusted on this machine for this user only
// where <config> is $UEBAC_CONFIG_DIR, else $XDG_CONFIG_HOME/uebac, else ~/.config/uebac.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ed25519Public, keyIdOf, SIGNATURE_FILE, verifyBundle, type VerifyFailure } from './signing.ts';

/** A bundle refused, or a key that cannot be used; the message is one line. */
export class TrustError extends Error {
  constructor(message: string, readonly reason: VerifyFailure | 'key-file' | 'rollback') {
    super(message.replace(/[\r\n]+/g, ' '));
    this.name = 'TrustError';
  }
}

export interface TrustedKey {
  /** where the key came from, for messages */
  source: string;
  pem: Buffer;
  keyId: string;
}

export interface TrustPolicy {
  keys: TrustedKey[];
  /** run unsigned or untrusted-signer bundles (with a warning) instead of refusing them */
  allowUnsigned: boolean;
  /** what the trusted set is, for messages ("--trust ci.pub", "the trust directory ~/.config/uebac") */
  describe: string;
}

export type TrustVerdict =
  | { verified: true; keyId: string; source: string }
  | { verified: false; warning: string };

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.UEBAC_CONFIG_DIR) return env.UEBAC_CONFIG_DIR;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'uebac');
  return join(homedir(), '.config', 'uebac');
}

export const LOCAL_KEY_FILE = 'local-signing.key';
export const TRUSTED_DIR = 'trusted';

/**
 * The local signing key's path, creating the key if there is none. Creation is atomic (a
 * temporary file hard-linked into place), so concurrent compiles agree on one key.
 */
export function ensureLocalSigningKey(dir: string = configDir()): { path: string; created: boolean } {
  const path = join(dir, LOCAL_KEY_FILE);
  if (existsSync(path)) return { path, created: false };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  writeFileSync(tmp, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  let created = true;
  try {
    linkSync(tmp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    created = false; // another process created it first: use that one
  } finally {
    rmSync(tmp, { force: true });
  }
  return { path, created };
}

function localKey(dir: string): TrustedKey | null {
  const path = join(dir, LOCAL_KEY_FILE);
  if (!existsSync(path)) return null;
  let pub: KeyObject;
  try {
    pub = createPublicKey(createPrivateKey(readFileSync(path)));
  } catch (e) {
    throw new TrustError(`the local signing key ${path} cannot be read: ${(e as Error).message.split('\n')[0]}`, 'key-file');
  }
  const pem = Buffer.from(pub.export({ type: 'spki', format: 'pem' }).toString());
  return { source: path, pem, keyId: keyIdOf(pub) };
}

/** Reads a public key file (PEM SPKI, Ed25519); anything else is a TrustError naming the file. */
export function readTrustedKey(path: string): TrustedKey {
  if (!existsSync(path)) throw new TrustError(`trusted public key ${path} not found`, 'key-file');
  if (!statSync(path).isFile()) throw new TrustError(`trusted public key ${path} is not a file`, 'key-file');
  const pem = readFileSync(path);
  try {
    return { source: path, pem, keyId: keyIdOf(ed25519Public(pem)) };
  } catch (e) {
    throw new TrustError(`trusted public key ${path}: ${(e as Error).message}`, 'key-file');
  }
}

/** The default trusted set: <config>/trusted/*.pub and the local signing key. */
export function defaultTrustedKeys(dir: string = configDir()): TrustedKey[] {
  const keys: TrustedKey[] = [];
  const trustedDir = join(dir, TRUSTED_DIR);
  if (existsSync(trustedDir)) {
    for (const f of readdirSync(trustedDir).filter((n) => n.endsWith('.pub')).sort()) keys.push(readTrustedKey(join(trustedDir, f)));
  }
  const local = localKey(dir);
  if (local) keys.push(local);
  return keys;
}

/** Explicit keys (--trust) replace the default set; without them the trust directory counts. */
export function trustPolicy(opts: { trust?: string[]; allowUnsigned?: boolean }, dir: string = configDir()): TrustPolicy {
  const explicit = opts.trust ?? [];
  if (explicit.length) return { keys: explicit.map(readTrustedKey), allowUnsigned: opts.allowUnsigned ?? false, describe: `--trust ${explicit.join(', ')}` };
  return { keys: defaultTrustedKeys(dir), allowUnsigned: opts.allowUnsigned ?? false, describe: `the trust directory ${dir}` };
}

function signerKeyId(bundleDir: string): string | null {
  try {
    const j = JSON.parse(readFileSync(join(bundleDir, SIGNATURE_FILE), 'utf8')) as { keyId?: unknown };
    return typeof j.keyId === 'string' ? j.keyId : null;
  } catch {
    return null;
  }
}

/**
 * Verifies `bundleDir` against the policy. Returns the verdict (a warning to print when an
 * unsigned bundle is let through); throws TrustError when the bundle is refused.
 */
export function checkTrust(bundleDir: string, policy: TrustPolicy): TrustVerdict {
  // The keyId in manifest.sig only picks which trusted key to try; the signature decides.
  const claimed = signerKeyId(bundleDir);
  const candidates = policy.keys.filter((k) => k.keyId === claimed);
  const key = candidates[0] ?? policy.keys[0];
  const r = key ? verifyBundle(bundleDir, key.pem) : null;
  if (r?.ok) return { verified: true, keyId: r.keyId, source: key!.source };

  const unsignedLike = r === null || r.reason === 'unsigned' || r.reason === 'untrusted-key';
  const why = r === null
    ? (existsSync(join(bundleDir, SIGNATURE_FILE)) ? `bundle ${bundleDir} is signed, but no key is trusted (${policy.describe} holds none)` : `bundle ${bundleDir} is not signed and no key is trusted (${policy.describe} holds none)`)
    : r.reason === 'untrusted-key'
      ? `bundle ${bundleDir} is signed by key id ${(claimed ?? '?').slice(0, 12)}…, which is not trusted (trusted: ${policy.keys.map((k) => `${k.keyId.slice(0, 12)}… from ${k.source}`).join('; ')})`
      : r.message;
  if (unsignedLike && policy.allowUnsigned) {
    return { verified: false, warning: `warning: running a bundle whose origin is not verified (--allow-unsigned): ${why}` };
  }
  const hint = unsignedLike
    ? '; sign it (`uebac compile` signs with the local key, `--sign KEY` with yours), trust its key (--trust KEY.pub, or put the .pub in the trust directory), or run it anyway with --allow-unsigned'
    : '';
  throw new TrustError(`untrusted bundle: ${why}${hint}`, r?.reason ?? 'unsigned');
}

/** A policy of one public key (library callers that hold the PEM themselves). */
export function policyFromPem(pem: Buffer | string, source = 'the given public key'): TrustPolicy {
  const buf = Buffer.isBuffer(pem) ? pem : Buffer.from(pem);
  let keyId: string;
  try {
    keyId = keyIdOf(ed25519Public(buf));
  } catch (e) {
    throw new TrustError(`${source}: ${(e as Error).message}`, 'key-file');
  }
  return { keys: [{ source, pem: buf, keyId }], allowUnsigned: false, describe: source };
}
