// Quick ratios for one corpus and one compiled bundle, without the full benchmark: floor (read
// + split), run-path parse and end to end (runPipeline, :memory:), interleaved, best of N, by
// wall and by CPU time. For comparing two builds back to back while working on the hot path:
//   node --import tsx bench/quick-ratios.ts <corpus.log> <bundle-dir> [rounds=5] [floor,parse,e2e]
import { interleaved } from './measure.ts';
import { isolatedPasses } from './passes.ts';
import { e2ePass, load } from './stages.ts';

const [corpus, bundle, roundsArg, variantsArg] = process.argv.slice(2);
if (!corpus || !bundle) {
  process.stderr.write('usage: node --import tsx bench/quick-ratios.ts <corpus.log> <bundle-dir> [rounds] [floor,parse,e2e]\n');
  process.exit(2);
}
const b = await load(bundle);
const rounds = Number(roundsArg ?? 5);
const wanted = new Set((variantsArg ?? 'floor,parse,e2e').split(','));
const floor = await isolatedPasses('floor');
const parse = await isolatedPasses('parse');
const out = `/tmp/uebac-quick-ratios-${process.pid}.jsonl`;
const all = [
  { name: 'floor', run: () => floor.floorPass(floor.readLines, corpus) },
  { name: 'parse', run: () => parse.parsePass(parse.readLines, b.program, corpus, false) },
  { name: 'e2e', run: () => e2ePass(b, corpus, out) },
];
// Two warm-up passes over the whole corpus: one is not enough for the end-to-end path's JIT.
const variants = all.filter((v) => wanted.has(v.name)).map((v) => ({ ...v, warm: async () => { await v.run(); await v.run(); } }));
const results = await interleaved(variants, rounds);
const f = results.get('floor')?.timing;
for (const [name, { timing: t }] of results) {
  const share = f ? `  share of the floor: wall ${((100 * f.best) / t.best).toFixed(1)} %, cpu ${((100 * f.cpuBest) / t.cpuBest).toFixed(1)} %` : '';
  console.log(`${name.padEnd(6)} wall ${t.best.toFixed(1).padStart(8)} ms  cpu ${t.cpuBest.toFixed(1).padStart(8)} ms${share}`);
}
