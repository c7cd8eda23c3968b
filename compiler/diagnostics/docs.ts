// Generates docs/diagnostics.md from the code registry, so the reference can never disagree
// with what the compiler reports. test/diagnostics/docs.test.ts fails when the committed file
// is stale; run it with UPDATE_DOCS=1 to rewrite the file.

import { CODES, type CodeInfo } from './codes.ts';

export function renderDiagnosticsReference(): string {
  const infos = Object.values(CODES).sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const out: string[] = [
    '# Diagnostics reference',
    '',
    '<!-- Generated from compiler/diagnostics/codes.ts. Do not edit by hand: run',
    '     `UPDATE_DOCS=1 npx vitest run test/diagnostics/docs.test.ts` after changing the registry. -->',
    '',
    'Every problem `uebac` finds in content is reported with a stable code such as `UEB0302`,',
    'a severity, and the file, line and column it concerns. A code keeps its meaning forever;',
    'codes that are retired are never given to another check, so you can search for a code,',
    'filter on it in CI, or link to its section below.',
    '',
    'Errors stop compilation (exit code 1). Warnings point at content that compiles but',
    'probably does not do what you mean, such as a rule that can never fire.',
    '',
    'Codes are grouped by the phase that reports them:',
    '',
    '| Range | Phase |',
    '| --- | --- |',
    '| UEB00xx | loading files and basic structure |',
    '| UEB01xx | schema validation |',
    '| UEB02xx | references between content items, and the content graph |',
    '| UEB03xx | expressions |',
    '| UEB04xx | regular expressions |',
    '| UEB05xx | context data |',
    '| UEB06xx | content tests |',
    '',
    '## All codes',
    '',
    '| Code | Name | Severity | Phase | Summary |',
    '| --- | --- | --- | --- | --- |',
    ...infos.map(
      (i) =>
        `| [${i.code}](#${anchor(i)}) | ${i.name} | ${i.severity} | ${i.phase} | ${tableCell(i.summary)} |`,
    ),
    '',
  ];
  for (const info of infos) out.push(...section(info));
  return out.join('\n');
}

function section(info: CodeInfo): string[] {
  const lines = [
    `## ${info.code} ${info.name}`,
    '',
    `**Severity:** ${info.severity} · **Phase:** ${info.phase}`,
    '',
    `${capitalize(info.summary)}.`,
    '',
    info.explanation,
    '',
  ];
  if (info.example) lines.push('Example:', '', fence(info.example), '');
  if (info.fix) lines.push(`**How to fix:** ${info.fix}`, '');
  return lines;
}

/** GitHub's heading anchor for `## UEB0302 unknown-field`. */
function anchor(info: CodeInfo): string {
  return `${info.code} ${info.name}`.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');
}

function tableCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Code block whose fence is longer than any backtick run inside the example. */
function fence(code: string): string {
  const longestRun = Math.max(2, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  const marks = '`'.repeat(longestRun + 1);
  return `${marks}${exampleLanguage(code)}\n${code}\n${marks}`;
}

/** Examples are YAML, except context data examples, which are CSV rows. */
function exampleLanguage(code: string): 'yaml' | 'csv' {
  const looksLikeCsv = code.split('\n').every((line) => line.includes(',') && !line.includes(': '));
  return looksLikeCsv ? 'csv' : 'yaml';
}
