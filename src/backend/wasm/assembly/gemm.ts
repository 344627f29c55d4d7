/*
 * C (+)= op(A) · op(B) in 128-bit SIMD, float32 (f32x4) and float64 (f64x2): the contract of
 * src/kernels/matmul.ts `gemm`, with byte addresses into this module's memory.
 *
 * Register tiles are MR = 4 rows by NR columns (8 for f32: two f32x4; 4 for f64: two f64x2), eight
 * vector accumulators. Per step of k the kernel loads one NR-wide row of op(B) as two vectors and
 * splats the four op(A) values, so op(B) must be unit-stride along its columns:
 *
 * - op(B): read in place when B is stored k×n (row p of op(B) is contiguous), else (transB, or a
 *   large B whose rows are pages apart) packed into NR-column micro-panels, zero-padded.
 * - op(A): packed into MR-row micro-panels (MR values per step of k, zero rows past m) when it is
 *   reused across more than two column tiles, which the packed tiles read at constant offsets;
 *   else read in place through (row, step) strides.
 * - a last single row (m % 4 == 1, e.g. dW of 5 outputs) gets a 1×8 tile instead of a padded 4×8.
 * - float32 A·Bᵀ with m or n < 16 (x·Wᵀ of a narrow layer) skips packing altogether: 4×2 tiles of
 *   dot products along k, where both operands are contiguous (`dotNT`).
 *
 * Measured on Zen 4 / Node 20 (bench/wasm-kernels.ts): ~28 GFLOPS float32 and ~14 float64 from
 * n = 128 to 1024 in every transpose combination. A 6×8 float32 tile (12 accumulators) was slower
 * (24-26 GFLOPS): V8 has 15 allocatable vector registers and spilled. On a 2.1 GHz Xeon VM (Node
 * 20), with packed op(A) read at constant offsets (tileF32x8PackedA): float32 1024³ 21-26 GFLOPS
 * for the kernel alone, 30-31 with relaxed SIMD's fused multiply-adds (two builds alternated in one
 * process, best of 15 rounds; this machine's speed varies by up to 2x over minutes).
 *
 * The relaxed-SIMD builds tile packed float32 op(A) 6 rows high (tileF32x8Packed6): a fused
 * multiply-add needs no register for its product, so 12 accumulators, two op(B) vectors and a splat
 * fit V8's 15 (no spills in its code), and each step of k does 12 multiply-adds for the loop's fixed
 * cost instead of 8. Same Xeon, relaxed SIMD, medians of 9 alternated rounds against the 4-row tile:
 * 512³ 30.3 -> 35.6 GFLOPS, 128×784·784×512 (x·Wᵀ) 29.6 -> 34.4; the short-k products of the
 * Winograd convolutions and the MNIST net's fc1 within 5% either way.
 *
 * k is cut into equal blocks of <= KC (as the TS packed path does); a float64 C element is summed
 * in the same order as the TS kernels (one running sum per block, then C = sum or C += sum), so
 * float64 results are bit-identical to them whenever k <= 256 or the TS kernel takes its packed
 * path. float32 sums run in f32 lanes (as PyTorch's CPU sgemm does), not in float64 as the TS
 * kernels do: results agree to float32 rounding, not bit for bit.
 *
 * Edges: rows past m repeat the last row's address (their sums are dropped); columns past n are
 * read from whatever follows in memory (lanes are independent, those sums are dropped), so every
 * operand needs NR elements of readable padding after it (the JS side leaves 64 bytes).
 */

const MR: i32 = 4;
/**
 * Rows of the float32 tile on packed op(A): 6 with fused multiply-adds (12 accumulators, two op(B)
 * vectors and a splat: the 15 vector registers V8 allocates), 4 without (each product then needs a
 * register of its own, and a 6-row tile spilled; see above).
 */
const MR_PACKED_F32: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : 4;
const KC: i32 = 256;
/** Rows of op(A) packed at a time: a multiple of every tile height. */
const MC: i32 = ASC_FEATURE_RELAXED_SIMD ? 120 : 128;
const NC: i32 = 512;

/** Bytes of the edge buffer at the start of the scratch: 4 rows of up to 8 float64 values. */
const EDGE_BYTES: usize = 4 * 8 * 8;

/**
 * A partial tile goes through here: 4 rows of up to 8 values, at the start of the caller's scratch.
 * NOTE: a global, not a static data segment: globals belong to each instance, while several
 * instances (one per thread) share this module's memory, where a static buffer would be shared,
 * and an active data segment rewritten each time a thread instantiates the module.
 */
let edge: usize = 0;

/** Scratch bytes gemm needs for packing and its edge tile (its `scratch` argument). */
export function gemmScratchBytes(n: i32, k: i32, elementBytes: i32): i32 {
  const kc = k < KC ? k : KC;
  const nc = (n < NC ? n : NC) + 8;
  return (MC * kc + kc * nc) * elementBytes + 64 + <i32>EDGE_BYTES;
}

export function gemmF32(
  transA: bool, transB: bool, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, accumulate: bool, scratch: usize,
): void {
  gemm<f32>(transA, transB, m, n, k, a, b, c, accumulate, scratch);
}

export function gemmF64(
  transA: bool, transB: bool, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, accumulate: bool, scratch: usize,
): void {
  gemm<f64>(transA, transB, m, n, k, a, b, c, accumulate, scratch);
}

/** Part `part` of `parts` of gemmF32: the band of C that `band` gives (see there). */
export function gemmPartF32(
  transA: bool, transB: bool, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, accumulate: bool, scratch: usize, part: i32, parts: i32,
): void {
  band<f32>(transA, transB, m, n, k, part, parts);
  gemmBand<f32>(transA, transB, m, n, k, a, b, c, accumulate, scratch, bandRow0, bandRow1, bandCol0, bandCol1);
}

export function gemmPartF64(
  transA: bool, transB: bool, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, accumulate: bool, scratch: usize, part: i32, parts: i32,
): void {
  band<f64>(transA, transB, m, n, k, part, parts);
  gemmBand<f64>(transA, transB, m, n, k, a, b, c, accumulate, scratch, bandRow0, bandRow1, bandCol0, bandCol1);
}

// @ts-ignore: decorator
@inline function min(x: i32, y: i32): i32 {
  return x < y ? x : y;
}

/**
 * a * b + c per lane: one fused multiply-add (`relaxed_madd`) in the relaxed-SIMD builds
 * (--enable relaxed-simd), a multiply then an add in the SIMD128 ones. Every multiply-add of the
 * register tiles goes through these two.
 */
// @ts-ignore: decorator
@inline function madd32(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}
// @ts-ignore: decorator
@inline function madd64(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(c, f64x2.mul(a, b));
}

export function gemm<T>(
  transA: bool, transB: bool, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, accumulate: bool, scratch: usize,
): void {
  gemmBand<T>(transA, transB, m, n, k, a, b, c, accumulate, scratch, 0, m, 0, n);
}

// ---- splitting C across threads ----

/** The band of C that `band` chose: rows [bandRow0, bandRow1), columns [bandCol0, bandCol1). */
export let bandRow0: i32 = 0;
export let bandRow1: i32 = 0;
export let bandCol0: i32 = 0;
export let bandCol1: i32 = 0;

/**
 * Part `part` of `parts` of C = op(A) · op(B), m×n with k steps: C cut into bands of whole register
 * tiles (MR rows, or NR columns; 4 rows or 2 columns on dotNT's path) along the side whose split
 * repeats the least packing (a row split makes every thread pack the op(B) panels it needs, a
 * column split the op(A) ones), else the longer side. The band may be empty.
 *
 * Every element of C is computed by the same instructions whatever the split (the path, the k
 * blocks and the packing are chosen from the whole product, and a register tile's lanes are
 * independent), so results are bit-identical to one thread.
 */
export function band<T>(transA: bool, transB: bool, m: i32, n: i32, k: i32, part: i32, parts: i32): void {
  const NR: i32 = sizeof<T>() == 4 ? 8 : 4;
  let byRows: bool;
  let rowAlign = MR, colAlign = NR;
  if (useDotNT<T>(transA, transB, m, n)) {
    colAlign = 2;
    byRows = m >= n;
  } else {
    const pa = packsA<T>(n), pb = packsB(transB, n, k);
    if (pa) rowAlign = packedRows<T>();
    if (pa != pb) byRows = pa;
    else if (pa) byRows = <i64>k * <i64>n <= <i64>k * <i64>m;
    else byRows = m >= n;
  }
  const total = byRows ? m : n;
  const align = byRows ? rowAlign : colAlign;
  const tiles = (total + align - 1) / align;
  const per = (tiles + parts - 1) / parts;
  const from = min(total, part * per * align);
  const to = min(total, (part + 1) * per * align);
  if (byRows) {
    bandRow0 = from; bandRow1 = to; bandCol0 = 0; bandCol1 = n;
  } else {
    bandRow0 = 0; bandRow1 = m; bandCol0 = from; bandCol1 = to;
  }
}

// @ts-ignore: decorator
@inline function useDotNT<T>(transA: bool, transB: bool, m: i32, n: i32): bool {
  return sizeof<T>() == 4 && transB && !transA && (n < 16 || m < 16);
}

// Pack op(B) when its rows are not contiguous, or are so far apart that every step of k is a
// new page; pack op(A) whenever its panel serves more than two column tiles: the packed tiles load
// op(A) at constant offsets (tileF32x8PackedA), ~25% faster than through row strides.
// @ts-ignore: decorator
@inline function packsA<T>(n: i32): bool {
  const NR: i32 = sizeof<T>() == 4 ? 8 : 4;
  return n > 2 * NR;
}
// @ts-ignore: decorator
@inline function packsB(transB: bool, n: i32, k: i32): bool {
  return transB || (n >= 256 && k >= 64);
}
/** Rows of a packed op(A) micro-panel (the last one of a block is 4 wide when it has 4 rows or fewer). */
// @ts-ignore: decorator
@inline function packedRows<T>(): i32 {
  return sizeof<T>() == 4 ? MR_PACKED_F32 : MR;
}

/** C[i0:i1, j0:j1] of the whole product (strides and every choice from m, n, k). */
export function gemmBand<T>(
  transA: bool, transB: bool, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, accumulate: bool, scratch: usize,
  i0: i32, i1: i32, j0: i32, j1: i32,
): void {
  if (i0 >= i1 || j0 >= j1) return;
  const es = <usize>sizeof<T>();
  if (k <= 0) {
    if (!accumulate) for (let i = i0; i < i1; i++) memory.fill(c + (<usize>i * <usize>n + <usize>j0) * es, 0, <usize>(j1 - j0) * es);
    return;
  }
  edge = (scratch + 15) & ~15;
  if (useDotNT<T>(transA, transB, m, n)) {
    dotNT(m, n, k, a, b, c, accumulate, i0, i1, j0, j1);
    return;
  }
  const NR: i32 = sizeof<T>() == 4 ? 8 : 4;
  const kBlocks = (k + KC - 1) / KC;
  const kBlock = (k + kBlocks - 1) / kBlocks;
  const packB = packsB(transB, n, k);
  const packA = packsA<T>(n);
  const mr = packA ? packedRows<T>() : MR;
  const pa = edge + EDGE_BYTES;
  const pb = pa + <usize>(MC * min(k, KC)) * es;
  const ldc = <usize>n * es;
  for (let jc = j0; jc < j1; jc += NC) {
    const nc = min(NC, j1 - jc);
    for (let pc = 0; pc < k; pc += kBlock) {
      const kc = min(kBlock, k - pc);
      // panel q of op(B)[pc:pc+kc, jc:jc+nc] starts at bBase + q*bPanel; step p adds p*bStep
      let bBase: usize, bStep: usize, bPanel: usize;
      if (packB) {
        packPanelsB<T>(transB, b, n, k, pc, jc, kc, nc, pb);
        bBase = pb; bStep = <usize>NR * es; bPanel = <usize>kc * bStep;
      } else {
        bBase = b + (<usize>pc * <usize>n + <usize>jc) * es; bStep = <usize>n * es; bPanel = <usize>NR * es;
      }
      const overwrite = !accumulate && pc == 0;
      for (let ic = i0; ic < i1; ic += MC) {
        const mc = min(MC, i1 - ic);
        // op(A)[ic + i, pc + p] for the rows of panel r at aBase + r*aPanel + i*aRow + p*aStep
        let aBase: usize, aRow: usize, aStep: usize, aPanel: usize;
        if (packA) {
          packPanelsA<T>(transA, a, m, k, ic, pc, mc, kc, mr, pa);
          aBase = pa; aRow = es; aStep = <usize>mr * es; aPanel = <usize>kc * aStep;
        } else {
          aBase = transA ? a + (<usize>pc * <usize>m + <usize>ic) * es : a + (<usize>ic * <usize>k + <usize>pc) * es;
          aRow = transA ? es : <usize>k * es;
          aStep = transA ? <usize>m * es : es;
          aPanel = <usize>MR * aRow;
        }
        for (let jr = 0; jr < nc; jr += NR) {
          const cols = min(NR, nc - jr);
          const bp = bBase + <usize>(jr / NR) * bPanel;
          const cj = c + <usize>(ic * n + jc + jr) * es;
          for (let ir = 0; ir < mc; ir += mr) {
            const rows = min(mr, mc - ir);
            const ap = aBase + <usize>(ir / mr) * aPanel;
            const ci = cj + <usize>ir * ldc;
            if (sizeof<T>() == 4) {
              // a packed panel of 4 rows or fewer is 4 wide (with 6-row panels, the last of a block)
              const as = packA && rows <= 4 ? <usize>MR * es : aStep;
              if (rows > 4 && cols > 4) tileF32x8Packed6(kc, ap, bp, bStep, ci, ldc, rows, cols, overwrite);
              else if (rows > 4) tileF32x4Packed6(kc, ap, bp, bStep, ci, ldc, rows, cols, overwrite);
              else if (rows == 1 && cols > 4) rowF32x8(kc, ap, as, bp, bStep, ci, cols, overwrite);
              else if (packA && cols > 4) tileF32x8PackedA(kc, ap, bp, bStep, ci, ldc, rows, cols, overwrite);
              else if (cols <= 4) tileF32x4(kc, ap, aRow, as, rows, bp, bStep, ci, ldc, cols, overwrite);
              else tileF32x8(kc, ap, aRow, aStep, rows, bp, bStep, ci, ldc, cols, overwrite);
            } else {
              if (packA && cols > 2) tileF64x4PackedA(kc, ap, bp, bStep, ci, ldc, rows, cols, overwrite);
              else if (cols <= 2) tileF64x2(kc, ap, aRow, aStep, rows, bp, bStep, ci, ldc, cols, overwrite);
              else tileF64x4(kc, ap, aRow, aStep, rows, bp, bStep, ci, ldc, cols, overwrite);
            }
          }
        }
      }
    }
  }
}

/**
 * float32 C (+)= A · B^T with A m×k and B n×k both read in place along k, four k-values per vector:
 * 4×2 tiles of dot products, summed across lanes at the end. For skinny products (x·Wᵀ with few
 * outputs), where packing would cost as much as the product.
 */
function dotNT(m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, accumulate: bool, i0: i32, i1: i32, j0: i32, j1: i32): void {
  const row = <usize>k << 2;
  const k4 = k & ~3;
  for (let j = j0; j < j1; j += 2) {
    const cols = min(2, j1 - j);
    const b0 = b + <usize>j * row;
    const b1 = cols > 1 ? b0 + row : b0;
    for (let i = i0; i < i1; i += 4) {
      const rows = min(4, i1 - i);
      const a0 = a + <usize>i * row;
      const a1 = rows > 1 ? a0 + row : a0;
      const a2 = rows > 2 ? a1 + row : a1;
      const a3 = rows > 3 ? a2 + row : a2;
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
      let p: usize = 0;
      const end = <usize>k4 << 2;
      for (; p < end; p += 16) {
        const x0 = v128.load(a0 + p), x1 = v128.load(a1 + p), x2 = v128.load(a2 + p), x3 = v128.load(a3 + p);
        let y = v128.load(b0 + p);
        s00 = madd32(x0, y, s00); s10 = madd32(x1, y, s10);
        s20 = madd32(x2, y, s20); s30 = madd32(x3, y, s30);
        y = v128.load(b1 + p);
        s01 = madd32(x0, y, s01); s11 = madd32(x1, y, s11);
        s21 = madd32(x2, y, s21); s31 = madd32(x3, y, s31);
      }
      // lane sums, then the k % 4 tail in scalars
      store<f32>(edge, hsum(s00)); store<f32>(edge, hsum(s01), 4);
      store<f32>(edge, hsum(s10), 32); store<f32>(edge, hsum(s11), 36);
      store<f32>(edge, hsum(s20), 64); store<f32>(edge, hsum(s21), 68);
      store<f32>(edge, hsum(s30), 96); store<f32>(edge, hsum(s31), 100);
      if (k4 < k) {
        for (let r = 0; r < 4; r++) {
          const ar = r == 0 ? a0 : r == 1 ? a1 : r == 2 ? a2 : a3;
          for (let q = 0; q < 2; q++) {
            const bq = q == 0 ? b0 : b1;
            const at = edge + <usize>(r * 32 + q * 4);
            let t = load<f32>(at);
            for (let pp = k4; pp < k; pp++) t += load<f32>(ar + (<usize>pp << 2)) * load<f32>(bq + (<usize>pp << 2));
            store<f32>(at, t);
          }
        }
      }
      storeEdge<f32>(c + (<usize>i * <usize>n + <usize>j) * 4, <usize>n << 2, rows, cols, 8, !accumulate);
    }
  }
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  const s = f32x4.add(v, i32x4.shuffle(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(f32x4.add(s, i32x4.shuffle(s, s, 1, 0, 3, 2)), 0);
}

/**
 * op(A)[ic:ic+mc, pc:pc+kc] into micro-panels of `mr` rows (mr values per step of k), zero-padded;
 * with mr = 6, a last panel of 4 rows or fewer is 4 wide (as the tiles read it).
 */
function packPanelsA<T>(transA: bool, a: usize, m: i32, k: i32, ic: i32, pc: i32, mc: i32, kc: i32, mr: i32, dst: usize): void {
  const es = <usize>sizeof<T>();
  for (let i = 0; i < mc; i += mr) {
    const rows = min(mr, mc - i);
    if (rows > 4) {
      dst = packPanel6(transA, a, m, k, ic + i, pc, rows, kc, dst);
      continue;
    }
    // op(A)[ic+i+r, pc+p] = a[s + r*rowStride + p*step]
    const s = transA ? a + (<usize>pc * <usize>m + <usize>(ic + i)) * es : a + (<usize>(ic + i) * <usize>k + <usize>pc) * es;
    const rowStride = transA ? es : <usize>k * es;
    const step = transA ? <usize>m * es : es;
    if (rows == MR && transA) {
      // 4 adjacent values per step: one 16-byte (f32) or two (f64) copies
      let src = s;
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        if (sizeof<T>() == 8) v128.store(dst, v128.load(src, 16), 16);
        dst += <usize>MR * es;
        src += step;
      }
    } else if (rows == MR) {
      let s0 = s, s1 = s + rowStride, s2 = s + (rowStride << 1), s3 = s + rowStride * 3;
      let p = 0;
      if (sizeof<T>() == 4) {
        // rows contiguous along k: four steps at a time through a 4x4 register transpose
        for (; p + 4 <= kc; p += 4) {
          transpose4(v128.load(s0), v128.load(s1), v128.load(s2), v128.load(s3), dst, 16);
          dst += 64;
          s0 += 16; s1 += 16; s2 += 16; s3 += 16;
        }
      }
      for (; p < kc; p++) {
        store<T>(dst, load<T>(s0));
        store<T>(dst, load<T>(s1), sizeof<T>());
        store<T>(dst, load<T>(s2), 2 * sizeof<T>());
        store<T>(dst, load<T>(s3), 3 * sizeof<T>());
        dst += <usize>MR * es;
        s0 += step; s1 += step; s2 += step; s3 += step;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++) {
          store<T>(dst + <usize>r * es, r < rows ? load<T>(s + <usize>r * rowStride + <usize>p * step) : <T>0);
        }
        dst += <usize>MR * es;
      }
    }
  }
}

/**
 * One float32 micro-panel of 6 rows of op(A) from row i0 (`rows` of them real, the rest zeros):
 * rows 0-3 of each step as packPanelsA's 4-row panels (through 4x4 transposes where rows are
 * contiguous along k), rows 4-5 after them. Returns the end of the panel.
 */
function packPanel6(transA: bool, a: usize, m: i32, k: i32, i0: i32, pc: i32, rows: i32, kc: i32, dst: usize): usize {
  const s = transA ? a + (<usize>pc * <usize>m + <usize>i0) * 4 : a + (<usize>i0 * <usize>k + <usize>pc) * 4;
  const rowStride: usize = transA ? 4 : <usize>k * 4;
  const step: usize = transA ? <usize>m * 4 : 4;
  const six = rows > 5;
  const s5 = s + rowStride * 5;
  let p = 0;
  if (!transA) {
    let s0 = s, s1 = s + rowStride, s2 = s + (rowStride << 1), s3 = s + rowStride * 3, s4 = s + (rowStride << 2);
    for (; p + 4 <= kc; p += 4) {
      transpose4(v128.load(s0), v128.load(s1), v128.load(s2), v128.load(s3), dst, 24);
      for (let q = 0; q < 4; q++) {
        const at = <usize>q << 2;
        store<f32>(dst + <usize>q * 24, load<f32>(s4 + at), 16);
        store<f32>(dst + <usize>q * 24, six ? load<f32>(s5 + <usize>(p << 2) + at) : 0, 20);
      }
      dst += 96;
      s0 += 16; s1 += 16; s2 += 16; s3 += 16; s4 += 16;
    }
  }
  for (; p < kc; p++) {
    const src = s + <usize>p * step;
    for (let r = 0; r < 6; r++) store<f32>(dst + <usize>r * 4, r < rows ? load<f32>(src + <usize>r * rowStride) : 0);
    dst += 24;
  }
  return dst;
}

/** op(B)[pc:pc+kc, jc:jc+nc] into NR-column micro-panels (NR values per step of k), zero-padded. */
function packPanelsB<T>(transB: bool, b: usize, n: i32, k: i32, pc: i32, jc: i32, kc: i32, nc: i32, dst: usize): void {
  const es = <usize>sizeof<T>();
  const NR: i32 = sizeof<T>() == 4 ? 8 : 4;
  for (let j = 0; j < nc; j += NR) {
    const cols = min(NR, nc - j);
    if (!transB) {
      // rows of op(B) are contiguous: copy NR values per step of k
      let src = b + (<usize>pc * <usize>n + <usize>(jc + j)) * es;
      const step = <usize>n * es;
      if (cols == NR) {
        for (let p = 0; p < kc; p++) {
          v128.store(dst, v128.load(src));
          v128.store(dst, v128.load(src, 16), 16);
          dst += 32;
          src += step;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let q = 0; q < NR; q++) store<T>(dst + <usize>q * es, q < cols ? load<T>(src + <usize>q * es) : <T>0);
          dst += <usize>NR * es;
          src += step;
        }
      }
      continue;
    }
    // transB: column j+q of op(B) is row jc+j+q of B, contiguous along k
    const s = b + (<usize>(jc + j) * <usize>k + <usize>pc) * es;
    const rowStride = <usize>k * es;
    if (sizeof<T>() == 4 && cols == NR) {
      transposeRows8(s, rowStride, kc, dst);
      dst += <usize>(kc * NR) * es;
      continue;
    }
    for (let q = 0; q < NR; q++) {
      let d = dst + <usize>q * es;
      if (q < cols) {
        let src = s + <usize>q * rowStride;
        for (let p = 0; p < kc; p++) {
          store<T>(d, load<T>(src));
          d += <usize>NR * es;
          src += es;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          store<T>(d, <T>0);
          d += <usize>NR * es;
        }
      }
    }
    dst += <usize>(kc * NR) * es;
  }
}

/**
 * Eight float32 rows of B (rowStride bytes apart, from `src`) into a packed panel of kc steps:
 * dst[p * 8 + q] = row q's value p. Four steps at a time through two 4x4 transposes in registers;
 * the last kc % 4 steps one value at a time.
 */
function transposeRows8(src: usize, rowStride: usize, kc: i32, dst: usize): void {
  const s1 = src + rowStride, s2 = s1 + rowStride, s3 = s2 + rowStride;
  const s4 = s3 + rowStride, s5 = s4 + rowStride, s6 = s5 + rowStride, s7 = s6 + rowStride;
  const k4 = kc & ~3;
  let p = 0;
  for (; p < k4; p += 4) {
    const at = <usize>p << 2;
    const d = dst + (<usize>p << 5);
    transpose4(v128.load(src + at), v128.load(s1 + at), v128.load(s2 + at), v128.load(s3 + at), d, 32);
    transpose4(v128.load(s4 + at), v128.load(s5 + at), v128.load(s6 + at), v128.load(s7 + at), d + 16, 32);
  }
  for (; p < kc; p++) {
    const at = <usize>p << 2;
    const d = dst + (<usize>p << 5);
    store<f32>(d, load<f32>(src + at));
    store<f32>(d, load<f32>(s1 + at), 4);
    store<f32>(d, load<f32>(s2 + at), 8);
    store<f32>(d, load<f32>(s3 + at), 12);
    store<f32>(d, load<f32>(s4 + at), 16);
    store<f32>(d, load<f32>(s5 + at), 20);
    store<f32>(d, load<f32>(s6 + at), 24);
    store<f32>(d, load<f32>(s7 + at), 28);
  }
}

/** Rows r0..r3 (4 lanes each) transposed: lane l of every row into the vector at d + l * stride. */
// @ts-ignore: decorator
@inline export function transpose4(r0: v128, r1: v128, r2: v128, r3: v128, d: usize, stride: usize): void {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(r2, r3, 0, 4, 1, 5), t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(d, i64x2.shuffle(t0, t2, 0, 2));
  v128.store(d + stride, i64x2.shuffle(t0, t2, 1, 3));
  v128.store(d + 2 * stride, i64x2.shuffle(t1, t3, 0, 2));
  v128.store(d + 3 * stride, i64x2.shuffle(t1, t3, 1, 3));
}

// ---- register tiles. a: op(A)[0, 0] of the tile, rows aRow apart, steps aStep apart; b: op(B)[0, 0..NR), steps bStep apart ----

function tileF32x8(
  kc: i32, a: usize, aRow: usize, aStep: usize, rows: i32, b: usize, bStep: usize,
  c: usize, ldc: usize, cols: i32, overwrite: bool,
): void {
  const r1: usize = rows > 1 ? aRow : 0;
  const r2: usize = rows > 2 ? aRow << 1 : r1;
  const r3: usize = rows > 3 ? aRow * 3 : r2;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let x = v128.load32_splat(a);
    c00 = madd32(x, b0, c00); c01 = madd32(x, b1, c01);
    x = v128.load32_splat(a + r1);
    c10 = madd32(x, b0, c10); c11 = madd32(x, b1, c11);
    x = v128.load32_splat(a + r2);
    c20 = madd32(x, b0, c20); c21 = madd32(x, b1, c21);
    x = v128.load32_splat(a + r3);
    c30 = madd32(x, b0, c30); c31 = madd32(x, b1, c31);
    a += aStep;
    b += bStep;
  }
  storeTile<f32>(c, ldc, rows, cols, overwrite, c00, c01, c10, c11, c20, c21, c30, c31);
}

/**
 * tileF32x8 where op(A) is packed (its four rows 4 bytes apart, steps 16 apart, zero rows past m):
 * the splat loads take constant offsets, so the loop keeps two address registers instead of five.
 * Every lane sums the same products in the same order as tileF32x8 (same bits).
 *
 * NOTE: unrolling two steps of k per iteration was slower (Xeon, Node 20): binaryen hoists the
 * second step's loads above the first step's multiply-adds and V8 then spills accumulators.
 */
function tileF32x8PackedA(kc: i32, a: usize, b: usize, bStep: usize, c: usize, ldc: usize, rows: i32, cols: i32, overwrite: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const end = a + (<usize>kc << 4);
  while (a < end) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let x = v128.load32_splat(a);
    c00 = madd32(x, b0, c00); c01 = madd32(x, b1, c01);
    x = v128.load32_splat(a, 4);
    c10 = madd32(x, b0, c10); c11 = madd32(x, b1, c11);
    x = v128.load32_splat(a, 8);
    c20 = madd32(x, b0, c20); c21 = madd32(x, b1, c21);
    x = v128.load32_splat(a, 12);
    c30 = madd32(x, b0, c30); c31 = madd32(x, b1, c31);
    a += 16;
    b += bStep;
  }
  storeTile<f32>(c, ldc, rows, cols, overwrite, c00, c01, c10, c11, c20, c21, c30, c31);
}

/**
 * The relaxed-SIMD builds' tile on packed op(A) (6 rows 4 bytes apart, steps 24 apart, zero rows
 * past m): 6 x 8, twelve accumulators. Every lane sums the same products in the same order as the
 * 4-row tiles (same bits).
 */
function tileF32x8Packed6(kc: i32, a: usize, b: usize, bStep: usize, c: usize, ldc: usize, rows: i32, cols: i32, overwrite: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0), c50 = f32x4.splat(0), c51 = f32x4.splat(0);
  const end = a + <usize>kc * 24;
  while (a < end) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let x = v128.load32_splat(a);
    c00 = madd32(x, b0, c00); c01 = madd32(x, b1, c01);
    x = v128.load32_splat(a, 4);
    c10 = madd32(x, b0, c10); c11 = madd32(x, b1, c11);
    x = v128.load32_splat(a, 8);
    c20 = madd32(x, b0, c20); c21 = madd32(x, b1, c21);
    x = v128.load32_splat(a, 12);
    c30 = madd32(x, b0, c30); c31 = madd32(x, b1, c31);
    x = v128.load32_splat(a, 16);
    c40 = madd32(x, b0, c40); c41 = madd32(x, b1, c41);
    x = v128.load32_splat(a, 20);
    c50 = madd32(x, b0, c50); c51 = madd32(x, b1, c51);
    a += 24;
    b += bStep;
  }
  if (rows == 6 && cols == 8) {
    storeTile<f32>(c, ldc, 4, 8, overwrite, c00, c01, c10, c11, c20, c21, c30, c31);
    const c4 = c + (ldc << 2), c5 = c4 + ldc;
    if (!overwrite) {
      c40 = f32x4.add(c40, v128.load(c4)); c41 = f32x4.add(c41, v128.load(c4, 16));
      c50 = f32x4.add(c50, v128.load(c5)); c51 = f32x4.add(c51, v128.load(c5, 16));
    }
    v128.store(c4, c40); v128.store(c4, c41, 16);
    v128.store(c5, c50); v128.store(c5, c51, 16);
    return;
  }
  v128.store(edge, c00); v128.store(edge, c01, 16);
  v128.store(edge, c10, 32); v128.store(edge, c11, 48);
  v128.store(edge, c20, 64); v128.store(edge, c21, 80);
  v128.store(edge, c30, 96); v128.store(edge, c31, 112);
  v128.store(edge, c40, 128); v128.store(edge, c41, 144);
  v128.store(edge, c50, 160); v128.store(edge, c51, 176);
  storeEdge<f32>(c, ldc, rows, cols, 8, overwrite);
}

/** tileF32x8Packed6 for the last 4 columns or fewer: 6 x 4, six accumulators. */
function tileF32x4Packed6(kc: i32, a: usize, b: usize, bStep: usize, c: usize, ldc: usize, rows: i32, cols: i32, overwrite: bool): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0), c4 = f32x4.splat(0), c5 = f32x4.splat(0);
  const end = a + <usize>kc * 24;
  while (a < end) {
    const b0 = v128.load(b);
    c0 = madd32(v128.load32_splat(a), b0, c0);
    c1 = madd32(v128.load32_splat(a, 4), b0, c1);
    c2 = madd32(v128.load32_splat(a, 8), b0, c2);
    c3 = madd32(v128.load32_splat(a, 12), b0, c3);
    c4 = madd32(v128.load32_splat(a, 16), b0, c4);
    c5 = madd32(v128.load32_splat(a, 20), b0, c5);
    a += 24;
    b += bStep;
  }
  if (rows == 6 && cols == 4) {
    if (!overwrite) {
      c0 = f32x4.add(c0, v128.load(c)); c1 = f32x4.add(c1, v128.load(c + ldc)); c2 = f32x4.add(c2, v128.load(c + (ldc << 1)));
      c3 = f32x4.add(c3, v128.load(c + ldc * 3)); c4 = f32x4.add(c4, v128.load(c + (ldc << 2))); c5 = f32x4.add(c5, v128.load(c + ldc * 5));
    }
    v128.store(c, c0); v128.store(c + ldc, c1); v128.store(c + (ldc << 1), c2);
    v128.store(c + ldc * 3, c3); v128.store(c + (ldc << 2), c4); v128.store(c + ldc * 5, c5);
    return;
  }
  v128.store(edge, c0); v128.store(edge, c1, 32); v128.store(edge, c2, 64);
  v128.store(edge, c3, 96); v128.store(edge, c4, 128); v128.store(edge, c5, 160);
  storeEdge<f32>(c, ldc, rows, cols, 8, overwrite);
}

/** A 1×8 tile, for the last row when m % 4 == 1 (m = 5 outputs: dW = gᵀ x). */
function rowF32x8(kc: i32, a: usize, aStep: usize, b: usize, bStep: usize, c: usize, cols: i32, overwrite: bool): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const x = v128.load32_splat(a);
    c0 = madd32(x, v128.load(b), c0);
    c1 = madd32(x, v128.load(b, 16), c1);
    a += aStep;
    b += bStep;
  }
  if (cols == 8) {
    if (!overwrite) {
      c0 = f32x4.add(c0, v128.load(c));
      c1 = f32x4.add(c1, v128.load(c, 16));
    }
    v128.store(c, c0);
    v128.store(c, c1, 16);
    return;
  }
  v128.store(edge, c0);
  v128.store(edge, c1, 16);
  storeEdge<f32>(c, 0, 1, cols, 8, overwrite);
}

function tileF32x4(
  kc: i32, a: usize, aRow: usize, aStep: usize, rows: i32, b: usize, bStep: usize,
  c: usize, ldc: usize, cols: i32, overwrite: bool,
): void {
  const r1: usize = rows > 1 ? aRow : 0;
  const r2: usize = rows > 2 ? aRow << 1 : r1;
  const r3: usize = rows > 3 ? aRow * 3 : r2;
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(b);
    c0 = madd32(v128.load32_splat(a), b0, c0);
    c1 = madd32(v128.load32_splat(a + r1), b0, c1);
    c2 = madd32(v128.load32_splat(a + r2), b0, c2);
    c3 = madd32(v128.load32_splat(a + r3), b0, c3);
    a += aStep;
    b += bStep;
  }
  if (rows == 4 && cols == 4) {
    if (!overwrite) {
      c0 = f32x4.add(c0, v128.load(c)); c1 = f32x4.add(c1, v128.load(c + ldc));
      c2 = f32x4.add(c2, v128.load(c + (ldc << 1))); c3 = f32x4.add(c3, v128.load(c + ldc * 3));
    }
    v128.store(c, c0); v128.store(c + ldc, c1); v128.store(c + (ldc << 1), c2); v128.store(c + ldc * 3, c3);
    return;
  }
  v128.store(edge, c0); v128.store(edge, c1, 32); v128.store(edge, c2, 64); v128.store(edge, c3, 96);
  storeEdge<f32>(c, ldc, rows, cols, 8, overwrite);
}

function tileF64x4(
  kc: i32, a: usize, aRow: usize, aStep: usize, rows: i32, b: usize, bStep: usize,
  c: usize, ldc: usize, cols: i32, overwrite: bool,
): void {
  const r1: usize = rows > 1 ? aRow : 0;
  const r2: usize = rows > 2 ? aRow << 1 : r1;
  const r3: usize = rows > 3 ? aRow * 3 : r2;
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let x = v128.load64_splat(a);
    c00 = madd64(x, b0, c00); c01 = madd64(x, b1, c01);
    x = v128.load64_splat(a + r1);
    c10 = madd64(x, b0, c10); c11 = madd64(x, b1, c11);
    x = v128.load64_splat(a + r2);
    c20 = madd64(x, b0, c20); c21 = madd64(x, b1, c21);
    x = v128.load64_splat(a + r3);
    c30 = madd64(x, b0, c30); c31 = madd64(x, b1, c31);
    a += aStep;
    b += bStep;
  }
  storeTile<f64>(c, ldc, rows, cols, overwrite, c00, c01, c10, c11, c20, c21, c30, c31);
}

/** tileF64x4 where op(A) is packed, as tileF32x8PackedA: same products in the same order. */
function tileF64x4PackedA(kc: i32, a: usize, b: usize, bStep: usize, c: usize, ldc: usize, rows: i32, cols: i32, overwrite: bool): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  const end = a + (<usize>kc << 5);
  while (a < end) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let x = v128.load64_splat(a);
    c00 = madd64(x, b0, c00); c01 = madd64(x, b1, c01);
    x = v128.load64_splat(a, 8);
    c10 = madd64(x, b0, c10); c11 = madd64(x, b1, c11);
    x = v128.load64_splat(a, 16);
    c20 = madd64(x, b0, c20); c21 = madd64(x, b1, c21);
    x = v128.load64_splat(a, 24);
    c30 = madd64(x, b0, c30); c31 = madd64(x, b1, c31);
    a += 32;
    b += bStep;
  }
  storeTile<f64>(c, ldc, rows, cols, overwrite, c00, c01, c10, c11, c20, c21, c30, c31);
}

function tileF64x2(
  kc: i32, a: usize, aRow: usize, aStep: usize, rows: i32, b: usize, bStep: usize,
  c: usize, ldc: usize, cols: i32, overwrite: bool,
): void {
  const r1: usize = rows > 1 ? aRow : 0;
  const r2: usize = rows > 2 ? aRow << 1 : r1;
  const r3: usize = rows > 3 ? aRow * 3 : r2;
  let c0 = f64x2.splat(0), c1 = f64x2.splat(0), c2 = f64x2.splat(0), c3 = f64x2.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(b);
    c0 = madd64(v128.load64_splat(a), b0, c0);
    c1 = madd64(v128.load64_splat(a + r1), b0, c1);
    c2 = madd64(v128.load64_splat(a + r2), b0, c2);
    c3 = madd64(v128.load64_splat(a + r3), b0, c3);
    a += aStep;
    b += bStep;
  }
  v128.store(edge, c0); v128.store(edge, c1, 32); v128.store(edge, c2, 64); v128.store(edge, c3, 96);
  storeEdge<f64>(c, ldc, rows, cols, 4, overwrite);
}

/**
 * The 4 x (2 vectors) register tile c00..c31 into C[0:rows, 0:cols] (C += it unless `overwrite`):
 * a whole tile straight from the registers, a partial one through `edge` (storeEdge). The ending of
 * the four-row tiles of both types (float32 adds C after the tile, float64 before, as they always have).
 */
// @ts-ignore: decorator
@inline function storeTile<T>(
  c: usize, ldc: usize, rows: i32, cols: i32, overwrite: bool,
  c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128,
): void {
  const NR: i32 = sizeof<T>() == 4 ? 8 : 4;
  if (rows == 4 && cols == NR) {
    if (!overwrite) {
      c00 = addC<T>(c00, v128.load(c)); c01 = addC<T>(c01, v128.load(c, 16));
      c10 = addC<T>(c10, v128.load(c + ldc)); c11 = addC<T>(c11, v128.load(c + ldc, 16));
      c20 = addC<T>(c20, v128.load(c + (ldc << 1))); c21 = addC<T>(c21, v128.load(c + (ldc << 1), 16));
      c30 = addC<T>(c30, v128.load(c + ldc * 3)); c31 = addC<T>(c31, v128.load(c + ldc * 3, 16));
    }
    v128.store(c, c00); v128.store(c, c01, 16);
    v128.store(c + ldc, c10); v128.store(c + ldc, c11, 16);
    v128.store(c + (ldc << 1), c20); v128.store(c + (ldc << 1), c21, 16);
    v128.store(c + ldc * 3, c30); v128.store(c + ldc * 3, c31, 16);
    return;
  }
  v128.store(edge, c00); v128.store(edge, c01, 16);
  v128.store(edge, c10, 32); v128.store(edge, c11, 48);
  v128.store(edge, c20, 64); v128.store(edge, c21, 80);
  v128.store(edge, c30, 96); v128.store(edge, c31, 112);
  storeEdge<T>(c, ldc, rows, cols, NR, overwrite);
}

/** A tile's sum plus C's value: float32 tile + C, float64 C + tile. */
// @ts-ignore: decorator
@inline function addC<T>(tile: v128, inC: v128): v128 {
  return sizeof<T>() == 4 ? f32x4.add(tile, inC) : f64x2.add(inC, tile);
}

/** C[0:rows, 0:cols] (+)= the tile in `edge` (row r at r * width elements). */
function storeEdge<T>(c: usize, ldc: usize, rows: i32, cols: i32, width: i32, overwrite: bool): void {
  const es = <usize>sizeof<T>();
  for (let r = 0; r < rows; r++) {
    const src = edge + <usize>(r * width) * es;
    const dst = c + <usize>r * ldc;
    for (let q = 0; q < cols; q++) {
      const v = load<T>(src + <usize>q * es);
      const at = dst + <usize>q * es;
      store<T>(at, overwrite ? v : load<T>(at) + v);
    }
  }
}
