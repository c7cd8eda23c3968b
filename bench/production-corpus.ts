// The production-like corpus: the main corpus reshaped to what an Apex Central / Deep Security
// feed looks like in production. Every web-activity line (CEF `WB:`) is kept and the other
// lines (DLP, e-mail DLP, USB, 4674, the rest) are sampled down to a quarter of them (80 % web,
// 20 % the rest, in time order); Apex Central lines gain the documented keys the generator
// leaves out (web: cnt, cs2, cs4 and cn2 with their labels; every record:
// deviceExternalId, dvc, dvcmac, deviceNtDomain, TMCMLogDetectedHost/IP, TMCMdevicePlatform),
// which brings a web line to ~800 bytes. Deterministic (seeded), cached beside the corpus.
import { createHash } from 'node:crypto';
import { prng } from './prng.ts';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readLines } from '../runtime/lines.ts';
import { CACHE_DIR, ROOT } from './config.ts';
import { LineWriter, type Corpus } from './corpus.ts';


const isWeb = (line: string) => line.includes('|Apex Central|') && /\|WB:\d+\|/.test(line);

/** The value of `key=` in a CEF line (up to the next space), or null. */
function valueOf(line: string, key: string): string | null {
  const at = line.indexOf(` ${key}=`);
  if (at < 0) return null;
  const start = at + key.length + 2;
  const end = line.indexOf(' ', start);
  return line.slice(start, end < 0 ? line.length : end);
}

function hex(rand: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(rand() * 16).toString(16);
  return s;
}

/** The keys Apex Central sends that the generator does not (values consistent with the line). */
function apexExtras(line: string, web: boolean, rand: () => number): string {
  const has = (k: string) => line.includes(` ${k}=`) || line.includes(`|${k}=`);
  const host = valueOf(line, 'shost') ?? valueOf(line, 'dvchost') ?? 'WS-UNKNOWN';
  const ip = valueOf(line, 'src') ?? `10.10.${Math.floor(rand() * 250)}.${Math.floor(rand() * 250)}`;
  const parts: string[] = [];
  if (web) {
    if (!has('cnt')) parts.push('cntLabel=AggregatedCount cnt=1');
    if (!has('cs2')) parts.push('cs2Label=Blocking_Rule cs2=Web Reputation');
    if (!has('cs4')) parts.push(`cs4Label=CLF_ReasonCode cs4=${Math.floor(rand() * 4)}`);
    if (!has('cn2')) parts.push(`cn2Label=SLF_SeverityLevel cn2=${[900, 700, 500][Math.floor(rand() * 3)]}`);
  }
  const guid = `${hex(rand, 8)}-${hex(rand, 4)}-${hex(rand, 4)}-${hex(rand, 4)}-${hex(rand, 12)}`;
  if (!has('deviceExternalId')) parts.push(`deviceExternalId=${guid}`);
  if (!has('dvc')) parts.push(`dvc=${ip}`);
  if (!has('dvcmac')) parts.push(`dvcmac=${hex(rand, 2)}-${hex(rand, 2)}-${hex(rand, 2)}-${hex(rand, 2)}-${hex(rand, 2)}-${hex(rand, 2)}`);
  if (!has('deviceNtDomain')) parts.push('deviceNtDomain=CORP');
  if (!has('TMCMLogDetectedHost')) parts.push(`TMCMLogDetectedHost=${host}`);
  if (!has('TMCMLogDetectedIP')) parts.push(`TMCMLogDetectedIP=${ip}`);
  if (!has('TMCMdevicePlatform')) parts.push('TMCMdevicePlatform=Windows 10');
  return parts.length ? ` ${parts.join(' ')}` : '';
}

export async function ensureProductionCorpus(base: Corpus, seed: number): Promise<Corpus> {
  const key = createHash('sha256').update(readFileSync(join(ROOT, 'bench', 'production-corpus.ts'))).update(base.path).digest('hex').slice(0, 12);
  const path = join(CACHE_DIR, `corpus-production-${key}.log`);
  const warmPath = join(CACHE_DIR, `corpus-production-${key}.warm.log`);
  let web = 0;
  let other = 0;
  if (!existsSync(path) || !existsSync(warmPath)) {
    mkdirSync(CACHE_DIR, { recursive: true });
    for await (const batch of readLines(base.path)) for (const l of batch) { if (isWeb(l.text)) web++; else other++; }
    const keep = Math.min(1, (web / 4) / Math.max(other, 1));
    const rand = prng(seed);
    const w = new LineWriter(path);
    const warm = new LineWriter(warmPath);
    for await (const batch of readLines(base.path)) {
      for (const l of batch) {
        const text = l.text;
        const isW = isWeb(text);
        if (!isW && rand() >= keep) continue;
        const out = text.includes('|Apex Central|') ? text + apexExtras(text, isW, rand) : text;
        w.line(out);
        if (warm.lines < 5_000) warm.line(out);
      }
    }
    w.close();
    warm.close();
    for (const f of readdirSync(CACHE_DIR)) if (f.startsWith('corpus-production-') && !f.includes(key)) rmSync(join(CACHE_DIR, f), { force: true });
  }
  let lines = 0;
  let webLines = 0;
  let webBytes = 0;
  for await (const batch of readLines(path)) for (const l of batch) { lines++; if (isWeb(l.text)) { webLines++; webBytes += Buffer.byteLength(l.text); } }
  const bytes = statSync(path).size;
  return {
    path, warmPath, lines, bytes,
    description: `production-like: ${(100 * webLines / lines).toFixed(0)} % web (${Math.round(webBytes / Math.max(webLines, 1))} B/line), the rest DLP / e-mail / USB / 4674 / other, ${Math.round(bytes / lines)} B/line overall (bench/production-corpus.ts)`,
  };
}
