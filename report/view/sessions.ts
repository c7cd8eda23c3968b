/// <reference lib="dom" />
// The notable sessions table: sortable by score, entity and time, filtered by text, shown a
// page at a time so thousands of sessions render instantly.
import type { RuleInfo, SessionView } from '../model.ts';
import { clear, fmtDuration, fmtTime, h, techniqueLink } from './dom.ts';

type SortKey = 'score' | 'entity' | 'start' | 'events';
const PAGE = 100;

export interface SessionTable {
  el: HTMLElement;
  select(id: string): void;
}

export function sessionTable(sessions: readonly SessionView[], rules: ReadonlyMap<string, RuleInfo>, onSelect: (s: SessionView) => void): SessionTable {
  let sort: SortKey = 'score';
  let desc = true;
  let filter = '';
  let page = 0;
  let selected: string | null = null;
  let view: SessionView[] = [];

  const tbody = h('tbody');
  const info = h('span', { class: 'pager-info', 'data-testid': 'pager-info' });
  const prev = h('button', { type: 'button', 'aria-label': 'previous page' }, '‹');
  const next = h('button', { type: 'button', 'aria-label': 'next page' }, '›');
  const search = h('input', { type: 'search', placeholder: 'Filter by user, asset, rule or technique', 'aria-label': 'filter sessions' });
  const headers: Array<[SortKey | null, string]> = [['score', 'Score'], ['entity', 'User / asset'], ['start', 'Start (UTC)'], [null, 'Duration'], ['events', 'Events'], [null, 'Rules'], [null, 'MITRE']];
  const ths = headers.map(([key, label]) => {
    const th = h('th', key ? { 'data-sort': key, tabindex: 0, 'aria-sort': 'none' } : null, label);
    if (key) {
      const activate = () => {
        if (sort === key) desc = !desc;
        else {
          sort = key;
          desc = key === 'score' || key === 'events';
        }
        page = 0;
        refresh();
      };
      th.addEventListener('click', activate);
      th.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); activate(); } });
    }
    return th;
  });
  const table = h('table', { class: 'sessions', 'data-testid': 'sessions' }, h('thead', null, h('tr', null, ...ths)), tbody);
  const el = h('section', { class: 'panel sessions-panel' },
    h('div', { class: 'panel-head' }, h('h2', null, 'Notable sessions'), search),
    h('div', { class: 'table-wrap' }, table),
    h('div', { class: 'pager' }, prev, info, next));

  search.addEventListener('input', () => { filter = search.value.trim().toLowerCase(); page = 0; refresh(); });
  prev.addEventListener('click', () => { if (page > 0) { page--; render(); } });
  next.addEventListener('click', () => { if ((page + 1) * PAGE < view.length) { page++; render(); } });
  tbody.addEventListener('click', (e) => {
    const row = (e.target as Element).closest('tr[data-id]');
    if (row && !(e.target as Element).closest('a')) choose(row.getAttribute('data-id')!);
  });
  tbody.addEventListener('keydown', (e) => {
    const row = (e.target as Element).closest('tr[data-id]');
    if (row && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); choose(row.getAttribute('data-id')!); }
  });

  // Text each session is searched by, computed once.
  const haystack = new Map(sessions.map((s) => [s, `${s.entity} ${s.id} ${s.rules.join(' ')} ${s.mitre.join(' ')}`.toLowerCase()]));

  function compare(a: SessionView, b: SessionView): number {
    const d = sort === 'entity' ? (a.entity < b.entity ? -1 : a.entity > b.entity ? 1 : 0) : a[sort] - b[sort];
    return (desc ? -d : d) || a.start - b.start || (a.id < b.id ? -1 : 1);
  }

  function refresh(): void {
    view = (filter ? sessions.filter((s) => haystack.get(s)!.includes(filter)) : [...sessions]).sort(compare);
    for (const th of ths) {
      const key = th.getAttribute('data-sort');
      th.setAttribute('aria-sort', key === sort ? (desc ? 'descending' : 'ascending') : 'none');
    }
    render();
  }

  function render(): void {
    clear(tbody);
    const from = page * PAGE;
    const rows = view.slice(from, from + PAGE);
    const frag = document.createDocumentFragment();
    for (const s of rows) {
      const rulesCell = h('td', { class: 'rules' });
      for (const id of s.rules) rulesCell.appendChild(h('span', { class: 'chip', title: rules.get(id)?.name ?? id }, id));
      const mitreCell = h('td', { class: 'mitre' });
      for (const t of s.mitre) mitreCell.appendChild(techniqueLink(t));
      frag.appendChild(h('tr', { 'data-id': s.id, tabindex: 0, class: s.id === selected ? 'selected' : undefined, 'aria-selected': s.id === selected ? 'true' : 'false' },
        h('td', { class: 'num score' }, h('span', { class: `badge ${s.notable ? 'hot' : ''}` }, s.score)),
        h('td', { class: 'entity' }, h('span', { class: 'kind' }, s.kind === 'asset' ? 'asset' : 'user'), ' ', s.entity),
        h('td', { class: 'time' }, fmtTime(s.start)),
        h('td', { class: 'num' }, fmtDuration(s.end - s.start)),
        h('td', { class: 'num' }, s.events),
        rulesCell, mitreCell));
    }
    tbody.appendChild(frag);
    info.textContent = view.length === 0 ? 'no sessions' : `${from + 1}–${from + rows.length} of ${view.length}`;
    prev.disabled = page === 0;
    next.disabled = from + PAGE >= view.length;
  }

  const byId = new Map(sessions.map((s) => [s.id, s]));
  function choose(id: string): void {
    const s = byId.get(id);
    if (!s) return;
    selected = id;
    for (const tr of tbody.querySelectorAll('tr')) {
      const on = tr.getAttribute('data-id') === id;
      tr.classList.toggle('selected', on);
      tr.setAttribute('aria-selected', on ? 'true' : 'false');
    }
    onSelect(s);
  }

  refresh();
  return { el, select: choose };
}
