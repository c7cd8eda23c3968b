// `uebac coverage`: ATT&CK Navigator layer + Markdown coverage tables.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileDir } from '../compiler/compile.ts';
import { coverageMarkdown, navigatorLayer } from '../compiler/coverage.ts';
import { printDiagnostics } from './compile-cmd.ts';

export function coverageCommand(dir: string, out: string): number {
  const { ir, diagnostics } = compileDir(dir);
  if (!ir) {
    printDiagnostics(dir, diagnostics.filter((d) => d.severity === 'error'), 'human');
    return 1;
  }
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'attack-layer.json'), JSON.stringify(navigatorLayer(ir), null, 2) + '\n');
  writeFileSync(join(out, 'coverage.md'), coverageMarkdown(ir));
  process.stderr.write(`wrote ${join(out, 'attack-layer.json')} and ${join(out, 'coverage.md')}\n`);
  return 0;
}
