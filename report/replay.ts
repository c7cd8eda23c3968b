// One session replayed from the logs (what `uebac explain` shows): every event of the session
// with the rules it fired and the score after it, as report data — so the HTML page of a
// replayed session lists all its events, not only those that fired rules.
import type { RuleRecord, ScopeRecord } from '../runtime/engine.ts';
import { isoTime } from '../runtime/engine.ts';
import type { Value } from '../runtime/helpers.ts';
import type { Event, Program } from '../runtime/program.ts';
import { headerRecord } from '../runtime/records.ts';
import { RECORD_SCHEMA_VERSION } from '../runtime/evidence.ts';
import { runPipeline, type RunSummary } from '../runtime/run.ts';
import { hitOf, sessionOf, withHitCounts } from './data.ts';
import type { EventRow, ReportData, SessionView } from './model.ts';

const KEY_FIELDS = ['host', 'dest', 'src', 'device_id', 'file_name', 'recipient', 'external_domain', 'subject', 'bytes', 'bytes_in', 'web_domain', 'alert_name', 'process_name', 'object'];

/** The key fields of an event, `name=value …`. */
export function brief(ev: Record<string, Value>): string {
  const parts: string[] = [];
  for (const k of KEY_FIELDS) {
    const v = ev[k];
    if (v !== null && v !== undefined && v !== '') parts.push(`${k}=${Array.isArray(v) ? v.join(';') : String(v)}`);
  }
  return parts.join(' ');
}

export interface ReplayedEvent {
  event: Event;
  score: number;
  /** rule records of this event scored on the session (asset rules are listed but score their asset) */
  rules: RuleRecord[];
}

export interface Replay {
  events: ReplayedEvent[];
  summary: RunSummary;
}

/** Run the logs through the program in memory and keep the events of one session. */
export async function replaySession(program: Program, files: string[], sessionId: string, bundleHash: string): Promise<Replay> {
  const events: ReplayedEvent[] = [];
  let pending: RuleRecord[] = [];
  const summary = await runPipeline(program, {
    inputs: files, out: '/dev/null', state: ':memory:', resume: false, bundleHash,
    onRule: (r) => { if (r.session === sessionId) pending.push(r); },
    onEvent: (ev, session, score) => {
      if (session === sessionId) events.push({ event: { ...ev }, score, rules: pending });
      pending = [];
    },
  });
  return { events, summary };
}

/** The replayed session as report data: one session with its full timeline. */
export function replayReport(program: Program, files: string[], sessionId: string, bundleHash: string, replay: Replay): ReportData {
  const header = headerRecord(program, bundleHash, files);
  const threshold = program.settings.notableThreshold;
  const timeline: EventRow[] = [];
  const hits: SessionView['hits'] = [];
  for (const e of replay.events) {
    const row: EventRow = { t: e.event.time, eventType: e.event.event_type, brief: brief(e.event), score: e.score, hits: [] };
    for (const r of e.rules) {
      if (r.asset !== undefined) continue;
      row.hits.push(hits.length);
      hits.push(hitOf(r));
    }
    timeline.push(row);
  }
  const first = replay.events[0]!;
  const last = replay.events[replay.events.length - 1]!;
  const scope: ScopeRecord = {
    type: 'session', id: sessionId, user: typeof first.event.user === 'string' ? first.event.user : '', start: isoTime(first.event.time), end: isoTime(last.event.time),
    score: last.score, notable: last.score >= threshold, events: replay.events.length, rules: [...new Set(hits.map((h) => h.rule))],
  };
  const session = sessionOf(scope, hits, threshold);
  session.initialScore = (timeline[0]?.score ?? 0) - timeline[0]!.hits.reduce((a, i) => a + hits[i]!.score, 0);
  session.timeline = timeline;
  const s = replay.summary;
  return withHitCounts({
    title: `Session ${sessionId}`,
    schema: RECORD_SCHEMA_VERSION,
    packs: [header.pack],
    files,
    rules: header.rules.map((r) => ({ ...r })),
    sessions: [session],
    totals: {
      lines: s.lines, events: s.events, rejected: s.rejected, repaired: s.repaired, rulesFired: s.rulesFired, rulesFiredById: s.rulesFiredById, sessions: s.sessions,
      notableSessions: s.notable.length, notableAssetSequences: s.notableAssets.length, openSessions: s.openSessions, evictedSessions: s.evictedSessions, evictedBins: s.evictedBins,
    },
    records: { read: 0, used: 0, bad: 0, badSample: [], badByReason: {} },
  });
}
