// One self-contained HTML file: the report data as gzip-compressed JSON (base64), the viewer
// script and its style inlined. A Content-Security-Policy allows only that script (by hash)
// and no network at all.
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { viewAssets } from './assets.ts';
import type { ReportData } from './model.ts';

/** Text safe inside <script>: no `</script`, no `<!--` (both only ever appear in strings). */
function scriptSafe(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/**
 * The data as base64 of gzip-compressed JSON: the page's HTML parser scans a tenth of the
 * bytes (large reports open faster, files are small), and base64 holds no `<` to end the element.
 */
export function encodeData(data: unknown): string {
  return gzipSync(Buffer.from(JSON.stringify(data), 'utf8')).toString('base64');
}

export function decodeData(text: string): unknown {
  return JSON.parse(gunzipSync(Buffer.from(text, 'base64')).toString('utf8'));
}

/** The embedded data of a page written by renderHtml. */
export function pageData(html: string): unknown {
  const m = /<script type="application\/gzip;base64" id="uebac-data">([A-Za-z0-9+/=]*)<\/script>/.exec(html);
  if (!m) throw new Error('not a uebac report page');
  return decodeData(m[1]!);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderHtml(data: ReportData): string {
  const { script, style } = viewAssets();
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
<script type="application/gzip;base64" id="uebac-data">${encodeData(data)}</script>
<script>${js}</script>
</body>
</html>
`;
}
