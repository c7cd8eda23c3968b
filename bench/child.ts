// Running a case in a fresh Node process (same TypeScript loader as this process) and
// getting its result back. A child prints progress on stderr and its result as one line
// `@@RESULT {json}` on stdout.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { BENCH_DIR, ROOT } from './config.ts';

const MARK = '@@RESULT ';

export interface ChildOptions {
  /** Extra node flags, e.g. --expose-gc, --cpu-prof. */
  nodeFlags?: string[];
  /** Prefix for the child's progress lines on stderr. */
  label?: string;
  quiet?: boolean;
  /** Extra environment variables for the child. */
  env?: Record<string, string>;
}

export interface ChildRun<T> {
  result: T;
  wallMs: number;
}

/** The flags that load TypeScript in this process (tsx's --require/--import pair). */
function loaderFlags(): string[] {
  const flags = process.execArgv.filter((a) => !a.startsWith('--cpu-prof') && a !== '--expose-gc' && !a.startsWith('--max-old-space-size'));
  return flags.length ? flags : ['--import', 'tsx'];
}

export function runChild<T>(script: string, input: unknown, opts: ChildOptions = {}): Promise<ChildRun<T>> {
  const file = join(BENCH_DIR, script);
  const args = [...loaderFlags(), ...(opts.nodeFlags ?? []), file, JSON.stringify(input)];
  const started = process.hrtime.bigint();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      if (!opts.quiet) process.stderr.write(d.replace(/^(?=.)/gm, opts.label ? `[${opts.label}] ` : ''));
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const line = out.split('\n').find((l) => l.startsWith(MARK));
      if (code !== 0 || !line) {
        reject(new Error(`${script} exited with ${code}${line ? '' : ' and no result'}\n${err.slice(-4000)}`));
        return;
      }
      resolvePromise({ result: JSON.parse(line.slice(MARK.length)) as T, wallMs });
    });
  });
}

/** Child side: parse the JSON argument, run, print the result line. */
export async function childMain<I, T>(fn: (input: I) => Promise<T> | T): Promise<void> {
  try {
    const input = JSON.parse(process.argv[2] ?? '{}') as I;
    const result = await fn(input);
    process.stdout.write(`${MARK}${JSON.stringify(result)}\n`);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  }
}

export function progress(msg: string): void {
  process.stderr.write(`${msg}\n`);
}
