// Flat checkpoint rows: a keyed store's entries as one flat JSON array per row (runtime/state.ts),
// each entry a run of positional values instead of nested arrays and keyed objects.
// JSON.stringify spends its time per array and per object key more than per byte, so a row of
// plain strings and numbers serialises in about half the time, and is a third shorter.
//
// A row is `[codec, entries, stamp, fields…, stamp, fields…]`: `codec` names how the fields
// are laid out ('scope', 'instance', 'pair', 'entry'), `stamp` is the entry's recency stamp less
// the previous entry's (the first less 0). Reading an entry gives its snapshot form (what
// `JSON.parse(JSON.stringify(store.encode(key, value)))` is), so a state loads the same whatever
// kind of row wrote it.
import type { Scope } from '../engine.ts';
import type { Instance } from '../models.ts';

type Json = unknown;

/** The row an entry is written into. */
export interface FlatRow {
  readonly out: Json[];
  /** field names of the last record written to this row (the `entry` codec's SAME_RECORD) */
  fields: readonly string[] | null;
}

/** How a store lays out an entry's fields in a flat row. */
export interface RowCodec<V> {
  readonly name: string;
  write(key: string, value: V, row: FlatRow): void;
}

/** A flat row being read, entry by entry; any value out of place is an error (a damaged row). */
class Cursor {
  at = 2;
  fields: string[] | null = null;
  constructor(readonly data: readonly Json[]) {}
  next(): Json {
    if (this.at >= this.data.length) throw new Error('a flat row ends inside an entry');
    return this.data[this.at++];
  }
  num(): number {
    const v = this.next();
    if (typeof v !== 'number') throw new Error(`a flat row holds ${JSON.stringify(v)} where a number belongs`);
    return v;
  }
  str(): string {
    const v = this.next();
    if (typeof v !== 'string') throw new Error(`a flat row holds ${JSON.stringify(v)} where a string belongs`);
    return v;
  }
  /** a count or length; `max` bounds it (what the rest of the row can hold) */
  count(max = this.data.length - this.at): number {
    const v = this.next();
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > max) throw new Error(`a flat row holds ${JSON.stringify(v)} where a count belongs`);
    return v;
  }
}

/** Lengths of sparse lists (counters of a scope, per-type day counts): a bound on a damaged row. */
const MAX_LENGTH = 1 << 20;

// ---- scopes (sessions, day-sequences, asset sequences) ----------------------------------------

const MAP = 0;
const SET = 1;
const TOTAL = 2;

/**
 * entity, id (what follows the entity in it: ids are `entity-time`; [id] when it does not start
 * with the entity), start, end (less start; [end] when that is not an exact integer), score,
 * initialScore, events, rules (count, names…), fired (count,
 * rules…), counters (length, how many are set, then per set one: index, MAP count key value… |
 * SET count key… | TOTAL total), pending (its entries as JSON, or 0 when absent), types (count,
 * types…, or -1 when absent), lastEvent (or null when absent).
 */
export const scopeCodec: RowCodec<Scope> = {
  name: 'scope',
  write(_key, s, { out }) {
    const length = s.end - s.start;
    out.push(s.entity, s.id.startsWith(s.entity) ? s.id.slice(s.entity.length) : [s.id], s.start,
      Number.isSafeInteger(length) && Number.isSafeInteger(s.start) ? length : [s.end],
      s.score, s.initialScore, s.events, s.rules.length);
    if (s.rules.length > 0) for (const r of s.rules) out.push(r);
    out.push(s.fired.size);
    if (s.fired.size > 0) for (const f of s.fired) out.push(f);
    const cs = s.counters;
    out.push(cs.length, 0);
    const setAt = out.length - 1;
    let set = 0;
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i];
      if (c === undefined) continue; // most counters of a scope are never fed
      set++;
      if (c instanceof Map) {
        out.push(i, MAP, c.size);
        for (const [k, v] of c) out.push(k, v);
      } else if (c instanceof Set) {
        out.push(i, SET, c.size);
        for (const k of c) out.push(k);
      } else {
        out.push(i, TOTAL, c.total);
      }
    }
    out[setAt] = set;
    out.push(s.pending ? [...s.pending] : 0);
    if (s.types) {
      out.push(s.types.size);
      for (const t of s.types) out.push(t);
    } else {
      out.push(-1);
    }
    out.push(s.lastEvent === undefined ? null : s.lastEvent);
  },
};

/** The value of a one-element list standing for a value written whole. */
function one(v: Json, type: 'string' | 'number'): Json {
  if (!Array.isArray(v) || v.length !== 1 || typeof v[0] !== type) throw new Error(`a flat row holds ${JSON.stringify(v)} where a ${type} belongs`);
  return v[0] as Json;
}

function readScope(c: Cursor): Json {
  const entity = c.str();
  const id = c.next();
  const start = c.num();
  const end = c.next();
  const j: Record<string, Json> = {
    id: typeof id === 'string' ? entity + id : one(id, 'string'),
    entity,
    start,
    end: typeof end === 'number' ? start + end : one(end, 'number'),
    score: c.num(), initialScore: c.num(), events: c.num(),
  };
  const rules: string[] = [];
  for (let n = c.count(); n > 0; n--) rules.push(c.str());
  const fired: number[] = [];
  for (let n = c.count(); n > 0; n--) fired.push(c.num());
  const length = c.count(MAX_LENGTH);
  const counters: Json[] = new Array<Json>(length).fill(null);
  for (let n = c.count(length); n > 0; n--) {
    const i = c.count(length - 1);
    const kind = c.next();
    if (kind === MAP) {
      const m: Array<[string, number]> = [];
      for (let k = c.count(); k > 0; k--) m.push([c.str(), c.num()]);
      counters[i] = { m };
    } else if (kind === SET) {
      const s: string[] = [];
      for (let k = c.count(); k > 0; k--) s.push(c.str());
      counters[i] = { s };
    } else if (kind === TOTAL) {
      counters[i] = { t: c.num() };
    } else {
      throw new Error(`a scope's counter is of unknown kind ${JSON.stringify(kind)}`);
    }
  }
  Object.assign(j, { rules, fired, counters });
  const pending = c.next();
  if (pending !== 0) {
    if (!Array.isArray(pending)) throw new Error('a scope\'s pending trainings are not a list');
    j.pending = pending;
  }
  const types = c.next();
  if (types !== -1) {
    c.at--;
    const t: number[] = [];
    for (let n = c.count(); n > 0; n--) t.push(c.num());
    j.types = t;
  }
  const lastEvent = c.next();
  if (lastEvent !== null) {
    if (typeof lastEvent !== 'number') throw new Error('a scope\'s last event is not a number');
    j.lastEvent = lastEvent;
  }
  return j;
}

// ---- model instances --------------------------------------------------------------------------

/** scope, n, sum, sumSq, agedDay, bin count, then bin key and value per bin. */
export const instanceCodec: RowCodec<Instance> = {
  name: 'instance',
  write(scope, inst, { out }) {
    out.push(scope, inst.n, inst.sum, inst.sumSq, inst.agedDay, inst.bins.size);
    for (const [k, v] of inst.bins) out.push(k, v);
  },
};

function readInstance(c: Cursor): Json {
  const head = [c.str(), c.num(), c.num(), c.num(), c.num()];
  const bins: Array<[string, number]> = [];
  for (let n = c.count(); n > 0; n--) bins.push([c.str(), c.num()]);
  return [...head, bins];
}

// ---- plain entries ----------------------------------------------------------------------------

/** key, value (any JSON value, written as it is): for values that are mostly numbers or strings. */
export const pairCodec: RowCodec<Json> = {
  name: 'pair',
  write(key, value, { out }) {
    out.push(key, value);
  },
};

function readPair(c: Cursor): Json {
  return [c.str(), c.next()];
}

/** An `entry` value's form. */
const VALUE = 0;
const COUNTS = 1;
const RECORD = 2;
const SAME_RECORD = 3;

const isScalar = (v: Json): boolean => v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';

/**
 * key, then the value in the first form that fits: COUNTS length, how many are set, index number…
 * (a list of numbers with gaps, such as per-type day counts); RECORD field count, names…, values…
 * (a plain object of scalars); SAME_RECORD values… (a record with the previous record's fields:
 * a row of records names its fields once); VALUE value (anything else, as JSON).
 */
export const entryCodec: RowCodec<Json> = {
  name: 'entry',
  write(key, value, row) {
    const out = row.out;
    out.push(key);
    const start = out.length;
    if (Array.isArray(value) && writeCounts(value, out)) return;
    out.length = start;
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype && writeRecord(value as Record<string, Json>, row)) return;
    out.length = start;
    out.push(VALUE, value);
  },
};

/** false (and partly written) when the list holds anything but numbers and gaps */
function writeCounts(list: readonly Json[], out: Json[]): boolean {
  out.push(COUNTS, list.length, 0);
  const setAt = out.length - 1;
  let set = 0;
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (v === undefined || v === null) continue; // JSON writes a gap as null, and so does the reader
    if (typeof v !== 'number') return false;
    out.push(i, v);
    set++;
  }
  out[setAt] = set;
  return true;
}

/** false (and partly written) when a field holds anything but a scalar */
function writeRecord(obj: Record<string, Json>, row: FlatRow): boolean {
  const names = Object.keys(obj);
  const last = row.fields;
  const same = last !== null && last.length === names.length && names.every((k, i) => k === last[i]);
  const out = row.out;
  if (same) {
    out.push(SAME_RECORD);
  } else {
    if (names.includes('__proto__')) return false;
    out.push(RECORD, names.length, ...names);
  }
  for (const k of names) {
    const v = obj[k];
    if (!isScalar(v)) return false; // undefined (which JSON leaves out), nested values, functions
    out.push(v);
  }
  row.fields = names;
  return true;
}

function readEntry(c: Cursor): Json {
  const key = c.str();
  const form = c.next();
  if (form === VALUE) return [key, c.next()];
  if (form === COUNTS) {
    const length = c.count(MAX_LENGTH);
    const list: Json[] = new Array<Json>(length).fill(null);
    for (let n = c.count(length); n > 0; n--) list[c.count(length - 1)] = c.num();
    return [key, list];
  }
  let names: string[];
  if (form === RECORD) {
    names = [];
    for (let n = c.count(); n > 0; n--) {
      const k = c.str();
      if (k === '__proto__') throw new Error('a record names the field __proto__');
      names.push(k);
    }
    c.fields = names;
  } else if (form === SAME_RECORD && c.fields !== null) {
    names = c.fields;
  } else {
    throw new Error(`an entry's value is of unknown form ${JSON.stringify(form)}`);
  }
  const obj: Record<string, Json> = {};
  for (const k of names) {
    const v = c.next();
    if (!isScalar(v)) throw new Error(`a record's field ${k} is not a scalar`);
    obj[k] = v;
  }
  return [key, obj];
}

const readers: Record<string, (c: Cursor) => Json> = { scope: readScope, instance: readInstance, pair: readPair, entry: readEntry };

/** Starts a flat row for `codec` (its entry count is filled in by `endFlatRow`). */
export function startFlatRow(codec: RowCodec<never>): FlatRow {
  return { out: [codec.name, 0], fields: null };
}

export function endFlatRow(row: FlatRow, entries: number): Json[] {
  row.out[1] = entries;
  return row.out;
}

/** Every entry of a flat row with its recency stamp, in the order written. */
export function readFlatRow(data: unknown, each: (stamp: number, entry: Json) => void): number {
  if (!Array.isArray(data) || typeof data[0] !== 'string' || !Object.hasOwn(readers, data[0])) throw new Error(`a flat row of unknown layout ${JSON.stringify(Array.isArray(data) ? data[0] : data)} (written by a newer uebac?)`);
  const read = readers[data[0]]!;
  const c = new Cursor(data);
  const entries = c.data[1];
  if (typeof entries !== 'number' || !Number.isSafeInteger(entries) || entries < 0) throw new Error('a flat row does not say how many entries it holds');
  let stamp = 0;
  for (let n = 0; n < entries; n++) {
    stamp += c.num();
    if (!Number.isSafeInteger(stamp)) throw new Error('a flat row holds a stamp that is not an integer');
    each(stamp, read(c));
  }
  if (c.at !== data.length) throw new Error(`a flat row holds ${data.length - c.at} values after its ${entries} entries`);
  return entries;
}
