// `uebac --version`: the package version and the bundle ABI this runtime loads (a bundle
// compiled for another ABI is refused), so a bug report names both.
import pkg from '../package.json' with { type: 'json' };
import { ABI_VERSION } from '../runtime/program.ts';

export function versionText(): string {
  return `uebac ${pkg.version} (bundle ABI ${ABI_VERSION}, Node.js ${process.versions.node})`;
}
