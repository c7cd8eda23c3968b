// The page's script and style, built from report/view/ (with uPlot) by scripts/build-cli.mjs
// into build/. Found from the package root, so the source and the bundled CLI both find them.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ViewAssets {
  script: string;
  style: string;
}

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the uebac package root');
    dir = up;
  }
  return dir;
}

let cached: ViewAssets | null = null;

export function viewAssets(): ViewAssets {
  if (cached) return cached;
  const build = join(packageRoot(), 'build');
  const js = join(build, 'report-view.js');
  const css = join(build, 'report-view.css');
  if (!existsSync(js) || !existsSync(css)) throw new Error(`the report viewer is not built (${js}); run \`npm run build\``);
  cached = { script: readFileSync(js, 'utf8'), style: readFileSync(css, 'utf8') };
  return cached;
}
