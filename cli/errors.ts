// One error path for the command line. Every failure ends as a short message naming the file
// involved and what to do, and an exit code from a small documented set:
//   0  success
//   1  findings: content errors, failed tests, a run whose input is mostly not log lines
//   2  usage or input problems: bad options, missing or unreadable files, a broken bundle
// Stack traces are printed only with --debug (or UEBAC_DEBUG=1), for bug reports.

export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

/** A problem with how uebac was called or with what it was given: exit 2. */
export class InputError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}

interface ErrnoLike { code?: string; path?: string; dest?: string; syscall?: string; errno?: number }

/** What an operating-system error code means for a user, without Node's `ENOENT: …` wording. */
const ERRNO: Record<string, string> = {
  ENOENT: 'does not exist',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EEXIST: 'already exists and is not a directory',
  EROFS: 'is on a read-only file system',
  ENOSPC: 'no space left on the device',
  EMFILE: 'too many open files',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'the name is too long',
};

/**
 * The user-facing message for any error: uebac's own errors keep theirs; operating-system,
 * SQLite and gzip errors are reworded and name the file (`subject`, when the error itself
 * does not carry a path).
 */
export function describeError(e: unknown, subject?: string): { message: string; hint?: string; exit: number } {
  if (e instanceof InputError) return { message: e.message, hint: e.hint, exit: EXIT.usage };
  const err = e as ErrnoLike & Error;
  const code = err?.code;
  if (code && ERRNO[code]) {
    const path = err.path ?? subject;
    return { message: `${path ?? 'a file'}: ${ERRNO[code]}`, hint: errnoHint(code), exit: EXIT.usage };
  }
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') {
    return { message: `${err.path ?? subject ?? 'input'}: not a valid gzip file (${err.message})`, hint: 'only name files ending in .gz if they are gzip-compressed', exit: EXIT.usage };
  }
  if (typeof code === 'string' && code.startsWith('SQLITE_')) {
    const notDb = code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT';
    return {
      message: `${subject ?? 'state file'}: ${notDb ? 'not a uebac state file' : 'state database error'} (SQLite: ${err.message})`,
      hint: notDb ? 'point --state at another file, or pass --fresh to start over' : undefined,
      exit: EXIT.usage,
    };
  }
  return { message: err instanceof Error ? err.message : String(e), exit: EXIT.findings };
}

function errnoHint(code: string): string | undefined {
  switch (code) {
    case 'ENOENT': return 'check the path';
    case 'EACCES': case 'EPERM': return 'check the file permissions, or choose another path';
    case 'EISDIR': return 'name a file inside the directory';
    case 'ENOTDIR': case 'EEXIST': return 'a file is in the way: choose another path or move the file';
    default: return undefined;
  }
}

export function isDebug(argv: readonly string[] = process.argv): boolean {
  return argv.includes('--debug') || process.env.UEBAC_DEBUG === '1';
}

/** Write the message (and the stack with --debug) and return the exit code. */
export function reportError(e: unknown, exit?: number, write: (s: string) => void = (s) => process.stderr.write(s)): number {
  if ((e as ErrnoLike)?.code === 'EPIPE') return EXIT.ok; // the reader of our output went away
  const d = { ...describeError(e), ...(exit !== undefined ? { exit } : {}) };
  write(`uebac: ${d.message}\n${d.hint ? `  ${d.hint}\n` : ''}`);
  if (isDebug() && e instanceof Error && e.stack) write(`${e.stack}\n`);
  return d.exit;
}

/**
 * Stop quietly when the reader of stdout goes away (`uebac run … | head`): that is the
 * reader's choice, not an error, and there is no one left to tell.
 */
export function exitQuietlyOnBrokenPipe(): void {
  process.stdout.on('error', (e: ErrnoLike) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}
