// The registry of diagnostic codes. Every message the compiler prints carries one of these codes.
//
// Rules for editing this file:
// - A code, once released, keeps its meaning forever. Never renumber or reuse a code; if a
//   check goes away, leave its entry here and say in the explanation that it is retired.
// - Codes are grouped by hundreds: 00xx loading, 01xx schema, 02xx references and the content
//   graph, 03xx expressions, 04xx regular expressions, 05xx context data, 06xx tests.
// - `explanation`, `example` and `fix` are published in docs/diagnostics.md; write them for
//   detection engineers, not for compiler authors.

export type CodeSeverity = 'error' | 'warning' | 'info';

export type CodePhase =
  | 'load'
  | 'validate'
  | 'resolve'
  | 'check'
  | 'regex'
  | 'parser'
  | 'emit'
  | 'test'
  | 'context';

export interface CodeInfo {
  /** Stable code, `UEB` followed by four digits. */
  code: string;
  /** Short kebab-case name, unique across the registry. */
  name: string;
  /** Severity a diagnostic with this code has by default. */
  severity: CodeSeverity;
  /** Compiler phase that reports it. */
  phase: CodePhase;
  /** One line: what is wrong. */
  summary: string;
  /** A paragraph: why it matters and when it is reported. */
  explanation: string;
  /** A small content snippet (YAML or an expression) that triggers it. */
  example?: string;
  /** How to make the diagnostic go away. */
  fix?: string;
}

// One named constant per code: call sites write `DIAG.UNKNOWN_FIELD`, never a code string, so a
// typo is a type error and the severity always comes from here.
// The order in the source is the order in the docs.
export const DIAG = {
  // ── 00xx: loading files ────────────────────────────────────────────────
  YAML_SYNTAX: {
    code: 'UEB0001',
    name: 'yaml-syntax',
    severity: 'error',
    phase: 'load',
    summary: 'YAML syntax error',
    explanation:
      'The file is not valid YAML, so nothing in it can be read. Common causes are a tab used ' +
      'for indentation, a missing space after a colon, an unclosed quote or bracket, and a ' +
      'value starting with a character YAML reserves (such as `@`, `` ` `` or `%`). The ' +
      'position points at the first place the YAML reader could not make sense of; the real ' +
      'mistake is often on the line just before it.',
    example: ['id: EM-UD-F', 'expression: num_observations == 0', 'score:10'].join('\n'),
    fix:
      'Correct the syntax at or just before the reported position. Quote values that contain ' +
      '`: `, ` #` or start with a reserved character, and indent with spaces only.',
  },
  DUPLICATE_KEY: {
    code: 'UEB0002',
    name: 'duplicate-key',
    severity: 'error',
    phase: 'load',
    summary: 'duplicate key in a YAML mapping',
    explanation:
      'The same key appears twice in one mapping. Many YAML readers silently keep the last ' +
      'value, which hides mistakes such as two `expression:` lines where only one is used. ' +
      'uebac refuses such files so that what you read is what gets compiled.',
    example: ['id: EM-UD-F', 'score: 10', 'expression: num_observations == 0', 'score: 20'].join(
      '\n',
    ),
    fix: 'Keep one of the two keys and delete the other, merging their values if both were meant.',
  },
  FILE_UNREADABLE: {
    code: 'UEB0003',
    name: 'file-unreadable',
    severity: 'error',
    phase: 'load',
    summary: 'a content file could not be read',
    explanation:
      'The compiler found a file in the content directory (or one referenced by content, such ' +
      'as a context CSV) but could not read it: it does not exist, permissions forbid reading ' +
      'it, it is a directory, or it is not valid UTF-8 text. The message carries the reason ' +
      'reported by the operating system.',
    example: ['kind: context', 'id: executives', 'file: context/executives.csv  # file is missing'].join(
      '\n',
    ),
    fix:
      'Check that the path is spelled correctly (paths are relative to the content directory ' +
      'and case-sensitive), that the file exists and is readable, and that it is saved as UTF-8.',
  },
  DUPLICATE_ID: {
    code: 'UEB0004',
    name: 'duplicate-id',
    severity: 'error',
    phase: 'resolve',
    summary: 'two items of the same kind share an id',
    explanation:
      'Ids are how content refers to other content: a rule names its model by id, a dependency ' +
      'expression names rules by id, and alerts report the rule id. Two rules (or two models, ' +
      'parsers, …) with the same id would make those references ambiguous. This is often the ' +
      'result of copying a file as a starting point for a new rule and forgetting to change ' +
      'its id. Items of different kinds may share an id (a rule and its model often do). ' +
      'Every kind is checked: parsers, event types, context tables, models, rules (enabled or ' +
      'not) and tests; a content directory also holds exactly one pack. The error is reported ' +
      'at each of the items, and each message names where the others are.',
    example: [
      '# rules/em-ud-f.yaml',
      'kind: rule',
      'id: EM-UD-F',
      '',
      '# rules/em-gd-f.yaml (copied from the file above)',
      'kind: rule',
      'id: EM-UD-F',
    ].join('\n'),
    fix: 'Give one of the items a new, unique id. The message names the other file that uses it.',
  },
  UNKNOWN_KIND: {
    code: 'UEB0005',
    name: 'unknown-kind',
    severity: 'error',
    phase: 'validate',
    summary: '`kind` is missing or not a known kind',
    explanation:
      'Every content document says what it is with a top-level `kind` key, which decides the ' +
      'schema it is checked against. The known kinds are `pack`, `event-type`, `parser`, ' +
      '`context`, `model`, `rule` and `test`. A document without `kind`, or with another ' +
      'value, cannot be checked further.',
    example: ['kind: rules', 'id: EM-UD-F'].join('\n'),
    fix: 'Add a `kind:` line, or correct it to one of: pack, event-type, parser, context, model, rule, test.',
  },
  MISSING_PACK: {
    code: 'UEB0006',
    name: 'missing-pack',
    severity: 'error',
    phase: 'load',
    summary: 'the content directory has no pack file',
    explanation:
      'A content directory is a pack: exactly one `kind: pack` document (usually `pack.yaml` ' +
      'at the top) names it, versions it and holds its settings. Without it the directory is ' +
      'probably not content at all (a documentation folder, the parent of the pack, a typo ' +
      'in the path), so nothing is compiled.',
    example: ['# content/pack.yaml is missing; content/rules/em-ud-f.yaml:', 'kind: rule', 'id: EM-UD-F'].join('\n'),
    fix: 'Point the command at the pack directory, or add a `pack.yaml` with `kind: pack`, `id` and `version`.',
  },
  YAML_ALIAS_LIMIT: {
    code: 'UEB0007',
    name: 'yaml-alias-limit',
    severity: 'error',
    phase: 'load',
    summary: 'YAML aliases expand beyond the limits',
    explanation:
      'YAML anchors (`&name`) and aliases (`*name`) let one node be repeated without being ' +
      'written twice, and nested aliases multiply: a few hundred bytes can expand to ' +
      'gigabytes ("billion laughs"). A file may use at most 100 aliases, and what its ' +
      'aliases add when expanded may not exceed the larger of the file’s own size and 1 MiB. ' +
      'The position points at the alias that crosses the limit.',
    example: ['a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]'].join('\n'),
    fix: 'Write the repeated data out, or move large repeated tables into a context CSV.',
  },

  // ── 01xx: schema validation ────────────────────────────────────────────
  SCHEMA_VIOLATION: {
    code: 'UEB0101',
    name: 'schema-violation',
    severity: 'error',
    phase: 'validate',
    summary: 'value does not satisfy the schema',
    explanation:
      'A value breaks a constraint of the JSON Schema for its kind that has no more specific ' +
      'code: a number outside its allowed range, a string not matching the required pattern, ' +
      'a value not in the list of allowed values, an empty list where at least one item is ' +
      'required, and so on. The message quotes the constraint. The schemas are in `schema/` ' +
      'and editors that understand JSON Schema can check files as you type.',
    example: ['kind: rule', 'id: EM-UD-F', 'score: -5   # score must be between 0 and 100'].join(
      '\n',
    ),
    fix: 'Change the value so that it meets the constraint quoted in the message.',
  },
  UNKNOWN_PROPERTY: {
    code: 'UEB0102',
    name: 'unknown-property',
    severity: 'error',
    phase: 'validate',
    summary: 'property not allowed here',
    explanation:
      'The document has a key its schema does not define. This is usually a typo ' +
      '(`expresion:`), a key placed at the wrong level of indentation, or a key from another ' +
      'kind of content. Unknown keys are errors rather than being ignored, because an ignored ' +
      'misspelt key silently changes what a rule does.',
    example: ['kind: rule', 'id: EM-UD-F', 'expresion: num_observations == 0'].join('\n'),
    fix:
      'Correct the spelling (the hint suggests the closest known key), move the key to the ' +
      'level where it belongs, or delete it.',
  },
  MISSING_PROPERTY: {
    code: 'UEB0103',
    name: 'missing-property',
    severity: 'error',
    phase: 'validate',
    summary: 'required property is missing',
    explanation:
      'The document lacks a key that its kind requires, for example a rule without ' +
      '`expression` or `score`, or a model without `feature`. The position points at the ' +
      'mapping that should contain the key.',
    example: ['kind: rule', 'id: EM-UD-F', 'event_types: [dlp-email-alert-out]', 'score: 10'].join(
      '\n',
    ),
    fix: 'Add the missing key named in the message.',
  },
  WRONG_TYPE: {
    code: 'UEB0104',
    name: 'wrong-type',
    severity: 'error',
    phase: 'validate',
    summary: 'value has the wrong type',
    explanation:
      'A value has a different YAML type than the schema expects: a string where a number is ' +
      'required, a single value where a list is required, a mapping where a string is ' +
      'required. Remember that YAML reads unquoted `yes`, `no`, `on`, `off`, numbers and ' +
      'dates as non-strings; quote a value to keep it a string.',
    example: ['kind: rule', 'id: EM-UD-F', 'event_types: dlp-email-alert-out   # must be a list'].join(
      '\n',
    ),
    fix: 'Write the value with the type named in the message: quote strings, use `[a, b]` or a `- item` list for lists.',
  },
  NON_FINITE_NUMBER: {
    code: 'UEB0105',
    name: 'non-finite-number',
    severity: 'error',
    phase: 'validate',
    summary: 'a number is too large to represent (Infinity) or is NaN',
    explanation:
      'YAML reads `1e999` and `.inf` as Infinity and `.nan` as not-a-number, and an expression ' +
      'literal such as `1e999` overflows the same way. No setting, score, threshold or ' +
      'comparison means Infinity, and the compiled bundle cannot contain it, so such a number ' +
      'is reported where it is written instead of failing later.',
    example: ['kind: rule', 'id: EM-BYTES', 'expression: bytes > 1e999'].join('\n'),
    fix: 'Write a finite number (at most about 1.7e308), or quote the value if it is meant as text.',
  },
  CONDITIONAL_PROPERTY: {
    code: 'UEB0106',
    name: 'conditional-property',
    severity: 'error',
    phase: 'validate',
    summary: 'a property required by another value is missing',
    explanation:
      'Some keys are only required because of the value of another key: a parser with ' +
      '`format: regex` needs `extract` regexes, a user- or asset-scoped model needs ' +
      '`scope.field`, an asset rule needs `scoreTarget`. The schema alone cannot say so, so ' +
      'the compiler checks it and points at the key that makes the other one necessary.',
    example: ['kind: rule', 'id: EM-AS-F', 'type: asset', '# scoreTarget: src_host is missing'].join('\n'),
    fix: 'Add the key named in the message, or change the value that requires it.',
  },

  // ── 02xx: references and the content graph ─────────────────────────────
  UNKNOWN_EVENT_TYPE: {
    code: 'UEB0201',
    name: 'unknown-event-type',
    severity: 'error',
    phase: 'resolve',
    summary: 'reference to an event type that does not exist',
    explanation:
      'A parser, model or rule names an event type that no `kind: event-type` document ' +
      'defines. A rule or model listening to a non-existent event type would never see an ' +
      'event, and a parser producing one would produce events nothing can use.',
    example: ['kind: rule', 'id: EM-UD-F', 'event_types: [dlp-email-out]'].join('\n'),
    fix:
      'Correct the name (the hint suggests the closest event type), or add the missing event ' +
      'type under `event-types/`.',
  },
  UNKNOWN_MODEL: {
    code: 'UEB0202',
    name: 'unknown-model',
    severity: 'error',
    phase: 'resolve',
    summary: 'reference to a model that does not exist',
    explanation:
      'A rule names a model by id, but no `kind: model` document has that id. The rule ' +
      'cannot read model statistics such as `num_observations` without it.',
    example: ['kind: rule', 'id: EM-UD-F', 'model: EM-UDD'].join('\n'),
    fix: 'Correct the model id (the hint suggests the closest one) or add the model under `models/`.',
  },
  UNKNOWN_RULE: {
    code: 'UEB0203',
    name: 'unknown-rule',
    severity: 'error',
    phase: 'resolve',
    summary: 'reference to a rule that does not exist',
    explanation:
      'A dependency expression, or a call such as `WasRuleFired(...)`, names a rule id that ' +
      'no rule in the pack has. A dependency on a missing rule can never be satisfied (or ' +
      'is always satisfied, when negated), which is almost never what was meant.',
    example: ['kind: rule', 'id: EM-UD-A', "depends_on: \"!EM-UD-FF\""].join('\n'),
    fix: 'Correct the rule id (the hint suggests the closest one) or remove the reference.',
  },
  UNKNOWN_CONTEXT_TABLE: {
    code: 'UEB0204',
    name: 'unknown-context-table',
    severity: 'error',
    phase: 'resolve',
    summary: 'reference to a context list or table that does not exist',
    explanation:
      'An expression uses a context list or table, for example in `ContextListContains(...)` ' +
      'or `GetValue(...)`, that no `kind: context` document declares. Without a declaration ' +
      'the compiler cannot know the table’s columns or load its data.',
    example: "expression: ContextListContains('executive_users', user)",
    fix:
      'Correct the table name (the hint suggests the closest one) or declare the table under ' +
      '`context/`.',
  },
  DEPENDENCY_CYCLE: {
    code: 'UEB0205',
    name: 'dependency-cycle',
    severity: 'error',
    phase: 'resolve',
    summary: 'rules depend on each other in a cycle',
    explanation:
      'Rule dependencies decide the order in which rules are evaluated for an event: a rule ' +
      'is evaluated after the rules it depends on. When rules depend on each other in a ' +
      'cycle (A depends on B, B depends on A), no order works. The message lists the rules ' +
      'in the cycle.',
    example: [
      '# rules/em-ud-f.yaml',
      'id: EM-UD-F',
      "depends_on: \"!EM-UD-A\"",
      '',
      '# rules/em-ud-a.yaml',
      'id: EM-UD-A',
      "depends_on: \"!EM-UD-F\"",
    ].join('\n'),
    fix:
      'Remove the dependency from one of the rules in the cycle. For mutually exclusive ' +
      'first/abnormal pairs, usually only the broader rule should depend on the narrower one.',
  },
  UNREACHABLE_RULE: {
    code: 'UEB0206',
    name: 'unreachable-rule',
    severity: 'error',
    phase: 'resolve',
    summary: "rule's event types are disjoint from its model's",
    explanation:
      "A rule is only evaluated for events of its event types, and its model is only trained " +
      "on and looked up for events of the model's event types. When the two lists have no " +
      'event type in common, the rule can never find model statistics for the event it is ' +
      'looking at, so it can never fire.',
    example: [
      '# models/em-ud.yaml',
      'kind: model',
      'id: EM-UD',
      'event_types: [dlp-email-alert-out]',
      '',
      '# rules/em-ud-f.yaml',
      'kind: rule',
      'id: EM-UD-F',
      'model: EM-UD',
      'event_types: [web-activity-allowed]',
    ].join('\n'),
    fix: "Make the rule's `event_types` a subset of its model's, or point the rule at the right model.",
  },
  PARSER_SHADOWED: {
    code: 'UEB0207',
    name: 'parser-shadowed',
    severity: 'warning',
    phase: 'resolve',
    summary: 'parser can never be selected',
    explanation:
      'Parsers are tried in a fixed order and the first whose conditions match a line wins. ' +
      'When an earlier parser’s conditions are broader than this one’s (every line this ' +
      'parser accepts is also accepted by the earlier one), this parser never gets a line. ' +
      'The message names the parser that shadows it.',
    example: [
      '# parsers/cef-any.yaml   (tried first: priority 10)',
      'priority: 10',
      'select: { vendor: [Trend Micro], product: [Apex Central] }',
      '',
      '# parsers/cef-dlp.yaml   (shadowed: default priority 100)',
      'select: { vendor: [Trend Micro], product: [Apex Central], signature: ["DLP"] }',
    ].join('\n'),
    fix:
      'Parsers are tried in ascending `priority` (lowest number first, ties by id): give the ' +
      'specific parser a smaller priority number than the broad one (here `priority: 9` on ' +
      '`cef-dlp`), make the earlier parser more specific, or delete the parser that is never used.',
  },
  FIELD_NEVER_PRODUCED: {
    code: 'UEB0208',
    name: 'field-never-produced',
    severity: 'warning',
    phase: 'resolve',
    summary: 'field read by a rule or model is never produced',
    explanation:
      'The event type defines the field, so the expression type-checks, but none of the ' +
      'parsers that produce events of this type extracts or sets it. At run time the field ' +
      'is always missing, and since comparisons with a missing field are false, the rule ' +
      'never fires (or the model never trains). This typically happens when rules are ' +
      'written against a field catalog before the parsers for a given product support it.',
    example: [
      'kind: rule',
      'id: EM-Personal-Job',
      'event_types: [dlp-email-alert-out]',
      "expression: contains(toLower(email_subject), 'resume')",
      '# no parser for dlp-email-alert-out extracts email_subject',
    ].join('\n'),
    fix:
      'Extend a parser to extract the field, or disable the rule for this pack until a parser ' +
      'provides it. If the rule is meant to be inert, say so explicitly rather than shipping it silently dead.',
  },
  EMPTY_CONTEXT_TABLE: {
    code: 'UEB0209',
    name: 'empty-context-table',
    severity: 'warning',
    phase: 'resolve',
    summary: 'rule depends on a context table that ships empty',
    explanation:
      'The context table is declared, but the pack ships it without any rows. Rules that ' +
      'require membership in it (such as an executives list) cannot fire until someone ' +
      'fills the table in at deployment time. This is fine for tables meant to be filled ' +
      'per site, but easy to forget.',
    example: [
      '# context/executive_users.yaml declares the table; its CSV has a header and no rows',
      "expression: ContextListContains('executive_users', user) && num_observations == 0",
    ].join('\n'),
    fix:
      'Ship default rows if there are sensible defaults, or document that the table must be ' +
      'filled at deployment; the warning stays as a reminder while the table is empty.',
  },
  NO_TESTS: {
    code: 'UEB0210',
    name: 'no-tests',
    severity: 'warning',
    phase: 'test',
    summary: 'rule has no tests',
    explanation:
      'No `kind: test` document exercises this rule. Without at least one event that should ' +
      'fire the rule and one that should not, a later change to a parser, an event type or ' +
      'the rule itself can silently stop it from firing.',
    example: ['kind: rule', 'id: EM-DED', '# no tests/em-ded*.yaml refers to EM-DED'].join('\n'),
    fix: 'Add a test beside the rule with a firing and a non-firing example event.',
  },
  ID_NAME_COLLISION: {
    code: 'UEB0211',
    name: 'id-name-collision',
    severity: 'error',
    phase: 'resolve',
    summary: 'two ids of the same kind differ only in punctuation',
    explanation:
      'Generated code and reports name event types, models, rules and context tables after their ' +
      'ids, with every character other than letters, digits and `_` turned into `_`. Two ids ' +
      'that become the same name that way (`EM-OD-F` and `EM_OD_F`) are almost always one item ' +
      'copied under a second spelling, and they are easy to confuse in alerts, dependencies ' +
      'and `wasRuleFired()` calls.',
    example: ['# rules/em-od-f.yaml', 'id: EM-OD-F', '', '# rules/em_od_f.yaml', 'id: EM_OD_F'].join('\n'),
    fix: 'Rename one of the two items so the ids differ in more than `-`, `.`, spaces or `_`.',
  },

  // ── 03xx: expressions ──────────────────────────────────────────────────
  EXPRESSION_SYNTAX: {
    code: 'UEB0301',
    name: 'expression-syntax',
    severity: 'error',
    phase: 'check',
    summary: 'expression syntax error',
    explanation:
      'The expression cannot be parsed. The position points at the first token the parser ' +
      'did not expect and the message lists what it expected there. Frequent causes are an ' +
      'unbalanced parenthesis, a missing operator between two terms, and an unterminated ' +
      'string literal.',
    example: "expression: num_observations == 0 && (InList(domain, 'gmail.com', 'yahoo.com')",
    fix: 'Correct the expression at the reported position: close the parenthesis, add the operator, close the quote.',
  },
  UNKNOWN_FIELD: {
    code: 'UEB0302',
    name: 'unknown-field',
    severity: 'error',
    phase: 'check',
    summary: 'field is not defined by the event type',
    explanation:
      'The expression reads a field that is not in the field catalog of the event types the ' +
      'rule or model applies to. A misspelt field would otherwise be permanently missing at ' +
      'run time, and the rule would never fire. When the rule applies to several event ' +
      'types, the field must exist in all of them.',
    example: "expression: InList(dest_domian, 'gmail.com', 'yahoo.com')",
    fix:
      'Correct the field name (the hint suggests the closest known field), or add the field ' +
      'to the event type if it really is new.',
  },
  UNKNOWN_FUNCTION: {
    code: 'UEB0303',
    name: 'unknown-function',
    severity: 'error',
    phase: 'check',
    summary: 'call to a function that does not exist',
    explanation:
      'The expression calls a function that is not in the built-in function library. ' +
      'Function names are case-insensitive, so this is not a matter of capitalisation.',
    example: "expression: startWith(process_name, 'powershell')",
    fix: 'Correct the name (the hint suggests the closest built-in) or rewrite the expression with existing functions.',
  },
  WRONG_ARITY: {
    code: 'UEB0304',
    name: 'wrong-arity',
    severity: 'error',
    phase: 'check',
    summary: 'function called with the wrong number of arguments',
    explanation:
      'A built-in function was called with more or fewer arguments than its signature ' +
      'allows. The message gives the expected count.',
    example: "expression: contains(email_subject)",
    fix: 'Pass the arguments the function expects, in the documented order.',
  },
  TYPE_MISMATCH: {
    code: 'UEB0305',
    name: 'type-mismatch',
    severity: 'error',
    phase: 'check',
    summary: 'value has the wrong type for this operation',
    explanation:
      'An operator or function received a value of a type it does not accept: a string ' +
      'compared with `<` to a number, a number passed to `toLower`, a non-boolean used as a ' +
      'condition. uebac does not convert types implicitly, because implicit conversion makes ' +
      'rules behave differently depending on how a value happened to be parsed.',
    example: "expression: bytes > '5000000'",
    fix:
      'Compare values of the same type: drop the quotes around numbers, or convert ' +
      'explicitly with a function such as `toString`.',
  },
  MODEL_STAT_WITHOUT_MODEL: {
    code: 'UEB0306',
    name: 'model-stat-without-model',
    severity: 'error',
    phase: 'check',
    summary: 'model statistic used by a rule that declares no model',
    explanation:
      'Model statistics (`num_observations`, `confidence_factor`, `total_events`, ' +
      '`percentile_threshold_count`, `percentile_threshold_value`, `percentile_count_distance`) ' +
      'and `ConfidenceFactorAboveOrEqual()` describe the histogram of the rule’s model. A rule ' +
      'without a `model:` key has no histogram to describe.',
    example: ['kind: rule', 'id: EM-UD-F', 'event_types: [dlp-email-alert-out]', 'expression: num_observations == 0'].join(
      '\n',
    ),
    fix: 'Add `model: <model id>` to the rule, or remove the model statistics from its expression.',
  },
  NOT_ALLOWED_HERE: {
    code: 'UEB0307',
    name: 'not-allowed-here',
    severity: 'error',
    phase: 'check',
    summary: 'function not allowed in this context',
    explanation:
      'Each place an expression can appear allows a different set of functions. Parser and ' +
      'enrichment expressions run before sessions and models exist, so they cannot use model ' +
      'statistics, session aggregates or `WasRuleFired`. Dependency expressions may only ' +
      'combine rule ids with and/or/not.',
    example: ['kind: parser', 'id: trendmicro-officescan-dlp', 'set:', '  is_new: num_observations == 0'].join(
      '\n',
    ),
    fix: 'Move the logic to a rule expression, where every function is allowed.',
  },
  LITERAL_REQUIRED: {
    code: 'UEB0308',
    name: 'literal-required',
    severity: 'error',
    phase: 'check',
    summary: 'argument must be a quoted literal',
    explanation:
      'Some function arguments are resolved when the pack is compiled, not per event: the ' +
      'name of a context table, a model or a rule, and the pattern of a regex (which is ' +
      'compiled once and checked for catastrophic backtracking). Such an argument must be ' +
      'written as a quoted string in the expression; a field or a computed value cannot be ' +
      'resolved ahead of time.',
    example: "expression: matches(email_subject, subject_pattern)",
    fix: "Write the value as a quoted literal, e.g. `matches(email_subject, '(?i)invoice')`.",
  },
  UNKNOWN_PLACEHOLDER: {
    code: 'UEB0309',
    name: 'unknown-placeholder',
    severity: 'error',
    phase: 'check',
    summary: 'reason template names an unknown placeholder',
    explanation:
      'A rule’s `reason` is the sentence shown with its alert; `{name}` in it is replaced by ' +
      'the value of a field of the event, or by one of the evidence values (`{score}`, ' +
      '`{threshold}`, `{distance}`, …). A placeholder that names neither would be shown ' +
      'literally, braces and all, in every alert of the rule.',
    example: "reason: 'First email to {dest_domian} for {user}'",
    fix: 'Correct the placeholder (the hint suggests the closest name) or remove the braces.',
  },
  EXPRESSION_TOO_COMPLEX: {
    code: 'UEB0310',
    name: 'expression-too-complex',
    severity: 'error',
    phase: 'check',
    summary: 'expression exceeds the compiler’s size or nesting limits',
    explanation:
      'An expression (or a rule dependency) may be at most 8192 characters long, nest ' +
      'parentheses and brackets at most 64 deep, and form a syntax tree at most 256 levels ' +
      'deep, where every operator of a chain such as `a or b or c` is one level. The limits ' +
      'keep the compiler and the generated code within a bounded stack; content anywhere near ' +
      'them is usually a list that belongs in `in [...]` or a context table.',
    example: "expression: domain == 'a.com' or domain == 'b.com' or … (300 more)",
    fix: "Replace long `or` chains with `domain in ['a.com', 'b.com', …]` or `inContext(table, domain)`; split deeply nested logic into derived fields.",
  },

  // ── 04xx: regular expressions ──────────────────────────────────────────
  REGEX_SYNTAX: {
    code: 'UEB0401',
    name: 'regex-syntax',
    severity: 'error',
    phase: 'regex',
    summary: 'regular expression syntax error',
    explanation:
      'A regular expression (in a parser or in `matches(...)`) is not valid JavaScript ' +
      'regular expression syntax: an unbalanced group, a quantifier with nothing to repeat, ' +
      'an unterminated character class, an invalid escape. Remember that backslashes in ' +
      'double-quoted YAML strings must themselves be escaped; single-quoted or block ' +
      'strings avoid that.',
    example: "regex: 'user=(?<user>[^ ]+ src=(?<src_ip>\\S+)'",
    fix: 'Correct the pattern at the reported position. Prefer single-quoted YAML strings for regexes.',
  },
  REGEX_REDOS: {
    code: 'UEB0402',
    name: 'regex-redos',
    severity: 'error',
    phase: 'regex',
    summary: 'regular expression can backtrack catastrophically',
    explanation:
      'The pattern contains nested or overlapping repetition, so that for some input lines ' +
      'the regex engine tries an exponential (or high-polynomial) number of ways to match ' +
      'before failing. One such log line, whether crafted by an attacker or just unlucky, ' +
      'stalls the whole pipeline. The message shows an attack string that triggers the ' +
      'slow path, so you can reproduce it.',
    example: "regex: '^(\\w+\\s?)+$'",
    fix:
      'Remove the ambiguity: avoid repeating a group whose contents can themselves repeat ' +
      '(`(a+)+`), make alternatives disjoint, and anchor patterns with explicit delimiters ' +
      'such as `[^ ]+` instead of `.*`.',
  },
  REGEX_JAVA_ONLY: {
    code: 'UEB0403',
    name: 'regex-java-only',
    severity: 'error',
    phase: 'regex',
    summary: 'regular expression uses Java-only syntax',
    explanation:
      'Content ported from Java-based products often uses regex syntax that JavaScript does ' +
      'not support or reads differently: possessive quantifiers (`a++`, `a*+`), the anchors ' +
      '`\\A`, `\\Z` and `\\z`, inline flags in the middle of a pattern (`ab(?i)c`), and Java ' +
      'character classes such as `\\p{javaLowerCase}`. Some of these would be silently ' +
      'misread rather than rejected by JavaScript, so uebac reports them.',
    example: "regex: '\\Auser=(?<user>[^ ]++)'",
    fix:
      'Use `^` and `$` instead of `\\A` and `\\Z`, drop the possessive `+` (or restructure ' +
      'the pattern so no backtracking is needed), set flags for the whole pattern, and use ' +
      'Unicode property classes such as `\\p{Ll}`.',
  },
  REGEX_POLYNOMIAL: {
    code: 'UEB0404',
    name: 'regex-polynomial',
    severity: 'warning',
    phase: 'regex',
    summary: 'regular expression backtracks quadratically',
    explanation:
      'The pattern has two overlapping repetitions in a row, so a non-matching value of ' +
      'length n costs about n² steps. The run-time cap on regex input (`maxRegexInput`, 4096 ' +
      'characters by default) bounds that cost per value, so it is a warning rather than an ' +
      'error; cubic or worse backtracking is an error (UEB0402).',
    example: "regex: 'user=\\s*\\s*(?<user>\\S+)'",
    fix: 'Make adjacent repetitions disjoint: `\\s*\\s*` is just `\\s*`; use `[^ ]+` rather than `.*` before a delimiter.',
  },
  REGEX_UNDECIDED: {
    code: 'UEB0405',
    name: 'regex-undecided',
    severity: 'error',
    phase: 'regex',
    summary: 'regular expression could not be proven safe in time',
    explanation:
      'The backtracking analyser (recheck) gave up before deciding whether the pattern is ' +
      'safe, usually because of lookarounds, back-references or a very large pattern. The ' +
      'regex is an error: nobody has shown it is linear. A pattern that has been reviewed can ' +
      'be listed in pack.yaml under `reviewedRegexes` (pattern and reason), which accepts ' +
      'exactly that pattern; it then runs under the run-time regex guard.',
    example: "regex: '(?<=user=)(?<user>(?:[^ \\\\]|\\\\.)+)(?= |$)'",
    fix:
      'Simplify the pattern (fewer lookarounds and nested groups), or review it and add it ' +
      'to `reviewedRegexes` in pack.yaml with a reason saying why it is linear.',
  },

  // ── 05xx: context data ─────────────────────────────────────────────────
  CONTEXT_CSV: {
    code: 'UEB0501',
    name: 'context-csv',
    severity: 'error',
    phase: 'context',
    summary: 'malformed context CSV',
    explanation:
      'The CSV file holding a context table’s rows cannot be read: a row has a different ' +
      'number of columns than the header, a quoted value is not closed, or the header does ' +
      'not match the columns the table declares. The position points at the offending row.',
    example: ['user,title', 'jdoe,CFO', 'asmith,"Chief Operating Officer'].join('\n'),
    fix: 'Make every row have as many values as the header; quote values containing commas and close every quote.',
  },
  CONTEXT_UNDECLARED: {
    code: 'UEB0502',
    name: 'context-undeclared',
    severity: 'error',
    phase: 'context',
    summary: 'context data without a declaration',
    explanation:
      'A context data file, or a column in one, is not declared by any `kind: context` ' +
      'document. The compiler only loads declared tables and columns, so undeclared data ' +
      'would be silently dropped from the bundle.',
    example: ['# context/executives.csv exists, but no context/*.yaml has', 'file: context/executives.csv'].join(
      '\n',
    ),
    fix: 'Declare the table (and its columns) in a `kind: context` document, or delete the unused file.',
  },
  CONTEXT_BAD_CIDR: {
    code: 'UEB0503',
    name: 'context-bad-cidr',
    severity: 'error',
    phase: 'context',
    summary: 'invalid CIDR block in a context table',
    explanation:
      'A context column declared as network ranges holds a value that is not a valid IPv4 or ' +
      'IPv6 CIDR block: the address is malformed, the prefix length is out of range, or host ' +
      'bits are set beyond the prefix (`10.1.2.3/8`), which usually means a typo in the ' +
      'address or the prefix.',
    example: ['zone,cidr', 'dmz,10.20.0.0/33', 'office,192.168.1.7/24'].join('\n'),
    fix: 'Write the network address with a prefix length in range, e.g. `10.20.0.0/16`, `192.168.1.0/24`.',
  },

  // ── 06xx: content tests ────────────────────────────────────────────────
  TEST_FAILED: {
    code: 'UEB0601',
    name: 'test-failed',
    severity: 'error',
    phase: 'test',
    summary: 'content test failed',
    explanation:
      'A `kind: test` document fed its events through the compiled pack and the outcome ' +
      'differed from what it expects: a rule that should have fired did not, a rule that ' +
      'should not have fired did, or a field got a different value. The message shows the ' +
      'expected and the actual result.',
    example: [
      'kind: test',
      'rule: EM-DED',
      'events:',
      "  - line: 'CEF:0|Trend Micro|OfficeScan|...|rcpt=bob@mailinator.com'",
      'expect:',
      '  fires: [EM-DED]',
    ].join('\n'),
    fix:
      'Decide which side is right: fix the rule, parser or event type if the expectation is ' +
      'correct, or update the test if the behaviour change was intended.',
  },
  MIN_TESTS: {
    code: 'UEB0602',
    name: 'min-tests',
    severity: 'error',
    phase: 'test',
    summary: 'too few tests',
    explanation:
      'The pack requires a minimum number of tests (overall or per rule), and this pack or ' +
      'rule has fewer. This is the strict form of `no-tests` (UEB0210), for teams that make ' +
      'test coverage a merge gate.',
    example: ['kind: pack', 'id: officescan-exfil', 'min_tests_per_rule: 2', '# rule EM-DED has one test'].join(
      '\n',
    ),
    fix: 'Add tests until the minimum is met, covering both firing and non-firing events.',
  },
} satisfies Record<string, CodeInfo>;

/** A registry entry, as call sites pass it to report a diagnostic. */
export type DiagCode = (typeof DIAG)[keyof typeof DIAG];

const ENTRIES: CodeInfo[] = Object.values(DIAG);

function buildRegistry(entries: CodeInfo[]): Readonly<Record<string, CodeInfo>> {
  const byCode: Record<string, CodeInfo> = {};
  for (const entry of entries) {
    // Guard against editing mistakes at module load: a duplicate would silently replace an entry.
    if (byCode[entry.code]) throw new Error(`diagnostic code ${entry.code} registered twice`);
    byCode[entry.code] = Object.freeze(entry);
  }
  return Object.freeze(byCode);
}

/** All diagnostic codes, keyed by code. */
export const CODES: Readonly<Record<string, CodeInfo>> = buildRegistry(ENTRIES);

/** Registry entry for `code`. An unknown code is a bug in the compiler, so it throws. */
export function codeInfo(code: string): CodeInfo {
  const info = Object.hasOwn(CODES, code) ? CODES[code] : undefined;
  if (!info) throw new Error(`unknown diagnostic code: ${code}`);
  return info;
}
