// docs/language.md is generated from the grammar notes below and the built-in modules, so
// the reference cannot drift from the implementation (test/language-doc.test.ts).
import { BUILTINS } from './builtins/index.ts';
import { MODEL_STATS } from './expr/check.ts';

const INTRO = `# The uebac expression language

Expressions appear in rules (\`classifyIf\`, \`expression\`), models (\`feature\`, \`trainIf\`),
event types (derived fields, \`expr\`) and parsers (\`fields\`, \`events[].when\`). This page is
generated from the compiler's built-in registry (\`compiler/builtins/\`); do not edit it by hand.

## Grammar

Loosest binding first:

| level | operators |
|---|---|
| conditional | \`test ? a : b\` |
| or | \`||\`, \`or\` |
| and | \`&&\`, \`and\` |
| not | \`!\`, \`not\` |
| comparison | \`==\` (also \`=\`), \`!=\` (also \`<>\`), \`<\`, \`<=\`, \`>\`, \`>=\`, \`in\` |
| additive | \`+\` (numbers, or string concatenation), \`-\` |
| multiplicative | \`*\`, \`/\`, \`%\` |
| unary | \`-x\` |

Literals: numbers (\`10\`, \`0.8\`, \`1e6\`), strings in single or double quotes with \`\\\\\`, \`\\'\`, \`\\"\`,
\`\\n\`, \`\\t\`, \`\\uXXXX\` escapes (other backslash sequences such as \`\\d\` are kept for regexes),
\`true\`, \`false\`, \`null\` (case-insensitive), lists \`['a', 'b']\`. Identifiers name fields;
function names are case-insensitive, field names are case-sensitive.

Dependency expressions (\`dependency:\` on rules) have their own grammar: rule ids combined with
\`and\`, \`or\`, \`not\` and parentheses; \`NA\` means always true. They refer to rules evaluated
for the same event; the compiler orders rules so dependencies run first and rejects cycles.

## Types

\`string\`, \`number\`, \`boolean\`, \`time\` (epoch milliseconds), \`ip\` (text), \`list\` (list of
strings). Field types come from the event-type catalog; the checker reports unknown fields,
functions, tables, models and rules (with "did you mean"), wrong arity and type mismatches.

## Missing fields

A missing field is \`null\`. Every comparison with \`null\` is **false** — including \`!=\` — and
so is every string predicate given \`null\`; string functions given \`null\` return \`null\`;
arithmetic with \`null\` gives \`null\`; division by zero gives \`null\`. \`exists(x)\` is the only
test that is true for a present value and false for a missing one. A boolean operand counts
as true only when it is exactly \`true\`, so \`!x\` is true when \`x\` is missing. The result:
a rule cannot fire because of data that is not there.

## Model statistics

In a rule that names a \`model\`, these identifiers read the model instance selected by the
event (scope and feature taken from the event), as it was **before** this event trained it.
Model rules only fire when the instance has converged (N ≥ cutOff and confidence ≥ the
model's convergence, default 0.8) unless the rule says \`requireConvergence: false\`.

| name | type | meaning |
|---|---|---|
`;

const STAT_DOCS: Record<string, string> = {
  num_observations: 'times the current feature value was seen in the instance (0 = first)',
  confidence_factor: '((N − C) / N) ^ alpha, with N observations and C distinct values',
  total_events: 'N, observations in the instance',
  distinct_values: 'C, distinct values (bins) in the instance',
  percentile_threshold_count: 'largest count t such that values seen fewer than t times hold at most percentileThreshold of N; 0 < num_observations < t is rare',
  percentile_threshold_value: 'numerical models: upper bound of the normal area (gamma fit, 1 − percentileThreshold quantile), on the original scale',
  percentile_count_distance: 'numerical models: how many bins the value lies beyond that bound (0 when inside)',
  converged: 'whether the instance passes its convergence test',
  feature_value: 'the model feature computed for this event',
};

export function renderLanguageReference(): string {
  const out: string[] = [INTRO];
  for (const [name, type] of Object.entries(MODEL_STATS)) out.push(`| \`${name}\` | ${type} | ${STAT_DOCS[name] ?? ''} |`);
  out.push('', '## Built-in functions', '');
  const categories = [...new Set(BUILTINS.map((b) => b.category))];
  for (const cat of categories) {
    out.push(`### ${cat}`, '');
    for (const b of BUILTINS.filter((x) => x.category === cat)) {
      out.push(`#### \`${b.signature}\``, '', b.doc, '');
      if (b.aliases?.length) out.push(`Also: ${b.aliases.map((a) => `\`${a}\``).join(', ')}.`, '');
      if (b.where) out.push(`Allowed in: ${b.where.join(', ')} expressions.`, '');
      out.push('```', b.example, '```', '');
    }
  }
  return out.join('\n');
}
