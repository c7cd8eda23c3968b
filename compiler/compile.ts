// The compiler library's entry point: the stages themselves live in ./passes/ (the pass
// list in ./passes/index.ts is the compiler), the IR in ./ir.ts, the output in ./output.ts.
export { compileDir, compileFiles, STAGES, type CompileResult } from './passes/index.ts';
export { COMPILER_VERSION, type IR, type IRCounter, type IREventType, type IRField, type IRModel, type IRParser, type IRRule } from './ir.ts';
export { compileToDir, manifestOf } from './output.ts';
export type { Resolution } from './builtins/types.ts';
