// `uebac import exabeam` end to end on small HOCON files written for the tests: import,
// write, compile with the ordinary compiler, then parse lines with the compiled bundle.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { compileDir, compileToDir } from '../../compiler/compile.ts';
import { checkImport } from '../../compiler/import/check-import.ts';
import { importExabeam, type ImportResult } from '../../compiler/import/import-exabeam.ts';
import { summarise } from '../../compiler/import/report-import.ts';
import { writeImport } from '../../compiler/import/write-import.ts';
import { loadBundle } from '../../runtime/bundle.ts';
import type { Program } from '../../runtime/program.ts';

const FIXTURES = resolve(import.meta.dirname, 'fixtures');
const CLI = resolve(import.meta.dirname, '../../bin/uebac.mjs');
let out: string;
let dist: string;
let result: ImportResult;
let program: Program;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'uebac-import-'));
  dist = mkdtempSync(join(tmpdir(), 'uebac-import-dist-'));
  // A generous per-regex limit: the fuzzer's verdict on lookaround regexes (possessive `\d++`
  // becomes one) must not depend on how loaded the machine running the tests is.
  result = importExabeam([FIXTURES], { screenTimeoutMs: 2000 });
  const written = writeImport(result, out);
  const check = checkImport(result, out, written);
  expect(check.otherErrors).toEqual([]);
  const compiled = compileDir(out);
  expect(compiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  await compileToDir(compiled.ir!, dist);
  program = (await loadBundle(dist)).module.instantiate(new Map());
});

afterAll(() => {
  for (const d of [out, dist]) if (d) rmSync(d, { recursive: true, force: true });
});

const record = (name: string) => result.parsers.find((p) => p.name === name)!;

describe('uebac import exabeam', () => {
  it('finds every parser, in .conf files and Markdown pages, and none of the templates', () => {
    expect(result.parsers.map((p) => p.name).sort()).toEqual(['acme-cloud-json-app-login-success', 'acme-fw-network-connection-allow', 'acme-fw-network-connection-deny', 'acme-vpn-app-login-success']);
  });

  it('turns Conditions into dispatch conditions and records the source of each parser', () => {
    const doc = parseYaml(readFileSync(join(out, 'parsers/acme-corp/acme-fw-network-connection-allow.yaml'), 'utf8'));
    expect(doc.select).toEqual({ contains: ['ACMEFW', 'action=allow'] });
    expect(doc.notes).toContain(`${join(FIXTURES, 'acme-firewall.conf')}:14:`);
    expect(doc.vendor).toBe('Acme Corp');
    expect(doc.time.formats).toEqual(['yyyy-MM-dd HH:mm:ss']);
  });

  it('parses lines like Exabeam: template fields first, later captures overwrite earlier ones, DupFields copied', () => {
    const r = program.parse('ACMEFW action=allow time=2026-10-05 12:05:53 host=fw01 suser=alice duser=bob src=10.0.0.5:443 proto=(tcp)');
    expect(r.ok).toBe(true);
    const ev = (r as { event: Record<string, unknown> }).event;
    expect(ev).toMatchObject({
      event_type: 'acme-fw-network-connection-allow', time: Date.UTC(2026, 9, 5, 12, 5, 53),
      host: 'fw01', dest_host: 'fw01', user: 'bob', src_ip: '10.0.0.5', src_port: '443', action: 'allow',
    });
  });

  it('maps epoch_sec to epoch and reads ({=field}…) alternatives', () => {
    const a = program.parse('ACMEFW action=deny ts=1767225600 user=CORP\\bob');
    expect((a as { event: Record<string, unknown> }).event).toMatchObject({ time: Date.UTC(2026, 0, 1), user: 'bob', domain: 'CORP' });
    const b = program.parse('ACMEFW action=deny ts=1767225600 account=alice');
    expect((b as { event: Record<string, unknown> }).event).toMatchObject({ user: 'alice' });
  });

  it('reads a library page whose template is embedded and cut short, inheriting its Vendor and TimeFormat', () => {
    const vpn = record('acme-vpn-app-login-success');
    expect(vpn.status).toBe('imported');
    expect(vpn.doc!.vendor).toBe('Acme Corp');
    expect(vpn.doc!.extract).toHaveLength(4);
    const r = program.parse('Oct 05 2026 08:00:00 host=vpn1 ACMEVPN login ok user=carol src=192.0.2.7');
    expect((r as { event: Record<string, unknown> }).event).toMatchObject({ event_type: 'acme-vpn-app-login-success', time: Date.UTC(2026, 9, 5, 8), host: 'vpn1', user: 'carol', src_ip: '192.0.2.7' });
  });

  it('reads JSON paths (ExtractionType = json): later paths win, regexes on path values, time by its key', () => {
    const line = 'acme: {"service":"acme-cloud","event":"login","ts":"2026-10-05T08:00:00.000Z","actor":{"name":"dave","email":"dave@example.com"},'
      + '"net":{"ip":"198.51.100.4:5544"},"targets":[{"type":"db","name":"crm"},{"type":"app","name":"portal"}],"client.agent":"curl/8"}';
    const r = program.parse(line);
    expect((r as { event: Record<string, unknown> }).event).toMatchObject({
      event_type: 'acme-cloud-json-app-login-success', time: Date.UTC(2026, 9, 5, 8),
      user: 'dave@example.com', src_ip: '198.51.100.4', src_port: '5544', app: 'portal', user_agent: 'curl/8',
    });
    const cloud = record('acme-cloud-json-app-login-success');
    expect(cloud.issues.map((i) => i.reason)).toEqual(['json-path']); // the script expression $.items[(@.length-1)]
    expect(cloud.warnings.map((w) => w.reason)).toContain('json-time-by-key');
  });

  it('reports what it could not carry over per parser, with reason and position, and keeps the rest', () => {
    const deny = record('acme-fw-network-connection-deny');
    expect(deny.status).toBe('partial');
    const conf = join(FIXTURES, 'acme-firewall.conf');
    const lines = readFileSync(conf, 'utf8').split('\n');
    expect(deny.issues.map((i) => i.reason)).toEqual(['unicode-property']);
    const lost = deny.issues[0]!;
    expect(lost.at.file).toBe(conf);
    expect(lines[lost.at.line - 1]).toContain('name=({reason}\\p{L}+)');
    expect(deny.doc!.fields.rule).toBe('jsonPath(exa_message, "$.rule.name")');
  });

  it('counts imported, partial and failed parsers for the report', () => {
    const s = summarise(result);
    expect({ parsers: s.parsers, imported: s.imported, partial: s.partial, failed: s.failed }).toEqual({ parsers: 4, imported: 2, partial: 2, failed: 0 });
    expect(s.lostBy).toEqual([['json-path', 1], ['unicode-property', 1]]);
  });

  it('runs from the command line: summary on stderr, report files, an output `uebac validate` accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'uebac-import-cli-'));
    try {
      const summary = JSON.parse(execFileSync('node', [CLI, 'import', 'exabeam', FIXTURES, '-o', dir, '--json', '--screen-timeout', '2000'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
      expect(summary).toMatchObject({ parsers: 4, imported: 2, partial: 2, failed: 0 });
      expect(readFileSync(join(dir, 'import-report.md'), 'utf8')).toContain('acme-fw-network-connection-deny — partial');
      expect(JSON.parse(readFileSync(join(dir, 'import-report.json'), 'utf8')).parsers).toHaveLength(4);
      execFileSync('node', [CLI, 'validate', dir], { stdio: 'pipe' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
