/** The js kernel backend: the TypeScript kernels (src/kernels/*.ts), the reference for every other backend. */
import type { TypedArray } from '../dtype';
import type { KernelBackend } from './registry';
import { col2imBatch, convBackward, convForward, im2colBatch } from '../kernels/conv';
import * as elementwise from '../kernels/elementwise';
import { gemm } from '../kernels/matmul';
import { isPlain2x2, maxPool2x2, scatterAddAt, windowMax, windowMean, windowMeanAdjoint } from '../kernels/pooling';
import { sumAxis } from '../kernels/reduce';
import { maxAndSumExp } from '../kernels/softmax';

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
  relu: (x, out) => elementwise.relu(x as TypedArray, out),
  reluBackward: elementwise.reluBackward,
  sigmoid: elementwise.sigmoid,
  sigmoidBackward: elementwise.sigmoidBackward,
};
