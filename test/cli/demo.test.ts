// The demo: on the full sample with the demo organisation's context tables, every planted
// attack story's user has a notable session and no benign look-alike or ordinary user does.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const uebac = (args: string[]) => spawnSync('node', [join(ROOT, 'bin/uebac.mjs'), ...args], { cwd: ROOT, encoding: 'utf8' });

interface Truth { stories: Array<{ user: string; kind: 'attack' | 'benign' }> }

function notableUsers(sample: string, context: string | null): Set<string> {
  const dir = mkdtempSync(join(tmpdir(), 'uebac-demo-'));
  expect(uebac(['compile', 'content', '-o', dir]).status).toBe(0);
  const out = join(dir, 'records.jsonl');
  const r = uebac(['run', '--bundle', dir, '--state', ':memory:', '--out', out, ...(context ? ['--context', context] : []), sample]);
  expect(r.status, r.stderr).toBe(0);
  const records = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; notable?: boolean; user?: string });
  return new Set(records.filter((x) => x.type === 'session' && x.notable).map((x) => x.user!));
}

describe('demo samples', () => {
  it('full OfficeScan sample: exactly the attack stories become notable', () => {
    const truth = JSON.parse(readFileSync(join(ROOT, 'examples/sample/officescan.truth.json'), 'utf8')) as Truth;
    const attackers = truth.stories.filter((s) => s.kind === 'attack').map((s) => s.user);
    expect(attackers.length).toBeGreaterThanOrEqual(7);
    expect(notableUsers('examples/sample/officescan.log', 'examples/context')).toEqual(new Set(attackers));
  });

  it('USB sample: only the USB exfiltration user is notable', () => {
    const truth = JSON.parse(readFileSync(join(ROOT, 'examples/sample/usb.truth.json'), 'utf8')) as Truth;
    const attackers = truth.stories.filter((s) => s.kind === 'attack').map((s) => s.user);
    expect(notableUsers('examples/sample/usb.log', null)).toEqual(new Set(attackers));
  });
});
