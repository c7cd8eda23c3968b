// One self-contained HTML file: the report data as JSON, the viewer script and its style
// inlined. A Content-Security-Policy allows only that script (by hash) and no network at all.
import { createHash } from 'node:crypto';
import { viewAssets } from './assets.ts';
import type { ReportData } from './model.ts';

/** Text safe inside <script>: no `</script`, no `<!--` (both only ever appear in strings). */
function scriptSafe(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** JSON safe inside <script type="application/json">: `<` escaped, so no tag can close it. */
function jsonSafe(data: unknown): string {
  return JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
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
<script type="application/json" id="uebac-data">${jsonSafe(data)}</script>
<script>${js}</script>
</body>
</html>
`;
}
