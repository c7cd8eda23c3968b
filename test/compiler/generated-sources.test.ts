// The committed generated modules (compiler/generated/) are exactly what their inputs produce
// now, and the precompiled validators judge content as a fresh Ajv compile of the schemas does.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { AJV_OPTIONS, generatedSources } from '../../compiler/generated-sources.ts';
import * as generated from '../../compiler/generated/validators.ts';
import { SCHEMAS, validatorName } from '../../compiler/schemas.ts';
import { KINDS } from '../../compiler/validate.ts';

type Validator = ((data: unknown) => boolean) & { errors?: unknown[] | null };

describe('generated modules', () => {
  for (const [name, text] of generatedSources()) {
    it(`compiler/generated/${name} is up to date (npx tsx compiler/generate.ts)`, () => {
      expect(readFileSync(new URL(`../../compiler/generated/${name}`, import.meta.url), 'utf8')).toBe(text);
    });
  }

  it('the precompiled validators report the errors a fresh Ajv compile reports', () => {
    const ajv = new Ajv2020(AJV_OPTIONS);
    const samples: unknown[] = [
      {},
      { kind: 'rule' },
      { kind: 'rule', id: 'R-1', name: 'x', eventTypes: 'not-a-list', score: -3, unknownKey: 1 },
      { kind: 'parser', id: '-bad', format: 'xml', select: { vendor: [1] }, time: { from: [] }, fields: { __proto__x: 1 }, events: [{}] },
      { kind: 'pack', id: 'p', version: '1', settings: { session: { inactivityMinutes: 0 } }, reviewedRegexes: [{ pattern: 'a', reason: '' }, { pattern: 'b', reason: '\u{1F600}' }] },
      { kind: 'event-type', id: 'e', fields: { 'bad name': { type: 'blob' }, ok: {} } },
      { kind: 'model', id: 'm' }, { kind: 'context', id: 'c' }, { kind: 'test', id: 't', steps: 3 },
    ];
    for (const kind of KINDS) {
      const fresh = ajv.compile(SCHEMAS[kind]);
      const pre = (generated as Record<string, Validator>)[validatorName(kind)]!;
      for (const sample of samples) {
        const value = { ...(sample as object), kind };
        expect(pre(value)).toBe(fresh(value));
        expect(pre.errors ?? null).toEqual(fresh.errors ?? null);
      }
    }
  });
});
