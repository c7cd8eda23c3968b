// UEB0207's hint must be advice that works: following it (the priority it names, on the parser
// it names) makes the shadowed parser take its lines and the warning go away. Parsers run in
// ascending priority (runtime/dispatch.ts), so "lower priority" alone reads backwards.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileDir } from '../../compiler/compile.ts';
import { interpretProgram } from '../../compiler/interpreter.ts';

const BASE = join(import.meta.dirname, '../diagnostics/golden/base');
const LINE = 'CEF:0|Acme|Guard|1|100|USB write|3|rt=1767600000000 duser=Alice shost=WS-1 fname=a.txt cs1=DEV-1 fsize=10';
const temps: string[] = [];
afterAll(() => { for (const t of temps) rmSync(t, { recursive: true, force: true }); });

/** The base pack (parser `acme-usb`) plus `acme-any` (sorting first by id), an identical selector, with the given priorities. */
function packWith(priorities: { specific: number; broad: number }): string {
  const dir = mkdtempSync(join(tmpdir(), 'uebac-shadow-'));
  temps.push(dir);
  cpSync(BASE, dir, { recursive: true });
  const specific = join(dir, 'parsers/acme-usb.yaml');
  const text = readFileSync(specific, 'utf8');
  writeFileSync(specific, text.replace(/^priority: \d+$/m, `priority: ${priorities.specific}`));
  writeFileSync(join(dir, 'parsers/acme-any.yaml'), text.replace('id: acme-usb', 'id: acme-any').replace(/^priority: \d+$/m, `priority: ${priorities.broad}`));
  return dir;
}

function setPriority(dir: string, id: string, priority: number): void {
  const file = join(dir, `parsers/${id}.yaml`);
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^priority: \d+$/m, `priority: ${priority}`));
}

function shadowWarnings(dir: string) {
  const { diagnostics } = compileDir(dir);
  expect(diagnostics.filter((d) => d.severity === 'error'), 'the pack compiles').toEqual([]);
  return diagnostics.filter((d) => d.code === 'UEB0207');
}

/** Applies the hint literally: the parser it names gets the priority it gives. */
function follow(dir: string, hint: string, shadowed: string): void {
  const m = /to try `([^`]+)` first, give (it|`([^`]+)`) a priority number (below|above) (\d+) \(e\.g\. `priority: (\d+)`/.exec(hint);
  expect(m, hint).not.toBeNull();
  expect(m![1]).toBe(shadowed);
  const target = m![2] === 'it' ? shadowed : m![3]!;
  const value = Number(m![6]);
  expect(m![4] === 'below' ? value < Number(m![5]) : value > Number(m![5]), hint).toBe(true);
  setPriority(dir, target, value);
}

describe('UEB0207 hint', () => {
  for (const c of [
    { name: 'the shadowed parser gets a smaller number', specific: 10, broad: 5 },
    { name: 'the shadowed parser has the same priority and sorts later by id', specific: 7, broad: 7 },
    { name: 'the broad parser is already at 0: it gets a larger number', specific: 3, broad: 0 },
  ]) {
    it(c.name, () => {
      const dir = packWith(c);
      // Before: the broad parser takes the line and the specific one is reported as shadowed.
      const before = compileDir(dir).ir!;
      const p0 = interpretProgram(before).parse(LINE);
      expect(p0.ok && p0.parser).toBe('acme-any');
      const [w] = shadowWarnings(dir);
      expect(w?.message).toContain('parser `acme-usb` is shadowed by `acme-any`');
      follow(dir, w!.hint!, 'acme-usb');
      // After following the hint: the specific parser takes its line, and nothing is shadowed
      // in that direction (the broad one still takes every other line).
      const after = compileDir(dir).ir!;
      const p1 = interpretProgram(after).parse(LINE);
      expect(p1.ok && p1.parser).toBe('acme-usb');
      expect(shadowWarnings(dir).map((d) => d.message)).not.toContain(w!.message);
    });
  }
});
