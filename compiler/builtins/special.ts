// Built-ins that need more than their argument values: literal names (context tables,
// models, rules, event types), precompiled regexes, event time, session state.
import * as h from '../../runtime/helpers.ts';
import type { RegexLike } from '../../runtime/regex-guard.ts';
import { code, num, str } from '../emit/code.ts';
import { membershipList } from '../emit/membership.ts';
import { DIAG } from '../diagnostics/codes.ts';
import type { Expr } from '../expr/ast.ts';
import type { Builtin, CallNode, CheckContext } from './types.ts';

function literalString(cx: CheckContext, node: Expr | undefined, what: string): string | null {
  if (node && node.kind === 'literal' && typeof node.value === 'string') return node.value;
  if (node) cx.report(node, DIAG.LITERAL_REQUIRED, `${what} must be a quoted literal`);
  return null;
}

function tableArg(call: CallNode, cx: CheckContext): void {
  const name = literalString(cx, call.args[0], 'the context table name');
  if (name !== null && cx.table(call.args[0]!, name)) cx.resolve(call, { table: name });
}

/** A built-in whose second argument is a literal regex, precompiled and ReDoS-checked. */
function regexBuiltin(name: string, aliases: string[], returns: 'boolean' | 'string', helper: 'regexTest' | 'regexCapture', doc: string, example: string): Builtin {
  const run = h[helper] as (re: RegexLike, s: h.Value, max: number) => h.Value;
  return {
    name, aliases, category: 'string', signature: `${name}(string, 'regex') → ${returns}`, minArgs: 2, maxArgs: 2, params: ['string', 'string'], returns, doc, example,
    check(call, cx) {
      const src = literalString(cx, call.args[1], 'the regex');
      if (src === null) return;
      const insensitive = src.startsWith('(?i)');
      cx.resolve(call, { regex: { source: insensitive ? src.slice(4) : src, flags: insensitive ? 'i' : '' } });
    },
    emit: (call, [s], ex) => {
      const r = ex.res(call).regex!;
      return code`h.${helper === 'regexTest' ? code`regexTest` : code`regexCapture`}(${ex.regex(r.source, r.flags)}, ${s!}, SETTINGS.maxRegexInput)`;
    },
    interp: (call, [s], ix) => {
      const r = ix.res(call).regex!;
      return run(ix.regex(r.source, r.flags), s!, ix.maxRegexInput);
    },
  };
}

const logic: Builtin[] = [
  {
    name: 'exists', category: 'logic', signature: 'exists(any) → boolean', minArgs: 1, maxArgs: 1, params: ['any'], returns: 'boolean',
    doc: 'True when the value is present: not null, not an empty string, not an empty list. The only test that looks at missing fields without failing.',
    example: 'exists(device_id)',
    emit: (_c, [a]) => code`h.isPresent(${a!})`,
    interp: (_c, [a]) => h.isPresent(a),
  },
  {
    name: 'InList', aliases: ['isOneOf'], category: 'logic', signature: 'InList(any, any...) → boolean', minArgs: 2, maxArgs: Infinity, params: ['any', 'any'], returns: 'boolean',
    doc: 'True when the first argument equals any of the others.', example: "InList(toLower(action), 'blocked', 'quarantined')",
    emit: (c, [x, ...vs], ex) => code`h.inList(${x!}, ${membershipList(c.args.slice(1), () => vs, ex)})`,
    interp: (_c, [x, ...vs]) => h.inList(x!, vs),
  },
  regexBuiltin('matches', [], 'boolean', 'regexTest',
    'Regular-expression test (JavaScript syntax, checked for catastrophic backtracking at compile time). The input is cut to the pack\'s regexInputMaxLength first. A leading (?i) makes it case-insensitive.',
    "matches(file_name, '\\\\.(zip|7z|rar)$')"),
  regexBuiltin('capture', ['extract'], 'string', 'regexCapture',
    'First capture group of a regex match (the whole match when the regex has no group); null when it does not match. Checked for catastrophic backtracking at compile time; input cut to regexInputMaxLength.',
    "capture(msg, 'Account Name:\\s+(\\S+)')"),
];

const parserOnly: Builtin[] = [
  {
    name: 'raw', category: 'string', signature: "raw('key') → string", minArgs: 1, maxArgs: 1, params: ['string'], returns: 'string', where: ['parser'],
    doc: 'In a parser: the raw value of a key that is not a plain identifier, e.g. a label such as `Incident_Source_(AD_Account)`; null when absent.',
    example: "raw('Incident_Source_(AD_Account)')",
    check(call, cx) {
      literalString(cx, call.args[0], 'the raw key');
    },
    emit: (call) => code`(r[${str((call.args[0] as { value: string }).value)}] ?? null)`,
    interp: (call, _a, ix) => ix.raw?.((call.args[0] as { value: string }).value) ?? null,
  },
];

const lists: Builtin[] = [
  {
    name: 'emailDomains', category: 'list', signature: 'emailDomains(list) → list', minArgs: 1, maxArgs: 1, params: ['list'], returns: 'list',
    doc: 'Distinct lower-cased domains of a list of e-mail addresses.', example: 'emailDomains(recipients)',
    emit: (_c, [a]) => code`h.mapList(${a!}, h.emailDomain)`,
    interp: (_c, [a]) => h.mapList(a!, h.emailDomain),
  },
  {
    name: 'fileExts', category: 'list', signature: 'fileExts(list) → list', minArgs: 1, maxArgs: 1, params: ['list'], returns: 'list',
    doc: 'Distinct lower-cased extensions of a list of file names.', example: 'fileExts(attachments)',
    emit: (_c, [a]) => code`h.mapList(${a!}, h.fileExt)`,
    interp: (_c, [a]) => h.mapList(a!, h.fileExt),
  },
];

const context: Builtin[] = [
  {
    name: 'inContext', aliases: ['ContextListContains'], category: 'context', signature: "inContext('table', any) → boolean", minArgs: 2, maxArgs: 2, params: ['string', 'any'], returns: 'boolean',
    doc: 'Membership in a context table (normalised, case-insensitive; domain tables also match subdomains). For a list, true when any element is a member.',
    example: "inContext('personal_email_domains', external_domain)",
    check: tableArg,
    emit: (call, [, v], ex) => code`${ex.table(ex.res(call).table!)}.has(${v!})`,
    interp: (call, [, v], ix) => ix.table(ix.res(call).table!).has(v),
  },
  {
    name: 'lookup', aliases: ['GetValue'], category: 'context', signature: "lookup('table', string) → string", minArgs: 2, maxArgs: 2, params: ['string', 'string'], returns: 'string',
    doc: 'Value for a key in a key→value table; null when absent.', example: "lookup('email_domain_country', external_domain)",
    check: tableArg,
    emit: (call, [, v], ex) => code`${ex.table(ex.res(call).table!)}.get(${v!})`,
    interp: (call, [, v], ix) => ix.table(ix.res(call).table!).get(v),
  },
  {
    name: 'lookupAll', category: 'context', signature: "lookupAll('table', string) → list", minArgs: 2, maxArgs: 2, params: ['string', 'string'], returns: 'list',
    doc: 'Every value for a key in a multi-valued table (e.g. all peer groups of a user); empty list when absent.', example: "lookupAll('peer_groups', user)",
    check: tableArg,
    emit: (call, [, v], ex) => code`${ex.table(ex.res(call).table!)}.getAll(${v!})`,
    interp: (call, [, v], ix) => ix.table(ix.res(call).table!).getAll(v),
  },
  {
    name: 'zoneOf', category: 'context', signature: "zoneOf('table', ip) → string", minArgs: 2, maxArgs: 2, params: ['string', 'any'], returns: 'string',
    doc: 'Zone of an IPv4 address in a CIDR table (most specific network wins); null when no network contains it.', example: "zoneOf('network_zones', src_ip)",
    check: tableArg,
    emit: (call, [, v], ex) => code`${ex.table(ex.res(call).table!)}.zoneOf(${v!})`,
    interp: (call, [, v], ix) => ix.table(ix.res(call).table!).zoneOf(v),
  },
  {
    name: 'containsKeyword', category: 'context', signature: "containsKeyword('table', string) → boolean", minArgs: 2, maxArgs: 2, params: ['string', 'string'], returns: 'boolean',
    doc: 'True when the text contains any phrase of a keywords table as a whole word, case-insensitive (`cv` matches "my CV" but not "cvs").', example: "containsKeyword('job_search_keywords', subject)",
    check: tableArg,
    emit: (call, [, v], ex) => code`${ex.table(ex.res(call).table!)}.matchesWord(${v!})`,
    interp: (call, [, v], ix) => ix.table(ix.res(call).table!).matchesWord(v),
  },
];

const time: Builtin[] = [
  { name: 'timeOfWeek', aliases: ['TimeOfWeek'], helper: 'timeOfWeek', doc: 'Hour of the week of the event time, 0 (Monday 00:00 UTC) to 167.' },
  { name: 'hour', helper: 'hourOfDay', doc: 'Hour of the day of the event time (UTC), 0–23.' },
  { name: 'dayOfWeek', helper: 'dayOfWeek', doc: 'Day of the week of the event time: 0 Monday … 6 Sunday.' },
].map(({ name, aliases, helper, doc }) => ({
  name, aliases, category: 'time' as const, signature: `${name}() → number`, minArgs: 0, maxArgs: 0, params: [], returns: 'number' as const, doc, example: `${name}()`,
  emit: () => code`h.${helper === 'timeOfWeek' ? code`timeOfWeek` : helper === 'hourOfDay' ? code`hourOfDay` : code`dayOfWeek`}(ev.time)`,
  interp: (_c: CallNode, _a: readonly h.Value[], ix: { ev: { time: number } }) => (h[helper as 'timeOfWeek'])(ix.ev.time),
}));

/** Aggregates over the session, the user's day-sequence or an asset sequence. */
function aggregate(name: string, fn: 'count' | 'sum' | 'distinct', scope: 'session' | 'sequence' | 'asset', doc: string, example: string, aliases: string[] = []): Builtin {
  const keyed = scope === 'asset';
  return {
    name, aliases, category: 'aggregate', doc, example, returns: 'number',
    signature: `${name}(field${keyed ? ', key' : ''}, 'event-type'...) → number`,
    minArgs: keyed ? 2 : 1, maxArgs: Infinity, params: keyed ? ['any', 'any', 'string'] : ['any', 'string'],
    where: ['classify', 'rule', 'feature', 'train'],
    check(call, cx) {
      const fixed = keyed ? 2 : 1;
      const ets: string[] = [];
      for (const a of call.args.slice(fixed)) {
        const et = literalString(cx, a, 'an event type');
        if (et !== null && cx.eventType(a, et)) ets.push(et);
      }
      cx.resolve(call, { aggregate: { fn, scope, value: call.args[0]!, key: keyed ? call.args[1]! : null, eventTypes: ets.length ? ets : cx.eventTypes } });
    },
    emit: (call, _args, ex) => ex.counter(ex.res(call).counter!),
    interp: (call, _args, ix) => ix.rt?.counter(ix.res(call).counter!, ix.ev) ?? 0,
  };
}

const aggregates: Builtin[] = [
  aggregate('count', 'count', 'session', 'Events in the current user session (including this one) of the listed event types (default: the rule\'s) that have the current value of the field. `count(f) == 1` holds on the first such event of the session.', 'count(usb_asset) == 1'),
  aggregate('sum', 'sum', 'session', 'Sum of a numeric field over the session\'s events of the listed types, including this one.', 'sum(bytes) > 10000000', ['sessionSum']),
  aggregate('distinctCount', 'distinct', 'session', 'Number of distinct values of the field in the session.', 'distinctCount(external_domain) > 5', ['DistinctCount']),
  aggregate('sequenceCount', 'count', 'sequence', 'Like count(), over the user\'s day-sequence (UTC day) instead of the session.', 'sequenceCount(web_domain) == 1'),
  aggregate('sequenceSum', 'sum', 'sequence', 'Sum of a numeric field over the user\'s day-sequence (UTC day), including this event.', "sequenceSum(bytes_in, 'web-activity-allowed') >= 20971520"),
  aggregate('sequenceDistinctCount', 'distinct', 'sequence', 'Distinct values of the field in the user\'s day-sequence.', 'sequenceDistinctCount(host) > 3'),
  aggregate('countBy', 'count', 'asset', 'Like count(), over the 24-hour asset sequence named by `key`.', 'countBy(alert_name, dlp_asset) == 1', ['CountBy']),
  aggregate('sumBy', 'sum', 'asset', 'Sum of a numeric field over the asset sequence named by `key`.', 'sumBy(bytes_in, src_host) >= 1073741824'),
  aggregate('distinctCountBy', 'distinct', 'asset', 'Distinct values of the field in the asset sequence named by `key`.', 'distinctCountBy(user, host) > 5', ['DistinctCountBy']),
];

const models: Builtin[] = [
  {
    name: 'modelTotal', category: 'model', signature: "modelTotal('MODEL', scope) → number", minArgs: 2, maxArgs: 2, params: ['string', 'any'], returns: 'number', where: ['rule', 'classify'],
    doc: 'Observations so far in the instance of another model named by `scope` (before this event trains it); 0 when the instance does not exist.',
    example: "modelTotal('UW-UH', user) == 0",
    check(call, cx) {
      const id = literalString(cx, call.args[0], 'the model id');
      const idx = id === null ? null : cx.model(call.args[0]!, id);
      if (idx !== null) cx.resolve(call, { model: idx });
    },
    emit: (call, [, s], ex) => code`rt.modelTotal(${ex.model(ex.res(call).model!)}, ${s!})`,
    interp: (call, [, s], ix) => ix.rt?.modelTotal(ix.res(call).model!, s!) ?? 0,
  },
  {
    name: 'seenAnywhere', category: 'model', signature: "seenAnywhere('MODEL', value) → boolean", minArgs: 2, maxArgs: 2, params: ['string', 'any'], returns: 'boolean', where: ['rule', 'classify'],
    doc: 'True when the value was observed as a feature value in any instance of the model (e.g. a host used with USB by anyone).',
    example: "seenAnywhere('UW-UH', usb_asset)",
    check(call, cx) {
      const id = literalString(cx, call.args[0], 'the model id');
      const idx = id === null ? null : cx.model(call.args[0]!, id);
      if (idx !== null) cx.resolve(call, { model: idx });
    },
    emit: (call, [, v], ex) => code`rt.seenAnywhere(${ex.model(ex.res(call).model!)}, ${v!})`,
    interp: (call, [, v], ix) => ix.rt?.seenAnywhere(ix.res(call).model!, v!) ?? false,
  },
  {
    name: 'priorSequences', category: 'model', signature: 'priorSequences() → number', minArgs: 0, maxArgs: 0, params: [], returns: 'number', where: ['rule', 'classify'],
    doc: 'Number of the user\'s earlier day-sequences (closed UTC days) that had events of this event type: 0 means no history.',
    example: 'priorSequences() == 0',
    emit: () => code`rt.priorSequences(ev)`,
    interp: (_c, _a, ix) => ix.rt?.priorSequences(ix.ev) ?? 0,
  },
  {
    name: 'activeDays', category: 'model', signature: 'activeDays() → number', minArgs: 0, maxArgs: 0, params: [], returns: 'number', where: ['rule', 'classify'],
    doc: 'Number of the user\'s earlier day-sequences (closed UTC days) with events of any type: how long the user has been observed. A rule about the absence of history (`priorSequences() == 0`, an empty model) says something only about a user observed long enough, e.g. `activeDays() >= 10`; right after deployment every user has 0.',
    example: 'priorSequences() == 0 && activeDays() >= 10',
    emit: () => code`rt.activeDays(ev)`,
    interp: (_c, _a, ix) => ix.rt?.activeDays(ix.ev) ?? 0,
  },
  {
    name: 'wasRuleFired', aliases: ['WasRuleFired'], category: 'rule', signature: "wasRuleFired('RULE') → boolean", minArgs: 1, maxArgs: 1, params: ['string'], returns: 'boolean', where: ['rule', 'classify'],
    doc: 'True when the rule fired earlier in this session (asset rules: this asset sequence). `!wasRuleFired(\'X\')` makes X fire at most once per session.',
    example: "!wasRuleFired('EM-BSum-5MB')",
    check(call, cx) {
      const id = literalString(cx, call.args[0], 'the rule id');
      const idx = id === null ? null : cx.rule(call.args[0]!, id);
      if (idx !== null) cx.resolve(call, { rule: idx });
    },
    emit: (call, _a, ex) => code`rt.wasFired(${ex.rule(ex.res(call).rule!)}, ev)`,
    interp: (call, _a, ix) => ix.rt?.wasFired(ix.res(call).rule!, ix.ev) ?? false,
  },
];

export const SPECIAL_BUILTINS: Builtin[] = [...logic, ...parserOnly, ...lists, ...context, ...time, ...aggregates, ...models];
