import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    // One regex-safety cache per test run: shared by every test file and CLI child process,
    // never influenced by verdicts cached on this machine before.
    // One trust directory too: `compile` signs with its local key, `run` trusts it, and the
    // user's own ~/.config/uebac is never read or written by tests.
    env: { UEBAC_CACHE_DIR: join(tmpdir(), `uebac-test-cache-${process.pid}`), UEBAC_CONFIG_DIR: join(tmpdir(), `uebac-test-config-${process.pid}`) },
  },
});
