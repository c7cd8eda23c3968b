// Bundles the TypeScript CLI into build/cli.mjs so `npx uebac` starts fast without a TS loader.
import { build } from 'esbuild';

await build({
  entryPoints: ['cli/main.ts'],
  outfile: 'build/cli.mjs',
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
