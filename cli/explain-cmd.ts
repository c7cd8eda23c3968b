// `uebac explain SESSION_ID`: replay the logs (deterministically) and print that session's
// timeline: every event, the rules it fired with their evidence, and the running score.
import { loadBundle } from '../runtime/bundle.ts';
import type { RuleRecord } from '../runtime/engine.ts';
import { isoTime } from '../runtime/engine.ts';
import type { Value } from '../runtime/helpers.ts';
import { runPipeline } from '../runtime/run.ts';
import { loadContextDir } from './context-dir.ts';
import { UsageError } from './run-cmd.ts';

const KEY_FIELDS = ['host', 'dest', 'src', 'device_id', 'file_name', 'recipient', 'external_domain', 'subject', 'bytes', 'bytes_in', 'web_domain', 'alert_name', 'process_name', 'object'];

function brief(ev: Record<string, Value>): string {
  const parts: string[] = [];
  for (const k of KEY_FIELDS) {
    const v = ev[k];
    if (v !== null && v !== undefined && v !== '') parts.push(`${k}=${Array.isArray(v) ? v.join(';') : String(v)}`);
  }
  return parts.join(' ');
}

export async function explainCommand(sessionId: string, files: string[], opts: { bundle: string; context?: string }): Promise<number> {
  if (files.length === 0) throw new UsageError('explain replays the logs: give the same input files as the run');
  const { module, manifest } = await loadBundle(opts.bundle);
  const program = module.instantiate(opts.context ? loadContextDir(opts.context, manifest) : new Map());
  const lines: string[] = [];
  let pending: RuleRecord[] = [];
  let found = false;
  let final = 0;
  await runPipeline(program, {
    inputs: files, out: '/dev/null', state: ':memory:', resume: false, bundleHash: manifest.bundleHash,
    onRule: (r) => { if (r.session === sessionId) pending.push(r); },
    onEvent: (ev, session, score) => {
      if (session !== sessionId) { pending = []; return; }
      found = true;
      final = score;
      const timeNote = ev.time_source ? `  [time from ${ev.time_source}]` : '';
      lines.push(`${isoTime(ev.time)}  ${ev.event_type.padEnd(22)} score ${String(score).padStart(4)}  ${brief(ev)}${timeNote}`);
      for (const r of pending) {
        lines.push(`    +${r.score} ${r.rule}: ${r.reason}`);
        if (r.evidence) {
          const e = r.evidence;
          lines.push(`        model ${e.model} scope=${e.scope} value=${JSON.stringify(e.feature)} seen ${e.feature_count}/${e.total_events} (distinct ${e.distinct_values}) confidence ${e.confidence} threshold ${e.threshold_count}${e.distance !== undefined ? ` distance ${e.distance}` : ''}`);
        }
      }
      pending = [];
    },
  });
  if (!found) {
    process.stderr.write(`uebac: no session ${sessionId} in these logs\n`);
    return 1;
  }
  process.stdout.write(`Session ${sessionId} — final score ${final}${final >= program.settings.notableThreshold ? ' (notable)' : ''}\n${lines.join('\n')}\n`);
  return 0;
}
