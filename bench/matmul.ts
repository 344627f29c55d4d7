/**
 * Float32 GEMM micro-benchmark: `npx tsx bench/matmul.ts`.
 * Reports GFLOPS = 2·m·n·k / median time, over square sizes in all four transpose
 * combinations and the skinny shapes used by the MLP training path.
 */
import { gemm } from '../src/kernels/matmul';

export interface MatmulBenchRow {
  name: string;
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  /** median seconds per gemm call */
  seconds: number;
  gflops: number;
}

interface Shape { name: string; transA: boolean; transB: boolean; m: number; n: number; k: number }

const COMBOS: Array<[boolean, boolean]> = [[false, false], [false, true], [true, false], [true, true]];

function comboName(transA: boolean, transB: boolean): string {
  return (transA ? 'T' : 'N') + (transB ? 'T' : 'N');
}

export function matmulShapes(sizes: number[] = [128, 256, 512, 1024]): Shape[] {
  const shapes: Shape[] = [];
  for (const s of sizes) {
    for (const [transA, transB] of COMBOS) {
      shapes.push({ name: `${s}³ ${comboName(transA, transB)}`, transA, transB, m: s, n: s, k: s });
    }
  }
  const skinny: Array<[boolean, boolean, number, number, number, string]> = [
    [false, true, 32, 5, 784, 'fwd x·Wᵀ'],
    [false, false, 32, 784, 5, 'bwd g·W'],
    [true, false, 5, 784, 32, 'bwd gᵀ·x'],
    [false, true, 64, 128, 784, 'fwd x·Wᵀ'],
    [true, false, 128, 784, 64, 'bwd gᵀ·x'],
  ];
  for (const [transA, transB, m, n, k, what] of skinny) {
    shapes.push({ name: `${m}×${n}×${k} ${comboName(transA, transB)} ${what}`, transA, transB, m, n, k });
  }
  return shapes;
}

function fill(x: Float32Array, seed: number): Float32Array {
  let s = seed >>> 0;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 4294967296 - 0.5;
  }
  return x;
}

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** Times one shape: warm-up, then the median of `reps` samples, each batching enough calls to last ≥ ~20 ms. */
export function benchShape(shape: Shape, reps = 7): MatmulBenchRow {
  const { transA, transB, m, n, k } = shape;
  const a = fill(new Float32Array(m * k), 1);
  const b = fill(new Float32Array(k * n), 2);
  const c = new Float32Array(m * n);
  const call = () => gemm(transA, transB, m, n, k, a, 0, b, 0, c, 0, false);

  // warm-up, and calibrate how many calls make a sample of ~20 ms
  let calls = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) call();
    const dt = performance.now() - t0;
    if (dt > 20) break;
    calls *= dt < 2 ? 8 : 2;
  }
  const samples: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) call();
    samples.push((performance.now() - t0) / 1000 / calls);
  }
  const seconds = median(samples);
  return { ...shape, seconds, gflops: (2 * m * n * k) / seconds / 1e9 };
}

export async function benchMatmul(shapes: Shape[] = matmulShapes()): Promise<MatmulBenchRow[]> {
  return shapes.map((s) => benchShape(s));
}

export function formatRows(rows: MatmulBenchRow[]): string {
  const lines = ['shape'.padEnd(28) + 'ms/call'.padStart(10) + 'GFLOPS'.padStart(9)];
  for (const r of rows) {
    lines.push(r.name.padEnd(28) + (r.seconds * 1e3).toFixed(3).padStart(10) + r.gflops.toFixed(2).padStart(9));
  }
  return lines.join('\n');
}

if (require.main === module) {
  benchMatmul().then((rows) => console.log(formatRows(rows)));
}
