// Child process: run the example generator in bench mode and write its lines in chunks.
import { generate } from '../examples/gen/generate.ts';
import { childMain, progress } from './child.ts';
import { LineWriter } from './corpus.ts';

interface Input { lines: number; warmLines: number; seed: number; out: string; warmOut: string }

await childMain(({ lines, warmLines, seed, out, warmOut }: Input) => {
  const started = Date.now();
  const result = generate({ scenario: 'full', seed, lines });
  progress(`generated ${result.lines.length} lines in ${((Date.now() - started) / 1000).toFixed(1)} s; writing`);
  const w = new LineWriter(out);
  const warm = warmOut === out ? null : new LineWriter(warmOut);
  for (let i = 0; i < result.lines.length; i++) {
    w.line(result.lines[i]!);
    if (warm && i < warmLines) warm.line(result.lines[i]!);
  }
  w.close();
  warm?.close();
  return { lines: w.lines, bytes: w.bytes };
});
