// The README's screenshot of the demo report: `npm start`, then
// `npx tsx scripts/report-screenshot.ts [dist/report.html] [docs/report.png]`.
import { resolve } from 'node:path';
import { launch } from './chromium.ts';

const html = resolve(process.argv[2] ?? 'dist/report.html');
const png = resolve(process.argv[3] ?? 'docs/report.png');
// A session with categorical and numerical model evidence.
const session = process.argv[4] ?? 'quinn.james-20261030094807';

const browser = await launch({ width: 1400, height: 1760 });
try {
  const page = await browser.context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  await page.goto(`file://${html}#${encodeURIComponent(session)}`);
  await page.waitForSelector(`[data-testid=timeline][data-session="${session}"] canvas`);
  if (problems.length) throw new Error(problems.join('; '));
  await page.screenshot({ path: png });
  process.stdout.write(`${png}\n`);
} finally {
  await browser.close();
}
