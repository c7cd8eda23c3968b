// Pass (generate): IR → readable TypeScript → one ESM bundle (esbuild). Every content
// string reaches the source through the escaping builder in ../emit/code.ts.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ABI_VERSION } from '../../runtime/program.ts';
import type { CallNode, EmitContext } from '../builtins/types.ts';
import { COMPILER_VERSION, type IR, type IRRule } from '../ir.ts';
import type { DepExpr, Expr } from '../expr/ast.ts';
import { MODEL_STATS } from '../expr/check.ts';
import { emitExpr, type ExprEmitContext } from '../expr/emit.ts';
import { code, Code, comment, ident, lines, mangle, num, prop, regex, str } from '../emit/code.ts';

/** The uebac install root (holds runtime/): found from this module, bundled into build/ or not. */
export const REPO_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

function findRoot(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'runtime', 'helpers.ts'))) return d;
    if (dirname(d) === d) return dir;
  }
}

function json(value: unknown): Code {
  // Data (context rows, lists) as a JSON literal: JSON text is valid JS once line separators
  // and '<' are escaped, which str() does for every string inside.
  return Code.raw(JSON.stringify(value).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029').replace(/</g, '\\u003c'));
}

export function emitSource(ir: IR): string {
  const regexes: Array<{ source: string; flags: string }> = [];
  const usedTables = new Set<string>();
  const base: EmitContext = {
    res: (call: CallNode) => call.res ?? {},
    table: (name) => {
      usedTables.add(name);
      return ident(`T_${mangle(name)}`);
    },
    regex: (source, flags) => {
      let i = regexes.findIndex((r) => r.source === source && r.flags === flags);
      if (i < 0) i = regexes.push({ source, flags }) - 1;
      return code`RE[${num(i)}]`;
    },
  };
  const onEvent = (extra: (name: string) => Code | null = () => null): ExprEmitContext => ({ ...base, ident: (name) => extra(name) ?? prop(code`ev`, name) });
  const ev = onEvent();
  const withStats = onEvent((name) => (Object.hasOwn(MODEL_STATS, name) ? (name === 'feature_value' ? code`st.feature` : prop(code`st`, name)) : null));
  const E = (e: Expr, cx: ExprEmitContext = ev) => emitExpr(e, cx);
  const bool = (e: Expr, cx: ExprEmitContext = ev) => code`(${E(e, cx)}) === true`;

  // ---- event types: derived fields ----
  const eventTypes = ir.eventTypes.map((et) => code`{
  name: ${str(et.name)},
  fields: ${json(et.fields.map((f) => [f.name, f.type]))},
  derived: ${json(et.derived.map((d) => d.name))},
  derive(ev) {
${lines(et.derived.map((d) => code`${prop(code`ev`, d.name)} = ${E(d.ast)};`), '    ')}
  },
}`);

  // ---- parsers ----
  const parsers = ir.parsers.map((p) => {
    const outputs = new Set<string>();
    const pcx = (): ExprEmitContext => ({ ...base, ident: (name) => (outputs.has(name) ? prop(code`o`, name) : code`(r[${str(name)}] ?? null)`) });
    const assigns: Code[] = [];
    for (const f of p.fields) {
      assigns.push(code`${prop(code`o`, f.name)} = ${E(f.ast, pcx())};`);
      outputs.add(f.name);
    }
    const builders = p.events.map((e) => (e.when === null
      ? code`return { fields: o, eventType: ${num(e.eventType)} }; ${comment(ir.eventTypes[e.eventType]!.name)}`
      : code`if (${bool(e.when, pcx())}) return { fields: o, eventType: ${num(e.eventType)} }; ${comment(ir.eventTypes[e.eventType]!.name)}`));
    return code`{
  id: ${str(p.id)},
  format: ${str(p.format)},
  vendors: ${json(p.vendors)}, products: ${json(p.products)}, signatures: ${json(p.signatures)}, contains: ${json(p.contains)},
  extract: ${json(p.extract)},
  timeFrom: ${json(p.timeFrom)}, timeFormats: ${json(p.timeFormats)},
  map(r) {
    const o = {};
${lines(assigns, '    ')}
${lines(builders, '    ')}
    return { fields: o, eventType: -1 };
  },
}`;
  });

  // ---- counters, models ----
  const counters = ir.counters.map((c) => code`{ fn: ${str(c.fn)}, scope: ${str(c.scope)}, eventTypes: ${json(c.eventTypes)}, value: (ev) => ${E(c.value)}${c.key ? code`, key: (ev) => ${E(c.key)}` : code``} }`);
  const models = ir.models.map((m) => code`{ ${comment(`${m.id}: ${m.description}`)}
  id: ${str(m.id)}, type: ${str(m.type)}, scopeType: ${str(m.scopeType)}, eventTypes: ${json(m.eventTypes)}, trainOn: ${str(m.trainOn)},
  scope: (ev) => ${m.scopeField ? code`${prop(code`ev`, m.scopeField)} ?? null` : str('org')},
  feature: (ev, rt) => ${E(m.feature)},
  trainIf: (ev, rt) => ${m.trainIf ? bool(m.trainIf) : code`true`},
  alpha: ${num(m.alpha)}, cutOff: ${num(m.cutOff)}, convergence: ${num(m.convergence)}, maxBins: ${num(m.maxBins)}, agingDays: ${num(m.agingDays)}, binWidth: ${num(m.binWidth)}, scale: ${str(m.scale)}, percentileThreshold: 0.1,
}`);
  const rules = ir.rules.map((r) => code`{ id: ${str(r.id)}, name: ${str(r.name)}, type: ${str(r.type)}, score: ${num(r.score)}, mitre: ${json(r.mitre)}, model: ${num(r.model)}, eventTypes: ${json(r.eventTypes)},${r.scoreTarget ? code` scoreTarget: (ev) => ${prop(code`ev`, r.scoreTarget)} ?? null,` : code``} reason: (ev, st) => renderReason(${str(r.reason)}, ev, st) }`);

  // ---- per event type rule evaluation ----
  const evaluators = ir.eventTypes.map((et, etIndex) => {
    const order = ir.ruleOrder[etIndex]!;
    const flag = (i: number) => ident(`fired_${mangle(ir.rules[i]!.id)}`);
    const dep = (d: DepExpr): Code => {
      switch (d.kind) {
        case 'always': return code`true`;
        case 'rule': {
          const i = ir.rules.findIndex((r) => r.id === d.id);
          return order.includes(i) ? flag(i) : code`false`;
        }
        case 'not': return code`!${dep(d.arg)}`;
        case 'and': return code`(${dep(d.left)} && ${dep(d.right)})`;
        case 'or': return code`(${dep(d.left)} || ${dep(d.right)})`;
      }
    };
    const body = order.map((i) => {
      const r: IRRule = ir.rules[i]!;
      const conds: Code[] = [];
      if (r.classifyIf) conds.push(bool(r.classifyIf));
      if (r.model >= 0) conds.push(code`(st = rt.stats(${num(r.model)}, ev, ${num(r.percentileThreshold)})) !== null${r.requireConvergence ? code` && st.converged` : code``}`);
      conds.push(bool(r.expression, r.model >= 0 ? withStats : ev));
      if (r.dependency) conds.push(dep(r.dependency));
      const test = Code.raw(conds.map((c) => c.text).join('\n      && '));
      return code`${comment(`${r.id} — ${r.name} [${r.mitre.join(', ')}] score ${r.score}`)}
let ${flag(i)} = false;
st = null;
if (${test}) {
  ${flag(i)} = true;
  rt.fire(${num(i)}, ev, st);
}`;
    });
    return code`function ${ident(`evaluate_${mangle(et.name)}`)}(ev, rt) {
  let st = null;
${lines(body, '  ')}
}`;
  });

  const tableDecls = [...usedTables].sort().map((t) => code`const ${ident(`T_${mangle(t)}`)} = T.get(${str(t)});`);
  const header = comment(`Generated by uebac ${COMPILER_VERSION} from pack ${ir.pack.id} ${ir.pack.version} (content sha256 ${ir.contentHash}). Do not edit: change the YAML content and recompile.`);
  const src = code`${header}
import * as h from './runtime/helpers.ts';
import { assembleProgram, makeTables, renderReason } from './runtime/assemble.ts';

export const ABI = ${num(ABI_VERSION)};
export const MANIFEST_SUMMARY = ${json({ pack: ir.pack, contentHash: ir.contentHash })};
export const DEFAULT_CONTEXT = ${json(ir.contexts.map((c) => ({ name: c.name, shape: c.shape, match: c.match, rows: c.rows })))};
const SETTINGS = ${json(ir.settings)};

export function instantiate(overrides) {
  const T = makeTables(DEFAULT_CONTEXT, overrides);
${lines(tableDecls, '  ')}

  // ---- rules, one evaluator per event type, in dependency order ----
${lines(evaluators, '  ')}

  const EVALUATORS = [${ir.eventTypes.map((et) => ident(`evaluate_${mangle(et.name)}`))}];
  return assembleProgram({
    pack: MANIFEST_SUMMARY.pack,
    settings: SETTINGS,
    eventTypes: [
${lines(eventTypes.map((e) => code`${e},`), '      ')}
    ],
    parsers: [
${lines(parsers.map((e) => code`${e},`), '      ')}
    ],
    counters: [
${lines(counters.map((e) => code`${e},`), '      ')}
    ],
    models: [
${lines(models.map((e) => code`${e},`), '      ')}
    ],
    rules: [
${lines(rules.map((e) => code`${e},`), '      ')}
    ],
    evaluate: (et, ev, rt) => EVALUATORS[et](ev, rt),
  });
}

const RE = h.guardRegexes([${regexes.map((r) => regex(r.source, r.flags))}], SETTINGS);
`;
  return src.text;
}

/** Bundle the generated source with the runtime helpers into one self-contained ESM file. */
export async function bundleSource(source: string): Promise<string> {
  const result = await build({
    stdin: { contents: source, resolveDir: REPO_ROOT, sourcefile: 'bundle.ts', loader: 'ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    legalComments: 'none',
    charset: 'utf8',
    // str() writes `<` as \u003c, but esbuild re-prints literals; this keeps `</script`
    // escaped (as `<\/script`) so the bundle can be inlined into an HTML page.
    supported: { 'inline-script': true },
    logLevel: 'silent',
  });
  const text = result.outputFiles[0]!.text;
  if (/<\/script/i.test(text)) throw new Error('bundle output contains a raw </script>: refusing to write it');
  return text;
}
