/**
 * Softmax and cross entropy, the tutorial of seeds 001 and 002 line for line: first by hand on
 * plain arrays (the seed's numpy code), then with tsgrad's `softmax` and `nn.CrossEntropyLoss`,
 * for one sample and for a batch, with the predictions from `max(x, 1)`. Then what goes wrong when
 * softmax output is fed to CrossEntropyLoss (seed 000 does that), and the autograd graph of one
 * loss written as Graphviz DOT.
 *
 *   npm run example:softmax
 */
import * as torch from '../src/index';
import { autograd, nn, type Tensor } from '../src/index';
import { Cli, flag, type Output, stdout } from './lib/cli';
import { outPath, shown, writeText } from './lib/files';

const cli = new Cli('npm run example:softmax --', 'Softmax and cross entropy by hand and with tsgrad (seeds 001 and 002).', {
  dot: flag.string(outPath('cross-entropy-graph.dot'), 'write the autograd graph of one loss to this Graphviz DOT file', 'FILE', 'out/cross-entropy-graph.dot'),
});

//        -> 2.0              -> 0.65
// Linear -> 1.0  -> Softmax  -> 0.25   -> CrossEntropy(y, y_hat)
//        -> 0.1              -> 0.1
//
//     scores(logits)      probabilities
//                           sum = 1.0

/** softmax(x)_i = e^x_i / sum_j e^x_j, on a plain array (the seed's numpy version). */
function softmaxByHand(x: number[]): number[] {
  const exps = x.map(Math.exp);
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** -sum_i actual_i log(predicted_i), with the prediction clipped away from 0 and 1 (`actual` is one-hot). */
function crossEntropyByHand(actual: number[], predicted: number[]): number {
  const EPS = 1e-15;
  return -actual.reduce((sum, y, i) => sum + y * Math.log(Math.min(Math.max(predicted[i], EPS), 1 - EPS)), 0);
}

/** An array as numpy prints it: `[0.65900114 0.24243297 0.09856589]`. */
const numpyStyle = (xs: number[]): string => `[${xs.map((v) => v.toFixed(8)).join(' ')}]`;

/** The length of a gradient, sqrt(sum g^2). */
const norm = (g: Tensor): number => Math.sqrt(g.pow(2).sum().item());

export function main(argv: string[], out: Output = stdout): void {
  const flags = cli.parse(argv);
  const print = (...parts: unknown[]): void => out.write(`${parts.map(String).join(' ')}\n`);

  print('== Softmax ==');
  const outputsByHand = softmaxByHand([2.0, 1.0, 0.1]);
  print('softmax numpy:', numpyStyle(outputsByHand));
  const x = torch.tensor([2.0, 1.0, 0.1]);
  const outputs = torch.softmax(x, 0); // along values along first axis
  print('softmax tsgrad:', outputs);

  print('\n== Cross entropy by hand: Y is one-hot, Y_pred holds probabilities ==');
  const Y1hot = [1, 0, 0]; // class 0
  const l1ByHand = crossEntropyByHand(Y1hot, [0.7, 0.2, 0.1]);
  const l2ByHand = crossEntropyByHand(Y1hot, [0.1, 0.3, 0.6]);
  print(`Loss1 numpy: ${l1ByHand.toFixed(4)}`);
  print(`Loss2 numpy: ${l2ByHand.toFixed(4)}`);

  print('\n== nn.CrossEntropyLoss: Y holds class labels, Y_pred raw scores (logits) ==');
  // CrossEntropyLoss = LogSoftmax + NLLLoss, so it applies the softmax itself.
  const loss = new nn.CrossEntropyLoss();
  const Y = torch.tensor([0]); // nSamples = 1, class label 0
  let YPredGood = torch.tensor([[2.0, 1.0, 0.1]]); // nSamples x nClasses = 1 x 3
  let YPredBad = torch.tensor([[0.5, 2.0, 0.3]]);
  let l1 = loss(YPredGood, Y);
  let l2 = loss(YPredBad, Y);
  print(`tsgrad Loss1: ${l1.item().toFixed(4)}`);
  print(`tsgrad Loss2: ${l2.item().toFixed(4)}`);
  let [, predictions1] = torch.max(YPredGood, 1);
  let [, predictions2] = torch.max(YPredBad, 1);
  print(`Actual class: ${Y.item()}, Y_pred1: ${predictions1.item()}, Y_pred2: ${predictions2.item()}`);

  print('\n== A batch of 3 samples (seed 002) ==');
  const Y3 = torch.tensor([2, 0, 1]);
  YPredGood = torch.tensor([
    [0.1, 1.0, 2.1],
    [2.0, 1.0, 0.1],
    [2.0, 3.0, 0.1],
  ]); // no softmax
  YPredBad = torch.tensor([
    [2.1, 1.0, 0.1],
    [0.1, 1.0, 2.1],
    [0.1, 3.0, 0.1],
  ]);
  l1 = loss(YPredGood, Y3);
  l2 = loss(YPredBad, Y3);
  print(`Batch Loss1: ${l1.item().toFixed(4)}`);
  print(`Batch Loss2: ${l2.item().toFixed(4)}`);
  [, predictions1] = torch.max(YPredGood, 1);
  [, predictions2] = torch.max(YPredBad, 1);
  print(predictions1);
  print(predictions2);
  print(`Actual class: ${Y3}, Y_pred1: ${predictions1}, Y_pred2: ${predictions2}`);

  print('\n== Feeding softmax output to CrossEntropyLoss (as seed 000 does) ==');
  torch.manualSeed(0);
  const inputTensor = torch.randn([3, 5]);
  const target = torch.tensor([0, 2, 1]);
  const outputSoftmax = new nn.Softmax(1)(inputTensor);
  print(`loss(logits, target)          = ${loss(inputTensor, target).item().toFixed(4)}`);
  print(`loss(softmax(logits), target) = ${loss(outputSoftmax, target).item().toFixed(4)}   <- softmax applied twice (tsgrad warns on stderr)`);
  // Probabilities lie in [0, 1], so a second softmax can never get far from uniform: even a perfect
  // one-hot row [1, 0, 0, 0, 0] scores log(1 + 4/e), and the gradient that reaches the logits shrinks.
  const perfect = torch.tensor([[1, 0, 0, 0, 0]], { dtype: 'float32' }); // JavaScript writes 1.0 as 1: say float
  print(
    `best possible loss on probabilities: loss([[1, 0, 0, 0, 0]], [0]) = ${loss(perfect, torch.tensor([0]))
      .item()
      .toFixed(4)} = log(1 + 4/e), never 0`,
  );
  const logits = torch.tensor(YPredBad, { requiresGrad: true });
  const [gradDirect] = autograd.grad(loss(logits, Y3), logits);
  const [gradTwice] = autograd.grad(loss(torch.softmax(logits, 1), Y3), logits);
  print(
    `gradient reaching the logits (seed 002's bad batch): |g| = ${norm(gradDirect!).toFixed(4)} on logits, ${norm(gradTwice!).toFixed(4)} through an extra softmax`,
  );
  print('So the last layer returns raw scores, and CrossEntropyLoss does the softmax: NeuralNet2 has no softmax at the end.');

  print('\n== The autograd graph of one loss: Linear -> CrossEntropy ==');
  const linear = new nn.Linear(5, 3);
  const lossOfLinear = loss(linear(inputTensor), target);
  const dot = autograd.toDot(lossOfLinear, { params: linear.namedParameters('linear'), name: 'loss' });
  out.write(dot);
  writeText(flags.dot, dot);
  print(`Wrote ${shown(flags.dot)} (render it with: dot -Tsvg ${shown(flags.dot)} -o graph.svg)`);
}

if (require.main === module) cli.run(main);
