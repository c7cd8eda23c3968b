// The bundle history beside the state (rollback protection) names the bundles that ran on it:
// a bundle that was checked but never took over — its swap failed — is not recorded, so it
// cannot become the floor that refuses the bundle still running.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineagePath, readLineage } from '../../runtime/lineage.ts';
import { ServeRuntime } from '../../runtime/serve/server.ts';
import { cli, ROOT } from './harness.ts';

let tmp: string;
let bundleA: string;
let bundleB: string;

const hashOf = (dir: string) => (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { bundleHash: string }).bundleHash;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'uebac-lineage-'));
  bundleA = join(tmp, 'a');
  expect(cli(['compile', 'content', '-o', bundleA]).status).toBe(0);
  // B: the same pack version, another build (one model's definition changed).
  const content = join(tmp, 'content-b');
  cpSync(join(ROOT, 'content'), content, { recursive: true });
  const p = join(content, 'models', 'A-DLP-HN-ALERT.yaml');
  writeFileSync(p, readFileSync(p, 'utf8').replace(/cutOff: 10/, 'cutOff: 4'));
  bundleB = join(tmp, 'b');
  const r = cli(['compile', content, '-o', bundleB]);
  expect(r.status, r.stderr).toBe(0);
  expect(hashOf(bundleB)).not.toBe(hashOf(bundleA));
});
afterAll(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

function deploy(from: string, to: string): void {
  for (const f of ['bundle.mjs', 'manifest.json', 'manifest.sig']) if (existsSync(join(from, f))) cpSync(join(from, f), join(to, f));
}

describe('bundle history in serve', () => {
  it('records a bundle when it takes over, never one whose swap failed', async () => {
    const served = join(tmp, 'served');
    cpSync(bundleA, served, { recursive: true });
    const state = join(tmp, 'state', 'state.db');
    const log: string[] = [];
    let loadFails = true;
    const runtime = () => new ServeRuntime({
      bundleDir: served,
      state,
      metrics: null,
      log: (m) => log.push(m),
      // B cannot be loaded while `loadFails` (as a context table it needs would be missing).
      context: (b) => { if (loadFails && b.manifest.bundleHash === hashOf(bundleB)) throw new Error('context table missing'); return new Map(); },
    });
    const history = () => readLineage(lineagePath(state)).map((e) => e.bundleHash);

    const first = runtime();
    await first.start();
    expect(history()).toEqual([hashOf(bundleA)]);
    deploy(bundleB, served);
    await first.reload('test');
    expect(log.join('\n')).toMatch(/test: new bundle refused, still running sha256 \w+…: context table missing/);
    expect(first.bundleHash).toBe(hashOf(bundleA));
    expect(history()).toEqual([hashOf(bundleA)]); // B never ran
    await first.stop();

    // The running bundle A still starts on this state: it is not an older build than one that ran.
    deploy(bundleA, served);
    const second = runtime();
    await second.start();
    expect(second.bundleHash).toBe(hashOf(bundleA));
    // Now B can be loaded: the swap succeeds and B is recorded after A.
    loadFails = false;
    deploy(bundleB, served);
    await second.reload('test');
    expect(second.bundleHash).toBe(hashOf(bundleB));
    expect(history()).toEqual([hashOf(bundleA), hashOf(bundleB)]);
    await second.stop();
  }, 120_000);
});
