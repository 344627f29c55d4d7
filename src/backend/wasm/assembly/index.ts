/*
 * The WebAssembly kernels (AssemblyScript, compiled with SIMD by scripts/build-wasm.ts). Every
 * pointer is a byte address into this module's exported memory, which the JS side
 * (src/backend/wasm/backend.ts) lays out above `heapBase()` and grows as needed.
 */
export { gemmF32, gemmF64, gemmPartF32, gemmPartF64, gemmScratchBytes } from './gemm';
export * from './nn';
export * from './arithmetic';
export * from './conv';
export * from './pooling';
export * from './optim';

/** The first byte past this module's static data: the JS side's arena starts here. */
export function heapBase(): usize {
  return __heap_base;
}
export * from './winograd';
export * from './random';
