// Judges the pack on many generated organisations (seeds, head-counts 50–500, windows 20–60 days,
// department mixes) and prints one table row per organisation plus totals: attack stories
// notable, look-alikes notable, benign sessions notable (users outside every story). Below the
// table, every miss, every notable look-alike and every notable benign session with the rules
// that scored it. Compiles the content once; organisations run in parallel child processes.
//
//   npx tsx scripts/evaluate-orgs.ts [--set known|new|all] [--jobs N] [--content DIR] [--json FILE]
//
// `known` are the organisations the pack was measured on while it was written (docs/rules.md);
// `new` are organisations nobody tuned for. The list is fixed so runs before and after a content
// change compare like with like.
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compileBundle, orgName, ROOT, type OrgResult, type OrgSpec } from './org-evaluation.ts';

const KNOWN: OrgSpec[] = [
  { seed: 7, users: 50, days: 30, start: '2026-10-01', shape: 'demo' },
  { seed: 101, users: 120, days: 45, start: '2027-03-01', shape: 'demo' },
  { seed: 555, users: 200, days: 60, start: '2025-06-02', shape: 'demo' },
  { seed: 9001, users: 300, days: 40, start: '2026-04-06', shape: 'demo' },
  { seed: 31, users: 150, days: 45, start: '2026-02-02', shape: 'usb-heavy' },
  { seed: 77, users: 100, days: 40, start: '2025-09-01', shape: 'sales-heavy' },
  { seed: 2024, users: 80, days: 20, start: '2026-01-05', shape: 'demo' },
];

const NEW: OrgSpec[] = [
  { seed: 4242, users: 50, days: 25, start: '2026-05-04', shape: 'engineering-heavy' },
  { seed: 1337, users: 500, days: 30, start: '2027-01-04', shape: 'demo' },
  { seed: 808, users: 250, days: 60, start: '2025-11-03', shape: 'back-office' },
  { seed: 3141, users: 80, days: 35, start: '2026-08-03', shape: 'usb-heavy' },
  { seed: 2718, users: 400, days: 50, start: '2025-03-03', shape: 'sales-heavy' },
  { seed: 61, users: 175, days: 22, start: '2026-09-07', shape: 'flat' },
  { seed: 9999, users: 60, days: 60, start: '2027-06-07', shape: 'engineering-heavy' },
  { seed: 4711, users: 350, days: 28, start: '2026-03-02', shape: 'usb-heavy' },
  { seed: 123, users: 120, days: 45, start: '2025-01-06', shape: 'back-office' },
  { seed: 5050, users: 450, days: 40, start: '2026-11-02', shape: 'flat' },
];

const flags = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) flags.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1]!);
const set = flags.get('set') ?? 'all';
const orgs = set === 'known' ? KNOWN : set === 'new' ? NEW : set === 'all' ? [...KNOWN, ...NEW] : null;
if (!orgs) throw new Error('--set must be known, new or all');
const jobs = Math.max(1, Number(flags.get('jobs') ?? 2));

function runOne(spec: OrgSpec, bundle: string): Promise<OrgResult> {
  const args = ['tsx', join(ROOT, 'scripts/evaluate-org.ts'), '--bundle', bundle, '--json', 'yes',
    '--seed', String(spec.seed), '--users', String(spec.users), '--days', String(spec.days), '--start', spec.start, '--shape', spec.shape];
  return new Promise((resolve, reject) => {
    const child = spawn('npx', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as OrgResult) : reject(new Error(`${orgName(spec)}: ${err}`))));
  });
}

async function main(): Promise<void> {
  const bundle = compileBundle(flags.get('content') ?? 'content');
  const results: OrgResult[] = new Array(orgs!.length);
  try {
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < orgs!.length; i = next++) {
        results[i] = await runOne(orgs![i]!, bundle);
        process.stderr.write(`done ${orgName(orgs![i]!)}\n`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(jobs, orgs!.length) }, worker));
  } finally {
    rmSync(dirname(bundle), { recursive: true, force: true });
  }
  process.stdout.write(table(results).join('\n') + '\n');
  if (flags.get('json')) writeFileSync(flags.get('json')!, JSON.stringify(results, null, 1) + '\n');
}

const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(2)} %`;

function table(results: OrgResult[]): string[] {
  const out = [
    '| organisation | set | lines | attacks notable | look-alikes notable | benign sessions notable | benign highest / p99 |',
    '|---|---|---|---|---|---|---|',
  ];
  const total = { a: 0, ao: 0, l: 0, lo: 0, b: 0, bo: 0 };
  for (const r of results) {
    const known = KNOWN.some((k) => orgName(k) === orgName(r.spec));
    out.push(`| ${orgName(r.spec)} | ${known ? 'known' : 'new'} | ${r.lines} | ${r.attacks.hit}/${r.attacks.of} | ${r.lookalikes.hit}/${r.lookalikes.of} | ${r.benign.notable}/${r.benign.of} (${pct(r.benign.notable, r.benign.of)}) | ${r.benign.highest[0] ?? 0} / ${r.benign.p99} |`);
    total.a += r.attacks.hit; total.ao += r.attacks.of; total.l += r.lookalikes.hit; total.lo += r.lookalikes.of; total.b += r.benign.notable; total.bo += r.benign.of;
  }
  out.push(`| **total (${results.length} organisations)** | | | **${total.a}/${total.ao}** | **${total.l}/${total.lo}** | **${total.b}/${total.bo} (${pct(total.b, total.bo)})** | |`);
  out.push('');
  for (const r of results) {
    for (const s of r.stories) {
      if (s.kind === 'attack' && !s.notable) out.push(`- ${orgName(r.spec)}: attack ${s.id} (${s.user}) missed, best ${s.best} (${s.why.join(', ') || 'no rule'})`);
      if (s.kind === 'benign' && s.notable) {
        for (const e of s.elsewhere) out.push(`- ${orgName(r.spec)}: look-alike ${s.id} (${s.user}) notable at ${e.start}, ${e.score} (${e.why.join(', ')})`);
        if (!s.elsewhere.length) out.push(`- ${orgName(r.spec)}: look-alike ${s.id} (${s.user}) notable in its window, ${s.best} (${s.why.join(', ')})`);
      }
    }
    for (const b of r.benignNotable) out.push(`- ${orgName(r.spec)}: benign ${b.user} ${b.start} notable, ${b.score} (${b.why.join(', ')})`);
  }
  return out;
}

await main();
