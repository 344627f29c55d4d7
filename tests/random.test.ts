import seedrandom from 'seedrandom';
import { Generator } from '../src/random';

describe('Generator.bernoulliFill', () => {
  it("takes one of Alea's 32-bit draws per element, in order, and the stream goes on after them", () => {
    const g = new Generator(1234);
    const ref = seedrandom.alea('1234', { state: true });
    const out = new Float32Array(1000).fill(-1);
    g.bernoulliFill(out, 0.3, 2.5);
    for (let i = 0; i < out.length; i++) expect(out[i]).toBe(ref() < 0.3 ? 2.5 : -1);
    // the next draws are the reference's next ones
    expect(g.uniform()).toBe(ref.double());
    const state = g.getState();
    const again = new Float64Array(10);
    g.bernoulliFill(again, 0.5, 1);
    g.setState(state);
    const repeat = new Float64Array(10);
    g.bernoulliFill(repeat, 0.5, 1);
    expect(Array.from(repeat)).toEqual(Array.from(again));
  });

  it('sets about p of the elements, none at p = 0 and all at p = 1', () => {
    const g = new Generator(7);
    const out = new Float64Array(200_000);
    g.bernoulliFill(out, 0.75, 1);
    const kept = out.reduce((s, v) => s + v, 0) / out.length;
    expect(Math.abs(kept - 0.75)).toBeLessThan(0.005);
    const none = new Float32Array(1000);
    g.bernoulliFill(none, 0, 1);
    expect(none.every((v) => v === 0)).toBe(true);
    const all = new Float32Array(1000);
    g.bernoulliFill(all, 1, 3);
    expect(all.every((v) => v === 3)).toBe(true);
  });
});
