// The trust options shared by every command that loads a bundle (run, parse, explain, serve).
import type { Command } from 'commander';
import { trustPolicy, type TrustPolicy } from '../runtime/trust.ts';

export interface TrustCliOptions {
  trust?: string[];
  allowUnsigned?: boolean;
  allowRollback?: boolean;
}

function collect(v: string, list: string[] | undefined): string[] {
  return [...(list ?? []), v];
}

/** Adds --trust (repeatable) and --allow-unsigned; with `rollback`, --allow-rollback too. */
export function withTrustOptions(cmd: Command, rollback: boolean): Command {
  cmd.option('--trust <pubkey>', 'trust only this Ed25519 public key (PEM; repeatable) instead of the trust directory (~/.config/uebac)', collect)
    .option('--allow-unsigned', 'run a bundle that is unsigned or signed by an untrusted key (prints a warning; a tampered signature is still refused)');
  if (rollback) cmd.option('--allow-rollback', 'accept a bundle older than one this state already ran (prints a warning)');
  return cmd;
}

export function cliTrustPolicy(o: TrustCliOptions): TrustPolicy {
  return trustPolicy({ trust: o.trust, allowUnsigned: o.allowUnsigned });
}

export function warnOnStderr(message: string): void {
  process.stderr.write(`uebac: ${message}\n`);
}
