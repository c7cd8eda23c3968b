// serve and the library's in-memory engine parse with the run path (only the fields records
// depend on, runtime/run-path.ts), as `uebac run` does: their records equal, byte for byte,
// those `uebac run` writes with the whole mapping for the same lines.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Bundle } from '../../lib/runtime.ts';
import type { ScopeRecord } from '../../runtime/engine.ts';
import type { BundleModule, Program } from '../../runtime/program.ts';
import { runPipeline } from '../../runtime/run.ts';
import { listSegments } from '../../runtime/serve/jsonl-sink.ts';
import { ServeMetrics } from '../../runtime/serve/metrics.ts';
import { Processor } from '../../runtime/serve/processor.ts';
import { Spool } from '../../runtime/serve/spool.ts';
import { StateStore } from '../../runtime/state.ts';
import { compileTexts, contentTexts, loadCompiled, ROOT, tempDir } from '../compiler/helpers.ts';

let module: BundleModule;
let dir: string;
let input: string;
let lines: string[];

/** What `uebac run` writes for the input with the whole mapping (`onEvent` keeps it), as serve frames records. */
async function wholeMappingRecords(state: string): Promise<{ text: string; rules: number }> {
  const out = join(dir, `whole-${state === ':memory:' ? 'finished' : 'open'}.jsonl`);
  const s = await runPipeline(module.instantiate(new Map()), { inputs: [input], out, state, resume: false, bundleHash: 'test', onEvent() {} });
  const text = readFileSync(out, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((x) => x.type !== 'header' && x.type !== 'summary')
    .map((x) => { delete x.source; return JSON.stringify(x) + '\n'; }).join('');
  return { text, rules: s.rulesFired };
}

beforeAll(async () => {
  const { ir } = compileTexts(contentTexts());
  module = (await loadCompiled(ir!)).module;
  dir = tempDir();
  lines = ['officescan.log', 'usb.log'].flatMap((f) => readFileSync(join(ROOT, 'examples/sample', f), 'utf8').split('\n').filter((l) => l !== ''));
  input = join(dir, 'sample.log');
  writeFileSync(input, lines.map((l) => l + '\n').join(''));
});

describe('the run path outside `uebac run`', () => {
  it('serve parses with the run path and writes the records of the whole mapping; alerts are the notable records', async () => {
    const expected = await wholeMappingRecords(join(dir, 'whole.db'));
    expect(expected.rules).toBeGreaterThan(0);
    const program: Program = module.instantiate(new Map());
    expect(program.forRules, 'this content has a run path narrower than the whole mapping').toBeDefined();
    const spool = new Spool(join(dir, 'spool.db'));
    const store = new StateStore(join(dir, 'serve.db'));
    const outDir = join(dir, 'records');
    const alerts: ScopeRecord[] = [];
    try {
      spool.accept('test', lines.map((text) => ({ text })));
      spool.flush();
      const processor = new Processor({ program, bundleHash: 'test' }, {
        store, spool, outDir, rotateBytes: 64 << 20, rotateMs: 0, alerts: { publish: (r) => alerts.push(r) },
        metrics: new ServeMetrics(), latenessMs: 0, checkpointLines: 500, checkpointMs: 60_000, log: () => {},
      });
      expect(processor.program.parse).toBe(program.forRules!.parse);
      expect(processor.program.enrich).toBe(program.forRules!.enrich);
      const running = processor.run();
      processor.stop();
      await running;
    } finally {
      spool.close();
      store.close();
    }
    const served = listSegments(outDir).map((f) => readFileSync(f, 'utf8')).join('');
    expect(served).toBe(expected.text);
    const notable = served.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as ScopeRecord | { type: 'rule' }).filter((r): r is ScopeRecord => r.type !== 'rule' && r.notable);
    expect(notable.length).toBeGreaterThan(0);
    expect(alerts).toEqual(notable);
  });

  it('createEngine gives the records of the whole mapping', async () => {
    const expected = await wholeMappingRecords(':memory:');
    const bundle = { dir, manifest: {} as Bundle['manifest'], instantiate: () => module.instantiate(new Map()) } satisfies Bundle;
    const engine = createEngine(bundle);
    const records = lines.flatMap((l) => engine.push(l));
    records.push(...engine.end());
    expect(engine.counts.lines).toBe(lines.length);
    expect(records.map((r) => JSON.stringify(r) + '\n').join('')).toBe(expected.text);
  });
});
