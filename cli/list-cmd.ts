// `uebac list rules|models|parsers|event-types`: what a pack holds, with scores, MITRE
// techniques and event types. Read from a compiled bundle's manifest.json (default: what
// runs, and no compiler is loaded), or with --content DIR compiled in memory from the source.
import { readManifest, type Manifest } from '../runtime/bundle.ts';
import { stdoutPaint } from './color.ts';
import { InputError } from './errors.ts';

export const LIST_KINDS = ['rules', 'models', 'parsers', 'event-types'] as const;
export type ListKind = (typeof LIST_KINDS)[number];
export type ListFormat = 'text' | 'json';

export interface ListOptions {
  bundle: string;
  content?: string;
  format: ListFormat;
}

type Row = Record<string, string | number | null | readonly string[]>;

function rowsOf(m: Manifest, kind: ListKind): Row[] {
  switch (kind) {
    case 'rules': return m.rules.map((r) => ({ id: r.id, score: r.score, model: r.model, type: r.type, eventTypes: r.eventTypes, mitre: r.mitre, name: r.name }));
    case 'models': return m.models.map((x) => ({ id: x.id, type: x.type, scope: x.scope, eventTypes: x.eventTypes, rules: m.rules.filter((r) => r.model === x.id).map((r) => r.id) }));
    case 'parsers': return m.parsers.map((p) => ({ id: p.id, format: p.format, eventTypes: p.eventTypes }));
    case 'event-types': return m.eventTypes.map((name) => ({
      name,
      parsers: m.parsers.filter((p) => p.eventTypes.includes(name)).map((p) => p.id),
      models: m.models.filter((x) => x.eventTypes.includes(name)).map((x) => x.id),
      rules: m.rules.filter((r) => r.eventTypes.includes(name)).map((r) => r.id),
    }));
  }
}

/** Columns of the text table; long lists are shown as a count. */
const COLUMNS: Record<ListKind, Array<[string, (r: Row) => string]>> = {
  rules: [['ID', (r) => String(r.id)], ['SCORE', (r) => String(r.score)], ['MODEL', (r) => String(r.model ?? '-')], ['EVENT TYPES', (r) => (r.eventTypes as string[]).join(',')], ['MITRE', (r) => (r.mitre as string[]).join(',') || '-'], ['NAME', (r) => String(r.name)]],
  models: [['ID', (r) => String(r.id)], ['TYPE', (r) => String(r.type)], ['SCOPE', (r) => String(r.scope)], ['EVENT TYPES', (r) => (r.eventTypes as string[]).join(',')], ['RULES', (r) => (r.rules as string[]).join(',') || '-']],
  parsers: [['ID', (r) => String(r.id)], ['FORMAT', (r) => String(r.format)], ['EVENT TYPES', (r) => (r.eventTypes as string[]).join(',')]],
  'event-types': [['NAME', (r) => String(r.name)], ['PARSERS', (r) => String((r.parsers as string[]).length)], ['MODELS', (r) => String((r.models as string[]).length)], ['RULES', (r) => String((r.rules as string[]).length)]],
};

export function renderList(m: Manifest, kind: ListKind, format: ListFormat, paint: ReturnType<typeof stdoutPaint> = (_s, t) => t): string {
  const rows = rowsOf(m, kind);
  if (format === 'json') return JSON.stringify(rows, null, 2) + '\n';
  const cols = COLUMNS[kind];
  const cells = rows.map((r) => cols.map(([, f]) => f(r)));
  const widths = cols.map(([h], i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!))).join('  ').trimEnd();
  return [paint('bold', line(cols.map(([h]) => h))), ...cells.map(line), ''].join('\n') + `${rows.length} ${kind} in ${m.pack.id} ${m.pack.version}\n`;
}

async function manifestFromContent(dir: string): Promise<Manifest | null> {
  const [{ compileDir, manifestOf }, { printDiagnostics }, { checkContentDir }] = await Promise.all([import('../compiler/compile.ts'), import('./compile-cmd.ts'), import('./files.ts')]);
  checkContentDir(dir);
  const { ir, diagnostics } = compileDir(dir);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (!ir || errors.length) { printDiagnostics(dir, errors, 'human'); return null; }
  return manifestOf(ir, '');
}

export async function listCommand(kind: string, opts: ListOptions): Promise<number> {
  if (!(LIST_KINDS as readonly string[]).includes(kind)) throw new InputError(`unknown list \`${kind}\``, `one of: ${LIST_KINDS.join(', ')}`);
  const manifest = opts.content !== undefined ? await manifestFromContent(opts.content) : readManifest(opts.bundle);
  if (!manifest) return 1;
  process.stdout.write(renderList(manifest, kind as ListKind, opts.format, stdoutPaint()));
  return 0;
}
