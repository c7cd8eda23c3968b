// Content variants for the scaling cases, each a temp copy of content/ plus synthetic files:
//  - rules: a `bench-synthetic` event type that no parser produces, with `factor` × (real rule
//    count) synthetic rules on it (fact rules, aggregate rules, model rules with their own
//    models, dependency rules). Real events never reach them; the case measures what they
//    cost anyway (per-event loops over counters/models, dispatch, bundle size).
//  - parsers: N CEF parsers for other vendors (`BenchVendorI|BenchProductI`), each routing to
//    an event type the real parsers produce. No corpus line selects them.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CONTENT } from './config.ts';

export const SYNTHETIC_EVENT_TYPE = 'bench-synthetic';

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...yamlFiles(full));
    else if (/\.ya?ml$/.test(name)) out.push(full);
  }
  return out.sort();
}

interface Doc { kind?: string; id?: string; events?: Array<{ type?: string }>; fields?: Record<string, { type?: string; level?: string }> }

function docs(dir: string): Doc[] {
  return yamlFiles(dir).map((f) => (parseYaml(readFileSync(f, 'utf8')) ?? {}) as Doc);
}

export function countKind(dir: string, kind: string): number {
  return docs(dir).filter((d) => d.kind === kind).length;
}

const q = (s: string) => JSON.stringify(s);

/** Synthetic rule content: relative path → YAML text. */
export function syntheticRuleFiles(rules: number): Map<string, string> {
  const files = new Map<string, string>();
  const et = SYNTHETIC_EVENT_TYPE;
  files.set(`event-types/${et}.yaml`, [
    'kind: event-type',
    `id: ${et}`,
    'description: Synthetic event type for the rule-scaling benchmark; no parser produces it.',
    'fields:',
    '  user: { type: string, level: required }',
    '  host: { type: string, level: required }',
    ...['a', 'b', 'c', 'd', 'e'].map((x) => `  syn_${x}: { type: string, level: extended }`),
    '  syn_n: { type: number, level: extended }',
    '',
  ].join('\n'));
  const id = (i: number) => `BS-R${String(i).padStart(4, '0')}`;
  for (let i = 0; i < rules; i++) {
    const lines = ['kind: rule', `id: ${id(i)}`, `name: Synthetic rule ${i}`, `eventTypes: [${et}]`];
    switch (i % 4) {
      case 0: // fact rule with string built-ins
        lines.push(`expression: ${q(`contains(toLower(syn_a), 'needle${i}') && startsWith(host, 'h${i}')`)}`);
        break;
      case 1: // session aggregates (adds counters)
        lines.push(`classifyIf: ${q('count(syn_b) == 1')}`, `expression: ${q(`distinctCount(syn_c) > ${(i % 7) + 2}`)}`);
        break;
      case 2: { // model rule on its own model
        const model = `BS-M${String(i).padStart(4, '0')}`;
        files.set(`models/${et}/${model}.yaml`, [
          'kind: model', `id: ${model}`, 'type: categorical', 'scope: { type: user, field: user }',
          `feature: syn_d`, `eventTypes: [${et}]`, 'cutOff: 10', 'maxBins: 1000', 'agingDays: 90', '',
        ].join('\n'));
        lines.push(`model: ${model}`, `expression: ${q('num_observations == 0')}`);
        break;
      }
      default: // numeric comparison with a dependency
        lines.push(`expression: ${q(`syn_n > ${i * 10} && syn_e != 'x${i}'`)}`, `dependency: ${q(`not ${id(i - 3)}`)}`);
    }
    lines.push(`score: ${(i % 5) * 5 + 5}`, 'mitre: [T1052]', `reason: ${q(`Synthetic rule ${i} for {user}`)}`, '');
    files.set(`rules/${et}/${id(i)}.yaml`, lines.join('\n'));
  }
  return files;
}

/** The event type the first real parser builds, and its string/number fields. */
export function parserTarget(contentDir: string): { eventType: string; fields: Array<{ name: string; type: 'string' | 'number' }> } {
  const all = docs(contentDir);
  const eventType = all.find((d) => d.kind === 'parser' && d.events?.[0]?.type)?.events?.[0]?.type;
  if (!eventType) throw new Error(`no parser with an event type in ${contentDir}`);
  const et = all.find((d) => d.kind === 'event-type' && d.id === eventType);
  if (!et?.fields) throw new Error(`event type ${eventType} not found in ${contentDir}`);
  const fields: Array<{ name: string; type: 'string' | 'number' }> = [];
  for (const [name, f] of Object.entries(et.fields)) {
    if (f.level === 'derived') continue;
    if (f.type === 'string' || f.type === 'number') fields.push({ name, type: f.type });
  }
  return { eventType, fields };
}

const RAW_STRING_KEYS = ['suser', 'shost', 'dhost', 'fname', 'filePath', 'sproc', 'cs1', 'cs2', 'cs3', 'cs4', 'cs5', 'cs6', 'act', 'msg', 'request', 'app'];

/** Synthetic parser content: relative path → YAML text. */
export function syntheticParserFiles(parsers: number, target: ReturnType<typeof parserTarget>): Map<string, string> {
  const files = new Map<string, string>();
  const mapping = target.fields.slice(0, 14).map((f, k) => {
    const raw = RAW_STRING_KEYS[k % RAW_STRING_KEYS.length]!;
    const expr = f.type === 'number' ? `toNumber(cn${(k % 3) + 1})` : f.name === 'user' ? `toLower(afterLast(${raw}, '\\\\'))` : raw;
    return `  ${f.name}: ${q(expr)}`;
  });
  for (let i = 0; i < parsers; i++) {
    const id = `bench-vendor-${String(i).padStart(4, '0')}`;
    files.set(`parsers/bench-synthetic/${id}.yaml`, [
      'kind: parser', `id: ${id}`, `vendor: BenchVendor${i}`, `product: BenchProduct${i}`, 'format: cef', `priority: ${1000 + i}`,
      'select:', `  vendor: [${q(`BenchVendor${i}`)}]`, `  product: [${q(`BenchProduct${i}`)}]`, `  signature: [${q(String(100 + (i % 50)))}, ${q(`${i % 10}*`)}]`,
      'time:', '  from: rt', '  formats: ["MMM dd yyyy HH:mm:ss", epoch]',
      'fields:', ...mapping,
      'events:', `  - type: ${target.eventType}`, `    when: ${q(`act != 'blocked${i}'`)}`, '',
    ].join('\n'));
  }
  return files;
}

function writeAll(dir: string, files: Map<string, string>): void {
  for (const [rel, text] of files) {
    const full = join(dir, rel);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
}

export interface Packs {
  real: string;
  rules: string;
  parsers: string;
  realRules: number;
  syntheticRules: number;
  realParsers: number;
  syntheticParsers: number;
}

/** Copy content/ three times under `tmp` and add the synthetic files. */
export function preparePacks(tmp: string, rulesFactor: number, parsers: number): Packs {
  const real = join(tmp, 'content-real');
  const rules = join(tmp, 'content-rules');
  const parsersDir = join(tmp, 'content-parsers');
  for (const d of [real, rules, parsersDir]) cpSync(CONTENT, d, { recursive: true });
  const realRules = countKind(real, 'rule');
  const syntheticRules = Math.max(1, realRules) * rulesFactor;
  writeAll(rules, syntheticRuleFiles(syntheticRules));
  writeAll(parsersDir, syntheticParserFiles(parsers, parserTarget(real)));
  return { real, rules, parsers: parsersDir, realRules, syntheticRules, realParsers: countKind(real, 'parser'), syntheticParsers: parsers };
}

// ---- compiled scaled packs, cached ------------------------------------------------------
// The scaled packs are compiled once per distinct input: the pack files plus every source
// that shapes a bundle (compiler, runtime, the compile command, the lockfile). A hit skips
// their compile (seconds for 1000 parsers); the real pack is always compiled (cold-compile
// case).

function filesUnder(dir: string, ext: RegExp): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...filesUnder(full, ext));
    else if (ext.test(name)) out.push(full);
  }
  return out.sort();
}

export function compiledPackKey(contentDir: string, root: string): string {
  const h = createHash('sha256');
  const add = (base: string, files: string[]) => {
    for (const f of files) h.update(relative(base, f)).update('\0').update(readFileSync(f)).update('\0');
  };
  add(contentDir, filesUnder(contentDir, /./));
  add(root, [...filesUnder(join(root, 'compiler'), /\.(ts|peggy|pegjs|json)$/), ...filesUnder(join(root, 'runtime'), /\.ts$/), join(root, 'cli', 'compile-cmd.ts'), join(root, 'package-lock.json')].filter((f) => existsSync(f)));
  return h.digest('hex').slice(0, 16);
}
