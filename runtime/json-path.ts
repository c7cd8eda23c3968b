// JSON-path look-ups for parsers: `jsonPath(message, '$.a.b')`. The JSON object is found
// in the text (after any syslog prefix), parsed once per text (the last text is
// remembered, since a parser reads many paths from one line), and the path is walked.
//
// Supported paths (what Exabeam's parsers use): `$`, `.key`, `['key']` / `["key"]` (keys
// with dots or blanks), `..key` (anywhere below), `[n]`, `[*]`, `[a:b]`, and filters
// `[?(@.k == 'v')]` / `[?(@.k != 'v')]` / `[?(@.k)]`. The first match in document order is
// the value: strings as they are, numbers and booleans as text, objects and lists as JSON.

type Step =
  | { kind: 'key'; key: string; deep: boolean }
  | { kind: 'index'; index: number; deep: boolean }
  | { kind: 'all'; deep: boolean }
  | { kind: 'slice'; from: number; to: number | null; deep: boolean }
  | { kind: 'filter'; key: string; op: '==' | '!=' | 'exists'; value: string | number | boolean | null; deep: boolean };

const parsedPaths = new Map<string, Step[] | null>();

/** Steps of a path, or null when the path uses syntax outside the supported subset. */
export function parseJsonPath(path: string): Step[] | null {
  const hit = parsedPaths.get(path);
  if (hit !== undefined) return hit;
  const steps = parseSteps(path.trim());
  if (parsedPaths.size > 10_000) parsedPaths.clear();
  parsedPaths.set(path, steps);
  return steps;
}

function parseSteps(p: string): Step[] | null {
  if (!p.startsWith('$')) return null;
  const steps: Step[] = [];
  let i = 1;
  while (i < p.length) {
    let deep = false;
    if (p.startsWith('..', i)) { deep = true; i += 2; }
    else if (p[i] === '.') i += 1;
    if (p[i] === '[') {
      const close = findClose(p, i);
      if (close < 0) return null;
      const inner = p.slice(i + 1, close).trim();
      const step = bracket(inner, deep);
      if (!step) return null;
      steps.push(step);
      i = close + 1;
      continue;
    }
    const m = /^(\*|[^.[\]]+)/.exec(p.slice(i));
    if (!m) return null;
    steps.push(m[1] === '*' ? { kind: 'all', deep } : { kind: 'key', key: m[1]!, deep });
    i += m[1]!.length;
  }
  return steps;
}

function findClose(p: string, open: number): number {
  let quote: string | null = null;
  for (let i = open + 1; i < p.length; i++) {
    const c = p[i];
    if (quote) { if (c === quote) quote = null; continue; }
    if (c === '"' || c === "'") quote = c;
    else if (c === ']') return i;
  }
  return -1;
}

function bracket(inner: string, deep: boolean): Step | null {
  const quoted = /^(['"])(.*)\1$/.exec(inner);
  if (quoted) return { kind: 'key', key: quoted[2]!, deep };
  if (inner === '*') return { kind: 'all', deep };
  if (/^-?\d+$/.test(inner)) return { kind: 'index', index: Number(inner), deep };
  const slice = /^(-?\d*):(-?\d*)$/.exec(inner);
  if (slice) return { kind: 'slice', from: slice[1] ? Number(slice[1]) : 0, to: slice[2] ? Number(slice[2]) : null, deep };
  const filter = /^\?\(\s*@\.([\w-]+)\s*(?:(==|!=)\s*(?:'([^']*)'|"([^"]*)"|(-?\d+(?:\.\d+)?)|(true|false|null)))?\s*\)$/.exec(inner);
  if (filter) {
    const value = filter[3] ?? filter[4] ?? (filter[5] !== undefined ? Number(filter[5]) : filter[6] === undefined ? null : filter[6] === 'null' ? null : filter[6] === 'true');
    return { kind: 'filter', key: filter[1]!, op: (filter[2] as '==' | '!=' | undefined) ?? 'exists', value, deep };
  }
  return null;
}

let lastText: string | undefined;
let lastValue: unknown;

/** The JSON value in a text: from its first `{` (or `[`) on; undefined when there is none. */
function documentOf(text: string): unknown {
  if (text === lastText) return lastValue;
  lastText = text;
  lastValue = undefined;
  const brace = text.indexOf('{');
  const bracketAt = text.indexOf('[');
  const start = brace < 0 ? bracketAt : bracketAt < 0 ? brace : Math.min(brace, bracketAt);
  if (start < 0) return undefined;
  const end = text.lastIndexOf(text[start] === '{' ? '}' : ']');
  if (end <= start) return undefined;
  try {
    lastValue = JSON.parse(text.slice(start, end + 1));
  } catch {
    lastValue = undefined;
  }
  return lastValue;
}

function children(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (v !== null && typeof v === 'object') return Object.values(v);
  return [];
}

/** The node and everything below it, in document order. */
function descendants(v: unknown, out: unknown[]): void {
  out.push(v);
  for (const c of children(v)) descendants(c, out);
}

function apply(step: Step, nodes: unknown[]): unknown[] {
  const scope: unknown[] = [];
  if (step.deep) for (const n of nodes) descendants(n, scope);
  else scope.push(...nodes);
  const out: unknown[] = [];
  for (const n of scope) {
    switch (step.kind) {
      case 'key':
        if (n !== null && typeof n === 'object' && !Array.isArray(n) && Object.prototype.hasOwnProperty.call(n, step.key)) out.push((n as Record<string, unknown>)[step.key]);
        break;
      case 'index':
        if (Array.isArray(n)) { const v = n[step.index < 0 ? n.length + step.index : step.index]; if (v !== undefined) out.push(v); }
        break;
      case 'all':
        out.push(...children(n));
        break;
      case 'slice':
        if (Array.isArray(n)) out.push(...n.slice(step.from, step.to ?? undefined));
        break;
      case 'filter':
        for (const c of children(n)) {
          if (c === null || typeof c !== 'object') continue;
          const has = Object.prototype.hasOwnProperty.call(c, step.key);
          const v = (c as Record<string, unknown>)[step.key];
          if (step.op === 'exists' ? has : step.op === '==' ? has && v === step.value : !has || v !== step.value) out.push(c);
        }
        break;
    }
  }
  return out;
}

/** The first value at `path` in the JSON found in `text`, as text; null when absent. */
export function jsonPathValue(text: unknown, path: unknown): string | null {
  if (typeof text !== 'string' || typeof path !== 'string') return null;
  const steps = parseJsonPath(path);
  if (!steps) return null;
  const doc = documentOf(text);
  if (doc === undefined) return null;
  let nodes: unknown[] = [doc];
  for (const step of steps) {
    nodes = apply(step, nodes);
    if (nodes.length === 0) return null;
  }
  const v = nodes.find((n) => n !== null && n !== undefined);
  if (v === undefined) return null;
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}
