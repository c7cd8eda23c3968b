/// <reference lib="dom" />
// One session in detail: the running score against the notable threshold, the events and
// the rules they fired (with the source line of each), and every model rule's histogram.
import type uPlot from 'uplot';
import type { Hit, RuleInfo, SessionView } from '../model.ts';
import { barsOf, histogramChart, scoreChart, type ScorePoint } from './charts.ts';
import { clear, fmtBytes, fmtDuration, fmtInt, fmtTime, h, techniqueLink } from './dom.ts';

/** Score after each event (same-millisecond hits merged into one point), from start to end. */
export function scorePoints(s: SessionView): ScorePoint[] {
  // The score before the first event, a second earlier, so a first event's rules show as a rise.
  const before = { t: s.start - 1000, score: s.initialScore };
  if (s.timeline && s.timeline.length) return [before, ...s.timeline.map((e) => ({ t: e.t, score: e.score }))];
  const points: ScorePoint[] = [before];
  let total = s.initialScore;
  for (const hit of [...s.hits].sort((a, b) => a.t - b.t)) {
    total += hit.score;
    const last = points[points.length - 1]!;
    if (last.t === hit.t) last.score = total;
    else points.push({ t: hit.t, score: total });
  }
  if (points[points.length - 1]!.t < s.end) points.push({ t: s.end, score: total });
  return points;
}

function source(hit: Hit): HTMLElement | string {
  if (!hit.source) return '—';
  const base = hit.source.file.split(/[\\/]/).pop()!;
  return h('span', { class: 'source', title: `${hit.source.file}:${hit.source.line}` }, `${base}:${hit.source.line}`);
}

function ruleCell(hit: Hit, rules: ReadonlyMap<string, RuleInfo>): HTMLElement {
  const info = rules.get(hit.rule);
  const techniques = h('span', { class: 'techs' });
  for (const t of hit.mitre) techniques.appendChild(techniqueLink(t));
  return h('td', { class: 'rule' }, h('strong', null, hit.rule), info && info.name !== hit.rule ? h('span', { class: 'rule-name' }, info.name) : null, techniques);
}

export interface Detail {
  el: HTMLElement;
  show(s: SessionView): void;
}

export function sessionDetail(rules: ReadonlyMap<string, RuleInfo>): Detail {
  const el = h('section', { class: 'panel detail', 'data-testid': 'timeline' }, h('p', { class: 'empty' }, 'Select a session to see its timeline.'));
  let charts: uPlot[] = [];

  function show(s: SessionView): void {
    for (const c of charts) c.destroy();
    charts = [];
    clear(el);
    el.setAttribute('data-session', s.id);
    const width = Math.max(320, el.clientWidth - 40);
    const notable = s.threshold !== null ? s.score >= s.threshold : s.notable;
    el.append(
      h('div', { class: 'detail-head' },
        h('h2', null, s.entity, h('span', { class: 'sid' }, s.id)),
        h('div', { class: 'facts' },
          h('span', { class: `badge big ${notable ? 'hot' : ''}` }, `score ${s.score}`),
          s.threshold !== null ? h('span', null, `notable at ${s.threshold}`) : null,
          h('span', null, `${fmtTime(s.start)} → ${fmtTime(s.end)} UTC (${fmtDuration(s.end - s.start)})`),
          h('span', null, `${fmtInt(s.events)} events, ${s.hits.length} rules fired`),
          s.initialScore ? h('span', null, `${s.initialScore} carried from the previous session`) : null)),
    );
    const chartBox = h('div', { class: 'chart', 'data-testid': 'score-chart' });
    el.append(h('h3', null, 'Running score'), chartBox);
    charts.push(scoreChart(chartBox, scorePoints(s), s.threshold, width));
    el.append(h('h3', null, s.timeline ? 'Events' : 'Events that fired rules'), eventsTable(s, rules));
    const withHist = s.hits.map((hit, i) => [hit, i] as const).filter(([hit]) => hit.evidence?.histogram);
    if (withHist.length) {
      el.append(h('h3', null, 'Model evidence'));
      const grid = h('div', { class: 'evidence-grid' });
      el.append(grid);
      for (const [hit, i] of withHist) {
        const box = h('div', { class: 'chart' });
        grid.appendChild(h('div', { class: 'evidence', 'data-testid': 'evidence', id: `hit-${i}` }, evidenceFacts(hit), box));
        const cols = Math.min(withHist.length, width > 1000 ? 3 : width > 640 ? 2 : 1);
        charts.push(histogramChart(box, hit.evidence!, Math.max(300, Math.floor(width / cols) - 32)));
      }
    }
  }
  return { el, show };
}

function eventsTable(s: SessionView, rules: ReadonlyMap<string, RuleInfo>): HTMLElement {
  const tbody = h('tbody');
  const head = h('thead', null, h('tr', null, h('th', null, 'Time (UTC)'), h('th', null, 'Event'), h('th', null, 'Host'), h('th', null, 'Source'), h('th', null, 'Rule'), h('th', { class: 'num' }, 'Score'), h('th', { class: 'num' }, 'Total'), h('th', null, 'Reason')));
  const hitRow = (hit: Hit, i: number, total: number) => h('tr', { class: 'hit', 'data-testid': 'hit' },
    h('td', { class: 'time' }, fmtTime(hit.t)), h('td', { class: 'nowrap' }, hit.eventType), h('td', { class: 'nowrap' }, hit.host ?? '—'), h('td', null, source(hit)),
    ruleCell(hit, rules), h('td', { class: 'num plus' }, `+${hit.score}`), h('td', { class: 'num' }, total),
    h('td', { class: 'reason' }, hit.reason, hit.evidence?.histogram ? h('a', { href: `#hit-${i}`, class: 'ev-link' }, ' histogram ↓') : null));
  if (s.timeline) {
    for (const ev of s.timeline) {
      if (ev.hits.length === 0) {
        tbody.appendChild(h('tr', { class: 'event' }, h('td', { class: 'time' }, fmtTime(ev.t)), h('td', { class: 'nowrap' }, ev.eventType), h('td', { colspan: 5, class: 'brief' }, ev.brief), h('td', { class: 'num' }, ev.score), h('td', null)));
      }
      let running = ev.score - ev.hits.reduce((a, i) => a + s.hits[i]!.score, 0);
      for (const i of ev.hits) tbody.appendChild(hitRow(s.hits[i]!, i, (running += s.hits[i]!.score)));
    }
  } else {
    let total = s.initialScore;
    s.hits.map((hit, i) => [hit, i] as const).sort((a, b) => a[0].t - b[0].t || a[1] - b[1]).forEach(([hit, i]) => tbody.appendChild(hitRow(hit, i, (total += hit.score))));
  }
  return h('div', { class: 'table-wrap events-wrap' }, h('table', { class: 'events', 'data-testid': 'events' }, head, tbody));
}

function evidenceFacts(hit: Hit): HTMLElement {
  const e = hit.evidence!;
  const hist = e.histogram!;
  const bars = barsOf(e);
  const feature = typeof e.feature === 'string' ? e.feature : JSON.stringify(e.feature);
  return h('div', { class: 'ev-facts' },
    h('div', { class: 'ev-title' }, h('strong', null, hit.rule), ' · model ', h('code', null, e.model), ' · scope ', h('code', null, e.scope ?? '—')),
    h('div', null, 'value ', h('code', { class: 'own' }, feature), hist.event_bin !== null && hist.kind !== 'categorical' && bars.own >= 0 ? ` (bin ${bars.labels[bars.own]})` : null,
      ` seen ${e.featureCount} of ${fmtInt(e.totalEvents)} times · ${fmtInt(e.distinctValues)} distinct`),
    h('div', null, `confidence ${e.confidence.toFixed(3)} · rarity threshold ${e.thresholdCount} observations`,
      e.thresholdValue !== undefined ? ` · normal up to ${hist.scale === 'log10' ? fmtBytes(e.thresholdValue) : +e.thresholdValue.toFixed(3)}` : null,
      e.distance !== undefined ? ` · ${e.distance} bins beyond` : null),
    hist.total_bins > hist.bins.length ? h('div', { class: 'note' }, `showing ${hist.bins.length} of ${fmtInt(hist.total_bins)} bins (${fmtInt(hist.omitted_count)} observations in the others)`) : null);
}
