// Subjects and payloads of the scale-out roles (runtime/scale/roles.ts). Payloads are JSON;
// every one carries its place in the global order, so no worker depends on how subjects interleave.
import type { Event, ModelStats } from '../program.ts';
import type { HistogramEvidence } from '../evidence.ts';
import type { Value } from '../helpers.ts';
import type { Bus } from './bus.ts';

/** Raw input: `uebac.raw.lines` plain log text (one or more lines), `uebac.raw.file` the same with its source file and first line. */
export const RAW_FILTER = 'uebac.raw.>';
export const RAW_LINES = 'uebac.raw.lines';
export const RAW_FILE = 'uebac.raw.file';
/** End of input (a batch comparison sends it; a live deployment never does): sessions close, workers finish. */
export const RAW_END = 'uebac.raw.end';
export const PARSED_FILTER = 'uebac.parsed.*';
export const parsedSubject = (p: number) => `uebac.parsed.${p}`;
export const statsSubject = (u: number, m: number) => `uebac.stats.${u}.${m}`;
export const statsFilter = (u: number) => `uebac.stats.${u}.*`;
export const trainSubject = (m: number) => `uebac.train.${m}`;
export const hitsSubject = (u: number) => `uebac.hits.${u}`;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
export const encode = (v: unknown): Uint8Array => encoder.encode(JSON.stringify(v));
export const decode = <T>(data: Uint8Array): T => JSON.parse(decoder.decode(data)) as T;

export interface RawFile {
  file: string;
  /** 1-based number of the first line in the file */
  line: number;
  text: string;
}

/** One line as the parse stage left it: an event or reject that does not depend on the parser's clock, or the text to parse again in order. */
export interface ParsedLine {
  /** the line's text: parsed again in stream order (its outcome depends on the previous event's time) */
  t?: string;
  e?: Event;
  et?: number;
  p?: string;
  /** reject reason */
  x?: string;
  /** why bytes were replaced while decoding (invalid-utf8) */
  r?: string;
}

export interface ParsedMessage {
  /** stream sequence of the raw message */
  seq: number;
  /** stream sequence of the raw message before it (0: the first) */
  prev: number;
  file: string;
  line: number;
  lines: ParsedLine[];
  end?: true;
}

/** A models partition's answers for one event, to the users partition owning it. */
export interface StatsMessage {
  g: number;
  m: number;
  a: Array<[string, { stats: ModelStats; histogram?: HistogramEvidence } | { before: number; after: number } | boolean]>;
}

/**
 * Training for one models partition: instance training [0, model, scope, feature, time],
 * seen-anywhere [1, model, key], a stats read the rules made [2, model, scope, time] (it ages the instance).
 */
export type Training = [0, number, string, Value, number] | [1, number, string] | [2, number, string, number];

export interface TrainMessage {
  g: number;
  /** users partition sending it */
  u: number;
  /** 0: while the event was begun (day-sequences closing: sequence-end models), before its reads are answered; 1: after its rules */
  phase: 0 | 1;
  t: Training[];
}

/** Asset-rule scores of one event for the users partition owning the asset: [rule, asset, time]. */
export interface HitsMessage {
  g: number;
  h: Array<[number, string, number]>;
}

/** Publish log text for the parse stage (a producer's helper; `source` gives the records' file and first line). */
export async function publishRaw(bus: Bus, id: string, text: string, source?: { file: string; line: number }): Promise<void> {
  if (source) await bus.publish(RAW_FILE, encode({ file: source.file, line: source.line, text } satisfies RawFile), id);
  else await bus.publish(RAW_LINES, encoder.encode(text), id);
}

export async function publishEnd(bus: Bus, id = 'raw-end'): Promise<void> {
  await bus.publish(RAW_END, new Uint8Array(0), id);
}
