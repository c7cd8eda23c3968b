// The bundle may be inlined into an HTML page (a report, a browser playground): no content
// string may close a <script> element. str() writes `<` as \u003c, but esbuild prints string
// literals its own way, so the guarantee has to hold for the bundled output, not only for
// the generated source.
import { describe, expect, it } from 'vitest';
import { bundleSource } from '../../compiler/passes/emit.ts';
import { compileTexts, contentTexts, edit, loadCompiled } from '../compiler/helpers.ts';

const CLOSE = '</script><script>globalThis.__pwned=1</script>';
const UPPER = '</SCRIPT >';

describe('no raw </script> in the bundle', () => {
  it('rule names, reasons and context-table values containing </script> stay escaped and round-trip', async () => {
    const t = contentTexts();
    edit(t, 'rules/UW-DH-A.yaml', /^name: .*$/m, `name: ${JSON.stringify(`UW-DH-A ${CLOSE}`)}`);
    edit(t, 'rules/UW-DH-A.yaml', /^reason: .*$/m, `reason: ${JSON.stringify(`${UPPER} {user}`)}`);
    edit(t, 'context/job_search_keywords.yaml', '  - resume\n', `  - resume\n  - ${JSON.stringify(CLOSE)}\n`);
    const { ir, diagnostics } = compileTexts(t);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const { program, source, bundle, module } = await loadCompiled(ir!);

    for (const text of [source, bundle]) expect(text).not.toMatch(/<\/script/i);
    // Still the same strings once loaded.
    expect(program.rules.find((r) => r.id === 'UW-DH-A')!.name).toBe(`UW-DH-A ${CLOSE}`);
    const table = module.DEFAULT_CONTEXT.find((c) => c.name === 'job_search_keywords')!;
    expect(table.rows.map((r) => r[0])).toContain(CLOSE);
  });

  it('any source text esbuild would print with </script> is escaped or refused', async () => {
    // A template literal is printed verbatim by esbuild unless told the output may be inlined.
    const out = await bundleSource('export const a = `x</script>y`; export const b = "\\u003c/ScRiPt>";');
    expect(out).not.toMatch(/<\/script/i);
    const mod = (await import(`data:text/javascript,${encodeURIComponent(out)}`)) as { a: string; b: string };
    expect(mod.a).toBe('x</script>y');
    expect(mod.b).toBe('</ScRiPt>');
  });
});
