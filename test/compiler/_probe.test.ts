import { it } from 'vitest';
import { emitSource } from '../../compiler/emit/bundle.ts';
import { compileTexts, contentTexts, edit } from './helpers.ts';
it('probe', () => {
  const t = contentTexts();
  edit(t, 'rules/UW-UD-A.yaml', /^name: .*$/m, 'name: "a\\u2028b\\u0000c"');
  const src = emitSource(compileTexts(t).ir!);
  for (const m of src.matchAll(/[\u2028\u2029\u0000]/g)) console.log(JSON.stringify(src.slice(m.index! - 60, m.index! + 20)));
});
