// The data a report page shows, built from records files by report/data.ts and embedded in
// the page as JSON. Shared by the Node side and the browser view, so it holds types only.
import type { HistogramEvidence } from '../runtime/evidence.ts';

export interface RuleInfo {
  id: string;
  name: string;
  type: 'session' | 'asset';
  score: number;
  mitre: readonly string[];
  model: string | null;
}

export interface EvidenceView {
  model: string;
  scope: string | null;
  feature: unknown;
  featureCount: number;
  totalEvents: number;
  distinctValues: number;
  confidence: number;
  thresholdCount: number;
  thresholdValue?: number;
  distance?: number;
  histogram?: HistogramEvidence;
}

/** One rule that fired in a session. */
export interface Hit {
  /** epoch ms */
  t: number;
  rule: string;
  score: number;
  reason: string;
  eventType: string;
  host: string | null;
  source: { file: string; line: number } | null;
  mitre: readonly string[];
  evidence?: EvidenceView;
}

/** One event of a session (only when the report comes from a replay: `explain --format html`). */
export interface EventRow {
  t: number;
  eventType: string;
  /** key fields, `name=value …` */
  brief: string;
  /** session score after this event */
  score: number;
  /** indexes into the session's hits fired by this event */
  hits: number[];
}

export interface SessionView {
  id: string;
  kind: 'session' | 'asset';
  /** user (sessions) or asset (asset sequences) */
  entity: string;
  start: number;
  end: number;
  score: number;
  /** score carried in by risk transfer: score − Σ hit scores */
  initialScore: number;
  notable: boolean;
  events: number;
  threshold: number | null;
  rules: string[];
  mitre: string[];
  hits: Hit[];
  timeline?: EventRow[];
  /** in a page: where this session's hits and timeline sit in the detail text (offset, length), parsed when shown */
  detail?: [number, number];
}

export interface RunTotals {
  lines: number;
  events: number;
  rejected: Record<string, number>;
  repaired: Record<string, number>;
  rulesFired: number;
  rulesFiredById: Record<string, number>;
  sessions: number;
  notableSessions: number;
  notableAssetSequences: number;
  openSessions: number;
  evictedSessions: number;
  evictedBins: number;
}

/** A records line the report could not use. */
export interface BadRecord {
  file: string;
  line: number;
  reason: string;
}

export interface ReportData {
  title: string;
  schema: number;
  packs: Array<{ id: string; version: string; name: string }>;
  files: string[];
  rules: RuleInfo[];
  sessions: SessionView[];
  /** from the runs' summary records (null when no file had one) */
  totals: RunTotals | null;
  records: { read: number; used: number; bad: number; badSample: BadRecord[]; badByReason: Record<string, number> };
  /** rule → times it fired in the listed sessions (so the page needs no session's detail for it) */
  hitsByRule: Record<string, number>;
  /** rules fired in the listed sessions */
  hitCount: number;
}
