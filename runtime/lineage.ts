// Rollback protection: the bundles a state has been run with, in order, kept beside the state
// (`<state>.bundles.json`). It outlives --fresh (which discards learned state, not history)
// and a change of bundle in serve. A bundle of the same pack is a rollback when
//   - its pack version (semver, from the signed manifest) is lower than the highest one
//     this state has run, or
//   - it is a build this state already ran and later replaced (same version, older build).
// A rollback is refused unless allowed explicitly (--allow-rollback), which is then recorded.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Manifest } from './bundle.ts';
import { TrustError } from './trust.ts';

export interface LineageEntry {
  pack: string;
  version: string;
  bundleHash: string;
  contentHash: string;
  /** signer key id, or null when the bundle ran unverified */
  keyId: string | null;
  /** wall-clock time the state first ran it: for people reading the file, never for results */
  firstRun: string;
}

// semver is loaded on first use: only a change of bundle on a state compares versions, and
// loading it costs more start-up time (~40 ms) than the rest of a small run's bundle checks.
let semverModule: typeof import('semver') | null = null;
function semver(): typeof import('semver') {
  return (semverModule ??= createRequire(import.meta.url)('semver') as typeof import('semver'));
}

/** At most this many entries are kept (the oldest go first; the highest version is kept). */
const MAX_ENTRIES = 200;

export function lineagePath(statePath: string): string {
  return `${statePath}.bundles.json`;
}

export function readLineage(path: string): LineageEntry[] {
  if (!existsSync(path)) return [];
  let j: unknown;
  try {
    j = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new TrustError(`the bundle history ${path} is not valid JSON (${(e as Error).message.split('\n')[0]}); it guards against rollback, so it is not discarded silently: restore it, or delete it to accept any bundle`, 'rollback');
  }
  const entries = (j as { bundles?: unknown }).bundles;
  if (!Array.isArray(entries) || entries.some((e) => typeof e !== 'object' || e === null || typeof (e as LineageEntry).version !== 'string' || typeof (e as LineageEntry).bundleHash !== 'string' || typeof (e as LineageEntry).pack !== 'string')) {
    throw new TrustError(`the bundle history ${path} is malformed; restore it, or delete it to accept any bundle`, 'rollback');
  }
  return entries as LineageEntry[];
}

/** null when `m` may run after `history`, else why it is a rollback (one line). */
export function rollbackReason(history: readonly LineageEntry[], m: Pick<Manifest, 'pack' | 'bundleHash'>): string | null {
  const same = history.filter((e) => e.pack === m.pack.id);
  if (same.length === 0) return null;
  const last = same[same.length - 1]!;
  if (last.bundleHash === m.bundleHash) return null;
  const highest = same.reduce((a, b) => (semver().gt(b.version, a.version) ? b : a));
  if (semver().valid(m.pack.version) === null) return `pack version ${JSON.stringify(m.pack.version)} is not semver`;
  if (semver().lt(m.pack.version, highest.version)) {
    return `bundle ${m.pack.id} ${m.pack.version} is older than ${highest.version}, which this state already ran (sha256 ${highest.bundleHash.slice(0, 12)}…)`;
  }
  // An earlier build of this version that a later build of the same version replaced.
  const at = same.map((e) => e.bundleHash).lastIndexOf(m.bundleHash);
  const rebuild = at < 0 ? undefined : same.slice(at + 1).find((e) => semver().eq(e.version, m.pack.version));
  if (rebuild) {
    return `bundle ${m.pack.id} ${m.pack.version} (sha256 ${m.bundleHash.slice(0, 12)}…) was replaced on this state by a later build of the same version (sha256 ${rebuild.bundleHash.slice(0, 12)}…)`;
  }
  return null;
}

/**
 * Refuses a rollback unless `allowRollback`, then records `m` as the latest bundle of the
 * history at `path`. Returns a warning when an allowed rollback happened.
 */
export function admitBundle(path: string, m: Pick<Manifest, 'pack' | 'bundleHash' | 'contentHash'>, keyId: string | null, allowRollback: boolean): string | null {
  const warning = checkAdmission(path, m, allowRollback);
  recordBundle(path, m, keyId);
  return warning;
}

/** Throws when `m` is a refused rollback for the history at `path`; a warning when it is an allowed one. */
export function checkAdmission(path: string, m: Pick<Manifest, 'pack' | 'bundleHash'>, allowRollback: boolean): string | null {
  const why = rollbackReason(readLineage(path), m);
  if (why && !allowRollback) throw new TrustError(`rollback refused: ${why}; a state only moves forward (deploy a newer pack version, use another --state, or pass --allow-rollback)`, 'rollback');
  return why ? `warning: rollback allowed (--allow-rollback): ${why}` : null;
}

/**
 * Records `m` as the latest bundle of the history at `path` (atomically: a temporary file
 * renamed into place) — once it runs, not when it is merely checked: a bundle that never took
 * over must not become the floor the running one is compared against.
 */
export function recordBundle(path: string, m: Pick<Manifest, 'pack' | 'bundleHash' | 'contentHash'>, keyId: string | null): void {
  const history = readLineage(path);
  const last = history.filter((e) => e.pack === m.pack.id).at(-1);
  if (last?.bundleHash === m.bundleHash) return;
  const next = [...history, { pack: m.pack.id, version: m.pack.version, bundleHash: m.bundleHash, contentHash: m.contentHash, keyId, firstRun: new Date().toISOString() }];
  while (next.length > MAX_ENTRIES) {
    // Forget the oldest entry, but never a pack's highest version (the rollback floor).
    const drop = next.findIndex((e) => e !== highestOf(next, e.pack));
    next.splice(drop < 0 ? 0 : drop, 1);
  }
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify({ bundles: next }, null, 2) + '\n');
  renameSync(tmp, path);
}

function highestOf(entries: readonly LineageEntry[], pack: string): LineageEntry | undefined {
  const same = entries.filter((e) => e.pack === pack);
  return same.length ? same.reduce((a, b) => (semver().gt(b.version, a.version) ? b : a)) : undefined;
}
