// `uebac run` loads only the runtime: the compiler's packages (ajv, peggy, recheck, esbuild)
// stay unloaded, because cli/main.ts imports each command's module when that command runs.
// Every module a CLI process resolves is recorded by a module hook (ESM) and a require hook.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/uebac.mjs');
const COMPILER_PACKAGES = ['ajv', 'peggy', 'recheck', 'esbuild'];
let tmp: string;
let bundle: string;

/** Runs the CLI and returns every package it loaded (by node_modules directory name). */
function packagesLoaded(args: string[]): { status: number | null; stderr: string; packages: Set<string> } {
  const log = join(tmp, `trace-${Math.random().toString(36).slice(2)}.log`);
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--require', join(tmp, 'trace-require.cjs'), '--import', pathToFileURL(join(tmp, 'trace-register.mjs')).href, BIN, ...args], {
    cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, UEBAC_TRACE: log },
  });
  const packages = new Set<string>();
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    const m = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(line);
    if (m) packages.add(m[1]!.replace('\\', '/'));
  }
  return { status: r.status, stderr: r.stderr, packages };
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'uebac-lazy-'));
  writeFileSync(join(tmp, 'trace-hooks.mjs'), [
    "import { appendFileSync } from 'node:fs';",
    'let log;',
    'export function initialize(data) { log = data.log; }',
    'export async function resolve(specifier, context, next) {',
    '  const r = await next(specifier, context);',
    "  appendFileSync(log, r.url + '\\n');",
    '  return r;',
    '}',
  ].join('\n'));
  writeFileSync(join(tmp, 'trace-register.mjs'), "import { register } from 'node:module';\nregister('./trace-hooks.mjs', import.meta.url, { data: { log: process.env.UEBAC_TRACE } });\n");
  writeFileSync(join(tmp, 'trace-require.cjs'), [
    "const Module = require('node:module');",
    "const { appendFileSync } = require('node:fs');",
    'const original = Module._resolveFilename;',
    'Module._resolveFilename = function (...args) {',
    '  const file = original.apply(this, args);',
    "  appendFileSync(process.env.UEBAC_TRACE, file + '\\n');",
    '  return file;',
    '};',
  ].join('\n'));
  bundle = join(tmp, 'bundle');
  const c = packagesLoaded(['compile', 'content', '-o', bundle]);
  expect(c.status, c.stderr).toBe(0);
  // The trace sees what it should: compiling loads the compiler's packages (peggy no longer:
  // the expression parsers are generated ahead of time).
  for (const p of ['ajv', 'esbuild']) expect(c.packages, `compile loads ${p}`).toContain(p);
});
afterAll(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

describe('the runtime commands do not load the compiler', () => {
  it('run over a log file', () => {
    const r = packagesLoaded(['run', '--bundle', bundle, '--state', ':memory:', '-q', 'examples/sample/usb.log']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.packages).toContain('better-sqlite3'); // the state store: the trace sees runtime packages
    for (const p of COMPILER_PACKAGES) expect(r.packages, `run loads ${p}`).not.toContain(p);
  });

  it('run --help, --version, parse and list (from a bundle)', () => {
    for (const args of [['run', '--help'], ['--version'], ['parse', '--bundle', bundle, 'examples/sample/usb.log'], ['list', 'rules', '--bundle', bundle]]) {
      const r = packagesLoaded(args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      for (const p of COMPILER_PACKAGES) expect(r.packages, `${args.join(' ')} loads ${p}`).not.toContain(p);
    }
  });
});
