// The report page in headless Chromium (Debian's, through playwright-core): it loads from a
// file:// URL with no console error and no request, shows exactly the records' notable
// sessions and rules, and clicking a session shows its timeline and histograms.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, type Browser } from '../../scripts/chromium.ts';
import { demoRun, ROOT, SAMPLE, uebac, uebacAsync, type DemoRun } from './fixture.ts';

const ARTIFACTS = join(ROOT, 'test-artifacts');

let run: DemoRun;
let browser: Browser;
let html: string;

beforeAll(async () => {
  run = await demoRun();
  html = join(run.dir, 'report.html');
  const r = await uebacAsync(['report', run.records, '-o', html]);
  expect(r.status, r.stderr).toBe(0);
  browser = await launch();
});
afterAll(async () => { await browser?.close(); });

/** Open a page and collect everything that would mean it is broken or not offline. */
async function open(path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (req) => { if (!req.url().startsWith('file:')) problems.push(`request: ${req.url()}`); });
  await page.goto(`file://${path}`);
  await page.waitForSelector('body[data-ready]', { timeout: 20_000 });
  return { page, problems };
}

type Rec = { type: string; id?: string; notable?: boolean; session?: string | null; asset?: string; rule?: string; evidence?: { histogram?: unknown } };

describe('report page in Chromium', () => {
  it('loads offline with no console error and shows every notable session and rule of the records', async () => {
    const { page, problems } = await open(html);
    const recs = run.parsed as Rec[];
    const notable = recs.filter((r) => r.type === 'session' && r.notable).map((r) => r.id!);
    expect(notable.length).toBe(7);
    const rows = await page.$$eval('[data-testid=sessions] tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-id')));
    expect(new Set(rows)).toEqual(new Set(notable));
    const hitsInNotable = recs.filter((r) => r.type === 'rule' && r.asset === undefined && notable.includes(r.session!)).length;
    expect(await page.textContent('[data-testid=stat-hits] .stat-value')).toBe(String(hitsInNotable));
    // Rules fired per rule: the table holds every rule of the records with its count.
    const fired = await page.$$eval('[data-testid=rules-fired] tbody tr', (trs) => trs.map((tr) => [tr.children[0]!.textContent, Number(tr.children[4]!.textContent!.replace(/,/g, ''))] as const));
    const expected = new Map<string, number>();
    for (const r of recs) if (r.type === 'rule') expected.set(r.rule!, (expected.get(r.rule!) ?? 0) + 1);
    expect(new Map(fired)).toEqual(expected);
    // Rejects by reason, from the summary record.
    const summary = recs.at(-1) as unknown as { rejected: Record<string, number> };
    const rejects = await page.$$eval('[data-testid=rejects] tbody tr', (trs) => trs.map((tr) => [tr.children[0]!.textContent, Number(tr.children[1]!.textContent)] as const));
    expect(Object.fromEntries(rejects)).toEqual(summary.rejected);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('clicking a session shows its timeline: its rules in order, the score chart, histograms', async () => {
    const { page, problems } = await open(html);
    const recs = run.parsed as Rec[];
    for (const id of ['quinn.james-20261030094807', 'marcus.harris-20261028100534']) {
      await page.click(`[data-testid=sessions] tr[data-id="${id}"]`);
      await page.waitForSelector(`[data-testid=timeline][data-session="${id}"]`);
      const mine = recs.filter((r) => r.type === 'rule' && r.asset === undefined && r.session === id);
      const shown = await page.$$eval('[data-testid=timeline] [data-testid=hit] td.rule strong', (els) => els.map((e) => e.textContent));
      expect(shown).toEqual(mine.map((r) => r.rule));
      expect(await page.locator('[data-testid=score-chart] canvas').count()).toBe(1);
      expect(await page.locator('[data-testid=evidence] canvas').count()).toBe(mine.filter((r) => r.evidence?.histogram).length);
      expect(await page.getAttribute(`tr[data-id="${id}"]`, 'aria-selected')).toBe('true');
    }
    await page.screenshot({ path: join(ARTIFACTS, 'report-session.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('sorts by user and by time, and filters by text', async () => {
    const { page } = await open(html);
    const users = () => page.$$eval('[data-testid=sessions] tbody td.entity', (tds) => tds.map((td) => td.textContent!.replace(/^(user|asset) /, '')));
    await page.click('th[data-sort=entity]');
    const asc = await users();
    expect(asc).toEqual([...asc].sort());
    await page.click('th[data-sort=entity]');
    expect(await users()).toEqual([...asc].reverse());
    await page.click('th[data-sort=start]');
    const starts = await page.$$eval('[data-testid=sessions] tbody td.time', (tds) => tds.map((td) => td.textContent!));
    expect(starts).toEqual([...starts].sort());
    await page.fill('input[type=search]', 'EM-DED');
    expect(await users()).toEqual(['yara.collins']);
    await page.close();
  });

  it('explain --format html: a one-session report listing every event of the session', async () => {
    const id = 'quinn.james-20261030094807';
    const session = (run.parsed as Rec[]).find((r) => r.type === 'session' && r.id === id) as unknown as { events: number; score: number };
    const out = join(run.dir, 'explain.html');
    const r = await uebacAsync(['explain', id, SAMPLE, '--bundle', run.dir, '--context', join(ROOT, 'examples/context'), '-f', 'html', '-o', out]);
    expect(r.status, r.stderr).toBe(0);
    const { page, problems } = await open(out);
    expect(await page.getAttribute('[data-testid=timeline]', 'data-session')).toBe(id);
    const rows = await page.$$eval('[data-testid=events] tbody tr', (trs) => trs.map((tr) => tr.className));
    const mine = (run.parsed as Rec[]).filter((x) => x.type === 'rule' && x.asset === undefined && x.session === id);
    expect(rows.filter((c) => c === 'hit').length).toBe(mine.length);
    // Events that fired no rule get a row of their own; an event with rules is one row per rule.
    expect(rows.filter((c) => c === 'event').length).toBeGreaterThan(0);
    expect(rows.filter((c) => c === 'event').length + new Set(mine.map((x) => (x as unknown as { time: string }).time)).size).toBe(session.events);
    expect(await page.textContent('.detail-head .badge')).toBe(`score ${session.score}`);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('record text is shown as text: markup in records never runs', async () => {
    const path = join(run.dir, 'hostile.jsonl');
    const reason = '<img src=x onerror="window.__pwned=1"></script><script>window.__pwned=2</script><!--';
    writeFileSync(path, [
      { type: 'rule', rule: 'R-<b>', score: 95, time: '2026-01-01T00:00:00.000Z', user: 'u<i>', session: 's1', host: '<svg onload=alert(1)>', event_type: 'e', reason, mitre: ['T1048'] },
      { type: 'session', id: 's1', user: 'u<i>', start: '2026-01-01T00:00:00.000Z', end: '2026-01-01T00:00:00.000Z', score: 95, notable: true, events: 1, rules: ['R-<b>'] },
    ].map((r) => JSON.stringify(r)).join('\n') + '\n');
    const out = join(run.dir, 'hostile.html');
    expect(uebac(['report', path, '-o', out]).status).toBe(0);
    const { page, problems } = await open(out);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.textContent('[data-testid=hit] td.reason')).toContain(reason);
    expect(await page.locator('img, svg[onload]').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });
});
