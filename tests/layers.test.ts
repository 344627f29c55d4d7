import * as fs from 'fs';
import * as path from 'path';

// Layers import one way (CONTRIBUTING.md): each folder of src/ (or root file) may import only from
// lower layers. The one inherent cycle is Tensor's: its methods call ops and autograd, and ops and
// autograd make Tensors; it is documented in src/tensor.ts and allowed here by name, nothing else.

const SRC = path.join(__dirname, '..', 'src');

/** Lower numbers sit lower; a unit may import units of a strictly lower layer. */
const LAYER: Record<string, number> = {
  dtype: 0,
  shape: 0,
  options: 0,
  format: 1,
  random: 1,
  nested: 1,
  kernels: 2,
  backend: 3,
  autograd: 4,
  ops: 5,
  tensor: 5,
  creation: 6,
  sampling: 7,
  nn: 7,
  optim: 7,
  data: 7,
  serialization: 7,
  jit: 8,
  onnx: 9,
  index: 10,
  node: 11,
};

/** The documented cycle: Tensor <-> autograd and Tensor <-> ops. */
const ALLOWED_UPWARD = new Set(['autograd->tensor', 'ops->tensor']);

function unitOf(file: string): string {
  const rel = path.relative(SRC, file).split(path.sep);
  return rel.length === 1 ? rel[0].replace(/\.ts$/, '') : rel[0];
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return p.endsWith(path.join('wasm', 'assembly')) ? [] : sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Every (importing unit, imported unit, file) edge in src/, type-only imports included. */
function edges(): { from: string; to: string; file: string }[] {
  const out: { from: string; to: string; file: string }[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s+'(\.[^']+)'/g)) {
      const target = path.resolve(path.dirname(file), m[1]);
      const from = unitOf(file);
      const to = unitOf(fs.existsSync(target) && fs.statSync(target).isDirectory() ? path.join(target, 'index.ts') : `${target}.ts`);
      if (from !== to) out.push({ from, to, file: path.relative(SRC, file) });
    }
  }
  return out;
}

describe('src/ layers import one way', () => {
  const all = edges();

  it('finds the imports it checks', () => {
    expect(all.length).toBeGreaterThan(50);
    expect(all.some((e) => e.from === 'ops' && e.to === 'autograd')).toBe(true);
  });

  it('every folder and root file has a layer', () => {
    const units = new Set(sourceFiles(SRC).map(unitOf));
    expect([...units].filter((u) => !(u in LAYER))).toEqual([]);
  });

  it('no import goes up a layer, except the documented Tensor cycle', () => {
    const upward = all
      .filter((e) => LAYER[e.from] <= LAYER[e.to] && !ALLOWED_UPWARD.has(`${e.from}->${e.to}`))
      .filter((e) => !(e.from === 'tensor' && (e.to === 'ops' || e.to === 'autograd')))
      .map((e) => `${e.file} imports ${e.to} (layer ${LAYER[e.to]}) from layer ${LAYER[e.from]}`);
    expect(upward).toEqual([]);
  });

  it('no cycle between folders other than the Tensor one', () => {
    const graph = new Map<string, Set<string>>();
    for (const e of all) {
      if (e.from === 'tensor' || e.to === 'tensor') continue; // the documented cycle
      if (!graph.has(e.from)) graph.set(e.from, new Set());
      graph.get(e.from)!.add(e.to);
    }
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (u: string): void => {
      state.set(u, 'open');
      stack.push(u);
      for (const v of graph.get(u) ?? []) {
        if (state.get(v) === 'open') cycles.push([...stack.slice(stack.indexOf(v)), v].join(' -> '));
        else if (!state.has(v)) visit(v);
      }
      stack.pop();
      state.set(u, 'done');
    };
    for (const u of graph.keys()) if (!state.has(u)) visit(u);
    expect(cycles).toEqual([]);
  });
});
