// Bundles the TypeScript CLI into build/cli.mjs (+ build/chunks/) so `npx uebac` starts fast without a TS loader.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Code splitting keeps each command's modules (and the packages they import) in their own
// chunk, loaded by the command that needs it: `uebac run` never loads the compiler.
rmSync('build/chunks', { recursive: true, force: true });
await build({
  entryPoints: { cli: 'cli/main.ts' },
  outdir: 'build',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  banner: { js: "import { createRequire as __uebacCreateRequire } from 'node:module'; const require = __uebacCreateRequire(import.meta.url);" },
});

// The report viewer (report/view/, with uPlot and its CSS) → build/report-view.{js,css},
// inlined into every report page by report/html.ts.
await build({
  entryPoints: { 'report-view': 'report/view/main.ts' },
  outdir: 'build',
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2020',
  minify: true,
  legalComments: 'inline',
  logLevel: 'warning',
});
