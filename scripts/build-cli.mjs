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
