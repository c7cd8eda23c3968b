// `uebac run` progress on a terminal: percentage of the input bytes, ETA, lines and notable
// sessions, redrawn in place on standard error. Only when standard error is a terminal (never
// into a pipe, a file or a test's captured output), and never part of the results.
import { statSync } from 'node:fs';

export interface ProgressState {
  /** Bytes of input consumed so far, and the total (null: unknown, e.g. stdin or .gz). */
  done: number;
  total: number | null;
  /** Bytes already consumed when this run started (a continued or resumed input). */
  startedAt: number;
  elapsedMs: number;
  lines: number;
  events: number;
  notable: number;
}

function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** One progress line: `42% ETA 0:13 · 12345 lines, 12000 events, 3 notable sessions`. */
export function progressLine(p: ProgressState): string {
  const counts = `${p.lines} lines, ${p.events} events, ${p.notable} notable session${p.notable === 1 ? '' : 's'}`;
  if (p.total === null || p.total <= 0) return counts;
  const share = Math.min(1, p.done / p.total);
  const read = p.done - p.startedAt;
  const eta = read > 0 && p.elapsedMs > 0 ? ` ETA ${clock((p.elapsedMs * (p.total - p.done)) / read)}` : '';
  return `${Math.floor(share * 100)}%${eta} · ${counts}`;
}

/** Byte sizes of the inputs; null for any that cannot be measured in bytes read (stdin, .gz). */
export function inputSizes(files: readonly string[]): Array<number | null> {
  return files.map((f) => {
    if (f === '-' || f.endsWith('.gz')) return null;
    try { return statSync(f).size; } catch { return null; }
  });
}

export interface ProgressReporter {
  update(at: { input: number; offset: number }, s: { lines: number; events: number; notable: number }): void;
  /** Clears the progress line (before the summary is printed). */
  end(): void;
}

export interface ProgressOptions {
  /** A resumed run starts part-way: the rate (and ETA) counts from the first position seen, not 0. */
  resumed?: boolean;
  /** Injectable clock, so the rendering can be tested without timing. */
  now?: () => number;
  intervalMs?: number;
}

/** A reporter that redraws at most every `intervalMs` (the first update draws at once). */
export function createProgress(write: (s: string) => void, sizes: ReadonlyArray<number | null>, { resumed = false, now = () => performance.now(), intervalMs = 200 }: ProgressOptions = {}): ProgressReporter {
  const known = sizes.every((s) => s !== null);
  const total = known ? sizes.reduce<number>((a, b) => a + b!, 0) : null;
  const before = (i: number) => sizes.slice(0, i).reduce<number>((a, b) => a + (b ?? 0), 0);
  const started = now();
  let startedAt: number | null = resumed ? null : 0;
  let last = -Infinity;
  let drawn = false;
  return {
    update(at, s) {
      const t = now();
      const done = before(at.input) + at.offset;
      startedAt ??= done;
      if (t - last < intervalMs) return;
      last = t;
      drawn = true;
      write(`\r\x1b[K${progressLine({ done, total, startedAt, elapsedMs: t - started, ...s })}`);
    },
    end() {
      if (drawn) write('\r\x1b[K');
    },
  };
}
