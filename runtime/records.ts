// The records framing a run's JSONL output: a header (format version, pack, rule catalogue,
// notable threshold) and a closing summary (lines read, parsed, rejected by reason, rules
// fired per rule). With them a records file explains itself: `uebac report` needs nothing else.
import { RECORD_SCHEMA_VERSION } from './evidence.ts';
import { EVICTION_KINDS, evictionKey } from './evictions.ts';
import type { ScopeRecord } from './engine.ts';
import type { PackInfo, Program } from './program.ts';
import type { RunSummary } from './run.ts';

export interface HeaderRecord {
  type: 'header';
  schema: number;
  pack: PackInfo;
  bundle: string;
  notable_threshold: number;
  inputs: string[];
  rules: Array<{ id: string; name: string; type: 'session' | 'asset'; score: number; mitre: readonly string[]; model: string | null }>;
}

export interface SummaryRecord {
  type: 'summary';
  lines: number;
  events: number;
  rejected: Record<string, number>;
  /** lines kept with replaced bytes, by reason (invalid-utf8) */
  repaired: Record<string, number>;
  rules_fired: number;
  rules_fired_by_id: Record<string, number>;
  sessions: number;
  notable_sessions: number;
  notable_asset_sequences: number;
  /** sessions left open in the state for the next batch (incremental runs) */
  open_sessions: number;
  evicted_sessions: number;
  evicted_bins: number;
  /** every kind of entry dropped at the memory caps in this batch (runtime/evictions.ts), snake_case keys */
  evicted: Record<string, number>;
}

export function headerRecord(program: Program, bundleHash: string, inputs: readonly string[]): HeaderRecord {
  return {
    type: 'header',
    schema: RECORD_SCHEMA_VERSION,
    pack: { id: program.pack.id, version: program.pack.version, name: program.pack.name },
    bundle: bundleHash,
    notable_threshold: program.settings.notableThreshold,
    inputs: [...inputs],
    rules: program.rules.map((r) => ({ id: r.id, name: r.name, type: r.type, score: r.score, mitre: r.mitre, model: r.model >= 0 ? program.models[r.model]!.id : null })),
  };
}

/** The summary of one batch (a run over a persistent state may be one of several). */
export function summaryRecord(s: RunSummary): SummaryRecord {
  return {
    type: 'summary',
    lines: s.lines,
    events: s.events,
    rejected: s.rejected,
    repaired: s.repaired,
    rules_fired: s.rulesFired,
    rules_fired_by_id: s.rulesFiredById,
    sessions: s.sessions,
    notable_sessions: s.notable.length,
    notable_asset_sequences: s.notableAssets.length,
    open_sessions: s.openSessions,
    evicted_sessions: s.evictedSessions,
    evicted_bins: s.evictedBins,
    evicted: Object.fromEntries(EVICTION_KINDS.map((k) => [evictionKey(k), s.evicted[k]])),
  };
}

// A run closes about one session per event on a feed where most users send one event per
// session, so the session line is written without the general JSON serialiser: fixed
// fragments for the keys, and a string that needs no escape (no quote, backslash, control
// character or surrogate: JSON.stringify escapes lone surrogates) is quoted as it is. Byte for
// byte what JSON.stringify(record) gives (test/runtime/records-line.test.ts).
const num = (n: number): string => (Number.isFinite(n) ? '' + n : 'null');
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;
const quote = (s: string): string => (NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : '"' + s + '"');
/** The tail of most session lines (one event, nothing fired), in one piece. */
const QUIET_TAIL = ',"score":0,"notable":false,"events":1,"rules":[]}';

/** `JSON.stringify(r)` of a session or asset-sequence record. */
export function scopeLine(r: ScopeRecord): string {
  let head: string;
  if (r.type === 'session' && r.asset === undefined) {
    head = r.user === undefined ? '{"type":"session","id":' + quote(r.id) : '{"type":"session","id":' + quote(r.id) + ',"user":' + quote(r.user);
  } else if (r.type === 'asset-sequence' && r.user === undefined) {
    head = r.asset === undefined ? '{"type":"asset-sequence","id":' + quote(r.id) : '{"type":"asset-sequence","id":' + quote(r.id) + ',"asset":' + quote(r.asset);
  } else {
    return JSON.stringify(r); // a shape the engine does not make: keep the general path
  }
  const start = quote(r.start);
  const end = r.end === r.start ? start : quote(r.end);
  return head + ',"start":' + start + ',"end":' + end + scopeTail(r);
}

function scopeTail(r: ScopeRecord): string {
  if (r.score === 0 && !r.notable && r.events === 1 && r.rules.length === 0) return QUIET_TAIL;
  return ',"score":' + num(r.score) + ',"notable":' + (r.notable ? 'true' : 'false') + ',"events":' + num(r.events) + ',"rules":' + (r.rules.length === 0 ? '[]' : JSON.stringify(r.rules)) + '}';
}
