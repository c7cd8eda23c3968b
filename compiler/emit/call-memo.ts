// Common calls of one generated function computed once. Emitting its expressions twice:
// the first pass (`counting`) records the code of every call, the second (`memoising`)
// makes a call whose code occurred more than once read a local, `(name ??= call)`, filled
// where first needed, so evaluation order and short-circuits stay as written (a null result
// is simply computed again). Only for calls that are pure within the function.
import type { CallNode } from '../builtins/types.ts';
import type { ExprEmitContext } from '../expr/emit.ts';
import { code, type Code } from './code.ts';
import type { Scope } from './scope.ts';

export class CallMemo {
  private readonly textOf = new Map<CallNode, string>();
  private readonly uses = new Map<string, number>();
  private readonly memo = new Map<string, Code>();

  /** `nameOf`: a readable name for the local of a call (`k`: 1 for the first local, …); `local`: the function's scope. */
  constructor(private readonly local: Scope, private readonly nameOf: (node: CallNode, k: number) => string) {}

  /** Pass 1 context: counts the calls `eligible` accepts (any `call` hook of `cx` still runs). */
  counting(cx: ExprEmitContext, eligible: (node: CallNode) => boolean = () => true): ExprEmitContext {
    return {
      ...cx,
      call: (node, emitted) => {
        const c = cx.call ? cx.call(node, emitted) : emitted;
        if (c !== emitted || !eligible(node)) return c;
        this.textOf.set(node, c.text);
        this.uses.set(c.text, (this.uses.get(c.text) ?? 0) + 1);
        return c;
      },
    };
  }

  /** Pass 2 context: a call counted more than once reads its local. */
  memoising(cx: ExprEmitContext): ExprEmitContext {
    return {
      ...cx,
      call: (node, emitted) => {
        const c = cx.call ? cx.call(node, emitted) : emitted;
        const text = this.textOf.get(node);
        if (c !== emitted || text === undefined || (this.uses.get(text) ?? 0) < 2) return c;
        let m = this.memo.get(text);
        if (!m) this.memo.set(text, (m = this.local.name('', this.nameOf(node, this.memo.size + 1))));
        return code`(${m} ??= ${c})`;
      },
    };
  }

  /** `let a, b;` for the locals pass 2 used, or nothing. */
  declarations(): Code[] {
    return this.memo.size > 0 ? [code`let ${[...this.memo.values()]};`] : [];
  }
}
