/**
 * Float32 GEMM micro-benchmark: `npx tsx bench/matmul.ts`.
 * GFLOPS = 2·m·n·k / time per call, for square sizes in all four transpose combinations and the
 * skinny shapes of MLP training. `median` is the median over the samples; `best` the fastest
 * sample, which is the steadier figure when other processes share the machine.
 */
import { gemm } from '../src/kernels/matmul';
import { filled, time } from './stats';

export interface MatmulShape {
  name: string;
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
}

export interface MatmulBenchRow extends MatmulShape {
  /** median seconds per call */
  seconds: number;
  /** GFLOPS of the median sample */
  gflops: number;
  /** GFLOPS of the fastest sample */
  bestGflops: number;
}

const COMBOS: Array<[boolean, boolean]> = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];

const comboName = (transA: boolean, transB: boolean): string => (transA ? 'T' : 'N') + (transB ? 'T' : 'N');

export function matmulShapes(sizes: number[] = [128, 256, 512, 1024]): MatmulShape[] {
  const shapes: MatmulShape[] = [];
  for (const s of sizes) {
    for (const [transA, transB] of COMBOS) {
      shapes.push({ name: `${s}³ ${comboName(transA, transB)}`, transA, transB, m: s, n: s, k: s });
    }
  }
  // [transA, transB, m, n, k, role]
  const skinny: Array<[boolean, boolean, number, number, number, string]> = [
    [false, true, 32, 5, 784, 'x·Wᵀ'],
    [false, false, 32, 784, 5, 'g·W'],
    [true, false, 5, 784, 32, 'gᵀ·x'],
    [false, true, 64, 128, 784, 'x·Wᵀ'],
    [true, false, 128, 784, 64, 'gᵀ·x'],
  ];
  for (const [transA, transB, m, n, k, role] of skinny) {
    shapes.push({ name: `m${m} n${n} k${k} ${comboName(transA, transB)} ${role}`, transA, transB, m, n, k });
  }
  return shapes;
}

/** Times one shape: warm-up, then `reps` samples, each batching enough calls to last ≥ 20 ms. */
export function benchShape(shape: MatmulShape, reps = 7): MatmulBenchRow {
  const { transA, transB, m, n, k } = shape;
  const a = filled(Float32Array, m * k, 1),
    b = filled(Float32Array, k * n, 2),
    c = new Float32Array(m * n);
  const { seconds, best } = time(() => gemm(transA, transB, m, n, k, a, 0, b, 0, c, 0, false), reps);
  const flop = 2 * m * n * k;
  return { ...shape, seconds, gflops: flop / seconds / 1e9, bestGflops: flop / best / 1e9 };
}

/** Exercises the kernels with float64 too, as a real training process does, before timing float32. */
function warmUpBothTypes(): void {
  for (const [transA, transB] of COMBOS) {
    for (const [m, n, k] of [
      [5, 40, 30],
      [70, 70, 70],
    ]) {
      for (const ctor of [Float32Array, Float64Array]) {
        const a = new ctor(m * k).fill(0.5),
          b = new ctor(k * n).fill(0.5),
          c = new ctor(m * n);
        for (let r = 0; r < 20; r++) gemm(transA, transB, m, n, k, a, 0, b, 0, c, 0, r % 2 === 0);
      }
    }
  }
}

export async function benchMatmul(shapes: MatmulShape[] = matmulShapes()): Promise<MatmulBenchRow[]> {
  warmUpBothTypes();
  const rows: MatmulBenchRow[] = [];
  for (const s of shapes) rows.push(benchShape(s));
  return rows;
}

export function formatMatmulRows(rows: MatmulBenchRow[]): string {
  const head = 'float32 gemm'.padEnd(26) + 'ms/call'.padStart(10) + 'GFLOPS'.padStart(9) + 'best'.padStart(7);
  const lines = rows.map(
    (r) => r.name.padEnd(26) + (r.seconds * 1e3).toFixed(3).padStart(10) + r.gflops.toFixed(2).padStart(9) + r.bestGflops.toFixed(2).padStart(7),
  );
  return [head, ...lines].join('\n');
}

if (require.main === module) {
  benchMatmul().then((rows) => console.log(formatMatmulRows(rows)));
}
