import { allocate } from '../src/dtype';

// Small typed arrays are views into shared slabs (src/dtype.ts, allocate): they must never overlap
// and must start zeroed, across slab boundaries too.
describe('allocate: small arrays share slabs without overlapping', () => {
  it('thousands of small arrays of every dtype: zeroed, disjoint, each its own memory', () => {
    const arrays = [];
    for (let i = 0; i < 3000; i++) {
      const dtype = (['float32', 'float64', 'int32', 'bool'] as const)[i % 4];
      const n = 17 + ((i * 37) % 900); // 68 bytes .. 7 KiB: both sides of the 4 KiB limit
      const a = allocate(dtype, n);
      expect(a.length).toBe(n);
      expect(a.every((v) => v === 0)).toBe(true);
      a.fill(i % 4 === 3 ? 1 : i + 1);
      arrays.push({ a, value: i % 4 === 3 ? 1 : i + 1 });
    }
    for (const { a, value } of arrays) expect(a.every((v) => v === value)).toBe(true);
    const small = allocate('float32', 100);
    expect(small.byteOffset % 8).toBe(0);
    expect(allocate('float64', 1000).buffer.byteLength).toBe(8000); // beyond the limit: its own buffer
  });
});
