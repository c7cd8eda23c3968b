// Built-ins that are plain functions of their arguments: both the compiled code and the
// interpreter call the same helper from runtime/helpers.ts.
import * as h from '../../runtime/helpers.ts';
import { code, ident } from '../emit/code.ts';
import type { Builtin, Type } from './types.ts';

type HelperName = { [K in keyof typeof h]: (typeof h)[K] extends (...a: never[]) => unknown ? K : never }[keyof typeof h];

function pure(name: string, helper: HelperName, params: Type[], returns: Type, min: number, max: number, doc: string, example: string, category: Builtin['category'] = 'string', aliases: string[] = []): Builtin {
  const fn = h[helper] as (...a: h.Value[]) => h.Value;
  return {
    name, aliases, category, doc, example, params, returns, minArgs: min, maxArgs: max,
    signature: `${name}(${params.map((p, i) => (i === params.length - 1 && max === Infinity ? `${p}...` : p)).join(', ')}) → ${returns}`,
    emit: (_c, args) => code`h.${ident(helper)}(${args})`,
    interp: (_c, args) => fn(...args),
  };
}

const V = Infinity;
export const PURE_BUILTINS: Builtin[] = [
  pure('toLower', 'toLower', ['string'], 'string', 1, 1, 'Lower-cases a string.', "toLower(subject)"),
  pure('toUpper', 'toUpper', ['string'], 'string', 1, 1, 'Upper-cases a string.', "toUpper(host)"),
  pure('trim', 'trim', ['string'], 'string', 1, 1, 'Removes leading and trailing white space.', "trim(user)"),
  pure('contains', 'contains', ['any', 'string'], 'boolean', 2, 2, 'True when the string contains the substring (case-sensitive); for a list, when an element equals it.', "contains(subject, 'invoice')"),
  pure('startsWith', 'startsWith', ['string', 'string'], 'boolean', 2, 2, 'Prefix test, case-sensitive.', "startsWith(process, 'C:\\\\Windows')", 'string', ['beginsWith']),
  pure('startsWithAny', 'startsWithAny', ['string', 'string'], 'boolean', 2, V, 'True when the string starts with any of the prefixes.', "startsWithAny(toLower(subject), 'fw:', 'fwd:')", 'string', ['beginsWithAny']),
  pure('endsWith', 'endsWith', ['string', 'string'], 'boolean', 2, 2, 'Suffix test, case-sensitive.', "endsWith(file_name, '.zip')"),
  pure('concat', 'concat', ['any'], 'string', 1, V, 'Joins the arguments as text; null when any is missing.', "concat(user, '@', domain)"),
  pure('toString', 'toStr', ['any'], 'string', 1, 1, 'Converts a value to text; lists join with `;`.', 'toString(bytes)'),
  pure('toNumber', 'toNumber', ['any'], 'number', 1, 1, 'Parses a number; null when the text is not a number.', 'toNumber(fsize)', 'math'),
  pure('first', 'first', ['any'], 'any', 1, V, 'The first argument that is present (not null, not empty).', 'first(shost, dvchost, src)', 'logic'),
  pure('length', 'length', ['any'], 'number', 1, 1, 'Length of a string, or number of elements of a list.', 'length(recipients)', 'list', ['size']),
  pure('split', 'split', ['string', 'string'], 'list', 2, 2, 'Splits text on a separator, trimming items and dropping empty ones.', "split(duser, ';')", 'list'),
  pure('afterLast', 'afterLast', ['string', 'string'], 'string', 2, 2, 'Text after the last separator (all of it when absent).', "afterLast(cs4, '\\\\')"),
  pure('beforeFirst', 'beforeFirst', ['string', 'string'], 'string', 2, 2, 'Text before the first separator (all of it when absent).', "beforeFirst(host, '.')"),
  pure('emailDomain', 'emailDomain', ['string'], 'string', 1, 1, 'Lower-cased domain of an e-mail address.', 'emailDomain(sender)'),
  pure('emailLocal', 'emailLocal', ['string'], 'string', 1, 1, 'Lower-cased local part of an e-mail address.', 'emailLocal(recipient)'),
  pure('urlHost', 'urlHost', ['string'], 'string', 1, 1, 'Lower-cased host of a URL.', 'urlHost(request)', 'string', ['getDomainFromURL']),
  pure('fileExt', 'fileExt', ['string'], 'string', 1, 1, 'Lower-cased file extension without the dot.', 'fileExt(file_name)'),
  pure('jsonPath', 'jsonPath', ['string', 'string'], 'string', 2, 2, 'In a text holding a JSON object (after any prefix), the first value at a JSON path: `$.a.b`, `$..key` (anywhere below), `[\'key.with.dots\']`, `[0]`, `[*]`, `[?(@.k == \'v\')]`; strings as they are, numbers and booleans as text, objects and lists as JSON; null when absent. The object is parsed once per text.', "jsonPath(message, '$.actor.email')"),
  pure('tldCountry', 'tldCountry', ['string'], 'string', 1, 1, 'ISO 3166 country code of a domain\'s country-code TLD (supplier.co.uk → GB); null for generic TLDs (.com, .io, .co, .me, …).', 'tldCountry(external_domain)'),
  pure('nameMatches', 'nameMatches', ['string', 'string'], 'boolean', 2, 2, 'True when an e-mail address looks like the user\'s own: the local part without `.`, `_`, `-` and digits contains the account name, or all of its name parts.', 'nameMatches(external_address, user)'),
  pure('replace', 'replaceAll', ['string', 'string', 'string'], 'string', 3, 3, 'Replaces every occurrence of a literal substring (not a regex).', "replace(subject, '_', ' ')"),
  pure('baseName', 'baseName', ['string'], 'string', 1, 1, 'Last component of a Windows or POSIX path.', 'baseName(sproc)'),
];
