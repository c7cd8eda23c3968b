// Child process: the streaming cases on the main corpus, interleaved round by round.
//   floor            read + split (runtime/lines.ts)
//   parse            + program.parse on every line                (real pack)
//   parse+enrich     + derived fields                             (real pack)
//   end to end       runPipeline, state :memory:, JSONL to a file (real pack)
//   parse/1000p      parse with the pack + N synthetic CEF parsers (scaling b)
//   e2e/rules×10     end to end with the pack + synthetic rules    (scaling a)
import { join } from 'node:path';
import { childMain, progress } from '../child.ts';
import { interleaved, type Timing, type Variant } from '../measure.ts';
import { isolatedPasses } from '../passes.ts';
import { e2ePass, load, type PassCount } from '../stages.ts';

export interface PipelineInput {
  corpus: string;
  warm: string;
  bundles: { real: string; rules?: string; parsers?: string };
  rounds: number;
  tmp: string;
}

export type PipelineResult = Record<string, Timing & { count: PassCount }>;

await childMain(async (input: PipelineInput): Promise<PipelineResult> => {
  const real = await load(input.bundles.real);
  const rules = input.bundles.rules ? await load(input.bundles.rules) : null;
  const parsers = input.bundles.parsers ? await load(input.bundles.parsers) : null;
  const out = join(input.tmp, 'pipeline-out.jsonl');
  const v = (name: string, pass: (path: string) => Promise<PassCount>): Variant<PassCount> => ({
    name, warm: () => pass(input.warm), run: () => pass(input.corpus),
  });
  // Floor and parse variants each get private copies of their loop and of the line reader
  // (see passes.ts). The end-to-end variants share runPipeline and the Engine.
  const floor = await isolatedPasses('floor');
  const parse = await isolatedPasses('parse');
  const enrich = await isolatedPasses('parse+enrich');
  const parseScaled = await isolatedPasses('parse/parsers');
  const variants: Array<Variant<PassCount>> = [
    v('floor', (p) => floor.floorPass(floor.readLines, p)),
    v('parse', (p) => parse.parsePass(parse.readLines, real.program, p, false)),
    v('parse+enrich', (p) => enrich.parsePass(enrich.readLines, real.program, p, true)),
    v('e2e', (p) => e2ePass(real, p, out)),
  ];
  if (parsers) variants.push(v('parse/parsers', (p) => parseScaled.parsePass(parseScaled.readLines, parsers.program, p, false)));
  if (rules) variants.push(v('e2e/rules', (p) => e2ePass(rules, p, out)));
  const results = await interleaved(variants, input.rounds, progress);
  const r: PipelineResult = {};
  for (const [name, { timing, last }] of results) r[name] = { ...timing, count: last };
  return r;
});
