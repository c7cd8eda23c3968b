// Shared helpers for compiler tests: an in-memory copy of the real content that tests mutate.
import { readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { compileFiles } from '../../compiler/compile.ts';
import type { Diagnostic } from '../../compiler/diagnostics/types.ts';
import { listYamlFiles, parseSource, type SourceFile } from '../../compiler/load.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CONTENT = join(ROOT, 'content');
export const SAMPLE_USB = join(ROOT, 'examples/sample/usb.log');

/** Every content file as path (relative, forward slashes) → text. */
export function contentTexts(): Map<string, string> {
  const out = new Map<string, string>();
  for (const full of listYamlFiles(CONTENT)) out.set(relative(CONTENT, full).split(sep).join('/'), readFileSync(full, 'utf8'));
  return out;
}

/** Replace `from` with `to` in one file; fails loudly when `from` is absent. */
export function edit(texts: Map<string, string>, path: string, from: string | RegExp, to: string): void {
  const text = texts.get(path);
  if (text === undefined) throw new Error(`test setup: no file ${path}`);
  const next = text.replace(from, () => to);
  if (next === text) throw new Error(`test setup: ${String(from)} not found in ${path}`);
  texts.set(path, next);
}

export function compileTexts(texts: Map<string, string>): { ir: ReturnType<typeof compileFiles>['ir']; diagnostics: Diagnostic[]; files: SourceFile[] } {
  const files: SourceFile[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const [path, text] of texts) {
    const r = parseSource(path, text);
    files.push(r.file);
    diagnostics.push(...r.diagnostics);
  }
  return { ...compileFiles(files, diagnostics), files };
}

/** 1-based line/col of the first occurrence of `needle` in `text` (optionally after `after`). */
export function lineColOf(text: string, needle: string, after = ''): { line: number; col: number } {
  const from = after ? text.indexOf(after) : 0;
  const offset = text.indexOf(needle, from);
  if (offset < 0 || from < 0) throw new Error(`test setup: ${needle} not found`);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, col: before[before.length - 1]!.length + 1 };
}

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { bundleSource, emitSource } from '../../compiler/passes/emit.ts';
import type { IR } from '../../compiler/compile.ts';
import type { BundleModule, Program } from '../../runtime/program.ts';
import { runPipeline, type RunSummary } from '../../runtime/run.ts';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'uebac-test-'));
}

/** Emit, bundle, write to a temp dir and import: the same path `uebac compile` + `run` take. */
export async function loadCompiled(ir: IR): Promise<{ program: Program; source: string; bundle: string; module: BundleModule }> {
  const source = emitSource(ir);
  const bundle = await bundleSource(source);
  const file = join(tempDir(), 'bundle.mjs');
  writeFileSync(file, bundle);
  const mod = (await import(pathToFileURL(file).href)) as BundleModule;
  return { program: mod.instantiate(new Map()), source, bundle, module: mod };
}

/** The real content compiled and loaded as `uebac run` would (fails loudly if it has errors). */
export async function compiledContent(): Promise<Program> {
  const { ir, diagnostics } = compileTexts(contentTexts());
  if (!ir) throw new Error(`test setup: content does not compile: ${diagnostics.filter((d) => d.severity === 'error').map((d) => d.message).join('; ')}`);
  return (await loadCompiled(ir)).program;
}

/** Run a program over the sample log; returns the output text and the summary. */
export async function runOn(program: Program, inputs: string[] = [SAMPLE_USB]): Promise<{ out: string; summary: RunSummary }> {
  const out = join(tempDir(), 'records.jsonl');
  const summary = await runPipeline(program, { inputs, out, state: ':memory:', resume: false, bundleHash: 'test' });
  return { out: readFileSync(out, 'utf8'), summary };
}
