// Whether to colour what goes to a stream, as other command-line tools decide it:
//   --no-color                   off
//   FORCE_COLOR=0|false          off;  FORCE_COLOR set to anything else: on (even when piped)
//   NO_COLOR set, not empty      off (https://no-color.org)
//   otherwise                    on only when the stream is a terminal
// So files, pipes and tests get plain text unless colour is forced.

export interface ColorEnv {
  argv?: readonly string[];
  env?: NodeJS.ProcessEnv;
}

export function colorEnabled(stream: { isTTY?: boolean }, { argv = process.argv, env = process.env }: ColorEnv = {}): boolean {
  if (argv.includes('--no-color')) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}

const CODES = { bold: '\x1b[1m', dim: '\x1b[2m', red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', cyan: '\x1b[36m' } as const;
export type Style = keyof typeof CODES;

/** A painter for one stream: `paint('red', text)` is `text` itself when colour is off. */
export function painter(on: boolean): (style: Style, text: string) => string {
  return on ? (style, text) => `${CODES[style]}${text}\x1b[0m` : (_style, text) => text;
}

/** The painter for standard error / standard output, per the rules above. */
export const stderrPaint = (): ((style: Style, text: string) => string) => painter(colorEnabled(process.stderr));
export const stdoutPaint = (): ((style: Style, text: string) => string) => painter(colorEnabled(process.stdout));
