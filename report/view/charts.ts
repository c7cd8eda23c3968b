/// <reference lib="dom" />
// uPlot charts: a session's running score against the notable threshold, and a model
// scope's histogram with the event's bin highlighted and the rarity threshold drawn.
import uPlot from 'uplot';
import type { HistogramEvidence } from '../../runtime/evidence.ts';
import type { EvidenceView } from '../model.ts';
import { fmtBytes, fmtClock, fmtTime } from './dom.ts';

const INK = '#1f2933';
const GRID = '#e4e7eb';
const ACCENT = '#2563eb';
const HOT = '#dc2626';
const MUTED = '#9aa5b1';
const axis = (extra: Partial<uPlot.Axis> = {}): uPlot.Axis => ({ stroke: INK, grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID, width: 1 }, font: '11px system-ui, sans-serif', ...extra });

export interface ScorePoint {
  t: number;
  score: number;
}

/** Running score as a step line, the notable threshold as a dashed line. */
export function scoreChart(target: HTMLElement, points: readonly ScorePoint[], threshold: number | null, width: number): uPlot {
  const xs = points.map((p) => p.t / 1000);
  const ys = points.map((p) => p.score);
  const series: uPlot.Series[] = [
    { label: 'time (UTC)', value: (_u, v) => (v == null ? '—' : fmtTime(v * 1000)) },
    { label: 'score', stroke: ACCENT, width: 2, fill: 'rgba(37,99,235,0.08)', paths: uPlot.paths.stepped!({ align: 1 }), points: { show: true, size: 7, fill: ACCENT } },
  ];
  const data: uPlot.AlignedData = [xs, ys];
  if (threshold !== null) {
    series.push({ label: 'notable threshold', stroke: HOT, width: 1.5, dash: [6, 4], points: { show: false } });
    data.push(xs.map(() => threshold));
  }
  const lo = xs[0]!;
  const hi = xs[xs.length - 1]!;
  const padX = Math.max(60, (hi - lo) * 0.04);
  const top = Math.max(threshold ?? 0, ...ys) * 1.15 + 1;
  return new uPlot({
    width, height: 220,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    scales: { x: { time: true, range: [lo - padX, hi + padX] }, y: { range: [0, top] } },
    axes: [axis({ values: (_u, splits) => splits.map((s) => fmtClock(s * 1000)) }), axis({ label: 'score', size: 50 })],
    series,
    cursor: { drag: { x: false, y: false } },
  }, data, target);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Label of a bin in the feature's own units. */
export function binLabel(h: HistogramEvidence, key: string): string {
  if (h.kind === 'categorical') return key;
  const k = Number(key);
  if (h.kind === 'time-of-week') return `${DAYS[Math.floor(k / 24) % 7]} ${String(k % 24).padStart(2, '0')}h`;
  const w = h.bin_width ?? 1;
  const lo = k * w;
  const hi = (k + 1) * w;
  if (h.scale === 'log10') return `${fmtBytes(10 ** lo - 1)}–${fmtBytes(10 ** hi - 1)}`;
  return `${+lo.toFixed(3)}–${+hi.toFixed(3)}`;
}

interface Bars {
  labels: string[];
  counts: number[];
  /** index of the event's bin, or -1 */
  own: number;
  /** x position (in bins) of the numerical normal-area bound, or null */
  bound: number | null;
}

/** The bins to draw: numeric bins on a contiguous axis (gaps as zeros), the event's bin always present. */
export function barsOf(e: EvidenceView): Bars {
  const hist = e.histogram!;
  const entries = new Map(hist.bins);
  if (hist.event_bin !== null && !entries.has(hist.event_bin)) entries.set(hist.event_bin, 0);
  let keys = [...entries.keys()];
  let bound: number | null = null;
  if (hist.kind === 'categorical') {
    keys.sort((a, b) => entries.get(b)! - entries.get(a)! || (a < b ? -1 : 1));
  } else {
    const nums = keys.map(Number);
    let lo = Math.min(...nums);
    let hi = Math.max(...nums);
    if (hist.kind === 'time-of-week') { lo = 0; hi = 167; }
    if (hist.kind === 'numerical' && e.thresholdValue !== undefined && Number.isFinite(e.thresholdValue)) {
      const w = hist.bin_width ?? 1;
      const x = hist.scale === 'log10' ? Math.log10(1 + Math.max(0, e.thresholdValue)) : e.thresholdValue;
      bound = x / w;
      lo = Math.min(lo, Math.floor(bound));
      hi = Math.max(hi, Math.floor(bound));
    }
    if (hi - lo <= 400) keys = Array.from({ length: hi - lo + 1 }, (_, i) => String(lo + i));
    else keys = nums.sort((a, b) => a - b).map(String);
    if (bound !== null) bound = keys.length && hi - lo <= 400 ? bound - lo : null;
  }
  return { labels: keys.map((k) => binLabel(hist, k)), counts: keys.map((k) => entries.get(k) ?? 0), own: hist.event_bin === null ? -1 : keys.indexOf(hist.event_bin), bound };
}

/** Histogram bars; the event's bin in red, the rarity threshold (count) dashed, the numerical bound as a vertical line. */
export function histogramChart(target: HTMLElement, e: EvidenceView, width: number): uPlot {
  const b = barsOf(e);
  const xs = b.counts.map((_, i) => i);
  const colours = b.counts.map((_, i) => (i === b.own ? HOT : MUTED));
  const numeric = e.histogram!.kind !== 'categorical';
  const drawBound: uPlot.Plugin = {
    hooks: {
      draw: [(u) => {
        const { ctx } = u;
        if (b.own >= 0) {
          // A marker over the event's bar: visible even when the value was never seen (count 0).
          const x = u.valToPos(b.own, 'x', true);
          const y = u.valToPos(b.counts[b.own]!, 'y', true) - 4 * uPlot.pxRatio;
          const r = 5 * uPlot.pxRatio;
          ctx.save();
          ctx.fillStyle = HOT;
          ctx.beginPath();
          ctx.moveTo(x, y);
          ctx.lineTo(x - r, y - 1.6 * r);
          ctx.lineTo(x + r, y - 1.6 * r);
          ctx.closePath();
          ctx.fill();
          ctx.restore();
        }
        if (b.bound === null) return;
        const x = u.valToPos(b.bound - 0.5, 'x', true);
        ctx.save();
        ctx.strokeStyle = HOT;
        ctx.setLineDash([4, 3]);
        ctx.lineWidth = 1.5 * uPlot.pxRatio;
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
        ctx.restore();
      }],
    },
  };
  const maxCount = Math.max(1, e.thresholdCount, ...b.counts);
  const many = b.labels.length > 12;
  return new uPlot({
    width, height: many ? 230 : 190,
    plugins: [drawBound],
    scales: { x: { time: false, range: [-0.6, xs.length - 0.4] }, y: { range: [0, maxCount * 1.15] } },
    axes: [
      axis({
        grid: { show: false },
        rotate: many ? -40 : 0,
        size: many ? 80 : 40,
        incrs: [1, 2, 5, 10, 20, 50],
        values: (_u, splits) => splits.map((s) => (Number.isInteger(s) && s >= 0 && s < b.labels.length ? shorten(b.labels[s]!) : '')),
      }),
      axis({ label: 'count', size: 50 }),
    ],
    series: [
      { label: numeric ? 'bin' : 'value', value: (_u, v) => (v == null || !b.labels[v] ? '—' : b.labels[v]!) },
      {
        label: 'observations', width: 0, fill: MUTED,
        paths: uPlot.paths.bars!({ size: [0.8, 60], disp: { fill: { unit: 3, values: () => colours } } }),
        points: { show: false },
      },
      { label: 'rarity threshold', stroke: HOT, width: 1, dash: [5, 4], points: { show: false } },
    ],
    cursor: { drag: { x: false, y: false } },
  }, [xs, b.counts, xs.map(() => e.thresholdCount)], target);
}

function shorten(s: string): string {
  return s.length > 18 ? `${s.slice(0, 17)}…` : s;
}
