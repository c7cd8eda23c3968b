// The library API of uebac (`import … from 'uebac'`): compile content, load a bundle, parse
// lines, run the engine. `uebac/runtime` exports the same runtime functions without the
// compiler, for programs that only run compiled bundles.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { compileDir, compileToDir } from '../compiler/compile.ts';
import { readContextDir, suppliedTables } from '../compiler/context-data.ts';
import { renderHuman, renderSummary } from '../compiler/diagnostics/render-human.ts';
import type { Diagnostic } from '../compiler/diagnostics/types.ts';
import type { Manifest } from '../runtime/bundle.ts';
import { signBundle, SIGNATURE_FILE } from '../runtime/signing.ts';
import { configDir, ensureLocalSigningKey } from '../runtime/trust.ts';

export * from './runtime.ts';
export { COMPILER_VERSION } from '../compiler/compile.ts';
export { ABI_VERSION } from '../runtime/program.ts';

export interface CompileOptions {
  /** Write bundle.mjs, bundle.ts and manifest.json here when there is no error. Without it, only check. */
  out?: string;
  /** The organisation's context CSVs: checked too, and the tables they fill no longer warn as empty. */
  context?: string;
  /**
   * Sign the written bundle (manifest.sig) with this Ed25519 private key (PEM file); by default
   * with the local signing key in the trust directory (created if missing), as `uebac compile`;
   * `false` leaves it unsigned.
   */
  sign?: string | false;
}

export interface CompileResult {
  /** No error: the content compiles (and, with `out`, the bundle was written). */
  ok: boolean;
  /** Every problem found, errors and warnings, with file and position. */
  diagnostics: Diagnostic[];
  errors: number;
  warnings: number;
  /** The manifest written to `out` (null without `out`, or with errors). */
  manifest: Manifest | null;
  /** The key id the written bundle is signed with (null: not written, or unsigned). */
  signedBy: string | null;
}

/** `uebac validate` (without `out`) or `uebac compile` (with it) on a content directory. */
export async function compile(contentDir: string, opts: CompileOptions = {}): Promise<CompileResult> {
  const { ir, diagnostics } = compileDir(contentDir, { suppliedTables: suppliedTables(opts.context) });
  if (opts.context !== undefined && ir) diagnostics.push(...readContextDir(opts.context, ir.contexts).diagnostics);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  if (!ir || errors > 0 || opts.out === undefined) return { ok: ir !== null && errors === 0, diagnostics, errors, warnings, manifest: null, signedBy: null };
  rmSync(join(opts.out, SIGNATURE_FILE), { force: true }); // never a stale signature beside a new manifest
  const manifest = await compileToDir(ir, opts.out);
  const key = opts.sign === false ? null : opts.sign ?? ensureLocalSigningKey(configDir()).path;
  const signedBy = key === null ? null : signBundle(opts.out, readFileSync(key)).keyId;
  return { ok: true, diagnostics, errors, warnings, manifest, signedBy };
}

/**
 * Diagnostics as the CLI prints them: `file:line:col: severity CODE message`, a code frame
 * when `sources` has the file's text (keyed by `Diagnostic.file`), and a summary line.
 */
export function formatDiagnostics(diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string> = new Map()): string {
  const body = diagnostics.map((d) => renderHuman(d, sources.get(d.file), { color: false })).join('\n\n');
  return diagnostics.length ? `${body}\n\n${renderSummary([...diagnostics])}\n` : '';
}
