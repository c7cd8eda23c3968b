// `uebac validate`: every check the compiler makes, plus (with --context) the organisation's
// context CSVs against the tables the pack declares. Warnings about an empty table that the
// context directory fills are not shown, so a deployment can reach zero warnings;
// --strict / --max-warnings N make warnings a failure for CI.
import { compileDir } from '../compiler/compile.ts';
import { renderSummary } from '../compiler/diagnostics/render-human.ts';
import { printDiagnostics, type Format } from './compile-cmd.ts';
import { stderrPaint } from './color.ts';
import { checkContextDir, suppliedTables } from './context-dir.ts';
import { EXIT } from './errors.ts';
import { checkContentDir } from './files.ts';

export interface ValidateOptions {
  format: Format;
  context?: string;
  strict?: boolean;
  maxWarnings?: number;
}

export function validateCommand(dir: string, opts: ValidateOptions): number {
  checkContentDir(dir);
  const { ir, diagnostics } = compileDir(dir, { suppliedTables: suppliedTables(opts.context) });
  if (opts.context && ir) diagnostics.push(...checkContextDir(opts.context, ir.contexts));
  printDiagnostics(dir, diagnostics, opts.format);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  const limit = opts.strict ? 0 : opts.maxWarnings;
  const tooMany = limit !== undefined && warnings > limit;
  if (opts.format === 'human') {
    const paint = stderrPaint();
    if (errors === 0 && !tooMany) process.stderr.write(`${dir}: ${paint('green', 'ok')}${diagnostics.length ? ` (${renderSummary(diagnostics)})` : ''}\n`);
    else if (errors === 0) process.stderr.write(`${dir}: ${paint('red', `${warnings} warning${warnings === 1 ? '' : 's'}`)}, more than the ${limit} allowed by ${opts.strict ? '--strict' : '--max-warnings'}\n`);
  }
  return errors || tooMany ? EXIT.findings : EXIT.ok;
}
