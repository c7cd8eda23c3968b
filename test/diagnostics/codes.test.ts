import { describe, expect, it } from 'vitest';
import { CODES, codeInfo } from '../../compiler/diagnostics/codes.ts';

const infos = Object.values(CODES);

describe('diagnostic code registry', () => {
  it('keys every entry by its own code, shaped UEB + four digits', () => {
    for (const [key, info] of Object.entries(CODES)) {
      expect(info.code).toBe(key);
      expect(key).toMatch(/^UEB\d{4}$/);
    }
  });

  it('gives every code a unique kebab-case name', () => {
    const names = infos.map((i) => i.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('documents every code', () => {
    for (const info of infos) {
      expect(info.summary.trim(), info.code).not.toBe('');
      expect(info.explanation.trim().length, info.code).toBeGreaterThan(40);
      expect(info.example?.trim(), info.code).toBeTruthy();
      expect(info.fix?.trim(), info.code).toBeTruthy();
    }
  });

  // The released numbering is a contract: tools filter on these codes.
  it('keeps the released codes with their names, severities and phases', () => {
    const table = Object.fromEntries(infos.map((i) => [i.code, `${i.name} ${i.severity} ${i.phase}`]));
    expect(table).toEqual({
      UEB0001: 'yaml-syntax error load',
      UEB0002: 'duplicate-key error load',
      UEB0003: 'file-unreadable error load',
      UEB0004: 'duplicate-id error resolve',
      UEB0005: 'unknown-kind error validate',
      UEB0006: 'missing-pack error load',
      UEB0007: 'yaml-alias-limit error load',
      UEB0101: 'schema-violation error validate',
      UEB0102: 'unknown-property error validate',
      UEB0103: 'missing-property error validate',
      UEB0104: 'wrong-type error validate',
      UEB0105: 'non-finite-number error validate',
      UEB0106: 'conditional-property error validate',
      UEB0201: 'unknown-event-type error resolve',
      UEB0202: 'unknown-model error resolve',
      UEB0203: 'unknown-rule error resolve',
      UEB0204: 'unknown-context-table error resolve',
      UEB0205: 'dependency-cycle error resolve',
      UEB0206: 'unreachable-rule error resolve',
      UEB0207: 'parser-shadowed warning resolve',
      UEB0208: 'field-never-produced warning resolve',
      UEB0209: 'empty-context-table warning resolve',
      UEB0210: 'no-tests warning test',
      UEB0211: 'id-name-collision error resolve',
      UEB0301: 'expression-syntax error check',
      UEB0302: 'unknown-field error check',
      UEB0303: 'unknown-function error check',
      UEB0304: 'wrong-arity error check',
      UEB0305: 'type-mismatch error check',
      UEB0306: 'model-stat-without-model error check',
      UEB0307: 'not-allowed-here error check',
      UEB0308: 'literal-required error check',
      UEB0309: 'unknown-placeholder error check',
      UEB0310: 'expression-too-complex error check',
      UEB0401: 'regex-syntax error regex',
      UEB0402: 'regex-redos error regex',
      UEB0403: 'regex-java-only error regex',
      UEB0404: 'regex-polynomial warning regex',
      UEB0405: 'regex-undecided error regex',
      UEB0501: 'context-csv error context',
      UEB0502: 'context-undeclared error context',
      UEB0503: 'context-bad-cidr error context',
      UEB0601: 'test-failed error test',
      UEB0602: 'min-tests error test',
    });
  });

  it('looks up known codes and throws on unknown ones', () => {
    expect(codeInfo('UEB0302').name).toBe('unknown-field');
    expect(() => codeInfo('UEB9999')).toThrow(/UEB9999/);
    expect(() => codeInfo('toString')).toThrow();
  });

  it('is frozen so no caller can change a code at run time', () => {
    expect(Object.isFrozen(CODES)).toBe(true);
    expect(Object.isFrozen(CODES.UEB0302)).toBe(true);
  });
});
