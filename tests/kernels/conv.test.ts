/**
 * src/kernels/conv.ts's helpers that are not kernels of a backend: sumChannels, the conv bias
 * gradient (four running float64 sums per channel).
 */
import { sumChannels } from '../../src/kernels/conv';
import { Generator } from '../../src/random';

/** The sum over the batch and positions of each channel, one running float64 sum. */
function reference(g: Float64Array, batch: number, channels: number, blocks: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < channels; c++) {
    let s = 0;
    for (let n = 0; n < batch; n++) for (let j = 0; j < blocks; j++) s += g[(n * channels + c) * blocks + j];
    out.push(s);
  }
  return out;
}

describe('sumChannels', () => {
  const gen = new Generator(5);
  test.each([1, 2, 3, 4, 5, 7, 8, 576])('%i positions a plane: every channel summed over batch and positions', (blocks) => {
    for (const [batch, channels] of [
      [1, 1],
      [3, 2],
      [2, 5],
    ]) {
      // integers: every order of the adds gives the exact sum
      const ints = Float64Array.from({ length: batch * channels * blocks }, () => Math.floor(gen.uniform() * 200) - 100);
      const db = new Float64Array(channels).fill(NaN);
      sumChannels(ints, batch, channels, blocks, db);
      expect(Array.from(db)).toEqual(reference(ints, batch, channels, blocks));
      // and float32 values, to float32 rounding of the float64 sum
      const g = Float32Array.from({ length: batch * channels * blocks }, () => gen.uniform() - 0.5);
      const db32 = new Float32Array(channels);
      sumChannels(g, batch, channels, blocks, db32);
      const want = reference(Float64Array.from(g), batch, channels, blocks);
      db32.forEach((v, c) => expect(Math.abs(v - want[c])).toBeLessThanOrEqual(Math.abs(want[c]) * 2 ** -23 + 1e-12));
    }
  });
});
