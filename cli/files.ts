// File-system steps of the CLI that must fail with a clean message (cli/errors.ts) before any
// work starts: input files exist and are files, output files and directories can be created.
import { createWriteStream, mkdirSync, openSync, statSync, type WriteStream } from 'node:fs';
import { dirname, parse, resolve } from 'node:path';
import { describeError, InputError } from './errors.ts';

/** Every input is `-` (stdin) or an existing regular file. */
export function checkInputFiles(files: readonly string[]): void {
  if (files.length === 0) throw new InputError('no input files', 'name one or more log files, or - for standard input');
  for (const f of files) {
    if (f === '-') continue;
    let isFile: boolean;
    try {
      isFile = statSync(f).isFile();
    } catch (e) {
      const d = describeError(e, f);
      throw new InputError(`input ${(e as { code?: string }).code === 'ENOENT' ? `file not found: ${f}` : d.message}`, d.hint);
    }
    if (!isFile) throw new InputError(`input ${f} is a directory, not a log file`, `name the files inside it, e.g. ${f.replace(/\/$/, '')}/*.log`);
  }
}

/** A content directory argument exists and is a directory (what is in it is the compiler's job). */
export function checkContentDir(dir: string): void {
  let ok: boolean;
  try {
    ok = statSync(dir).isDirectory();
  } catch (e) {
    throw new InputError(`content directory ${dir} ${(e as { code?: string }).code === 'ENOENT' ? 'does not exist' : `cannot be read: ${describeError(e, dir).message}`}`, 'give the directory that holds pack.yaml, e.g. `uebac validate content`');
  }
  if (!ok) throw new InputError(`${dir} is a file; a content directory is expected`, 'give the directory that holds pack.yaml');
}

/**
 * Create `dir` and its missing parents one level at a time. (A recursive mkdir under /proc or
 * a similar pseudo file system can retry forever; this stops at the first level that fails.)
 */
export function ensureDir(dir: string, what: string): void {
  const full = resolve(dir);
  const missing: string[] = [];
  let cur = full;
  const root = parse(full).root;
  for (;;) {
    try {
      if (!statSync(cur).isDirectory()) throw new InputError(`${what}: ${cur} is a file, not a directory`, 'choose another path or move the file');
      break;
    } catch (e) {
      if (e instanceof InputError) throw e;
      if ((e as { code?: string }).code !== 'ENOENT' || cur === root) throw new InputError(`${what}: ${describeError(e, cur).message}`);
      missing.unshift(cur);
      cur = dirname(cur);
    }
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (e) {
      if ((e as { code?: string }).code === 'EEXIST' && statSync(d).isDirectory()) continue;
      throw new InputError(`${what}: cannot create directory ${d}: ${describeError(e, d).message.replace(`${d}: `, '')}`, 'choose a path where you can create files');
    }
  }
}

/** Open `path` for writing now, so a bad path is an error before any input is read. */
export function openOutputFile(path: string, what: string): WriteStream {
  const dir = dirname(resolve(path));
  ensureDir(dir, what);
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (e) {
    throw new InputError(`${what} ${path}: ${describeError(e, path).message.replace(`${path}: `, '')}`);
  }
  const stream = createWriteStream('', { fd });
  // A later write error (disk full) is kept and reported by closeOutputFile, not thrown as an
  // unhandled 'error' event.
  stream.on('error', (e) => { failures.set(stream, e); });
  return stream;
}

const failures = new WeakMap<WriteStream, Error>();

/** Flush and close; a write that failed at any point is an error naming the file. */
export async function closeOutputFile(stream: WriteStream, path: string, what: string): Promise<void> {
  await new Promise<void>((done) => { if (stream.closed) done(); else stream.end(() => done()); });
  const e = failures.get(stream);
  if (e) throw new InputError(`${what} ${path}: writing failed: ${describeError(e, path).message.replace(`${path}: `, '')}`);
}
