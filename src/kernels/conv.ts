/**
 * The loops under convolution: im2col copies the sliding blocks of an image into the columns of a
 * matrix (so that a convolution is one gemm), col2im adds such columns back into an image (its
 * adjoint: the input gradient of a convolution, and the forward of a transposed one).
 *
 * One image is [channels, inH, inW] (a 1-D signal is inH = 1), its column matrix is
 * [channels * kH * kW, outH * outW]: row (c, ki, kj), column (oi, oj) holds
 * image[c, oi * sH - pH + ki * dH, oj * sW - pW + kj * dW], or 0 where that falls in the padding.
 */
import type { FloatArray } from '../dtype';
import { gemm } from './matmul';

/** The geometry of one convolution over 2 spatial dims: image, kernel, stride, padding, dilation and the blocks counted. */
export interface ConvGeometry {
  readonly inH: number;
  readonly inW: number;
  readonly kH: number;
  readonly kW: number;
  readonly sH: number;
  readonly sW: number;
  readonly pH: number;
  readonly pW: number;
  readonly dH: number;
  readonly dW: number;
  /** How many blocks fit down and across: the convolution's output size (a transposed one's input size). */
  readonly outH: number;
  readonly outW: number;
}

/** floor(a / b) for b > 0 and any whole a. */
function floorDiv(a: number, b: number): number {
  const q = (a / b) | 0;
  return q * b > a ? q - 1 : q;
}

/** The first block column oj whose image column oj * s + shift is >= 0. */
function firstInside(shift: number, s: number): number {
  return shift >= 0 ? 0 : floorDiv(-shift + s - 1, s);
}

/** One past the last block column oj (at most `blocks`) whose image column oj * s + shift is < size. */
function endInside(shift: number, s: number, size: number, blocks: number): number {
  const hi = floorDiv(size - shift - 1, s) + 1;
  return hi > blocks ? blocks : hi;
}

/**
 * Writes the column matrix of `channels` image planes at src[srcOffset..] to dst[dstOffset..]
 * (overwriting every element, padding as 0).
 */
export function im2col(src: FloatArray, srcOffset: number, channels: number, g: ConvGeometry, dst: FloatArray, dstOffset: number): void {
  const { inH, inW, kH, kW, sH, sW, pH, pW, dH, dW, outH, outW } = g;
  const blocks = outH * outW;
  let row = dstOffset;
  for (let c = 0; c < channels; c++) {
    const plane = srcOffset + c * inH * inW;
    for (let ki = 0; ki < kH; ki++) {
      for (let kj = 0; kj < kW; kj++) {
        const shift = kj * dW - pW;
        // block columns [lo, hi) read the image, the rest the padding
        const lo = firstInside(shift, sW);
        const hi = endInside(shift, sW, inW, outW);
        for (let oi = 0; oi < outH; oi++) {
          const ih = oi * sH - pH + ki * dH;
          const o = row + oi * outW;
          if (ih < 0 || ih >= inH || lo >= hi) {
            dst.fill(0, o, o + outW);
            continue;
          }
          const base = plane + ih * inW + shift;
          let j = 0;
          for (; j < lo; j++) dst[o + j] = 0;
          if (sW === 1) for (; j < hi; j++) dst[o + j] = src[base + j];
          else for (; j < hi; j++) dst[o + j] = src[base + j * sW];
          for (; j < outW; j++) dst[o + j] = 0;
        }
        row += blocks;
      }
    }
  }
}

/**
 * Adds the column matrix at src[srcOffset..] into the `channels` image planes at dst[dstOffset..]
 * (an image element covered by several blocks collects each; padding positions are dropped).
 */
export function col2im(src: FloatArray, srcOffset: number, channels: number, g: ConvGeometry, dst: FloatArray, dstOffset: number): void {
  const { inH, inW, kH, kW, sH, sW, pH, pW, dH, dW, outH, outW } = g;
  const blocks = outH * outW;
  let row = srcOffset;
  for (let c = 0; c < channels; c++) {
    const plane = dstOffset + c * inH * inW;
    for (let ki = 0; ki < kH; ki++) {
      for (let kj = 0; kj < kW; kj++) {
        const shift = kj * dW - pW;
        const lo = firstInside(shift, sW);
        const hi = endInside(shift, sW, inW, outW);
        if (lo < hi) {
          for (let oi = 0; oi < outH; oi++) {
            const ih = oi * sH - pH + ki * dH;
            if (ih < 0 || ih >= inH) continue;
            const o = row + oi * outW;
            const base = plane + ih * inW + shift;
            if (sW === 1) for (let j = lo; j < hi; j++) dst[base + j] += src[o + j];
            else for (let j = lo; j < hi; j++) dst[base + j * sW] += src[o + j];
          }
        }
        row += blocks;
      }
    }
  }
}

/**
 * The sizes of one convolution call over a batch: `batch` images of `groups * imageChannels`
 * planes [inH, inW] (the image side: a convolution's input, a transposed one's output) and their
 * `groups * blockChannels` planes [outH, outW] of blocks (the block side). The weight is
 * [groups * blockChannels, imageChannels * kH * kW] (a convolution's; a transposed one's read as that).
 */
export interface ConvShape {
  readonly batch: number;
  readonly groups: number;
  readonly imageChannels: number;
  readonly blockChannels: number;
  readonly geo: ConvGeometry;
}

/** Whether the column matrix is the image itself (a 1x1 kernel, stride 1, no padding, as many blocks as pixels). */
export function isIdentity(geo: ConvGeometry): boolean {
  return geo.kH === 1 && geo.kW === 1 && geo.sH === 1 && geo.sW === 1 && geo.pH === 0 && geo.pW === 0 && geo.outH === geo.inH && geo.outW === geo.inW;
}

/** A scratch array of `n` elements of a's type. */
function scratchLike(a: FloatArray, n: number): FloatArray {
  return a instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
}

/**
 * y[n, group] = W_group · im2col(x[n, group]) for each image and group, then y[n, c] += bias[c]
 * (bias null: none): a convolution's forward, a transposed one's input gradient. y is overwritten.
 */
export function convForward(x: FloatArray, w: FloatArray, bias: FloatArray | null, s: ConvShape, y: FloatArray): void {
  const { batch, groups, imageChannels, blockChannels, geo } = s;
  const rows = imageChannels * geo.kH * geo.kW;
  const blocks = geo.outH * geo.outW;
  const pixels = geo.inH * geo.inW;
  const identity = isIdentity(geo);
  const cols = identity ? y : scratchLike(x, rows * blocks);
  for (let n = 0; n < batch; n++) {
    for (let g = 0; g < groups; g++) {
      const image = (n * groups + g) * imageChannels * pixels;
      const side = (n * groups + g) * blockChannels * blocks;
      const w0 = g * blockChannels * rows;
      if (identity) gemm(false, false, blockChannels, blocks, rows, w, w0, x, image, y, side, false);
      else {
        im2col(x, image, imageChannels, geo, cols, 0);
        gemm(false, false, blockChannels, blocks, rows, w, w0, cols, 0, y, side, false);
      }
    }
  }
  if (bias) addChannelBias(y, bias, batch, groups * blockChannels, blocks);
}

/**
 * The gradients of convForward from g (block side): dx[n, group] = col2im(W_group^T · g[n, group])
 * and dw = the sum over images, in order, of g[n, group] · im2col(x[n, group])^T, each only when
 * given (and overwritten); x is read only for dw, w only for dx. Also a transposed convolution's
 * forward (dx) and weight gradient (dw), with its input as g.
 */
export function convBackward(g: FloatArray, x: FloatArray | null, w: FloatArray | null, s: ConvShape, dx: FloatArray | null, dw: FloatArray | null): void {
  const { batch, groups, imageChannels, blockChannels, geo } = s;
  const rows = imageChannels * geo.kH * geo.kW;
  const blocks = geo.outH * geo.outW;
  const pixels = geo.inH * geo.inW;
  const identity = isIdentity(geo);
  if (dx && !identity) dx.fill(0);
  if (dw) dw.fill(0);
  const cols = identity || !(dx || dw) ? g : scratchLike(g, rows * blocks);
  for (let n = 0; n < batch; n++) {
    for (let k = 0; k < groups; k++) {
      const image = (n * groups + k) * imageChannels * pixels;
      const side = (n * groups + k) * blockChannels * blocks;
      const w0 = k * blockChannels * rows;
      if (dw && x) {
        if (identity) gemm(false, true, blockChannels, rows, blocks, g, side, x, image, dw, w0, true);
        else {
          im2col(x, image, imageChannels, geo, cols, 0);
          gemm(false, true, blockChannels, rows, blocks, g, side, cols, 0, dw, w0, true);
        }
      }
      if (dx && w) {
        if (identity) gemm(true, false, rows, blocks, blockChannels, w, w0, g, side, dx, image, false);
        else {
          gemm(true, false, rows, blocks, blockChannels, w, w0, g, side, cols, 0, false);
          col2im(cols, 0, imageChannels, geo, dx, image);
        }
      }
    }
  }
}

/** im2col of `batch` images of `channels` planes at x into their column matrices at cols, one after the other. */
export function im2colBatch(x: FloatArray, batch: number, channels: number, geo: ConvGeometry, cols: FloatArray): void {
  const image = channels * geo.inH * geo.inW;
  const matrix = channels * geo.kH * geo.kW * geo.outH * geo.outW;
  for (let n = 0; n < batch; n++) im2col(x, n * image, channels, geo, cols, n * matrix);
}

/** x = col2im of `batch` column matrices at cols (into zeros: x is overwritten), one image after the other. */
export function col2imBatch(cols: FloatArray, batch: number, channels: number, geo: ConvGeometry, x: FloatArray): void {
  const image = channels * geo.inH * geo.inW;
  const matrix = channels * geo.kH * geo.kW * geo.outH * geo.outW;
  x.fill(0, 0, batch * image);
  for (let n = 0; n < batch; n++) col2im(cols, n * matrix, channels, geo, x, n * image);
}

/** Adds bias[c] to each of the `blocks` elements of channel c, for `batch` consecutive [channels, blocks] images. */
export function addChannelBias(y: FloatArray, bias: FloatArray, batch: number, channels: number, blocks: number): void {
  let o = 0;
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++) {
      const b = bias[c];
      for (let end = o + blocks; o < end; o++) y[o] += b;
    }
  }
}

/**
 * db[c] = the sum of g over the batch and the `blocks` positions of channel c (db is overwritten),
 * in float64: four running sums (position j of each plane into sum j % 4), added pairwise at the
 * end, so the adds do not wait on each other (1.56 -> 0.95 ms for the MNIST net's conv2 at batch 32).
 */
export function sumChannels(g: FloatArray, batch: number, channels: number, blocks: number, db: FloatArray): void {
  const whole = blocks & ~3;
  for (let c = 0; c < channels; c++) {
    let s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0;
    for (let n = 0; n < batch; n++) {
      const o = (n * channels + c) * blocks;
      let j = 0;
      for (; j < whole; j += 4) {
        s0 += g[o + j];
        s1 += g[o + j + 1];
        s2 += g[o + j + 2];
        s3 += g[o + j + 3];
      }
      if (j < blocks) s0 += g[o + j];
      if (j + 1 < blocks) s1 += g[o + j + 1];
      if (j + 2 < blocks) s2 += g[o + j + 2];
    }
    db[c] = s0 + s1 + (s2 + s3);
  }
}
