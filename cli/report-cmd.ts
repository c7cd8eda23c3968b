// `uebac report RECORDS.jsonl … -o report.html`: one self-contained HTML page of the notable
// sessions, their timelines and model evidence, and the run summary.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { readRecords } from '../report/data.ts';
import { renderHtml } from '../report/html.ts';

export async function reportCommand(files: string[], opts: { out: string; title?: string; minScore?: number }): Promise<number> {
  const data = await readRecords(files, { title: opts.title, minScore: opts.minScore });
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, renderHtml(data));
  const { records } = data;
  for (const b of records.badSample) process.stderr.write(`uebac: ${b.file}:${b.line}: ${b.reason}\n`);
  if (records.bad > records.badSample.length) process.stderr.write(`uebac: … and ${records.bad - records.badSample.length} more records not used\n`);
  process.stderr.write(`report            ${opts.out}: ${data.sessions.length} sessions, ${data.sessions.reduce((a, s) => a + s.hits.length, 0)} rules fired in them, from ${records.used} records${records.bad ? ` (${records.bad} not used)` : ''}\n`);
  return records.bad ? 1 : 0;
}
