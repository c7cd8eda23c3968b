// What `uebac run` writes for the same lines with a persistent state (sessions left open, like
// serve), reduced to the behavioural records serve writes: no header/summary framing a batch,
// no input file:line.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { cli } from './harness.ts';

export function runRecords(bundle: string, tmp: string, lines: string[], name: string, extra: string[] = []): string {
  const file = join(tmp, `${name}.log`);
  writeFileSync(file, lines.map((l) => l + '\n').join(''));
  const out = join(tmp, `${name}.jsonl`);
  const r = cli(['run', '--bundle', bundle, '--state', join(tmp, `${name}.db`), '--out', out, '-q', ...extra, file]);
  expect(r.status, r.stderr).toBe(0);
  return readFileSync(out, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((x) => x.type !== 'header' && x.type !== 'summary')
    .map((x) => { delete x.source; return JSON.stringify(x) + '\n'; }).join('');
}
