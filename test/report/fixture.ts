// The demo run (full OfficeScan sample, demo context tables) whose records the report tests read.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';

export const ROOT = new URL('../..', import.meta.url).pathname;
export const SAMPLE = join(ROOT, 'examples/sample/officescan.log');

export function uebac(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync('node', [join(ROOT, 'bin/uebac.mjs'), ...args], { cwd: ROOT, encoding: 'utf8' });
}

/** The CLI without blocking the test worker (a blocked worker misses vitest's RPC deadlines). */
export function uebacAsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', [join(ROOT, 'bin/uebac.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ status: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

export interface DemoRun {
  dir: string;
  records: string;
  parsed: Array<Record<string, unknown> & { type: string }>;
}

export async function demoRun(): Promise<DemoRun> {
  const dir = mkdtempSync(join(tmpdir(), 'uebac-report-'));
  const c = await uebacAsync(['compile', 'content', '-o', dir]);
  expect(c.status, c.stderr).toBe(0);
  const records = join(dir, 'records.jsonl');
  const r = await uebacAsync(['run', '--bundle', dir, '--state', ':memory:', '--context', join(ROOT, 'examples/context'), '--out', records, '-q', SAMPLE]);
  expect(r.status, r.stderr).toBe(0);
  const parsed = readFileSync(records, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown> & { type: string });
  return { dir, records, parsed };
}
