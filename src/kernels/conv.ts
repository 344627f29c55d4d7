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

/** db[c] = the sum of g over the batch and the `blocks` positions of channel c (db is overwritten). */
export function sumChannels(g: FloatArray, batch: number, channels: number, blocks: number, db: FloatArray): void {
  for (let c = 0; c < channels; c++) {
    let s = 0;
    for (let n = 0; n < batch; n++) {
      for (let o = (n * channels + c) * blocks, end = o + blocks; o < end; o++) s += g[o];
    }
    db[c] = s;
  }
}
