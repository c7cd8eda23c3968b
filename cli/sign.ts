// `uebac keygen`, `uebac compile --sign KEY` and a one-key trust check: thin wrappers over
// runtime/signing.ts (the trust policy of run/parse/explain/serve is runtime/trust.ts).
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { generateKeyPair, signBundle, SigningError, verifyBundle, type SignatureFile } from '../runtime/signing.ts';
import { TrustError } from '../runtime/trust.ts';

export { TrustError };

function writeNew(path: string, data: string, mode: number): void {
  // 'wx': never overwrite an existing key; mode applies to the new file (umask may only narrow it).
  const fd = openSync(path, 'wx', mode);
  try {
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
}

/** Writes `<prefix>.key` (private, mode 0600) and `<prefix>.pub`; refuses to overwrite either. */
export function keygenCommand(outPrefix: string, log: (s: string) => void = (s) => process.stderr.write(s)): { privatePath: string; publicPath: string; keyId: string } {
  const privatePath = `${outPrefix}.key`;
  const publicPath = `${outPrefix}.pub`;
  for (const p of [privatePath, publicPath]) if (existsSync(p)) throw new TrustError(`${p} already exists; refusing to overwrite a key`, 'key-file');
  const dir = dirname(outPrefix);
  if (dir && dir !== '.') mkdirSync(dir, { recursive: true });
  const { privateKeyPem, publicKeyPem, keyId } = generateKeyPair();
  writeNew(privatePath, privateKeyPem, 0o600);
  writeNew(publicPath, publicKeyPem, 0o644);
  log(`wrote ${privatePath} (private: keep it in the CI secret store) and ${publicPath} (give it to runtimes: uebac run --trust ${publicPath}, or put it in the trust directory's trusted/); key id ${keyId}\n`);
  return { privatePath, publicPath, keyId };
}

function readKeyFile(path: string, what: string): Buffer {
  if (!existsSync(path)) throw new TrustError(`${what} ${path} not found`, 'key-file');
  if (!statSync(path).isFile()) throw new TrustError(`${what} ${path} is not a file`, 'key-file');
  return readFileSync(path);
}

/** Signs `bundleDir/manifest.json` with the Ed25519 private key at `keyPath` → manifest.sig. */
export function signCommand(bundleDir: string, keyPath: string, log: (s: string) => void = (s) => process.stderr.write(s)): SignatureFile {
  const pem = readKeyFile(keyPath, 'signing key');
  let sig: SignatureFile;
  try {
    sig = signBundle(bundleDir, pem);
  } catch (e) {
    if (e instanceof SigningError) throw new TrustError(`cannot sign ${bundleDir}: ${e.message}`, 'key-file');
    throw e;
  }
  log(`signed ${bundleDir}/manifest.json with key id ${sig.keyId} → ${bundleDir}/manifest.sig\n`);
  return sig;
}

/**
 * Refuses (throws TrustError) unless `bundleDir` is signed by the public key at `pubPath`
 * and its bundle.mjs matches the signed manifest. Call it before reading any input.
 */
export function trustCheck(bundleDir: string, pubPath: string): { keyId: string } {
  const pem = readKeyFile(pubPath, 'trusted public key');
  const r = verifyBundle(bundleDir, pem);
  if (!r.ok) throw new TrustError(`untrusted bundle: ${r.message}`, r.reason);
  return { keyId: r.keyId };
}
