// Writes the generated modules of compiler/generated/ (see generated-sources.ts); run after
// changing a schema in schema/ or a grammar in compiler/expr/grammar.ts:
//
//   npx tsx compiler/generate.ts
import { writeFileSync } from 'node:fs';
import { generatedSources } from './generated-sources.ts';

for (const [name, text] of generatedSources()) {
  const path = new URL(`./generated/${name}`, import.meta.url);
  writeFileSync(path, text);
  process.stdout.write(`${path.pathname}: ${text.length} characters\n`);
}
