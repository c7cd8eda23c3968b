#!/usr/bin/env node
// Thin launcher: the CLI is bundled from cli/*.ts into build/cli.mjs by `npm run build` (run by npm ci via "prepare").
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = fileURLToPath(new URL('../build/cli.mjs', import.meta.url));
if (!existsSync(built)) {
  process.stderr.write('uebac: build/cli.mjs is missing; run `npm run build` first\n');
  process.exit(2);
}
await import(built);
