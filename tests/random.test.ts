import seedrandom from 'seedrandom';
import { aleaBernoulliFill, Generator } from '../src/random';

describe('Generator: seedrandom Alea, stepped in place', () => {
  test.each([1, 2, 42, 67280421310721, -3.5])('uniform() is seedrandom.alea(%p).double(), draw for draw', (seed) => {
    const ref = seedrandom.alea(String(seed), { state: true });
    const g = new Generator(seed);
    for (let i = 0; i < 20000; i++) {
      const want = ref.double();
      const got = g.uniform();
      if (got !== want) throw new Error(`seed ${seed}, draw ${i}: ${got}, seedrandom ${want}`);
    }
    expect(g.getState().alea).toEqual(ref.state());
  });

  test('aleaBernoulliFill draws as a uniform() loop: the same elements written, the same state after', () => {
    for (const [p, n] of [
      [0.75, 10001],
      [0.5, 7],
      [0, 100],
      [1, 100],
    ] as const) {
      const a = new Generator(5);
      const b = new Generator(5);
      a.uniform();
      b.uniform();
      const want = new Float32Array(n).fill(-1);
      for (let i = 0; i < n; i++) if (a.uniform() < p) want[i] = 4 / 3;
      const got = new Float32Array(n).fill(-1);
      aleaBernoulliFill(b.aleaState(), got, p, 4 / 3);
      expect(got).toEqual(want);
      expect(b.getState()).toEqual(a.getState());
      expect(b.uniform()).toBe(a.uniform());
    }
    const g = new Generator(3);
    const f64 = new Float64Array(1000);
    aleaBernoulliFill(g.aleaState(), f64, 0.25, 2);
    const kept = f64.filter((v) => v === 2).length;
    expect(f64.every((v) => v === 0 || v === 2)).toBe(true);
    expect(kept).toBeGreaterThan(200);
    expect(kept).toBeLessThan(300);
  });

  test('setState takes seedrandom state and continues its stream', () => {
    const ref = seedrandom.alea('7', { state: true });
    for (let i = 0; i < 5; i++) ref.double();
    const g = new Generator();
    g.setState({ alea: ref.state(), spareNormal: null });
    for (let i = 0; i < 100; i++) expect(g.uniform()).toBe(ref.double());
  });
});
