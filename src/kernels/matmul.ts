export type FloatArray = Float32Array | Float64Array;

/*
 * Design. Everything is computed in 4×4 register tiles: 16 float64 accumulators in locals, 8 loads
 * and 16 multiply-adds per step of k, C written once per tile. Two ways to feed the tiles:
 *
 * - direct: the kernels read A and B in place through (row, step) strides, which covers all four
 *   transpose combinations with one set of kernels. No copies, no per-call overhead; best for
 *   skinny shapes and whenever the operands sit in cache.
 * - packed (GotoBLAS): blocks of op(A) and op(B) are copied into float64 micro-panels so the hot
 *   kernel streams unit-stride memory with constant offsets. Costs one copy of A and B per call,
 *   wins once both m and n are large or the operands no longer fit in cache.
 *
 * V8 compiles each element load for the array types it has seen, and a load that has seen both
 * Float32Array and Float64Array is ~25% slower in these loops. Hence the packing buffers are always
 * float64 and the direct kernels exist twice (F32, F64), identical apart from their types.
 * Stores into C are polymorphic, which costs nothing measurable (once per tile).
 *
 * No globals (Math, Float32Array, ...) are touched per call: under jest's vm sandbox each global
 * lookup costs ~0.3 µs, which is more than a whole small gemm.
 *
 * The C stores are written out in every kernel instead of going through a helper: a kernel whose
 * first call is long (large k) gets optimised before its helper calls have feedback, and they then
 * stay real calls, which made small-k calls 2x slower. Likewise the strided kernels advance their
 * indices at the end of the loop body: `for (...; p++, ia += aStep)` compiled ~10% slower.
 */

const KC = 256; // depth of a packed k-block
const MC = 64; // rows of op(A) per packed block (multiple of 4)
const NC = 1024; // cols of op(B) per packed block (multiple of 4)

// Packing scratch, reused across calls; packB grows to at most KC * NC.
const packA = new Float64Array(MC * KC);
let packB = new Float64Array(4 * KC);

/**
 * C (+)= op(A) · op(B), all row-major and contiguous.
 * op(A) is m×k: A is stored m×k when !transA, k×m when transA.
 * op(B) is k×n: B is stored k×n when !transB, n×k when transB.
 * C is m×n. accumulate=false overwrites C, true adds into it.
 * a, b, c are the same array type (all Float32Array or all Float64Array); offsets are element offsets.
 *
 * Products are summed in float64; a float32 C is rounded once per call, or once per k-block of
 * ≤ 256 when the call takes the packed path.
 */
export function gemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: FloatArray, aOffset: number,
  b: FloatArray, bOffset: number,
  c: FloatArray, cOffset: number,
  accumulate: boolean,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) c.fill(0, cOffset, cOffset + m * n);
    return;
  }
  if (usePacking(transA, transB, m, n, k)) {
    gemmPacked(transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate);
  } else {
    gemmDirect(transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate);
  }
}

/**
 * Packing copies m·k + k·n elements (~1 ns each, i.e. ~2 multiply-adds) to speed up m·n·k
 * multiply-adds, so it pays when both m and n are large, or when the direct path's access
 * pattern stops fitting in cache/TLB. Thresholds measured on Zen 4 / Node 20.
 */
function usePacking(transA: boolean, transB: boolean, m: number, n: number, k: number): boolean {
  const minMN = m < n ? m : n;
  if (minMN >= 64) return true;
  if (minMN < 8) return false;
  // The direct kernels walk A and B along k with these strides: page-sized jumps thrash the TLB.
  const aStep = transA ? m : 1, bStep = transB ? 1 : n;
  const kStride = aStep > bStep ? aStep : bStep;
  if (k >= 128 && kStride >= 512) return true;
  // Direct re-reads A n/4 times and B m/4 times, which is fine while they stay in L2.
  return minMN >= 32 && m * k + k * n > 1 << 18;
}

/** Runs the tile kernels over A and B in place. */
function gemmDirect(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: FloatArray, aOffset: number,
  b: FloatArray, bOffset: number,
  c: FloatArray, cOffset: number,
  accumulate: boolean,
): void {
  // op(A)[i, p] = a[aOffset + i*aRow + p*aStep], op(B)[p, j] = b[bOffset + j*bCol + p*bStep]
  const aRow = transA ? 1 : k, aStep = transA ? m : 1;
  const bCol = transB ? k : 1, bStep = transB ? 1 : n;
  if (a.BYTES_PER_ELEMENT === 4) {
    tiles(F32, m, n, k, a as Float32Array, aOffset, aRow, aStep, b as Float32Array, bOffset, bCol, bStep,
      c, cOffset, !accumulate);
  } else {
    tiles(F64, m, n, k, a as Float64Array, aOffset, aRow, aStep, b as Float64Array, bOffset, bCol, bStep,
      c, cOffset, !accumulate);
  }
}

/** Covers the m×n matrix C (row stride n) with 4×4 tiles, and 4×1 / 1×4 / 1×1 tiles on the ragged edges. */
function tiles<T extends FloatArray>(
  ks: TileKernels<T>, m: number, n: number, k: number,
  a: T, ia: number, aRow: number, aStep: number,
  b: T, ib: number, bCol: number, bStep: number,
  c: FloatArray, ci: number, overwrite: boolean,
): void {
  const m4 = m & ~3, n4 = n & ~3;
  for (let j = 0; j < n4; j += 4) {
    const ibj = ib + j * bCol;
    for (let i = 0; i < m4; i += 4) {
      ks.t4x4(k, a, ia + i * aRow, aRow, aStep, b, ibj, bCol, bStep, c, ci + i * n + j, n, overwrite);
    }
    for (let i = m4; i < m; i++) {
      ks.t1x4(k, a, ia + i * aRow, aStep, b, ibj, bCol, bStep, c, ci + i * n + j, overwrite);
    }
  }
  for (let j = n4; j < n; j++) {
    const ibj = ib + j * bCol;
    for (let i = 0; i < m4; i += 4) {
      ks.t4x1(k, a, ia + i * aRow, aRow, aStep, b, ibj, bStep, c, ci + i * n + j, n, overwrite);
    }
    for (let i = m4; i < m; i++) {
      ks.t1x1(k, a, ia + i * aRow, aStep, b, ibj, bStep, c, ci + i * n + j, overwrite);
    }
  }
}

/**
 * For each NC-column, KC-deep block of op(B) and each MC-row block of op(A), packs both into
 * float64 micro-panels and runs the packed kernel over them.
 */
function gemmPacked(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: FloatArray, aOffset: number,
  b: FloatArray, bOffset: number,
  c: FloatArray, cOffset: number,
  accumulate: boolean,
): void {
  // equal k-blocks: a thin remainder block would be dominated by per-tile overhead
  const kBlocks = ((k + KC - 1) / KC) | 0;
  const kBlock = ((k + kBlocks - 1) / kBlocks) | 0;
  const bSize = kBlock * (n < NC ? (n + 3) & ~3 : NC);
  if (packB.length < bSize) packB = new Float64Array(bSize);
  const pa = packA, pb = packB;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = n - jc < NC ? n - jc : NC;
    for (let pc = 0; pc < k; pc += kBlock) {
      const kc = k - pc < kBlock ? k - pc : kBlock;
      packPanelsB(transB, b, bOffset, n, k, pc, jc, kc, nc, pb);
      const overwrite = !accumulate && pc === 0;
      for (let ic = 0; ic < m; ic += MC) {
        const mc = m - ic < MC ? m - ic : MC;
        packPanelsA(transA, a, aOffset, m, k, ic, pc, mc, kc, pa);
        packedBlock(mc, nc, kc, pa, pb, c, cOffset + ic * n + jc, n, overwrite);
      }
    }
  }
}

/**
 * Packs op(A)[ic:ic+mc, pc:pc+kc] into 4-row micro-panels: panel r holds, for each p, the 4
 * values op(A)[ic+4r .. ic+4r+3, pc+p] contiguously. Rows past mc are zeroed (the edge kernels never read them).
 */
function packPanelsA(
  transA: boolean, a: FloatArray, aOffset: number, m: number, k: number,
  ic: number, pc: number, mc: number, kc: number, dst: Float64Array,
): void {
  let d = 0;
  for (let i = 0; i < mc; i += 4) {
    const rows = mc - i < 4 ? mc - i : 4;
    // op(A)[ic+i+r, pc+p] = a[s + r*rowStride + p*step]
    const s = transA ? aOffset + pc * m + ic + i : aOffset + (ic + i) * k + pc;
    const rowStride = transA ? 1 : k, step = transA ? m : 1;
    d = packPanel(a, s, rowStride, step, rows, kc, dst, d);
  }
}

/**
 * Packs op(B)[pc:pc+kc, jc:jc+nc] into 4-column micro-panels: panel q holds, for each p, the 4
 * values op(B)[pc+p, jc+4q .. jc+4q+3] contiguously. Columns past nc are zeroed (never read).
 */
function packPanelsB(
  transB: boolean, b: FloatArray, bOffset: number, n: number, k: number,
  pc: number, jc: number, kc: number, nc: number, dst: Float64Array,
): void {
  let d = 0;
  for (let j = 0; j < nc; j += 4) {
    const cols = nc - j < 4 ? nc - j : 4;
    // op(B)[pc+p, jc+j+q] = b[s + q*colStride + p*step]
    const s = transB ? bOffset + (jc + j) * k + pc : bOffset + pc * n + jc + j;
    const colStride = transB ? k : 1, step = transB ? 1 : n;
    d = packPanel(b, s, colStride, step, cols, kc, dst, d);
  }
}

/**
 * Writes kc groups of 4 values to dst[d..]: group p is src[s + r*stride + p*step] for r < width,
 * then zeros. Returns the new d.
 */
function packPanel(
  src: FloatArray, s: number, stride: number, step: number, width: number, kc: number,
  dst: Float64Array, d: number,
): number {
  if (width === 4) {
    const s2 = 2 * stride, s3 = 3 * stride;
    for (let p = 0; p < kc; p++) {
      dst[d] = src[s];
      dst[d + 1] = src[s + stride];
      dst[d + 2] = src[s + s2];
      dst[d + 3] = src[s + s3];
      d += 4;
      s += step;
    }
  } else {
    for (let p = 0; p < kc; p++) {
      for (let r = 0; r < 4; r++) dst[d + r] = r < width ? src[s + r * stride] : 0;
      d += 4;
      s += step;
    }
  }
  return d;
}

/**
 * C[0:mc, 0:nc] (+)= packed A block · packed B block (c0 = offset of C[0, 0]). Full tiles use the
 * constant-offset kernel; the ragged edges use the strided F64 kernels, which skip the zero padding.
 */
function packedBlock(
  mc: number, nc: number, kc: number, pa: Float64Array, pb: Float64Array,
  c: FloatArray, c0: number, ldc: number, overwrite: boolean,
): void {
  const m4 = mc & ~3, n4 = nc & ~3;
  for (let j = 0; j < n4; j += 4) {
    const ib = j * kc;
    for (let i = 0; i < m4; i += 4) packedTile(kc, pa, i * kc, pb, ib, c, c0 + i * ldc + j, ldc, overwrite);
  }
  // Within a panel, row/column r of a tile is at offset r and each step of k advances by 4.
  for (let i = m4; i < mc; i++) {
    const ia = m4 * kc + (i - m4);
    for (let j = 0; j < n4; j += 4) F64.t1x4(kc, pa, ia, 4, pb, j * kc, 1, 4, c, c0 + i * ldc + j, overwrite);
    for (let j = n4; j < nc; j++) F64.t1x1(kc, pa, ia, 4, pb, n4 * kc + (j - n4), 4, c, c0 + i * ldc + j, overwrite);
  }
  for (let j = n4; j < nc; j++) {
    const ib = n4 * kc + (j - n4);
    for (let i = 0; i < m4; i += 4) F64.t4x1(kc, pa, i * kc, 1, 4, pb, ib, 4, c, c0 + i * ldc + j, ldc, overwrite);
  }
}

/** The hot kernel: a 4×4 tile over packed micro-panels. */
function packedTile(
  kc: number, pa: Float64Array, ia: number, pb: Float64Array, ib: number,
  c: FloatArray, ci: number, ldc: number, overwrite: boolean,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  // Both panels advance by 4 per step, so one induction variable indexes both.
  const end = ia + 4 * kc, toB = ib - ia;
  for (let q = ia; q < end; q += 4) {
    const a0 = pa[q], a1 = pa[q + 1], a2 = pa[q + 2], a3 = pa[q + 3];
    const r = q + toB;
    const b0 = pb[r], b1 = pb[r + 1], b2 = pb[r + 2], b3 = pb[r + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  if (overwrite) {
    c[ci] = c00; c[ci + 1] = c01; c[ci + 2] = c02; c[ci + 3] = c03; ci += ldc;
    c[ci] = c10; c[ci + 1] = c11; c[ci + 2] = c12; c[ci + 3] = c13; ci += ldc;
    c[ci] = c20; c[ci + 1] = c21; c[ci + 2] = c22; c[ci + 3] = c23; ci += ldc;
    c[ci] = c30; c[ci + 1] = c31; c[ci + 2] = c32; c[ci + 3] = c33;
  } else {
    c[ci] += c00; c[ci + 1] += c01; c[ci + 2] += c02; c[ci + 3] += c03; ci += ldc;
    c[ci] += c10; c[ci + 1] += c11; c[ci + 2] += c12; c[ci + 3] += c13; ci += ldc;
    c[ci] += c20; c[ci + 1] += c21; c[ci + 2] += c22; c[ci + 3] += c23; ci += ldc;
    c[ci] += c30; c[ci + 1] += c31; c[ci + 2] += c32; c[ci + 3] += c33;
  }
}

/**
 * Strided tile kernels: C[i+r, j+q] (+)= Σ_p op(A)[i+r, p] · op(B)[p, j+q] over a 4×4, 4×1, 1×4
 * or 1×1 tile, where op(A)[i+r, p] = a[ia + r*aRow + p*aStep] and op(B)[p, j+q] =
 * b[ib + q*bCol + p*bStep]; ci is the offset of C[i, j] and ldc its row stride.
 */
interface TileKernels<T extends FloatArray> {
  t4x4(k: number, a: T, ia: number, aRow: number, aStep: number, b: T, ib: number, bCol: number, bStep: number,
    c: FloatArray, ci: number, ldc: number, overwrite: boolean): void;
  t4x1(k: number, a: T, ia: number, aRow: number, aStep: number, b: T, ib: number, bStep: number,
    c: FloatArray, ci: number, ldc: number, overwrite: boolean): void;
  t1x4(k: number, a: T, ia: number, aStep: number, b: T, ib: number, bCol: number, bStep: number,
    c: FloatArray, ci: number, overwrite: boolean): void;
  t1x1(k: number, a: T, ia: number, aStep: number, b: T, ib: number, bStep: number,
    c: FloatArray, ci: number, overwrite: boolean): void;
}

// F64 and F32 must stay identical apart from their type parameter (see the design note at the top).

const F64: TileKernels<Float64Array> = {
  t4x4(k, a, ia, aRow, aStep, b, ib, bCol, bStep, c, ci, ldc, overwrite) {
    const ar2 = 2 * aRow, ar3 = 3 * aRow, bc2 = 2 * bCol, bc3 = 3 * bCol;
    let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
    let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
    for (let p = 0; p < k; p++) {
      const a0 = a[ia], a1 = a[ia + aRow], a2 = a[ia + ar2], a3 = a[ia + ar3];
      const b0 = b[ib], b1 = b[ib + bCol], b2 = b[ib + bc2], b3 = b[ib + bc3];
      c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
      c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
      c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
      c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      ia += aStep;
      ib += bStep;
    }
    if (overwrite) {
      c[ci] = c00; c[ci + 1] = c01; c[ci + 2] = c02; c[ci + 3] = c03; ci += ldc;
      c[ci] = c10; c[ci + 1] = c11; c[ci + 2] = c12; c[ci + 3] = c13; ci += ldc;
      c[ci] = c20; c[ci + 1] = c21; c[ci + 2] = c22; c[ci + 3] = c23; ci += ldc;
      c[ci] = c30; c[ci + 1] = c31; c[ci + 2] = c32; c[ci + 3] = c33;
    } else {
      c[ci] += c00; c[ci + 1] += c01; c[ci + 2] += c02; c[ci + 3] += c03; ci += ldc;
      c[ci] += c10; c[ci + 1] += c11; c[ci + 2] += c12; c[ci + 3] += c13; ci += ldc;
      c[ci] += c20; c[ci + 1] += c21; c[ci + 2] += c22; c[ci + 3] += c23; ci += ldc;
      c[ci] += c30; c[ci + 1] += c31; c[ci + 2] += c32; c[ci + 3] += c33;
    }
  },
  t4x1(k, a, ia, aRow, aStep, b, ib, bStep, c, ci, ldc, overwrite) {
    const ar2 = 2 * aRow, ar3 = 3 * aRow;
    let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
    for (let p = 0; p < k; p++) {
      const bv = b[ib];
      c0 += a[ia] * bv; c1 += a[ia + aRow] * bv; c2 += a[ia + ar2] * bv; c3 += a[ia + ar3] * bv;
      ia += aStep;
      ib += bStep;
    }
    const r1 = ci + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
    if (overwrite) {
      c[ci] = c0; c[r1] = c1; c[r2] = c2; c[r3] = c3;
    } else {
      c[ci] += c0; c[r1] += c1; c[r2] += c2; c[r3] += c3;
    }
  },
  t1x4(k, a, ia, aStep, b, ib, bCol, bStep, c, ci, overwrite) {
    const bc2 = 2 * bCol, bc3 = 3 * bCol;
    let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
    for (let p = 0; p < k; p++) {
      const av = a[ia];
      c0 += av * b[ib]; c1 += av * b[ib + bCol]; c2 += av * b[ib + bc2]; c3 += av * b[ib + bc3];
      ia += aStep;
      ib += bStep;
    }
    if (overwrite) {
      c[ci] = c0; c[ci + 1] = c1; c[ci + 2] = c2; c[ci + 3] = c3;
    } else {
      c[ci] += c0; c[ci + 1] += c1; c[ci + 2] += c2; c[ci + 3] += c3;
    }
  },
  t1x1(k, a, ia, aStep, b, ib, bStep, c, ci, overwrite) {
    let s = 0;
    for (let p = 0; p < k; p++) {
      s += a[ia] * b[ib];
      ia += aStep;
      ib += bStep;
    }
    c[ci] = overwrite ? s : c[ci] + s;
  },
};

const F32: TileKernels<Float32Array> = {
  t4x4(k, a, ia, aRow, aStep, b, ib, bCol, bStep, c, ci, ldc, overwrite) {
    const ar2 = 2 * aRow, ar3 = 3 * aRow, bc2 = 2 * bCol, bc3 = 3 * bCol;
    let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
    let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
    for (let p = 0; p < k; p++) {
      const a0 = a[ia], a1 = a[ia + aRow], a2 = a[ia + ar2], a3 = a[ia + ar3];
      const b0 = b[ib], b1 = b[ib + bCol], b2 = b[ib + bc2], b3 = b[ib + bc3];
      c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
      c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
      c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
      c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      ia += aStep;
      ib += bStep;
    }
    if (overwrite) {
      c[ci] = c00; c[ci + 1] = c01; c[ci + 2] = c02; c[ci + 3] = c03; ci += ldc;
      c[ci] = c10; c[ci + 1] = c11; c[ci + 2] = c12; c[ci + 3] = c13; ci += ldc;
      c[ci] = c20; c[ci + 1] = c21; c[ci + 2] = c22; c[ci + 3] = c23; ci += ldc;
      c[ci] = c30; c[ci + 1] = c31; c[ci + 2] = c32; c[ci + 3] = c33;
    } else {
      c[ci] += c00; c[ci + 1] += c01; c[ci + 2] += c02; c[ci + 3] += c03; ci += ldc;
      c[ci] += c10; c[ci + 1] += c11; c[ci + 2] += c12; c[ci + 3] += c13; ci += ldc;
      c[ci] += c20; c[ci + 1] += c21; c[ci + 2] += c22; c[ci + 3] += c23; ci += ldc;
      c[ci] += c30; c[ci + 1] += c31; c[ci + 2] += c32; c[ci + 3] += c33;
    }
  },
  t4x1(k, a, ia, aRow, aStep, b, ib, bStep, c, ci, ldc, overwrite) {
    const ar2 = 2 * aRow, ar3 = 3 * aRow;
    let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
    for (let p = 0; p < k; p++) {
      const bv = b[ib];
      c0 += a[ia] * bv; c1 += a[ia + aRow] * bv; c2 += a[ia + ar2] * bv; c3 += a[ia + ar3] * bv;
      ia += aStep;
      ib += bStep;
    }
    const r1 = ci + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
    if (overwrite) {
      c[ci] = c0; c[r1] = c1; c[r2] = c2; c[r3] = c3;
    } else {
      c[ci] += c0; c[r1] += c1; c[r2] += c2; c[r3] += c3;
    }
  },
  t1x4(k, a, ia, aStep, b, ib, bCol, bStep, c, ci, overwrite) {
    const bc2 = 2 * bCol, bc3 = 3 * bCol;
    let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
    for (let p = 0; p < k; p++) {
      const av = a[ia];
      c0 += av * b[ib]; c1 += av * b[ib + bCol]; c2 += av * b[ib + bc2]; c3 += av * b[ib + bc3];
      ia += aStep;
      ib += bStep;
    }
    if (overwrite) {
      c[ci] = c0; c[ci + 1] = c1; c[ci + 2] = c2; c[ci + 3] = c3;
    } else {
      c[ci] += c0; c[ci + 1] += c1; c[ci + 2] += c2; c[ci + 3] += c3;
    }
  },
  t1x1(k, a, ia, aStep, b, ib, bStep, c, ci, overwrite) {
    let s = 0;
    for (let p = 0; p < k; p++) {
      s += a[ia] * b[ib];
      ia += aStep;
      ib += bStep;
    }
    c[ci] = overwrite ? s : c[ci] + s;
  },
};
