export type FloatArray = Float32Array | Float64Array;

/*
 * Design. Everything is computed in register tiles: float64 accumulators in locals, C written once
 * per tile. The main tile is 4×4 (8 loads and 16 multiply-adds per step of k); a narrow C gets tiles
 * as wide as its columns (4×2, 4×3, 4×5, and 8×1 for a matrix-vector product), so that A is read
 * once: for x·Wᵀ of a 5-unit layer, 4×5 tiles take 9 loads per 20 multiply-adds where 4×4 + 4×1 took
 * 13, ~15% faster (4×6 and 4×7 tiles gained < 8% over 4×4 + 4×2 / 4×3, 4×8 nothing, so they are
 * left out). Two ways to feed the tiles:
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
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  aOffset: number,
  b: FloatArray,
  bOffset: number,
  c: FloatArray,
  cOffset: number,
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
  const aStep = transA ? m : 1,
    bStep = transB ? 1 : n;
  const kStride = aStep > bStep ? aStep : bStep;
  if (k >= 128 && kStride >= 512) return true;
  // Direct re-reads A n/4 times and B m/4 times, which is fine while they stay in L2.
  return minMN >= 32 && m * k + k * n > 1 << 18;
}

/** Runs the tile kernels over A and B in place. */
function gemmDirect(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  aOffset: number,
  b: FloatArray,
  bOffset: number,
  c: FloatArray,
  cOffset: number,
  accumulate: boolean,
): void {
  // op(A)[i, p] = a[aOffset + i*aRow + p*aStep], op(B)[p, j] = b[bOffset + j*bCol + p*bStep]
  const aRow = transA ? 1 : k,
    aStep = transA ? m : 1;
  const bCol = transB ? k : 1,
    bStep = transB ? 1 : n;
  if (a.BYTES_PER_ELEMENT === 4) {
    tiles(F32, m, n, k, a as Float32Array, aOffset, aRow, aStep, b as Float32Array, bOffset, bCol, bStep, c, cOffset, !accumulate);
  } else {
    tiles(F64, m, n, k, a as Float64Array, aOffset, aRow, aStep, b as Float64Array, bOffset, bCol, bStep, c, cOffset, !accumulate);
  }
}

/**
 * Covers the m×n matrix C with tiles. When m < n and m is not a multiple of 4 (e.g. the weight
 * gradient gᵀ·x of a 5-unit layer, m = 5), C is covered as its transpose Cᵀ = op(B)ᵀ·op(A)ᵀ, so that
 * the ragged side is the columns, where `cover` handles it best: a tile kernel run with A and B
 * swapped, and C's strides swapped, writes the transposed tile.
 */
function tiles<T extends FloatArray>(
  ks: TileKernels<T>,
  m: number,
  n: number,
  k: number,
  a: T,
  ia: number,
  aRow: number,
  aStep: number,
  b: T,
  ib: number,
  bCol: number,
  bStep: number,
  c: FloatArray,
  ci: number,
  overwrite: boolean,
): void {
  if (m < n && (m & 3) !== 0) cover(ks, n, m, k, b, ib, bCol, bStep, a, ia, aRow, aStep, c, ci, 1, n, overwrite);
  else cover(ks, m, n, k, a, ia, aRow, aStep, b, ib, bCol, bStep, c, ci, n, 1, overwrite);
}

/**
 * Covers the m×n matrix C (C[i, j] at c[ci + i*cRow + j*cCol]) with register tiles: 4×4 tiles, then
 * the last 2, 3 or 5 columns in one 4-row tile (a whole row of a narrow C is one tile, so A is read
 * once: n = 5 costs 9 loads per 20 multiply-adds instead of 13), the last 1-3 rows as transposed
 * tiles, and a single column with 8×1 matrix-vector tiles.
 */
function cover<T extends FloatArray>(
  ks: TileKernels<T>,
  m: number,
  n: number,
  k: number,
  a: T,
  ia: number,
  aRow: number,
  aStep: number,
  b: T,
  ib: number,
  bCol: number,
  bStep: number,
  c: FloatArray,
  ci: number,
  cRow: number,
  cCol: number,
  overwrite: boolean,
): void {
  if (n === 1) {
    let i = 0;
    for (; i + 8 <= m; i += 8) ks.t8x1(k, a, ia + i * aRow, aRow, aStep, b, ib, bStep, c, ci + i * cRow, cRow, overwrite);
    if (i + 4 <= m) {
      ks.t4x1(k, a, ia + i * aRow, aRow, aStep, b, ib, bStep, c, ci + i * cRow, cRow, overwrite);
      i += 4;
    }
    for (; i < m; i++) ks.t1x1(k, a, ia + i * aRow, aStep, b, ib, bStep, c, ci + i * cRow, overwrite);
    return;
  }
  const m4 = m & ~3,
    rows = m - m4;
  const rest = n & 3;
  const n4 = rest === 1 ? n - 5 : n - rest; // a single leftover column joins the last 4 (n >= 5 here)
  for (let j = 0; j < n4; j += 4) {
    const ibj = ib + j * bCol,
      cj = ci + j * cCol;
    for (let i = 0; i < m4; i += 4) {
      ks.t4x4(k, a, ia + i * aRow, aRow, aStep, b, ibj, bCol, bStep, c, cj + i * cRow, cRow, cCol, overwrite);
    }
    if (rows !== 0) {
      // rows × 4 as the transposed 4 × rows tile
      const iam = ia + m4 * aRow,
        cm = cj + m4 * cRow;
      if (rows === 1) ks.t4x1(k, b, ibj, bCol, bStep, a, iam, aStep, c, cm, cCol, overwrite);
      else if (rows === 2) ks.t4x2(k, b, ibj, bCol, bStep, a, iam, aRow, aStep, c, cm, cCol, cRow, overwrite);
      else ks.t4x3(k, b, ibj, bCol, bStep, a, iam, aRow, aStep, c, cm, cCol, cRow, overwrite);
    }
  }
  const w = n - n4;
  if (w === 0) return;
  const ibj = ib + n4 * bCol,
    cj = ci + n4 * cCol;
  for (let i = 0; i < m4; i += 4) {
    const iai = ia + i * aRow,
      cij = cj + i * cRow;
    if (w === 5) ks.t4x5(k, a, iai, aRow, aStep, b, ibj, bCol, bStep, c, cij, cRow, cCol, overwrite);
    else if (w === 3) ks.t4x3(k, a, iai, aRow, aStep, b, ibj, bCol, bStep, c, cij, cRow, cCol, overwrite);
    else ks.t4x2(k, a, iai, aRow, aStep, b, ibj, bCol, bStep, c, cij, cRow, cCol, overwrite);
  }
  for (let i = m4; i < m; i++) {
    for (let j = 0; j < w; j++) {
      ks.t1x1(k, a, ia + i * aRow, aStep, b, ibj + j * bCol, bStep, c, cj + i * cRow + j * cCol, overwrite);
    }
  }
}

/**
 * For each NC-column, KC-deep block of op(B) and each MC-row block of op(A), packs both into
 * float64 micro-panels and runs the packed kernel over them.
 */
function gemmPacked(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  aOffset: number,
  b: FloatArray,
  bOffset: number,
  c: FloatArray,
  cOffset: number,
  accumulate: boolean,
): void {
  // equal k-blocks: a thin remainder block would be dominated by per-tile overhead
  const kBlocks = ((k + KC - 1) / KC) | 0;
  const kBlock = ((k + kBlocks - 1) / kBlocks) | 0;
  const bSize = kBlock * (n < NC ? (n + 3) & ~3 : NC);
  if (packB.length < bSize) packB = new Float64Array(bSize);
  const pa = packA,
    pb = packB;
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
  transA: boolean,
  a: FloatArray,
  aOffset: number,
  m: number,
  k: number,
  ic: number,
  pc: number,
  mc: number,
  kc: number,
  dst: Float64Array,
): void {
  let d = 0;
  for (let i = 0; i < mc; i += 4) {
    const rows = mc - i < 4 ? mc - i : 4;
    // op(A)[ic+i+r, pc+p] = a[s + r*rowStride + p*step]
    const s = transA ? aOffset + pc * m + ic + i : aOffset + (ic + i) * k + pc;
    const rowStride = transA ? 1 : k,
      step = transA ? m : 1;
    d = packPanel(a, s, rowStride, step, rows, kc, dst, d);
  }
}

/**
 * Packs op(B)[pc:pc+kc, jc:jc+nc] into 4-column micro-panels: panel q holds, for each p, the 4
 * values op(B)[pc+p, jc+4q .. jc+4q+3] contiguously. Columns past nc are zeroed (never read).
 */
function packPanelsB(
  transB: boolean,
  b: FloatArray,
  bOffset: number,
  n: number,
  k: number,
  pc: number,
  jc: number,
  kc: number,
  nc: number,
  dst: Float64Array,
): void {
  let d = 0;
  for (let j = 0; j < nc; j += 4) {
    const cols = nc - j < 4 ? nc - j : 4;
    // op(B)[pc+p, jc+j+q] = b[s + q*colStride + p*step]
    const s = transB ? bOffset + (jc + j) * k + pc : bOffset + pc * n + jc + j;
    const colStride = transB ? k : 1,
      step = transB ? 1 : n;
    d = packPanel(b, s, colStride, step, cols, kc, dst, d);
  }
}

/**
 * Writes kc groups of 4 values to dst[d..]: group p is src[s + r*stride + p*step] for r < width,
 * then zeros. Returns the new d.
 */
function packPanel(src: FloatArray, s: number, stride: number, step: number, width: number, kc: number, dst: Float64Array, d: number): number {
  if (width === 4) {
    const s2 = 2 * stride,
      s3 = 3 * stride;
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
function packedBlock(mc: number, nc: number, kc: number, pa: Float64Array, pb: Float64Array, c: FloatArray, c0: number, ldc: number, overwrite: boolean): void {
  const m4 = mc & ~3,
    n4 = nc & ~3;
  for (let j = 0; j < n4; j += 4) {
    const ib = j * kc;
    for (let i = 0; i < m4; i += 4) packedTile(kc, pa, i * kc, pb, ib, c, c0 + i * ldc + j, ldc, overwrite);
  }
  // Within a panel, row/column r of a tile is at offset r and each step of k advances by 4. A single
  // row of 4 columns is the transposed 4×1 tile.
  for (let i = m4; i < mc; i++) {
    const ia = m4 * kc + (i - m4);
    for (let j = 0; j < n4; j += 4) F64.t4x1(kc, pb, j * kc, 1, 4, pa, ia, 4, c, c0 + i * ldc + j, 1, overwrite);
    for (let j = n4; j < nc; j++) F64.t1x1(kc, pa, ia, 4, pb, n4 * kc + (j - n4), 4, c, c0 + i * ldc + j, overwrite);
  }
  for (let j = n4; j < nc; j++) {
    const ib = n4 * kc + (j - n4);
    for (let i = 0; i < m4; i += 4) F64.t4x1(kc, pa, i * kc, 1, 4, pb, ib, 4, c, c0 + i * ldc + j, ldc, overwrite);
  }
}

/** The hot kernel: a 4×4 tile over packed micro-panels. */
function packedTile(kc: number, pa: Float64Array, ia: number, pb: Float64Array, ib: number, c: FloatArray, ci: number, ldc: number, overwrite: boolean): void {
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0,
    c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0,
    c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  // Both panels advance by 4 per step, so one induction variable indexes both.
  const end = ia + 4 * kc,
    toB = ib - ia;
  for (let q = ia; q < end; q += 4) {
    const a0 = pa[q],
      a1 = pa[q + 1],
      a2 = pa[q + 2],
      a3 = pa[q + 3];
    const r = q + toB;
    const b0 = pb[r],
      b1 = pb[r + 1],
      b2 = pb[r + 2],
      b3 = pb[r + 3];
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
  }
  if (overwrite) {
    c[ci] = c00;
    c[ci + 1] = c01;
    c[ci + 2] = c02;
    c[ci + 3] = c03;
    ci += ldc;
    c[ci] = c10;
    c[ci + 1] = c11;
    c[ci + 2] = c12;
    c[ci + 3] = c13;
    ci += ldc;
    c[ci] = c20;
    c[ci + 1] = c21;
    c[ci + 2] = c22;
    c[ci + 3] = c23;
    ci += ldc;
    c[ci] = c30;
    c[ci + 1] = c31;
    c[ci + 2] = c32;
    c[ci + 3] = c33;
  } else {
    c[ci] += c00;
    c[ci + 1] += c01;
    c[ci + 2] += c02;
    c[ci + 3] += c03;
    ci += ldc;
    c[ci] += c10;
    c[ci + 1] += c11;
    c[ci + 2] += c12;
    c[ci + 3] += c13;
    ci += ldc;
    c[ci] += c20;
    c[ci + 1] += c21;
    c[ci + 2] += c22;
    c[ci + 3] += c23;
    ci += ldc;
    c[ci] += c30;
    c[ci + 1] += c31;
    c[ci + 2] += c32;
    c[ci + 3] += c33;
  }
}

/**
 * Strided tile kernels: C[i+r, j+q] (+)= Σ_p op(A)[i+r, p] · op(B)[p, j+q] over an R×Q tile, where
 * op(A)[i+r, p] = a[ia + r*aRow + p*aStep], op(B)[p, j+q] = b[ib + q*bCol + p*bStep] and
 * C[i+r, j+q] = c[ci + r*cRow + q*cCol].
 */
interface TileKernels<T extends FloatArray> {
  t4x4(
    k: number,
    a: T,
    ia: number,
    aRow: number,
    aStep: number,
    b: T,
    ib: number,
    bCol: number,
    bStep: number,
    c: FloatArray,
    ci: number,
    cRow: number,
    cCol: number,
    overwrite: boolean,
  ): void;
  t4x5(
    k: number,
    a: T,
    ia: number,
    aRow: number,
    aStep: number,
    b: T,
    ib: number,
    bCol: number,
    bStep: number,
    c: FloatArray,
    ci: number,
    cRow: number,
    cCol: number,
    overwrite: boolean,
  ): void;
  t4x3(
    k: number,
    a: T,
    ia: number,
    aRow: number,
    aStep: number,
    b: T,
    ib: number,
    bCol: number,
    bStep: number,
    c: FloatArray,
    ci: number,
    cRow: number,
    cCol: number,
    overwrite: boolean,
  ): void;
  t4x2(
    k: number,
    a: T,
    ia: number,
    aRow: number,
    aStep: number,
    b: T,
    ib: number,
    bCol: number,
    bStep: number,
    c: FloatArray,
    ci: number,
    cRow: number,
    cCol: number,
    overwrite: boolean,
  ): void;
  t8x1(
    k: number,
    a: T,
    ia: number,
    aRow: number,
    aStep: number,
    b: T,
    ib: number,
    bStep: number,
    c: FloatArray,
    ci: number,
    cRow: number,
    overwrite: boolean,
  ): void;
  t4x1(
    k: number,
    a: T,
    ia: number,
    aRow: number,
    aStep: number,
    b: T,
    ib: number,
    bStep: number,
    c: FloatArray,
    ci: number,
    cRow: number,
    overwrite: boolean,
  ): void;
  t1x1(k: number, a: T, ia: number, aStep: number, b: T, ib: number, bStep: number, c: FloatArray, ci: number, overwrite: boolean): void;
}

// F64 and F32 must stay identical apart from their type parameter (see the design note at the top).

const F64: TileKernels<Float64Array> = {
  t4x4(k, a, ia, aRow, aStep, b, ib, bCol, bStep, c, ci, cRow, cCol, overwrite) {
    const ar2 = 2 * aRow,
      ar3 = 3 * aRow,
      bc2 = 2 * bCol,
      bc3 = 3 * bCol;
    let c00 = 0,
      c01 = 0,
      c02 = 0,
      c03 = 0,
      c10 = 0,
      c11 = 0,
      c12 = 0,
      c13 = 0;
    let c20 = 0,
      c21 = 0,
      c22 = 0,
      c23 = 0,
      c30 = 0,
      c31 = 0,
      c32 = 0,
      c33 = 0;
    for (let p = 0; p < k; p++) {
      const a0 = a[ia],
        a1 = a[ia + aRow],
        a2 = a[ia + ar2],
        a3 = a[ia + ar3];
      const b0 = b[ib],
        b1 = b[ib + bCol],
        b2 = b[ib + bc2],
        b3 = b[ib + bc3];
      c00 += a0 * b0;
      c01 += a0 * b1;
      c02 += a0 * b2;
      c03 += a0 * b3;
      c10 += a1 * b0;
      c11 += a1 * b1;
      c12 += a1 * b2;
      c13 += a1 * b3;
      c20 += a2 * b0;
      c21 += a2 * b1;
      c22 += a2 * b2;
      c23 += a2 * b3;
      c30 += a3 * b0;
      c31 += a3 * b1;
      c32 += a3 * b2;
      c33 += a3 * b3;
      ia += aStep;
      ib += bStep;
    }
    const q1 = cCol,
      q2 = 2 * cCol,
      q3 = 3 * cCol;
    if (overwrite) {
      c[ci] = c00;
      c[ci + q1] = c01;
      c[ci + q2] = c02;
      c[ci + q3] = c03;
      ci += cRow;
      c[ci] = c10;
      c[ci + q1] = c11;
      c[ci + q2] = c12;
      c[ci + q3] = c13;
      ci += cRow;
      c[ci] = c20;
      c[ci + q1] = c21;
      c[ci + q2] = c22;
      c[ci + q3] = c23;
      ci += cRow;
      c[ci] = c30;
      c[ci + q1] = c31;
      c[ci + q2] = c32;
      c[ci + q3] = c33;
    } else {
      c[ci] += c00;
      c[ci + q1] += c01;
      c[ci + q2] += c02;
      c[ci + q3] += c03;
      ci += cRow;
      c[ci] += c10;
      c[ci + q1] += c11;
      c[ci + q2] += c12;
      c[ci + q3] += c13;
      ci += cRow;
      c[ci] += c20;
      c[ci + q1] += c21;
      c[ci + q2] += c22;
      c[ci + q3] += c23;
      ci += cRow;
      c[ci] += c30;
      c[ci + q1] += c31;
      c[ci + q2] += c32;
      c[ci + q3] += c33;
    }
  },
  t4x5(k, a, ia, aRow, aStep, b, ib, bCol, bStep, c, ci, cRow, cCol, overwrite) {
    const ar2 = 2 * aRow,
      ar3 = 3 * aRow,
      bc2 = 2 * bCol,
      bc3 = 3 * bCol,
      bc4 = 4 * bCol;
    let c00 = 0,
      c01 = 0,
      c02 = 0,
      c03 = 0,
      c04 = 0,
      c10 = 0,
      c11 = 0,
      c12 = 0,
      c13 = 0,
      c14 = 0;
    let c20 = 0,
      c21 = 0,
      c22 = 0,
      c23 = 0,
      c24 = 0,
      c30 = 0,
      c31 = 0,
      c32 = 0,
      c33 = 0,
      c34 = 0;
    for (let p = 0; p < k; p++) {
      const b0 = b[ib],
        b1 = b[ib + bCol],
        b2 = b[ib + bc2],
        b3 = b[ib + bc3],
        b4 = b[ib + bc4];
      let av = a[ia];
      c00 += av * b0;
      c01 += av * b1;
      c02 += av * b2;
      c03 += av * b3;
      c04 += av * b4;
      av = a[ia + aRow];
      c10 += av * b0;
      c11 += av * b1;
      c12 += av * b2;
      c13 += av * b3;
      c14 += av * b4;
      av = a[ia + ar2];
      c20 += av * b0;
      c21 += av * b1;
      c22 += av * b2;
      c23 += av * b3;
      c24 += av * b4;
      av = a[ia + ar3];
      c30 += av * b0;
      c31 += av * b1;
      c32 += av * b2;
      c33 += av * b3;
      c34 += av * b4;
      ia += aStep;
      ib += bStep;
    }
    const q1 = cCol,
      q2 = 2 * cCol,
      q3 = 3 * cCol,
      q4 = 4 * cCol;
    if (overwrite) {
      c[ci] = c00;
      c[ci + q1] = c01;
      c[ci + q2] = c02;
      c[ci + q3] = c03;
      c[ci + q4] = c04;
      ci += cRow;
      c[ci] = c10;
      c[ci + q1] = c11;
      c[ci + q2] = c12;
      c[ci + q3] = c13;
      c[ci + q4] = c14;
      ci += cRow;
      c[ci] = c20;
      c[ci + q1] = c21;
      c[ci + q2] = c22;
      c[ci + q3] = c23;
      c[ci + q4] = c24;
      ci += cRow;
      c[ci] = c30;
      c[ci + q1] = c31;
      c[ci + q2] = c32;
      c[ci + q3] = c33;
      c[ci + q4] = c34;
    } else {
      c[ci] += c00;
      c[ci + q1] += c01;
      c[ci + q2] += c02;
      c[ci + q3] += c03;
      c[ci + q4] += c04;
      ci += cRow;
      c[ci] += c10;
      c[ci + q1] += c11;
      c[ci + q2] += c12;
      c[ci + q3] += c13;
      c[ci + q4] += c14;
      ci += cRow;
      c[ci] += c20;
      c[ci + q1] += c21;
      c[ci + q2] += c22;
      c[ci + q3] += c23;
      c[ci + q4] += c24;
      ci += cRow;
      c[ci] += c30;
      c[ci + q1] += c31;
      c[ci + q2] += c32;
      c[ci + q3] += c33;
      c[ci + q4] += c34;
    }
  },
  t4x3(k, a, ia, aRow, aStep, b, ib, bCol, bStep, c, ci, cRow, cCol, overwrite) {
    const ar2 = 2 * aRow,
      ar3 = 3 * aRow,
      bc2 = 2 * bCol;
    let c00 = 0,
      c01 = 0,
      c02 = 0,
      c10 = 0,
      c11 = 0,
      c12 = 0,
      c20 = 0,
      c21 = 0,
      c22 = 0,
      c30 = 0,
      c31 = 0,
      c32 = 0;
    for (let p = 0; p < k; p++) {
      const a0 = a[ia],
        a1 = a[ia + aRow],
        a2 = a[ia + ar2],
        a3 = a[ia + ar3];
      const b0 = b[ib],
        b1 = b[ib + bCol],
        b2 = b[ib + bc2];
      c00 += a0 * b0;
      c01 += a0 * b1;
      c02 += a0 * b2;
      c10 += a1 * b0;
      c11 += a1 * b1;
      c12 += a1 * b2;
      c20 += a2 * b0;
      c21 += a2 * b1;
      c22 += a2 * b2;
      c30 += a3 * b0;
      c31 += a3 * b1;
      c32 += a3 * b2;
      ia += aStep;
      ib += bStep;
    }
    const q1 = cCol,
      q2 = 2 * cCol;
    if (overwrite) {
      c[ci] = c00;
      c[ci + q1] = c01;
      c[ci + q2] = c02;
      ci += cRow;
      c[ci] = c10;
      c[ci + q1] = c11;
      c[ci + q2] = c12;
      ci += cRow;
      c[ci] = c20;
      c[ci + q1] = c21;
      c[ci + q2] = c22;
      ci += cRow;
      c[ci] = c30;
      c[ci + q1] = c31;
      c[ci + q2] = c32;
    } else {
      c[ci] += c00;
      c[ci + q1] += c01;
      c[ci + q2] += c02;
      ci += cRow;
      c[ci] += c10;
      c[ci + q1] += c11;
      c[ci + q2] += c12;
      ci += cRow;
      c[ci] += c20;
      c[ci + q1] += c21;
      c[ci + q2] += c22;
      ci += cRow;
      c[ci] += c30;
      c[ci + q1] += c31;
      c[ci + q2] += c32;
    }
  },
  t4x2(k, a, ia, aRow, aStep, b, ib, bCol, bStep, c, ci, cRow, cCol, overwrite) {
    const ar2 = 2 * aRow,
      ar3 = 3 * aRow;
    let c00 = 0,
      c01 = 0,
      c10 = 0,
      c11 = 0,
      c20 = 0,
      c21 = 0,
      c30 = 0,
      c31 = 0;
    for (let p = 0; p < k; p++) {
      const a0 = a[ia],
        a1 = a[ia + aRow],
        a2 = a[ia + ar2],
        a3 = a[ia + ar3];
      const b0 = b[ib],
        b1 = b[ib + bCol];
      c00 += a0 * b0;
      c01 += a0 * b1;
      c10 += a1 * b0;
      c11 += a1 * b1;
      c20 += a2 * b0;
      c21 += a2 * b1;
      c30 += a3 * b0;
      c31 += a3 * b1;
      ia += aStep;
      ib += bStep;
    }
    if (overwrite) {
      c[ci] = c00;
      c[ci + cCol] = c01;
      ci += cRow;
      c[ci] = c10;
      c[ci + cCol] = c11;
      ci += cRow;
      c[ci] = c20;
      c[ci + cCol] = c21;
      ci += cRow;
      c[ci] = c30;
      c[ci + cCol] = c31;
    } else {
      c[ci] += c00;
      c[ci + cCol] += c01;
      ci += cRow;
      c[ci] += c10;
      c[ci + cCol] += c11;
      ci += cRow;
      c[ci] += c20;
      c[ci + cCol] += c21;
      ci += cRow;
      c[ci] += c30;
      c[ci + cCol] += c31;
    }
  },
  t8x1(k, a, ia, aRow, aStep, b, ib, bStep, c, ci, cRow, overwrite) {
    const ar2 = 2 * aRow,
      ar3 = 3 * aRow,
      ar4 = 4 * aRow,
      ar5 = 5 * aRow,
      ar6 = 6 * aRow,
      ar7 = 7 * aRow;
    let c0 = 0,
      c1 = 0,
      c2 = 0,
      c3 = 0,
      c4 = 0,
      c5 = 0,
      c6 = 0,
      c7 = 0;
    for (let p = 0; p < k; p++) {
      const bv = b[ib];
      c0 += a[ia] * bv;
      c1 += a[ia + aRow] * bv;
      c2 += a[ia + ar2] * bv;
      c3 += a[ia + ar3] * bv;
      c4 += a[ia + ar4] * bv;
      c5 += a[ia + ar5] * bv;
      c6 += a[ia + ar6] * bv;
      c7 += a[ia + ar7] * bv;
      ia += aStep;
      ib += bStep;
    }
    const r1 = ci + cRow,
      r2 = r1 + cRow,
      r3 = r2 + cRow,
      r4 = r3 + cRow,
      r5 = r4 + cRow,
      r6 = r5 + cRow,
      r7 = r6 + cRow;
    if (overwrite) {
      c[ci] = c0;
      c[r1] = c1;
      c[r2] = c2;
      c[r3] = c3;
      c[r4] = c4;
      c[r5] = c5;
      c[r6] = c6;
      c[r7] = c7;
    } else {
      c[ci] += c0;
      c[r1] += c1;
      c[r2] += c2;
      c[r3] += c3;
      c[r4] += c4;
      c[r5] += c5;
      c[r6] += c6;
      c[r7] += c7;
    }
  },
  t4x1(k, a, ia, aRow, aStep, b, ib, bStep, c, ci, cRow, overwrite) {
    const ar2 = 2 * aRow,
      ar3 = 3 * aRow;
    let c0 = 0,
      c1 = 0,
      c2 = 0,
      c3 = 0;
    for (let p = 0; p < k; p++) {
      const bv = b[ib];
      c0 += a[ia] * bv;
      c1 += a[ia + aRow] * bv;
      c2 += a[ia + ar2] * bv;
      c3 += a[ia + ar3] * bv;
      ia += aStep;
      ib += bStep;
    }
    const r1 = ci + cRow,
      r2 = r1 + cRow,
      r3 = r2 + cRow;
    if (overwrite) {
      c[ci] = c0;
      c[r1] = c1;
      c[r2] = c2;
      c[r3] = c3;
    } else {
      c[ci] += c0;
      c[r1] += c1;
      c[r2] += c2;
      c[r3] += c3;
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
  t4x4(k, a, ia, aRow, aStep, b, ib, bCol, bStep, c, ci, cRow, cCol, overwrite) {
    const ar2 = 2 * aRow,
      ar3 = 3 * aRow,
      bc2 = 2 * bCol,
      bc3 = 3 * bCol;
    let c00 = 0,
      c01 = 0,
      c02 = 0,
      c03 = 0,
      c10 = 0,
      c11 = 0,
      c12 = 0,
      c13 = 0;
    let c20 = 0,
      c21 = 0,
      c22 = 0,
      c23 = 0,
      c30 = 0,
      c31 = 0,
      c32 = 0,
      c33 = 0;
    for (let p = 0; p < k; p++) {
      const a0 = a[ia],
        a1 = a[ia + aRow],
        a2 = a[ia + ar2],
        a3 = a[ia + ar3];
      const b0 = b[ib],
        b1 = b[ib + bCol],
        b2 = b[ib + bc2],
        b3 = b[ib + bc3];
      c00 += a0 * b0;
      c01 += a0 * b1;
      c02 += a0 * b2;
      c03 += a0 * b3;
      c10 += a1 * b0;
      c11 += a1 * b1;
      c12 += a1 * b2;
      c13 += a1 * b3;
      c20 += a2 * b0;
      c21 += a2 * b1;
      c22 += a2 * b2;
      c23 += a2 * b3;
      c30 += a3 * b0;
      c31 += a3 * b1;
      c32 += a3 * b2;
      c33 += a3 * b3;
      ia += aStep;
      ib += bStep;
    }
    const q1 = cCol,
      q2 = 2 * cCol,
      q3 = 3 * cCol;
    if (overwrite) {
      c[ci] = c00;
      c[ci + q1] = c01;
      c[ci + q2] = c02;
      c[ci + q3] = c03;
      ci += cRow;
      c[ci] = c10;
      c[ci + q1] = c11;
      c[ci + q2] = c12;
      c[ci + q3] = c13;
      ci += cRow;
      c[ci] = c20;
      c[ci + q1] = c21;
      c[ci + q2] = c22;
      c[ci + q3] = c23;
      ci += cRow;
      c[ci] = c30;
      c[ci + q1] = c31;
      c[ci + q2] = c32;
      c[ci + q3] = c33;
    } else {
      c[ci] += c00;
      c[ci + q1] += c01;
      c[ci + q2] += c02;
      c[ci + q3] += c03;
      ci += cRow;
      c[ci] += c10;
      c[ci + q1] += c11;
      c[ci + q2] += c12;
      c[ci + q3] += c13;
      ci += cRow;
      c[ci] += c20;
      c[ci + q1] += c21;
      c[ci + q2] += c22;
      c[ci + q3] += c23;
      ci += cRow;
      c[ci] += c30;
      c[ci + q1] += c31;
      c[ci + q2] += c32;
      c[ci + q3] += c33;
    }
  },
  t4x5(k, a, ia, aRow, aStep, b, ib, bCol, bStep, c, ci, cRow, cCol, overwrite) {
    const ar2 = 2 * aRow,
      ar3 = 3 * aRow,
      bc2 = 2 * bCol,
      bc3 = 3 * bCol,
      bc4 = 4 * bCol;
    let c00 = 0,
      c01 = 0,
      c02 = 0,
      c03 = 0,
      c04 = 0,
      c10 = 0,
      c11 = 0,
      c12 = 0,
      c13 = 0,
      c14 = 0;
    let c20 = 0,
      c21 = 0,
      c22 = 0,
      c23 = 0,
      c24 = 0,
      c30 = 0,
      c31 = 0,
      c32 = 0,
      c33 = 0,
      c34 = 0;
    for (let p = 0; p < k; p++) {
      const b0 = b[ib],
        b1 = b[ib + bCol],
        b2 = b[ib + bc2],
        b3 = b[ib + bc3],
        b4 = b[ib + bc4];
      let av = a[ia];
      c00 += av * b0;
      c01 += av * b1;
      c02 += av * b2;
      c03 += av * b3;
      c04 += av * b4;
      av = a[ia + aRow];
      c10 += av * b0;
      c11 += av * b1;
      c12 += av * b2;
      c13 += av * b3;
      c14 += av * b4;
      av = a[ia + ar2];
      c20 += av * b0;
      c21 += av * b1;
      c22 += av * b2;
      c23 += av * b3;
      c24 += av * b4;
      av = a[ia + ar3];
      c30 += av * b0;
      c31 += av * b1;
      c32 += av * b2;
      c33 += av * b3;
      c34 += av * b4;
      ia += aStep;
      ib += bStep;
    }
    const q1 = cCol,
      q2 = 2 * cCol,
      q3 = 3 * cCol,
      q4 = 4 * cCol;
    if (overwrite) {
      c[ci] = c00;
      c[ci + q1] = c01;
      c[ci + q2] = c02;
      c[ci + q3] = c03;
      c[ci + q4] = c04;
      ci += cRow;
      c[ci] = c10;
      c[ci + q1] = c11;
      c[ci + q2] = c12;
      c[ci + q3] = c13;
      c[ci + q4] = c14;
      ci += cRow;
      c[ci] = c20;
      c[ci + q1] = c21;
      c[ci + q2] = c22;
      c[ci + q3] = c23;
      c[ci + q4] = c24;
      ci += cRow;
      c[ci] = c30;
      c[ci + q1] = c31;
      c[ci + q2] = c32;
      c[ci + q3] = c33;
      c[ci + q4] = c34;
    } else {
      c[ci] += c00;
      c[ci + q1] += c01;
      c[ci + q2] += c02;
      c[ci + q3] += c03;
      c[ci + q4] += c04;
      ci += cRow;
      c[ci] += c10;
      c[ci + q1] += c11;
      c[ci + q2] += c12;
      c[ci + q3] += c13;
      c[ci + q4] += c14;
      ci += cRow;
      c[ci] += c20;
      c[ci + q1] += c21;
      c[ci + q2] += c22;
      c[ci + q3] += c23;
      c[ci + q4] += c24;
      ci += cRow;
      c[ci] += c30;
      c[ci + q1] += c31;
      c[ci + q2] += c32;
      c[ci + q3] += c33;
      c[ci + q4] += c34;
    }
  },
  t4x3(k, a, ia, aRow, aStep, b, ib, bCol, bStep, c, ci, cRow, cCol, overwrite) {
    const ar2 = 2 * aRow,
      ar3 = 3 * aRow,
      bc2 = 2 * bCol;
    let c00 = 0,
      c01 = 0,
      c02 = 0,
      c10 = 0,
      c11 = 0,
      c12 = 0,
      c20 = 0,
      c21 = 0,
      c22 = 0,
      c30 = 0,
      c31 = 0,
      c32 = 0;
    for (let p = 0; p < k; p++) {
      const a0 = a[ia],
        a1 = a[ia + aRow],
        a2 = a[ia + ar2],
        a3 = a[ia + ar3];
      const b0 = b[ib],
        b1 = b[ib + bCol],
        b2 = b[ib + bc2];
      c00 += a0 * b0;
      c01 += a0 * b1;
      c02 += a0 * b2;
      c10 += a1 * b0;
      c11 += a1 * b1;
      c12 += a1 * b2;
      c20 += a2 * b0;
      c21 += a2 * b1;
      c22 += a2 * b2;
      c30 += a3 * b0;
      c31 += a3 * b1;
      c32 += a3 * b2;
      ia += aStep;
      ib += bStep;
    }
    const q1 = cCol,
      q2 = 2 * cCol;
    if (overwrite) {
      c[ci] = c00;
      c[ci + q1] = c01;
      c[ci + q2] = c02;
      ci += cRow;
      c[ci] = c10;
      c[ci + q1] = c11;
      c[ci + q2] = c12;
      ci += cRow;
      c[ci] = c20;
      c[ci + q1] = c21;
      c[ci + q2] = c22;
      ci += cRow;
      c[ci] = c30;
      c[ci + q1] = c31;
      c[ci + q2] = c32;
    } else {
      c[ci] += c00;
      c[ci + q1] += c01;
      c[ci + q2] += c02;
      ci += cRow;
      c[ci] += c10;
      c[ci + q1] += c11;
      c[ci + q2] += c12;
      ci += cRow;
      c[ci] += c20;
      c[ci + q1] += c21;
      c[ci + q2] += c22;
      ci += cRow;
      c[ci] += c30;
      c[ci + q1] += c31;
      c[ci + q2] += c32;
    }
  },
  t4x2(k, a, ia, aRow, aStep, b, ib, bCol, bStep, c, ci, cRow, cCol, overwrite) {
    const ar2 = 2 * aRow,
      ar3 = 3 * aRow;
    let c00 = 0,
      c01 = 0,
      c10 = 0,
      c11 = 0,
      c20 = 0,
      c21 = 0,
      c30 = 0,
      c31 = 0;
    for (let p = 0; p < k; p++) {
      const a0 = a[ia],
        a1 = a[ia + aRow],
        a2 = a[ia + ar2],
        a3 = a[ia + ar3];
      const b0 = b[ib],
        b1 = b[ib + bCol];
      c00 += a0 * b0;
      c01 += a0 * b1;
      c10 += a1 * b0;
      c11 += a1 * b1;
      c20 += a2 * b0;
      c21 += a2 * b1;
      c30 += a3 * b0;
      c31 += a3 * b1;
      ia += aStep;
      ib += bStep;
    }
    if (overwrite) {
      c[ci] = c00;
      c[ci + cCol] = c01;
      ci += cRow;
      c[ci] = c10;
      c[ci + cCol] = c11;
      ci += cRow;
      c[ci] = c20;
      c[ci + cCol] = c21;
      ci += cRow;
      c[ci] = c30;
      c[ci + cCol] = c31;
    } else {
      c[ci] += c00;
      c[ci + cCol] += c01;
      ci += cRow;
      c[ci] += c10;
      c[ci + cCol] += c11;
      ci += cRow;
      c[ci] += c20;
      c[ci + cCol] += c21;
      ci += cRow;
      c[ci] += c30;
      c[ci + cCol] += c31;
    }
  },
  t8x1(k, a, ia, aRow, aStep, b, ib, bStep, c, ci, cRow, overwrite) {
    const ar2 = 2 * aRow,
      ar3 = 3 * aRow,
      ar4 = 4 * aRow,
      ar5 = 5 * aRow,
      ar6 = 6 * aRow,
      ar7 = 7 * aRow;
    let c0 = 0,
      c1 = 0,
      c2 = 0,
      c3 = 0,
      c4 = 0,
      c5 = 0,
      c6 = 0,
      c7 = 0;
    for (let p = 0; p < k; p++) {
      const bv = b[ib];
      c0 += a[ia] * bv;
      c1 += a[ia + aRow] * bv;
      c2 += a[ia + ar2] * bv;
      c3 += a[ia + ar3] * bv;
      c4 += a[ia + ar4] * bv;
      c5 += a[ia + ar5] * bv;
      c6 += a[ia + ar6] * bv;
      c7 += a[ia + ar7] * bv;
      ia += aStep;
      ib += bStep;
    }
    const r1 = ci + cRow,
      r2 = r1 + cRow,
      r3 = r2 + cRow,
      r4 = r3 + cRow,
      r5 = r4 + cRow,
      r6 = r5 + cRow,
      r7 = r6 + cRow;
    if (overwrite) {
      c[ci] = c0;
      c[r1] = c1;
      c[r2] = c2;
      c[r3] = c3;
      c[r4] = c4;
      c[r5] = c5;
      c[r6] = c6;
      c[r7] = c7;
    } else {
      c[ci] += c0;
      c[r1] += c1;
      c[r2] += c2;
      c[r3] += c3;
      c[r4] += c4;
      c[r5] += c5;
      c[r6] += c6;
      c[r7] += c7;
    }
  },
  t4x1(k, a, ia, aRow, aStep, b, ib, bStep, c, ci, cRow, overwrite) {
    const ar2 = 2 * aRow,
      ar3 = 3 * aRow;
    let c0 = 0,
      c1 = 0,
      c2 = 0,
      c3 = 0;
    for (let p = 0; p < k; p++) {
      const bv = b[ib];
      c0 += a[ia] * bv;
      c1 += a[ia + aRow] * bv;
      c2 += a[ia + ar2] * bv;
      c3 += a[ia + ar3] * bv;
      ia += aStep;
      ib += bStep;
    }
    const r1 = ci + cRow,
      r2 = r1 + cRow,
      r3 = r2 + cRow;
    if (overwrite) {
      c[ci] = c0;
      c[r1] = c1;
      c[r2] = c2;
      c[r3] = c3;
    } else {
      c[ci] += c0;
      c[r1] += c1;
      c[r2] += c2;
      c[r3] += c3;
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

/**
 * NOTE: at load, the direct path runs on tiny shapes that reach every tile kernel and every branch
 * of `cover`, overwriting and accumulating, in both float types (~2 ms). V8 optimises a kernel
 * during its first long call; a store path with no type feedback yet then deoptimises it at its
 * first use, after which the kernel could run for seconds as on-stack-replaced code, 2x slower:
 * x·Wᵀ + b (accumulating) followed by the weight gradient gᵀ·x (overwriting) did this in one
 * training process in three.
 */
function primeFeedback(): void {
  // (m, n): a matrix-vector product; 4×4 + transposed 4×3 + 4×3 + corner; the same with 2s;
  // 4×4, 4×5 and the single-row edges; a narrow op(A) (transposed 4×5)
  const shapes = [
    [13, 1],
    [7, 7],
    [6, 6],
    [9, 9],
    [5, 9],
  ];
  for (const ctor of [Float32Array, Float64Array]) {
    const a = new ctor(13 * 2),
      b = new ctor(2 * 13),
      c = new ctor(13 * 13);
    // repeated: V8 allocates a function's feedback vector only after its first few calls
    for (let r = 0; r < 12; r++) {
      for (const [m, n] of shapes) gemm(false, false, m, n, 2, a, 0, b, 0, c, 0, r % 2 === 1);
    }
  }
}
primeFeedback();
