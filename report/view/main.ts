/// <reference lib="dom" />
// Entry point of the report page: read the embedded data, lay out the header, the notable
// sessions, the selected session's detail and the run summary.
import 'uplot/dist/uPlot.min.css';
import './style.css';
import type { ReportData, RuleInfo } from '../model.ts';
import { fmtInt, h } from './dom.ts';
import { sessionTable } from './sessions.ts';
import { runSummary } from './summary.ts';
import { sessionDetail } from './timeline.ts';

function stat(label: string, value: string, testid: string): HTMLElement {
  return h('div', { class: 'stat', 'data-testid': testid }, h('div', { class: 'stat-value' }, value), h('div', { class: 'stat-label' }, label));
}

function main(): void {
  const data = JSON.parse(document.getElementById('uebac-data')!.textContent!) as ReportData;
  const rules = new Map<string, RuleInfo>(data.rules.map((r) => [r.id, r]));
  const app = document.getElementById('app')!;
  const t = data.totals;
  const hits = data.sessions.reduce((a, s) => a + s.hits.length, 0);
  const thresholds = [...new Set(data.sessions.map((s) => s.threshold).filter((x) => x !== null))];

  const header = h('header', { class: 'top' },
    h('div', { class: 'brand' }, h('h1', null, data.title), h('div', { class: 'sub' },
      data.packs.map((p) => `${p.id} ${p.version}`).join(', ') || 'pack unknown',
      ' · ', data.files.join(', '),
      thresholds.length ? ` · notable at score ≥ ${thresholds.join(' / ')}` : '')),
    h('div', { class: 'stats' },
      t ? stat('lines read', fmtInt(t.lines), 'stat-lines') : null,
      t ? stat('events', fmtInt(t.events), 'stat-events') : null,
      t ? stat('sessions', fmtInt(t.sessions), 'stat-sessions') : null,
      stat('notable', fmtInt(data.sessions.filter((s) => s.notable).length), 'stat-notable'),
      stat('rules fired in them', fmtInt(hits), 'stat-hits')));

  const detail = sessionDetail(rules);
  const table = sessionTable(data.sessions, rules, (s) => {
    detail.show(s);
    try { history.replaceState(null, "", `#${encodeURIComponent(s.id)}`); } catch { /* some file:// contexts refuse; the hash is a convenience */ }
  });
  app.append(header, h('main', { class: 'layout' }, table.el, detail.el), runSummary(data, rules));

  const wanted = decodeURIComponent(location.hash.slice(1));
  const first = data.sessions.find((s) => s.id === wanted) ?? [...data.sessions].sort((a, b) => b.score - a.score || a.start - b.start)[0];
  if (first) table.select(first.id);
  document.body.setAttribute('data-ready', 'true');
}

main();
