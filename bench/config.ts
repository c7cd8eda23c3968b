// Paths and sizes shared by the orchestrator (bench/run.ts) and its child processes.
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');
export const CONTENT = join(ROOT, 'content');
/** Corpora are cached here (node_modules/ is ignored by git; nothing is added to .gitignore). */
export const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'uebac-bench');
export const BENCH_DIR = import.meta.dirname;

export interface Sizes {
  /** Lines in the main corpus (bench mode of examples/gen). */
  lines: number;
  /** Lines in the warm-up prefix of the corpus. */
  warmLines: number;
  /** Timed passes per case (best of). */
  rounds: number;
  /** Rule-evaluation case: at most this many events (a prefix of the corpus). */
  ruleEvents: number;
  /** Split the cold compile's regex-screening time out (checks every regex again). */
  regexSplit: boolean;
  /** Compile the pack a second time in the same process (warm JIT, cached regex verdicts). */
  warmCompile: boolean;
  /** Run the memory cases and the recheck probe concurrently (quick mode: wall time). */
  concurrentMemory: boolean;
  /** CPU-profile the end-to-end case (--profile / --no-profile override). */
  profile: boolean;
  /** Users and days of the synthetic many-users corpus (one USB write per user per day). */
  users: number;
  userDays: number;
  /** Many users with state in SQLite vs in memory (one USB write per user per day). */
  sqliteUsers: number;
  sqliteUserDays: number;
  /** Histogram-memory case: instances × bins per instance. */
  binInstances: number;
  binsPerInstance: number;
  /** Scaling: synthetic rules = rulesFactor × real rules; synthetic parsers. */
  rulesFactor: number;
  parsers: number;
}

export const SEED = 11;

export const FULL: Sizes = {
  lines: 1_000_000, warmLines: 20_000, rounds: 2, ruleEvents: 100_000,
  regexSplit: true, warmCompile: true, concurrentMemory: false, profile: true,
  users: 100_000, userDays: 5,
  sqliteUsers: 200_000, sqliteUserDays: 1,
  binInstances: 20_000, binsPerInstance: 50,
  rulesFactor: 10, parsers: 1000,
};

export const QUICK: Sizes = {
  lines: 5_000, warmLines: 5_000, rounds: 2, ruleEvents: 3_000,
  regexSplit: false, warmCompile: false, concurrentMemory: true, profile: false,
  users: 20_000, userDays: 1,
  sqliteUsers: 20_000, sqliteUserDays: 1,
  binInstances: 20_000, binsPerInstance: 50,
  rulesFactor: 10, parsers: 1000,
};
