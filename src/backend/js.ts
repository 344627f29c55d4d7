/** The js kernel backend: the TypeScript kernels (src/kernels/*.ts), the reference for every other backend. */
import { round32 as importedRound32, type FloatArray, type TypedArray } from '../dtype';
import type { KernelBackend } from './registry';
import { col2imBatch, convBackward, convForward, im2colBatch } from '../kernels/conv';
import * as elementwise from '../kernels/elementwise';
import { gemm } from '../kernels/matmul';
import { isPlain2x2, maxPool2x2, scatterAddAt, windowMax, windowMean, windowMeanAdjoint } from '../kernels/pooling';
import { sumAxis } from '../kernels/reduce';
import { maxAndSumExp } from '../kernels/softmax';
import { aleaBernoulliFill } from '../random';

/** The TypeScript kernels. */
export const jsBackend: KernelBackend = {
  name: 'js',
  gemm,
  linearForward(x, w, bias, rows, inF, outF, y) {
    const total = rows * outF;
    if (bias && total > 0) {
      // every row starts as the bias: copy it once, then double the filled part (log2(rows) calls;
      // 4x faster than a set() per row for 32 rows of 5)
      y.set(bias, 0);
      for (let filled = outF; filled < total; filled *= 2) y.copyWithin(filled, 0, filled <= total - filled ? filled : total - filled);
    }
    gemm(false, true, rows, outF, inF, x, 0, w, 0, y, 0, bias !== null);
  },
  linearBackward(g, x, w, rows, inF, outF, dx, dw, db) {
    if (dx) gemm(false, false, rows, inF, outF, g, 0, w, 0, dx, 0, false);
    if (dw) gemm(true, false, outF, inF, rows, g, 0, x, 0, dw, 0, false);
    if (db) sumAxis(g, 1, rows, outF, db);
  },
  crossEntropyForward(x, targets, rows, classes, ignoreIndex, stats, losses) {
    let counted = 0;
    for (let r = 0, base = 0; r < rows; r++, base += classes) {
      maxAndSumExp(x, base, classes, 1, stats, 2 * r);
      const s = (stats[2 * r + 1] = Math.log(stats[2 * r + 1]));
      const y = targets[r];
      if (y === ignoreIndex) {
        losses[r] = 0;
      } else {
        losses[r] = s - (x[base + y] - stats[2 * r]);
        counted++;
      }
    }
    return counted;
  },
  crossEntropyBackward(x, targets, stats, rows, classes, ignoreIndex, scale, dx) {
    for (let r = 0, base = 0; r < rows; r++, base += classes) {
      const y = targets[r];
      const m = stats[2 * r],
        s = stats[2 * r + 1];
      const ts = y === ignoreIndex ? 0 : scale; // 0 on ignored rows even when scale is inf
      for (let c = 0; c < classes; c++) dx[base + c] = Math.exp(x[base + c] - m - s) * ts - (c === y ? ts : 0);
    }
  },
  im2col: im2colBatch,
  col2im: col2imBatch,
  convForward,
  convBackward,
  maxPool2dForward(x, planes, inH, inW, rows, cols, y, argmax) {
    // the unrolled kernel where the windows are the plain 2 x 2 ones (the same values and argmax)
    if (isPlain2x2(rows) && isPlain2x2(cols)) maxPool2x2(x, planes, inH, inW, rows.start.length, cols.start.length, y, argmax);
    else windowMax(x, planes, inH, inW, rows, cols, y, argmax);
  },
  maxPool2dBackward: (g, argmax, dx) => scatterAddAt(g, argmax, dx),
  avgPool2dForward: windowMean,
  avgPool2dBackward: windowMeanAdjoint,
  bernoulliFill: (state, p, value, out) => aleaBernoulliFill(state, out, p, value),
  arithmetic(op, a, b, out) {
    const n = out.length;
    elementwise.arithmeticRuns[op](a, 0, a.length === n ? 1 : 0, b, 0, b.length === n ? 1 : 0, out, 0, n);
  },
  relu: (x, out) => elementwise.relu(x as TypedArray, out),
  reluBackward: elementwise.reluBackward,
  sigmoid: elementwise.sigmoid,
  sigmoidBackward: elementwise.sigmoidBackward,
  sgdUpdate,
  adadeltaUpdate(p, grad, squareAvg, accDelta, lr, rho, eps, weightDecay, maximize) {
    if (p instanceof Float32Array) {
      adadeltaFloat32(p, grad as Float32Array, squareAvg as Float32Array, accDelta as Float32Array, lr, rho, eps, weightDecay, maximize);
    } else {
      adadeltaFloat64(p, grad as Float64Array, squareAvg as Float64Array, accDelta as Float64Array, lr, rho, eps, weightDecay, maximize);
    }
  },
};

// ---- optimizer updates (src/optim calls them through kernels()) ----

// NOTE: bound once, not called through the import (see round32 in src/dtype.ts: several times faster under tsx).
const round32 = importedRound32;

// g = (maximize ? -grad : grad) + weightDecay * p
// b = g on the first step, else momentum * b + (1 - dampening) * g   (only with momentum)
// g = nesterov ? g + momentum * b : b                                  (only with momentum)
// p = p - lr * g
// round32 rounds where PyTorch keeps a float32 result; a*b + c rounded once is its fused multiply-add.
function sgdUpdate(
  p: FloatArray,
  grad: FloatArray,
  buf: FloatArray | null,
  first: boolean,
  lrOption: number,
  momentumOption: number,
  dampening: number,
  nesterov: boolean,
  weightDecayOption: number,
  maximize: boolean,
): void {
  const f32 = p instanceof Float32Array;
  const sign = maximize ? -1 : 1;
  const l2 = weightDecayOption !== 0;
  const weightDecay = round32(weightDecayOption, f32);
  const negLr = round32(-lrOption, f32);
  const n = p.length;
  if (buf === null) {
    for (let i = 0; i < n; i++) {
      let g = sign * grad[i];
      if (l2) g = round32(g + weightDecay * p[i], f32);
      p[i] += negLr * g;
    }
    return;
  }
  const momentum = round32(momentumOption, f32);
  const keep = round32(1 - dampening, f32);
  for (let i = 0; i < n; i++) {
    let g = sign * grad[i];
    if (l2) g = round32(g + weightDecay * p[i], f32);
    buf[i] = first ? g : round32(momentum * buf[i], f32) + keep * g;
    const b = buf[i]; // NOTE: read back, so a float32 buffer is used as stored, as PyTorch does
    p[i] += negLr * (nesterov ? round32(g + momentum * b, f32) : b);
  }
}

// g = (maximize ? -grad : grad) + weightDecay * p
// v = rho * v + (1 - rho) * g^2
// delta = sqrt(u + eps) / sqrt(v + eps) * g
// u = rho * u + (1 - rho) * delta^2
// p = p - lr * delta
// Float32 rounds (fr) where PyTorch keeps a float32 result; a * b + c rounded once is its fused multiply-add.
// NOTE: one loop per float type, Math.fround written out in the float32 one: on 1.2M float32
// parameters (the MNIST CNN's) 19 -> 10 ms a step against one loop with round32(x, f32), same bits.
function adadeltaFloat32(
  p: Float32Array,
  grad: Float32Array,
  v: Float32Array,
  u: Float32Array,
  lr: number,
  rhoOption: number,
  epsOption: number,
  weightDecayOption: number,
  maximize: boolean,
): void {
  const fr = Math.fround;
  const sign = maximize ? -1 : 1;
  const decay = weightDecayOption !== 0;
  const weightDecay = fr(weightDecayOption);
  const rho = fr(rhoOption);
  const oneMinusRho = fr(1 - rhoOption);
  const eps = fr(epsOption);
  const negLr = fr(-lr);
  for (let i = 0; i < p.length; i++) {
    let g = sign * grad[i];
    if (decay) g = fr(weightDecay * p[i] + g);
    const vi = fr(fr(oneMinusRho * g) * g + fr(v[i] * rho));
    v[i] = vi;
    const std = fr(Math.sqrt(fr(vi + eps)));
    const delta = fr(fr(fr(Math.sqrt(fr(u[i] + eps))) / std) * g);
    u[i] = fr(fr(oneMinusRho * delta) * delta + fr(u[i] * rho));
    p[i] = fr(negLr * delta + p[i]);
  }
}

function adadeltaFloat64(
  p: Float64Array,
  grad: Float64Array,
  v: Float64Array,
  u: Float64Array,
  lr: number,
  rho: number,
  eps: number,
  weightDecay: number,
  maximize: boolean,
): void {
  const sign = maximize ? -1 : 1;
  const oneMinusRho = 1 - rho;
  for (let i = 0; i < p.length; i++) {
    let g = sign * grad[i];
    if (weightDecay !== 0) g = weightDecay * p[i] + g;
    v[i] = oneMinusRho * g * g + v[i] * rho;
    const delta = (Math.sqrt(u[i] + eps) / Math.sqrt(v[i] + eps)) * g;
    u[i] = oneMinusRho * delta * delta + u[i] * rho;
    p[i] = -lr * delta + p[i];
  }
}
