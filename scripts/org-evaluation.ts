// Judges the pack on one generated organisation: generates the logs for a seed / head-count /
// window / shape, derives that organisation's context tables (executives and peer groups by
// department from the generator's organisation; company, competitor and zone tables as the
// demo's), runs a compiled bundle and measures: attack stories notable (a notable session
// overlapping the story), benign look-alike stories notable (any notable session of the user),
// and notable sessions of the users outside every story.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '../examples/gen/generate.ts';
import { buildOrg, ORG_SHAPES } from '../examples/gen/org.ts';
import { Rng } from '../examples/gen/prng.ts';

export const ROOT = join(import.meta.dirname, '..');

export interface OrgSpec {
  seed: number;
  users: number;
  days: number;
  /** First day, YYYY-MM-DD (UTC). */
  start: string;
  shape: string;
}

export interface StoryResult {
  id: string;
  kind: 'attack' | 'benign';
  user: string;
  /** attack: notable in its window; benign: notable anywhere */
  notable: boolean;
  best: number;
  /** rules (with scores) of the best session in the story's window */
  why: string[];
  /** benign stories: notable sessions outside the story's own window */
  elsewhere: { start: string; score: number; why: string[] }[];
}

export interface OrgResult {
  spec: OrgSpec;
  lines: number;
  stories: StoryResult[];
  attacks: { hit: number; of: number };
  lookalikes: { hit: number; of: number };
  benign: { notable: number; of: number; highest: number[]; p99: number };
  benignNotable: { user: string; start: string; score: number; why: string[] }[];
  topBenign: { user: string; start: string; score: number; why: string[] } | null;
}

export function orgName(s: OrgSpec): string {
  return `seed ${s.seed}, ${s.users} users, ${s.days} days from ${s.start}, shape ${s.shape}`;
}

export function uebac(args: string[]): string {
  const r = spawnSync('node', [join(ROOT, 'bin/uebac.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`uebac ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Compiles a content directory once; the bundle directory is returned (remove it with rmSync). */
export function compileBundle(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'uebac-bundle-'));
  uebac(['compile', content, '-o', join(dir, 'bundle')]);
  return join(dir, 'bundle');
}

interface SessionRec { type: string; id?: string; user?: string; notable?: boolean; start?: string; end?: string; score?: number }
interface RuleRec { type: string; rule?: string; score?: number; session?: string }

export function evaluateOrg(spec: OrgSpec, bundle: string): OrgResult {
  if (!(spec.shape in ORG_SHAPES)) throw new Error(`unknown shape ${spec.shape}; known: ${Object.keys(ORG_SHAPES).join(', ')}`);
  const dir = mkdtempSync(join(tmpdir(), 'uebac-org-'));
  try {
    const { lines, truth } = generate({ scenario: 'full', ...spec });
    const log = join(dir, 'org.log');
    writeFileSync(log, lines.join('\n') + '\n');

    // The organisation as the generator built it (the same fork the simulation uses first).
    const org = buildOrg(new Rng(spec.seed).fork('org'), { users: spec.users, allUsb: false, forcedLogins: [], shape: ORG_SHAPES[spec.shape] });
    const ctx = join(dir, 'context');
    mkdirSync(ctx);
    for (const f of ['company_email_domains.csv', 'competitor_domains.csv', 'network_zones.csv']) copyFileSync(join(ROOT, 'examples/context', f), join(ctx, f));
    writeFileSync(join(ctx, 'executive_users.csv'), ['user', ...org.users.filter((u) => u.dept === 'executive').map((u) => u.login)].join('\n') + '\n');
    writeFileSync(join(ctx, 'peer_groups.csv'), ['user,group', ...org.users.map((u) => `${u.login},${u.dept}`)].join('\n') + '\n');

    const out = join(dir, 'records.jsonl');
    uebac(['run', '--bundle', bundle, '--state', ':memory:', '--context', ctx, '--out', out, log]);

    const records = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SessionRec & RuleRec);
    const sessions = records.filter((r) => r.type === 'session');
    // Rule firings per session, so each story shows what its score is made of.
    const firings = new Map<string, string[]>();
    for (const r of records) {
      if (r.type !== 'rule' || !r.session) continue;
      firings.set(r.session, [...(firings.get(r.session) ?? []), `${r.rule} ${r.score}`]);
    }
    const why = (s: SessionRec | undefined) => (s?.id ? firings.get(s.id) ?? [] : []);
    const overlaps = (s: SessionRec, a: string, b: string) => s.start! <= b && s.end! >= a;

    const stories: StoryResult[] = truth.stories.map((st) => {
      const mine = sessions.filter((x) => x.user === st.user);
      const inWindow = mine.filter((x) => overlaps(x, st.start, st.end));
      const top = [...inWindow].sort((a, b) => (b.score ?? 0) - (a.score ?? 0))[0];
      const notable = st.kind === 'attack' ? inWindow.some((x) => x.notable) : mine.some((x) => x.notable);
      const elsewhere = st.kind === 'benign'
        ? mine.filter((x) => x.notable && !overlaps(x, st.start, st.end)).map((x) => ({ start: x.start!, score: x.score ?? 0, why: why(x) }))
        : [];
      return { id: st.id, kind: st.kind, user: st.user, notable, best: top?.score ?? 0, why: why(top), elsewhere };
    });
    const count = (kind: 'attack' | 'benign') => ({ hit: stories.filter((s) => s.kind === kind && s.notable).length, of: stories.filter((s) => s.kind === kind).length });

    const storyUsers = new Set(truth.stories.map((s) => s.user));
    const benign = sessions.filter((s) => !storyUsers.has(s.user!));
    const scores = benign.map((s) => s.score ?? 0).sort((a, b) => b - a);
    const pick = (s: SessionRec) => ({ user: s.user!, start: s.start!, score: s.score ?? 0, why: why(s) });
    const topBenign = [...benign].sort((a, b) => (b.score ?? 0) - (a.score ?? 0))[0];
    return {
      spec, lines: lines.length, stories,
      attacks: count('attack'), lookalikes: count('benign'),
      benign: { notable: benign.filter((s) => s.notable).length, of: benign.length, highest: scores.slice(0, 3), p99: scores[Math.floor(scores.length / 100)] ?? 0 },
      benignNotable: benign.filter((s) => s.notable).map(pick),
      topBenign: topBenign?.score ? pick(topBenign) : null,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The per-story report of one organisation, as evaluate-org prints it. */
export function describeOrg(r: OrgResult): string[] {
  const out = [`organisation: ${orgName(r.spec)}; ${r.lines} lines`];
  for (const s of r.stories) {
    const verdict = s.kind === 'attack' ? (s.notable ? 'NOTABLE' : 'missed ') : (s.notable ? 'NOTABLE' : 'quiet  ');
    out.push(`  ${s.kind.padEnd(7)} ${s.id.padEnd(24)} ${s.user.padEnd(22)} ${verdict} best score in window ${s.best}${s.why.length ? ` (${s.why.join(', ')})` : ''}`);
    for (const e of s.elsewhere) out.push(`          notable elsewhere: ${e.start} score ${e.score} (${e.why.join(', ')})`);
  }
  const b = r.benign;
  out.push(`attack stories notable ${r.attacks.hit}/${r.attacks.of}; look-alikes notable ${r.lookalikes.hit}/${r.lookalikes.of}; benign sessions notable ${b.notable}/${b.of} (${((100 * b.notable) / Math.max(1, b.of)).toFixed(2)} %); benign scores: highest ${b.highest.join(', ') || '0'}, 99th percentile ${b.p99}`);
  for (const s of r.benignNotable) out.push(`  benign notable: ${s.user} ${s.start} score ${s.score} (${s.why.join(', ')})`);
  if (r.topBenign) out.push(`  highest benign session: ${r.topBenign.user} ${r.topBenign.start} score ${r.topBenign.score} (${r.topBenign.why.join(', ')})`);
  return out;
}
