// A translated regex reduced to one capturing group: the first group of one field. Used
// for `capture(value, regex)`, which returns the first group; every other group becomes
// non-capturing, so the regex matches exactly as before.
export function singleCapture(source: string, field: string): string {
  let out = '';
  let inClass = false;
  let kept = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') { out += source.slice(i, i + 2); i++; continue; }
    if (inClass) { if (c === ']') inClass = false; out += c; continue; }
    if (c === '[') { inClass = true; out += c; continue; }
    if (c !== '(') { out += c; continue; }
    const named = /^\(\?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(source.slice(i, i + 80));
    if (named) {
      const isField = named[1] === field;
      out += isField && !kept ? '(' : '(?:';
      if (isField) kept = true;
      i += named[0].length - 1;
    } else if (source[i + 1] !== '?') {
      out += '(?:';
    } else {
      out += c;
    }
  }
  return out;
}
