// Phase 2 — validate: every content file against the JSON Schema of its `kind`, with each
// error mapped back to the YAML position of the offending value.
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { Diagnostic } from './diagnostics/types.ts';
import { DIAG } from './diagnostics/codes.ts';
import { diagnostic } from './diagnostics/report.ts';
import { fileStartRange, rangeAt, type SourceFile } from './load.ts';
import * as generated from './generated/validators.ts';
import { validatorName } from './schemas.ts';

export const KINDS = ['pack', 'event-type', 'parser', 'context', 'model', 'rule', 'test'] as const;
export type Kind = (typeof KINDS)[number];

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

// Precompiled from schema/ (compiler/generate.ts): compiling the schemas with Ajv at every
// start would cost more than validating the whole pack.
const VALIDATORS: ReadonlyMap<string, Validator> = new Map(KINDS.map((kind) => [kind, (generated as Record<string, Validator>)[validatorName(kind)]!]));


/** Validate one file; returns its kind when the file is valid. */
export function validateFile(file: SourceFile, diagnostics: Diagnostic[]): Kind | null {
  const value = file.value as Record<string, unknown> | null;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    diagnostics.push(diagnostic(DIAG.UNKNOWN_KIND, file.path, fileStartRange(file), 'a content file must be a mapping with a `kind`'));
    return null;
  }
  const kind = value.kind;
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) {
    diagnostics.push(diagnostic(
      DIAG.UNKNOWN_KIND, file.path,
      typeof kind === 'string' ? rangeAt(file, ['kind']) : fileStartRange(file),
      typeof kind === 'string' ? `unknown kind ${JSON.stringify(kind)}` : 'missing `kind`',
      `kind is one of: ${KINDS.join(', ')}`,
    ));
    return null;
  }
  const validate = VALIDATORS.get(kind)!;
  if (validate(value)) return kind as Kind;
  for (const err of dedupe(validate.errors ?? [])) diagnostics.push(toDiagnostic(file, err));
  return null;
}

/**
 * Validate one file for compilation. A document whose schema errors are confined to some
 * top-level properties that are not required (an unknown key, a bad optional value) is still
 * handed on without those properties, so its expressions, references and regexes are checked
 * in the same run: one schema error does not hide every later problem. The errors stay
 * reported, so nothing is compiled into a bundle.
 */
export function validateForCompile(file: SourceFile, diagnostics: Diagnostic[]): { kind: Kind; value: unknown } | null {
  const before = diagnostics.length;
  const kind = validateFile(file, diagnostics);
  if (kind) return { kind, value: file.value };
  if (diagnostics.length === before) return null;
  const value = file.value as Record<string, unknown> | null;
  const k = value && typeof value === 'object' && !Array.isArray(value) ? value.kind : undefined;
  if (typeof k !== 'string' || !(KINDS as readonly string[]).includes(k)) return null;
  const validate = VALIDATORS.get(k)!;
  validate(value);
  const bad = new Set<string>();
  for (const e of validate.errors ?? []) {
    const top = pathOf(e.instancePath)[0];
    if (top !== undefined) bad.add(top);
    else if (e.keyword === 'additionalProperties') bad.add(String((e.params as { additionalProperty: string }).additionalProperty));
    else return null; // a problem with the document as a whole (e.g. a missing key)
  }
  const repaired = Object.fromEntries(Object.entries(value!).filter(([key]) => !bad.has(key)));
  return validate(repaired) ? { kind: k as Kind, value: repaired } : null;
}

/** Keep the most useful error per location: ajv reports a parent failure for each child. */
function dedupe(errors: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  const out: ErrorObject[] = [];
  for (const e of errors) {
    if (e.keyword === 'if') continue;
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
  }
  return out;
}

function pathOf(instancePath: string): string[] {
  return instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function toDiagnostic(file: SourceFile, e: ErrorObject): Diagnostic {
  const path = pathOf(e.instancePath);
  const where = path.length ? `\`${path.join('.')}\`` : 'the document';
  switch (e.keyword) {
    case 'additionalProperties': {
      const prop = String((e.params as { additionalProperty: string }).additionalProperty);
      return diagnostic(DIAG.UNKNOWN_PROPERTY, file.path, rangeAt(file, [...path, prop], true), `unknown property \`${prop}\` in ${where}`, 'remove it or check its spelling against the schema (`uebac schema`)');
    }
    case 'required': {
      const prop = String((e.params as { missingProperty: string }).missingProperty);
      return diagnostic(DIAG.MISSING_PROPERTY, file.path, rangeAt(file, path, true), `missing required property \`${prop}\` in ${where}`);
    }
    case 'type':
      return diagnostic(DIAG.WRONG_TYPE, file.path, rangeAt(file, path), `${where} ${e.message ?? 'has the wrong type'}`);
    default:
      return diagnostic(DIAG.SCHEMA_VIOLATION, file.path, rangeAt(file, path), `${where} ${e.message ?? 'is invalid'}${e.keyword === 'enum' ? `: ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}` : ''}`);
  }
}

