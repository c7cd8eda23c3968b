// Bundle signing: an Ed25519 signature over the exact bytes of manifest.json. The manifest
// already carries the sha256 of bundle.mjs, so signing the manifest covers the code that
// loadBundle imports; verifyBundle checks both links (signature → manifest → bundle.mjs).
//
// manifest.sig is JSON: { alg: 'ed25519', keyId, signature } where keyId is the sha256 (hex)
// of the signer's public key in SPKI DER form and signature is base64. The keyId is only a
// label for messages: trust comes from verifying with the caller's public key, never from
// the keyId written next to the signature.
//
// Only node:crypto is used.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.sig';
export const BUNDLE_FILE = 'bundle.mjs';

export interface SignatureFile {
  alg: 'ed25519';
  /** sha256 (hex) of the signer's public key, SPKI DER. */
  keyId: string;
  /** base64 Ed25519 signature over the bytes of manifest.json. */
  signature: string;
}

/** Why a bundle is refused. */
export type VerifyFailure =
  | 'no-manifest'
  | 'unsigned'
  | 'malformed-signature'
  | 'untrusted-key'
  | 'bad-signature'
  | 'malformed-manifest'
  | 'no-bundle'
  | 'bundle-modified'
  | 'bad-trusted-key';

export type VerifyResult =
  | { ok: true; keyId: string; manifestSha256: string; bundleSha256: string }
  | { ok: false; reason: VerifyFailure; message: string };

export class SigningError extends Error {}

/** A fresh Ed25519 key pair as PEM (private: PKCS#8, public: SPKI). */
export function generateKeyPair(): { privateKeyPem: string; publicKeyPem: string; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

/** sha256 (hex) of a public key's SPKI DER encoding. */
export function keyIdOf(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('hex');
}

function ed25519Private(pem: string | Buffer): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (e) {
    throw new SigningError(`not a private key (PEM PKCS#8 expected): ${firstLine((e as Error).message)}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new SigningError(`the signing key is ${key.asymmetricKeyType ?? 'not asymmetric'}, expected ed25519`);
  return key;
}

/** Parses a trusted public key; a private key is refused (it must not be shipped to runtimes). */
export function ed25519Public(pem: string | Buffer): KeyObject {
  const text = pem.toString();
  if (/-----BEGIN (ENCRYPTED |RSA |EC )?PRIVATE KEY-----/.test(text)) throw new SigningError('the trusted key is a private key; give the public key (.pub) instead');
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (e) {
    throw new SigningError(`not a public key (PEM SPKI expected): ${firstLine((e as Error).message)}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new SigningError(`the trusted key is ${key.asymmetricKeyType ?? 'not asymmetric'}, expected ed25519`);
  return key;
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Signs `dir/manifest.json` and writes `dir/manifest.sig`. The manifest's bundleHash is
 * checked against bundle.mjs first, so a bundle modified before signing is not blessed.
 */
export function signBundle(dir: string, privateKeyPem: string | Buffer): SignatureFile {
  const key = ed25519Private(privateKeyPem);
  const manifestPath = join(dir, MANIFEST_FILE);
  if (!existsSync(manifestPath)) throw new SigningError(`no bundle at ${dir}: ${manifestPath} is missing (run \`uebac compile\` first)`);
  const manifestBytes = readFileSync(manifestPath);
  const bundleCheck = checkBundleHash(dir, manifestBytes);
  if (bundleCheck) throw new SigningError(`refusing to sign: ${bundleCheck.message}`);
  const sig: SignatureFile = {
    alg: 'ed25519',
    keyId: keyIdOf(key),
    signature: sign(null, manifestBytes, key).toString('base64'),
  };
  writeFileSync(join(dir, SIGNATURE_FILE), JSON.stringify(sig, null, 2) + '\n');
  return sig;
}

/**
 * Checks that `dir` holds a manifest signed by `trustedPublicKeyPem` and a bundle.mjs whose
 * sha256 is the one the signed manifest names. Never throws for a bad bundle: every problem
 * is a `{ ok: false }` with a one-line message.
 */
export function verifyBundle(dir: string, trustedPublicKeyPem: string | Buffer): VerifyResult {
  let trusted: KeyObject;
  try {
    trusted = ed25519Public(trustedPublicKeyPem);
  } catch (e) {
    return fail('bad-trusted-key', (e as Error).message);
  }
  const trustedId = keyIdOf(trusted);

  const manifestPath = join(dir, MANIFEST_FILE);
  if (!existsSync(manifestPath)) return fail('no-manifest', `no bundle at ${dir}: ${manifestPath} is missing`);
  const sigPath = join(dir, SIGNATURE_FILE);
  if (!existsSync(sigPath)) return fail('unsigned', `bundle ${dir} is not signed (${SIGNATURE_FILE} is missing)`);

  let sig: SignatureFile;
  try {
    sig = parseSignatureFile(readFileSync(sigPath, 'utf8'));
  } catch (e) {
    return fail('malformed-signature', `${sigPath} is not a valid signature file: ${(e as Error).message}`);
  }
  if (sig.keyId !== trustedId) {
    return fail('untrusted-key', `bundle ${dir} is signed by another key (key id ${short(sig.keyId)}, trusted key id ${short(trustedId)}): it was re-signed or built for another trust domain`);
  }

  const manifestBytes = readFileSync(manifestPath);
  const signature = Buffer.from(sig.signature, 'base64');
  let valid = false;
  try {
    valid = signature.length === 64 && verify(null, manifestBytes, trusted, signature);
  } catch {
    valid = false;
  }
  if (!valid) return fail('bad-signature', `the signature of bundle ${dir} does not verify with the trusted key: ${MANIFEST_FILE} was modified after signing (or the signature was forged)`);

  const bundleCheck = checkBundleHash(dir, manifestBytes);
  if (bundleCheck) return bundleCheck;
  const bundleSha256 = sha256(readFileSync(join(dir, BUNDLE_FILE)));
  return { ok: true, keyId: trustedId, manifestSha256: sha256(manifestBytes), bundleSha256 };
}

/** null when bundle.mjs matches the manifest's bundleHash, else the failure. */
function checkBundleHash(dir: string, manifestBytes: Buffer): Extract<VerifyResult, { ok: false }> | null {
  let bundleHash: unknown;
  try {
    bundleHash = (JSON.parse(manifestBytes.toString('utf8')) as { bundleHash?: unknown }).bundleHash;
  } catch (e) {
    return fail('malformed-manifest', `${join(dir, MANIFEST_FILE)} is not valid JSON: ${firstLine((e as Error).message)}`);
  }
  if (typeof bundleHash !== 'string' || !/^[0-9a-f]{64}$/.test(bundleHash)) return fail('malformed-manifest', `${join(dir, MANIFEST_FILE)} has no valid bundleHash`);
  const bundlePath = join(dir, BUNDLE_FILE);
  if (!existsSync(bundlePath)) return fail('no-bundle', `${bundlePath} is missing`);
  const actual = sha256(readFileSync(bundlePath));
  if (actual !== bundleHash) return fail('bundle-modified', `${BUNDLE_FILE} in ${dir} does not match the signed manifest (sha256 ${short(actual)} ≠ ${short(bundleHash)}): it was modified after compilation`);
  return null;
}

function parseSignatureFile(text: string): SignatureFile {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new Error(firstLine((e as Error).message));
  }
  if (typeof j !== 'object' || j === null || Array.isArray(j)) throw new Error('expected a JSON object');
  const o = j as Record<string, unknown>;
  if (o.alg !== 'ed25519') throw new Error(`unsupported alg ${JSON.stringify(o.alg)} (expected "ed25519")`);
  if (typeof o.keyId !== 'string' || !/^[0-9a-f]{64}$/.test(o.keyId)) throw new Error('keyId must be 64 hex digits');
  if (typeof o.signature !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(o.signature)) throw new Error('signature must be base64');
  return { alg: 'ed25519', keyId: o.keyId, signature: o.signature };
}

function fail(reason: VerifyFailure, message: string): Extract<VerifyResult, { ok: false }> {
  return { ok: false, reason, message };
}

function short(hex: string): string {
  return `${hex.slice(0, 12)}…`;
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}
