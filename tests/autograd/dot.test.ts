import * as torch from '../../src/index';
import { autograd, nn } from '../../src/index';

/** The nodes (id -> label) and edges (from -> to, by label) of a DOT string written by toDot. */
function parseDot(dot: string): { labels: Map<string, string>; edges: [string, string][] } {
  const labels = new Map<string, string>();
  for (const m of dot.matchAll(/^\s*(n\d+) \[label="([^"]*)", fillcolor=\w+\];$/gm)) labels.set(m[1], m[2]);
  const edges: [string, string][] = [];
  const undefinedEnds: string[] = [];
  for (const m of dot.matchAll(/^\s*(n\d+) -> (n\d+);$/gm)) {
    if (!labels.has(m[1]) || !labels.has(m[2])) undefinedEnds.push(m[0]);
    edges.push([labels.get(m[1])!, labels.get(m[2])!]);
  }
  expect(undefinedEnds).toEqual([]);
  return { labels, edges };
}

describe('autograd.toDot', () => {
  // x [2, 4] -> Linear(4, 3) -> logits [2, 3] -> CrossEntropyLoss -> loss []
  function linearCrossEntropy(): { linear: nn.Linear; loss: torch.Tensor; x: torch.Tensor } {
    torch.manualSeed(0);
    const linear = new nn.Linear(4, 3);
    const x = torch.randn([2, 4]);
    const loss = new nn.CrossEntropyLoss().forward(linear.forward(x), torch.tensor([0, 2]));
    return { linear, loss, x };
  }

  test('Linear -> CrossEntropy: op nodes, named parameter leaves with shapes, edges along the graph', () => {
    const { linear, loss } = linearCrossEntropy();
    const dot = autograd.toDot(loss, { params: linear.namedParameters('fc'), name: 'loss' });
    expect(dot.startsWith('digraph {\n')).toBe(true);
    expect(dot.trimEnd().endsWith('}')).toBe(true);
    const { labels, edges } = parseDot(dot);
    expect([...labels.values()].sort()).toEqual(['AddmmBackward0', 'NllLossBackward0', 'fc.bias [3]', 'fc.weight [3, 4]', 'loss []']);
    expect(edges).toEqual([
      ['NllLossBackward0', 'loss []'],
      ['AddmmBackward0', 'NllLossBackward0'],
      ['fc.weight [3, 4]', 'AddmmBackward0'],
      ['fc.bias [3]', 'AddmmBackward0'],
    ]);
  });

  test('params may be a record; inputs that need no grad are left out, as in PyTorch', () => {
    const { linear, loss } = linearCrossEntropy();
    const { labels } = parseDot(autograd.toDot(loss, { params: { W: linear.weight } }));
    expect([...labels.values()].sort()).toEqual(['AddmmBackward0', 'NllLossBackward0', 'W [3, 4]', '[3]', 'output []']);
  });

  test('an input that requires grad is a leaf too, and a tensor used twice gives two edges to one node', () => {
    const x = torch.randn([2, 4], { requiresGrad: true });
    const y = x.mul(x).sum();
    const { labels, edges } = parseDot(autograd.toDot(y, { params: [['x', x]] }));
    expect(labels.size).toBe(4);
    expect(edges.filter(([from]) => from === 'x [2, 4]')).toEqual([
      ['x [2, 4]', 'MulBackward0'],
      ['x [2, 4]', 'MulBackward0'],
    ]);
  });

  test('a deep chain does not overflow the stack', () => {
    let y = torch.ones([1], { requiresGrad: true });
    for (let i = 0; i < 10000; i++) y = y.mul(1.0001);
    expect(parseDot(autograd.toDot(y)).labels.size).toBe(10002);
  });

  test('a leaf on its own is one node', () => {
    const w = torch.zeros([2], { requiresGrad: true });
    expect(autograd.toDot(w, { params: { w } })).toContain('n0 [label="w [2]"');
    expect(parseDot(autograd.toDot(torch.zeros([3]))).labels.get('n0')).toBe('output [3]');
  });

  test('the graph is read without running backward; after backward frees it, toDot says so', () => {
    const { linear, loss } = linearCrossEntropy();
    autograd.toDot(loss);
    expect(linear.weight.grad).toBeNull();
    loss.backward();
    expect(() => autograd.toDot(loss)).toThrow(/NllLossBackward0 was freed by an earlier backward\(\)/);
    const again = linearCrossEntropy().loss;
    again.backward(undefined, { retainGraph: true });
    expect(parseDot(autograd.toDot(again)).labels.size).toBe(5);
  });

  test('quotes in names are escaped', () => {
    const w = torch.zeros([1], { requiresGrad: true });
    expect(autograd.toDot(w.mul(2), { params: { 'a"b\\c': w } })).toContain('label="a\\"b\\\\c [1]"');
  });
});

describe('toDot checks its arguments', () => {
  it('names the option, the tensor and the values it got', () => {
    expect(() => autograd.toDot(torch.zeros([1]), { nam: 'loss' } as never)).toThrow(
      "toDot: unknown option 'nam'; did you mean 'name'? (allowed: params, name)",
    );
    expect(() => autograd.toDot(null as never)).toThrow('toDot: expected a Tensor, got null');
    expect(() => autograd.toDot(torch.zeros([1]), { name: 5 } as never)).toThrow('toDot: name must be a string, got 5');
    expect(() => autograd.toDot(torch.zeros([1]), { params: 5 } as never)).toThrow('toDot: params must be an object of Tensors by name');
  });
});
