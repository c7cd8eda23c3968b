// Where serve takes bundles from: DIR is copied file by file into the state directory
// (bundles/<bundle sha256>/) before it is verified and loaded, so a bundle half-written
// by a deploy, or changed between the signature check and the import, can never run.
// The same snapshot lets a restart load exactly the bundle that wrote the state.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBundle, readManifest, type Manifest } from '../bundle.ts';
import type { BundleModule } from '../program.ts';
import { checkTrust, TrustError, type TrustPolicy, type TrustVerdict } from '../trust.ts';

export interface LoadedBundle {
  dir: string;
  manifest: Manifest;
  module: BundleModule;
  /** how the signature check went; null when no policy was given (library use) */
  trust: TrustVerdict | null;
}

/** A cheap fingerprint of DIR's files (size + mtime) to notice a new bundle being put there. */
export function dirSignature(dir: string): string {
  return ['manifest.json', 'bundle.mjs', 'manifest.sig'].map((f) => {
    const p = join(dir, f);
    if (!existsSync(p)) return '-';
    const st = statSync(p);
    return `${st.size}:${st.mtimeMs}`;
  }).join('|');
}

export async function loadBundleSnapshot(dir: string, stateDir: string, trust: TrustPolicy | null): Promise<LoadedBundle> {
  const manifestBytes = readFileSync(join(dir, 'manifest.json'));
  const bundleBytes = readFileSync(join(dir, 'bundle.mjs'));
  const sha = createHash('sha256').update(bundleBytes).digest('hex');
  const snap = join(stateDir, 'bundles', sha);
  if (!existsSync(join(snap, 'manifest.json'))) {
    const tmp = `${snap}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    // Write what was read (not a second read of DIR), so manifest and bundle belong together.
    writeFileSync(join(tmp, 'manifest.json'), manifestBytes);
    writeFileSync(join(tmp, 'bundle.mjs'), bundleBytes);
    if (existsSync(join(dir, 'manifest.sig'))) copyFileSync(join(dir, 'manifest.sig'), join(tmp, 'manifest.sig'));
    rmSync(snap, { recursive: true, force: true });
    renameSync(tmp, snap);
  }
  readManifest(snap); // ABI check with a clear message before anything else
  let verdict: TrustVerdict | null = null;
  if (trust) {
    try {
      verdict = checkTrust(snap, trust);
    } catch (e) {
      rmSync(snap, { recursive: true, force: true });
      // Name the deployed directory, not the snapshot, so the message points at what to fix.
      if (e instanceof TrustError) throw new TrustError(e.message.split(snap).join(dir), e.reason);
      throw e;
    }
  }
  const { manifest, module } = await loadBundle(snap);
  return { dir: snap, manifest, module, trust: verdict };
}

