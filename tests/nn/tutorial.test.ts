/**
 * The seed tutorial's two models, written as tsgrad modules: they print PyTorch's module tree and
 * lower their loss over a few plain gradient-descent steps on a fixed seeded batch. (There is no
 * optimizer in this test on purpose: the update is done by hand under noGrad.)
 */
import * as torch from '../../src/index';
import { Tensor, nn } from '../../src/index';

/** Binary classifier: Linear -> ReLU -> Linear(., 1) -> sigmoid, trained with BCELoss. */
class NeuralNet1 extends nn.Module {
  linear1: nn.Linear;
  relu: nn.ReLU;
  linear2: nn.Linear;
  constructor(inputSize: number, hiddenSize: number) {
    super();
    this.linear1 = new nn.Linear(inputSize, hiddenSize);
    this.relu = new nn.ReLU();
    this.linear2 = new nn.Linear(hiddenSize, 1);
  }
  forward(x: Tensor): Tensor {
    const out = this.linear2.forward(this.relu.forward(this.linear1.forward(x)));
    return torch.sigmoid(out); // sigmoid at the end
  }
}

/** Multiclass classifier: Linear -> ReLU -> Linear(., numClasses), raw logits for CrossEntropyLoss. */
class NeuralNet2 extends nn.Module {
  linear1: nn.Linear;
  relu: nn.ReLU;
  linear2: nn.Linear;
  constructor(inputSize: number, hiddenSize: number, numClasses: number) {
    super();
    this.linear1 = new nn.Linear(inputSize, hiddenSize);
    this.relu = new nn.ReLU();
    this.linear2 = new nn.Linear(hiddenSize, numClasses);
  }
  forward(x: Tensor): Tensor {
    return this.linear2.forward(this.relu.forward(this.linear1.forward(x))); // no softmax at the end
  }
}

/** Plain gradient descent: p -= lr * p.grad for every parameter, under noGrad. Returns the losses. */
function train(model: nn.Module, lossFn: () => Tensor, steps: number, lr: number): number[] {
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    model.zeroGrad();
    const loss = lossFn();
    losses.push(loss.item());
    loss.backward();
    torch.noGrad(() => {
      for (const p of model.parameters()) p.sub_(p.grad!.mul(lr));
    });
  }
  losses.push(lossFn().item());
  return losses;
}

function expectDecreasing(losses: number[]): void {
  for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThan(losses[i - 1]);
}

describe('NeuralNet1: binary classification with BCELoss', () => {
  test('prints the module tree', () => {
    expect(String(new NeuralNet1(28 * 28, 5))).toBe(
      [
        'NeuralNet1(',
        '  (linear1): Linear(in_features=784, out_features=5, bias=True)',
        '  (relu): ReLU()',
        '  (linear2): Linear(in_features=5, out_features=1, bias=True)',
        ')',
      ].join('\n'),
    );
  });

  test('its loss goes down over plain gradient-descent steps on a fixed seeded batch', () => {
    torch.manualSeed(1);
    const model = new NeuralNet1(28 * 28, 5);
    const x = torch.randn([32, 784]);
    const y = torch.randint(0, 2, [32, 1]).float(); // (N, 1), the model's output shape
    const criterion = new nn.BCELoss();
    const yPred = model.forward(x);
    expect(yPred.shape).toEqual([32, 1]);
    expect(Array.from(yPred.data).every((p) => p > 0 && p < 1)).toBe(true);
    const losses = train(model, () => criterion.forward(model.forward(x), y), 10, 0.5);
    expectDecreasing(losses);
    expect(losses[losses.length - 1]).toBeLessThan(0.9 * losses[0]);
    // the same run again from the same seed repeats bit for bit
    torch.manualSeed(1);
    const again = new NeuralNet1(28 * 28, 5);
    const x2 = torch.randn([32, 784]);
    const y2 = torch.randint(0, 2, [32, 1]).float();
    expect(train(again, () => criterion.forward(again.forward(x2), y2), 10, 0.5)).toEqual(losses);
  });
});

describe('NeuralNet2: multiclass classification with CrossEntropyLoss', () => {
  test('prints the module tree', () => {
    expect(String(new NeuralNet2(28 * 28, 5, 3))).toBe(
      [
        'NeuralNet2(',
        '  (linear1): Linear(in_features=784, out_features=5, bias=True)',
        '  (relu): ReLU()',
        '  (linear2): Linear(in_features=5, out_features=3, bias=True)',
        ')',
      ].join('\n'),
    );
  });

  test('its loss goes down over plain gradient-descent steps, and it fits the batch better', () => {
    torch.manualSeed(2);
    const model = new NeuralNet2(28 * 28, 5, 3);
    const x = torch.randn([32, 784]);
    const y = torch.randint(0, 3, [32]);
    const criterion = new nn.CrossEntropyLoss(); // applies softmax itself
    const accuracy = (): number => {
      const predictions = torch.max(model.forward(x), 1)[1];
      return Array.from(predictions.data).filter((p, i) => p === y.data[i]).length / 32;
    };
    const before = accuracy();
    const losses = train(model, () => criterion.forward(model.forward(x), y), 10, 0.5);
    expectDecreasing(losses);
    expect(losses[losses.length - 1]).toBeLessThan(0.9 * losses[0]);
    expect(accuracy()).toBeGreaterThan(before);
  });
});
