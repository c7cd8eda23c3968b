// The emitted rule evaluators: a dependency that is constant for an event type is folded (a
// rule that can never fire there is left out of that type's evaluator, and its flag with it),
// and a call several rules of one evaluator make is computed once per event.
import { describe, expect, it } from 'vitest';
import { emitSource } from '../../compiler/passes/emit.ts';
import { compileTexts, contentTexts, loadCompiled } from './helpers.ts';

/** The text of one generated evaluator function. */
function evaluator(source: string, name: string): string {
  const start = source.indexOf(`function ${name}(ev, rt)`);
  expect(start, name).toBeGreaterThanOrEqual(0);
  const end = source.indexOf('\n  function ', start + 1);
  return source.slice(start, end < 0 ? undefined : end);
}

describe('rule evaluator emission', () => {
  const texts = contentTexts();
  // Two event types; the dependency names a rule only dlp-alert events can fire.
  texts.set('rules/X-AFTER-DLP.yaml', [
    'kind: rule', 'id: X-AFTER-DLP', 'name: After a first DLP violation', 'eventTypes: [dlp-alert, usb-write]',
    "expression: 'exists(user)'", 'dependency: DLP-OA-F', 'score: 5', 'mitre: [T1052]', "reason: 'after {user}'", '',
  ].join('\n'));
  // Two rules with the same call on their model's statistics: each rule has its own `st`.
  for (const id of ['X-SEEN-1', 'X-SEEN-2']) texts.set(`rules/${id}.yaml`, [
    'kind: rule', `id: ${id}`, 'name: Feature seen elsewhere', 'eventTypes: [usb-write]', 'model: UW-UH',
    "expression: \"seenAnywhere('UW-UH', feature_value)\"", 'score: 5', 'mitre: [T1052]', "reason: 'seen {user}'", '',
  ].join('\n'));
  // The same tests on a model no expression passes to modelTotal (UW-UD) and on one that is (UW-DH).
  for (const [id, model] of [['X-EARLY', 'UW-UD'], ['X-KEPT', 'UW-DH']] as const) texts.set(`rules/${id}.yaml`, [
    'kind: rule', `id: ${id}`, 'name: Rare device', 'eventTypes: [usb-write]', `model: ${model}`,
    "expression: \"num_observations < percentile_threshold_count && exists(device_id) && !wasRuleFired('UW-UH-F')\"",
    'dependency: not X-SEEN-1', 'score: 5', 'mitre: [T1052]', "reason: 'rare {device_id}'", '',
  ].join('\n'));
  const { ir, diagnostics } = compileTexts(texts);

  it('compiles', () => {
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(ir).not.toBeNull();
  });

  it('leaves a rule out of an event type whose events cannot satisfy its dependency', () => {
    const source = emitSource(ir!);
    const usb = evaluator(source, 'evaluate_usb_write');
    const dlp = evaluator(source, 'evaluate_dlp_alert');
    expect(usb).not.toContain('R_X_AFTER_DLP');
    expect(dlp).toContain('rt.fire(R_X_AFTER_DLP, ev, null)');
    // dlp-alert reads the flag of DLP-OA-F; usb-write never declares it
    expect(dlp).toContain('let fired_DLP_OA_F = false;');
    expect(dlp).toMatch(/&& fired_DLP_OA_F\) rt\.fire\(R_X_AFTER_DLP/);
    expect(usb).not.toContain('fired_DLP_OA_F');
  });

  it('computes a model look-up several rules make once per event, never a call reading the model statistics', () => {
    const usb = evaluator(emitSource(ir!), 'evaluate_usb_write');
    const calls = usb.match(/rt\.seenAnywhere\(M_UW_UH, ev\.usb_asset\)/g) ?? [];
    expect(calls.length).toBeGreaterThan(1);
    expect(usb.match(/\(seenAnywhere \?\?= rt\.seenAnywhere\(M_UW_UH, ev\.usb_asset\)\)/g)).toHaveLength(calls.length);
    expect(usb.match(/ rt\.seenAnywhere\(M_UW_UH, st\.feature\)/g)).toHaveLength(2);
    const memoised = [...usb.matchAll(/\?\?= ([^()]*\([^()]*\))\)/g)].map((m) => m[1]!);
    expect(memoised.length).toBeGreaterThan(0);
    for (const call of memoised) expect(call).not.toMatch(/\bst\./);
  });

  it('runs the tests of a rule that need no model statistics, and its dependency, before the stats read', () => {
    const usb = evaluator(emitSource(ir!), 'evaluate_usb_write');
    // the rule's condition on one line, helpers without their module prefix
    const test = (id: string) => {
      const end = usb.indexOf(`rt.fire(R_${id}, ev, st)`);
      return usb.slice(usb.lastIndexOf('if (', end), end).replace(/\s*\n\s*/g, ' ').replace(/\bh\./g, '');
    };
    expect(test('X_EARLY')).toContain('isPresent(ev.device_id) && !(wasRuleFired ??= rt.wasFired(R_UW_UH_F, ev)) && !fired_X_SEEN_1 && (st = rt.stats(M_UW_UD, ev, 0.1)) !== null && st.converged && lt(st.num_observations, st.percentile_threshold_count)');
    // UW-DH is read by modelTotal, which would see whether a stats read aged the instance: order kept
    expect(test('X_KEPT')).toContain('(st = rt.stats(M_UW_DH, ev, 0.1)) !== null && st.converged && ((lt(st.num_observations, st.percentile_threshold_count) && isPresent(ev.device_id)) && !(wasRuleFired ??= rt.wasFired(R_UW_UH_F, ev))) && !fired_X_SEEN_1');
  });

  it('an event failing such a test reads no statistics of that model; one passing it reads them and fires', async () => {
    const { program } = await loadCompiled(ir!);
    const usb = program.eventTypes.findIndex((t) => t.name === 'usb-write');
    const early = program.rules.findIndex((r) => r.id === 'X-EARLY');
    const converged = { model: 0, scope: 'u', feature: 'd', num_observations: 0, total_events: 50, distinct_values: 5, confidence_factor: 1, converged: true, percentile_threshold_count: 2, percentile_threshold_value: 0, percentile_count_distance: 0 };
    const statsRead: number[] = [];
    const fired: number[] = [];
    const rt = {
      counter: () => 2, stats: (m: number) => { statsRead.push(m); return converged; }, modelTotal: () => 1, seenAnywhere: () => false,
      wasFired: () => false, priorSequences: () => 0, activeDays: () => 0, fire: (i: number) => { fired.push(i); }, maxRegexInput: 4096,
    };
    const ev = program.makeEvent(usb, 0);
    ev.user = 'u';
    program.evaluate(usb, ev, rt);
    expect(statsRead).not.toContain(ir!.rules[early]!.model);
    expect(fired).not.toContain(early);
    ev.device_id = 'd';
    statsRead.length = 0;
    program.evaluate(usb, ev, rt);
    expect(statsRead).toContain(ir!.rules[early]!.model);
    expect(fired).toContain(early);
  });
});

