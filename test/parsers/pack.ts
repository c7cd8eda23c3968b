// Compile content/ like `uebac compile` and load the bundle like `uebac parse`, for tests that
// push raw lines through the shipped parsers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { compileDir, compileToDir } from '../../compiler/compile.ts';
import { loadBundle } from '../../runtime/bundle.ts';
import type { Program } from '../../runtime/program.ts';

export const ROOT = resolve(import.meta.dirname, '../..');

export async function loadPack(): Promise<{ program: Program; dispose(): void }> {
  const compiled = compileDir(join(ROOT, 'content'));
  const errors = compiled.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(errors.map((d) => `${d.file}:${d.range.start.line}: ${d.code} ${d.message}`).join('\n'));
  const dir = mkdtempSync(join(tmpdir(), 'uebac-pack-'));
  await compileToDir(compiled.ir!, dir);
  const { module } = await loadBundle(dir);
  return { program: module.instantiate(new Map()), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
