// Pass (lint): warn when an earlier parser selects every line a later one would, so the later never runs.
import { DIAG } from '../diagnostics/codes.ts';
import { rangeAt } from '../load.ts';
import type { Session } from './session.ts';
import type { Unit } from './unit.ts';
import type { IRParser } from '../ir.ts';

const MIN_PRIORITY = 0; // schema/parser.schema.json

/**
 * The fix for `later` shadowed by `earlier`: try the narrower parser first. Parsers run in
 * ascending `priority` (ties by id, runtime/dispatch.ts), so the shadowed one needs a smaller
 * number than the one in front of it — or, when that is already at the minimum, the broad one
 * a larger number than the shadowed one.
 */
export function shadowHint(earlier: Pick<IRParser, 'id' | 'priority'>, later: Pick<IRParser, 'id' | 'priority'>): string {
  const order = 'parsers run in ascending priority, lowest number first';
  if (earlier.priority > MIN_PRIORITY) {
    return `to try \`${later.id}\` first, give it a priority number below ${earlier.priority} (e.g. \`priority: ${earlier.priority - 1}\`; ${order}), or narrow \`${earlier.id}\``;
  }
  return `to try \`${later.id}\` first, give \`${earlier.id}\` a priority number above ${later.priority} (e.g. \`priority: ${later.priority + 1}\`; ${order}), or narrow \`${earlier.id}\``;
}

export function lintShadowedParsers(unit: Unit, session: Session): void {
  const parsers = unit.ir.parsers;
  const covers = (wide: string[], narrow: string[]) => wide.length === 0 || (narrow.length > 0 && narrow.every((n) => wide.some((w) => w === n || (w.endsWith('*') && n.startsWith(w.slice(0, -1))))));
  for (let j = 0; j < parsers.length; j++) for (let i = 0; i < j; i++) {
    const a = parsers[i]!;
    const b = parsers[j]!;
    if (a.format !== b.format) continue;
    if (covers(a.vendors, b.vendors) && covers(a.products, b.products) && covers(a.signatures, b.signatures) && a.contains.every((c) => b.contains.some((d) => d.includes(c)))) {
      const item = unit.graph.parsers.find((x) => x.value.id === b.id)!;
      session.report(item.file, rangeAt(item.file, ['select']), DIAG.PARSER_SHADOWED, `parser \`${b.id}\` is shadowed by \`${a.id}\`, which selects every line it would (first match wins)`, shadowHint(a, b));
      break;
    }
  }
}
