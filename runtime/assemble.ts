// Turns the parts a bundle (or the interpreter) provides into a runnable Program: parser
// routes with time parsing and typed event construction, shared by both, so the two
// differ only in how expressions are evaluated.
import { ContextTable, type TableData } from './context.ts';
import { createDispatcher, type ParserRoute, type ParserSelector } from './dispatch.ts';
import { createSyslogTimeParser } from './formats/syslog-time.ts';
import { compileTimeFormat } from './formats/timeformat.ts';
import * as h from './helpers.ts';
import { capInput, guardRegex } from './regex-guard.ts';
import type { Value } from './helpers.ts';
import { ABI_VERSION, type CounterSpec, type Event, type ModelSpec, type PackInfo, type PackSettings, type Program, type RuleRuntime, type RuleSpec } from './program.ts';

export type FieldType = 'string' | 'number' | 'boolean' | 'time' | 'ip' | 'list';

/** Where an event's time came from when the payload had none (null: the payload). */
export type TimeSource = null | 'syslog-header' | 'previous-event' | 'next-event';

export interface EventTypePart {
  name: string;
  fields: ReadonlyArray<readonly [string, FieldType]>;
  derived: readonly string[];
  /** A blank event of the type (every field null): the bundle's class for it. Absent: a plain object. */
  create?(): Event;
  derive(ev: Event): void;
  /** Only the derived fields a run reads (demand analysis); absent when that is all of them. */
  deriveRun?(ev: Event): void;
}

export interface ParserPart extends ParserSelector {
  extract: ReadonlyArray<{ source: string; flags: string; groups: ReadonlyArray<{ group: string; field: string }> }>;
  /** Raw keys holding the event time, tried in order. */
  timeFrom: readonly string[];
  timeFormats: readonly string[];
  /** The raw keys the parser reads (demand analysis), in value-slot order; absent: every key is extracted. */
  rawKeys?: readonly string[];
  /** Raw keys → output fields and event type index (or -1: no event builder matched). The interpreter's form. */
  map?(raw: Record<string, string>): { fields: Record<string, Value>; eventType: number };
  /**
   * The compiled form: from the values of `rawKeys` (`values[i]` is key i, undefined when
   * absent), builds the event (every field coerced, derived fields null, time 0 until the
   * caller sets it) into `out.event` and returns its type index, or -1.
   */
  build?(values: ReadonlyArray<string | undefined>, out: { event: Event | null }): number;
  /** The run path's keys (demand analysis): those feeding the fields a run reads. Absent: rawKeys. */
  runKeys?: readonly string[];
  /** `build` for a run: from the values of `runKeys`, only the fields a run reads (the rest null). Absent: build. */
  buildRun?(values: ReadonlyArray<string | undefined>, out: { event: Event | null }): number;
}

export interface ProgramParts {
  pack: PackInfo;
  settings: PackSettings;
  timeZoneOffsetMinutes?: number;
  eventTypes: readonly EventTypePart[];
  parsers: readonly ParserPart[];
  counters: readonly CounterSpec[];
  models: readonly ModelSpec[];
  rules: readonly RuleSpec[];
  evaluate(eventType: number, ev: Event, rt: RuleRuntime): void;
}

export function makeTables(defaults: readonly TableData[], overrides?: ReadonlyMap<string, ContextTable>): Map<string, ContextTable> {
  const out = new Map<string, ContextTable>();
  for (const d of defaults) out.set(d.name, overrides?.get(d.name) ?? new ContextTable(d));
  return out;
}

// A mapped value → its catalog type; empty is null. Compiled parsers call the one for the
// field's type directly; the interpreter's mapping goes through coerce().
export function coerceString(v: Value | undefined): Value {
  if (typeof v === 'string') return v === '' ? null : v;
  if (v === undefined || v === null) return null;
  return Array.isArray(v) ? v.join(';') : String(v);
}
export function coerceNumber(v: Value | undefined): Value {
  return v === undefined || v === null || v === '' ? null : h.toNumber(v);
}
export function coerceBoolean(v: Value | undefined): Value {
  return v === undefined || v === null || v === '' ? null : v === true || v === 'true' || v === '1';
}
export function coerceList(v: Value | undefined): Value {
  if (v === undefined || v === null || v === '') return null;
  return Array.isArray(v) ? v : h.split(String(v), ';');
}

function coerce(v: Value | undefined, type: FieldType): Value {
  switch (type) {
    case 'number': case 'time': return coerceNumber(v);
    case 'boolean': return coerceBoolean(v);
    case 'list': return coerceList(v);
    default: return coerceString(v);
  }
}

/** The values of a parser's keys as the null-prototype dictionary the interpreter's `map` reads. */
function dictOf(keys: readonly string[], values: ReadonlyArray<string | undefined>): Record<string, string> {
  const raw = Object.create(null) as Record<string, string>;
  for (let i = 0; i < keys.length; i++) if (values[i] !== undefined) raw[keys[i]!] = values[i]!;
  return raw;
}

export function assembleProgram(parts: ProgramParts): Program {
  const { eventTypes, settings } = parts;
  // One factory per event type: every event of a type has the same fields in the same
  // order, so V8 sees one object shape per event type (the bundle's class when it has one,
  // so events built here and by its parsers share that shape).
  const factories = eventTypes.map((et) => {
    const names = [...et.fields.map(([n]) => n), ...et.derived];
    const create = et.create;
    if (create) return (time: number, timeSource: TimeSource = null): Event => {
      const ev = create();
      ev.time = time;
      ev.time_source = timeSource;
      return ev;
    };
    return (time: number, timeSource: TimeSource = null): Event => {
      const ev = { event_type: et.name, time, time_source: timeSource } as Event;
      for (const n of names) ev[n] = null;
      return ev;
    };
  });
  // The stream's time anchor: the time of the last event built, so a header without a year
  // gets the year of its neighbours and a line without any time gets the previous event's.
  // `last` is the previous event's time (the fallback); `anchor` also accepts a seeded year.
  const clock: { anchor: number | null; last: number | null } = { anchor: null, last: null };
  const zoneOffset = parts.timeZoneOffsetMinutes ?? settings.timeZoneOffsetMinutes ?? 0;
  const headerTimeOf = createSyslogTimeParser(zoneOffset);
  /** Where a compiled parser leaves the event it built (one holder, no per-line allocation). */
  const built: { event: Event | null } = { event: null };
  /** A parser's route: with the whole mapping, or (`run`) the run path's keys and builder. */
  const routeOf = (p: ParserPart, run: boolean): ParserRoute => {
    const formats = p.timeFormats.map((f) => compileTimeFormat(f, zoneOffset));
    const epoch = compileTimeFormat('epoch');
    const regexes = p.extract.map((x) => ({ re: guardRegex(new RegExp(x.source, x.flags), settings), groups: x.groups }));
    const keys = (run && p.buildRun ? p.runKeys : p.rawKeys) ?? null;
    const build = run && p.buildRun ? p.buildRun : p.build;
    if (build && !keys) throw new Error(`parser ${p.id}: a compiled parser must list its raw keys`);
    // Where each time key's value is: its slot (every time key is a raw key the parser reads).
    const timeSlots = keys ? p.timeFrom.map((k) => keys.indexOf(k)) : [];
    return {
      id: p.id, format: p.format, keys, vendors: p.vendors, products: p.products, signatures: p.signatures, contains: p.contains,
      extract: p.format === 'regex' ? (line: string) => {
        const raw = Object.create(null) as Record<string, string>;
        let any = false;
        for (const { re, groups } of regexes) {
          const m = re.exec(capInput(line, settings.maxRegexInput * 16));
          if (!m?.groups) continue;
          for (const { group, field } of groups) {
            const v = m.groups[group];
            if (v !== undefined && v !== '') { raw[field] = v; any = true; }
          }
        }
        return any ? raw : null;
      } : undefined,
      run(values, dict, _line, headerTime) {
        let ev: Event;
        let eventType: number;
        if (build) {
          eventType = build(values, built);
          if (eventType < 0) return { ok: false, reason: 'no-event-builder', parser: p.id };
          ev = built.event!;
          built.event = null;
        } else {
          const mapped = p.map!(dict ?? dictOf(keys!, values));
          eventType = mapped.eventType;
          if (eventType < 0) return { ok: false, reason: 'no-event-builder', parser: p.id };
          ev = factories[eventType]!(0, null);
          for (const [name, type] of eventTypes[eventType]!.fields) {
            const v = mapped.fields[name];
            if (v !== undefined) ev[name] = coerce(v, type);
          }
        }
        let t = NaN;
        let sawTime = false;
        for (let i = 0; i < p.timeFrom.length; i++) {
          const timeText = dict !== null ? dict[p.timeFrom[i]!] : values[timeSlots[i]!];
          if (timeText === undefined || timeText === '') continue;
          sawTime = true;
          for (const f of formats) { t = f(timeText); if (!Number.isNaN(t)) break; }
          if (Number.isNaN(t)) t = epoch(timeText);
          if (!Number.isNaN(t)) break;
        }
        let source: TimeSource = null;
        if (!sawTime) {
          // No time in the payload: the syslog header's, else the previous event's.
          const header = headerTime === undefined ? null : headerTimeOf(headerTime, clock.anchor);
          if (header?.ok) { t = header.time; source = 'syslog-header'; }
          else if (clock.last !== null) { t = clock.last; source = 'previous-event'; }
          else return { ok: false, reason: header?.reason === 'no-year' ? 'missing-year' : 'missing-time', parser: p.id };
        }
        if (Number.isNaN(t)) return { ok: false, reason: 'unparseable-time', parser: p.id };
        clock.anchor = clock.last = t;
        ev.time = t;
        ev.time_source = source;
        return { ok: true, event: ev, eventType, parser: p.id };
      },
    };
  };
  const dispatch = { maxLineLength: Math.max(settings.maxFieldLength, 65536), maxFieldLength: settings.maxFieldLength };
  const parse = createDispatcher(parts.parsers.map((p) => routeOf(p, false)), dispatch);
  const lean = parts.parsers.some((p) => p.buildRun) || eventTypes.some((et) => et.deriveRun);
  const enrich = (ev: Event, et: number) => eventTypes[et]!.derive(ev);
  const forRules = lean ? {
    parse: createDispatcher(parts.parsers.map((p) => routeOf(p, true)), dispatch),
    enrich: (ev: Event, et: number) => { const t = eventTypes[et]!; (t.deriveRun ?? t.derive)(ev); },
  } : { parse, enrich };
  return {
    abi: ABI_VERSION,
    pack: parts.pack,
    settings,
    eventTypes: eventTypes.map((e) => ({ name: e.name, fields: [...e.fields.map(([n]) => n), ...e.derived] })),
    counters: parts.counters,
    models: parts.models,
    rules: parts.rules,
    parse,
    forRules,
    makeEvent: (et, time) => factories[et]!(time),
    setTimeAnchor: (time, previous = null) => { clock.anchor = time; clock.last = previous; },
    enrich,
    evaluate: parts.evaluate,
  };
}

/**
 * The method (on a bundle's event classes) computing the fields only rule reasons read, which
 * a run leaves out until a rule fires (demand analysis). Idempotent; absent on plain events.
 */
export const COMPLETE_REASON_FIELDS = Symbol('complete reason-only fields');

/**
 * Render a reason template: {field} → event field; {feature} {scope} {count} {total}
 * {threshold} (numerical bound, rounded) {distance} → the model evidence.
 */
export function renderReason(template: string, ev: Event, stats: { feature: Value; scope: string | null; num_observations: number; total_events: number; percentile_threshold_value?: number; percentile_count_distance?: number } | null): string {
  (ev as { [COMPLETE_REASON_FIELDS]?: () => void })[COMPLETE_REASON_FIELDS]?.();
  return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => {
    let v: Value | undefined;
    if (stats && name === 'feature') v = stats.feature;
    else if (stats && name === 'scope') v = stats.scope;
    else if (stats && name === 'count') v = stats.num_observations;
    else if (stats && name === 'total') v = stats.total_events;
    else if (stats && name === 'threshold' && stats.percentile_threshold_value !== undefined) v = Math.round(stats.percentile_threshold_value);
    else if (stats && name === 'distance' && stats.percentile_count_distance !== undefined) v = stats.percentile_count_distance;
    else if (Object.prototype.hasOwnProperty.call(ev, name)) v = ev[name];
    else return whole;
    if (v === null || v === undefined) return '∅';
    return Array.isArray(v) ? v.join(', ') : String(v);
  });
}
