export type FloatArray = Float32Array | Float64Array;

// Blocking of the packed path. Tiles are 4×4 register blocks.
const KC = 256; // depth of a packed k-block
const MC = 64; // rows of op(A) packed per block (multiple of 4)
const NC = 1024; // cols of op(B) packed per block (multiple of 4)

// Packing scratch. Always float64, whatever the input type, so the kernels reading it stay monomorphic.
let packA = new Float64Array(MC * KC);
let packB = new Float64Array(4 * KC);

/**
 * C (+)= op(A) · op(B), all row-major and contiguous.
 * op(A) is m×k: A is stored m×k when !transA, k×m when transA.
 * op(B) is k×n: B is stored k×n when !transB, n×k when transB.
 * C is m×n. accumulate=false overwrites C, true adds into it.
 * a, b, c are the same array type (all Float32Array or all Float64Array); offsets are element offsets.
 *
 * Products are accumulated in float64 and rounded once per k-block of 256 when C is float32.
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
  if (FORCE === 'direct' || (FORCE !== 'packed' && m * n * k < 0)) {
    gemmDirect(transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate);
  } else {
    gemmPacked(transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate);
  }
}

const FORCE = process.env.GEMM_PATH;

/** Kernels read A and B in place through strides; no copies. */
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
  if (a instanceof Float32Array && b instanceof Float32Array) {
    tiles(F32, m, n, k, a, aOffset, 4 * aRow, aRow, aStep, b, bOffset, 4 * bCol, bCol, bStep, c, cOffset, n, !accumulate);
  } else {
    tiles(F64, m, n, k, a as Float64Array, aOffset, 4 * aRow, aRow, aStep,
      b as Float64Array, bOffset, 4 * bCol, bCol, bStep, c, cOffset, n, !accumulate);
  }
}

/**
 * GotoBLAS-style blocking: for each (NC × KC) block of op(B) and (MC × KC) block of op(A),
 * copy both into float64 micro-panels of 4 rows / 4 columns so the kernels stream them with
 * unit stride whatever the transposes.
 */
function gemmPacked(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: FloatArray, aOffset: number,
  b: FloatArray, bOffset: number,
  c: FloatArray, cOffset: number,
  accumulate: boolean,
): void {
  const bSize = Math.min(KC, k) * Math.min(NC, roundUp4(n));
  if (packB.length < bSize) packB = new Float64Array(bSize);
  const pa = packA, pb = packB;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packPanelB(transB, b, bOffset, n, k, pc, jc, kc, nc, pb);
      const overwrite = !accumulate && pc === 0;
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packPanelA(transA, a, aOffset, m, k, ic, pc, mc, kc, pa);
        tiles(F64, mc, nc, kc, pa, 0, 4 * kc, 1, 4, pb, 0, 4 * kc, 1, 4, c, cOffset + ic * n + jc, n, overwrite);
      }
    }
  }
}

function roundUp4(x: number): number {
  return (x + 3) & ~3;
}

/**
 * Packs op(A)[ic:ic+mc, pc:pc+kc] into 4-row micro-panels: panel r holds, for each p, the 4
 * values op(A)[ic+4r .. ic+4r+3, pc+p] contiguously. Rows past mc are zero-filled.
 */
function packPanelA(
  transA: boolean, a: FloatArray, aOffset: number, m: number, k: number,
  ic: number, pc: number, mc: number, kc: number, dst: Float64Array,
): void {
  let d = 0;
  for (let i = 0; i < mc; i += 4) {
    const rows = Math.min(4, mc - i);
    if (!transA) {
      // A is m×k: the 4 rows are 4 unit-stride streams
      const s0 = aOffset + (ic + i) * k + pc;
      if (rows === 4) {
        const s1 = s0 + k, s2 = s1 + k, s3 = s2 + k;
        for (let p = 0; p < kc; p++, d += 4) {
          dst[d] = a[s0 + p];
          dst[d + 1] = a[s1 + p];
          dst[d + 2] = a[s2 + p];
          dst[d + 3] = a[s3 + p];
        }
      } else {
        for (let p = 0; p < kc; p++, d += 4) {
          for (let r = 0; r < 4; r++) dst[d + r] = r < rows ? a[s0 + r * k + p] : 0;
        }
      }
    } else {
      // A is k×m: each p contributes 4 consecutive values
      let s = aOffset + pc * m + ic + i;
      if (rows === 4) {
        for (let p = 0; p < kc; p++, d += 4, s += m) {
          dst[d] = a[s];
          dst[d + 1] = a[s + 1];
          dst[d + 2] = a[s + 2];
          dst[d + 3] = a[s + 3];
        }
      } else {
        for (let p = 0; p < kc; p++, d += 4, s += m) {
          for (let r = 0; r < 4; r++) dst[d + r] = r < rows ? a[s + r] : 0;
        }
      }
    }
  }
}

/**
 * Packs op(B)[pc:pc+kc, jc:jc+nc] into 4-column micro-panels: panel q holds, for each p, the 4
 * values op(B)[pc+p, jc+4q .. jc+4q+3] contiguously. Columns past nc are zero-filled.
 */
function packPanelB(
  transB: boolean, b: FloatArray, bOffset: number, n: number, k: number,
  pc: number, jc: number, kc: number, nc: number, dst: Float64Array,
): void {
  let d = 0;
  for (let j = 0; j < nc; j += 4) {
    const cols = Math.min(4, nc - j);
    if (!transB) {
      // B is k×n: each p contributes 4 consecutive values
      let s = bOffset + pc * n + jc + j;
      if (cols === 4) {
        for (let p = 0; p < kc; p++, d += 4, s += n) {
          dst[d] = b[s];
          dst[d + 1] = b[s + 1];
          dst[d + 2] = b[s + 2];
          dst[d + 3] = b[s + 3];
        }
      } else {
        for (let p = 0; p < kc; p++, d += 4, s += n) {
          for (let q = 0; q < 4; q++) dst[d + q] = q < cols ? b[s + q] : 0;
        }
      }
    } else {
      // B is n×k: the 4 columns of op(B) are 4 unit-stride rows of B
      const s0 = bOffset + (jc + j) * k + pc;
      if (cols === 4) {
        const s1 = s0 + k, s2 = s1 + k, s3 = s2 + k;
        for (let p = 0; p < kc; p++, d += 4) {
          dst[d] = b[s0 + p];
          dst[d + 1] = b[s1 + p];
          dst[d + 2] = b[s2 + p];
          dst[d + 3] = b[s3 + p];
        }
      } else {
        for (let p = 0; p < kc; p++, d += 4) {
          for (let q = 0; q < 4; q++) dst[d + q] = q < cols ? b[s0 + q * k + p] : 0;
        }
      }
    }
  }
}

/**
 * Tile kernels: C[i.., j..] (+)= Σ_p op(A)[i.., p] · op(B)[p, j..] for a 4×4, 4×1, 1×4 or 1×1
 * tile, with op(A)[i+r, p] = a[ia + r*aRow + p*aStep] and op(B)[p, j+q] = b[ib + q*bCol + p*bStep].
 * Sums are kept in local doubles and written to C once.
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

/**
 * Covers an m×n block of C with tiles. Row tile i/4 of op(A) starts at ia + (i/4)*aPanel (likewise
 * for op(B) columns), which describes both an unpacked matrix (aPanel = 4*aRow) and packed panels.
 */
function tiles<T extends FloatArray>(
  ks: TileKernels<T>, m: number, n: number, k: number,
  a: T, ia: number, aPanel: number, aRow: number, aStep: number,
  b: T, ib: number, bPanel: number, bCol: number, bStep: number,
  c: FloatArray, ci: number, ldc: number, overwrite: boolean,
): void {
  const m4 = m & ~3, n4 = n & ~3;
  const iaEdge = ia + (m4 >> 2) * aPanel;
  for (let j = 0; j < n4; j += 4) {
    const ibj = ib + (j >> 2) * bPanel;
    const cij = ci + j;
    for (let i = 0; i < m4; i += 4) {
      ks.t4x4(k, a, ia + (i >> 2) * aPanel, aRow, aStep, b, ibj, bCol, bStep, c, cij + i * ldc, ldc, overwrite);
    }
    for (let i = m4; i < m; i++) {
      ks.t1x4(k, a, iaEdge + (i - m4) * aRow, aStep, b, ibj, bCol, bStep, c, cij + i * ldc, overwrite);
    }
  }
  const ibEdge = ib + (n4 >> 2) * bPanel;
  for (let j = n4; j < n; j++) {
    const ibj = ibEdge + (j - n4) * bCol;
    const cij = ci + j;
    for (let i = 0; i < m4; i += 4) {
      ks.t4x1(k, a, ia + (i >> 2) * aPanel, aRow, aStep, b, ibj, bStep, c, cij + i * ldc, ldc, overwrite);
    }
    for (let i = m4; i < m; i++) {
      ks.t1x1(k, a, iaEdge + (i - m4) * aRow, aStep, b, ibj, bStep, c, cij + i * ldc, overwrite);
    }
  }
}

// The same four kernels twice, once per array type: V8 optimises an element load for the array
// types it has seen, and a load that has seen both Float32Array and Float64Array is markedly
// slower in the inner loop. Keep the two copies identical apart from the types.

const F64: TileKernels<Float64Array> = {
  t4x4(k, a, ia, aRow, aStep, b, ib, bCol, bStep, c, ci, ldc, overwrite) {
    const ar2 = 2 * aRow, ar3 = 3 * aRow, bc2 = 2 * bCol, bc3 = 3 * bCol;
    let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
    let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
    for (let p = 0; p < k; p++, ia += 4, ib += 4) {
      const a0 = a[ia], a1 = a[ia + 1], a2 = a[ia + 2], a3 = a[ia + 3];
      const b0 = b[ib], b1 = b[ib + 1], b2 = b[ib + 2], b3 = b[ib + 3];
      c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
      c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
      c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
      c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    }
    store4(c, ci, 1, overwrite, c00, c01, c02, c03); ci += ldc;
    store4(c, ci, 1, overwrite, c10, c11, c12, c13); ci += ldc;
    store4(c, ci, 1, overwrite, c20, c21, c22, c23); ci += ldc;
    store4(c, ci, 1, overwrite, c30, c31, c32, c33);
  },
  t4x1(k, a, ia, aRow, aStep, b, ib, bStep, c, ci, ldc, overwrite) {
    const ar2 = 2 * aRow, ar3 = 3 * aRow;
    let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
    for (let p = 0; p < k; p++, ia += aStep, ib += bStep) {
      const bv = b[ib];
      c0 += a[ia] * bv; c1 += a[ia + aRow] * bv; c2 += a[ia + ar2] * bv; c3 += a[ia + ar3] * bv;
    }
    store4(c, ci, ldc, overwrite, c0, c1, c2, c3);
  },
  t1x4(k, a, ia, aStep, b, ib, bCol, bStep, c, ci, overwrite) {
    const bc2 = 2 * bCol, bc3 = 3 * bCol;
    let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
    for (let p = 0; p < k; p++, ia += aStep, ib += bStep) {
      const av = a[ia];
      c0 += av * b[ib]; c1 += av * b[ib + bCol]; c2 += av * b[ib + bc2]; c3 += av * b[ib + bc3];
    }
    store4(c, ci, 1, overwrite, c0, c1, c2, c3);
  },
  t1x1(k, a, ia, aStep, b, ib, bStep, c, ci, overwrite) {
    let s = 0;
    for (let p = 0; p < k; p++, ia += aStep, ib += bStep) s += a[ia] * b[ib];
    c[ci] = overwrite ? s : c[ci] + s;
  },
};

const F32: TileKernels<Float32Array> = {
  t4x4(k, a, ia, aRow, aStep, b, ib, bCol, bStep, c, ci, ldc, overwrite) {
    const ar2 = 2 * aRow, ar3 = 3 * aRow, bc2 = 2 * bCol, bc3 = 3 * bCol;
    let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
    let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
    for (let p = 0; p < k; p++, ia += aStep, ib += bStep) {
      const a0 = a[ia], a1 = a[ia + aRow], a2 = a[ia + ar2], a3 = a[ia + ar3];
      const b0 = b[ib], b1 = b[ib + bCol], b2 = b[ib + bc2], b3 = b[ib + bc3];
      c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
      c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
      c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
      c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    }
    store4(c, ci, 1, overwrite, c00, c01, c02, c03); ci += ldc;
    store4(c, ci, 1, overwrite, c10, c11, c12, c13); ci += ldc;
    store4(c, ci, 1, overwrite, c20, c21, c22, c23); ci += ldc;
    store4(c, ci, 1, overwrite, c30, c31, c32, c33);
  },
  t4x1(k, a, ia, aRow, aStep, b, ib, bStep, c, ci, ldc, overwrite) {
    const ar2 = 2 * aRow, ar3 = 3 * aRow;
    let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
    for (let p = 0; p < k; p++, ia += aStep, ib += bStep) {
      const bv = b[ib];
      c0 += a[ia] * bv; c1 += a[ia + aRow] * bv; c2 += a[ia + ar2] * bv; c3 += a[ia + ar3] * bv;
    }
    store4(c, ci, ldc, overwrite, c0, c1, c2, c3);
  },
  t1x4(k, a, ia, aStep, b, ib, bCol, bStep, c, ci, overwrite) {
    const bc2 = 2 * bCol, bc3 = 3 * bCol;
    let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
    for (let p = 0; p < k; p++, ia += aStep, ib += bStep) {
      const av = a[ia];
      c0 += av * b[ib]; c1 += av * b[ib + bCol]; c2 += av * b[ib + bc2]; c3 += av * b[ib + bc3];
    }
    store4(c, ci, 1, overwrite, c0, c1, c2, c3);
  },
  t1x1(k, a, ia, aStep, b, ib, bStep, c, ci, overwrite) {
    let s = 0;
    for (let p = 0; p < k; p++, ia += aStep, ib += bStep) s += a[ia] * b[ib];
    c[ci] = overwrite ? s : c[ci] + s;
  },
};

/** Writes or adds 4 values at c[ci], c[ci + stride], c[ci + 2*stride], c[ci + 3*stride]. */
function store4(
  c: FloatArray, ci: number, stride: number, overwrite: boolean, v0: number, v1: number, v2: number, v3: number,
): void {
  const i1 = ci + stride, i2 = i1 + stride, i3 = i2 + stride;
  if (overwrite) {
    c[ci] = v0; c[i1] = v1; c[i2] = v2; c[i3] = v3;
  } else {
    c[ci] += v0; c[i1] += v1; c[i2] += v2; c[i3] += v3;
  }
}
