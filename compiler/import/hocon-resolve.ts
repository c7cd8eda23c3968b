// HOCON resolution: syntax tree → plain values with their source positions. Duplicate keys
// merge objects (later keys win), `+=` appends, `include` pulls another file in, and
// `${path}` substitutions are resolved lazily against the root, with cycle detection.
//
// Exabeam's published pages carry a parser together with the templates it refers to, but
// the reference keeps the name of the template *file* (`${WindowsTemplates.s-xml.Fields}`)
// while the page only has `s-xml = {…}`. So a path not found from the root is tried again
// without its leading segments, in every enclosing object from the innermost out; each such
// use is reported in `notes` so the output can say where a value came from.
import type { HoconArray, HoconMember, HoconNode, HoconObject, Span } from './hocon.ts';

/** Where a value was written: file and offsets into that file's text. */
export interface Origin { file: string; start: number; end: number }

export type Value = ObjectValue | ArrayValue | StringValue;
export interface ObjectValue { kind: 'object'; fields: Map<string, Value>; origin: Origin }
export interface ArrayValue { kind: 'array'; items: Value[]; origin: Origin }
export interface StringValue { kind: 'string'; value: string; quoted: boolean; origin: Origin }

export interface ResolveProblem {
  code: 'unresolved-substitution' | 'substitution-cycle' | 'concat-mismatch' | 'include-missing' | 'include-cycle' | 'hocon-syntax' | 'hocon-recovered';
  message: string;
  origin: Origin;
}

/** A parsed file: its syntax tree, and the offset of the parsed text inside the file. */
export interface ParsedSource { file: string; root: HoconObject; base: number }

export interface ResolveOptions {
  /** Reads an included file (path as written, relative to the including file); null when absent. */
  include?: (target: string, from: string) => ParsedSource | null;
}

export interface Resolved {
  root: ObjectValue;
  problems: ResolveProblem[];
  /** Substitutions resolved by the shortened-path rule: written path → path found. */
  notes: Array<{ written: string; found: string; origin: Origin }>;
}

/** A value still to be computed: the node, and the chain of objects it was written in. */
interface Pending { kind: 'pending'; node: HoconNode; src: ParsedSource; scope: Slot[]; previous: Slot | undefined; append: boolean; state: 'new' | 'busy' }
type Slot = Value | Pending | MergeSlot;
/** An object value whose own fields may still be pending. */
interface MergeSlot { kind: 'slots'; fields: Map<string, Slot>; origin: Origin }

export function resolveHocon(src: ParsedSource, opts: ResolveOptions = {}): Resolved {
  const problems: ResolveProblem[] = [];
  const notes: Resolved['notes'] = [];
  const including = new Set<string>([src.file]);
  const origin = (s: ParsedSource, span: Span): Origin => ({ file: s.file, start: s.base + span.start, end: s.base + span.end });

  function buildObject(node: HoconObject, s: ParsedSource, scope: Slot[], into?: MergeSlot): MergeSlot {
    const obj: MergeSlot = into ?? { kind: 'slots', fields: new Map(), origin: origin(s, node.span) };
    const inner = [obj, ...scope];
    for (const m of node.members) addMember(obj, m, s, inner);
    return obj;
  }

  function addMember(obj: MergeSlot, m: HoconMember, s: ParsedSource, scope: Slot[]): void {
    if (m.kind === 'include') {
      const loaded = opts.include?.(m.target, s.file) ?? null;
      if (!loaded) {
        problems.push({ code: 'include-missing', message: `included file '${m.target}' not found`, origin: origin(s, m.span) });
      } else if (including.has(loaded.file)) {
        problems.push({ code: 'include-cycle', message: `'${loaded.file}' includes itself`, origin: origin(s, m.span) });
      } else {
        including.add(loaded.file);
        for (const im of loaded.root.members) addMember(obj, im, loaded, scope);
        including.delete(loaded.file);
      }
      return;
    }
    // `a.b.c = v` is `a { b { c = v } }`.
    let target = obj;
    let innerScope = scope;
    for (const seg of m.key.slice(0, -1)) {
      let next = target.fields.get(seg);
      if (!next || next.kind !== 'slots') {
        const fresh: MergeSlot = { kind: 'slots', fields: new Map(), origin: origin(s, m.span) };
        if (next && next.kind === 'object') copyInto(fresh, next);
        target.fields.set(seg, fresh);
        next = fresh;
      }
      target = next;
      innerScope = [target, ...innerScope];
    }
    const key = m.key[m.key.length - 1]!;
    const previous = target.fields.get(key);
    if (m.value.kind === 'object' && !m.append) {
      // Objects merge with an earlier object under the same key.
      const into = previous?.kind === 'slots' ? previous : undefined;
      if (!into && previous?.kind === 'object') {
        const fresh: MergeSlot = { kind: 'slots', fields: new Map(), origin: origin(s, m.value.span) };
        copyInto(fresh, previous);
        target.fields.set(key, buildObject(m.value, s, innerScope, fresh));
      } else {
        target.fields.set(key, buildObject(m.value, s, innerScope, into));
      }
      return;
    }
    if (m.value.kind === 'string' || m.value.kind === 'array') {
      if (!m.append && !containsSubst(m.value)) {
        target.fields.set(key, literal(m.value, s, innerScope));
        return;
      }
    }
    target.fields.set(key, { kind: 'pending', node: m.value, src: s, scope: innerScope, previous, append: m.append, state: 'new' });
  }

  function copyInto(into: MergeSlot, from: ObjectValue): void {
    for (const [k, v] of from.fields) into.fields.set(k, v);
  }

  function containsSubst(n: HoconNode): boolean {
    if (n.kind === 'subst') return true;
    if (n.kind === 'array') return n.items.some(containsSubst);
    if (n.kind === 'concat') return n.parts.some(containsSubst);
    if (n.kind === 'object') return n.members.some((m) => m.kind === 'field' && containsSubst(m.value));
    return false;
  }

  /** A node without substitutions: converted directly. */
  function literal(n: HoconNode, s: ParsedSource, scope: Slot[]): Value {
    const v = evaluate(n, s, scope);
    return v === undefined ? emptyString(origin(s, n.span)) : force(v);
  }

  function evaluate(n: HoconNode, s: ParsedSource, scope: Slot[]): Slot | undefined {
    switch (n.kind) {
      case 'string':
        return { kind: 'string', value: n.value, quoted: n.quoted === 'triple' || n.quoted === 'double', origin: origin(s, n.span) };
      case 'array':
        return evaluateArray(n, s, scope);
      case 'object':
        return buildObject(n, s, scope);
      case 'subst':
        return lookup(n.path, n.optional, origin(s, n.span), scope);
      case 'concat':
        return concat(n.parts.map((p) => ({ slot: evaluate(p, s, scope), space: p.kind === 'string' && p.quoted === 'space' })), origin(s, n.span));
    }
  }

  function evaluateArray(n: HoconArray, s: ParsedSource, scope: Slot[]): ArrayValue {
    const items: Value[] = [];
    for (const item of n.items) {
      const v = evaluate(item, s, scope);
      if (v !== undefined) items.push(force(v));
    }
    return { kind: 'array', items, origin: origin(s, n.span) };
  }

  /** Value concatenation: strings join, arrays append, objects merge; blanks between arrays or objects are dropped. */
  function concat(parts: Array<{ slot: Slot | undefined; space: boolean }>, at: Origin): Slot | undefined {
    const values = parts.filter((p) => p.slot !== undefined).map((p) => ({ v: force(p.slot!), space: p.space }));
    const solid = values.filter((p) => !p.space).map((p) => p.v);
    if (solid.length === 0) return values.length ? { kind: 'string', value: values.map((p) => (p.v as StringValue).value).join(''), quoted: false, origin: at } : undefined;
    if (solid.every((v) => v.kind === 'array')) return { kind: 'array', items: solid.flatMap((v) => (v as ArrayValue).items), origin: at };
    if (solid.every((v) => v.kind === 'object')) {
      const fields = new Map<string, Value>();
      for (const v of solid) for (const [k, f] of (v as ObjectValue).fields) fields.set(k, mergeValues(fields.get(k), f));
      return { kind: 'object', fields, origin: at };
    }
    if (values.every((p) => p.v.kind === 'string')) return { kind: 'string', value: values.map((p) => (p.v as StringValue).value).join(''), quoted: true, origin: at };
    problems.push({ code: 'concat-mismatch', message: `cannot concatenate ${[...new Set(solid.map((v) => v.kind))].join(' and ')} values`, origin: at });
    return solid[solid.length - 1];
  }

  function mergeValues(a: Value | undefined, b: Value): Value {
    if (a?.kind === 'object' && b.kind === 'object') {
      const fields = new Map(a.fields);
      for (const [k, f] of b.fields) fields.set(k, mergeValues(fields.get(k), f));
      return { kind: 'object', fields, origin: b.origin };
    }
    return b;
  }

  function lookup(path: string[], optional: boolean, at: Origin, scope: Slot[]): Slot | undefined {
    const rootSlot = scope[scope.length - 1]!;
    const direct = walk(rootSlot, path);
    if (direct !== undefined) return direct;
    // Keep at least two segments (template and key): `Fields` alone would find the parser's own key.
    for (let drop = 1; drop < path.length - 1; drop++) {
      const rest = path.slice(drop);
      for (const obj of scope) {
        const found = walk(obj, rest);
        if (found !== undefined) {
          notes.push({ written: path.join('.'), found: rest.join('.'), origin: at });
          return found;
        }
      }
    }
    if (!optional) problems.push({ code: 'unresolved-substitution', message: `substitution \${${path.join('.')}} refers to nothing in this file or its includes`, origin: at });
    return undefined;
  }

  function walk(from: Slot, path: string[]): Slot | undefined {
    let cur: Slot | undefined = from;
    for (const seg of path) {
      if (cur === undefined) return undefined;
      if (cur.kind === 'pending') cur = cache.has(cur) ? cache.get(cur) : settle(cur);
      if (cur === undefined) return undefined;
      if (cur.kind === 'slots') cur = cur.fields.get(seg);
      else if (cur.kind === 'object') cur = cur.fields.get(seg);
      else return undefined;
    }
    return cur;
  }

  /** Computes a pending value once; a value that needs itself is a cycle. */
  function settle(p: Pending): Value | undefined {
    if (p.state === 'busy') {
      problems.push({ code: 'substitution-cycle', message: 'substitution refers to itself', origin: origin(p.src, p.node.span) });
      return undefined;
    }
    p.state = 'busy';
    let v = evaluate(p.node, p.src, p.scope);
    if (p.append) {
      const prev = p.previous === undefined ? undefined : force(p.previous);
      const add = v === undefined ? undefined : force(v);
      v = prev?.kind === 'array' ? { kind: 'array', items: [...prev.items, ...(add ? [add] : [])], origin: prev.origin } : add ? { kind: 'array', items: [add], origin: add.origin } : undefined;
    }
    const out = v === undefined ? undefined : force(v);
    // Replace the pending slot by its value so later look-ups reuse it.
    Object.assign(p, { state: 'new' });
    cache.set(p, out);
    return out;
  }
  const cache = new WeakMap<Pending, Value | undefined>();

  function force(slot: Slot): Value {
    if (slot.kind === 'pending') {
      if (cache.has(slot)) return cache.get(slot) ?? emptyString(origin(slot.src, slot.node.span));
      return settle(slot) ?? emptyString(origin(slot.src, slot.node.span));
    }
    if (slot.kind === 'slots') {
      const fields = new Map<string, Value>();
      for (const [k, f] of slot.fields) {
        if (f.kind === 'pending' && !cache.has(f) && f.state === 'new') {
          const v = settle(f);
          if (v !== undefined) fields.set(k, v);
        } else if (f.kind === 'pending') {
          const v = cache.get(f);
          if (v !== undefined) fields.set(k, v);
        } else {
          fields.set(k, force(f));
        }
      }
      return { kind: 'object', fields, origin: slot.origin };
    }
    return slot;
  }

  function emptyString(at: Origin): StringValue {
    return { kind: 'string', value: '', quoted: false, origin: at };
  }

  const top = buildObject(src.root, src, []);
  return { root: force(top) as ObjectValue, problems, notes };
}

/** Plain JS view of a value (objects → records, arrays → arrays, strings stay strings). */
export function plain(v: Value): unknown {
  if (v.kind === 'string') return v.value;
  if (v.kind === 'array') return v.items.map(plain);
  return Object.fromEntries([...v.fields].map(([k, f]) => [k, plain(f)]));
}
