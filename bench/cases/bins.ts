// Child process (--expose-gc): heap bytes per histogram bin. A ModelStore with one
// categorical model is trained on `instances` scopes × `bins` distinct values each; the heap
// delta after full GCs, divided by the bins held, is the cost of a bin. Scope names and
// feature values are allocated before the baseline: they belong to the events, not to the
// model (a bin only references its key). The ModelStore's side structures (the seen-anywhere
// map, the dirty-instance set) are included.
import { ModelStore } from '../../runtime/models.ts';
import type { ModelSpec } from '../../runtime/program.ts';
import { childMain, progress } from '../child.ts';
import { msSince, nowNs } from '../measure.ts';

export interface BinsInput { instances: number; binsPerInstance: number; vocabulary: number }
export interface BinsResult { bins: number; instances: number; heapDelta: number; bytesPerBin: number; trainPerSec: number }

const spec: ModelSpec = {
  id: 'BENCH-BINS', type: 'categorical', scopeType: 'user', eventTypes: [0], trainOn: 'event',
  scope: (ev) => ev.user ?? null, feature: (ev) => ev.host ?? null, trainIf: () => true,
  alpha: 1, cutOff: 10, convergence: 0.8, maxBins: 10_000, agingDays: 90, binWidth: 0, scale: 'linear', percentileThreshold: 0.1,
};

function heap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
}

await childMain(({ instances, binsPerInstance, vocabulary }: BinsInput): BinsResult => {
  const scopes = Array.from({ length: instances }, (_, i) => `user${String(i).padStart(7, '0')}`);
  const values = Array.from({ length: vocabulary }, (_, i) => `ws-${String(i).padStart(7, '0')}.corp.example`);
  const time = Date.UTC(2026, 9, 15);
  const before = heap();
  const store = new ModelStore([spec]);
  const t0 = nowNs();
  for (let s = 0; s < instances; s++) {
    const scope = scopes[s]!;
    for (let j = 0; j < binsPerInstance; j++) store.train(0, scope, values[(s * 7 + j) % vocabulary]!, time);
  }
  const ms = msSince(t0);
  const after = heap();
  const bins = store.binCount();
  progress(`  ${bins} bins in ${store.instances[0]!.size} instances: ${((after - before) / 1e6).toFixed(1)} MB`);
  // Keep the store (and the pools) alive past the measurement.
  if (store.binCount() !== bins || scopes.length + values.length === 0) throw new Error('unreachable');
  return { bins, instances: store.instances[0]!.size, heapDelta: after - before, bytesPerBin: (after - before) / bins, trainPerSec: (instances * binsPerInstance) / (ms / 1000) };
});
