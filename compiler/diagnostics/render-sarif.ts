// SARIF 2.1.0 output, the format code-scanning services and many editors import.
//
// One run, one tool ("uebac"). Each diagnostic code that occurs becomes a reporting rule
// (SARIF's name for a check) carrying the registry's documentation, and each diagnostic a
// result pointing at that rule by id and index. Paths are made relative to %SRCROOT% so the
// log can be uploaded from any checkout location.

import { pathToFileURL } from 'node:url';
import { codeInfo, type CodeInfo } from './codes.ts';
import { sortDiagnostics } from './render-json.ts';
import type { Diagnostic, Severity } from './types.ts';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SRCROOT = '%SRCROOT%';

export interface SarifRenderOptions {
  /** Version of the compiler that produced the diagnostics. */
  toolVersion: string;
  /** Where %SRCROOT% is: an absolute URI (`file:///…/`) or a filesystem directory. */
  baseUri?: string;
  /** Where to read about uebac; emitted as driver.informationUri when given. */
  informationUri?: string;
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};

export function renderSarif(ds: Diagnostic[], opts: SarifRenderOptions): string {
  const sorted = sortDiagnostics(ds);

  // Rules: one per code used, in code order, so ruleIndex is stable for the same input.
  const codes = [...new Set(sorted.map((d) => d.code))].sort();
  const ruleIndex = new Map(codes.map((code, i) => [code, i]));
  const rules = codes.map((code) => sarifRule(codeInfo(code)));

  const results = sorted.map((d) => ({
    ruleId: d.code,
    ruleIndex: ruleIndex.get(d.code) as number,
    level: LEVEL[d.severity],
    message: { text: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message },
    locations: [{ physicalLocation: physicalLocation(d) }],
  }));

  const run = {
    tool: {
      driver: {
        name: 'uebac',
        version: opts.toolVersion,
        ...(opts.informationUri ? { informationUri: opts.informationUri } : {}),
        rules,
      },
    },
    ...(opts.baseUri ? { originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(opts.baseUri) } } } : {}),
    // Our columns count UTF-16 code units, as JavaScript strings do; say so rather than rely on the default.
    columnKind: 'utf16CodeUnits',
    results,
  };

  return JSON.stringify({ $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] }, null, 2) + '\n';
}

function sarifRule(info: CodeInfo) {
  const helpText = info.fix ? `${info.explanation}\n\nHow to fix: ${info.fix}` : info.explanation;
  const helpMarkdown = [
    info.explanation,
    ...(info.example ? ['', 'Example:', '', '```', info.example, '```'] : []),
    ...(info.fix ? ['', `**How to fix:** ${info.fix}`] : []),
  ].join('\n');
  return {
    id: info.code,
    name: info.name,
    shortDescription: { text: info.summary },
    fullDescription: { text: info.explanation },
    help: { text: helpText, markdown: helpMarkdown },
    defaultConfiguration: { level: LEVEL[info.severity] },
    properties: { phase: info.phase },
  };
}

function physicalLocation(d: Diagnostic) {
  const { start, end } = d.range;
  const artifactLocation = artifactUri(d.file);
  // A diagnostic about a whole file (e.g. unreadable) may have no real position; SARIF lines start at 1.
  if (start.line < 1 || start.col < 1) return { artifactLocation };
  return {
    artifactLocation,
    region: {
      startLine: start.line,
      startColumn: start.col,
      endLine: Math.max(end.line, start.line),
      // SARIF's endColumn is exclusive, like ours; never let a region end before it starts.
      endColumn: end.line > start.line ? Math.max(1, end.col) : Math.max(start.col, end.col),
    },
  };
}

function artifactUri(file: string): { uri: string; uriBaseId?: string } {
  const slashed = file.replace(/\\/g, '/');
  if (/^[A-Za-z]:\//.test(slashed)) return { uri: `file:///${encodePath(slashed)}` };
  if (slashed.startsWith('/')) return { uri: pathToFileURL(slashed).href };
  return { uri: encodePath(slashed.replace(/^(\.\/)+/, '')), uriBaseId: SRCROOT };
}

// Encode each segment so spaces, '#', '%' etc. make a valid URI reference; keep the slashes
// and a drive letter's colon.
function encodePath(path: string): string {
  return path
    .split('/')
    .map((seg) => (/^[A-Za-z]:$/.test(seg) ? seg : encodeURIComponent(seg)))
    .join('/');
}

/** SARIF requires base URIs to be absolute and to end with a slash. */
function directoryUri(base: string): string {
  // A URI scheme has at least two letters, which keeps Windows drive letters ("C:") out.
  const uri = /^[A-Za-z][A-Za-z0-9+.-]+:/.test(base) ? base : pathToFileURL(base).href;
  return uri.endsWith('/') ? uri : `${uri}/`;
}
