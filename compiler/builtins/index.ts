// The registry of built-in functions, looked up case-insensitively by name or alias.
import { PURE_BUILTINS } from './pure.ts';
import { SPECIAL_BUILTINS } from './special.ts';
import type { Builtin } from './types.ts';

export const BUILTINS: readonly Builtin[] = [...PURE_BUILTINS, ...SPECIAL_BUILTINS];

const byName = new Map<string, Builtin>();
for (const b of BUILTINS) for (const n of [b.name, ...(b.aliases ?? [])]) byName.set(n.toLowerCase(), b);

export function findBuiltin(name: string): Builtin | undefined {
  return byName.get(name.toLowerCase());
}

export function builtinNames(): string[] {
  return BUILTINS.map((b) => b.name);
}
