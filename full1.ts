import { importExabeam } from '/work/wt/import/compiler/import/import-exabeam.ts';
import { checkImport } from '/work/wt/import/compiler/import/check-import.ts';
import { writeImport } from '/work/wt/import/compiler/import/write-import.ts';
import { summarise, summaryText } from '/work/wt/import/compiler/import/report-import.ts';
import { compileDir, compileToDir } from '/work/wt/import/compiler/compile.ts';
let t = performance.now();
const r = importExabeam(['/tmp/exa/DS'], { screenBudgetMs: 0, screenTimeoutMs: 250 });
console.log('import', Math.round(performance.now() - t));
t = performance.now();
const w = writeImport(r, '/tmp/imp-quick');
console.log('write', Math.round(performance.now() - t));
t = performance.now();
const c = checkImport(r, '/tmp/imp-quick', w);
console.log('check', Math.round(performance.now() - t), c.otherErrors.length, c.warnings);
console.log(summaryText(summarise(r)));
const failed = r.parsers.filter((p) => p.issues.some((i) => i.reason === 'compile-error'));
const m = new Map<string, number>(); for (const p of failed) for (const i of p.issues.filter((i) => i.reason === 'compile-error')) { const k = i.message.slice(0, 60); m.set(k, (m.get(k) ?? 0) + 1); }
console.log([...m].sort((a, b) => b[1] - a[1]).slice(0, 15));
