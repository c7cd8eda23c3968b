// CLI for the sample-log generator. All the work happens in gen/generate.ts;
// this file only parses arguments and writes files.
//
//   npx tsx examples/generate.ts --scenario usb|full [--users N] [--days D] [--seed S]
//       [--lines N] [--start 2026-10-01] [--shape demo|usb-heavy|sales-heavy|engineering-heavy|back-office|flat] --out FILE [--truth FILE]
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { generate, type GenerateOptions } from './gen/generate.ts';

const USAGE =
  'usage: npx tsx examples/generate.ts --scenario usb|full [--users N] [--days D] [--seed S] ' +
  '[--lines N] [--start YYYY-MM-DD] [--shape demo|usb-heavy|sales-heavy|engineering-heavy|back-office|flat] --out FILE [--truth FILE]';

function parseArgs(argv: string[]): { opts: GenerateOptions; out: string; truth?: string } {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]!;
    const value = argv[i + 1];
    if (!key.startsWith('--') || value === undefined) throw new Error(`bad argument "${key}"\n${USAGE}`);
    flags.set(key.slice(2), value);
  }
  const known = new Set(['scenario', 'users', 'days', 'seed', 'lines', 'start', 'shape', 'out', 'truth']);
  for (const k of flags.keys()) if (!known.has(k)) throw new Error(`unknown option --${k}\n${USAGE}`);

  const scenario = flags.get('scenario');
  if (scenario !== 'usb' && scenario !== 'full') throw new Error(`--scenario must be usb or full\n${USAGE}`);
  const out = flags.get('out');
  if (!out) throw new Error(`--out is required\n${USAGE}`);
  const num = (k: string): number | undefined => {
    const v = flags.get(k);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw new Error(`--${k} must be a non-negative integer, got "${v}"`);
    return Number(v);
  };
  return {
    opts: { scenario, users: num('users'), days: num('days'), seed: num('seed'), lines: num('lines'), start: flags.get('start'), shape: flags.get('shape') },
    out,
    truth: flags.get('truth'),
  };
}

try {
  const { opts, out, truth } = parseArgs(process.argv.slice(2));
  const result = generate(opts);
  // In chunks: a million lines joined at once exceed V8's maximum string length.
  const fd = openSync(out, 'w');
  for (let i = 0; i < result.lines.length; i += 10_000) writeSync(fd, result.lines.slice(i, i + 10_000).join('\n') + '\n');
  closeSync(fd);
  if (truth) writeFileSync(truth, JSON.stringify(result.truth, null, 2) + '\n');
  process.stderr.write(`wrote ${result.lines.length} lines to ${out}\n`);
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
}
