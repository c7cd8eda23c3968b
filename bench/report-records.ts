// Synthetic records for the report benchmark: N notable sessions, each with a few rule records
// (a third of them model rules with a histogram of up to 48 bins), framed by a header and a
// summary like `uebac run` writes. Deterministic for a seed.
import { RECORD_SCHEMA_VERSION } from '../runtime/evidence.ts';
import { prng } from './prng.ts';

const TECHNIQUES = ['T1048', 'T1052', 'T1041', 'T1567', 'T1102', 'T1204', 'T1114'];

export function syntheticRecords(sessions: number, seed = 7): string[] {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const rules = Array.from({ length: 40 }, (_, i) => ({
    id: `R-${String(i).padStart(2, '0')}`, name: `Synthetic rule ${i}`, type: 'session' as const, score: 10 + (i % 9) * 5,
    mitre: [TECHNIQUES[i % TECHNIQUES.length]!], model: i % 3 === 0 ? `M-${i}` : null,
  }));
  const out: string[] = [JSON.stringify({ type: 'header', schema: RECORD_SCHEMA_VERSION, pack: { id: 'bench', version: '1.0.0', name: 'Report benchmark' }, bundle: '0'.repeat(64), notable_threshold: 90, inputs: ['bench.log'], rules })];
  const fired: Record<string, number> = {};
  let line = 0;
  let t = Date.UTC(2026, 9, 1);
  for (let s = 0; s < sessions; s++) {
    const user = `user${String(Math.floor(rand() * sessions / 2)).padStart(5, '0')}`;
    t += Math.floor(rand() * 600_000);
    const id = `${user}-${s}`;
    const n = 3 + Math.floor(rand() * 6);
    let score = 0;
    const ids: string[] = [];
    let at = t;
    for (let k = 0; k < n; k++) {
      const r = pick(rules);
      at += Math.floor(rand() * 900_000);
      line += 1 + Math.floor(rand() * 40);
      score += r.score;
      if (!ids.includes(r.id)) ids.push(r.id);
      fired[r.id] = (fired[r.id] ?? 0) + 1;
      const rec: Record<string, unknown> = {
        type: 'rule', rule: r.id, score: r.score, time: new Date(at).toISOString(), user, session: id, host: `WS-${user.toUpperCase()}`,
        event_type: 'dlp-email-alert-out', reason: `${r.name} fired for ${user} (mail to partner${k}.example)`, mitre: r.mitre, source: { file: 'bench.log', line },
      };
      if (r.model) {
        const bins = Array.from({ length: 10 + Math.floor(rand() * 39) }, (_, b) => [`value-${b}.example`, 1 + Math.floor(rand() * 200)] as [string, number]).sort((a, b) => b[1] - a[1]);
        const total = bins.reduce((a, [, c]) => a + c, 0);
        rec.evidence = {
          model: r.model, scope: user, feature: `new-${k}.example`, feature_count: 0, total_events: total, distinct_values: bins.length, confidence: 0.9, threshold_count: 5,
          histogram: { kind: 'categorical', bins, event_bin: `new-${k}.example`, total_bins: bins.length, omitted_count: 0 },
        };
      }
      out.push(JSON.stringify(rec));
    }
    out.push(JSON.stringify({ type: 'session', id, user, start: new Date(t).toISOString(), end: new Date(at).toISOString(), score: Math.max(score, 90), notable: true, events: n + Math.floor(rand() * 50), rules: ids }));
  }
  out.push(JSON.stringify({ type: 'summary', lines: line, events: line, rejected: { 'unknown-source': 3 }, rules_fired: Object.values(fired).reduce((a, b) => a + b, 0), rules_fired_by_id: fired, sessions, notable_sessions: sessions, notable_asset_sequences: 0, open_sessions: 0, evicted_sessions: 0, evicted_bins: 0 }));
  return out;
}
