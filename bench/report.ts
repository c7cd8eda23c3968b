// Markdown rendering of the results.
export interface Row {
  name: string;
  /** Throughput cell, e.g. "412 k lines/s", or "—". */
  rate: string;
  /** Measured ratio or quantity held against the target. */
  ratio: string;
  target: string;
  /** true / false, or null when the row has no target. */
  met: boolean | null;
}

export function rate(count: number, ms: number, unit: string): string {
  const perSec = count / (ms / 1000);
  if (!Number.isFinite(perSec)) return '—';
  if (perSec >= 1e6) return `${(perSec / 1e6).toFixed(2)} M ${unit}/s`;
  if (perSec >= 1e3) return `${(perSec / 1e3).toFixed(1)} k ${unit}/s`;
  return `${perSec.toFixed(0)} ${unit}/s`;
}

export function times(x: number, digits = 2): string {
  return Number.isFinite(x) ? `${x.toFixed(digits)}×` : '—';
}

export function bytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n.toFixed(0)} B`;
}

export function millis(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`;
}

export function table(rows: Row[]): string {
  const head = ['case', 'events/s', 'ratio', 'target', 'met?'];
  const cells = rows.map((r) => [r.name, r.rate, r.ratio, r.target, r.met === null ? '—' : r.met ? 'yes' : '**no**']);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}
