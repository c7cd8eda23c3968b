// `uebac explain SESSION_ID`: replay the logs (deterministically) and show that session's
// timeline: every event, the rules it fired with their evidence, and the running score — as
// text, as JSON (the report data of that session) or as a one-session HTML report.
import { writeFileSync } from 'node:fs';
import { loadTrustedBundle } from '../runtime/bundle.ts';
import { isoTime } from '../runtime/engine.ts';
import { renderHtml } from '../report/html.ts';
import { brief, replayReport, replaySession, type Replay } from '../report/replay.ts';
import { loadContextDir } from './context-dir.ts';
import { UsageError } from './run-cmd.ts';
import { cliTrustPolicy, warnOnStderr, type TrustCliOptions } from './trust-options.ts';

export type ExplainFormat = 'text' | 'json' | 'html';

function text(sessionId: string, replay: Replay, threshold: number): string {
  const lines: string[] = [];
  for (const { event: ev, score, rules } of replay.events) {
    const timeNote = ev.time_source ? `  [time from ${ev.time_source}]` : '';
    lines.push(`${isoTime(ev.time)}  ${ev.event_type.padEnd(22)} score ${String(score).padStart(4)}  ${brief(ev)}${timeNote}`);
    for (const r of rules) {
      lines.push(`    +${r.score} ${r.rule}: ${r.reason}`);
      if (r.evidence) {
        const e = r.evidence;
        lines.push(`        model ${e.model} scope=${e.scope} value=${JSON.stringify(e.feature)} seen ${e.feature_count}/${e.total_events} (distinct ${e.distinct_values}) confidence ${e.confidence} threshold ${e.threshold_count}${e.distance !== undefined ? ` distance ${e.distance}` : ''}`);
      }
    }
  }
  const final = replay.events[replay.events.length - 1]!.score;
  return `Session ${sessionId} — final score ${final}${final >= threshold ? ' (notable)' : ''}\n${lines.join('\n')}\n`;
}

export async function explainCommand(sessionId: string, files: string[], opts: { bundle: string; context?: string; format?: ExplainFormat; out?: string } & TrustCliOptions): Promise<number> {
  if (files.length === 0) throw new UsageError('explain replays the logs: give the same input files as the run');
  const format = opts.format ?? 'text';
  const { module, manifest } = await loadTrustedBundle(opts.bundle, cliTrustPolicy(opts), warnOnStderr);
  const program = module.instantiate(opts.context ? loadContextDir(opts.context, manifest) : new Map());
  const replay = await replaySession(program, files, sessionId, manifest.bundleHash);
  if (replay.events.length === 0) {
    process.stderr.write(`uebac: no session ${sessionId} in these logs\n`);
    return 1;
  }
  let output: string;
  if (format === 'text') output = text(sessionId, replay, program.settings.notableThreshold);
  else {
    const data = replayReport(program, files, sessionId, manifest.bundleHash, replay);
    output = format === 'json' ? JSON.stringify(data, null, 2) + '\n' : renderHtml(data);
  }
  if (opts.out) writeFileSync(opts.out, output);
  else process.stdout.write(output);
  return 0;
}
