// Pass: test files are content too: every rule id, event type, event field and context table a
// `kind: test` document names must exist, reported at its position — before any test runs.
// A rule no test mentions gets a warning (UEB0210), since nothing guards it against regressions.
import type { Type } from '../builtins/types.ts';
import { DIAG } from '../diagnostics/codes.ts';
import { diagnostic } from '../diagnostics/report.ts';
import type { Diagnostic } from '../diagnostics/types.ts';
import { didYouMean } from '../expr/suggest.ts';
import type { Item, TestDoc } from '../graph.ts';
import { rangeAt } from '../load.ts';
import type { Session } from './session.ts';
import { fieldsOf, type Unit } from './unit.ts';

interface TestCheckScope {
  ruleIds: ReadonlySet<string>;
  /** Event type name → its fields (declared and derived). */
  eventFields: ReadonlyMap<string, ReadonlyMap<string, Type>>;
  tables: ReadonlySet<string>;
  /** Every enabled rule, with the file that defines it, for the no-tests warning. */
  rules: ReadonlyArray<{ id: string; item: Item<{ id: string }> }>;
}

const hint = (name: string, known: Iterable<string>): string | undefined => {
  const s = didYouMean(name, known);
  return s ? `did you mean \`${s}\`?` : undefined;
};

export function checkTests(unit: Unit, session: Session): void {
  const ets = unit.ir.eventTypes;
  checkTestDocs(unit.graph.tests, {
    ruleIds: new Set(unit.ids.rules.keys()),
    eventFields: new Map(ets.map((et, i) => [et.name, fieldsOf(ets, [i])])),
    tables: new Set(unit.ids.tables.keys()),
    rules: unit.enabledRules.map((item) => ({ id: item.value.id, item })),
  }, session.diagnostics);
}

function checkTestDocs(tests: readonly Item<TestDoc>[], scope: TestCheckScope, diags: Diagnostic[]): void {
  const mentioned = new Set<string>();
  for (const { file, value: t } of tests) {
    const ruleRef = (id: string, path: (string | number)[]) => {
      mentioned.add(id);
      if (!scope.ruleIds.has(id)) diags.push(diagnostic(DIAG.UNKNOWN_RULE, file.path, rangeAt(file, path), `unknown rule \`${id}\` in test \`${t.id}\``, hint(id, scope.ruleIds)));
    };
    (t.rules ?? []).forEach((id, i) => ruleRef(id, ['rules', i]));
    for (const name of Object.keys(t.context ?? {})) {
      if (!scope.tables.has(name)) diags.push(diagnostic(DIAG.UNKNOWN_CONTEXT_TABLE, file.path, rangeAt(file, ['context', name], true), `unknown context table \`${name}\` in test \`${t.id}\``, hint(name, scope.tables)));
    }
    t.steps.forEach((step, i) => {
      (step.expect?.fires ?? []).forEach((id, j) => ruleRef(id, ['steps', i, 'expect', 'fires', j]));
      (step.expect?.notFires ?? []).forEach((id, j) => ruleRef(id, ['steps', i, 'expect', 'notFires', j]));
      if (!step.event) return;
      const type = String(step.event.event_type ?? '');
      const fields = scope.eventFields.get(type);
      if (!fields) {
        diags.push(diagnostic(DIAG.UNKNOWN_EVENT_TYPE, file.path, rangeAt(file, ['steps', i, 'event', 'event_type']), `unknown event type \`${type}\` in step ${i + 1}`, hint(type, scope.eventFields.keys())));
        return;
      }
      for (const key of Object.keys(step.event)) {
        if (key === 'event_type' || key === 'time' || fields.has(key)) continue;
        diags.push(diagnostic(DIAG.UNKNOWN_FIELD, file.path, rangeAt(file, ['steps', i, 'event', key], true), `\`${type}\` has no field \`${key}\` (step ${i + 1})`, hint(key, fields.keys())));
      }
    });
  }
  for (const { id, item } of scope.rules) {
    if (!mentioned.has(id)) diags.push(diagnostic(DIAG.NO_TESTS, item.file.path, rangeAt(item.file, ['id']), `no test mentions rule \`${id}\``, 'add a test with a step where it fires and one where it does not'));
  }
}
