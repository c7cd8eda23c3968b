// Colour only where a person reads it: on a terminal, unless NO_COLOR or --no-color; forced
// with FORCE_COLOR. Pipes, files and these tests get plain text.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { colorEnabled, painter } from '../../cli/color.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const ESC = '\x1b[';
const tmp = mkdtempSync(join(tmpdir(), 'uebac-color-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('colorEnabled', () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  it('follows the terminal by default', () => {
    expect(colorEnabled(tty, { argv: [], env: {} })).toBe(true);
    expect(colorEnabled(pipe, { argv: [], env: {} })).toBe(false);
    expect(colorEnabled({}, { argv: [], env: {} })).toBe(false);
  });
  it('NO_COLOR (not empty) turns it off on a terminal', () => {
    expect(colorEnabled(tty, { argv: [], env: { NO_COLOR: '1' } })).toBe(false);
    expect(colorEnabled(tty, { argv: [], env: { NO_COLOR: '' } })).toBe(true);
  });
  it('FORCE_COLOR turns it on when piped, FORCE_COLOR=0 off on a terminal', () => {
    expect(colorEnabled(pipe, { argv: [], env: { FORCE_COLOR: '1' } })).toBe(true);
    expect(colorEnabled(pipe, { argv: [], env: { FORCE_COLOR: '' } })).toBe(true);
    expect(colorEnabled(tty, { argv: [], env: { FORCE_COLOR: '0' } })).toBe(false);
    expect(colorEnabled(tty, { argv: [], env: { FORCE_COLOR: 'false' } })).toBe(false);
  });
  it('--no-color wins over everything', () => {
    expect(colorEnabled(tty, { argv: ['node', 'uebac', 'validate', '--no-color'], env: { FORCE_COLOR: '1' } })).toBe(false);
  });
  it('a painter that is off returns the text unchanged', () => {
    expect(painter(false)('red', 'x')).toBe('x');
    expect(painter(true)('red', 'x')).toBe('\x1b[31mx\x1b[0m');
  });
});

describe('the CLI', () => {
  // A pack with one error, so `validate` prints a diagnostic.
  const content = join(tmp, 'content');
  cpSync(join(ROOT, 'test/diagnostics/golden/base'), content, { recursive: true });
  const rule = join(content, 'rules/usb-device-new.yaml');
  writeFileSync(rule, readFileSync(rule, 'utf8').replace(/^score: .*$/m, 'score: high'));
  const validate = (env: Record<string, string>, extra: string[] = []) => {
    const clean = { ...process.env };
    delete clean.FORCE_COLOR;
    delete clean.NO_COLOR;
    return spawnSync(process.execPath, [join(ROOT, 'bin/uebac.mjs'), 'validate', content, ...extra], { encoding: 'utf8', timeout: 60_000, env: { ...clean, ...env } });
  };

  it('prints plain diagnostics into a pipe', () => {
    const r = validate({});
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/usb-device-new\.yaml:\d+:\d+: error UEB/);
    expect(r.stderr).not.toContain(ESC);
  });
  it('colours them with FORCE_COLOR, not with --no-color or NO_COLOR', () => {
    const forced = validate({ FORCE_COLOR: '1' });
    expect(forced.stderr).toContain(`${ESC}31merror UEB`);
    expect(validate({ FORCE_COLOR: '1' }, ['--no-color']).stderr).not.toContain(ESC);
    expect(validate({ NO_COLOR: '1' }).stderr).not.toContain(ESC);
    // The text is the same, colour aside.
    expect(forced.stderr.replace(/\x1b\[[0-9;]*m/g, '')).toBe(validate({}).stderr);
  });
});
