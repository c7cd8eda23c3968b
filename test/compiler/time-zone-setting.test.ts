// settings.timeZoneOffsetMinutes reaches the compiled program: a timestamp without a zone is
// read in the pack's zone, one with an explicit zone is not shifted.
import { describe, expect, it } from 'vitest';
import { compileTexts, contentTexts, edit, loadCompiled } from './helpers.ts';

const LINE = (rt: string) =>
  `<134>Oct 01 08:05:52 apexcentral CEF:0|Trend Micro|Apex Central|2019|700107|Device Access Control|3|rt=${rt} cs1Label=Product_Entity/Endpoint cs1=APEXONE-SRV01 shost=WS-01 src=10.13.1.11 duser=CORP\\\\fiona.allen dvchost=WS-01 act=Write`;

async function timesWithOffset(minutes: number | null): Promise<number[]> {
  const t = contentTexts();
  if (minutes !== null) edit(t, 'pack.yaml', /^settings:\n/m, `settings:\n  timeZoneOffsetMinutes: ${minutes}\n`);
  const { ir, diagnostics } = compileTexts(t);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const { program } = await loadCompiled(ir!);
  return ['Oct 01 2026 08:05:52', 'Oct 01 2026 08:05:52 GMT+00:00'].map((rt) => {
    const r = program.parse(LINE(rt));
    if (!r.ok) throw new Error(`line not parsed: ${JSON.stringify(r)}`);
    return r.event.time as number;
  });
}

describe('settings.timeZoneOffsetMinutes', { timeout: 60_000 }, () => {
  it('shifts zoneless timestamps by the pack offset and leaves zoned ones alone', async () => {
    const utc = Date.UTC(2026, 9, 1, 8, 5, 52);
    expect(await timesWithOffset(null)).toEqual([utc, utc]);
    // 08:05:52 at UTC+02:00 is 06:05:52 UTC.
    expect(await timesWithOffset(120)).toEqual([utc - 120 * 60_000, utc]);
  });
});
