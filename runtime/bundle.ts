// Loading a compiled bundle: manifest check (ABI, bundle hash) before any code runs.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ContextTable } from './context.ts';
import { ABI_VERSION, type BundleModule, type Program } from './program.ts';
import { checkTrust, type TrustPolicy, type TrustVerdict } from './trust.ts';

export interface Manifest {
  pack: { id: string; version: string; name: string };
  contentHash: string;
  bundleHash: string;
  compilerVersion: string;
  abi: number;
  counts: { eventTypes: number; parsers: number; models: number; rules: number; contextTables: number };
  eventTypes: string[];
  parsers: Array<{ id: string; format: string; eventTypes: string[] }>;
  models: Array<{ id: string; type: string; scope: string; eventTypes: string[] }>;
  rules: Array<{ id: string; name: string; eventTypes: string[]; model: string | null; score: number; mitre: string[]; type: string }>;
  contextTables: Array<{ name: string; shape: string; match: string; columns: string[]; organisation: boolean; rows: number }>;
  /** per model, rule and counter (by index): a fingerprint of its definition (compiler/definitions.ts) */
  definitions?: { models: string[]; rules: string[]; counters: string[] };
}

export class BundleError extends Error {}

export function readManifest(dir: string): Manifest {
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) throw new BundleError(`no bundle at ${dir}: ${path} is missing (run \`uebac compile\` first)`);
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch (e) {
    throw new BundleError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (m.abi !== ABI_VERSION) throw new BundleError(`bundle ABI version ${String(m.abi)} is not supported by this runtime (ABI ${ABI_VERSION}); recompile the content with this uebac`);
  return m;
}

export async function loadBundle(dir: string): Promise<{ manifest: Manifest; module: BundleModule; source: string }> {
  const manifest = readManifest(dir);
  const file = resolve(dir, 'bundle.mjs');
  if (!existsSync(file)) throw new BundleError(`${file} is missing`);
  const source = readFileSync(file, 'utf8');
  const hash = createHash('sha256').update(source).digest('hex');
  if (hash !== manifest.bundleHash) throw new BundleError(`bundle.mjs does not match its manifest (sha256 ${hash.slice(0, 12)}… ≠ ${manifest.bundleHash.slice(0, 12)}…): it was modified after compilation`);
  const module = (await import(`${pathToFileURL(file).href}?sha=${hash}`)) as BundleModule;
  if (module.ABI !== ABI_VERSION) throw new BundleError(`bundle.mjs has ABI ${module.ABI}, expected ${ABI_VERSION}`);
  return { manifest, module, source };
}

/**
 * The bundle at `dir`, verified against `policy` before any of its code is imported (see
 * runtime/trust.ts): refused with a TrustError, or loaded with `warn` told when it runs
 * unverified because the policy allows unsigned bundles.
 */
export async function loadTrustedBundle(dir: string, policy: TrustPolicy, warn: (message: string) => void): Promise<{ manifest: Manifest; module: BundleModule; source: string; trust: TrustVerdict }> {
  readManifest(dir); // a missing bundle or an ABI mismatch says so before any signature talk
  const trust = checkTrust(dir, policy);
  if (!trust.verified) warn(trust.warning);
  return { ...(await loadBundle(dir)), trust };
}

export function instantiateBundle(module: BundleModule, overrides?: ReadonlyMap<string, ContextTable>): Program {
  return module.instantiate(overrides ?? new Map());
}
