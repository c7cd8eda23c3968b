// A stream with a new user, host and device on every line, written to stdout: the memory-cap
// benchmark. Pipe it into `uebac run … -` and watch the peak RSS (bench/README.md):
//   npx tsx bench/entity-flood.ts --lines 5000000 | /usr/bin/time -v node bin/uebac.mjs run --bundle dist --state :memory: --out /dev/null --quiet -
// Event time advances one second per line, so days (and day-sequences) turn over as in a log.
import { writeSync } from 'node:fs';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const LINES = arg('lines', 1_000_000);
const T0 = Date.UTC(2026, 9, 1);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

function line(i: number): string {
  const d = new Date(T0 + i * 1000);
  const rt = `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const id = i.toString(36);
  return `<134>${rt.slice(0, 6)} ${rt.slice(12)} apexcentral CEF:0|Trend Micro|Apex Central|2019|700107|Device Access Control|3|rt=${rt} GMT+00:00 cs1Label=Product_Entity/Endpoint cs1=APEXONE-SRV01 shost=WS-${id} src=10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255} duser=CORP\\\\user.${id} dvchost=WS-${id} cn1Label=Product cn1=15 sproc=C:\\\\Windows\\\\explorer.exe fname=E:\\\\Transfer\\\\file-${id}.docx cn2Label=Device_Type cn2=0 cn3Label=Permission cn3=0 cs2Label=Device_Vendor cs2=Vendor${id} cs3Label=Device_Model cs3=Model ${id} cs4Label=Device_Serial cs4=SER${id} deviceFacility=Apex One\n`;
}

const BATCH = 2000;
for (let i = 0; i < LINES; i += BATCH) {
  let chunk = '';
  for (let j = i; j < Math.min(LINES, i + BATCH); j++) chunk += line(j);
  let buf = Buffer.from(chunk);
  while (buf.length) {
    try {
      const n = writeSync(1, buf);
      buf = buf.subarray(n);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue; // pipe full: try again
      if ((e as NodeJS.ErrnoException).code === 'EPIPE') process.exit(0);
      throw e;
    }
  }
}
