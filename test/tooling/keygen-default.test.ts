// `uebac keygen` without a prefix writes the key pair into the user's config directory — never
// into the working tree, where it could be committed — and `*.key` is git-ignored.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'uebac-keygen-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('uebac keygen', () => {
  it('defaults to the config directory, private key 0600, and refuses to overwrite it', () => {
    const config = join(tmp, 'config');
    const cwd = mkdtempSync(join(tmp, 'work-'));
    const keygen = () => spawnSync(process.execPath, [join(ROOT, 'bin/uebac.mjs'), 'keygen'], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, UEBAC_CONFIG_DIR: config } });
    const r = keygen();
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(cwd)).toEqual([]);
    expect(statSync(join(config, 'signing.key')).mode & 0o777).toBe(0o600);
    expect(statSync(config).mode & 0o077).toBe(0);
    expect(existsSync(join(config, 'signing.pub'))).toBe(true);
    expect(r.stderr).toContain(join(config, 'signing.key'));
    const again = keygen();
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/already exists; refusing to overwrite/);
  });

  it('*.key is ignored by git', () => {
    expect(readFileSync(join(ROOT, '.gitignore'), 'utf8').split('\n')).toContain('*.key');
  });
});
