// Bundles the TypeScript CLI into build/cli.mjs and the library API into build/lib/*.mjs (sharing
// build/chunks/), so `npx uebac` and `import 'uebac'` run without a TS loader. Type declarations
// of the library (build/types/) come from `npm run build:types` (tsc), run by prepack.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Code splitting keeps each command's modules (and the packages they import) in their own
// chunk, loaded by the command that needs it: `uebac run` never loads the compiler.
rmSync('build/chunks', { recursive: true, force: true });
rmSync('build/lib', { recursive: true, force: true });
await build({
  // The CLI and the library API (lib/: `uebac` and `uebac/runtime`) share chunks.
  entryPoints: { cli: 'cli/main.ts', 'lib/index': 'lib/index.ts', 'lib/runtime': 'lib/runtime.ts' },
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
