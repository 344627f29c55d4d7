/*
 * Winograd F(2x2, 3x3) for float32 convolutions with a 3x3 kernel, stride 1 and dilation 1 (any
 * padding, any groups): each 2x2 block of outputs from a 4x4 window of the input in 16 products
 * instead of 36 (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2015):
 *
 *   Y = Aᵀ [ Σ_c (G g_c Gᵀ) ⊙ (Bᵀ d_c B) ] A
 *
 *   Bᵀ = | 1  0 -1  0 |   G = | 1    0    0  |   Aᵀ = | 1  1  1  0 |
 *        | 0  1  1  0 |       | 1/2  1/2  1/2 |        | 0  1 -1 -1 |
 *        | 0 -1  1  0 |       | 1/2 -1/2  1/2 |
 *        | 0  1  0 -1 |       | 0    0    1  |
 *
 * Per image and group: the input transform V[ξ] (imageChannels x tiles, ξ = 0..15), then for each ξ
 * one gemm M[ξ] = U[ξ] · V[ξ] (blockChannels x imageChannels times imageChannels x tiles) with this
 * module's gemm, then the output transform. U (the weights transformed, [16][blockChannels]
 * [imageChannels] per group) is computed once per call by winogradWeightsF32. The transforms run on
 * four horizontally adjacent tiles at once (f32x4 lanes = tiles), tiles at the borders one at a
 * time. Every image is computed by the same instructions on any thread, so results are the same bits
 * at any thread count; they differ from im2col's in rounding (the sums run in another order).
 */
import { addBias } from './conv';
import { gemm } from './gemm';

// @ts-ignore: decorator
@inline function geoAt(geo: usize, i: i32): i32 {
  return load<i32>(geo + (<usize>i << 2));
}

/** U[g][ξ][k][c] = (G w[g, k, c] Gᵀ)[ξ] for `groups` groups of `bc` x `ic` 3x3 kernels at w. */
export function winogradWeightsF32(w: usize, groups: i32, ic: i32, bc: i32, u: usize): void {
  const perXi = <usize>(bc * ic) << 2;
  for (let g = 0; g < groups; g++) {
    const ug = u + <usize>g * 16 * perXi;
    for (let k = 0; k < bc; k++) {
      for (let c = 0; c < ic; c++) {
        const src = w + (<usize>((g * bc + k) * ic + c) * 9 << 2);
        const at = <usize>(k * ic + c) << 2;
        // t = G g (4 x 3), then U = t Gᵀ (4 x 4), row by row
        for (let i = 0; i < 4; i++) {
          let t0: f32, t1: f32, t2: f32;
          if (i == 0) {
            t0 = load<f32>(src); t1 = load<f32>(src, 4); t2 = load<f32>(src, 8);
          } else if (i == 3) {
            t0 = load<f32>(src, 24); t1 = load<f32>(src, 28); t2 = load<f32>(src, 32);
          } else {
            const s: f32 = i == 1 ? 1 : -1;
            t0 = <f32>0.5 * (load<f32>(src) + s * load<f32>(src, 12) + load<f32>(src, 24));
            t1 = <f32>0.5 * (load<f32>(src, 4) + s * load<f32>(src, 16) + load<f32>(src, 28));
            t2 = <f32>0.5 * (load<f32>(src, 8) + s * load<f32>(src, 20) + load<f32>(src, 32));
          }
          const row = ug + <usize>(i * 4) * perXi + at;
          store<f32>(row, t0);
          store<f32>(row + perXi, <f32>0.5 * (t0 + t1 + t2));
          store<f32>(row + 2 * perXi, <f32>0.5 * (t0 - t1 + t2));
          store<f32>(row + 3 * perXi, t2);
        }
      }
    }
  }
}

/** Bytes of one thread's scratch for winogradForwardPartF32: V, M (each padded) and gemm's. */
export function winogradScratchBytes(ic: i32, bc: i32, tiles: i32, gemmBytes: i32): i32 {
  return vBytes(ic, tiles) + vBytes(bc, tiles) + gemmBytes;
}

/** Bytes of 16 matrices of rows x tiles float32, plus 64 for gemm's reads past the last, 64-aligned. */
// @ts-ignore: decorator
@inline function vBytes(rows: i32, tiles: i32): i32 {
  return (16 * rows * tiles * 4 + 64 + 63) & ~63;
}

/** Lanes 0, 2, 4, 6 of the 8 floats a:b. */
// @ts-ignore: decorator
@inline function evens(a: v128, b: v128): v128 {
  return v128.shuffle<f32>(a, b, 0, 2, 4, 6);
}
// @ts-ignore: decorator
@inline function odds(a: v128, b: v128): v128 {
  return v128.shuffle<f32>(a, b, 1, 3, 5, 7);
}

/**
 * V[ξ][c][t] = (Bᵀ d B)[ξ] for the 4x4 input window d of tile t (rows 2 ti - pH .., columns
 * 2 tj - pW ..; zeros outside the image) of each of the `ic` planes at `image`. `wide`: scratch for
 * one plane widened to 2 tW + 2 columns (inH (2 tW + 2) floats; the caller's M, not yet written).
 *
 * NOTE: the four-tile path needs its tiles' 10 columns inside the plane. Where left padding or a
 * short right edge would send tiles to the scalar path (the input gradient's padding 2 sent 5 of
 * 13 tiles a row there), each plane is first copied into `wide` with zero columns around it, so
 * that every group of four takes the four-tile path; the sums are the same either way.
 */
function inputTransform(image: usize, ic: i32, inH: i32, inW: i32, pH: i32, pW: i32, tH: i32, tW: i32, v: usize, wide: usize): void {
  const tiles = tH * tW;
  const xiStride = <usize>(ic * tiles) << 2;
  const zero = f32x4.splat(0);
  const widen = pW > 0 || 8 * (tW >> 2) + 2 > inW;
  // in `wide`, column j holds the image's column j - pW (the zero columns are written once); it
  // fits: for a 3x3 kernel at stride 1, 2 tW >= outW = inW + 2 pW - 2
  const wideW = 2 * tW + 2;
  if (widen) memory.fill(wide, 0, <usize>(inH * wideW) << 2);
  const planeW = widen ? wideW : inW;
  const planePW = widen ? 0 : pW;
  for (let c = 0; c < ic; c++) {
    let plane = image + (<usize>(c * inH * inW) << 2);
    if (widen) {
      for (let r = 0; r < inH; r++) memory.copy(wide + (<usize>(r * wideW + pW) << 2), plane + (<usize>(r * inW) << 2), <usize>inW << 2);
      plane = wide;
    }
    const vc = v + (<usize>(c * tiles) << 2);
    for (let ti = 0; ti < tH; ti++) {
      const ih0 = 2 * ti - pH;
      let tj = 0;
      // four tiles at once where their 10 input columns are inside the image
      for (; tj + 4 <= tW; tj += 4) {
        const iw0 = 2 * tj - planePW;
        if (iw0 < 0 || iw0 + 10 > planeW) {
          for (let q = 0; q < 4; q++) oneInput(plane, inH, planeW, ih0, iw0 + 2 * q, vc + (<usize>(ti * tW + tj + q) << 2), xiStride);
          continue;
        }
        // per input row i: d_i0..d_i3 (lanes: the four tiles), then its column transform c_i0..c_i3
        let c00 = zero, c01 = zero, c02 = zero, c03 = zero;
        let c10 = zero, c11 = zero, c12 = zero, c13 = zero;
        let c20 = zero, c21 = zero, c22 = zero, c23 = zero;
        let c30 = zero, c31 = zero, c32 = zero, c33 = zero;
        for (let i = 0; i < 4; i++) {
          const ih = ih0 + i;
          let e0 = zero, e1 = zero, e2 = zero, e3 = zero;
          if (ih >= 0 && ih < inH) {
            const row = plane + (<usize>(ih * planeW + iw0) << 2);
            const a = v128.load(row), b = v128.load(row, 16), a2 = v128.load(row, 8), b2 = v128.load(row, 24);
            const d0 = evens(a, b), d1 = odds(a, b), d2 = evens(a2, b2), d3 = odds(a2, b2);
            e0 = f32x4.sub(d0, d2);
            e1 = f32x4.add(d1, d2);
            e2 = f32x4.sub(d2, d1);
            e3 = f32x4.sub(d1, d3);
          }
          if (i == 0) { c00 = e0; c01 = e1; c02 = e2; c03 = e3; }
          else if (i == 1) { c10 = e0; c11 = e1; c12 = e2; c13 = e3; }
          else if (i == 2) { c20 = e0; c21 = e1; c22 = e2; c23 = e3; }
          else { c30 = e0; c31 = e1; c32 = e2; c33 = e3; }
        }
        const at = vc + (<usize>(ti * tW + tj) << 2);
        // row transform: V[0][j] = c0j - c2j, V[1][j] = c1j + c2j, V[2][j] = c2j - c1j, V[3][j] = c1j - c3j
        v128.store(at, f32x4.sub(c00, c20));
        v128.store(at + xiStride, f32x4.sub(c01, c21));
        v128.store(at + 2 * xiStride, f32x4.sub(c02, c22));
        v128.store(at + 3 * xiStride, f32x4.sub(c03, c23));
        v128.store(at + 4 * xiStride, f32x4.add(c10, c20));
        v128.store(at + 5 * xiStride, f32x4.add(c11, c21));
        v128.store(at + 6 * xiStride, f32x4.add(c12, c22));
        v128.store(at + 7 * xiStride, f32x4.add(c13, c23));
        v128.store(at + 8 * xiStride, f32x4.sub(c20, c10));
        v128.store(at + 9 * xiStride, f32x4.sub(c21, c11));
        v128.store(at + 10 * xiStride, f32x4.sub(c22, c12));
        v128.store(at + 11 * xiStride, f32x4.sub(c23, c13));
        v128.store(at + 12 * xiStride, f32x4.sub(c10, c30));
        v128.store(at + 13 * xiStride, f32x4.sub(c11, c31));
        v128.store(at + 14 * xiStride, f32x4.sub(c12, c32));
        v128.store(at + 15 * xiStride, f32x4.sub(c13, c33));
      }
      for (; tj < tW; tj++) oneInput(plane, inH, planeW, ih0, 2 * tj - planePW, vc + (<usize>(ti * tW + tj) << 2), xiStride);
    }
  }
}

/** d[i][j] of one window, zero outside the image. */
// @ts-ignore: decorator
@inline function at4(plane: usize, inH: i32, inW: i32, ih: i32, iw: i32): f32 {
  return ih >= 0 && ih < inH && iw >= 0 && iw < inW ? load<f32>(plane + (<usize>(ih * inW + iw) << 2)) : 0;
}

/** One tile's V (the same sums as the four-tile path, in scalars), at `out` with ξ `xiStride` bytes apart. */
function oneInput(plane: usize, inH: i32, inW: i32, ih0: i32, iw0: i32, out: usize, xiStride: usize): void {
  // column transform of each row, kept in c (16 values, row-major)
  let c00: f32 = 0, c01: f32 = 0, c02: f32 = 0, c03: f32 = 0;
  let c10: f32 = 0, c11: f32 = 0, c12: f32 = 0, c13: f32 = 0;
  let c20: f32 = 0, c21: f32 = 0, c22: f32 = 0, c23: f32 = 0;
  let c30: f32 = 0, c31: f32 = 0, c32: f32 = 0, c33: f32 = 0;
  for (let i = 0; i < 4; i++) {
    const ih = ih0 + i;
    const d0 = at4(plane, inH, inW, ih, iw0), d1 = at4(plane, inH, inW, ih, iw0 + 1);
    const d2 = at4(plane, inH, inW, ih, iw0 + 2), d3 = at4(plane, inH, inW, ih, iw0 + 3);
    const e0 = d0 - d2, e1 = d1 + d2, e2 = d2 - d1, e3 = d1 - d3;
    if (i == 0) { c00 = e0; c01 = e1; c02 = e2; c03 = e3; }
    else if (i == 1) { c10 = e0; c11 = e1; c12 = e2; c13 = e3; }
    else if (i == 2) { c20 = e0; c21 = e1; c22 = e2; c23 = e3; }
    else { c30 = e0; c31 = e1; c32 = e2; c33 = e3; }
  }
  store<f32>(out, c00 - c20);
  store<f32>(out + xiStride, c01 - c21);
  store<f32>(out + 2 * xiStride, c02 - c22);
  store<f32>(out + 3 * xiStride, c03 - c23);
  store<f32>(out + 4 * xiStride, c10 + c20);
  store<f32>(out + 5 * xiStride, c11 + c21);
  store<f32>(out + 6 * xiStride, c12 + c22);
  store<f32>(out + 7 * xiStride, c13 + c23);
  store<f32>(out + 8 * xiStride, c20 - c10);
  store<f32>(out + 9 * xiStride, c21 - c11);
  store<f32>(out + 10 * xiStride, c22 - c12);
  store<f32>(out + 11 * xiStride, c23 - c13);
  store<f32>(out + 12 * xiStride, c10 - c30);
  store<f32>(out + 13 * xiStride, c11 - c31);
  store<f32>(out + 14 * xiStride, c12 - c32);
  store<f32>(out + 15 * xiStride, c13 - c33);
}

/**
 * y[k] (outH x outW) = (Aᵀ m A) of each tile, m[ξ] = M[ξ][k][t], for the `bc` output planes at
 * `side`; the bottom row and right column of a tile past the output are dropped.
 */
function outputTransform(m: usize, bc: i32, tH: i32, tW: i32, outH: i32, outW: i32, side: usize): void {
  const tiles = tH * tW;
  const xiStride = <usize>(bc * tiles) << 2;
  for (let k = 0; k < bc; k++) {
    const mk = m + (<usize>(k * tiles) << 2);
    const plane = side + (<usize>(k * outH * outW) << 2);
    for (let ti = 0; ti < tH; ti++) {
      const oh = 2 * ti;
      let tj = 0;
      // four tiles at once where their 2 x 8 outputs are inside
      if (oh + 2 <= outH) {
        for (; tj + 4 <= tW && 2 * tj + 8 <= outW; tj += 4) {
          const at = mk + (<usize>(ti * tW + tj) << 2);
          // s_0j = m0j + m1j + m2j, s_1j = m1j - m2j - m3j (m_ij = M[4 i + j])
          const m4 = v128.load(at + 4 * xiStride), m5 = v128.load(at + 5 * xiStride), m6 = v128.load(at + 6 * xiStride), m7 = v128.load(at + 7 * xiStride);
          const m8 = v128.load(at + 8 * xiStride), m9 = v128.load(at + 9 * xiStride), m10 = v128.load(at + 10 * xiStride), m11 = v128.load(at + 11 * xiStride);
          const s00 = f32x4.add(f32x4.add(v128.load(at), m4), m8);
          const s01 = f32x4.add(f32x4.add(v128.load(at + xiStride), m5), m9);
          const s02 = f32x4.add(f32x4.add(v128.load(at + 2 * xiStride), m6), m10);
          const s03 = f32x4.add(f32x4.add(v128.load(at + 3 * xiStride), m7), m11);
          const s10 = f32x4.sub(f32x4.sub(m4, m8), v128.load(at + 12 * xiStride));
          const s11 = f32x4.sub(f32x4.sub(m5, m9), v128.load(at + 13 * xiStride));
          const s12 = f32x4.sub(f32x4.sub(m6, m10), v128.load(at + 14 * xiStride));
          const s13 = f32x4.sub(f32x4.sub(m7, m11), v128.load(at + 15 * xiStride));
          // y_r0 = s_r0 + s_r1 + s_r2, y_r1 = s_r1 - s_r2 - s_r3; a row of outputs interleaves them
          const y00 = f32x4.add(f32x4.add(s00, s01), s02), y01 = f32x4.sub(f32x4.sub(s01, s02), s03);
          const y10 = f32x4.add(f32x4.add(s10, s11), s12), y11 = f32x4.sub(f32x4.sub(s11, s12), s13);
          const row0 = plane + (<usize>(oh * outW + 2 * tj) << 2);
          const row1 = row0 + (<usize>outW << 2);
          v128.store(row0, v128.shuffle<f32>(y00, y01, 0, 4, 1, 5));
          v128.store(row0, v128.shuffle<f32>(y00, y01, 2, 6, 3, 7), 16);
          v128.store(row1, v128.shuffle<f32>(y10, y11, 0, 4, 1, 5));
          v128.store(row1, v128.shuffle<f32>(y10, y11, 2, 6, 3, 7), 16);
        }
      }
      for (; tj < tW; tj++) oneOutput(mk + (<usize>(ti * tW + tj) << 2), xiStride, plane, outH, outW, oh, 2 * tj);
    }
  }
}

/** One tile's outputs (the same sums as the four-tile path, in scalars), cropped to the plane. */
function oneOutput(at: usize, xiStride: usize, plane: usize, outH: i32, outW: i32, oh: i32, ow: i32): void {
  const m4 = load<f32>(at + 4 * xiStride), m5 = load<f32>(at + 5 * xiStride), m6 = load<f32>(at + 6 * xiStride), m7 = load<f32>(at + 7 * xiStride);
  const m8 = load<f32>(at + 8 * xiStride), m9 = load<f32>(at + 9 * xiStride), m10 = load<f32>(at + 10 * xiStride), m11 = load<f32>(at + 11 * xiStride);
  const s00 = load<f32>(at) + m4 + m8;
  const s01 = load<f32>(at + xiStride) + m5 + m9;
  const s02 = load<f32>(at + 2 * xiStride) + m6 + m10;
  const s03 = load<f32>(at + 3 * xiStride) + m7 + m11;
  const s10 = m4 - m8 - load<f32>(at + 12 * xiStride);
  const s11 = m5 - m9 - load<f32>(at + 13 * xiStride);
  const s12 = m6 - m10 - load<f32>(at + 14 * xiStride);
  const s13 = m7 - m11 - load<f32>(at + 15 * xiStride);
  const row0 = plane + (<usize>(oh * outW + ow) << 2);
  store<f32>(row0, s00 + s01 + s02);
  if (ow + 1 < outW) store<f32>(row0 + 4, s01 - s02 - s03);
  if (oh + 1 < outH) {
    const row1 = row0 + (<usize>outW << 2);
    store<f32>(row1, s10 + s11 + s12);
    if (ow + 1 < outW) store<f32>(row1 + 4, s11 - s12 - s13);
  }
}

/**
 * Chunk `chunk` of the forward over `batch` images (images [chunk * per, (chunk + 1) * per)):
 * y[n, g] = the convolution of x[n, g] with the kernels whose transform is at u (winogradWeightsF32),
 * then y[n, c] += bias[c] (bias 0: none), as convForwardPartF32's order.
 */
export function winogradForwardPartF32(
  geo: usize, x: usize, u: usize, bias: usize, y: usize, batch: i32, groups: i32, ic: i32, bc: i32, per: i32, scratch: usize, chunk: i32, chunks: i32,
): void {
  const inH = geoAt(geo, 0), inW = geoAt(geo, 1), pH = geoAt(geo, 6), pW = geoAt(geo, 7);
  const outH = geoAt(geo, 10), outW = geoAt(geo, 11);
  const tH = (outH + 1) >> 1, tW = (outW + 1) >> 1, tiles = tH * tW;
  const v = scratch;
  const m = v + <usize>vBytes(ic, tiles);
  const gs = m + <usize>vBytes(bc, tiles);
  const pixels = inH * inW, blocks = outH * outW;
  const n0 = min(batch, chunk * per), n1 = min(batch, (chunk + 1) * per);
  const uGroup = <usize>(16 * bc * ic) << 2;
  for (let n = n0; n < n1; n++) {
    for (let g = 0; g < groups; g++) {
      const image = x + (<usize>((n * groups + g) * ic) * <usize>pixels << 2);
      const side = y + (<usize>((n * groups + g) * bc) * <usize>blocks << 2);
      inputTransform(image, ic, inH, inW, pH, pW, tH, tW, v, m);
      const ug = u + <usize>g * uGroup;
      for (let xi = 0; xi < 16; xi++) {
        gemm<f32>(
          false, false, bc, tiles, ic,
          ug + <usize>xi * (<usize>(bc * ic) << 2), v + <usize>xi * (<usize>(ic * tiles) << 2), m + <usize>xi * (<usize>(bc * tiles) << 2),
          false, gs,
        );
      }
      outputTransform(m, bc, tH, tW, outH, outW, side);
    }
    if (bias) addBias<f32>(y + (<usize>(n * groups * bc) * <usize>blocks << 2), bias, 1, groups * bc, blocks);
  }
}

/**
 * Mg[ξ][k][t] = (A dy Aᵀ)[ξ] for the 2x2 block dy of tile t of each of the `bc` planes of g at
 * `side` (zeros past the output): the gradient of a tile's 16 products (the weight gradient's side).
 */
function gradTransform(side: usize, bc: i32, tH: i32, tW: i32, outH: i32, outW: i32, mg: usize): void {
  const tiles = tH * tW;
  const xiStride = <usize>(bc * tiles) << 2;
  for (let k = 0; k < bc; k++) {
    const plane = side + (<usize>(k * outH * outW) << 2);
    const mk = mg + (<usize>(k * tiles) << 2);
    for (let ti = 0; ti < tH; ti++) {
      const oh = 2 * ti;
      let tj = 0;
      if (oh + 2 <= outH) {
        for (; tj + 4 <= tW && 2 * tj + 8 <= outW; tj += 4) {
          const row0 = plane + (<usize>(oh * outW + 2 * tj) << 2);
          const row1 = row0 + (<usize>outW << 2);
          const a0 = v128.load(row0), b0 = v128.load(row0, 16), a1 = v128.load(row1), b1 = v128.load(row1, 16);
          // dy_ij, lanes: the four tiles
          const y00 = evens(a0, b0), y01 = odds(a0, b0), y10 = evens(a1, b1), y11 = odds(a1, b1);
          // rows of A dy: (y00, y01), (y00 + y10, y01 + y11), (y00 - y10, y01 - y11), (-y10, -y11); each (a, b) -> (a, a + b, a - b, -b)
          const at = mk + (<usize>(ti * tW + tj) << 2);
          gradRow(at, xiStride, y00, y01);
          gradRow(at + 4 * xiStride, xiStride, f32x4.add(y00, y10), f32x4.add(y01, y11));
          gradRow(at + 8 * xiStride, xiStride, f32x4.sub(y00, y10), f32x4.sub(y01, y11));
          gradRow(at + 12 * xiStride, xiStride, f32x4.neg(y10), f32x4.neg(y11));
        }
      }
      for (; tj < tW; tj++) {
        const ow = 2 * tj;
        const at0 = plane + (<usize>(oh * outW + ow) << 2);
        const right = ow + 1 < outW, down = oh + 1 < outH;
        const y00 = load<f32>(at0);
        const y01: f32 = right ? load<f32>(at0 + 4) : 0;
        const y10: f32 = down ? load<f32>(at0 + (<usize>outW << 2)) : 0;
        const y11: f32 = right && down ? load<f32>(at0 + (<usize>outW << 2) + 4) : 0;
        const at = mk + (<usize>(ti * tW + tj) << 2);
        gradRowOne(at, xiStride, y00, y01);
        gradRowOne(at + 4 * xiStride, xiStride, y00 + y10, y01 + y11);
        gradRowOne(at + 8 * xiStride, xiStride, y00 - y10, y01 - y11);
        gradRowOne(at + 12 * xiStride, xiStride, -y10, -y11);
      }
    }
  }
}

// @ts-ignore: decorator
@inline function gradRow(at: usize, xiStride: usize, a: v128, b: v128): void {
  v128.store(at, a);
  v128.store(at + xiStride, f32x4.add(a, b));
  v128.store(at + 2 * xiStride, f32x4.sub(a, b));
  v128.store(at + 3 * xiStride, f32x4.neg(b));
}

// @ts-ignore: decorator
@inline function gradRowOne(at: usize, xiStride: usize, a: f32, b: f32): void {
  store<f32>(at, a);
  store<f32>(at + xiStride, a + b);
  store<f32>(at + 2 * xiStride, a - b);
  store<f32>(at + 3 * xiStride, -b);
}

/**
 * Slice `chunk` (images [chunk * per, (chunk + 1) * per)) of the weight gradient in the transformed
 * space: dU[g][ξ] = sum over its images and tiles of Mg[ξ] · V[ξ]ᵀ (accumulated from zero in image
 * order), at du + chunk * (16 groups bc ic floats); winogradWeightGradF32 turns the slices' sum
 * into dw.
 */
export function winogradWeightGradPartF32(
  geo: usize, g: usize, x: usize, du: usize, batch: i32, groups: i32, ic: i32, bc: i32, per: i32, scratch: usize, chunk: i32, chunks: i32,
): void {
  const inH = geoAt(geo, 0), inW = geoAt(geo, 1), pH = geoAt(geo, 6), pW = geoAt(geo, 7);
  const outH = geoAt(geo, 10), outW = geoAt(geo, 11);
  const tH = (outH + 1) >> 1, tW = (outW + 1) >> 1, tiles = tH * tW;
  const v = scratch;
  const mg = v + <usize>vBytes(ic, tiles);
  const gs = mg + <usize>vBytes(bc, tiles);
  const pixels = inH * inW, blocks = outH * outW;
  const xiBytes = <usize>(bc * ic) << 2;
  const slice = du + <usize>chunk * 16 * <usize>groups * xiBytes;
  memory.fill(slice, 0, 16 * <usize>groups * xiBytes);
  const n0 = min(batch, chunk * per), n1 = min(batch, (chunk + 1) * per);
  for (let n = n0; n < n1; n++) {
    for (let k = 0; k < groups; k++) {
      inputTransform(x + (<usize>((n * groups + k) * ic) * <usize>pixels << 2), ic, inH, inW, pH, pW, tH, tW, v, mg);
      gradTransform(g + (<usize>((n * groups + k) * bc) * <usize>blocks << 2), bc, tH, tW, outH, outW, mg);
      const dk = slice + <usize>k * 16 * xiBytes;
      for (let xi = 0; xi < 16; xi++) {
        gemm<f32>(
          false, true, bc, ic, tiles,
          mg + <usize>xi * (<usize>(bc * tiles) << 2), v + <usize>xi * (<usize>(ic * tiles) << 2), dk + <usize>xi * xiBytes,
          true, gs,
        );
      }
    }
  }
}

/** dw[g, k, c] = Gᵀ dU[g][.][k][c] G (4x4 -> 3x3), for the transformed gradient at du. */
export function winogradWeightGradF32(du: usize, groups: i32, ic: i32, bc: i32, dw: usize): void {
  const perXi = <usize>(bc * ic) << 2;
  for (let g = 0; g < groups; g++) {
    const ug = du + <usize>g * 16 * perXi;
    for (let k = 0; k < bc; k++) {
      for (let c = 0; c < ic; c++) {
        const at = ug + (<usize>(k * ic + c) << 2);
        const out = dw + (<usize>((g * bc + k) * ic + c) * 9 << 2);
        // t = Gᵀ dU (3 x 4), column by column, then each row (a, b, c, d) of t -> (a + b/2 + c/2, b/2 - c/2, b/2 + c/2 + d)
        let t00: f32 = 0, t01: f32 = 0, t02: f32 = 0, t03: f32 = 0;
        let t10: f32 = 0, t11: f32 = 0, t12: f32 = 0, t13: f32 = 0;
        let t20: f32 = 0, t21: f32 = 0, t22: f32 = 0, t23: f32 = 0;
        for (let j = 0; j < 4; j++) {
          const u0 = load<f32>(at + <usize>j * perXi), u1 = load<f32>(at + <usize>(4 + j) * perXi);
          const u2 = load<f32>(at + <usize>(8 + j) * perXi), u3 = load<f32>(at + <usize>(12 + j) * perXi);
          const a = u0 + <f32>0.5 * u1 + <f32>0.5 * u2, b = <f32>0.5 * u1 - <f32>0.5 * u2, d = <f32>0.5 * u1 + <f32>0.5 * u2 + u3;
          if (j == 0) { t00 = a; t10 = b; t20 = d; }
          else if (j == 1) { t01 = a; t11 = b; t21 = d; }
          else if (j == 2) { t02 = a; t12 = b; t22 = d; }
          else { t03 = a; t13 = b; t23 = d; }
        }
        weightRow(out, t00, t01, t02, t03);
        weightRow(out + 12, t10, t11, t12, t13);
        weightRow(out + 24, t20, t21, t22, t23);
      }
    }
  }
}

// @ts-ignore: decorator
@inline function weightRow(out: usize, a: f32, b: f32, c: f32, d: f32): void {
  store<f32>(out, a + <f32>0.5 * b + <f32>0.5 * c);
  store<f32>(out + 4, <f32>0.5 * b - <f32>0.5 * c);
  store<f32>(out + 8, <f32>0.5 * b + <f32>0.5 * c + d);
}

// @ts-ignore: decorator
@inline function min(x: i32, y: i32): i32 {
  return x < y ? x : y;
}
