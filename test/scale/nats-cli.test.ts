// `uebac serve --role` and `uebac publish`: bad options are refused with a usage error that
// says what to give, before anything connects.
import { describe, expect, it } from 'vitest';
import { parsePartition, parseStages } from '../../cli/scale-cmd.ts';
import { cli } from '../serve/harness.ts';

describe('scale-out worker options', () => {
  it('reads i/n partitions and the stage counts', () => {
    expect(parsePartition('1/3')).toEqual({ index: 1, of: 3 });
    expect(() => parsePartition('3/3')).toThrow(/i must be below n/);
    expect(() => parsePartition('1')).toThrow(/expected i\/n/);
    expect(parseStages('parse=1, models=2,users=4')).toEqual({ parse: 1, models: 2, users: 4 });
    expect(() => parseStages('parse=1,models=2')).toThrow(/users count is missing/);
    expect(() => parseStages('parse=0,models=1,users=1')).toThrow(/N ≥ 1/);
  });

  it.each([
    [['--role', 'user'], /--role "user": expected parse, models or users/],
    [['--role', 'users'], /--role needs --partition/],
    [['--role', 'users', '--partition', '0/2'], /--role needs --stages/],
    [['--role', 'users', '--partition', '0/2', '--stages', 'parse=1,models=1,users=2'], /--role needs --nats/],
    [['--role', 'users', '--partition', '0/2', '--stages', 'parse=1,models=1,users=3', '--nats', 'nats://127.0.0.1:1'], /says 2 users workers, --stages says 3/],
    [['--role', 'models', '--partition', '0/1', '--stages', 'parse=1,models=1,users=1', '--nats', 'nats://127.0.0.1:1', '--tcp', '5514'], /--tcp: not with --role/],
    [['--partition', '0/1'], /go with --role/],
  ])('serve %j is a usage error', (args, message) => {
    const r = cli(['serve', '--no-metrics', ...args]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('publish needs files or --end', () => {
    const r = cli(['publish', '--nats', 'nats://127.0.0.1:1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/nothing to publish/);
  });
});
