/**
 * pytorch/examples' MNIST script (mnist/main.py), ported line by line: the same Net (two
 * convolutions, max pooling, dropout, two linear layers, log-softmax), nll_loss, Adadelta(lr=1.0)
 * and StepLR(step_size=1), and the same train and test printouts, on the `mnist` package's 10,000
 * real digits: 8,000 to train on, 2,000 held out.
 *
 * NOTE: the original trains on 60,000 digits; with 8,000, its defaults (batch 64, gamma 0.7, no
 * augmentation) end at 97.3-97.8% on the held-out digits. Three defaults differ so that this one
 * reaches 98.5%: each training digit is shifted by up to 2 pixels (torchvision's
 * RandomCrop(28, padding=2), `--augment 0` for none), batches of 32 (twice the steps per epoch) and
 * gamma 0.85 over 10 epochs (the original: 14 at 0.7). Measured with the wasm backend's Winograd
 * F(4x4, 3x3) convolutions: 98.55% (seed 1, the default), 98.40% (seed 2), 98.50% (seed 3); with
 * F(2x2, 3x3), whose float32 rounding differs: 98.60%, 98.35%, 98.45%; with im2col: 98.60% and
 * 98.70% (seeds 1, 2). The seed also picks the
 * held-out digits (one standard error on 2,000 digits: ~0.27 points); gamma 0.8 and 0.9 gave seeds 2
 * and 3 the same results. Fewer epochs end lower: 5 at gamma 0.7,
 * 98.20% and 98.00% (seeds 1, 2); 6 at gamma 0.6 with lr 2, 98.15%; 6 at 0.7 in batches of 16,
 * 98.20% (seed 1).
 *
 *   npm run example:cnn
 *   npm run example:cnn -- --epochs 5 --log-interval 20
 */
import * as torch from '../src/index';
import { data, nn, optim, type Tensor } from '../src/index';
import { loadMnist } from '../src/node/mnist';
import { save } from '../src/node/index';
import { Cli, flag, type Output, stdout } from './lib/cli';
import { ensureDir, outPath, shown, writeText } from './lib/files';
import { lineChart } from './lib/svg-chart';

const F = nn.functional;

export class Net extends nn.Module {
  conv1 = new nn.Conv2d(1, 32, 3, 1);
  conv2 = new nn.Conv2d(32, 64, 3, 1);
  dropout1 = new nn.Dropout(0.25);
  dropout2 = new nn.Dropout(0.5);
  fc1 = new nn.Linear(9216, 128);
  fc2 = new nn.Linear(128, 10);

  forward(x: Tensor): Tensor {
    x = this.conv1(x);
    x = F.relu(x);
    x = this.conv2(x);
    x = F.relu(x);
    x = F.maxPool2d(x, 2);
    x = this.dropout1(x);
    x = torch.flatten(x, 1);
    x = this.fc1(x);
    x = F.relu(x);
    x = this.dropout2(x);
    x = this.fc2(x);
    const output = F.logSoftmax(x, 1);
    return output;
  }
}

type Loader = data.DataLoader<[Tensor, Tensor]>;

/** (image, label) pairs of `dataset` with `transform` applied to each image as it is read. */
class Transformed extends data.Dataset<[Tensor, Tensor]> {
  readonly length: number;
  constructor(
    readonly dataset: data.Dataset<[Tensor, Tensor]>,
    readonly transform: (x: Tensor) => Tensor,
  ) {
    super();
    this.length = dataset.length;
  }
  get(index: number): [Tensor, Tensor] {
    const [image, label] = this.dataset.get(index);
    return [this.transform(image), label];
  }
}

/** One pass over the training set, printing as the original: every logInterval batches. */
function train(args: Flags, model: Net, trainLoader: Loader, optimizer: optim.Adadelta, epoch: number, print: (s: string) => void, losses: [number, number][]) {
  model.train();
  let batchIdx = 0;
  const size = trainLoader.dataset.length;
  for (const [input, target] of trainLoader) {
    optimizer.zeroGrad();
    const output = model(input);
    const loss = F.nllLoss(output, target);
    loss.backward();
    optimizer.step();
    if (batchIdx % args.logInterval === 0) {
      const seen = batchIdx * input.shape[0];
      print(`Train Epoch: ${epoch} [${seen}/${size} (${((100 * batchIdx) / trainLoader.length).toFixed(0)}%)]\tLoss: ${loss.item().toFixed(6)}`);
      losses.push([epoch - 1 + batchIdx / trainLoader.length, loss.item()]);
      if (args.dryRun) break;
    }
    batchIdx++;
  }
}

/** Average loss and accuracy on the held-out digits, printed as the original. */
function test(model: Net, testLoader: Loader, print: (s: string) => void): { loss: number; accuracy: number } {
  model.eval();
  let testLoss = 0;
  let correct = 0;
  torch.noGrad(() => {
    for (const [input, target] of testLoader) {
      const output = model(input);
      testLoss += F.nllLoss(output, target, { reduction: 'sum' }).item(); // sum up batch loss
      const pred = output.argmax(1, true); // get the index of the max log-probability
      correct += pred.eq(target.viewAs(pred)).sum().item();
    }
  });
  const size = testLoader.dataset.length;
  testLoss /= size;
  print(`\nTest set: Average loss: ${testLoss.toFixed(4)}, Accuracy: ${correct}/${size} (${((100 * correct) / size).toFixed(0)}%)\n`);
  return { loss: testLoss, accuracy: correct / size };
}

const cli = new Cli('npm run example:cnn --', "pytorch/examples' MNIST CNN on the mnist package's real digits (8,000 to train, 2,000 held out).", {
  batchSize: flag.int(32, 'input batch size for training (the original: 64)', 1),
  testBatchSize: flag.int(1000, 'input batch size for testing', 1),
  epochs: flag.int(10, 'number of epochs to train (the original runs 14 on 60,000 digits)', 1),
  lr: flag.float(1.0, 'learning rate'),
  gamma: flag.float(0.85, 'learning rate step gamma (the original: 0.7)'),
  augment: flag.int(2, 'shift each training digit by up to N pixels (RandomCrop(28, padding=N)); 0 for none, as the original'),
  dryRun: flag.switch('quickly check a single pass'),
  seed: flag.int(1, 'random seed'),
  logInterval: flag.int(10, 'how many batches to wait before logging training status', 1),
  plot: flag.string(outPath('mnist-cnn.svg'), 'write the loss curve to this SVG file; --plot= for none', 'FILE', 'out/mnist-cnn.svg'),
  save: flag.string(
    outPath('mnist-cnn.safetensors'),
    'save the trained weights to this safetensors file; --save= for none',
    'FILE',
    'out/mnist-cnn.safetensors',
  ),
});
type Flags = ReturnType<typeof cli.parse>;

export async function main(argv: string[], out: Output = stdout) {
  const args = cli.parse(argv);
  const print = (s: string): void => out.write(`${s}\n`);
  torch.manualSeed(args.seed);
  const device = torch.device(torch.cuda.isAvailable() ? 'cuda' : 'cpu');
  const generator = new torch.Generator(args.seed);

  const transform = data.transforms.Compose<Tensor>([data.transforms.Normalize([0.1307], [0.3081])]);
  const { images, labels } = loadMnist();
  const digits = images.view(-1, 1, 28, 28);
  const dataset = new data.TensorDataset(transform(digits), labels);
  const [trainSet, testSet] = data.randomSplit(dataset, [8000, 2000], { generator });
  // The training digits through the augmentation, then the same normalisation (torchvision: datasets.MNIST(..., transform=trainTransform))
  const trainTransform = data.transforms.Compose<Tensor>([
    data.transforms.RandomCrop(28, { padding: args.augment, generator }),
    data.transforms.Normalize([0.1307], [0.3081]),
  ]);
  const augmented = new Transformed(new data.Subset(new data.TensorDataset(digits, labels), trainSet.indices), trainTransform);
  const trainLoader = new data.DataLoader(args.augment > 0 ? augmented : trainSet, { batchSize: args.batchSize, shuffle: true, generator });
  const testLoader = new data.DataLoader(testSet, { batchSize: args.testBatchSize });

  const model = new Net().to(device);
  const optimizer = new optim.Adadelta(model.parameters(), { lr: args.lr });
  const scheduler = new optim.lrScheduler.StepLR(optimizer, 1, { gamma: args.gamma });
  const losses: [number, number][] = [];
  const tests: [number, number][] = [];
  let result = { loss: NaN, accuracy: NaN };
  const started = performance.now();
  for (let epoch = 1; epoch <= args.epochs; epoch++) {
    train(args, model, trainLoader, optimizer, epoch, print, losses);
    result = test(model, testLoader, print);
    tests.push([epoch, result.loss]);
    scheduler.step();
  }
  const seconds = (performance.now() - started) / 1000;
  print(`Trained ${args.epochs} epochs in ${seconds.toFixed(1)} s; held-out accuracy ${(100 * result.accuracy).toFixed(2)}%`);

  if (args.plot) {
    const chart = lineChart(`pytorch/examples MNIST CNN on 8,000 real digits (seed ${args.seed})`, [
      {
        title: 'Loss',
        xLabel: 'epoch',
        yLabel: 'nll loss',
        series: [
          { name: 'train (logged batches)', points: losses, color: '#1f77b4' },
          { name: 'test', points: tests, color: '#ff7f0e', markers: true },
        ],
      },
    ]);
    writeText(args.plot, chart);
    print(`Wrote the loss curve to ${shown(args.plot)}`);
  }
  if (args.save) {
    ensureDir(args.save);
    save(model.stateDict(), args.save, { model: 'Net (pytorch/examples mnist)' });
    print(`Saved the trained weights to ${shown(args.save)}`);
  }
  return { model, testAccuracy: result.accuracy, seconds };
}

if (require.main === module) cli.run(main);
