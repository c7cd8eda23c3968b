// uebac benchmark: `npx tsx bench/run.ts [--quick]` (see bench/README.md).
//
// One run measures every case on the same corpus and the same compiled packs, and prints a
// Markdown table. Each case runs in its own child process (fresh heap and JIT); cases that
// are compared with each other run interleaved inside one child (see measure.ts).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChild } from './child.ts';
import type { Timing } from './measure.ts';
import type { CompileReport, CompileTiming } from './compile-once.ts';
import { CACHE_DIR, FULL, QUICK, ROOT, SEED, type Sizes } from './config.ts';
import { ensureCorpus, ensureUsersCorpus } from './corpus.ts';
import { ensureProductionCorpus } from './production-corpus.ts';
import type { BinsResult } from './cases/bins.ts';
import type { PipelineResult } from './cases/pipeline.ts';
import type { UsersResult } from './cases/users.ts';
import type { UsersSqliteResult } from './cases/users-sqlite.ts';
import type { WholeProcessResult } from './cases/whole-process.ts';
import { compiledPackKey, preparePacks } from './packs.ts';
import { hotspots } from './profile.ts';
import type { RegexProbe } from './regex-probe.ts';
import { bytes, millis, rate, table, times, type Row } from './report.ts';

interface Args { clock: 'wall' | 'cpu'; quick: boolean; profile: boolean; keep: boolean; strict: boolean; json: string | null; sizes: Sizes }

function parseArgs(argv: string[]): Args {
  const quick = argv.includes('--quick');
  const sizes: Sizes = { ...(quick ? QUICK : FULL) };
  const args: Args = { clock: 'wall', quick, profile: sizes.profile, keep: false, strict: false, json: null, sizes };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v <= 0) throw new Error(`${a} needs a positive integer`);
      return v;
    };
    switch (a) {
      case '--quick': break;
      case '--no-profile': args.profile = false; break;
      case '--profile': args.profile = true; break;
      case '--keep': args.keep = true; break;
      case '--strict': args.strict = true; break;
      case '--json': args.json = argv[++i] ?? null; break;
      case '--clock': {
        const c = argv[++i];
        if (c !== 'wall' && c !== 'cpu') throw new Error('--clock is wall or cpu');
        args.clock = c;
        break;
      }
      case '--lines': sizes.lines = num(); break;
      case '--rounds': sizes.rounds = num(); break;
      case '--users': sizes.users = num(); break;
      case '--sqlite-users': sizes.sqliteUsers = num(); break;
      case '--parsers': sizes.parsers = num(); break;
      case '--help': case '-h':
        process.stdout.write('usage: npx tsx bench/run.ts [--quick] [--lines N] [--rounds N] [--users N] [--sqlite-users N] [--parsers N] [--profile|--no-profile] [--clock wall|cpu] [--keep] [--strict] [--json FILE]\n');
        process.exit(0);
      // eslint-disable-next-line no-fallthrough
      default: throw new Error(`unknown option ${a} (try --help)`);
    }
  }
  return args;
}

const T0 = Date.now();
const day = (t: number | string | null | undefined) => (t === null || t === undefined || (typeof t === 'number' && !Number.isFinite(t)) ? '?' : new Date(t).toISOString().slice(0, 10));
const log = (msg: string) => process.stderr.write(`[${((Date.now() - T0) / 1000).toFixed(0).padStart(4)} s] ${msg}\n`);

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const { sizes } = args;
  const started = Date.now();
  const loadBefore = loadavg();
  log(`uebac bench (${args.quick ? 'quick' : 'full'}): ${sizes.lines} lines, best of ${sizes.rounds}`);

  const corpus = await ensureCorpus(sizes.lines, Math.min(sizes.warmLines, sizes.lines), SEED);
  const users = ensureUsersCorpus(sizes.users, sizes.userDays);
  const sqliteUsers = ensureUsersCorpus(sizes.sqliteUsers, sizes.sqliteUserDays);
  const tmp = mkdtempSync(join(tmpdir(), 'uebac-bench-'));
  try {
    const packs = preparePacks(tmp, sizes.rulesFactor, sizes.parsers);
    const out = { real: join(tmp, 'out-real'), rules: join(tmp, 'out-rules'), parsers: join(tmp, 'out-parsers') };
    // Scaled packs: reuse a compiled bundle cached for exactly these inputs.
    const scaled = (['rules', 'parsers'] as const).map((name) => {
      const key = compiledPackKey(packs[name], ROOT);
      const dir = join(CACHE_DIR, 'packs', `${name}-${key}`);
      const hit = existsSync(join(dir, 'timing.json'));
      if (hit) out[name] = dir;
      return { name, dir, hit, content: packs[name] };
    });

    // The compiler keeps regex verdicts on disk (UEBAC_CACHE_DIR); the bench uses its own,
    // empty at first, so "cold" means a first compile on a fresh machine.
    const regexCache = join(tmp, 'regex-verdicts');
    log(`compile child: cold compile of the pack, then the scaled packs (+${packs.syntheticRules} rules, +${packs.syntheticParsers} parsers) and rule evaluation`);
    const compiled = await runChild<CompileReport>('compile-once.ts', {
      content: packs.real, out: out.real, regexSplit: sizes.regexSplit, warm: sizes.warmCompile,
      extra: scaled.filter((x) => !x.hit).map((x) => ({ name: x.name, content: x.content, out: out[x.name] })),
      rules: { bundle: out.real, corpus: corpus.path, rounds: sizes.rounds, warmEvents: args.quick ? sizes.ruleEvents : Math.min(20_000, Math.ceil(sizes.ruleEvents / 3)), maxEvents: sizes.ruleEvents },
    }, { label: 'compile', nodeFlags: ['--expose-gc', '--max-old-space-size=12288'], env: { UEBAC_CACHE_DIR: regexCache } });
    const cr = compiled.result;
    log('cold compile again in a fresh process, regex verdicts now cached on disk');
    const again = (await runChild<CompileReport>('compile-once.ts', { content: packs.real, out: join(tmp, 'out-real-again'), regexSplit: false, warm: false }, { label: 'compile', env: { UEBAC_CACHE_DIR: regexCache } })).result;
    if (cr.cold.errors.length || !cr.cold.counts) throw new Error(`the pack does not compile:\n${cr.cold.errors.join('\n')}`);
    for (const [name, c] of Object.entries(cr.extra)) {
      if (c.errors.length || !c.counts) throw new Error(`the ${name} scaling pack does not compile:\n${c.errors.slice(0, 10).join('\n')}`);
    }
    const rules = cr.rules!;
    for (const x of scaled) {
      if (x.hit) {
        cr.extra[x.name] = { ...(JSON.parse(readFileSync(join(x.dir, 'timing.json'), 'utf8')) as CompileTiming), cached: true };
        continue;
      }
      const parent = join(CACHE_DIR, 'packs');
      mkdirSync(parent, { recursive: true });
      for (const old of readdirSync(parent)) if (old.startsWith(`${x.name}-`)) rmSync(join(parent, old), { recursive: true, force: true });
      cpSync(out[x.name], `${x.dir}.tmp`, { recursive: true });
      writeFileSync(join(`${x.dir}.tmp`, 'timing.json'), JSON.stringify(cr.extra[x.name]));
      renameSync(`${x.dir}.tmp`, x.dir);
    }

    log('streaming cases: floor, parse, parse+enrich, end to end, scaling');
    const pipe = (await runChild<PipelineResult>('cases/pipeline.ts', {
      corpus: corpus.path, warm: corpus.warmPath, bundles: out, rounds: sizes.rounds, tmp,
    }, { label: 'pipeline', nodeFlags: ['--expose-gc', '--max-old-space-size=8192'] })).result;

    // The same stages on the production-like reshaping of the corpus (80 % ~800-byte web lines).
    const production = await ensureProductionCorpus(corpus, SEED);
    log(`streaming cases on the production-like corpus (${production.lines} lines)`);
    const prod = (await runChild<PipelineResult>('cases/pipeline.ts', {
      corpus: production.path, warm: production.warmPath, bundles: { real: out.real }, rounds: sizes.rounds, tmp,
    }, { label: 'production', nodeFlags: ['--expose-gc', '--max-old-space-size=8192'] })).result;

    log(`whole process: uebac run spawned on the production-like corpus, against the floor`);
    const whole = (await runChild<WholeProcessResult>('cases/whole-process.ts', {
      corpus: production.path, warm: production.warmPath, bundle: out.real, rounds: sizes.rounds, tmp,
    }, { label: 'process', nodeFlags: ['--expose-gc'] })).result;

    log(`${sizes.sqliteUsers} users end to end, state in memory vs SQLite (checkpoints on)`);
    const sqlite = (await runChild<UsersSqliteResult>('cases/users-sqlite.ts', {
      corpus: sqliteUsers.path, warm: sqliteUsers.warmPath, bundle: out.real, rounds: sizes.rounds, tmp,
    }, { label: 'sqlite', nodeFlags: ['--expose-gc', '--max-old-space-size=12288'] })).result;

    const probeCase = () => runChild<RegexProbe>('regex-probe.ts', {}, { label: 'regex', env: { UEBAC_CACHE_DIR: '' } }).then((r) => r.result);
    const binsCase = () => runChild<BinsResult>('cases/bins.ts', {
      instances: sizes.binInstances, binsPerInstance: sizes.binsPerInstance, vocabulary: 100_000,
    }, { label: 'bins', nodeFlags: ['--expose-gc'] }).then((r) => r.result);
    const usersCase = () => runChild<UsersResult>('cases/users.ts', { corpus: users.path, bundle: out.real, tmp }, { label: 'users', nodeFlags: ['--max-old-space-size=12288'] }).then((r) => r.result);
    log(`regex probe, memory per histogram bin, peak RSS with ${sizes.users} users${sizes.concurrentMemory ? ' (concurrently)' : ''}`);
    let probe: RegexProbe;
    let bins: BinsResult;
    let many: UsersResult;
    if (sizes.concurrentMemory) {
      [probe, bins, many] = await Promise.all([probeCase(), binsCase(), usersCase()]);
    } else {
      probe = await probeCase();
      bins = await binsCase();
      many = await usersCase();
    }

    let hot: ReturnType<typeof hotspots> | null = null;
    if (args.profile) {
      log('CPU profile of the end-to-end case');
      const dir = join(tmp, 'profile');
      await runChild('cases/profile-e2e.ts', { corpus: corpus.path, warm: corpus.warmPath, bundle: out.real, tmp }, { label: 'profile', nodeFlags: ['--cpu-prof', '--cpu-prof-dir', dir, '--max-old-space-size=8192'] });
      const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
      if (file) hot = hotspots(join(dir, file), 10);
    }

    // ---- report -------------------------------------------------------------------------
    const pick = (x: Timing) => (args.clock === 'cpu' ? x.cpuBest : x.best);
    const other = (x: Timing) => (args.clock === 'cpu' ? x.best : x.cpuBest);
    const t = (k: string) => pick(pipe[k]!);
    const floorMs = t('floor');
    const rows: Row[] = [
      { name: 'floor: read + split lines', rate: rate(pipe.floor!.count.lines, floorMs, 'lines'), ratio: times(1), target: '—', met: null },
      { name: 'parse only', rate: rate(pipe.parse!.count.lines, t('parse'), 'lines'), ratio: times(t('parse') / floorMs), target: '—', met: null },
      { name: 'parse + enrich', rate: rate(pipe['parse+enrich']!.count.lines, t('parse+enrich'), 'lines'), ratio: times(t('parse+enrich') / floorMs), target: '—', met: null },
      { name: 'end to end (runPipeline, :memory:)', rate: rate(pipe.e2e!.count.lines, t('e2e'), 'lines'), ratio: times(t('e2e') / floorMs), target: '—', met: null },
    ];
    {
      const pt = (k: string) => pick(prod[k]!);
      const share = (k: string) => pt('floor') / pt(k);
      rows.push(
        { name: 'production mix: floor (read + split)', rate: rate(prod.floor!.count.lines, pt('floor'), 'lines'), ratio: times(1), target: '—', met: null },
        { name: 'production mix: parse only', rate: rate(prod.parse!.count.lines, pt('parse'), 'lines'), ratio: times(pt('parse') / pt('floor')), target: `≥ 30 % of the floor (${(100 * share('parse')).toFixed(1)} %)`, met: share('parse') >= 0.3 },
        { name: 'production mix: end to end', rate: rate(prod.e2e!.count.lines, pt('e2e'), 'lines'), ratio: times(pt('e2e') / pt('floor')), target: `≥ 20 % of the floor (${(100 * share('e2e')).toFixed(1)} %)`, met: share('e2e') >= 0.2 },
      );
    }
    {
      const share = pick(whole.floor) / pick(whole.process);
      rows.push({ name: 'production mix: whole process (uebac run spawned: start, load, run, exit)', rate: rate(whole.floor.lines, pick(whole.process), 'lines'), ratio: times(pick(whole.process) / pick(whole.floor)), target: `— (${(100 * share).toFixed(1)} % of the floor)`, met: null });
      const ratio = pick(sqlite.sqlite) / pick(sqlite.memory);
      rows.push(
        { name: `many users: ${sizes.sqliteUsers.toLocaleString('en-US')} users end to end, state in memory`, rate: rate(sqlite.memory.count.lines, pick(sqlite.memory), 'lines'), ratio: times(1), target: '—', met: null },
        { name: `many users: ${sizes.sqliteUsers.toLocaleString('en-US')} users end to end, state in SQLite (checkpoints)`, rate: rate(sqlite.sqlite.count.lines, pick(sqlite.sqlite), 'lines'), ratio: times(ratio), target: '≤ 1.3× in-memory', met: ratio <= 1.3 },
      );
    }
    const rc = rules.timings.compiled!;
    const ri = rules.timings.interpreted!;
    const rc0 = rules.timings['compiled/engine-only']!;
    const ri0 = rules.timings['interpreted/engine-only']!;
    const engineRatio = pick(ri) / pick(rc);
    const evalRatio = (pick(ri) - pick(ri0)) / Math.max(pick(rc) - pick(rc0), 1e-9);
    rows.push(
      { name: `rules: Engine, compiled bundle (${rules.rules} rules, ${rules.events.toLocaleString('en-US')} events)`, rate: rate(rules.events, pick(rc), 'ev'), ratio: times(engineRatio, 1), target: '≥ 5× vs interpreter', met: engineRatio >= 5 },
      { name: 'rules: Engine, reference interpreter', rate: rate(rules.events, pick(ri), 'ev'), ratio: times(1, 1), target: '—', met: null },
      { name: 'rules: evaluate() share only (engine work subtracted)', rate: '—', ratio: pick(rc) - pick(rc0) > 0.05 * pick(rc) ? times(evalRatio, 1) : 'n/a (too small)', target: '—', met: null },
    );
    const ra = t('e2e/rules') / t('e2e');
    const rb = t('parse/parsers') / t('parse');
    rows.push(
      { name: `scaling: e2e with +${packs.syntheticRules} synthetic rules (${packs.realRules} real)`, rate: rate(pipe['e2e/rules']!.count.lines, t('e2e/rules'), 'lines'), ratio: times(ra), target: '≤ 1.10× vs real pack', met: ra <= 1.1 },
      { name: `scaling: parse with +${packs.syntheticParsers} CEF parsers (${packs.realParsers} real)`, rate: rate(pipe['parse/parsers']!.count.lines, t('parse/parsers'), 'lines'), ratio: times(rb), target: '≤ 2× vs real pack', met: rb <= 2 },
      { name: 'cold compile (compileDir + emit + esbuild, fresh process, empty regex-verdict cache)', rate: '—', ratio: millis(cr.cold.totalMs), target: '≤ 1.5 s', met: cr.cold.totalMs <= 1500 },
      { name: 'cold compile, regex verdicts cached on disk (fresh process)', rate: '—', ratio: millis(again.cold.totalMs), target: '≤ 1.5 s', met: again.cold.totalMs <= 1500 },
      { name: 'memory: heap per histogram bin', rate: '—', ratio: `${bins.bytesPerBin.toFixed(0)} B/bin`, target: '≤ 150 B', met: bins.bytesPerBin <= 150 },
      { name: `memory: peak RSS, end to end, ${sizes.users.toLocaleString('en-US')} users${sizes.concurrentMemory ? ' (run concurrently)' : ''}`, rate: rate(many.count.lines, many.ms, 'lines'), ratio: bytes(many.peakRss), target: '—', met: null },
    );

    const cpu = cpus();
    const lines: string[] = [];
    lines.push(`## uebac benchmark (${args.quick ? 'quick' : 'full'})`, '');
    lines.push(`machine: ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, Node ${process.version}, ${process.platform} ${process.arch}; load average ${loadBefore.map((x) => x.toFixed(2)).join(' ')} at start, ${loadavg().map((x) => x.toFixed(2)).join(' ')} at end`);
    lines.push(`corpus: ${corpus.lines.toLocaleString('en-US')} lines (${bytes(corpus.bytes)}), ${corpus.description}; ${pipe.parse!.count.events.toLocaleString('en-US')} lines become events, event time ${day(pipe.parse!.count.firstTime)} → ${day(pipe.parse!.count.lastTime)}; rule case: the first ${rules.events.toLocaleString('en-US')} events (${day(rules.firstTime)} → ${day(rules.lastTime)}: ${Object.entries(rules.byType).map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ')})`);
    const c = cr.cold.counts!;
    lines.push(`production-like corpus: ${production.lines.toLocaleString('en-US')} lines (${bytes(production.bytes)}), ${production.description}; ${prod.parse!.count.events.toLocaleString('en-US')} lines become events`);
    lines.push(`pack: ${c.eventTypes} event types, ${c.parsers} parsers, ${c.models} models, ${c.rules} rules, ${c.contextTables} context tables; bundle ${bytes(cr.cold.bundleBytes)}`);
    lines.push(`timing: ${args.clock === 'cpu' ? 'process CPU time (user + system)' : 'wall clock'}, best of ${sizes.rounds} interleaved rounds after a warm-up pass; ratio = time ÷ floor time for the pipeline stages, interpreter ÷ compiled for rules, scaled ÷ real pack for scaling`, '');
    lines.push(table(rows), '');
    if (args.quick) lines.push('Quick mode: small inputs, so throughputs and ratios are dominated by JIT warm-up and noise; judge the targets on a full run.', '');
    lines.push('Details:', '');
    const rx = cr.regexes;
    const rxMs = rx ? rx.reduce((sum, r) => sum + r.ms, 0) : 0;
    const slowest = rx?.slice().sort((a, b) => b.ms - a.ms)[0];
    lines.push(`- cold compile: ${millis(cr.cold.totalMs)} = compileDir ${millis(cr.cold.compileDirMs)} + compileToDir (emit, esbuild, write) ${millis(cr.cold.compileToDirMs)}; module loading before it ${millis(cr.importMs)} (tsx); with the verdicts on disk: compileDir ${millis(again.cold.compileDirMs)} + compileToDir ${millis(again.cold.compileToDirMs)}; the same pack again in the same process (warm JIT, regex verdicts cached): ${cr.warm ? millis(cr.warm.totalMs) : 'full mode only'}`);
    lines.push(`- regex screening (recheck), verdict cache off: first call in a fresh process ${millis(probe.firstMs)} (starts its worker), then ${millis(probe.secondMs)} for a simple regex; ${rx ? `the pack's ${rx.length} regexes re-checked with no verdict cache: ${millis(rxMs)}${slowest ? ` (slowest ${millis(slowest.ms)}: ${slowest.verdict}; ${rx.filter((r) => r.ms >= 1000).length} took ≥ 1 s)` : ''}` : 'per-regex split: full mode only'}`);
    const xr = cr.extra.rules!;
    const xp = cr.extra.parsers!;
    const cached = (x: CompileTiming) => (x.cached ? ', cached from an earlier run' : '');
    lines.push(`- compile of the scaled packs, after the cold compile in the same process (regex verdicts of the real content cached): +${packs.syntheticRules} rules ${millis(xr.totalMs)} (bundle ${bytes(xr.bundleBytes)}${cached(xr)}); +${packs.syntheticParsers} parsers ${millis(xp.totalMs)} = compileDir ${millis(xp.compileDirMs)} + compileToDir ${millis(xp.compileToDirMs)} (bundle ${bytes(xp.bundleBytes)}${cached(xp)})`);
    {
      const o = (k: string) => other(pipe[k]!);
      lines.push(`- the same ratios by ${args.clock === 'cpu' ? 'wall-clock' : 'CPU'} time (best of ${sizes.rounds}): parse ${times(o('parse') / o('floor'))}, parse + enrich ${times(o('parse+enrich') / o('floor'))}, end to end ${times(o('e2e') / o('floor'))}; rules interpreter ÷ compiled ${times(other(ri) / other(rc), 1)}; scaling rules ${times(o('e2e/rules') / o('e2e'))}, parsers ${times(o('parse/parsers') / o('parse'))}`);
    }
    lines.push(`- rules: compiled ${millis(pick(rc))}, interpreter ${millis(pick(ri))}; with evaluate() a no-op: compiled ${millis(pick(rc0))}, interpreter ${millis(pick(ri0))}; ${rc.fired.toLocaleString('en-US')} rules fired, ${rc.sessions.toLocaleString('en-US')} sessions; compiled and interpreter ${rules.agree ? 'agree (same rules fired per rule id, same sessions)' : '**DISAGREE**'}`);
    lines.push(`- histogram bins: ${bins.bins.toLocaleString('en-US')} bins in ${bins.instances.toLocaleString('en-US')} instances, heap +${bytes(bins.heapDelta)}; training ${rate(bins.bins, 1000 * bins.bins / bins.trainPerSec, 'bins')}`);
    lines.push(`- many users: ${users.description}; ${many.count.events.toLocaleString('en-US')} events, ${many.count.rulesFired?.toLocaleString('en-US')} rules fired; RSS ${bytes(many.baselineRss)} after loading, peak ${bytes(many.peakRss)}; heap at end ${bytes(many.heapUsed)}`);
    lines.push(`- whole process: uebac run (CLI bundled from the current sources) took ${millis(whole.process.best)} wall, ${millis(whole.process.cpuBest)} CPU (its own, reported at exit), output ${bytes(whole.process.outputBytes)}; the floor in the same child ${millis(whole.floor.best)} wall, ${millis(whole.floor.cpuBest)} CPU; by CPU time the process is ${times(whole.process.cpuBest / whole.floor.cpuBest)} the floor`);
    lines.push(`- many users with SQLite: ${sqliteUsers.description}; in memory ${millis(pick(sqlite.memory))}, SQLite ${millis(pick(sqlite.sqlite))} (by ${args.clock === 'cpu' ? 'wall' : 'CPU'} time ${times(other(sqlite.sqlite) / other(sqlite.memory))}); checkpoints every 50,000 lines or 5 s and at the end`);
    const checks: string[] = [];
    const same = (a: string, b: string, what: 'lines' | 'events') => { if (pipe[a]!.count[what] !== pipe[b]!.count[what]) checks.push(`${a} ${what} ${pipe[a]!.count[what]} ≠ ${b} ${pipe[b]!.count[what]}`); };
    same('floor', 'e2e', 'lines'); same('parse', 'e2e', 'events'); same('parse/parsers', 'parse', 'events'); same('e2e/rules', 'e2e', 'events');
    if (pipe['e2e/rules']!.count.rulesFired !== pipe.e2e!.count.rulesFired) checks.push(`rules×: ${pipe['e2e/rules']!.count.rulesFired} rules fired ≠ ${pipe.e2e!.count.rulesFired}`);
    if (rules.events !== Math.min(sizes.ruleEvents, pipe.parse!.count.events)) checks.push(`rules case events ${rules.events} ≠ parse events ${pipe.parse!.count.events}`);
    if (!rules.agree) checks.push('compiled and interpreted engines fired different rules');
    if (sqlite.sqlite.count.events !== sqlite.memory.count.events || sqlite.sqlite.count.rulesFired !== sqlite.memory.count.rulesFired) checks.push(`many users: SQLite run ${sqlite.sqlite.count.events} events / ${sqlite.sqlite.count.rulesFired} rules ≠ in-memory ${sqlite.memory.count.events} / ${sqlite.memory.count.rulesFired}`);
    if (many.count.events !== many.count.lines) checks.push(`many-users corpus: ${many.count.events} events from ${many.count.lines} lines (every line should parse)`);
    lines.push(`- cross-checks: ${checks.length ? `**${checks.join('; ')}**` : 'every stage saw the same lines and events; the scaled packs parsed and fired exactly what the real pack did'}`);
    if (hot) {
      lines.push('', `Hotspots, end to end (self time, ${millis(hot.total)} sampled, --cpu-prof):`, '');
      lines.push('| # | function | where | self % |', '|---|---|---|---|');
      hot.list.forEach((h, i) => lines.push(`| ${i + 1} | ${h.name} | ${h.where} | ${h.percent.toFixed(1)}% |`));
    }
    lines.push('', `(bench wall time ${millis(Date.now() - started)})`);
    process.stdout.write(lines.join('\n') + '\n');
    if (args.json) writeFileSync(args.json, JSON.stringify({ sizes, corpus, compile: cr, compileAgain: again, probe, pipe, prod, whole, sqlite, bins, many, hot }, null, 2) + '\n');
    if (args.strict && rows.some((r) => r.met === false)) process.exitCode = 1;
  } finally {
    if (args.keep) log(`kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
