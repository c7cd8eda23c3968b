// CEF / LEEF escaping. Raw values are kept unescaped in the events (a Windows path
// is `C:\Users\x`) and escaped exactly once, here, when a line is rendered.

/** Escape a CEF extension value: `\` → `\\`, `=` → `\=`, newlines → `\n`. */
export function escValue(value: string): string {
  // Most values need no escaping; skip the three replaces for them (bench mode renders millions).
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/=/g, '\\=').replace(/\r?\n/g, '\\n');
}

const NEEDS_ESCAPE = /[\\=\r\n]/;

/** Escape a CEF header field: `\` → `\\`, `|` → `\|`. */
export function escHeader(value: string): string {
  if (!/[\\|]/.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
}

/** One extension entry; `undefined` values are dropped so optional keys read naturally. */
export type Pair = readonly [key: string, value: string | number | undefined];

/** `k1=v1 k2=v2 ...` with CEF value escaping. */
export function cefExtension(pairs: readonly Pair[]): string {
  let out = '';
  for (const [k, v] of pairs) {
    if (v === undefined) continue;
    out += `${out ? ' ' : ''}${k}=${typeof v === 'number' ? v : escValue(v)}`;
  }
  return out;
}

/** `CEF:0|vendor|product|version|signature|name|severity|extension`. */
export function cefLine(
  header: { vendor: string; product: string; version: string; signature: string; name: string; severity: number },
  pairs: readonly Pair[],
): string {
  const h = [header.vendor, header.product, header.version, header.signature, header.name].map(escHeader);
  return `CEF:0|${h.join('|')}|${header.severity}|${cefExtension(pairs)}`;
}

/**
 * LEEF 2.0 with `^` as the declared delimiter. Values get the same backslash
 * doubling as CEF (Deep Security forwards paths that way in the samples we mirror).
 */
export function leefLine(
  header: { vendor: string; product: string; version: string; eventId: string },
  pairs: readonly Pair[],
): string {
  const body = pairs
    .filter((p): p is readonly [string, string | number] => p[1] !== undefined)
    .map(([k, v]) => `${k}=${String(v).replace(/\\/g, '\\\\').replace(/\^/g, ' ')}`)
    .join('^');
  return `LEEF:2.0|${header.vendor}|${header.product}|${header.version}|${header.eventId}|^|${body}`;
}
