/** The fused affine map y = x W^T + b (`torch.nn.functional.linear`): one node, gemm forward and backward. */
import { Node } from '../autograd/node';
import { type FloatArray, isFloatDtype } from '../dtype';
import { kernels } from '../backend/registry';
import { fmt } from '../shape';
import type { Tensor } from '../tensor';
import { checkTensor, zerosOf } from './helpers';
import { reshape, transpose } from './layout';
import { matmul } from './matmul';
import { sum } from './reduce';
import { needsGrad, record } from '../autograd/record';
import { tracer } from '../autograd/trace-hook';

/**
 * x W^T + b for x of shape (..., in), weight (out, in) and an optional bias (out). The product
 * reads W in place (no transposed copy) and the bias is added in the same pass.
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  checkTensor(x, 'linear');
  checkTensor(weight, 'linear', 'weight');
  if (bias !== null && bias !== undefined) checkTensor(bias, 'linear', 'bias');
  bias = bias ?? null;
  if (weight.dtype === 'bool') throw new Error('linear: bool tensors are not supported (as in PyTorch); convert them with .float() first');
  if (weight.ndim !== 2) throw new Error(`linear: weight must be 2-D (out_features, in_features), got shape ${fmt(weight.shape)}`);
  const [outFeatures, inFeatures] = weight.shape;
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inFeatures) {
    throw new Error(
      `linear: input of shape ${fmt(x.shape)} cannot be multiplied by a weight of shape ${fmt(weight.shape)}: its last dimension must be ${inFeatures}`,
    );
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== outFeatures)) {
    throw new Error(`linear: bias of shape ${fmt(bias.shape)} does not match out_features ${outFeatures}; it must have shape [${outFeatures}]`);
  }
  for (const [what, t] of [
    ['input', x],
    ['bias', bias],
  ] as const) {
    if (t && t.dtype !== weight.dtype) {
      const hint = isFloatDtype(t.dtype) ? '' : ' (convert it with .float())';
      throw new Error(`linear: ${what} has dtype ${t.dtype} but the weight is ${weight.dtype}${hint}`);
    }
  }
  const rows = x.numel() / inFeatures;
  const y = zerosOf([...x.shape.slice(0, -1), outFeatures], weight.dtype);
  kernels().linearForward(
    x.data as FloatArray,
    weight.data as FloatArray,
    bias ? (bias.data as FloatArray) : null,
    rows,
    inFeatures,
    outFeatures,
    y.data as FloatArray,
  );
  if (needsGrad(x, weight, bias)) {
    const node = new LinearBackward(x, weight, rows, linearName(x.ndim, bias !== null));
    if (bias) record(y, node, x, weight, bias);
    else record(y, node, x, weight);
  }
  if (tracer !== null) tracer.op('linear', [x, weight, bias], {}, y);
  return y;
}

/**
 * What PyTorch prints for linear's result: addmm / mm for a matrix, and for other ranks the view or
 * squeeze it wraps around them (PyTorch reshapes to 2-D and back; tsgrad's one node covers all).
 */
function linearName(ndim: number, hasBias: boolean): string {
  if (ndim === 2) return hasBias ? 'AddmmBackward0' : 'MmBackward0';
  if (hasBias) return 'ViewBackward0';
  return ndim === 1 ? 'SqueezeBackward4' : 'UnsafeViewBackward0';
}

class LinearBackward extends Node {
  constructor(
    x: Tensor,
    weight: Tensor,
    private readonly rows: number,
    readonly name: string,
  ) {
    super();
    this.save(x, weight);
  }
  // dx, dw and db are new tensors, kept nowhere
  override get returnsFreshGrads(): boolean {
    return true;
  }
  // dx = g W; dW = g^T x; db = sum of g over rows (g is rows x out, x is rows x in)
  backward(g: Tensor): (Tensor | null)[] {
    const [x, weight] = this.saved;
    const [outFeatures, inFeatures] = weight.shape;
    const rows = reshape(g, [this.rows, outFeatures]);
    const grads = [
      this.needsInputGrad[0] ? matmul(g, weight) : null,
      this.needsInputGrad[1] ? matmul(transpose(rows, 0, 1), reshape(x, [this.rows, inFeatures])) : null,
      this.needsInputGrad[2] ? sum(rows, 0) : null,
    ];
    return grads.slice(0, this.needsInputGrad.length);
  }
  override fastBackward(g: Tensor): (Tensor | null)[] {
    const [x, weight] = this.saved;
    const [outFeatures, inFeatures] = weight.shape;
    const rows = this.rows;
    const dx = this.needsInputGrad[0] ? zerosOf(x.shape, g.dtype) : null;
    const dw = this.needsInputGrad[1] ? zerosOf(weight.shape, g.dtype) : null;
    const db = this.needsInputGrad[2] ? zerosOf([outFeatures], g.dtype) : null;
    // one call: g crosses into the kernels once for all three
    kernels().linearBackward(
      g.data as FloatArray,
      x.data as FloatArray,
      weight.data as FloatArray,
      rows,
      inFeatures,
      outFeatures,
      dx ? (dx.data as FloatArray) : null,
      dw ? (dw.data as FloatArray) : null,
      db ? (db.data as FloatArray) : null,
    );
    return this.needsInputGrad.length === 3 ? [dx, dw, db] : [dx, dw];
  }
}
