// Writes the regex-safety verdicts a pack ships beside its pack.yaml (compiler/regex/verdicts.ts):
// the content is compiled with every regex checked afresh — no per-user cache, no shipped
// verdicts — and the verdicts it used are recorded. test/compiler/regex-verdicts.test.ts
// re-verifies the committed file (and fails when it no longer covers the pack's regexes).
//
//   npx tsx scripts/regex-verdicts.ts [CONTENT_DIR]     writes CONTENT_DIR/regex-verdicts.json
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

process.env.UEBAC_CACHE_DIR = ''; // before the checker module reads it: no per-user cache
const root = resolve(process.argv[2] ?? 'content');
const { compileDir } = await import('../compiler/compile.ts');
const { VERDICT_FILE, verdictFileText } = await import('../compiler/regex/verdicts.ts');

const result = compileDir(root, { shippedRegexVerdicts: false });
const errors = result.diagnostics.filter((d) => d.severity === 'error');
if (errors.length > 0) {
  process.stderr.write(`${root}: the content has ${errors.length} error(s); fix them first (uebac validate)\n`);
  process.exit(2);
}
const path = join(root, VERDICT_FILE);
writeFileSync(path, verdictFileText(result.regexVerdicts));
process.stdout.write(`${path}: ${result.regexVerdicts.size} verdicts\n`);
process.exit();
