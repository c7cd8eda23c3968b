// Pass: a rule's `reason` is alert text with `{name}` placeholders (runtime/assemble.ts renderReason).
// A placeholder that is neither a field of the rule's events nor model evidence would ship
// literally in every alert, so it is an error at its exact position in the template.
import type { Type } from '../builtins/types.ts';
import { DIAG } from '../diagnostics/codes.ts';
import { diagnostic } from '../diagnostics/report.ts';
import type { Diagnostic } from '../diagnostics/types.ts';
import { didYouMean } from '../expr/suggest.ts';
import { expressionLocator, type SourceFile } from '../load.ts';
import type { Session } from './session.ts';
import { fieldsOf, type Unit } from './unit.ts';

/** Evidence a rule with a model can quote; see renderReason. */
export const MODEL_PLACEHOLDERS = ['feature', 'scope', 'count', 'total', 'threshold', 'distance'] as const;

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function checkReasons(unit: Unit, session: Session): void {
  unit.enabledRules.forEach(({ file, value }, i) => {
    const rule = unit.ir.rules[i];
    if (value.reason && rule) checkReason(file, value.reason, fieldsOf(unit.ir.eventTypes, rule.eventTypes), rule.model >= 0, session.diagnostics);
  });
}

function checkReason(file: SourceFile, template: string, fields: ReadonlyMap<string, Type>, hasModel: boolean, diags: Diagnostic[]): void {
  const known = new Set<string>(['time', 'event_type', ...fields.keys(), ...(hasModel ? MODEL_PLACEHOLDERS : [])]);
  const locate = expressionLocator(file, ['reason']);
  for (const m of template.matchAll(PLACEHOLDER)) {
    const name = m[1]!;
    if (known.has(name)) continue;
    const s = didYouMean(name, known);
    const modelOnly = !hasModel && (MODEL_PLACEHOLDERS as readonly string[]).includes(name);
    diags.push(diagnostic(DIAG.UNKNOWN_PLACEHOLDER, file.path, { start: locate(m.index), end: locate(m.index + m[0].length) },
      modelOnly ? `\`{${name}}\` is model evidence, but this rule has no model` : `unknown placeholder \`{${name}}\` in reason`,
      modelOnly ? 'set `model:` on the rule, or remove the placeholder' : s ? `did you mean \`{${s}}\`?` : 'placeholders name a field of the event or model evidence (feature, scope, count, total, threshold, distance)'));
  }
}
