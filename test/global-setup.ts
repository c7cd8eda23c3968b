// Build the CLI bundle once before any test spawns `bin/uebac.mjs`.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync('node', ['scripts/build-cli.mjs'], { cwd: new URL('..', import.meta.url), stdio: 'inherit' });
}
