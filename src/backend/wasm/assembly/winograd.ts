/*
 * Winograd F(4x4, 3x3) for float32 convolutions with a 3x3 kernel, stride 1 and dilation 1 (any
 * padding, any groups): each 4x4 block of outputs from a 6x6 window of the input in 36 products
 * instead of 144 (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2015; the
 * points 0, 1, -1, 2, -2 and infinity):
 *
 *   Y = Aᵀ [ Σ_c (G g_c Gᵀ) ⊙ (Bᵀ d_c B) ] A
 *
 *   Bᵀ = | 4  0 -5  0  1  0 |   G = |  1/4     0     0  |   Aᵀ = | 1  1  1  1  1  0 |
 *        | 0 -4 -4  1  1  0 |       | -1/6  -1/6  -1/6 |        | 0  1 -1  2 -2  0 |
 *        | 0  4 -4 -1  1  0 |       | -1/6   1/6  -1/6 |        | 0  1  1  4  4  0 |
 *        | 0 -2 -1  2  1  0 |       | 1/24  1/12  1/6  |        | 0  1 -1  8 -8  1 |
 *        | 0  2 -1 -2  1  0 |       | 1/24 -1/12  1/6  |
 *        | 0  4  0 -5  0  1 |       |   0     0     1  |
 *
 * The forward (and so the input gradient, a forward of g with the kernels turned), per image and
 * group: the input transform V[ξ] (imageChannels x tiles, ξ = 6 i + j = 0..35), then for each ξ one
 * gemm M[ξ] = U[ξ] · V[ξ] (blockChannels x imageChannels times imageChannels x tiles) with this
 * module's gemm, then the output transform. U (the weights transformed, [36][blockChannels]
 * [imageChannels] per group) is computed once per call by winogradWeightsF32.
 *
 * The weight gradient: dU[ξ] = Σ over images and tiles of Mg[ξ] · V[ξ]ᵀ, Mg = A dy Aᵀ of each
 * tile's 4x4 block of the output gradient, then dw = Gᵀ dU G.
 *
 * The transforms run on four horizontally adjacent tiles at once (f32x4 lanes = tiles). Every image
 * is computed by the same instructions on any thread, so results are the same bits at any thread
 * count. They differ from im2col's in rounding: the sums run in another order, and through the
 * transforms, whose entries up to 8 (and G's thirds and sixths) cost float32 more rounding than
 * F(2x2, 3x3)'s halves did (tests/backend/winograd.test.ts), for 36 products per 16 outputs instead
 * of 16 per 4.
 */
import { addBias } from './conv';
import { gemm, transpose4 } from './gemm';

// @ts-ignore: decorator
@inline function geoAt(geo: usize, i: i32): i32 {
  return load<i32>(geo + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function min(x: i32, y: i32): i32 {
  return x < y ? x : y;
}

/** Bytes of 36 matrices of rows x tiles float32, plus 64 for gemm's reads past the last, 64-aligned. */
// @ts-ignore: decorator
@inline function v36Bytes(rows: i32, tiles: i32): i32 {
  return (36 * rows * tiles * 4 + 64 + 63) & ~63;
}

/** Bytes of the transforms' small scratch: 72 vectors (a transform's first pass, then at LAST_TILES the values of a row's last tiles). */
const TMP_BYTES = 72 * 16;
/** Where in that scratch a row's last (fewer than four) tiles' 36 values go before storeLastTiles. */
const LAST_TILES = 36 * 16;

/** The first `lanes` lanes of the 36 vectors at `from` (16 bytes apart) into ξ = 0..35 at `at`, `xiStride` bytes apart. */
function storeLastTiles(from: usize, lanes: i32, at: usize, xiStride: usize): void {
  for (let xi = 0; xi < 36; xi++) {
    for (let q = 0; q < lanes; q++) store<f32>(at + <usize>xi * xiStride + (<usize>q << 2), load<f32>(from + (<usize>(16 * xi + 4 * q))));
  }
}

/**
 * Bytes of one thread's scratch for winogradForwardPartF32 and winogradWeightGradPartF32: V, M (or
 * Mg; each padded), the transforms' and gemm's.
 */
export function winogradScratchBytes(ic: i32, bc: i32, tiles: i32, gemmBytes: i32): i32 {
  return v36Bytes(ic, tiles) + v36Bytes(bc, tiles) + TMP_BYTES + gemmBytes;
}

/** The six values G (a, b, c) (G 6x3 above), in float64. */
// @ts-ignore: decorator
@inline function gTimes(a: f64, b: f64, c: f64, out: usize): void {
  store<f64>(out, a / 4);
  store<f64>(out, -(a + b + c) / 6, 8);
  store<f64>(out, -(a - b + c) / 6, 16);
  store<f64>(out, a / 24 + b / 12 + c / 6, 24);
  store<f64>(out, a / 24 - b / 12 + c / 6, 32);
  store<f64>(out, c, 40);
}

/**
 * U[g][ξ][k][c] = (G w[g, k, c] Gᵀ)[ξ] for `groups` groups of `bc` x `ic` 3x3 kernels at w, computed
 * in float64 and rounded once. `tmp`: 24 float64 of scratch (t = G w, 6 x 3, and a row of U).
 */
export function winogradWeightsF32(w: usize, groups: i32, ic: i32, bc: i32, u: usize, tmp: usize): void {
  const perXi = <usize>(bc * ic) << 2;
  const t = tmp, row = tmp + 144;
  for (let g = 0; g < groups; g++) {
    const ug = u + <usize>g * 36 * perXi;
    for (let k = 0; k < bc; k++) {
      for (let c = 0; c < ic; c++) {
        const src = w + (<usize>((g * bc + k) * ic + c) * 9 << 2);
        const at = <usize>(k * ic + c) << 2;
        // t = G w: column j of t is G times column j of w; stored t[i][j] at t + (3 i + j) * 8
        for (let j = 0; j < 3; j++) {
          gTimes(<f64>load<f32>(src + (<usize>j << 2)), <f64>load<f32>(src + (<usize>(3 + j) << 2)), <f64>load<f32>(src + (<usize>(6 + j) << 2)), row);
          for (let i = 0; i < 6; i++) store<f64>(t + (<usize>(3 * i + j) << 3), load<f64>(row + (<usize>i << 3)));
        }
        // U row i = G times row i of t
        for (let i = 0; i < 6; i++) {
          const ti = t + (<usize>(3 * i) << 3);
          gTimes(load<f64>(ti), load<f64>(ti, 8), load<f64>(ti, 16), row);
          for (let j = 0; j < 6; j++) store<f32>(ug + <usize>(6 * i + j) * perXi + at, <f32>load<f64>(row + (<usize>j << 3)));
        }
      }
    }
  }
}

/** Bᵀ d for the six values d0..d5 (lanes: four tiles), stored as six vectors `step` bytes apart from `out`. */
// @ts-ignore: decorator
@inline function bTimes(d0: v128, d1: v128, d2: v128, d3: v128, d4: v128, d5: v128, out: usize, step: usize): void {
  const four = f32x4.splat(4), five = f32x4.splat(5);
  const a = f32x4.sub(d4, f32x4.mul(four, d2)), b = f32x4.sub(d3, f32x4.mul(four, d1));
  const d31 = f32x4.sub(d3, d1);
  const c = f32x4.sub(d4, d2), e = f32x4.add(d31, d31);
  v128.store(out, f32x4.add(f32x4.sub(f32x4.mul(four, d0), f32x4.mul(five, d2)), d4));
  v128.store(out + step, f32x4.add(a, b));
  v128.store(out + 2 * step, f32x4.sub(a, b));
  v128.store(out + 3 * step, f32x4.add(c, e));
  v128.store(out + 4 * step, f32x4.sub(c, e));
  v128.store(out + 5 * step, f32x4.add(f32x4.sub(f32x4.mul(four, d1), f32x4.mul(five, d3)), d5));
}

/**
 * V[ξ][c][t] = (Bᵀ d B)[ξ] for the 6x6 input window d of tile t (rows 4 ti - pH .., columns
 * 4 tj - pW ..; zeros outside the image) of each of the `ic` planes at `image`, four tiles of a row
 * at a time. `wide`: scratch for one plane widened to 16 ceil(tW / 4) + 4 columns, zeros around it
 * (the caller's M, not yet written, which holds it with >= 8 output channels: (4 tH + 2) rows of at
 * most 4 tW + 16 floats against 36 bc tH tW); `tmp`: TMP_BYTES.
 */
function inputTransform(image: usize, ic: i32, inH: i32, inW: i32, pH: i32, pW: i32, tH: i32, tW: i32, v: usize, wide: usize, tmp: usize): void {
  const tiles = tH * tW;
  const xiStride = <usize>(ic * tiles) << 2;
  // Where every tile's window lies inside its rows (no padding left, none needed right), the planes
  // are read in place: a group's lanes past the row's last tile read on into the next row (or past
  // the plane: the operand's padding) and are dropped. Else each plane is first copied into `wide`,
  // whose column j holds the image's column j - pW, zeros around: a tile's window starts at its
  // column 4 tj, and the last group of four tiles reads 20 columns from there.
  const widen = pW > 0 || 4 * tW + 2 > inW;
  const wideW = 16 * ((tW + 3) >> 2) + 4;
  if (widen) memory.fill(wide, 0, <usize>(inH * wideW) << 2);
  const planeW = widen ? wideW : inW;
  const zero = f32x4.splat(0);
  for (let c = 0; c < ic; c++) {
    let plane = image + (<usize>(c * inH * inW) << 2);
    if (widen) {
      // whole vectors, then the last columns one by one (the zeros right of the image must stay)
      const vecs = inW & ~3;
      for (let r = 0; r < inH; r++) {
        const from = plane + (<usize>(r * inW) << 2), to = wide + (<usize>(r * wideW + pW) << 2);
        let j = 0;
        for (; j < vecs; j += 4) v128.store(to + (<usize>j << 2), v128.load(from + (<usize>j << 2)));
        for (; j < inW; j++) store<f32>(to + (<usize>j << 2), load<f32>(from + (<usize>j << 2)));
      }
      plane = wide;
    }
    const vc = v + (<usize>(c * tiles) << 2);
    for (let ti = 0; ti < tH; ti++) {
      const ih0 = 4 * ti - pH;
      for (let tj = 0; tj < tW; tj += 4) {
        // each row of the window: its columns d0..d5 (lanes: the four tiles), then Bᵀ along them,
        // kept in tmp as e[i][j] at tmp + (6 i + j) * 16
        for (let i = 0; i < 6; i++) {
          const ih = ih0 + i;
          const e = tmp + <usize>(96 * i);
          if (ih < 0 || ih >= inH) {
            for (let j = 0; j < 6; j++) v128.store(e + <usize>(16 * j), zero);
            continue;
          }
          const row = plane + (<usize>(ih * planeW + 4 * tj) << 2);
          const a0 = v128.load(row), a1 = v128.load(row, 16), a2 = v128.load(row, 32), a3 = v128.load(row, 48), a4 = v128.load(row, 64);
          // lane q of d_j is column 4 q + j: a 4x4 transpose of a0..a3, then two shifts in of a4
          const t0 = v128.shuffle<f32>(a0, a1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(a2, a3, 0, 4, 1, 5);
          const t2 = v128.shuffle<f32>(a0, a1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(a2, a3, 2, 6, 3, 7);
          const d0 = v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), d1 = v128.shuffle<f32>(t0, t1, 2, 3, 6, 7);
          const d2 = v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), d3 = v128.shuffle<f32>(t2, t3, 2, 3, 6, 7);
          const d4 = v128.shuffle<f32>(d0, a4, 1, 2, 3, 4), d5 = v128.shuffle<f32>(d1, a4, 1, 2, 3, 5);
          bTimes(d0, d1, d2, d3, d4, d5, e, 16);
        }
        // then Bᵀ down each column j: V[6 i' + j]
        const lanes = min(4, tW - tj);
        const at = vc + (<usize>(ti * tW + tj) << 2);
        const out = lanes == 4 ? at : tmp + LAST_TILES;
        const step = lanes == 4 ? xiStride : 16;
        for (let j = 0; j < 6; j++) {
          const e = tmp + <usize>(16 * j);
          bTimes(v128.load(e), v128.load(e, 96), v128.load(e, 192), v128.load(e, 288), v128.load(e, 384), v128.load(e, 480), out + <usize>j * step, 6 * step);
        }
        if (lanes < 4) storeLastTiles(tmp + LAST_TILES, lanes, at, xiStride);
      }
    }
  }
}

/** Aᵀ m for the six values m0..m5 (lanes: four tiles), stored as four vectors `step` bytes apart from `out`. */
// @ts-ignore: decorator
@inline function aTimes(m0: v128, m1: v128, m2: v128, m3: v128, m4: v128, m5: v128, out: usize, step: usize): void {
  const a = f32x4.add(m1, m2), b = f32x4.sub(m1, m2), c = f32x4.add(m3, m4), d = f32x4.sub(m3, m4);
  v128.store(out, f32x4.add(f32x4.add(m0, a), c));
  v128.store(out + step, f32x4.add(b, f32x4.add(d, d)));
  v128.store(out + 2 * step, f32x4.add(a, f32x4.mul(f32x4.splat(4), c)));
  v128.store(out + 3 * step, f32x4.add(f32x4.add(b, f32x4.mul(f32x4.splat(8), d)), m5));
}

/**
 * y[k] (outH x outW) = (Aᵀ m A) of each tile, m[ξ] = M[ξ][k][t], for the `bc` output planes at
 * `side`, four tiles of a row at a time; a tile's rows and columns past the output are dropped.
 * `tmp`: TMP_BYTES.
 */
function outputTransform(m: usize, bc: i32, tH: i32, tW: i32, outH: i32, outW: i32, side: usize, tmp: usize): void {
  const tiles = tH * tW;
  const xiStride = <usize>(bc * tiles) << 2;
  const ys = tmp + 384;
  for (let k = 0; k < bc; k++) {
    const mk = m + (<usize>(k * tiles) << 2);
    const plane = side + (<usize>(k * outH * outW) << 2);
    for (let ti = 0; ti < tH; ti++) {
      const oh = 4 * ti;
      for (let tj = 0; tj < tW; tj += 4) {
        // lanes past the row's last tile read the next ones (or M's padding) and are dropped
        const at = mk + (<usize>(ti * tW + tj) << 2);
        // Aᵀ along each row i of m: s[i][r] at tmp + (4 i + r) * 16
        for (let i = 0; i < 6; i++) {
          const mi = at + <usize>(6 * i) * xiStride;
          aTimes(v128.load(mi), v128.load(mi + xiStride), v128.load(mi + 2 * xiStride), v128.load(mi + 3 * xiStride), v128.load(mi + 4 * xiStride), v128.load(mi + 5 * xiStride), tmp + <usize>(64 * i), 16);
        }
        // then down each column r: y[q][r] at ys + (4 q + r) * 16
        for (let r = 0; r < 4; r++) {
          const s = tmp + <usize>(16 * r);
          aTimes(v128.load(s), v128.load(s, 64), v128.load(s, 128), v128.load(s, 192), v128.load(s, 256), v128.load(s, 320), ys + <usize>(16 * r), 64);
        }
        const lanes = min(4, tW - tj);
        const rows = min(4, outH - oh);
        const ow = 4 * tj;
        if (lanes == 4 && rows == 4 && ow + 16 <= outW) {
          // each output row: y[q][0..3] (lanes: tiles) transposed into four tiles' four outputs in a row
          for (let q = 0; q < 4; q++) {
            const y = ys + <usize>(64 * q);
            transpose4(v128.load(y), v128.load(y, 16), v128.load(y, 32), v128.load(y, 48), plane + (<usize>((oh + q) * outW + ow) << 2), 16);
          }
        } else {
          for (let q = 0; q < rows; q++) {
            const dst = plane + (<usize>((oh + q) * outW) << 2);
            for (let t = 0; t < lanes; t++) {
              for (let r = 0; r < 4; r++) {
                const col = 4 * (tj + t) + r;
                if (col < outW) store<f32>(dst + (<usize>col << 2), load<f32>(ys + <usize>(64 * q + 16 * r + 4 * t)));
              }
            }
          }
        }
      }
    }
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
  const tH = (outH + 3) >> 2, tW = (outW + 3) >> 2, tiles = tH * tW;
  const v = scratch;
  const m = v + <usize>v36Bytes(ic, tiles);
  const tmp = m + <usize>v36Bytes(bc, tiles);
  const gs = tmp + TMP_BYTES;
  const pixels = inH * inW, blocks = outH * outW;
  const n0 = min(batch, chunk * per), n1 = min(batch, (chunk + 1) * per);
  const uGroup = <usize>(36 * bc * ic) << 2;
  for (let n = n0; n < n1; n++) {
    for (let g = 0; g < groups; g++) {
      const image = x + (<usize>((n * groups + g) * ic) * <usize>pixels << 2);
      const side = y + (<usize>((n * groups + g) * bc) * <usize>blocks << 2);
      inputTransform(image, ic, inH, inW, pH, pW, tH, tW, v, m, tmp);
      const ug = u + <usize>g * uGroup;
      for (let xi = 0; xi < 36; xi++) {
        gemm<f32>(
          false, false, bc, tiles, ic,
          ug + <usize>xi * (<usize>(bc * ic) << 2), v + <usize>xi * (<usize>(ic * tiles) << 2), m + <usize>xi * (<usize>(bc * tiles) << 2),
          false, gs,
        );
      }
      outputTransform(m, bc, tH, tW, outH, outW, side, tmp);
    }
    if (bias) addBias<f32>(y + (<usize>(n * groups * bc) * <usize>blocks << 2), bias, 1, groups * bc, blocks);
  }
}

/** A y for the four values y0..y3 (lanes: four tiles; A = (Aᵀ)ᵀ, 6x4), stored as six vectors `step` bytes apart from `out`. */
// @ts-ignore: decorator
@inline function aColumn(y0: v128, y1: v128, y2: v128, y3: v128, out: usize, step: usize): void {
  const p = f32x4.add(y0, y2), q = f32x4.add(y1, y3);
  const p4 = f32x4.add(y0, f32x4.mul(f32x4.splat(4), y2)), q8 = f32x4.add(f32x4.add(y1, y1), f32x4.mul(f32x4.splat(8), y3));
  v128.store(out, y0);
  v128.store(out + step, f32x4.add(p, q));
  v128.store(out + 2 * step, f32x4.sub(p, q));
  v128.store(out + 3 * step, f32x4.add(p4, q8));
  v128.store(out + 4 * step, f32x4.sub(p4, q8));
  v128.store(out + 5 * step, y3);
}

/**
 * Mg[ξ][k][t] = (A dy Aᵀ)[ξ] for the 4x4 block dy of tile t of each of the `bc` planes of g at
 * `side` (zeros past the output): the gradient of a tile's 36 products (the weight gradient's
 * side), four tiles of a row at a time. `tmp`: TMP_BYTES.
 */
function gradTransform(side: usize, bc: i32, tH: i32, tW: i32, outH: i32, outW: i32, mg: usize, tmp: usize): void {
  const tiles = tH * tW;
  const xiStride = <usize>(bc * tiles) << 2;
  const edge = tmp + 384;
  for (let k = 0; k < bc; k++) {
    const plane = side + (<usize>(k * outH * outW) << 2);
    const mk = mg + (<usize>(k * tiles) << 2);
    for (let ti = 0; ti < tH; ti++) {
      const oh = 4 * ti;
      for (let tj = 0; tj < tW; tj += 4) {
        const lanes = min(4, tW - tj);
        const ow = 4 * tj;
        const whole = lanes == 4 && ow + 16 <= outW;
        // each row q of the four blocks: dy[q][r] (lanes: tiles), then A along it: s[q][j] at tmp + (6 q + j) * 16
        for (let q = 0; q < 4; q++) {
          let y0: v128, y1: v128, y2: v128, y3: v128;
          if (oh + q >= outH) {
            y0 = y1 = y2 = y3 = f32x4.splat(0);
          } else {
            const row = plane + (<usize>((oh + q) * outW + ow) << 2);
            let a0: v128, a1: v128, a2: v128, a3: v128;
            if (whole) {
              a0 = v128.load(row); a1 = v128.load(row, 16); a2 = v128.load(row, 32); a3 = v128.load(row, 48);
            } else {
              // the row's last blocks: their columns inside the output, zeros past it
              for (let c = 0; c < 16; c++) store<f32>(edge + (<usize>c << 2), c < 4 * lanes && ow + c < outW ? load<f32>(row + (<usize>c << 2)) : 0);
              a0 = v128.load(edge); a1 = v128.load(edge, 16); a2 = v128.load(edge, 32); a3 = v128.load(edge, 48);
            }
            // a_t holds block t's row: transposed, lane t of y_r is dy[q][r] of block t
            const t0 = v128.shuffle<f32>(a0, a1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(a2, a3, 0, 4, 1, 5);
            const t2 = v128.shuffle<f32>(a0, a1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(a2, a3, 2, 6, 3, 7);
            y0 = v128.shuffle<f32>(t0, t1, 0, 1, 4, 5); y1 = v128.shuffle<f32>(t0, t1, 2, 3, 6, 7);
            y2 = v128.shuffle<f32>(t2, t3, 0, 1, 4, 5); y3 = v128.shuffle<f32>(t2, t3, 2, 3, 6, 7);
          }
          aColumn(y0, y1, y2, y3, tmp + <usize>(96 * q), 16);
        }
        // then A down each column j: Mg[6 i + j]
        const at = mk + (<usize>(ti * tW + tj) << 2);
        const out = lanes == 4 ? at : tmp + LAST_TILES;
        const step = lanes == 4 ? xiStride : 16;
        for (let j = 0; j < 6; j++) {
          const s = tmp + <usize>(16 * j);
          aColumn(v128.load(s), v128.load(s, 96), v128.load(s, 192), v128.load(s, 288), out + <usize>j * step, 6 * step);
        }
        if (lanes < 4) storeLastTiles(tmp + LAST_TILES, lanes, at, xiStride);
      }
    }
  }
}

/**
 * Slice `chunk` (images [chunk * per, (chunk + 1) * per)) of the weight gradient in the transformed
 * space: dU[g][ξ] = sum over its images and tiles of Mg[ξ] · V[ξ]ᵀ (accumulated from zero in image
 * order), at du + chunk * (36 groups bc ic floats); winogradWeightGradF32 turns the slices' sum
 * into dw.
 */
export function winogradWeightGradPartF32(
  geo: usize, g: usize, x: usize, du: usize, batch: i32, groups: i32, ic: i32, bc: i32, per: i32, scratch: usize, chunk: i32, chunks: i32,
): void {
  const inH = geoAt(geo, 0), inW = geoAt(geo, 1), pH = geoAt(geo, 6), pW = geoAt(geo, 7);
  const outH = geoAt(geo, 10), outW = geoAt(geo, 11);
  const tH = (outH + 3) >> 2, tW = (outW + 3) >> 2, tiles = tH * tW;
  const v = scratch;
  const mg = v + <usize>v36Bytes(ic, tiles);
  const tmp = mg + <usize>v36Bytes(bc, tiles);
  const gs = tmp + TMP_BYTES;
  const pixels = inH * inW, blocks = outH * outW;
  const xiBytes = <usize>(bc * ic) << 2;
  const slice = du + <usize>chunk * 36 * <usize>groups * xiBytes;
  memory.fill(slice, 0, 36 * <usize>groups * xiBytes);
  const n0 = min(batch, chunk * per), n1 = min(batch, (chunk + 1) * per);
  for (let n = n0; n < n1; n++) {
    for (let k = 0; k < groups; k++) {
      inputTransform(x + (<usize>((n * groups + k) * ic) * <usize>pixels << 2), ic, inH, inW, pH, pW, tH, tW, v, mg, tmp);
      gradTransform(g + (<usize>((n * groups + k) * bc) * <usize>blocks << 2), bc, tH, tW, outH, outW, mg, tmp);
      const dk = slice + <usize>k * 36 * xiBytes;
      for (let xi = 0; xi < 36; xi++) {
        gemm<f32>(
          false, true, bc, ic, tiles,
          mg + <usize>xi * (<usize>(bc * tiles) << 2), v + <usize>xi * (<usize>(ic * tiles) << 2), dk + <usize>xi * xiBytes,
          true, gs,
        );
      }
    }
  }
}

/** The three values Gᵀ (u0..u5) (Gᵀ 3x6), in float64, at out. */
// @ts-ignore: decorator
@inline function gtTimes(u0: f64, u1: f64, u2: f64, u3: f64, u4: f64, u5: f64, out: usize): void {
  store<f64>(out, u0 / 4 - (u1 + u2) / 6 + (u3 + u4) / 24);
  store<f64>(out, (u2 - u1) / 6 + (u3 - u4) / 12, 8);
  store<f64>(out, (u3 + u4 - u1 - u2) / 6 + u5, 16);
}

/**
 * dw[g, k, c] = Gᵀ dU[g][.][k][c] G (6x6 -> 3x3) for the transformed gradient at du, in float64 and
 * rounded once. `tmp`: 24 float64 of scratch (t = Gᵀ dU, 3 x 6, then a row of dw).
 */
export function winogradWeightGradF32(du: usize, groups: i32, ic: i32, bc: i32, dw: usize, tmp: usize): void {
  const perXi = <usize>(bc * ic) << 2;
  const t = tmp, col = tmp + 144;
  for (let g = 0; g < groups; g++) {
    const ug = du + <usize>g * 36 * perXi;
    for (let k = 0; k < bc; k++) {
      for (let c = 0; c < ic; c++) {
        const at = ug + (<usize>(k * ic + c) << 2);
        const out = dw + (<usize>((g * bc + k) * ic + c) * 9 << 2);
        // t = Gᵀ dU: column j of t is Gᵀ times column j of dU; t[a][j] at t + (6 a + j) * 8
        for (let j = 0; j < 6; j++) {
          const cj = at + <usize>j * perXi;
          gtTimes(
            <f64>load<f32>(cj), <f64>load<f32>(cj + 6 * perXi), <f64>load<f32>(cj + 12 * perXi),
            <f64>load<f32>(cj + 18 * perXi), <f64>load<f32>(cj + 24 * perXi), <f64>load<f32>(cj + 30 * perXi), col,
          );
          for (let a = 0; a < 3; a++) store<f64>(t + (<usize>(6 * a + j) << 3), load<f64>(col + (<usize>a << 3)));
        }
        // dw row a = Gᵀ times row a of t
        for (let a = 0; a < 3; a++) {
          const ta = t + (<usize>(6 * a) << 3);
          gtTimes(load<f64>(ta), load<f64>(ta, 8), load<f64>(ta, 16), load<f64>(ta, 24), load<f64>(ta, 32), load<f64>(ta, 40), col);
          for (let b = 0; b < 3; b++) store<f32>(out + (<usize>(3 * a + b) << 2), <f32>load<f64>(col + (<usize>b << 3)));
        }
      }
    }
  }
}
