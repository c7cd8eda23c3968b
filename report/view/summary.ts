/// <reference lib="dom" />
// The run summary: lines read / parsed / rejected by reason, rules fired per rule, and
// coverage per ATT&CK technique (rules in the pack, rules that fired, sessions touched).
import type { ReportData, RuleInfo } from '../model.ts';
import { fmtInt, h, techniqueLink } from './dom.ts';

function table(testid: string, head: string[], rows: Array<Array<Node | string | number>>, numeric: number[] = []): HTMLElement {
  return h('table', { class: 'grid', 'data-testid': testid },
    h('thead', null, h('tr', null, ...head.map((x, i) => h('th', { class: numeric.includes(i) ? 'num' : undefined }, x)))),
    h('tbody', null, ...rows.map((r) => h('tr', null, ...r.map((c, i) => h('td', { class: numeric.includes(i) ? 'num' : undefined }, c))))));
}

export function runSummary(data: ReportData, rules: ReadonlyMap<string, RuleInfo>): HTMLElement {
  const t = data.totals;
  const el = h('section', { class: 'panel summary', 'data-testid': 'summary' }, h('h2', null, 'Run summary'));
  const cols = h('div', { class: 'summary-cols' });
  el.appendChild(cols);

  // Lines.
  const lines = h('div', null, h('h3', null, 'Input'));
  if (t) {
    const rejected = Object.values(t.rejected).reduce((a, b) => a + b, 0);
    lines.appendChild(table('lines', ['', 'lines'], [['read', fmtInt(t.lines)], ['parsed into events', fmtInt(t.events)], ['rejected', fmtInt(rejected)]], [1]));
    const reasons = Object.entries(t.rejected).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    if (reasons.length) lines.append(h('h4', null, 'Rejected by reason'), table('rejects', ['reason', 'lines'], reasons.map(([r, n]) => [h('code', null, r), fmtInt(n)]), [1]));
    const repaired = Object.entries(t.repaired ?? {}).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    if (repaired.length) lines.append(h('h4', null, 'Kept with bytes replaced'), table('repaired', ['reason', 'lines'], repaired.map(([r, n]) => [h('code', null, r), fmtInt(n)]), [1]));
    lines.appendChild(table('scopes', ['', 'count'], [['sessions closed', fmtInt(t.sessions)], ['notable sessions', fmtInt(t.notableSessions)], ['notable asset sequences', fmtInt(t.notableAssetSequences)], ...(t.openSessions ? [['sessions left open for the next batch', fmtInt(t.openSessions)]] : []), ...(t.evictedSessions || t.evictedBins ? [['sessions evicted (memory cap)', fmtInt(t.evictedSessions)], ['histogram bins evicted', fmtInt(t.evictedBins)]] : [])], [1]));
  } else {
    lines.appendChild(h('p', { class: 'note' }, 'These records carry no summary (written by an older uebac, or the run did not finish).'));
  }
  const rec = data.records;
  if (rec.bad) {
    lines.append(h('h4', null, `Records not used: ${fmtInt(rec.bad)} of ${fmtInt(rec.read)}`),
      table('bad-records', ['file:line', 'reason'], rec.badSample.map((b) => [`${b.file}:${b.line}`, b.reason])));
  }
  cols.appendChild(lines);

  // Rules fired per rule: the run's count and the notable sessions' share.
  const inNotable = new Map<string, number>(Object.entries(data.hitsByRule));
  const fired = t ? t.rulesFiredById : Object.fromEntries(inNotable);
  const ruleRows = Object.entries(fired).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([id, n]) => {
    const info = rules.get(id);
    const techs = h('span', null);
    for (const x of info?.mitre ?? []) techs.appendChild(techniqueLink(x));
    return [h('code', null, id), info?.name ?? '', info ? info.score : '', techs, fmtInt(n), fmtInt(inNotable.get(id) ?? 0)];
  });
  cols.appendChild(h('div', null, h('h3', null, `Rules fired: ${fmtInt(t ? t.rulesFired : [...inNotable.values()].reduce((a, b) => a + b, 0))}`),
    table('rules-fired', ['rule', 'name', 'score', 'MITRE', 'fired', 'in notable'], ruleRows, [2, 4, 5])));

  // Coverage per technique: from the pack's rule catalogue (header records).
  const byTech = new Map<string, { rules: string[]; fired: number; sessions: number }>();
  for (const r of rules.values()) for (const x of r.mitre) {
    const e = byTech.get(x) ?? { rules: [], fired: 0, sessions: 0 };
    e.rules.push(r.id);
    e.fired += fired[r.id] ?? 0;
    byTech.set(x, e);
  }
  for (const s of data.sessions) for (const x of s.mitre) { const e = byTech.get(x); if (e) e.sessions++; }
  const techRows = [...byTech.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([x, e]) => {
    const firedRules = e.rules.filter((id) => (fired[id] ?? 0) > 0).length;
    return [techniqueLink(x), fmtInt(e.rules.length), fmtInt(firedRules), fmtInt(e.fired), fmtInt(e.sessions)];
  });
  cols.appendChild(h('div', null, h('h3', null, `ATT&CK coverage: ${byTech.size} techniques`),
    table('coverage', ['technique', 'rules', 'rules fired', 'times fired', 'notable sessions'], techRows, [1, 2, 3, 4])));
  return el;
}
