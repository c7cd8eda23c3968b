// Coverage reports: an ATT&CK Navigator layer and Markdown tables of rules per technique,
// per event type and per parser.
import type { IR } from './compile.ts';

export function navigatorLayer(ir: IR): object {
  const byTechnique = new Map<string, string[]>();
  for (const r of ir.rules) for (const t of r.mitre) byTechnique.set(t, [...(byTechnique.get(t) ?? []), r.id]);
  const max = Math.max(1, ...[...byTechnique.values()].map((v) => v.length));
  return {
    name: `${ir.pack.name} ${ir.pack.version}`,
    versions: { attack: '16', navigator: '5.1.0', layer: '4.5' },
    domain: 'enterprise-attack',
    description: `Techniques covered by ${ir.rules.length} rules of ${ir.pack.id}`,
    sorting: 3,
    hideDisabled: false,
    gradient: { colors: ['#ffe766ff', '#8ec843ff'], minValue: 0, maxValue: max },
    techniques: [...byTechnique.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([id, rules]) => ({
      techniqueID: id,
      score: rules.length,
      enabled: true,
      comment: rules.join(', '),
      metadata: rules.map((r) => ({ name: 'rule', value: r })),
    })),
  };
}

function table(title: string, head: string[], rows: string[][]): string {
  return [`## ${title}`, '', `| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`), ''].join('\n');
}

export function coverageMarkdown(ir: IR): string {
  const et = (i: number) => ir.eventTypes[i]!.name;
  const techniques = new Map<string, string[]>();
  for (const r of ir.rules) for (const t of r.mitre) techniques.set(t, [...(techniques.get(t) ?? []), r.id]);
  const perEventType = ir.eventTypes.map((e, i) => [e.name, String(ir.rules.filter((r) => r.eventTypes.includes(i)).length), String(ir.models.filter((m) => m.eventTypes.includes(i)).length), String(ir.parsers.filter((p) => p.events.some((x) => x.eventType === i)).length)]);
  const perParser = ir.parsers.map((p) => {
    const ets = [...new Set(p.events.map((e) => e.eventType))];
    const rules = ir.rules.filter((r) => r.eventTypes.some((e) => ets.includes(e)));
    return [p.id, ets.map(et).join(', '), String(rules.length)];
  });
  return [
    `# Coverage of ${ir.pack.id} ${ir.pack.version}`,
    '',
    `${ir.rules.length} rules, ${ir.models.length} models, ${ir.eventTypes.length} event types, ${ir.parsers.length} parsers, ${techniques.size} ATT&CK techniques.`,
    '',
    table('Rules per technique', ['technique', 'rules', 'ids'], [...techniques.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([t, ids]) => [t, String(ids.length), ids.join(', ')])),
    table('Per event type', ['event type', 'rules', 'models', 'parsers'], perEventType),
    table('Per parser', ['parser', 'event types', 'rules reachable'], perParser),
  ].join('\n');
}
