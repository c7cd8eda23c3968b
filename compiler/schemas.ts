// The JSON Schemas in schema/, imported so the bundled CLI carries them.
import contextSchema from '../schema/context.schema.json' with { type: 'json' };
import eventTypeSchema from '../schema/event-type.schema.json' with { type: 'json' };
import modelSchema from '../schema/model.schema.json' with { type: 'json' };
import packSchema from '../schema/pack.schema.json' with { type: 'json' };
import parserSchema from '../schema/parser.schema.json' with { type: 'json' };
import ruleSchema from '../schema/rule.schema.json' with { type: 'json' };
import testSchema from '../schema/test.schema.json' with { type: 'json' };

export const SCHEMAS = {
  pack: packSchema,
  'event-type': eventTypeSchema,
  parser: parserSchema,
  context: contextSchema,
  model: modelSchema,
  rule: ruleSchema,
  test: testSchema,
} as const;

/** `event-type` → `eventType`: the name compiler/generated/validators.ts exports a kind's validator as. */
export function validatorName(kind: string): string {
  return kind.replace(/-(.)/g, (_, c: string) => c.toUpperCase());
}
