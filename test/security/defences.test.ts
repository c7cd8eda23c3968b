// Unit checks of individual defences that SECURITY.md lists and that no other test pins
// directly: the code builder's primitives, the `__` field-name rule of the schemas, and the
// run-time cap on regex input.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { code, comment, Code, ident, num, prop, str } from '../../compiler/emit/code.ts';
import type { Diagnostic } from '../../compiler/diagnostics/types.ts';
import { parseSource } from '../../compiler/load.ts';
import { validateFile } from '../../compiler/validate.ts';
import { regexCapture, regexTest } from '../../runtime/helpers.ts';
import { ROOT } from '../../scripts/fuzz.ts';

describe('escaping code builder (compiler/emit/code.ts)', () => {
  it('str() yields a JS string literal that evaluates back to the content string', () => {
    for (const s of ['"); x = 1; ("', '`${x}`', '</script>', '\u2028\u2029', '\u0000', '\\', "'", '*/', '\ud800']) {
      const lit = str(s).text;
      expect(lit).not.toMatch(/[\u2028\u2029<]/);
      expect(new Function(`return ${lit};`)()).toBe(s);
    }
  });

  it('ident() accepts only identifier-shaped, non-reserved names', () => {
    expect(ident('T_tm_dac').text).toBe('T_tm_dac');
    for (const bad of ['a b', 'a;b', '1a', '', 'a-b', 'x)', 'constructor()', 'eval', 'arguments', 'return', 'this', 'import', '\u2028']) {
      expect(() => ident(bad), bad).toThrow(TypeError);
    }
  });

  it('prop() uses bracket access with a quoted key for __proto__ and non-identifiers', () => {
    expect(prop(code`ev`, 'user').text).toBe('ev.user');
    expect(prop(code`ev`, '__proto__').text).toBe('ev["__proto__"]');
    expect(prop(code`ev`, 'a"]; x=1; ["').text).toBe('ev["a\\"]; x=1; [\\""]');
  });

  it('comment() cannot be closed by content; num() refuses non-finite numbers; plain strings cannot be interpolated', () => {
    const c = comment('x */ globalThis.p = 1; /* \n y \u2028 z').text;
    expect(c.indexOf('*/')).toBe(c.length - 2);
    expect(c).not.toMatch(/[\n\u2028]/);
    for (const n of [NaN, Infinity, -Infinity]) expect(() => num(n)).toThrow(TypeError);
    expect(num(-0).text).toBe('0');
    const interpolate = code as unknown as (s: TemplateStringsArray, ...p: unknown[]) => Code;
    expect(() => interpolate`x = ${'1; evil()'}`).toThrow(/refusing to interpolate string/);
  });
});

describe('schema: field names starting with __ are rejected', () => {
  it('an event-type field named __proto__ or __x is a schema error at that file', () => {
    const original = readFileSync(join(ROOT, 'content/event-types/usb-write.yaml'), 'utf8');
    for (const name of ['__proto__', '__x']) {
      const text = original.replace(/^fields:\n/m, `fields:\n  ${name}: { type: string, level: informational, description: 'x' }\n`);
      expect(text).not.toBe(original);
      const { file } = parseSource('event-types/usb-write.yaml', text);
      const ds: Diagnostic[] = [];
      validateFile(file, ds);
      const errors = ds.filter((d) => d.severity === 'error');
      expect(errors.length, name).toBeGreaterThan(0);
      expect(errors.every((d) => d.file === 'event-types/usb-write.yaml' && d.range.start.line >= 1)).toBe(true);
    }
    // The unmodified file passes the same check.
    const ds: Diagnostic[] = [];
    validateFile(parseSource('event-types/usb-write.yaml', original).file, ds);
    expect(ds.filter((d) => d.severity === 'error')).toEqual([]);
  });
});

describe('run-time regex input cap (runtime/helpers.ts)', () => {
  it('regexTest / regexCapture only look at the first maxInput characters', () => {
    const tail = 'a'.repeat(5000) + 'needle';
    expect(regexTest(/needle/, tail, 4096)).toBe(false);
    expect(regexTest(/needle/, tail, 8192)).toBe(true);
    expect(regexCapture(/(needle)/, tail, 4096)).toBeNull();
    expect(regexCapture(/(needle)/, 'needle' + tail, 4096)).toBe('needle');
    expect(regexTest(/x/, null, 4096)).toBe(false);
  });

  it('the cap bounds a quadratic regex on a 1 MiB hostile value (cost ∝ cap², not value length²)', () => {
    // Unanchored /\s*x$/ is O(n²) on a run of blanks without the x (recheck: degree 2), so the
    // compiler only warns about it. Uncapped, 1 MiB of blanks would take hours; the cost is
    // set by the cap instead. (At the default cap of 4096 one such call costs tens of ms, and a
    // degree-3 regex minutes: see SECURITY.md.)
    // The property is checked on the work, not the clock: every string the regex engine is
    // given (test() goes through exec()) is at most the cap, so the cost is bounded by 512².
    class Recording extends RegExp {
      seen: number[] = [];
      override exec(s: string): RegExpExecArray | null {
        this.seen.push(s.length);
        return super.exec(s);
      }
    }
    const quadratic = new Recording('\\s*x$');
    const hostile = ' '.repeat(1 << 20);
    expect(regexTest(quadratic, hostile, 512)).toBe(false);
    expect(regexCapture(quadratic, hostile, 512)).toBeNull();
    expect(quadratic.seen).toEqual([512, 512]);
  });
});
