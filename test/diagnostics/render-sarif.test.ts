import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { CODES } from '../../compiler/diagnostics/codes.ts';
import { renderSarif } from '../../compiler/diagnostics/render-sarif.ts';
import type { Diagnostic } from '../../compiler/diagnostics/types.ts';
import { diagnosticAt, diagnosticOn } from './helpers.ts';

// The SARIF 2.1.0 schema as published with the standard, shipped inside @microsoft/jest-sarif
// (a devDependency used only for this file). It is a draft-04 schema: drop its draft-04 `id`
// and `$schema` so Ajv's default draft-07 dialect accepts it; no draft-04-only keyword is used.
function sarifValidator() {
  const require = createRequire(import.meta.url);
  const path = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  const { $schema: _draft, id: _id, ...schema } = JSON.parse(readFileSync(path, 'utf8'));
  // unicodeRegExp off: the schema's `language` pattern has a stray `]` that only non-Unicode regexes accept.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false });
  return ajv.compile(schema);
}

const validate = sarifValidator();

function expectValidSarif(text: string): void {
  const ok = validate(JSON.parse(text));
  expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
  expect(ok).toBe(true);
}

const RULE = ['kind: rule', "expression: InList(dest_domian, 'gmail.com')"].join('\n');

const SAMPLE: Diagnostic[] = [
  diagnosticOn(RULE, 'dest_domian', { hint: 'did you mean `dest_domain`?' }),
  { ...diagnosticAt('parsers/trend micro/cef#1.yaml', 3, 1, 'UEB0207', 'warning'), message: 'parser is shadowed' },
  { ...diagnosticAt('rules/em-ud-f.yaml', 1, 1, 'UEB0210', 'info'), message: 'no tests' },
  diagnosticAt('rules\\em-ud-a.yaml', 2, 5, 'UEB0302'),
];

describe('renderSarif', () => {
  it('validates against the SARIF 2.1.0 schema', () => {
    expectValidSarif(renderSarif(SAMPLE, { toolVersion: '0.1.0' }));
    expectValidSarif(
      renderSarif(SAMPLE, {
        toolVersion: '0.1.0',
        baseUri: '/work/content',
        informationUri: 'https://example.org/uebac',
      }),
    );
    expectValidSarif(renderSarif([], { toolVersion: '0.1.0' }));
  });

  it('the schema check catches a broken log (the validator is not vacuous)', () => {
    const log = JSON.parse(renderSarif(SAMPLE, { toolVersion: '0.1.0' }));
    log.runs[0].results[0].level = 'fatal';
    expect(validate(log)).toBe(false);
  });

  it('describes the tool and one rule per code used', () => {
    const log = JSON.parse(
      renderSarif(SAMPLE, { toolVersion: '1.2.3', informationUri: 'https://example.org/uebac' }),
    );
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    const driver = log.runs[0].tool.driver;
    expect(driver).toMatchObject({ name: 'uebac', version: '1.2.3', informationUri: 'https://example.org/uebac' });
    expect(driver.rules.map((r: { id: string }) => r.id)).toEqual(['UEB0207', 'UEB0210', 'UEB0302']);
    const rule = driver.rules[2];
    expect(rule).toMatchObject({
      id: 'UEB0302',
      name: 'unknown-field',
      shortDescription: { text: CODES.UEB0302.summary },
      fullDescription: { text: CODES.UEB0302.explanation },
      defaultConfiguration: { level: 'error' },
    });
    expect(rule.help.text).toContain(CODES.UEB0302.fix);
    expect(driver.rules[0].defaultConfiguration.level).toBe('warning');
  });

  it('points each result at its rule, with level, message and region', () => {
    const log = JSON.parse(renderSarif(SAMPLE, { toolVersion: '0.1.0' }));
    const { rules } = log.runs[0].tool.driver;
    const results = log.runs[0].results;
    for (const r of results) expect(rules[r.ruleIndex].id).toBe(r.ruleId);

    const unknownField = results.find((r: { message: { text: string } }) => r.message.text.includes('dest_domian'));
    expect(unknownField).toMatchObject({
      ruleId: 'UEB0302',
      level: 'error',
      message: { text: 'unknown field `dest_domian`\nhint: did you mean `dest_domain`?' },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'rules/em-ud-f.yaml', uriBaseId: '%SRCROOT%' },
            region: { startLine: 2, startColumn: 20, endLine: 2, endColumn: 31 },
          },
        },
      ],
    });
    expect(results.map((r: { level: string }) => r.level).sort()).toEqual(['error', 'error', 'note', 'warning']);
  });

  it('writes relative URIs with forward slashes and encoded segments', () => {
    const log = JSON.parse(renderSarif(SAMPLE, { toolVersion: '0.1.0' }));
    const uris = log.runs[0].results.map(
      (r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
        r.locations[0].physicalLocation.artifactLocation.uri,
    );
    expect(uris).toEqual(['parsers/trend%20micro/cef%231.yaml', 'rules/em-ud-a.yaml', 'rules/em-ud-f.yaml', 'rules/em-ud-f.yaml']);
  });

  it('declares %SRCROOT% only when a base URI is given, always ending in a slash', () => {
    const without = JSON.parse(renderSarif(SAMPLE, { toolVersion: '0.1.0' }));
    expect(without.runs[0]).not.toHaveProperty('originalUriBaseIds');

    const fromPath = JSON.parse(renderSarif(SAMPLE, { toolVersion: '0.1.0', baseUri: '/work/my content' }));
    expect(fromPath.runs[0].originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: 'file:///work/my%20content/' } });

    const fromUri = JSON.parse(renderSarif(SAMPLE, { toolVersion: '0.1.0', baseUri: 'file:///repo/content/' }));
    expect(fromUri.runs[0].originalUriBaseIds['%SRCROOT%'].uri).toBe('file:///repo/content/');
  });

  it('is deterministic whatever the input order', () => {
    const opts = { toolVersion: '0.1.0' };
    expect(renderSarif([...SAMPLE].reverse(), opts)).toBe(renderSarif(SAMPLE, opts));
  });
});
