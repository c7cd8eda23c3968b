// The `uebac` command line: a thin layer over the compiler and runtime libraries.
// Each command's module is imported when that command runs, so `uebac run` never loads the
// compiler's dependencies (ajv, peggy, recheck, esbuild) and starts as fast as the runtime.
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SCHEMAS } from '../compiler/schemas.ts';
import { EXIT, exitQuietlyOnBrokenPipe, InputError, reportError } from './errors.ts';
import type { Format } from './compile-cmd.ts';
import type { ValidateOptions } from './validate-cmd.ts';
import type { TestFormat } from './test-cmd.ts';
import type { ExplainFormat } from './explain-cmd.ts';
import type { ServeCliOptions } from './serve-cmd.ts';
import type { PublishCliOptions } from './scale-cmd.ts';
import { versionText } from './version.ts';
import { configDir } from '../runtime/trust.ts';
import { withTrustOptions, type TrustCliOptions } from './trust-options.ts';

function format(v: string): Format {
  if (v !== 'human' && v !== 'json' && v !== 'sarif') throw new InvalidArgumentError('expected human, json or sarif');
  return v;
}
function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function nonNegativeInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return n;
}
function share(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('expected a share between 0 and 1, e.g. 0.5');
  return n;
}
function positiveNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}
function nonNegative(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number ≥ 0');
  return n;
}
function collect(v: string, list: string[]): string[] {
  return [...list, v];
}

/** Where `uebac keygen` writes by default: the user's config directory, never the working tree. */
function defaultKeyPrefix(): string {
  return join(configDir(), 'signing');
}

async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = new Command('uebac')
    .description('Compile behavioral detection content (YAML) into one bundle and stream logs through it.')
    .version(versionText(), '-V, --version', 'print the package version and the bundle ABI it runs')
    .exitOverride()
    .option('--debug', 'print stack traces on errors (for bug reports)')
    .option('--no-color', 'plain text: no ANSI colours (NO_COLOR=1 too); colour is used only on a terminal, or with FORCE_COLOR=1')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program.command('validate').description('check content: schemas, references, expressions, regexes')
    .argument('[dir]', 'content directory', 'content')
    .option('-f, --format <format>', 'human, json or sarif', format, 'human' as Format)
    .option('--context <dir>', "check the organisation's context CSVs too; tables they fill no longer warn as empty")
    .option('--strict', 'fail (exit 1) on any warning')
    .option('--max-warnings <n>', 'fail (exit 1) on more than N warnings', nonNegativeInt)
    .action(async (dir: string, o: ValidateOptions) => { code = (await import('./validate-cmd.ts')).validateCommand(dir, o); });

  program.command('compile').description('compile content into OUT/bundle.mjs and OUT/manifest.json')
    .argument('[dir]', 'content directory', 'content')
    .option('-o, --out <dir>', 'output directory', 'dist')
    .option('-f, --format <format>', 'diagnostics format: human, json or sarif', format, 'human' as Format)
    .option('--context <dir>', "check the organisation's context CSVs too (as validate --context); tables they fill no longer count as empty")
    .option('--sign <key>', 'sign OUT/manifest.json with this Ed25519 private key (PEM) → OUT/manifest.sig (default: the local signing key in ~/.config/uebac, created if missing)')
    .option('--no-sign', 'leave the bundle unsigned (runtimes then need --allow-unsigned)')
    .action(async (dir: string, o: { out: string; format: Format; context?: string; sign?: string | false }) => {
      rmSync(join(o.out, 'manifest.sig'), { force: true }); // never leave a stale signature beside a new manifest
      code = await (await import('./compile-cmd.ts')).compileCommand(dir, o.out, o);
      if (code !== 0 || o.sign === false) return;
      const { signCommand } = await import('./sign.ts');
      if (typeof o.sign === 'string') { signCommand(o.out, o.sign); return; }
      // Trusted by runtimes of this user on this machine only; production pins its CI key with --trust.
      const { configDir, ensureLocalSigningKey } = await import('../runtime/trust.ts');
      const local = ensureLocalSigningKey(configDir());
      if (local.created) process.stderr.write(`created the local signing key ${local.path} (trusted by uebac on this machine for this user)\n`);
      signCommand(o.out, local.path, o.format === 'human' ? undefined : () => {});
    });

  withTrustOptions(program.command('parse').description('parse log lines into events (one JSON object per accepted line)')
    .argument('<files...>', 'log files (- for stdin, .gz accepted)')
    .option('-b, --bundle <dir>', 'compiled bundle directory', 'dist')
    .option('--rejects <file>', 'write rejected lines with their reason (JSONL)')
    .option('--year <yyyy>', 'year for syslog headers without one, until the first dated event')
    .option('--max-unreadable <share>', 'fail (exit 1) when more than this share of lines is not readable log (no-parser, unknown-source, invalid-utf8)', share, 0.5)
    , false).action(async (files: string[], o: { bundle: string; rejects?: string; year?: string; maxUnreadable: number } & TrustCliOptions) => { code = await (await import('./run-cmd.ts')).parseCommand(files, o); });

  withTrustOptions(program.command('run').description('stream logs through the bundle: rules, sessions, models → JSONL')
    .argument('<files...>', 'log files (- for stdin, .gz accepted)')
    .option('-b, --bundle <dir>', 'compiled bundle directory', 'dist')
    .option('-s, --state <path>', 'SQLite state file, or :memory:', '.uebac/state.db')
    .option('-o, --out <file>', 'JSONL output (default: stdout)')
    .option('--resume', 'crash recovery: finish the interrupted run recorded in --state (same inputs)')
    .option('--fresh', 'discard what --state holds and start over')
    .option('--finish', 'close open sessions at the end (a persistent --state otherwise keeps them open for the next batch)')
    .option('--context <dir>', 'CSV context tables overriding the pack\'s')
    .option('--checkpoint-events <n>', 'checkpoint every N lines', positiveInt)
    .option('-q, --quiet', 'no summary')
    .option('--max-unreadable <share>', 'fail (exit 1) when more than this share of lines is not readable log (no-parser, unknown-source, invalid-utf8)', share, 0.5)
    .option('--year <yyyy>', 'year for syslog headers without one, until the first dated event')
    , true).action(async (files: string[], o: { bundle: string; state: string; out?: string; resume?: boolean; fresh?: boolean; finish?: boolean; context?: string; checkpointEvents?: number; quiet?: boolean; year?: string; maxUnreadable: number } & TrustCliOptions) => {
      code = await (await import('./run-cmd.ts')).runCommand(files, { ...o, checkpointEvents: o.checkpointEvents });
    });

  withTrustOptions(program.command('serve').description('long-running runtime: syslog (TCP/UDP/TLS), followed files and NATS JetStream in, spool, rules and sessions, JSONL and NATS alerts out; SIGHUP swaps the bundle, SIGTERM drains and exits')
    .option('-b, --bundle <dir>', 'compiled bundle directory', 'dist')
    .option('-s, --state <path>', 'SQLite state file (the spool, bundle snapshots and records go beside it)', '.uebac/serve/state.db')
    .option('-o, --out <dir>', 'directory of JSONL record segments (default: records/ beside the state)')
    .option('--spool <path>', 'spool database (default: spool.db beside the state)')
    .option('--context <dir>', 'CSV context tables overriding the pack\'s')
    .option('--tcp <[host:]port>', 'syslog over TCP, LF or octet-counting framing (repeatable; host defaults to 127.0.0.1)', collect, [])
    .option('--udp <[host:]port>', 'syslog over UDP (repeatable)', collect, [])
    .option('--tls-cert <pem>', 'serve the TCP listeners over TLS with this certificate')
    .option('--tls-key <pem>', 'private key for --tls-cert')
    .option('--tls-ca <pem>', 'require client certificates signed by this CA')
    .option('--metrics <[host:]port>', '/metrics and /healthz on loopback', '127.0.0.1:9464')
    .option('--no-metrics', 'no metrics endpoint')
    .option('--allowed-lateness <seconds>', 'hold events this long (event time) to order them; older ones are counted late and still scored', nonNegative, 0)
    .option('--checkpoint-lines <n>', 'checkpoint every N lines', positiveInt)
    .option('--checkpoint-seconds <s>', 'checkpoint at least every S seconds', positiveNumber, 5)
    .option('--rotate-mb <n>', 'start a new record segment after N MiB', positiveNumber, 64)
    .option('--rotate-minutes <n>', 'start a new record segment once the event time is N minutes past the segment\'s first (0: size only)', nonNegative, 0)
    .option('--follow <file>', 'read a growing file, following rotation by rename and copytruncate (repeatable)', collect, [])
    .option('--nats <url>', 'NATS server for --nats-stream and --nats-alerts, e.g. nats://127.0.0.1:4222')
    .option('--nats-stream <name>', 'JetStream stream to consume through a durable pull consumer')
    .option('--nats-subject <subject>', 'only messages on this subject (the consumer\'s filter)')
    .option('--nats-consumer <name>', 'durable consumer name (created when missing)', 'uebac-serve')
    .option('--nats-ack-wait <seconds>', 'JetStream redelivers a message not acknowledged within this (more than twice --checkpoint-seconds)', positiveNumber, 60)
    .option('--nats-alerts <subject>', 'publish notable session and asset-sequence records on this subject')
    .option('--year <yyyy>', 'year for RFC 3164 headers before the first dated event (a new state only)')
    .option('--watch-bundle <seconds>', 'look for a new bundle in --bundle this often (SIGHUP reloads at once)', positiveNumber, 2)
    .option('--no-watch-bundle', 'reload the bundle only on SIGHUP')
    .option('--role <stage>', 'scale-out: run one worker of the parse, models or users stage over NATS JetStream (--nats) instead of a receiver; see docs/scale-out.md')
    .option('--partition <i/n>', 'with --role: this worker is partition i of the stage\'s n (from 0)')
    .option('--stages <counts>', 'with --role: worker count of every stage, e.g. parse=2,models=2,users=2 (the same on every worker)')
    .option('--nats-prefix <token>', 'with --role: subject prefix on the server (default uebac; --nats-stream names the stream, default UEBAC)')
    .option('--scale-dir <dir>', 'with --role: worker state in DIR/state, users records in DIR/records/users-<i>/ (--out overrides the records directory)', '.uebac/scale')
    .option('--checkpoint-events <n>', 'with --role: checkpoint every N events (raw messages for parse)', positiveInt)
    , true).action(async (o: ServeCliOptions) => { code = await (await import('./serve-cmd.ts')).serveCommand(o); });

  program.command('publish').description('put log files on a scale-out JetStream bus (uebac.raw) for `serve --role parse` workers; --end marks the end of input')
    .argument('[files...]', 'log files (- for stdin, .gz accepted)')
    .requiredOption('--nats <url>', 'NATS server, e.g. nats://127.0.0.1:4222')
    .option('--nats-stream <name>', 'the bus stream (created when missing)', 'UEBAC')
    .option('--nats-prefix <token>', 'subject prefix on the server', 'uebac')
    .option('--lines-per-message <n>', 'lines per raw message', positiveInt, 100)
    .option('--end', 'publish the end-of-input message after the files: workers close open sessions, write their last records and exit')
    .action(async (files: string[], o: PublishCliOptions) => { code = await (await import('./scale-cmd.ts')).publishCommand(files, o); });

  program.command('test').description('run content tests: parser samples and stateful rule tests')
    .argument('[dir]', 'content directory', 'content')
    .option('-f, --format <format>', 'human, junit, json or sarif', (v: string) => { if (!['human', 'junit', 'json', 'sarif'].includes(v)) throw new InvalidArgumentError('expected human, junit, json or sarif'); return v; }, 'human')
    .option('--min-tests <n>', 'require a positive and a negative test per rule, and at least N tests', positiveInt)
    .option('--filter <text>', 'only tests whose name contains TEXT')
    .action(async (dir: string, o: { format: TestFormat; minTests?: number; filter?: string }) => { code = await (await import('./test-cmd.ts')).testCommand(dir, o); });

  withTrustOptions(program.command('explain').description("print one session's timeline: events, rules fired with evidence, running score")
    .argument('<session>', 'session id, e.g. mallory.stone-20261030111805')
    .argument('<files...>', 'the log files of the run (replayed deterministically)')
    .option('-b, --bundle <dir>', 'compiled bundle directory', 'dist')
    .option('--context <dir>', 'CSV context tables used for the run')
    .option('-f, --format <format>', 'text, json (the report data of the session) or html (a one-session report)', (v: string) => { if (v !== 'text' && v !== 'json' && v !== 'html') throw new InvalidArgumentError('expected text, json or html'); return v; }, 'text')
    .option('-o, --out <file>', 'write to FILE instead of stdout')
    , false).action(async (session: string, files: string[], o: { bundle: string; context?: string; format: ExplainFormat; out?: string } & TrustCliOptions) => { code = await (await import('./explain-cmd.ts')).explainCommand(session, files, o); });

  program.command('report').description('write one self-contained HTML page: notable sessions, timelines, model evidence, run summary')
    .argument('<records...>', 'JSONL records written by `uebac run` (.gz accepted)')
    .option('-o, --out <file>', 'HTML output', 'report.html')
    .option('--title <text>', 'page title (default: the pack name)')
    .option('--min-score <n>', 'also list sessions scoring at least N that are not notable', positiveInt)
    .action(async (files: string[], o: { out: string; title?: string; minScore?: number }) => { code = await (await import('./report-cmd.ts')).reportCommand(files, o); });

  program.command('coverage').description('write an ATT&CK Navigator layer and Markdown coverage tables')
    .argument('[dir]', 'content directory', 'content')
    .option('-o, --out <dir>', 'output directory', 'dist/coverage')
    .action(async (dir: string, o: { out: string }) => { code = (await import('./coverage-cmd.ts')).coverageCommand(dir, o.out); });

  program.command('import').description('translate parsers from another product into uebac content')
    .command('exabeam').description('Exabeam parser HOCON (.conf files, or the content library\'s Markdown pages) → parser and event-type YAML')
    .argument('<paths...>', 'files or directories (walked for .conf, .hocon and .md files)')
    .requiredOption('-o, --out <dir>', 'output content directory')
    .option('--no-check', 'skip compiling the output')
    .option('--screen-budget <seconds>', 'total time for the ReDoS screen; regexes left over are carried over unscreened and reported', positiveInt, 600)
    .option('--screen-timeout <ms>', 'time limit per regex for the ReDoS screen', positiveInt, 500)
    .option('--json', 'print the summary as JSON on stdout')
    .action(async (paths: string[], o: { out: string; check: boolean; screenBudget: number; screenTimeout: number; json?: boolean }) => { code = (await import('./import-cmd.ts')).importExabeamCommand(paths, o); });

  program.command('keygen').description('write an Ed25519 key pair for bundle signing: PREFIX.key (0600) and PREFIX.pub')
    .argument('[prefix]', `output path prefix (default: ${defaultKeyPrefix()}, outside any repository)`)
    .action(async (prefix?: string) => {
      if (prefix === undefined) {
        prefix = defaultKeyPrefix();
        mkdirSync(dirname(prefix), { recursive: true, mode: 0o700 }); // a private key's directory is the owner's only
      }
      (await import('./sign.ts')).keygenCommand(prefix);
    });

  program.command('list').description('list the rules (score, model, MITRE, event types), models, parsers or event types of a bundle or content directory')
    .argument('<kind>', 'rules, models, parsers or event-types')
    .option('-b, --bundle <dir>', "compiled bundle directory (its manifest.json is read)", 'dist')
    .option('--content <dir>', 'list from a content directory instead (compiled in memory, nothing written)')
    .option('-f, --format <format>', 'text or json', (v: string) => { if (v !== 'text' && v !== 'json') throw new InvalidArgumentError('expected text or json'); return v; }, 'text')
    .action(async (kind: string, o: { bundle: string; content?: string; format: 'text' | 'json' }) => { code = await (await import('./list-cmd.ts')).listCommand(kind, o); });

  program.command('schema').description('print the JSON Schema of a content kind (or list the kinds)')
    .argument('[kind]', `one of: ${Object.keys(SCHEMAS).join(', ')}`)
    .action((kind?: string) => {
      if (!kind) { process.stdout.write(Object.keys(SCHEMAS).join('\n') + '\n'); return; }
      const s = (SCHEMAS as Record<string, unknown>)[kind];
      if (!s) throw new InputError(`unknown kind \`${kind}\` (one of: ${Object.keys(SCHEMAS).join(', ')})`);
      process.stdout.write(JSON.stringify(s, null, 2) + '\n');
    });

  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const { isInputError } = await import('./input-errors.ts');
    return reportError(e, isInputError(e) ? EXIT.usage : undefined);
  }
  return code;
}

exitQuietlyOnBrokenPipe();
process.exitCode = await main(process.argv);
