// Judges the pack on a generated organisation other than the demo's: generates the logs for a
// seed / head-count / window, derives that organisation's context tables (executives, peer
// groups by department; company, competitor and zone tables as the demo's), runs the compiled
// pack and reports: attack stories notable, benign look-alike stories notable, and the share of
// sessions of users outside every story that are notable.
//
//   npx tsx scripts/evaluate-org.ts [--seed S] [--users N] [--days D] [--start YYYY-MM-DD] [--shape NAME] [--content DIR]
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '../examples/gen/generate.ts';
import { buildOrg, ORG_SHAPES } from '../examples/gen/org.ts';
import { Rng } from '../examples/gen/prng.ts';

const ROOT = join(import.meta.dirname, '..');
const flags = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) flags.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1]!);
const seed = Number(flags.get('seed') ?? 101);
const users = Number(flags.get('users') ?? 120);
const days = Number(flags.get('days') ?? 45);
const start = flags.get('start') ?? '2027-03-01';
const shape = flags.get('shape') ?? 'demo';

const dir = mkdtempSync(join(tmpdir(), 'uebac-org-'));
const { lines, truth } = generate({ scenario: 'full', seed, users, days, start, shape });
const log = join(dir, 'org.log');
writeFileSync(log, lines.join('\n') + '\n');

// The organisation as the generator built it (the same fork the simulation uses first).
const org = buildOrg(new Rng(seed).fork('org'), { users, allUsb: false, forcedLogins: [], shape: ORG_SHAPES[shape] });
const ctx = join(dir, 'context');
mkdirSync(ctx);
for (const f of ['company_email_domains.csv', 'competitor_domains.csv', 'network_zones.csv']) copyFileSync(join(ROOT, 'examples/context', f), join(ctx, f));
writeFileSync(join(ctx, 'executive_users.csv'), ['user', ...org.users.filter((u) => u.dept === 'executive').map((u) => u.login)].join('\n') + '\n');
writeFileSync(join(ctx, 'peer_groups.csv'), ['user,group', ...org.users.map((u) => `${u.login},${u.dept}`)].join('\n') + '\n');

const uebac = (args: string[]) => {
  const r = spawnSync('node', [join(ROOT, 'bin/uebac.mjs'), ...args], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`uebac ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const bundle = join(dir, 'bundle');
uebac(['compile', flags.get('content') ?? 'content', '-o', bundle]);
const out = join(dir, 'records.jsonl');
const summary = uebac(['run', '--bundle', bundle, '--state', ':memory:', '--context', ctx, '--out', out, log]);

interface SessionRec { type: string; id?: string; user?: string; notable?: boolean; start?: string; end?: string; score?: number }
interface RuleRec { type: string; rule?: string; score?: number; session?: string }
const records = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SessionRec & RuleRec);
const sessions = records.filter((r) => r.type === 'session');
// Rule firings per session, so each story line shows what its score is made of.
const firings = new Map<string, string[]>();
for (const r of records) {
  if (r.type !== 'rule' || !r.session) continue;
  firings.set(r.session, [...(firings.get(r.session) ?? []), `${r.rule} ${r.score}`]);
}
const storyUsers = new Set(truth.stories.map((s) => s.user));
const notableOf = (user: string) => sessions.filter((s) => s.user === user && s.notable);
const overlaps = (s: SessionRec, a: string, b: string) => s.start! <= b && s.end! >= a;

const report: string[] = [`organisation: seed ${seed}, ${users} users, ${days} days from ${start}, shape ${shape}; ${lines.length} lines`];
let attacksHit = 0, attacks = 0, lookalikesHit = 0, lookalikes = 0;
for (const s of truth.stories) {
  const hits = notableOf(s.user);
  const inWindow = hits.filter((x) => overlaps(x, s.start, s.end));
  if (s.kind === 'attack') { attacks++; if (inWindow.length) attacksHit++; } else { lookalikes++; if (hits.length) lookalikesHit++; }
  const top = sessions.filter((x) => x.user === s.user && overlaps(x, s.start, s.end)).sort((a, b) => (b.score ?? 0) - (a.score ?? 0))[0];
  const why = top?.id ? (firings.get(top.id) ?? []).join(', ') : '';
  report.push(`  ${s.kind.padEnd(7)} ${s.id.padEnd(24)} ${s.user.padEnd(22)} ${s.kind === 'attack' ? (inWindow.length ? 'NOTABLE' : 'missed ') : (hits.length ? 'NOTABLE' : 'quiet  ')} best score in window ${top?.score ?? 0}${why ? ` (${why})` : ''}`);
  // A look-alike notable outside its own window: show that session too.
  if (s.kind === 'benign') for (const h of hits.filter((x) => !overlaps(x, s.start, s.end))) report.push(`          notable elsewhere: ${h.start} score ${h.score} (${(firings.get(h.id!) ?? []).join(', ')})`);
}
const benign = sessions.filter((s) => !storyUsers.has(s.user!));
const benignNotable = benign.filter((s) => s.notable);
// The margin below the notable line: the highest benign scores, and the 99th percentile.
const benignScores = benign.map((s) => s.score ?? 0).sort((a, b) => b - a);
const p99 = benignScores[Math.floor(benignScores.length / 100)] ?? 0;
report.push(`attack stories notable ${attacksHit}/${attacks}; look-alikes notable ${lookalikesHit}/${lookalikes}; benign sessions notable ${benignNotable.length}/${benign.length} (${((100 * benignNotable.length) / Math.max(1, benign.length)).toFixed(2)} %); benign scores: highest ${benignScores.slice(0, 3).join(', ') || '0'}, 99th percentile ${p99}`);
for (const s of benignNotable) report.push(`  benign notable: ${s.user} ${s.start} score ${s.score}`);
const topBenign = [...benign].sort((a, b) => (b.score ?? 0) - (a.score ?? 0))[0];
if (topBenign?.score) report.push(`  highest benign session: ${topBenign.user} ${topBenign.start} score ${topBenign.score} (${(firings.get(topBenign.id!) ?? []).join(', ')})`);
process.stdout.write(report.join('\n') + '\n');
if (flags.get('summary') === 'yes') process.stdout.write(summary);
rmSync(dir, { recursive: true, force: true });
