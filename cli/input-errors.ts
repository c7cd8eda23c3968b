// Which thrown errors are the user's input problems (exit 2) rather than findings (exit 1).
// Imported only when a command failed, so a successful command never loads the modules that
// define these classes beyond the ones it used.
import { BundleError } from '../runtime/bundle.ts';
import { InputChangedError } from '../runtime/inputs.ts';
import { StateError } from '../runtime/state.ts';
import { RecordsError } from '../report/data.ts';
import { ContextError } from './context-dir.ts';
import { InputError } from './errors.ts';
import { TrustError } from './sign.ts';

const INPUT_ERRORS = [InputError, BundleError, ContextError, TrustError, RecordsError, InputChangedError, StateError];

export function isInputError(e: unknown): boolean {
  return INPUT_ERRORS.some((c) => e instanceof c);
}
