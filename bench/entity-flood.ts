// The memory-cap benchmark: a stream with a new user, host, device and file on every line,
// piped into `uebac run`, with the run's resident memory sampled as the stream goes. Every
// store keyed by an entity (sessions, model instances, seen-anywhere sets, day-sequences,
// asset sequences, bins) must plateau at its cap and count its evictions.
//   npx tsx bench/entity-flood.ts [--lines 5000000] [--every 500000] [--bundle dist] [--state :memory:|FILE]
//   npx tsx bench/entity-flood.ts --emit --lines N | …   (only write the stream to stdout)
// Prints, every `--every` lines: lines/s, current RSS and peak RSS of the `uebac run` process;
// at the end its own peak (getrusage, so nothing between samples is missed), the evictions by
// kind from the run summary, and the plateau: peak RSS in the second half of the stream
// against the peak in the first half (1.00 = flat).
// Event time advances one second per line, so days (and day-sequences) turn over as in a log.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}

const LINES = Number(arg('lines', '5000000'));
const T0 = Date.UTC(2026, 9, 1);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

export function floodLine(i: number): string {
  const d = new Date(T0 + i * 1000);
  const rt = `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const id = i.toString(36);
  return `<134>${rt.slice(0, 6)} ${rt.slice(12)} apexcentral CEF:0|Trend Micro|Apex Central|2019|700107|Device Access Control|3|rt=${rt} GMT+00:00 cs1Label=Product_Entity/Endpoint cs1=APEXONE-SRV01 shost=WS-${id} src=10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255} duser=CORP\\\\user.${id} dvchost=WS-${id} cn1Label=Product cn1=15 sproc=C:\\\\Windows\\\\explorer.exe fname=E:\\\\Transfer\\\\file-${id}.docx cn2Label=Device_Type cn2=0 cn3Label=Permission cn3=0 cs2Label=Device_Vendor cs2=Vendor${id} cs3Label=Device_Model cs3=Model ${id} cs4Label=Device_Serial cs4=SER${id} deviceFacility=Apex One\n`;
}

const BATCH = 2000;
function chunk(from: number): string {
  let s = '';
  for (let j = from; j < Math.min(LINES, from + BATCH); j++) s += floodLine(j);
  return s;
}

function emitToStdout(): void {
  for (let i = 0; i < LINES; i += BATCH) {
    let buf = Buffer.from(chunk(i));
    while (buf.length) {
      try {
        buf = buf.subarray(writeSync(1, buf));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue; // pipe full: try again
        if ((e as NodeJS.ErrnoException).code === 'EPIPE') process.exit(0);
        throw e;
      }
    }
  }
}

/** VmRSS and VmHWM (peak) of a live process, in MB (Linux). */
function rssOf(pid: number): { rss: number; peak: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return { rss: NaN, peak: NaN };
  }
}

async function measure(): Promise<void> {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const every = Number(arg('every', '500000'));
  const bundle = arg('bundle', join(root, 'dist'));
  const tmp = mkdtempSync(join(tmpdir(), 'uebac-flood-'));
  const state = arg('state', ':memory:') === 'file' ? join(tmp, 'state.db') : arg('state', ':memory:');
  // The child reports its own peak RSS at exit (getrusage): a sample can miss a short peak.
  const maxRss = 'data:text/javascript,process.on("exit",()=>process.stderr.write("maxrss-kb "+process.resourceUsage().maxRSS+"\\n"))';
  const child = spawn(process.execPath, ['--import', maxRss, join(root, 'bin/uebac.mjs'), 'run', '--bundle', bundle, '--state', state, '--out', '/dev/null', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = ''; // the run summary (stdout) and the peak report (stderr)
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  console.log(`entity flood: ${LINES.toLocaleString('en')} lines, a new user/host/device per line → uebac run --state ${state === ':memory:' ? ':memory:' : 'FILE'}`);
  console.log('     lines   lines/s   RSS MB  peak MB');
  const start = performance.now();
  const samples: Array<{ lines: number; peak: number }> = [];
  for (let i = 0; i < LINES; i += BATCH) {
    if (!child.stdin.write(chunk(i))) await new Promise((r) => child.stdin.once('drain', r));
    const done = Math.min(LINES, i + BATCH);
    if (done % every === 0 || done === LINES) {
      const { rss, peak } = rssOf(child.pid!);
      samples.push({ lines: done, peak });
      const rate = done / ((performance.now() - start) / 1000);
      console.log(`${String(done).padStart(10)} ${rate.toFixed(0).padStart(9)} ${rss.toFixed(0).padStart(8)} ${peak.toFixed(0).padStart(8)}`);
    }
  }
  child.stdin.end();
  const code = await exited;
  const seconds = (performance.now() - start) / 1000;
  rmSync(tmp, { recursive: true, force: true });
  const peakKb = Number(/maxrss-kb (\d+)/.exec(stderr)?.[1] ?? NaN);
  const evicted = /^evicted\s+(.*)$/m.exec(stderr)?.[1] ?? 'none';
  if (code !== 0) {
    console.log(stderr);
    throw new Error(`uebac run exited with ${code}`);
  }
  const half = samples.filter((s) => s.lines <= LINES / 2).at(-1)?.peak ?? NaN;
  console.log(`done: ${seconds.toFixed(0)} s, ${(LINES / seconds).toFixed(0)} lines/s overall; peak RSS ${(peakKb / 1024).toFixed(0)} MB (at half the stream ${half.toFixed(0)} MB: ratio ${(peakKb / 1024 / half).toFixed(2)})`);
  console.log(`evicted: ${evicted}`);
}

if (process.argv.includes('--emit')) emitToStdout();
else await measure();
