// Names in generated code. A Scope hands out identifiers that are unique by construction:
// content ids become readable fragments (`EM-OD-F` → `R_EM_OD_F`), and when two ids mangle
// to the same text the later one gets a numeric suffix instead of redeclaring a name.
// (The check pass report-name-collisions also tells the author about such ids.)
import { ident, mangle, type Code } from './code.ts';

export class Scope {
  private readonly taken: Set<string>;

  /** `reserved`: names the generated module declares itself (imports, fixed helpers). */
  constructor(reserved: Iterable<string> = []) {
    this.taken = new Set(reserved);
  }

  /** A fresh identifier: `prefix` followed by the readable form of `id`. */
  name(prefix: string, id = ''): Code {
    const base = id === '' ? prefix : prefix === '' ? mangle(id) : prefix + id.replace(/[^A-Za-z0-9_]/g, '_');
    let candidate = base;
    for (let i = 2; this.taken.has(candidate) || !isIdentifier(candidate); i++) candidate = `${base}_${i}`;
    this.taken.add(candidate);
    return ident(candidate);
  }

  /** A scope for a nested function: its names cannot shadow or repeat the enclosing ones. */
  child(): Scope {
    return new Scope(this.taken);
  }
}

function isIdentifier(name: string): boolean {
  try {
    ident(name);
    return true;
  } catch {
    return false;
  }
}
