// Expression texts repeated across a pack are parsed once, but every slot still gets a tree of
// its own: the checker writes types and resolutions on the nodes, per slot.
import { describe, expect, it } from 'vitest';
import { compileDir } from '../../compiler/compile.ts';
import { walk, type Expr } from '../../compiler/expr/ast.ts';
import { CONTENT } from './helpers.ts';

describe('expression trees', () => {
  it('no node is shared between two expression slots, even for the same text', () => {
    const { ir } = compileDir(CONTENT);
    expect(ir).not.toBeNull();
    const roots: Expr[] = [];
    const add = (e: Expr | null | undefined) => { if (e) roots.push(e); };
    for (const p of ir!.parsers) { p.fields.forEach((f) => add(f.ast)); p.events.forEach((e) => add(e.when)); }
    for (const et of ir!.eventTypes) et.derived.forEach((d) => add(d.ast));
    for (const r of ir!.rules) { add(r.classifyIf); add(r.expression); }
    const texts = roots.map((e) => JSON.stringify(e));
    expect(new Set(texts).size).toBeLessThan(texts.length); // the pack does repeat expressions
    const seen = new Set<object>();
    let nodes = 0;
    for (const root of roots) walk(root, (n) => { nodes++; seen.add(n); seen.add(n.span); });
    expect(seen.size).toBe(2 * nodes);
  });
});
