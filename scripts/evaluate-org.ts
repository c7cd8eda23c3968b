// Judges the pack on one generated organisation other than the demo's and prints each story with
// the rules that made its score, and the benign population (sessions of users outside every
// story): how many are notable, the highest scores and the 99th percentile. Several
// organisations at once, as a table: scripts/evaluate-orgs.ts.
//
//   npx tsx scripts/evaluate-org.ts [--seed S] [--users N] [--days D] [--start YYYY-MM-DD] [--shape NAME]
//       [--content DIR | --bundle DIR] [--json yes]
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { compileBundle, describeOrg, evaluateOrg } from './org-evaluation.ts';

const flags = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) flags.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1]!);
const spec = {
  seed: Number(flags.get('seed') ?? 101),
  users: Number(flags.get('users') ?? 120),
  days: Number(flags.get('days') ?? 45),
  start: flags.get('start') ?? '2027-03-01',
  shape: flags.get('shape') ?? 'demo',
};
// A given bundle is used as it is (evaluate-orgs compiles once for many organisations).
const given = flags.get('bundle');
const bundle = given ?? compileBundle(flags.get('content') ?? 'content');
try {
  const result = evaluateOrg(spec, bundle);
  process.stdout.write(flags.get('json') === 'yes' ? JSON.stringify(result) + '\n' : describeOrg(result).join('\n') + '\n');
} finally {
  if (!given) rmSync(dirname(bundle), { recursive: true, force: true });
}
