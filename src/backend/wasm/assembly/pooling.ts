/*
 * Max and average pooling, float32 and float64: the loops of src/kernels/pooling.ts (windowMax,
 * scatterAddAt, windowMean, windowMeanAdjoint) operation for operation, so the results are
 * bit-identical to the TS kernels: the same row-major scan of each window (max: NaN wins, the last
 * NaN; ties keep the first), sums in float64 rounded once when stored, the same division. Scalar
 * loops, except float32's plain 2 x 2 max pool (the CNNs' layer), four windows per SIMD step.
 *
 * Windows are laid out as the TS `Windows` of each dim: i32 start[out], i32 end[out], and for the
 * averages f64 divisor[out]; argmax holds i32 positions in the whole input.
 */

/** y = the max of each window of each plane of x, argmax = its position (windowMax). */
function maxPool2d<T>(x: usize, planes: i32, inH: i32, inW: i32, outH: i32, outW: i32, rs: usize, re: usize, dH: i32, cs: usize, ce: usize, dW: i32, y: usize, argmax: usize): void {
  const es = <usize>sizeof<T>();
  let o: usize = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inH * inW;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = load<i32>(rs + (<usize>oh << 2));
      const h1 = load<i32>(re + (<usize>oh << 2));
      for (let ow = 0; ow < outW; ow++, o++) {
        const w0 = load<i32>(cs + (<usize>ow << 2));
        const w1 = load<i32>(ce + (<usize>ow << 2));
        let best = base + h0 * inW + w0;
        let max: f64 = -Infinity;
        for (let h = h0; h < h1; h += dH) {
          const row = base + h * inW;
          for (let w = w0; w < w1; w += dW) {
            const v = <f64>load<T>(x + <usize>(row + w) * es);
            // take this element when v > max or v is NaN (branch-free, as the TS kernel)
            best ^= (best ^ (row + w)) & -(<i32>(v > max) | <i32>(v != v));
            max = <f64>load<T>(x + <usize>best * es);
          }
        }
        store<T>(y + o * es, <T>max);
        store<i32>(argmax + (o << 2), best);
      }
    }
  }
}

/** maxPool2d for plain 2 x 2 windows (stride 2, no padding or dilation, whole windows): maxPool2x2's order. */
function maxPool2x2<T>(x: usize, planes: i32, inH: i32, inW: i32, outH: i32, outW: i32, y: usize, argmax: usize): void {
  const es = <usize>sizeof<T>();
  let o: usize = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inH * inW;
    for (let oh = 0; oh < outH; oh++) {
      const r0 = base + 2 * oh * inW;
      const r1 = r0 + inW;
      for (let ow = 0; ow < outW; ow++, o++) {
        const i = r0 + 2 * ow;
        const j = r1 + 2 * ow;
        let best = i;
        let max = <f64>load<T>(x + <usize>i * es);
        let v = <f64>load<T>(x + <usize>(i + 1) * es);
        best ^= (best ^ (i + 1)) & -(<i32>(v > max) | <i32>(v != v));
        max = <f64>load<T>(x + <usize>best * es);
        v = <f64>load<T>(x + <usize>j * es);
        best ^= (best ^ j) & -(<i32>(v > max) | <i32>(v != v));
        max = <f64>load<T>(x + <usize>best * es);
        v = <f64>load<T>(x + <usize>(j + 1) * es);
        best ^= (best ^ (j + 1)) & -(<i32>(v > max) | <i32>(v != v));
        store<T>(y + o * es, load<T>(x + <usize>best * es));
        store<i32>(argmax + (o << 2), best);
      }
    }
  }
}

/** dx[argmax[i]] += g[i] for i < n (scatterAddAt), in order. */
function scatterAdd<T>(g: usize, argmax: usize, n: i32, dx: usize): void {
  const es = <usize>sizeof<T>();
  for (let i = 0; i < n; i++) {
    const at = dx + <usize>load<i32>(argmax + (<usize>i << 2)) * es;
    store<T>(at, <T>(<f64>load<T>(at) + <f64>load<T>(g + <usize>i * es)));
  }
}

/** The divisor of output (oh, ow): the override when `hasDivisor`, else rows' factor times cols'. */
// @ts-ignore: decorator
@inline function divisorAt(hasDivisor: bool, divisor: f64, rd: usize, cd: usize, oh: i32, ow: i32): f64 {
  return hasDivisor ? divisor : load<f64>(rd + (<usize>oh << 3)) * load<f64>(cd + (<usize>ow << 3));
}

/** y = the mean of each window (windowMean): the float64 sum over the window, row by row, divided; 0 when empty. */
function avgPool2d<T>(
  x: usize, planes: i32, inH: i32, inW: i32, outH: i32, outW: i32, rs: usize, re: usize, rd: usize, cs: usize, ce: usize, cd: usize,
  hasDivisor: bool, divisor: f64, y: usize,
): void {
  const es = <usize>sizeof<T>();
  let o: usize = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inH * inW;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = load<i32>(rs + (<usize>oh << 2));
      const h1 = load<i32>(re + (<usize>oh << 2));
      for (let ow = 0; ow < outW; ow++, o++) {
        const w0 = load<i32>(cs + (<usize>ow << 2));
        const w1 = load<i32>(ce + (<usize>ow << 2));
        if (h0 >= h1 || w0 >= w1) {
          store<T>(y + o * es, <T>0);
          continue;
        }
        let sum: f64 = 0;
        for (let h = h0; h < h1; h++) {
          const row = x + <usize>(base + h * inW) * es;
          for (let w = w0; w < w1; w++) sum += <f64>load<T>(row + <usize>w * es);
        }
        store<T>(y + o * es, <T>(sum / divisorAt(hasDivisor, divisor, rd, cd, oh, ow)));
      }
    }
  }
}

/** dx += each output's g divided as avgPool2d divides, over its window (windowMeanAdjoint). */
function avgPool2dAdjoint<T>(
  g: usize, planes: i32, inH: i32, inW: i32, outH: i32, outW: i32, rs: usize, re: usize, rd: usize, cs: usize, ce: usize, cd: usize,
  hasDivisor: bool, divisor: f64, dx: usize,
): void {
  const es = <usize>sizeof<T>();
  let o: usize = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inH * inW;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = load<i32>(rs + (<usize>oh << 2));
      const h1 = load<i32>(re + (<usize>oh << 2));
      for (let ow = 0; ow < outW; ow++, o++) {
        const w0 = load<i32>(cs + (<usize>ow << 2));
        const w1 = load<i32>(ce + (<usize>ow << 2));
        if (h0 >= h1 || w0 >= w1) continue;
        const share = <f64>load<T>(g + o * es) / divisorAt(hasDivisor, divisor, rd, cd, oh, ow);
        for (let h = h0; h < h1; h++) {
          const row = dx + <usize>(base + h * inW) * es;
          for (let w = w0; w < w1; w++) {
            const at = row + <usize>w * es;
            store<T>(at, <T>(<f64>load<T>(at) + share));
          }
        }
      }
    }
  }
}

export function maxPool2dF32(x: usize, planes: i32, inH: i32, inW: i32, outH: i32, outW: i32, rs: usize, re: usize, dH: i32, cs: usize, ce: usize, dW: i32, y: usize, argmax: usize): void {
  maxPool2d<f32>(x, planes, inH, inW, outH, outW, rs, re, dH, cs, ce, dW, y, argmax);
}
export function maxPool2dF64(x: usize, planes: i32, inH: i32, inW: i32, outH: i32, outW: i32, rs: usize, re: usize, dH: i32, cs: usize, ce: usize, dW: i32, y: usize, argmax: usize): void {
  maxPool2d<f64>(x, planes, inH, inW, outH, outW, rs, re, dH, cs, ce, dW, y, argmax);
}
/**
 * maxPool2x2 of float32, four windows of a row at a time in SIMD lanes: the same three steps per
 * window (take the next element when greater or NaN), by lane masks instead of index arithmetic,
 * so the same values (bits) and positions; the row's last windows one at a time.
 */
export function maxPool2x2F32(x: usize, planes: i32, inH: i32, inW: i32, outH: i32, outW: i32, y: usize, argmax: usize): void {
  const steps = i32x4(0, 2, 4, 6);
  let o: usize = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inH * inW;
    for (let oh = 0; oh < outH; oh++) {
      const r0 = base + 2 * oh * inW;
      const r1 = r0 + inW;
      let ow = 0;
      for (; ow + 4 <= outW; ow += 4, o += 4) {
        const i = r0 + 2 * ow;
        const j = r1 + 2 * ow;
        const a0 = v128.load(x + (<usize>i << 2));
        const a1 = v128.load(x + (<usize>i << 2), 16);
        const b0 = v128.load(x + (<usize>j << 2));
        const b1 = v128.load(x + (<usize>j << 2), 16);
        // each window's four elements in scan order: top left, top right, bottom left, bottom right
        const tl = i32x4.shuffle(a0, a1, 0, 2, 4, 6);
        const tr = i32x4.shuffle(a0, a1, 1, 3, 5, 7);
        const bl = i32x4.shuffle(b0, b1, 0, 2, 4, 6);
        const br = i32x4.shuffle(b0, b1, 1, 3, 5, 7);
        const itl = i32x4.add(i32x4.splat(i), steps);
        const ibl = i32x4.add(i32x4.splat(j), steps);
        const one = i32x4.splat(1);
        let max = tl;
        let best = itl;
        let take = v128.or(f32x4.gt(tr, max), f32x4.ne(tr, tr));
        max = v128.bitselect(tr, max, take);
        best = v128.bitselect(i32x4.add(itl, one), best, take);
        take = v128.or(f32x4.gt(bl, max), f32x4.ne(bl, bl));
        max = v128.bitselect(bl, max, take);
        best = v128.bitselect(ibl, best, take);
        take = v128.or(f32x4.gt(br, max), f32x4.ne(br, br));
        max = v128.bitselect(br, max, take);
        best = v128.bitselect(i32x4.add(ibl, one), best, take);
        v128.store(y + (o << 2), max);
        v128.store(argmax + (o << 2), best);
      }
      for (; ow < outW; ow++, o++) {
        const i = r0 + 2 * ow;
        const j = r1 + 2 * ow;
        let best = i;
        let max = <f64>load<f32>(x + (<usize>i << 2));
        let v = <f64>load<f32>(x + (<usize>(i + 1) << 2));
        best ^= (best ^ (i + 1)) & -(<i32>(v > max) | <i32>(v != v));
        max = <f64>load<f32>(x + (<usize>best << 2));
        v = <f64>load<f32>(x + (<usize>j << 2));
        best ^= (best ^ j) & -(<i32>(v > max) | <i32>(v != v));
        max = <f64>load<f32>(x + (<usize>best << 2));
        v = <f64>load<f32>(x + (<usize>(j + 1) << 2));
        best ^= (best ^ (j + 1)) & -(<i32>(v > max) | <i32>(v != v));
        store<f32>(y + (o << 2), load<f32>(x + (<usize>best << 2)));
        store<i32>(argmax + (o << 2), best);
      }
    }
  }
}
export function maxPool2x2F64(x: usize, planes: i32, inH: i32, inW: i32, outH: i32, outW: i32, y: usize, argmax: usize): void {
  maxPool2x2<f64>(x, planes, inH, inW, outH, outW, y, argmax);
}
export function maxPoolScatterF32(g: usize, argmax: usize, n: i32, dx: usize): void {
  scatterAdd<f32>(g, argmax, n, dx);
}
export function maxPoolScatterF64(g: usize, argmax: usize, n: i32, dx: usize): void {
  scatterAdd<f64>(g, argmax, n, dx);
}
export function avgPool2dF32(
  x: usize, planes: i32, inH: i32, inW: i32, outH: i32, outW: i32, rs: usize, re: usize, rd: usize, cs: usize, ce: usize, cd: usize,
  hasDivisor: bool, divisor: f64, y: usize,
): void {
  avgPool2d<f32>(x, planes, inH, inW, outH, outW, rs, re, rd, cs, ce, cd, hasDivisor, divisor, y);
}
export function avgPool2dF64(
  x: usize, planes: i32, inH: i32, inW: i32, outH: i32, outW: i32, rs: usize, re: usize, rd: usize, cs: usize, ce: usize, cd: usize,
  hasDivisor: bool, divisor: f64, y: usize,
): void {
  avgPool2d<f64>(x, planes, inH, inW, outH, outW, rs, re, rd, cs, ce, cd, hasDivisor, divisor, y);
}
export function avgPool2dAdjointF32(
  g: usize, planes: i32, inH: i32, inW: i32, outH: i32, outW: i32, rs: usize, re: usize, rd: usize, cs: usize, ce: usize, cd: usize,
  hasDivisor: bool, divisor: f64, dx: usize,
): void {
  avgPool2dAdjoint<f32>(g, planes, inH, inW, outH, outW, rs, re, rd, cs, ce, cd, hasDivisor, divisor, dx);
}
export function avgPool2dAdjointF64(
  g: usize, planes: i32, inH: i32, inW: i32, outH: i32, outW: i32, rs: usize, re: usize, rd: usize, cs: usize, ce: usize, cd: usize,
  hasDivisor: bool, divisor: f64, dx: usize,
): void {
  avgPool2dAdjoint<f64>(g, planes, inH, inW, outH, outW, rs, re, rd, cs, ce, cd, hasDivisor, divisor, dx);
}
