/// <reference lib="dom" />
// Entry point of the report page: read the embedded data, lay out the header, the notable
// sessions, the selected session's detail and the run summary.
import 'uplot/dist/uPlot.min.css';
import './style.css';
import type { ReportData, RuleInfo, SessionView } from '../model.ts';
import { fmtInt, h } from './dom.ts';
import { sessionTable } from './sessions.ts';
import { runSummary } from './summary.ts';
import { sessionDetail } from './timeline.ts';

function stat(label: string, value: string, testid: string): HTMLElement {
  return h('div', { class: 'stat', 'data-testid': testid }, h('div', { class: 'stat-value' }, value), h('div', { class: 'stat-label' }, label));
}

/** An embedded text: base64 of gzip-compressed UTF-8 (report/html.ts). */
async function embedded(id: string): Promise<string> {
  const binary = atob(document.getElementById(id)!.textContent!.trim());
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text();
}

/** The index is parsed now; a session's hits and timeline when it is first shown. */
async function loadData(): Promise<ReportData> {
  const [index, detail] = await Promise.all([embedded('uebac-data'), embedded('uebac-detail')]);
  const data = JSON.parse(index) as ReportData;
  for (const s of data.sessions) {
    const at = s.detail;
    if (!at) continue;
    let parsed = false;
    const load = () => {
      if (parsed) return;
      parsed = true;
      const d = JSON.parse(detail.slice(at[0], at[0] + at[1])) as Pick<SessionView, 'hits' | 'timeline'>;
      Object.defineProperty(s, 'hits', { value: d.hits, writable: true, enumerable: true });
      Object.defineProperty(s, 'timeline', { value: d.timeline, writable: true, enumerable: true });
    };
    // Accessors that parse the detail on first use, then replace themselves with plain values.
    Object.defineProperty(s, 'hits', { get() { load(); return s.hits; }, configurable: true, enumerable: true });
    Object.defineProperty(s, 'timeline', { get() { load(); return s.timeline; }, configurable: true, enumerable: true });
  }
  return data;
}

async function main(): Promise<void> {
  // Marks for the benchmark (bench/report-page.ts): where opening a large report spends its time.
  performance.mark('uebac-start');
  const data = await loadData();
  performance.mark('uebac-parsed');
  const rules = new Map<string, RuleInfo>(data.rules.map((r) => [r.id, r]));
  const app = document.getElementById('app')!;
  const t = data.totals;
  const hits = data.hitCount;
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
  performance.mark('uebac-ready');
  document.body.setAttribute('data-ready', 'true');
}

main().catch((e: unknown) => {
  document.getElementById('app')!.textContent = `This report could not be read: ${String(e)}`;
  throw e;
});
