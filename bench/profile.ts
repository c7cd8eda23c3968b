// Reads a V8 .cpuprofile (node --cpu-prof) and ranks functions by self time.
//
// Locations are made readable: code inside a compiled bundle is mapped to the runtime
// source it was bundled from (esbuild marks each module with a `// runtime/….ts` comment),
// or to "generated" for the pack's own code; functions whose line is lost (tsx reports
// some at line 1) are looked up by name in their source file.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from './config.ts';

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

export interface Hotspot {
  name: string;
  where: string;
  selfMs: number;
  /** Share of the sampled time, (idle) and (program) excluded. */
  percent: number;
}

const fileLines = new Map<string, string[]>();
function linesOf(path: string): string[] {
  let l = fileLines.get(path);
  if (!l) fileLines.set(path, (l = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : []));
  return l;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** 1-based line of a function or method named `name` in a source file, or 0. */
function findDefinition(path: string, name: string): number {
  if (!name || name.startsWith('(')) return 0;
  const n = escapeRe(name);
  const re = new RegExp(`(?:\\bfunction\\*?\\s+${n}\\s*[<(])|(?:^\\s*(?:(?:export|private|public|protected|static|async|readonly|get|set)\\s+)*${n}\\s*[<(])|(?:\\b(?:const|let)\\s+${n}\\s*=)`);
  const lines = linesOf(path);
  for (let i = 0; i < lines.length; i++) if (re.test(lines[i]!)) return i + 1;
  return 0;
}

function where(cf: CallFrame): string {
  if (!cf.url) return '';
  let path = cf.url.split('?')[0]!;
  if (!path.startsWith('file:')) return `${path}:${cf.lineNumber + 1}`;
  path = fileURLToPath(path);
  const line = cf.lineNumber + 1;
  if (path.endsWith('bundle.mjs')) {
    const lines = linesOf(path);
    let section = '';
    for (let i = Math.min(cf.lineNumber, lines.length - 1); i >= 0; i--) {
      const m = /^\/\/ (\S+\.ts)$/.exec(lines[i]!);
      if (m) { section = m[1]!; break; }
    }
    if (!section || section === 'bundle.ts') return `bundle.mjs:${line} (generated pack code)`;
    const def = findDefinition(join(ROOT, section), cf.functionName);
    return `${section}${def ? `:${def}` : ''} (in bundle.mjs:${line})`;
  }
  const rel = path.startsWith(ROOT) ? relative(ROOT, path) : path;
  if (line <= 1) {
    const def = findDefinition(path, cf.functionName);
    if (def) return `${rel}:${def}`;
  }
  return `${rel}:${line}`;
}

export function hotspots(file: string, top = 10): { total: number; list: Hotspot[] } {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, { name: string; where: string; us: number }>();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const node = byId.get(p.samples[i]!);
    const us = p.timeDeltas[i] ?? 0;
    if (!node) continue;
    const cf = node.callFrame;
    if (cf.functionName === '(idle)' || cf.functionName === '(program)') continue;
    const key = `${cf.functionName}@${cf.url}:${cf.lineNumber}`;
    let e = self.get(key);
    if (!e) self.set(key, (e = { name: cf.functionName || '(anonymous)', where: where(cf), us: 0 }));
    e.us += us;
    total += us;
  }
  const list = [...self.values()].sort((a, b) => b.us - a.us).slice(0, top)
    .map((e) => ({ name: e.name, where: e.where, selfMs: e.us / 1000, percent: (100 * e.us) / total }));
  return { total: total / 1000, list };
}
