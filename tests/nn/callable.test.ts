import { inspect } from 'util';
import * as torch from '../../src/index';
import { nn, Tensor } from '../../src/index';

class Net extends nn.Module {
  fc1 = new nn.Linear(4, 3);
  relu = new nn.ReLU();
  fc2 = new nn.Linear(3, 2);
  forward(x: Tensor): Tensor {
    return this.fc2(this.relu(this.fc1(x)));
  }
}

/** A subclass whose fields are named like a function's own properties. */
class Named extends nn.Module {
  override name = 'encoder';
  override length = 7;
  scale = 2;
  forward(x: Tensor, shift: number): Tensor {
    return x.mul(this.scale).add(shift);
  }
}

describe('modules are callable: model(x) is model.forward(x)', () => {
  const x = torch.randn([5, 4], { generator: new torch.Generator(1) });

  it('for a user subclass and every kind of built-in module, losses included', () => {
    const net = new Net();
    expect(net(x).toArray()).toEqual(net.forward(x).toArray());
    const seq = new nn.Sequential(new nn.Linear(4, 3), new nn.Tanh(), new nn.Flatten());
    expect(seq(x).toArray()).toEqual(seq.forward(x).toArray());
    const criterion = new nn.CrossEntropyLoss();
    const y = torch.tensor([0, 1, 1, 0, 1], { dtype: 'int32' });
    expect(criterion(net(x), y).item()).toBe(criterion.forward(net.forward(x), y).item());
    expect(new nn.MSELoss()(x, x.mul(0)).item()).toBe(x.pow(2).mean().item());
  });

  it('typed by the subclass own forward', () => {
    const named = new Named();
    const out: Tensor = named(x, 1);
    expect(out.toArray()).toEqual(x.mul(2).add(1).toArray());
    // @ts-expect-error forward takes a Tensor and a number
    expect(() => named('x', 1)).toThrow();
    const loss = new nn.MSELoss();
    // @ts-expect-error a loss takes two tensors
    expect(() => loss(x)).toThrow();
  });

  it('gradients flow through calls as through forward', () => {
    const net = new Net();
    net(x).sum().backward();
    const viaCall = net.parameters().map((p) => p.grad!.toArray());
    net.zeroGrad();
    net.forward(x).sum().backward();
    expect(net.parameters().map((p) => p.grad!.toArray())).toEqual(viaCall);
  });

  it('printing, instanceof, field walking and state dicts are unchanged', () => {
    const net = new Net();
    expect(typeof net).toBe('function');
    expect(net instanceof Net && net instanceof nn.Module).toBe(true);
    expect(String(net)).toBe(
      'Net(\n  (fc1): Linear(in_features=4, out_features=3, bias=True)\n  (relu): ReLU()\n  (fc2): Linear(in_features=3, out_features=2, bias=True)\n)',
    );
    expect(`${net}`).toBe(String(net));
    expect(inspect(net)).toBe(String(net));
    expect(Object.keys(net)).toEqual(['training', 'fc1', 'relu', 'fc2']);
    expect(Object.keys(net.stateDict())).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(net.namedChildren().map(([k]) => k)).toEqual(['fc1', 'relu', 'fc2']);
    net.eval();
    expect(net.training).toBe(false);
    expect(net.fc1.training).toBe(false);
  });

  it("fields named like a function's name and length are the subclass's; Sequential and ModuleList lengths work", () => {
    const named = new Named();
    expect(named.name).toBe('encoder');
    expect(named.length).toBe(7);
    named.name = 'decoder';
    expect(named.name).toBe('decoder');
    expect(Object.keys(named)).toEqual(['training', 'name', 'length', 'scale']);
    expect(new nn.Sequential(new nn.ReLU(), new nn.Tanh()).length).toBe(2);
    expect(new nn.ModuleList([new nn.ReLU()]).length).toBe(1);
    expect(new nn.ReLU().name).toBe('');
  });

  it("Function.prototype's call and bind work, as the type says; apply is PyTorch's Module.apply(fn)", () => {
    const relu = new nn.ReLU();
    const v = torch.tensor([-1, 2], { dtype: 'float32' });
    expect(relu.call(null, v).toArray()).toEqual([0, 2]);
    const seen: string[] = [];
    new Net().apply((m) => seen.push(m.constructor.name));
    expect(seen).toEqual(['Linear', 'ReLU', 'Linear', 'Net']);
    expect(relu.bind(null)(v).toArray()).toEqual([0, 2]);
    expect([v, v.neg()].map((t) => relu(t).toArray())).toEqual([
      [0, 2],
      [1, 0],
    ]);
  });
});
