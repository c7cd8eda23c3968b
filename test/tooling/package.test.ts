// The published package works on its own: `npm pack` (its prepack builds the CLI, the library
// and its type declarations) gives a tarball that installs into an empty directory, where
// `uebac validate`, `compile` and `run` work, and the library API (`uebac`, `uebac/runtime`)
// imports and type-checks.
//
// The package is packed from a copy of the working tree, so the build never rewrites build/
// under other tests. The install is offline: the tarball's dependencies are copied from this
// checkout's node_modules (the production closure) into the empty directory first, so npm
// finds them satisfied and fetches nothing; npm itself still unpacks and links the tarball.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SKIP = new Set(['node_modules', '.git', 'build', 'dist', 'coverage', 'test-artifacts', '.uebac', 'test', 'bench']);
let tmp: string;
let app: string;
let tarball: string;

interface Ran { status: number | null; stdout: string; stderr: string; error?: Error }

/** Runs a command without blocking this worker (an npm pack can take a while on a busy machine). */
function sh(cmd: string, args: string[], cwd: string, timeout = 300_000): Promise<Ran> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, npm_config_update_notifier: 'false' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d; });
    child.stderr.on('data', (d: Buffer) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', (error) => { clearTimeout(timer); done({ status: null, stdout, stderr, error }); });
    child.on('close', (status) => { clearTimeout(timer); done({ status, stdout, stderr }); });
  });
}
async function ok(run: Promise<Ran>, what: string): Promise<Ran> {
  const r = await run;
  expect(r.error, `${what}: ${r.error?.message}`).toBeUndefined();
  expect(r.status, `${what}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
}
const uebac = (args: string[]) => sh(process.execPath, [join(app, 'node_modules/.bin/uebac'), ...args], app);

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'uebac-pack-'));
  // 1. A copy of the source tree with this checkout's node_modules, packed there.
  const src = join(tmp, 'src');
  mkdirSync(src);
  for (const name of readdirSync(ROOT)) if (!SKIP.has(name)) cpSync(join(ROOT, name), join(src, name), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(src, 'node_modules'), 'dir');
  const packed = await ok(sh('npm', ['pack', '--json', '--pack-destination', tmp], src), 'npm pack');
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(tmp, info!.filename);
  writeFileSync(join(tmp, 'files.json'), JSON.stringify(info!.files.map((f) => f.path)));

  // 2. An empty project with the package's production dependencies in place, then the tarball.
  app = join(tmp, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'uebac-consumer', private: true, type: 'module' }));
  const closure = (await ok(sh('npm', ['ls', '--omit=dev', '--all', '--parseable'], ROOT), 'npm ls')).stdout.split('\n').filter((p) => p && p !== ROOT);
  for (const dir of closure) cpSync(dir, join(app, relative(ROOT, dir)), { recursive: true });
  await ok(sh('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', tarball], app), 'npm install of the tarball');
}, 600_000);
afterAll(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

describe('the packed package', () => {
  it('holds the built CLI, library and types, and no tests, benchmarks or keys', () => {
    const files = JSON.parse(readFileSync(join(tmp, 'files.json'), 'utf8')) as string[];
    for (const f of ['bin/uebac.mjs', 'build/cli.mjs', 'build/lib/index.mjs', 'build/lib/runtime.mjs', 'build/types/lib/index.d.ts', 'build/types/lib/runtime.d.ts', 'build/report-view.js', 'runtime/helpers.ts', 'content/pack.yaml', 'examples/context/company_email_domains.csv', 'package.json', 'README.md']) {
      expect(files, f).toContain(f);
    }
    expect(files.filter((f) => /^(test|bench|scripts|cli|compiler|lib)\//.test(f) || f.endsWith('.key'))).toEqual([]);
    expect(JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')).dependencies.uebac).toMatch(/\.tgz$/);
  });

  it('uebac --version, validate, compile and run work in the empty project', async () => {
    expect((await ok(uebac(['--version']), 'version')).stdout).toMatch(/^uebac \d+\.\d+\.\d+ \(bundle ABI \d+/);
    const content = 'node_modules/uebac/content';
    const context = 'node_modules/uebac/examples/context';
    expect((await ok(uebac(['validate', content, '--context', context]), 'validate')).stderr).toMatch(/ok/);
    await ok(uebac(['compile', content, '-o', 'dist', '--context', context]), 'compile');
    cpSync(join(ROOT, 'examples/sample/usb.log'), join(app, 'usb.log'));
    const run = await ok(uebac(['run', '--bundle', 'dist', '--state', ':memory:', '--context', context, 'usb.log']), 'run');
    const records = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; notable?: boolean });
    expect(records[0]!.type).toBe('header');
    expect(records.at(-1)!.type).toBe('summary');
    expect(records.some((r) => r.type === 'rule')).toBe(true);
    expect(records.filter((r) => r.type === 'session' && r.notable).length).toBeGreaterThan(0);
  });

  it('the library API imports and runs from `uebac` and `uebac/runtime`', async () => {
    writeFileSync(join(app, 'use.mjs'), [
      "import { compile, formatDiagnostics } from 'uebac';",
      "import { loadBundle, parse, createEngine } from 'uebac/runtime';",
      "import { readFileSync } from 'node:fs';",
      "const context = 'node_modules/uebac/examples/context';",
      "const result = await compile('node_modules/uebac/content', { out: 'lib-dist', context });",
      "if (!result.ok) { process.stderr.write(formatDiagnostics(result.diagnostics)); process.exit(1); }",
      "const bundle = await loadBundle('lib-dist', { context });",
      "const lines = readFileSync('usb.log', 'utf8').split('\\n').filter(Boolean);",
      'const first = parse(bundle, lines[0]);',
      'const engine = createEngine(bundle);',
      'const records = lines.flatMap((l) => engine.push(l)).concat(engine.end());',
      "console.log(JSON.stringify({ rules: result.manifest.counts.rules, parsed: first.ok, eventType: first.eventType, events: engine.counts.events, notable: records.filter((r) => r.type === 'session' && r.notable).length }));",
    ].join('\n'));
    const out = JSON.parse((await ok(sh(process.execPath, ['use.mjs'], app), 'library')).stdout) as { rules: number; parsed: boolean; eventType: string; events: number; notable: number };
    expect(out.rules).toBeGreaterThan(0);
    expect(out.parsed).toBe(true);
    expect(out.eventType).toMatch(/^usb-/);
    expect(out.events).toBeGreaterThan(1000);
    expect(out.notable).toBeGreaterThan(0);
  });

  it('the library types resolve through `exports` and catch a wrong use', async () => {
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    // A Node.js project: it has @types/node (taken from this checkout), as the declarations use Buffer.
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, typeRoots: [join(ROOT, 'node_modules/@types')], types: ['node'] }, files: ['typed.ts'] }));
    const good = [
      "import { compile, type CompileResult } from 'uebac';",
      "import { createEngine, loadBundle, parse, type EngineRecord, type Parsed } from 'uebac/runtime';",
      "const r: CompileResult = await compile('node_modules/uebac/content');",
      "const b = await loadBundle('dist');",
      "const p: Parsed = parse(b, 'line');",
      "const recs: EngineRecord[] = createEngine(b).push('line');",
      'export const n: number = r.errors + recs.length + (p.ok ? 1 : 0);',
    ];
    writeFileSync(join(app, 'typed.ts'), good.join('\n'));
    await ok(sh(process.execPath, [tsc, '-p', '.'], app), 'tsc on correct use');
    writeFileSync(join(app, 'typed.ts'), [...good, 'export const wrong: string = r.errors;'].join('\n'));
    const bad = await sh(process.execPath, [tsc, '-p', '.'], app);
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toMatch(/typed\.ts\(8,14\): error TS2322: Type 'number' is not assignable to type 'string'/);
  });
});
