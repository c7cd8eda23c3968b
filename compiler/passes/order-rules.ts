// Pass: per event type, the rules in an evaluation order where dependencies come first; cycles are errors.
import { DIAG } from '../diagnostics/codes.ts';
import { rangeAt } from '../load.ts';
import { walkDep } from './resolve-references.ts';
import type { Session } from './session.ts';
import type { Unit } from './unit.ts';

export function orderRules(unit: Unit, session: Session): void {
  const { rules } = unit.ir;
  const deps = rules.map((r) => {
    const out: number[] = [];
    if (r.dependency) walkDep(r.dependency, (d) => { if (d.kind === 'rule') { const i = unit.ids.rules.get(d.id); if (i !== undefined) out.push(i); } });
    return out;
  });
  const order: number[] = [];
  const state = new Array<number>(rules.length).fill(0);
  const visit = (i: number, stack: number[]): void => {
    if (state[i] === 2) return;
    if (state[i] === 1) {
      const cycle = [...stack.slice(stack.indexOf(i)), i].map((k) => rules[k]!.id);
      const item = unit.enabledRules[i]!;
      session.report(item.file, rangeAt(item.file, ['dependency']), DIAG.DEPENDENCY_CYCLE, `dependency cycle: ${cycle.join(' → ')}`);
      return;
    }
    state[i] = 1;
    for (const d of deps[i]!) visit(d, [...stack, i]);
    state[i] = 2;
    order.push(i);
  };
  rules.forEach((_, i) => visit(i, []));
  unit.ir.ruleOrder = unit.ir.eventTypes.map((_, et) => order.filter((i) => rules[i]!.eventTypes.includes(et)));
}
