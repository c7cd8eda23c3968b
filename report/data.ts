// Records files (JSONL from `uebac run`) → the data of a report page. Streams each file once;
// rule records wait beside their session until its record arrives, and only notable
// sessions are kept, so memory follows the open sessions and the notable ones.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import recordsSchema from '../schema/records.schema.json' with { type: 'json' };
import type { Evidence, RuleRecord, ScopeRecord } from '../runtime/engine.ts';
import { RECORD_SCHEMA_VERSION } from '../runtime/evidence.ts';
import type { HeaderRecord, SummaryRecord } from '../runtime/records.ts';
import type { BadRecord, EvidenceView, Hit, ReportData, RuleInfo, RunTotals, SessionView } from './model.ts';

/** Bad lines listed by file and line in the report (all are counted). */
const BAD_SAMPLE = 50;

export class RecordsError extends Error {}

let validator: ValidateFunction | null = null;
function validate(): ValidateFunction {
  validator ??= new Ajv2020({ allErrors: false, strict: true, allowUnionTypes: true }).compile(recordsSchema);
  return validator;
}

export function evidenceView(e: Evidence): EvidenceView {
  const v: EvidenceView = {
    model: e.model, scope: e.scope, feature: e.feature, featureCount: e.feature_count, totalEvents: e.total_events,
    distinctValues: e.distinct_values, confidence: e.confidence, thresholdCount: e.threshold_count,
  };
  if (e.threshold_value !== undefined) v.thresholdValue = e.threshold_value;
  if (e.distance !== undefined) v.distance = e.distance;
  if (e.histogram) v.histogram = e.histogram;
  return v;
}

export function hitOf(r: RuleRecord): Hit {
  const h: Hit = {
    t: Date.parse(r.time), rule: r.rule, score: r.score, reason: r.reason, eventType: r.event_type,
    host: r.host ?? null, source: r.source ?? null, mitre: r.mitre,
  };
  if (r.evidence) h.evidence = evidenceView(r.evidence);
  return h;
}

export function sessionOf(s: ScopeRecord, hits: Hit[], threshold: number | null): SessionView {
  const sum = hits.reduce((a, h) => a + h.score, 0);
  const mitre = new Set<string>();
  for (const h of hits) for (const t of h.mitre) mitre.add(t);
  return {
    id: s.id, kind: s.type === 'session' ? 'session' : 'asset', entity: (s.type === 'session' ? s.user : s.asset) ?? '',
    start: Date.parse(s.start), end: Date.parse(s.end), score: s.score, initialScore: s.score - sum, notable: s.notable,
    events: s.events, threshold, rules: s.rules, mitre: [...mitre].sort(), hits,
  };
}

function emptyTotals(): RunTotals {
  return { lines: 0, events: 0, rejected: {}, repaired: {}, rulesFired: 0, rulesFiredById: {}, sessions: 0, notableSessions: 0, notableAssetSequences: 0, openSessions: 0, evictedSessions: 0, evictedBins: 0 };
}

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

function addSummary(t: RunTotals, s: SummaryRecord): void {
  t.lines += s.lines;
  t.events += s.events;
  addCounts(t.rejected, s.rejected);
  addCounts(t.repaired, s.repaired ?? {});
  t.rulesFired += s.rules_fired;
  addCounts(t.rulesFiredById, s.rules_fired_by_id);
  t.sessions += s.sessions;
  t.notableSessions += s.notable_sessions;
  t.notableAssetSequences += s.notable_asset_sequences ?? 0;
  t.openSessions += s.open_sessions ?? 0;
  t.evictedSessions += s.evicted_sessions ?? 0;
  t.evictedBins += s.evicted_bins ?? 0;
}

export interface ReadOptions {
  title?: string;
  /** keep sessions scoring at least this much even when not notable (default: notable only) */
  minScore?: number;
}

export async function readRecords(files: readonly string[], opts: ReadOptions = {}): Promise<ReportData> {
  const check = validate();
  const rules = new Map<string, RuleInfo>();
  const packs = new Map<string, ReportData['packs'][number]>();
  const sessions: SessionView[] = [];
  let totals: RunTotals | null = null;
  let schema = 1;
  const records = { read: 0, used: 0, bad: 0, badSample: [] as BadRecord[], badByReason: {} as Record<string, number> };
  const bad = (file: string, line: number, reason: string, detail: string) => {
    records.bad++;
    records.badByReason[reason] = (records.badByReason[reason] ?? 0) + 1;
    if (records.badSample.length < BAD_SAMPLE) records.badSample.push({ file, line, reason: detail ? `${reason}: ${detail}` : reason });
  };

  // Rule records wait for the record closing their session, across files: with incremental
  // batches a session opened in one batch's records may close in the next one's.
  const pending = new Map<string, { hits: Hit[]; file: string; line: number }>();
  for (const file of files) {
    let threshold: number | null = null;
    let lineNo = 0;
    const input = file === '-' ? process.stdin : createReadStream(file);
    const stream = file.endsWith('.gz') ? input.pipe(createGunzip()) : input;
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    try {
      for await (const text of lines) {
        lineNo++;
        if (text.trim() === '') continue;
        records.read++;
        let rec: unknown;
        try {
          rec = JSON.parse(text);
        } catch (e) {
          bad(file, lineNo, 'invalid-json', (e as Error).message);
          continue;
        }
        // A newer format is refused outright (before the schema, which knows only this one).
        const version = (rec as { type?: unknown; schema?: unknown } | null)?.type === 'header' ? (rec as { schema?: unknown }).schema : undefined;
        if (typeof version === 'number' && version > RECORD_SCHEMA_VERSION) throw new RecordsError(`${file}:${lineNo}: records format version ${version} is newer than this uebac reads (${RECORD_SCHEMA_VERSION})`);
        if (!check(rec)) {
          const type = (rec as { type?: unknown } | null)?.type;
          const err = check.errors?.[0];
          bad(file, lineNo, 'invalid-record', `${typeof type === 'string' ? `${type} record` : 'record'}${err ? ` ${err.instancePath || '/'} ${err.message}` : ''}`);
          continue;
        }
        records.used++;
        const r = rec as HeaderRecord | RuleRecord | ScopeRecord | SummaryRecord;
        switch (r.type) {
          case 'header':
            schema = Math.max(schema, r.schema);
            threshold = r.notable_threshold;
            packs.set(`${r.pack.id}@${r.pack.version}`, r.pack);
            for (const rule of r.rules) if (!rules.has(rule.id)) rules.set(rule.id, { ...rule });
            break;
          case 'rule': {
            const key = r.asset !== undefined ? `a:${r.sequence}` : `s:${r.session}`;
            const list = pending.get(key);
            const hit = hitOf(r);
            if (list) list.hits.push(hit);
            else pending.set(key, { hits: [hit], file, line: lineNo });
            if (!rules.has(r.rule)) rules.set(r.rule, { id: r.rule, name: r.rule, type: r.asset !== undefined ? 'asset' : 'session', score: r.score, mitre: r.mitre, model: r.evidence?.model ?? null });
            break;
          }
          case 'session':
          case 'asset-sequence': {
            const key = `${r.type === 'session' ? 's' : 'a'}:${r.id}`;
            const hits = pending.get(key)?.hits ?? [];
            pending.delete(key);
            if (r.notable || (opts.minScore !== undefined && r.score >= opts.minScore)) sessions.push(sessionOf(r, hits, threshold));
            break;
          }
          case 'summary':
            addSummary((totals ??= emptyTotals()), r);
            break;
        }
      }
    } catch (e) {
      if (e instanceof RecordsError) throw e;
      throw new RecordsError(`${file}: ${(e as Error).message}`);
    }
  }
  // Rule records whose session never closed (a cut-off file, or a batch whose sessions are
  // still open in the state): counted, never silently lost.
  for (const [key, p] of pending) bad(p.file, p.line, 'rule-without-session', `${p.hits.length} rule record(s) of ${key.slice(2)} and no record closing it (cut off, or still open)`);
  const packList = [...packs.values()];
  return withHitCounts({
    title: opts.title ?? (packList.length === 1 ? `${packList[0]!.name} ${packList[0]!.version}` : 'uebac report'),
    schema,
    packs: packList,
    files: [...files],
    rules: [...rules.values()],
    sessions,
    totals,
    records,
  });
}

/** Fill in the per-rule counts of the listed sessions' hits. */
export function withHitCounts(d: Omit<ReportData, 'hitsByRule' | 'hitCount'>): ReportData {
  const hitsByRule: Record<string, number> = {};
  let hitCount = 0;
  for (const s of d.sessions) for (const h of s.hits) { hitsByRule[h.rule] = (hitsByRule[h.rule] ?? 0) + 1; hitCount++; }
  return { ...d, hitsByRule, hitCount };
}
