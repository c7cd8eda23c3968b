// The ReDoS screen for imports: the compiler's check (compiler/regex/safety.ts, cached per
// user) under a time budget. A library holds thousands of regexes and recheck needs up to
// seconds for some, so each check gets a short limit, and once the budget is spent the
// rest are answered from the cache only: they are carried over as "not screened" (reported)
// and screened by a later run, which resumes where this one stopped because verdicts are cached.
import { checkRegexSafety, flushRegexSafetyCache, type SafetyResult } from '../regex/safety.ts';

export interface ScreenStats { checks: number; misses: number; unscreened: number; millis: number }

export class RegexScreen {
  readonly stats: ScreenStats = { checks: 0, misses: 0, unscreened: 0, millis: 0 };
  private readonly deadline: number;
  private lastFlush = performance.now();

  constructor(private readonly budgetMs: number, private readonly timeoutMs: number) {
    this.deadline = performance.now() + budgetMs;
  }

  check(source: string, flags: string): SafetyResult {
    const t = performance.now();
    const cacheOnly = t >= this.deadline;
    // A timeout of an ordinary regex is usually the machine's load, not the regex: within the
    // budget it gets a second, longer try, as in the compiler (whose check of the output
    // treats an undecided regex as an error).
    const r = checkRegexSafety(source, flags, { timeoutMs: this.timeoutMs, cacheOnly, retryTimeoutMs: this.timeoutMs * 8 });
    const spent = performance.now() - t;
    this.stats.checks++;
    this.stats.millis += spent;
    if (spent > 5) this.stats.misses++;
    // The import is one synchronous loop, so the cache's timed save cannot run: save every
    // half minute here, so an interrupted import keeps what it screened.
    if (performance.now() - this.lastFlush > 30_000) {
      flushRegexSafetyCache();
      this.lastFlush = performance.now();
    }
    if (cacheOnly && !r.safe && r.reason === 'unknown' && r.detail?.startsWith('not screened')) this.stats.unscreened++;
    return r;
  }
}
