// One self-contained HTML file: the report data as gzip-compressed JSON (base64), the viewer
// script and its style inlined. A Content-Security-Policy allows only that script (by hash)
// and no network at all.
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { viewAssets } from './assets.ts';
import type { ReportData, SessionView } from './model.ts';

/** Text safe inside <script>: no `</script`, no `<!--` (both only ever appear in strings). */
function scriptSafe(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/**
 * The data as base64 of gzip-compressed JSON: the page's HTML parser scans a tenth of the
 * bytes (large reports open faster, files are small), and base64 holds no `<` to end the element.
 */
function encode(text: string): string {
  return gzipSync(Buffer.from(text, 'utf8')).toString('base64');
}

function decode(text: string): string {
  return gunzipSync(Buffer.from(text, 'base64')).toString('utf8');
}

/**
 * Split the data for the page: the index (sessions without their hits and timelines) is
 * parsed when the page opens; each session's detail is a slice of one text, parsed only when
 * the session is shown — a report of 10,000 sessions opens without parsing 50,000 hits.
 */
export function packData(data: ReportData): { index: string; detail: string } {
  const parts: string[] = [];
  let offset = 0;
  const sessions = data.sessions.map((s) => {
    const { hits, timeline, ...rest } = s;
    const text = JSON.stringify({ hits, timeline });
    parts.push(text);
    const at: [number, number] = [offset, text.length];
    offset += text.length;
    return { ...rest, hits: [], detail: at };
  });
  return { index: JSON.stringify({ ...data, sessions }), detail: parts.join('') };
}

/** The data embedded in a page written by renderHtml, with every session's detail parsed back. */
export function pageData(html: string): ReportData {
  const grab = (id: string) => {
    const m = new RegExp(`<script type="application/gzip;base64" id="${id}">([A-Za-z0-9+/=]*)</script>`).exec(html);
    if (!m) throw new Error('not a uebac report page');
    return decode(m[1]!);
  };
  const data = JSON.parse(grab('uebac-data')) as ReportData;
  const detail = grab('uebac-detail');
  for (const s of data.sessions) {
    const d = JSON.parse(detail.slice(s.detail![0], s.detail![0] + s.detail![1])) as Pick<SessionView, 'hits' | 'timeline'>;
    s.hits = d.hits;
    if (d.timeline) s.timeline = d.timeline;
    delete s.detail;
  }
  return data;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderHtml(data: ReportData): string {
  const { script, style } = viewAssets();
  const packed = packData(data);
  const js = scriptSafe(script);
  const hash = createHash('sha256').update(js, 'utf8').digest('base64');
  const csp = `default-src 'none'; script-src 'sha256-${hash}'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="uebac report">
<title>${escapeHtml(data.title)}</title>
<style>${style.replace(/<\/(style)/gi, '<\\/$1')}</style>
</head>
<body>
<noscript>This report needs JavaScript (it runs offline; nothing is fetched).</noscript>
<div id="app"></div>
<script type="application/gzip;base64" id="uebac-data">${encode(packed.index)}</script>
<script type="application/gzip;base64" id="uebac-detail">${encode(packed.detail)}</script>
<script>${js}</script>
</body>
</html>
`;
}
