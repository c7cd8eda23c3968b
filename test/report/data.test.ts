// Reading records for a report: bad lines are counted with their file and line, never fatal
// and never silently dropped; a newer format is refused with a clear message.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecords, RecordsError } from '../../report/data.ts';
import { pageData, renderHtml } from '../../report/html.ts';
import { tempDir } from '../compiler/helpers.ts';

const T = '2026-10-01T10:00:00.000Z';
const rule = (over: Record<string, unknown> = {}) => ({ type: 'rule', rule: 'R1', score: 40, time: T, user: 'ann', session: 'ann-1', host: 'ws1', event_type: 'e', reason: 'why', mitre: ['T1048'], source: { file: 'x.log', line: 3 }, ...over });
const session = (over: Record<string, unknown> = {}) => ({ type: 'session', id: 'ann-1', user: 'ann', start: T, end: T, score: 100, notable: true, events: 2, rules: ['R1'], ...over });

function file(lines: Array<object | string>): string {
  const path = join(tempDir(), 'records.jsonl');
  writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return path;
}

describe('readRecords', () => {
  it('keeps notable sessions with their rules; the running score starts from the carried-in score', async () => {
    const d = await readRecords([file([rule(), rule({ rule: 'R2', score: 30 }), session(), rule({ session: 'bob-1', user: 'bob' }), session({ id: 'bob-1', user: 'bob', score: 40, notable: false })])]);
    expect(d.sessions.map((s) => s.id)).toEqual(['ann-1']);
    expect(d.sessions[0]!.hits.map((h) => h.rule)).toEqual(['R1', 'R2']);
    expect(d.sessions[0]!.initialScore).toBe(30);
    expect(d.records).toMatchObject({ read: 5, used: 5, bad: 0 });
  });

  it('--min-score also keeps scored sessions that are not notable', async () => {
    const d = await readRecords([file([rule(), session({ score: 40, notable: false })])], { minScore: 40 });
    expect(d.sessions.length).toBe(1);
  });

  it('counts broken JSON, records outside the schema and rules whose session never closed, with file:line', async () => {
    const path = file([rule(), session(), '{"type":"rule",', { type: 'session', id: 'x' }, rule({ session: 'open-1' })]);
    const d = await readRecords([path]);
    expect(d.records.bad).toBe(3);
    expect(d.records.badByReason).toEqual({ 'invalid-json': 1, 'invalid-record': 1, 'rule-without-session': 1 });
    expect(d.records.badSample.map((b) => `${b.line} ${b.reason.split(':')[0]}`)).toEqual(['3 invalid-json', '4 invalid-record', '5 rule-without-session']);
    expect(d.records.badSample.every((b) => b.file === path)).toBe(true);
    expect(d.sessions.length).toBe(1);
  });

  it('a session opened in one batch and closed in the next gets the rules of both files', async () => {
    const d = await readRecords([file([rule()]), file([rule({ rule: 'R2' }), session()])]);
    expect(d.records.bad).toBe(0);
    expect(d.sessions[0]!.hits.map((h) => h.rule)).toEqual(['R1', 'R2']);
  });

  it('refuses records of a newer format, naming the file and line', async () => {
    const path = file([{ type: 'header', schema: 99, pack: { id: 'p', version: '1', name: 'P' }, bundle: 'h', notable_threshold: 90, inputs: [], rules: [] }]);
    await expect(readRecords([path])).rejects.toThrow(RecordsError);
    await expect(readRecords([path])).rejects.toThrow(`${path}:1: records format version 99`);
  });

  it('sessions of several files keep their own threshold', async () => {
    const header = (t: number) => ({ type: 'header', schema: 2, pack: { id: 'p', version: '1', name: 'P' }, bundle: 'h', notable_threshold: t, inputs: [], rules: [] });
    const d = await readRecords([file([header(90), rule(), session()]), file([header(50), rule(), session()])]);
    expect(d.sessions.map((s) => s.threshold)).toEqual([90, 50]);
    expect(d.packs.length).toBe(1);
  });

  it('the page embeds the data compressed (no markup can end its element) and allows only its own script', async () => {
    const d = await readRecords([file([rule({ reason: '</script><script>alert(1)</script>\u2028' }), session()])]);
    const html = renderHtml(d);
    expect(html.match(/<\/script>/g)!.length).toBe(3); // index, detail, viewer
    expect((pageData(html) as typeof d).sessions[0]!.hits[0]!.reason).toBe('</script><script>alert(1)</script>\u2028');
    expect(html).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(html).toContain("default-src 'none'");
  });
});
