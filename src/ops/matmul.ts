/** Matrix products: `matmul` for 1-D, 2-D and batched operands, on the gemm kernel. */
import { Node } from '../autograd/node';
import { type FloatArray, isFloatDtype, promoteTypes, resultType } from '../dtype';
import { forEachRun } from '../kernels/broadcast';
import { kernels } from '../backend/registry';
import { broadcastShapes, broadcastStrides, fmt, type Shape } from '../shape';
import type { Tensor } from '../tensor';
import { cast, checkTensor, zerosOf } from './helpers';
import { needsGrad, record } from '../autograd/record';
import { reshape, sumTo, transpose, viewAs } from './layout';

/**
 * The matrix product of a and b (`torch.matmul`): dot for 1-D·1-D, matrix-vector, matrix-matrix,
 * and batched products whose leading dims broadcast ([b, m, k] · [k, n] too).
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensor(a, 'matmul', 'the first operand');
  checkTensor(b, 'matmul', 'the second operand');
  if (a.dtype !== b.dtype) {
    const common = promoteTypes(a.dtype, b.dtype);
    throw new Error(
      `matmul: expected both operands to have the same dtype, but got ${a.dtype} and ${b.dtype} (as PyTorch, which does not promote here); ` +
        `convert one with .to('${common}')`,
    );
  }
  if (a.dtype === 'bool') throw new Error('matmul: bool tensors are not supported (as in PyTorch); convert them with .int() or .float() first');
  if (a.ndim === 0 || b.ndim === 0) {
    throw new Error(`matmul: both arguments need at least 1 dimension, got shapes ${fmt(a.shape)} and ${fmt(b.shape)}`);
  }
  const name = matmulName(a, b);
  const a2 = a.ndim === 1 ? reshape(a, [1, a.shape[0]]) : a;
  const b2 = b.ndim === 1 ? reshape(b, [b.shape[0], 1]) : b;
  const y = batchedMatmul(a2, b2, a.shape, b.shape, name);
  if (a.ndim > 1 && b.ndim > 1) return y;
  const shape = [...y.shape];
  if (b.ndim === 1) shape.pop();
  if (a.ndim === 1) shape.splice(shape.length - (b.ndim === 1 ? 1 : 2), 1);
  return viewAs(y, shape, name);
}

/**
 * What PyTorch prints for matmul's result, which names the last op of its decomposition: dot, mv,
 * mm, the squeeze after a vector-matrix product, and for batches the unsafe view after bmm, or
 * the contiguous copy (clone) after folding a matrix that requires grad into a batch by transposes.
 */
function matmulName(a: Tensor, b: Tensor): string {
  if (a.ndim === 1 && b.ndim === 1) return 'DotBackward0';
  if (a.ndim === 2 && b.ndim === 1) return 'MvBackward0';
  if (a.ndim === 1 && b.ndim === 2) return 'SqueezeBackward4';
  if (a.ndim === 2 && b.ndim === 2) return 'MmBackward0';
  const folds = a.ndim === 2 || (a.ndim === 3 && b.ndim === 3 && a.shape[0] === 1 && b.shape[0] !== 1);
  return folds && b.ndim >= 3 && a.requiresGrad ? 'CloneBackward0' : 'UnsafeViewBackward0';
}

/** Per batch entry of the broadcast batch shape: the element offsets into a, b and the output. */
function batchOffsets(batchA: Shape, batchB: Shape, batch: Shape, sizeA: number, sizeB: number): [number, number][] {
  const offsets: [number, number][] = [];
  const sa = broadcastStrides(batchA, batch).map((s) => s * sizeA);
  const sb = broadcastStrides(batchB, batch).map((s) => s * sizeB);
  forEachRun(batch, sa, sb, (ai, da, bi, db, _o, n) => {
    for (let i = 0; i < n; i++, ai += da, bi += db) offsets.push([ai, bi]);
  });
  return offsets;
}

function batchedMatmul(a: Tensor, b: Tensor, shapeA: Shape, shapeB: Shape, name: string): Tensor {
  const [m, k] = a.shape.slice(-2);
  const [k2, n] = b.shape.slice(-2);
  if (k !== k2) {
    throw new Error(`matmul: shapes ${fmt(shapeA)} and ${fmt(shapeB)} cannot be multiplied (inner sizes ${k} and ${k2} differ)`);
  }
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batch = broadcastShapes(batchA, batchB, 'matmul');
  const dtype = resultType(a, b);
  const work = isFloatDtype(dtype) ? dtype : 'float64';
  const ad = cast(a, work).data as FloatArray;
  const bd = cast(b, work).data as FloatArray;
  const y = zerosOf([...batch, m, n], work);
  const yd = y.data as FloatArray;
  const offsets = batchOffsets(batchA, batchB, batch, m * k, k * n);
  const kern = kernels();
  offsets.forEach(([ao, bo], i) => kern.gemm(false, false, m, n, k, ad, ao, bd, bo, yd, i * m * n, false));
  if (work !== dtype) return cast(y, dtype);
  if (!needsGrad(a, b)) return y;
  const node = new MatmulBackward(a, b, offsets, m, n, k, name);
  return record(y, node, a, b);
}

class MatmulBackward extends Node {
  constructor(
    a: Tensor,
    b: Tensor,
    private readonly offsets: [number, number][],
    private readonly m: number,
    private readonly n: number,
    private readonly k: number,
    readonly name: string,
  ) {
    super();
    this.save(a, b);
  }
  // dA = g · B^T and dB = A^T · g, per batch entry; broadcast batch entries accumulate
  backward(g: Tensor): (Tensor | null)[] {
    const [a, b] = this.saved;
    return [
      this.needsInputGrad[0] ? sumTo(matmul(g, transpose(b, -1, -2)), a.shape) : null,
      this.needsInputGrad[1] ? sumTo(matmul(transpose(a, -1, -2), g), b.shape) : null,
    ];
  }
  override fastBackward(g: Tensor): (Tensor | null)[] {
    const [a, b] = this.saved;
    const { m, n, k } = this;
    const gd = g.data as FloatArray;
    const ad = cast(a, g.dtype).data as FloatArray;
    const bd = cast(b, g.dtype).data as FloatArray;
    const da = this.needsInputGrad[0] ? zerosOf(a.shape, g.dtype) : null;
    const db = this.needsInputGrad[1] ? zerosOf(b.shape, g.dtype) : null;
    const kern = kernels();
    this.offsets.forEach(([ao, bo], i) => {
      if (da) kern.gemm(false, true, m, k, n, gd, i * m * n, bd, bo, da.data as FloatArray, ao, true);
      if (db) kern.gemm(true, false, k, n, m, ad, ao, gd, i * m * n, db.data as FloatArray, bo, true);
    });
    return [da, db];
  }
}
