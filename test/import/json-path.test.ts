import { describe, expect, it } from 'vitest';
import { jsonPathValue, parseJsonPath } from '../../runtime/json-path.ts';

const LINE = '<14>Oct 05 12:00:00 gw acme: {"a":{"b":"x","n":3,"t":true,"o":{"k":1}},"list":[{"type":"u","name":"one"},{"type":"app","name":"two"}],"deep":{"x":{"ip":"10.0.0.1"}},"k.dots":"d","arr":[5,6,7]}';

describe('jsonPath', () => {
  it('reads keys, nested keys and quoted keys after a text prefix', () => {
    expect(jsonPathValue(LINE, '$.a.b')).toBe('x');
    expect(jsonPathValue(LINE, "$['k.dots']")).toBe('d');
    expect(jsonPathValue(LINE, "$.['k.dots']")).toBe('d');
  });
  it('gives numbers and booleans as text, objects and lists as JSON', () => {
    expect(jsonPathValue(LINE, '$.a.n')).toBe('3');
    expect(jsonPathValue(LINE, '$.a.t')).toBe('true');
    expect(jsonPathValue(LINE, '$.a.o')).toBe('{"k":1}');
  });
  it('finds a key anywhere below with .., indexes, slices, wildcards and filters', () => {
    expect(jsonPathValue(LINE, '$..ip')).toBe('10.0.0.1');
    expect(jsonPathValue(LINE, '$.arr[1]')).toBe('6');
    expect(jsonPathValue(LINE, '$.arr[-1]')).toBe('7');
    expect(jsonPathValue(LINE, '$.arr[1:]')).toBe('6');
    expect(jsonPathValue(LINE, '$.list[*].name')).toBe('one');
    expect(jsonPathValue(LINE, "$.list[?(@.type == 'app')].name")).toBe('two');
    expect(jsonPathValue(LINE, "$.list[?(@.type != 'u')].name")).toBe('two');
  });
  it('is null for absent paths, text without JSON, and broken JSON', () => {
    expect(jsonPathValue(LINE, '$.a.missing')).toBeNull();
    expect(jsonPathValue('no json here', '$.a')).toBeNull();
    expect(jsonPathValue('{"a": ', '$.a')).toBeNull();
    expect(jsonPathValue(null, '$.a')).toBeNull();
  });
  it('does not read inherited properties', () => {
    expect(jsonPathValue('{"a":{}}', '$.a.constructor')).toBeNull();
    expect(jsonPathValue('{"a":{}}', '$.a.__proto__')).toBeNull();
  });
  it('refuses syntax outside the subset instead of guessing', () => {
    expect(parseJsonPath('$.items[(@.length-1)]')).toBeNull();
    expect(parseJsonPath('a.b')).toBeNull();
    expect(parseJsonPath('$.a.b')).not.toBeNull();
  });
});
