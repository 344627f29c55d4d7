/*
 * Convolutions over a whole batch in one call: im2col and col2im (mirroring src/kernels/conv.ts
 * loop for loop, so their results are the TS kernels' bits) feeding gemm per image and group, with
 * the columns built in this memory. A call is cut into chunks of whole images; each chunk runs on
 * one thread with its own scratch (the columns, then gemm's packing), so every image is computed
 * by the same instructions whatever the thread count.
 *
 * The geometry is 12 i32 at `geo`: inH, inW, kH, kW, sH, sW, pH, pW, dH, dW, outH, outW (the
 * ConvGeometry of src/kernels/conv.ts). "Image side" is a convolution's input (a transposed one's
 * output), "block side" its output: [batch, groups * imageChannels, inH, inW] and
 * [batch, groups * blockChannels, outH, outW].
 */
import { gemm } from './gemm';

// @ts-ignore: decorator
@inline function min(x: i32, y: i32): i32 {
  return x < y ? x : y;
}

/** floor(a / b) for b > 0 (as floorDiv in src/kernels/conv.ts). */
// @ts-ignore: decorator
@inline function floorDiv(a: i32, b: i32): i32 {
  const q = a / b;
  return q * b > a ? q - 1 : q;
}

/** The first block column whose image column oj * s + shift is >= 0. */
// @ts-ignore: decorator
@inline function firstInside(shift: i32, s: i32): i32 {
  return shift >= 0 ? 0 : floorDiv(-shift + s - 1, s);
}

/** One past the last block column (at most `blocks`) whose image column oj * s + shift is < size. */
// @ts-ignore: decorator
@inline function endInside(shift: i32, s: i32, size: i32, blocks: i32): i32 {
  const hi = floorDiv(size - shift - 1, s) + 1;
  return hi > blocks ? blocks : hi;
}

// @ts-ignore: decorator
@inline function geoAt(geo: usize, i: i32): i32 {
  return load<i32>(geo + (<usize>i << 2));
}

/** The column matrix [channels * kH * kW, outH * outW] of `channels` image planes at src, into dst. */
function im2col<T>(src: usize, channels: i32, geo: usize, dst: usize): void {
  const inH = geoAt(geo, 0), inW = geoAt(geo, 1), kH = geoAt(geo, 2), kW = geoAt(geo, 3);
  const sH = geoAt(geo, 4), sW = geoAt(geo, 5), pH = geoAt(geo, 6), pW = geoAt(geo, 7);
  const dH = geoAt(geo, 8), dW = geoAt(geo, 9), outH = geoAt(geo, 10), outW = geoAt(geo, 11);
  const es = <usize>sizeof<T>();
  const rowBytes = <usize>outW * es;
  let o = dst;
  for (let c = 0; c < channels; c++) {
    const plane = src + <usize>(c * inH * inW) * es;
    for (let ki = 0; ki < kH; ki++) {
      for (let kj = 0; kj < kW; kj++) {
        const shift = kj * dW - pW;
        const lo = firstInside(shift, sW);
        const hi = endInside(shift, sW, inW, outW);
        for (let oi = 0; oi < outH; oi++, o += rowBytes) {
          const ih = oi * sH - pH + ki * dH;
          if (ih < 0 || ih >= inH || lo >= hi) {
            memory.fill(o, 0, rowBytes);
            continue;
          }
          // image element (ih, j * sW + shift) for block column j
          const base = plane + <usize>(ih * inW + shift) * es;
          if (lo > 0) memory.fill(o, 0, <usize>lo * es);
          if (sW == 1) memory.copy(o + <usize>lo * es, base + <usize>lo * es, <usize>(hi - lo) * es);
          else for (let j = lo; j < hi; j++) store<T>(o + <usize>j * es, load<T>(base + <usize>(j * sW) * es));
          if (hi < outW) memory.fill(o + <usize>hi * es, 0, <usize>(outW - hi) * es);
        }
      }
    }
  }
}

/** Adds the column matrix at src into the `channels` image planes at dst (the adjoint of im2col). */
function col2im<T>(src: usize, channels: i32, geo: usize, dst: usize): void {
  const inH = geoAt(geo, 0), inW = geoAt(geo, 1), kH = geoAt(geo, 2), kW = geoAt(geo, 3);
  const sH = geoAt(geo, 4), sW = geoAt(geo, 5), pH = geoAt(geo, 6), pW = geoAt(geo, 7);
  const dH = geoAt(geo, 8), dW = geoAt(geo, 9), outH = geoAt(geo, 10), outW = geoAt(geo, 11);
  const es = <usize>sizeof<T>();
  const rowBytes = <usize>outW * es;
  let o = src;
  for (let c = 0; c < channels; c++) {
    const plane = dst + <usize>(c * inH * inW) * es;
    for (let ki = 0; ki < kH; ki++) {
      for (let kj = 0; kj < kW; kj++) {
        const shift = kj * dW - pW;
        const lo = firstInside(shift, sW);
        const hi = endInside(shift, sW, inW, outW);
        if (lo < hi) {
          for (let oi = 0; oi < outH; oi++) {
            const ih = oi * sH - pH + ki * dH;
            if (ih < 0 || ih >= inH) continue;
            const from = o + <usize>oi * rowBytes;
            const base = plane + <usize>(ih * inW + shift) * es;
            if (sW == 1) addRun<T>(base + <usize>lo * es, from + <usize>lo * es, hi - lo);
            else {
              for (let j = lo; j < hi; j++) {
                const at = base + <usize>(j * sW) * es;
                store<T>(at, load<T>(at) + load<T>(from + <usize>j * es));
              }
            }
          }
        }
        o += <usize>outH * rowBytes;
      }
    }
  }
}

/** dst[i] += src[i] for i < n (lane-wise adds: the bits of the scalar loop). */
// @ts-ignore: decorator
@inline function addRun<T>(dst: usize, src: usize, n: i32): void {
  const es = <usize>sizeof<T>();
  const lanes: i32 = sizeof<T>() == 4 ? 4 : 2;
  let i = 0;
  for (; i + lanes <= n; i += lanes) {
    const at = <usize>i * es;
    if (sizeof<T>() == 4) v128.store(dst + at, f32x4.add(v128.load(dst + at), v128.load(src + at)));
    else v128.store(dst + at, f64x2.add(v128.load(dst + at), v128.load(src + at)));
  }
  for (; i < n; i++) {
    const at = <usize>i * es;
    store<T>(dst + at, load<T>(dst + at) + load<T>(src + at));
  }
}

/** Whether the column matrix is the image itself (1x1 kernel, stride 1, no padding, as many blocks as pixels). */
function isIdentity(geo: usize): bool {
  return geoAt(geo, 2) == 1 && geoAt(geo, 3) == 1 && geoAt(geo, 4) == 1 && geoAt(geo, 5) == 1 && geoAt(geo, 6) == 0 && geoAt(geo, 7) == 0 &&
    geoAt(geo, 10) == geoAt(geo, 0) && geoAt(geo, 11) == geoAt(geo, 1);
}

/**
 * Where gemm's part of a thread's scratch starts: after the columns and 64 bytes of padding for
 * gemm's reads (the JS side sizes the scratch the same way, convScratchBytes in ../backend.ts).
 */
// @ts-ignore: decorator
@inline function gemmScratch(scratch: usize, rows: i32, blocks: i32, es: usize): usize {
  return scratch + ((<usize>rows * <usize>blocks * es + 64 + 63) & ~63);
}

/**
 * Images [n0, n1) of the forward: y[n, g] = W_g [blockChannels, rows] · im2col(x[n, g]) [rows, blocks],
 * then y[n, c] += bias[c] (bias 0: none), in that order (as src/kernels/conv.ts convForward).
 */
function convForward<T>(
  geo: usize, x: usize, w: usize, bias: usize, y: usize, groups: i32, ic: i32, bc: i32, scratch: usize, n0: i32, n1: i32,
): void {
  const es = <usize>sizeof<T>();
  const rows = ic * geoAt(geo, 2) * geoAt(geo, 3);
  const blocks = geoAt(geo, 10) * geoAt(geo, 11);
  const pixels = geoAt(geo, 0) * geoAt(geo, 1);
  const identity = isIdentity(geo);
  const gs = gemmScratch(scratch, rows, blocks, es);
  for (let n = n0; n < n1; n++) {
    for (let g = 0; g < groups; g++) {
      const image = x + <usize>((n * groups + g) * ic) * <usize>pixels * es;
      const side = y + <usize>((n * groups + g) * bc) * <usize>blocks * es;
      const w0 = w + <usize>(g * bc) * <usize>rows * es;
      if (identity) gemm<T>(false, false, bc, blocks, rows, w0, image, side, false, gs);
      else {
        im2col<T>(image, ic, geo, scratch);
        gemm<T>(false, false, bc, blocks, rows, w0, scratch, side, false, gs);
      }
    }
    if (bias) addBias<T>(y + <usize>(n * groups * bc) * <usize>blocks * es, bias, 1, groups * bc, blocks);
  }
}

/**
 * Images [n0, n1) of the backward, one slice: dw[slice] = sum over its images of
 * g[n, g] · im2col(x[n, g])^T (accumulated in image order from 0; dw 0: not wanted), and
 * dx[n, g] = col2im(W_g^T · g[n, g]) (overwritten; dx 0: not wanted).
 */
function convBackward<T>(
  geo: usize, g: usize, x: usize, w: usize, dx: usize, dw: usize, groups: i32, ic: i32, bc: i32, scratch: usize, n0: i32, n1: i32,
): void {
  const es = <usize>sizeof<T>();
  const rows = ic * geoAt(geo, 2) * geoAt(geo, 3);
  const blocks = geoAt(geo, 10) * geoAt(geo, 11);
  const pixels = geoAt(geo, 0) * geoAt(geo, 1);
  const identity = isIdentity(geo);
  const gs = gemmScratch(scratch, rows, blocks, es);
  if (dw) memory.fill(dw, 0, <usize>(groups * bc) * <usize>rows * es);
  if (dx && !identity && n0 < n1) memory.fill(dx + <usize>(n0 * groups * ic) * <usize>pixels * es, 0, <usize>((n1 - n0) * groups * ic) * <usize>pixels * es);
  for (let n = n0; n < n1; n++) {
    for (let k = 0; k < groups; k++) {
      const image = <usize>((n * groups + k) * ic) * <usize>pixels * es;
      const side = g + <usize>((n * groups + k) * bc) * <usize>blocks * es;
      const w0 = <usize>(k * bc) * <usize>rows * es;
      if (dw) {
        if (identity) gemm<T>(false, true, bc, rows, blocks, side, x + image, dw + w0, true, gs);
        else {
          im2col<T>(x + image, ic, geo, scratch);
          gemm<T>(false, true, bc, rows, blocks, side, scratch, dw + w0, true, gs);
        }
      }
      if (dx) {
        if (identity) gemm<T>(true, false, rows, blocks, bc, w + w0, side, dx + image, false, gs);
        else {
          gemm<T>(true, false, rows, blocks, bc, w + w0, side, scratch, false, gs);
          col2im<T>(scratch, ic, geo, dx + image);
        }
      }
    }
  }
}

/** Chunk `chunk`'s first image: chunks of `per` images (the last may be short or empty). */
// @ts-ignore: decorator
@inline function chunkStart(batch: i32, chunk: i32, per: i32): i32 {
  return min(batch, chunk * per);
}

/** Chunk `chunk` of the forward over `batch` images: images [chunk * per, (chunk + 1) * per). */
export function convForwardPartF32(
  geo: usize, x: usize, w: usize, bias: usize, y: usize, batch: i32, groups: i32, ic: i32, bc: i32, per: i32, scratch: usize, chunk: i32, chunks: i32,
): void {
  convForward<f32>(geo, x, w, bias, y, groups, ic, bc, scratch, chunkStart(batch, chunk, per), chunkStart(batch, chunk + 1, per));
}
export function convForwardPartF64(
  geo: usize, x: usize, w: usize, bias: usize, y: usize, batch: i32, groups: i32, ic: i32, bc: i32, per: i32, scratch: usize, chunk: i32, chunks: i32,
): void {
  convForward<f64>(geo, x, w, bias, y, groups, ic, bc, scratch, chunkStart(batch, chunk, per), chunkStart(batch, chunk + 1, per));
}

/**
 * Slice `chunk` of the backward (images [chunk * per, (chunk + 1) * per)): its dx, and its partial
 * weight gradient at dw + chunk * (the weight's bytes), summed by convSumSlices.
 */
export function convBackwardPartF32(
  geo: usize, g: usize, x: usize, w: usize, dx: usize, dw: usize, batch: i32, groups: i32, ic: i32, bc: i32, per: i32, scratch: usize, chunk: i32, chunks: i32,
): void {
  const slice = dw ? dw + <usize>chunk * <usize>(groups * bc * ic * geoAt(geo, 2) * geoAt(geo, 3)) * 4 : 0;
  convBackward<f32>(geo, g, x, w, dx, slice, groups, ic, bc, scratch, chunkStart(batch, chunk, per), chunkStart(batch, chunk + 1, per));
}
export function convBackwardPartF64(
  geo: usize, g: usize, x: usize, w: usize, dx: usize, dw: usize, batch: i32, groups: i32, ic: i32, bc: i32, per: i32, scratch: usize, chunk: i32, chunks: i32,
): void {
  const slice = dw ? dw + <usize>chunk * <usize>(groups * bc * ic * geoAt(geo, 2) * geoAt(geo, 3)) * 8 : 0;
  convBackward<f64>(geo, g, x, w, dx, slice, groups, ic, bc, scratch, chunkStart(batch, chunk, per), chunkStart(batch, chunk + 1, per));
}

/** dst[i] = ((src0[i] + src1[i]) + src2[i]) + ... over `slices` consecutive arrays of n values at src. */
function sumSlices<T>(src: usize, slices: i32, n: i32, dst: usize): void {
  const bytes = <usize>n * <usize>sizeof<T>();
  memory.copy(dst, src, bytes);
  for (let s = 1; s < slices; s++) addRun<T>(dst, src + <usize>s * bytes, n);
}
export function convSumSlicesF32(src: usize, slices: i32, n: i32, dst: usize): void {
  sumSlices<f32>(src, slices, n, dst);
}
export function convSumSlicesF64(src: usize, slices: i32, n: i32, dst: usize): void {
  sumSlices<f64>(src, slices, n, dst);
}

// ---- im2col and col2im of a batch: `batch` images of `channels` planes, one after the other ----

/** The column matrices of a batch of images (im2col of each). */
export function im2colF32(src: usize, batch: i32, channels: i32, geo: usize, dst: usize): void {
  im2colBatch<f32>(src, batch, channels, geo, dst);
}
export function im2colF64(src: usize, batch: i32, channels: i32, geo: usize, dst: usize): void {
  im2colBatch<f64>(src, batch, channels, geo, dst);
}
/** Images from column matrices (col2im of each, into zeros: dst is overwritten). */
export function col2imF32(src: usize, batch: i32, channels: i32, geo: usize, dst: usize): void {
  col2imBatch<f32>(src, batch, channels, geo, dst);
}
export function col2imF64(src: usize, batch: i32, channels: i32, geo: usize, dst: usize): void {
  col2imBatch<f64>(src, batch, channels, geo, dst);
}

function im2colBatch<T>(src: usize, batch: i32, channels: i32, geo: usize, dst: usize): void {
  const es = <usize>sizeof<T>();
  const image = <usize>(channels * geoAt(geo, 0) * geoAt(geo, 1)) * es;
  const matrix = <usize>(channels * geoAt(geo, 2) * geoAt(geo, 3) * geoAt(geo, 10) * geoAt(geo, 11)) * es;
  for (let n = 0; n < batch; n++) im2col<T>(src + <usize>n * image, channels, geo, dst + <usize>n * matrix);
}

function col2imBatch<T>(src: usize, batch: i32, channels: i32, geo: usize, dst: usize): void {
  const es = <usize>sizeof<T>();
  const image = <usize>(channels * geoAt(geo, 0) * geoAt(geo, 1)) * es;
  const matrix = <usize>(channels * geoAt(geo, 2) * geoAt(geo, 3) * geoAt(geo, 10) * geoAt(geo, 11)) * es;
  memory.fill(dst, 0, <usize>batch * image);
  for (let n = 0; n < batch; n++) col2im<T>(src + <usize>n * matrix, channels, geo, dst + <usize>n * image);
}

/** y[n, c] += bias[c] over `batch` images of `channels` planes of `blocks` (as addChannelBias in src/kernels/conv.ts). */
export function convAddBiasF32(y: usize, bias: usize, batch: i32, channels: i32, blocks: i32): void {
  addBias<f32>(y, bias, batch, channels, blocks);
}
export function convAddBiasF64(y: usize, bias: usize, batch: i32, channels: i32, blocks: i32): void {
  addBias<f64>(y, bias, batch, channels, blocks);
}

export function addBias<T>(y: usize, bias: usize, batch: i32, channels: i32, blocks: i32): void {
  const es = <usize>sizeof<T>();
  let at = y;
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++) {
      const b = load<T>(bias + <usize>c * es);
      for (let i = 0; i < blocks; i++, at += es) store<T>(at, load<T>(at) + b);
    }
  }
}
