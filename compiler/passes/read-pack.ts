// Pass: the pack's identity and settings (with defaults), its context tables as data, and the content hash.
import { createHash } from 'node:crypto';
import type { PackSettings } from '../../runtime/program.ts';
import { DEFAULT_REGEX_BUDGET_MS } from '../../runtime/regex-guard.ts';
import type { Session } from './session.ts';
import type { Unit } from './unit.ts';

const DEFAULT_SETTINGS: PackSettings = {
  notableThreshold: 90, inactivityMinutes: 240, maxSessionHours: 24,
  riskTransfer: { enabled: false, fraction: 0, carryHours: 24 },
  maxRegexInput: 4096, maxFieldLength: 65536, maxOpenSessions: 100_000, maxAssetSequences: 100_000,
  maxModelInstances: 100_000, maxSeenAnywhere: 200_000, maxDaySequences: 100_000,
  guardedRegexes: [], regexBudgetMs: DEFAULT_REGEX_BUDGET_MS,
  assetFields: ['src_host', 'host'],
};

export function readPack(unit: Unit, _session: Session): void {
  const p = unit.graph.pack?.value;
  const s = p?.settings ?? {};
  unit.ir.pack = { id: p?.id ?? 'unnamed', version: p?.version ?? '0.0.0', name: p?.name ?? p?.id ?? 'unnamed' };
  unit.ir.settings = {
    notableThreshold: s.notableThreshold ?? DEFAULT_SETTINGS.notableThreshold,
    inactivityMinutes: s.session?.inactivityMinutes ?? DEFAULT_SETTINGS.inactivityMinutes,
    maxSessionHours: s.session?.maxHours ?? DEFAULT_SETTINGS.maxSessionHours,
    riskTransfer: { enabled: s.riskTransfer?.enabled ?? false, fraction: s.riskTransfer?.fraction ?? 0, carryHours: s.riskTransfer?.carryHours ?? 24 },
    maxRegexInput: s.limits?.regexInputMaxLength ?? DEFAULT_SETTINGS.maxRegexInput,
    maxFieldLength: s.limits?.maxFieldLength ?? DEFAULT_SETTINGS.maxFieldLength,
    maxOpenSessions: s.limits?.maxOpenSessions ?? DEFAULT_SETTINGS.maxOpenSessions,
    maxAssetSequences: s.limits?.maxAssetSequences ?? DEFAULT_SETTINGS.maxAssetSequences,
    assetFields: s.assetFields ?? DEFAULT_SETTINGS.assetFields,
    maxTimeAheadHours: s.limits?.maxTimeAheadHours ?? 24,
    maxModelInstances: s.limits?.maxModelInstances ?? DEFAULT_SETTINGS.maxModelInstances,
    maxSeenAnywhere: s.limits?.maxSeenAnywhere ?? DEFAULT_SETTINGS.maxSeenAnywhere,
    maxDaySequences: s.limits?.maxDaySequences ?? DEFAULT_SETTINGS.maxDaySequences,
    guardedRegexes: [], // filled by the expression pass (screen-regex.ts)
    regexBudgetMs: s.limits?.regexBudgetMs ?? DEFAULT_SETTINGS.regexBudgetMs,
    timeZoneOffsetMinutes: s.timeZoneOffsetMinutes ?? 0,
  };
  unit.ir.contexts = unit.graph.contexts.map(({ value: c }) => ({
    name: c.id, shape: c.shape, match: c.match ?? 'exact', organisation: c.organisation ?? false, columns: c.columns,
    rows: c.shape === 'set' || c.shape === 'keywords' ? (c.values ?? []).map((v) => [v]) : (c.entries ?? []),
  }));
  unit.ir.tests = unit.graph.tests;
  const hash = createHash('sha256');
  for (const f of [...unit.files].sort((a, b) => (a.path < b.path ? -1 : 1))) hash.update(f.path).update('\0').update(f.text).update('\0');
  unit.ir.contentHash = hash.digest('hex');
}
