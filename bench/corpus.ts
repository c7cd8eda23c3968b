// Benchmark corpora, generated once and cached under node_modules/.cache/uebac-bench/.
//
// - The main corpus is the example generator's bench mode (`--scenario full --lines N`),
//   produced in a child process (1M lines take ~1 min and several GB of heap) and written in
//   chunks (one joined string of 1M lines would exceed V8's string limit). The cache key
//   includes a hash of the generator's sources, so a generator change regenerates it.
// - The many-users corpus is synthesised here: one Apex Central "Device Access Control"
//   USB write (CEF 700107) per user per day, every user with their own host and device.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { runChild } from './child.ts';
import { CACHE_DIR, ROOT } from './config.ts';

export interface Corpus {
  path: string;
  /** The first `warmLines` lines of the same corpus, for JIT warm-up. */
  warmPath: string;
  lines: number;
  bytes: number;
  description: string;
}

function sourceHash(paths: string[]): string {
  const h = createHash('sha256');
  for (const p of paths.sort()) h.update(p).update('\0').update(readFileSync(p)).update('\0');
  return h.digest('hex').slice(0, 12);
}

function generatorFiles(): string[] {
  const dir = join(ROOT, 'examples', 'gen');
  return readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f));
}

/** Remove stale cache files with the same stem but another hash. */
function prune(stem: string, keep: string[]): void {
  if (!existsSync(CACHE_DIR)) return;
  for (const f of readdirSync(CACHE_DIR)) if (f.startsWith(stem) && !keep.includes(f)) rmSync(join(CACHE_DIR, f), { force: true });
}

/** Buffered line writer (tmp file, renamed when complete so a crash leaves no half corpus). */
export class LineWriter {
  private fd: number;
  private buf: string[] = [];
  private size = 0;
  bytes = 0;
  lines = 0;
  constructor(readonly path: string) {
    this.fd = openSync(`${path}.tmp`, 'w');
  }
  line(text: string): void {
    this.buf.push(text, '\n');
    this.size += text.length + 1;
    this.lines++;
    if (this.size > 1 << 22) this.flush();
  }
  flush(): void {
    if (!this.buf.length) return;
    const data = Buffer.from(this.buf.join(''), 'utf8');
    let off = 0;
    while (off < data.length) off += writeSync(this.fd, data, off, data.length - off);
    this.bytes += data.length;
    this.buf = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
    renameSync(`${this.path}.tmp`, this.path);
  }
}

export async function ensureCorpus(lines: number, warmLines: number, seed: number): Promise<Corpus> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const stem = `corpus-full-s${seed}-n${lines}-`;
  const key = sourceHash([...generatorFiles(), join(ROOT, 'bench', 'gen-corpus.ts')]);
  const path = join(CACHE_DIR, `${stem}${key}.log`);
  // A warm-up prefix as long as the corpus is the corpus itself.
  const warmPath = warmLines >= lines ? path : join(CACHE_DIR, `${stem}${key}.warm${warmLines}.log`);
  const description = `examples/gen bench mode: --scenario full --seed ${seed} --lines ${lines}`;
  if (!existsSync(path) || !existsSync(warmPath)) {
    process.stderr.write(`generating corpus (${description}) → ${path}\n`);
    const started = Date.now();
    await runChild('gen-corpus.ts', { lines, warmLines, seed, out: path, warmOut: warmPath }, { nodeFlags: ['--max-old-space-size=16384'], label: 'corpus' });
    process.stderr.write(`corpus generated in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  prune(stem, [`${stem}${key}.log`, `${stem}${key}.warm${warmLines}.log`]);
  return { path, warmPath, lines, bytes: statSync(path).size, description };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** One USB write by user `u` at time `t` (Apex Central CEF 700107, permission modify). */
export function usbWriteLine(u: number, t: number, file: number): string {
  const d = new Date(t);
  const hms = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const user = `user${pad(u, 6)}`;
  const host = `WS-U${pad(u, 6)}`;
  const serial = `SN${pad(u, 6)}${pad(u % 97)}`;
  return `<134>${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${hms} apexcentral CEF:0|Trend Micro|Apex Central|2019|700107|Device Access Control|3|` +
    `rt=${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${hms} cs1Label=Product_Entity/Endpoint cs1=APEXONE-SRV01 ` +
    `shost=${host} src=10.${(u >> 16) & 255}.${(u >> 8) & 255}.${u & 255} duser=CORP\\\\${user} dvchost=${host} cn1Label=Product cn1=15 ` +
    `sproc=C:\\\\Windows\\\\explorer.exe fname=F:\\\\Work\\\\report_${file}.docx cn2Label=Device_Type cn2=0 cn3Label=Permission cn3=0 ` +
    `cs2Label=Device_Vendor cs2=Kingston cs3Label=Device_Model cs3=DataTraveler cs4Label=Device_Serial cs4=${serial} deviceFacility=Apex One`;
}

/** Many users: `days` days from 2026-10-01, each user writes once a day (times increase). */
export function ensureUsersCorpus(users: number, days: number): Corpus {
  mkdirSync(CACHE_DIR, { recursive: true });
  const stem = `corpus-users-u${users}-d${days}-`;
  const key = sourceHash([join(ROOT, 'bench', 'corpus.ts')]);
  const path = join(CACHE_DIR, `${stem}${key}.log`);
  const warmPath = join(CACHE_DIR, `${stem}${key}.warm.log`);
  if (!existsSync(path) || !existsSync(warmPath)) {
    const start = Date.UTC(2026, 9, 1);
    const w = new LineWriter(path);
    const warm = new LineWriter(warmPath);
    const span = 10 * 3_600_000; // working hours 08:00–18:00
    for (let d = 0; d < days; d++) {
      for (let u = 0; u < users; u++) {
        const t = start + d * 86_400_000 + 8 * 3_600_000 + Math.floor((u * span) / users);
        const line = usbWriteLine(u, t, d);
        w.line(line);
        if (d === 0 && u < 5_000) warm.line(usbWriteLine(u, t, d));
      }
    }
    w.close();
    warm.close();
  }
  prune(stem, [`${stem}${key}.log`, `${stem}${key}.warm.log`]);
  return { path, warmPath, lines: users * days, bytes: statSync(path).size, description: `synthetic: ${users} users × ${days} days, one CEF USB write each` };
}
