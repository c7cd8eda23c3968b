// Names that exist on Object.prototype are not fields: the checker must report `constructor`,
// `toString`, … as unknown fields (it used to resolve them through a prototype look-up and
// type them as functions).
import { describe, expect, it } from 'vitest';
import { compileTexts, contentTexts, edit } from '../compiler/helpers.ts';

const RULE = 'rules/UW-DH-A.yaml';
const ORIGINAL = 'expression: exists(device_id) && num_observations < percentile_threshold_count';
const NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', 'isPrototypeOf'];

describe('prototype-named identifiers in expressions', () => {
  it('are unknown fields (UEB0302 each), not Object.prototype members', () => {
    const t = contentTexts();
    edit(t, RULE, ORIGINAL, `expression: "${NAMES.map((n) => `${n} == 'x'`).join(' || ')}"`);
    const { ir, diagnostics } = compileTexts(t);
    expect(ir).toBeNull();
    const errors = diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => d.message)).toEqual(NAMES.map((n) => expect.stringContaining(`unknown field \`${n}\``)));
    expect(errors.every((d) => d.file === RULE)).toBe(true);
  });
});
