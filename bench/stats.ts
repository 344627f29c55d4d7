/** Small statistics over timing samples, and the micro-benchmark timer the kernel benches share. */

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

export interface Summary {
  median: number;
  min: number;
  max: number;
}

export function summarize(xs: readonly number[]): Summary {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

/** |a - b| / |b| (0 when both are 0). */
export function relativeError(a: number, b: number): number {
  return a === b ? 0 : Math.abs(a - b) / Math.abs(b);
}

/** `len` values in [-0.5, 0.5) from a linear congruential generator: the same data on every run. */
export function filled<C extends Float32ArrayConstructor | Float64ArrayConstructor>(ctor: C, len: number, seed: number): InstanceType<C> {
  const x = new ctor(len) as InstanceType<C>;
  let s = seed >>> 0;
  for (let i = 0; i < len; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 4294967296 - 0.5;
  }
  return x;
}

/** Median and best seconds per call of `f`, in `reps` samples each batching calls to >= 20 ms. */
export function time(f: () => void, reps = 7): { seconds: number; best: number } {
  const run = (calls: number): number => {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) f();
    return (performance.now() - t0) / 1000;
  };
  let calls = 1;
  for (let t = run(1); t < 0.02; t = run(calls)) calls = t < 0.002 ? calls * 8 : calls * 2;
  const samples: number[] = [];
  for (let r = 0; r < reps; r++) samples.push(run(calls) / calls);
  samples.sort((x, y) => x - y);
  return { seconds: samples[samples.length >> 1], best: samples[0] };
}
