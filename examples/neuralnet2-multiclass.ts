/**
 * NeuralNet2 from seed 001 (Linear -> ReLU -> Linear, no softmax at the end; CrossEntropyLoss;
 * SGD), trained on real MNIST digits. By default the seed's num_classes=3: digits 0, 1 and 2.
 *
 *   npm run example:multiclass
 *   npm run example:multiclass -- --all --epochs 10 --hidden 32
 *   npm run example:multiclass -- --optimizer adamw --scheduler onecycle --clip 1.0
 */
import * as torch from '../src/index';
import { data, nn, optim, type Tensor } from '../src/index';
import { loadMnist } from '../src/node/mnist';
import { save } from '../src/node/index';
import { Cli, flag, type Output, stdout, UsageError } from './lib/cli';
import { ensureDir, shown, writeText } from './lib/files';
import { type Evaluation, pct, TrainingMeter, trainingFlags } from './lib/training';

export class NeuralNet2 extends nn.Module {
  linear1: nn.Linear;
  relu = new nn.ReLU();
  linear2: nn.Linear;

  constructor(inputSize: number, hiddenSize: number, numClasses: number) {
    super();
    this.linear1 = new nn.Linear(inputSize, hiddenSize);
    this.linear2 = new nn.Linear(hiddenSize, numClasses);
  }

  forward(x: Tensor): Tensor {
    let out = this.linear1(x);
    out = this.relu(out);
    out = this.linear2(out);
    // no softmax at the end
    return out;
  }
}

const OPTIMIZERS = ['sgd', 'adam', 'adamw', 'adagrad', 'nadam', 'radam', 'rmsprop'] as const;
type Optimizer = (typeof OPTIMIZERS)[number];
const SCHEDULERS = ['none', 'onecycle', 'cosine', 'step', 'linear'] as const;
type Scheduler = (typeof SCHEDULERS)[number];

const cli = new Cli(
  'npm run example:multiclass --',
  'Trains NeuralNet2 (Linear -> ReLU -> Linear, CrossEntropyLoss, SGD) on real MNIST digits 0 .. num_classes-1.',
  {
    numClasses: flag.int(3, 'classify digits 0 .. N-1 (2 to 10)', 2),
    all: flag.switch('all ten digits (same as --num-classes 10)'),
    ...trainingFlags('neuralnet2-multiclass'),
    optimizer: flag.choice(OPTIMIZERS, 'sgd', 'the optimizer: --lr is its (peak) learning rate, --momentum its momentum where it has one'),
    weightDecay: flag.float(-1, "weight decay of the weight matrices (biases get none); -1 for the optimizer's default", -1),
    scheduler: flag.choice(SCHEDULERS, 'none', 'the learning-rate schedule, stepped after every batch'),
    clip: flag.float(0, 'clip the gradients to this total 2-norm before each step; 0 for no clipping'),
  },
);

/** The optimizer `--optimizer` names, over two groups: weight matrices with `--weight-decay`, biases without. */
function makeOptimizer(
  name: Optimizer,
  model: nn.Module,
  lr: number,
  momentum: number,
  weightDecay: number,
): optim.Optimizer<{ lr: number }, optim.StateEntry> {
  const params = model.parameters();
  // -1: the optimizer's own default (0.01 for AdamW, 0 for the others)
  const groups = [
    { params: params.filter((p) => p.ndim > 1), ...(weightDecay >= 0 ? { weightDecay } : {}) },
    { params: params.filter((p) => p.ndim <= 1), weightDecay: 0 },
  ];
  const made =
    name === 'adam'
      ? new optim.Adam(groups, { lr })
      : name === 'adamw'
        ? new optim.AdamW(groups, { lr })
        : name === 'adagrad'
          ? new optim.Adagrad(groups, { lr })
          : name === 'nadam'
            ? new optim.NAdam(groups, { lr })
            : name === 'radam'
              ? new optim.RAdam(groups, { lr })
              : name === 'rmsprop'
                ? new optim.RMSprop(groups, { lr, momentum })
                : new optim.SGD(groups, { lr, momentum });
  return made as unknown as optim.Optimizer<{ lr: number }, optim.StateEntry>;
}

/** The schedule `--scheduler` names, for `totalSteps` optimizer steps. */
function makeScheduler(name: Scheduler, optimizer: optim.Optimizer<{ lr: number }, optim.StateEntry>, lr: number, totalSteps: number): { step(): void } | null {
  const opt = optimizer as never;
  if (name === 'onecycle') return new optim.lrScheduler.OneCycleLR(opt, lr, { totalSteps });
  if (name === 'cosine') return new optim.lrScheduler.CosineAnnealingLR(opt, totalSteps);
  if (name === 'step') return new optim.lrScheduler.StepLR(opt, Math.max(1, Math.floor(totalSteps / 3)), { gamma: 0.1 });
  if (name === 'linear') return new optim.lrScheduler.LinearLR(opt, { startFactor: 1, endFactor: 0.01, totalIters: totalSteps });
  return null;
}

/** Mean loss and accuracy over a dataset, without recording a graph. */
function evaluate(model: NeuralNet2, loader: data.DataLoader<[Tensor, Tensor]>, criterion: nn.CrossEntropyLoss): Evaluation {
  model.eval();
  let lossSum = 0;
  let correct = 0;
  let total = 0;
  torch.noGrad(() => {
    for (const [images, labels] of loader) {
      const outputs = model(images);
      lossSum += criterion(outputs, labels).item() * labels.shape[0];
      // value, index: the index of the largest score is the predicted class
      const [, predicted] = torch.max(outputs, 1);
      correct += predicted.eq(labels).sum().item();
      total += labels.shape[0];
    }
  });
  return { loss: lossSum / total, accuracy: correct / total, correct, total };
}

export async function main(argv: string[], out: Output = stdout) {
  const flags = cli.parse(argv);
  const numClasses = flags.all ? 10 : flags.numClasses;
  if (numClasses > 10) throw new UsageError(`--num-classes must be at most 10 (MNIST has ten digits), got ${numClasses}`);
  const print = (...parts: unknown[]): void => out.write(`${parts.map(String).join(' ')}\n`);
  torch.manualSeed(flags.seed);
  const generator = new torch.Generator(flags.seed);

  // Data: real MNIST digits, split 80/20 into train and test with the seeded generator
  const digits = Array.from({ length: numClasses }, (_, i) => i);
  const { images, labels } = loadMnist({ digits, limit: flags.limit || undefined });
  const dataset = new data.TensorDataset(images, labels);
  const [trainSet, testSet] = data.randomSplit(dataset, [0.8, 0.2], { generator });
  const trainLoader = new data.DataLoader(trainSet, { batchSize: flags.batchSize, shuffle: true, generator });
  const trainEvalLoader = new data.DataLoader(trainSet, { batchSize: 1000 });
  const testLoader = new data.DataLoader(testSet, { batchSize: 1000 });
  print(`MNIST digits ${digits.join(', ')}: ${dataset.length} images of 28x28 = 784 pixels, ${trainSet.length} to train on and ${testSet.length} to test`);

  const model = new NeuralNet2(28 * 28, flags.hidden, numClasses);
  const criterion = new nn.CrossEntropyLoss(); // (applies Softmax)
  const optimizer = makeOptimizer(flags.optimizer, model, flags.lr, flags.momentum, flags.weightDecay);
  const scheduler = makeScheduler(flags.scheduler, optimizer, flags.lr, flags.epochs * trainLoader.length);
  print(model);
  const decay = (optimizer.paramGroups[0] as { weightDecay?: number }).weightDecay;
  const optimizerText = `${optimizer.constructor.name}(lr=${flags.lr}${flags.optimizer === 'sgd' ? `, momentum=${flags.momentum}` : ''}, weight_decay=${decay})`;
  const extras = [
    flags.scheduler !== 'none' ? `${scheduler!.constructor.name} per batch` : '',
    flags.clip > 0 ? `gradients clipped to norm ${flags.clip}` : '',
  ].filter(Boolean);
  print(`CrossEntropyLoss, ${optimizerText}${extras.map((e) => `, ${e}`).join('')}, batch size ${flags.batchSize}, ${flags.epochs} epochs, seed ${flags.seed}`);

  const meter = new TrainingMeter(out, flags.epochs, trainLoader.length);
  for (let epoch = 1; epoch <= flags.epochs; epoch++) {
    model.train();
    meter.startEpoch(epoch);
    for (const [images, labels] of trainLoader) {
      // forward pass and loss
      const outputs = model(images);
      const loss = criterion(outputs, labels);
      // backward pass and update
      optimizer.zeroGrad();
      loss.backward();
      if (flags.clip > 0) nn.utils.clipGradNorm_(model.parameters(), flags.clip);
      optimizer.step();
      scheduler?.step();
      meter.step(loss.item(), labels.shape[0]);
    }
    meter.endEpoch(evaluate(model, trainEvalLoader, criterion), evaluate(model, testLoader, criterion));
  }

  const test = meter.epochs[meter.epochs.length - 1].test;
  print(`Test accuracy: ${pct(test.accuracy)} (${test.correct}/${test.total} test images)`);
  if (flags.plot) {
    writeText(flags.plot, meter.chart(`NeuralNet2 on MNIST digits 0-${numClasses - 1} (hidden_size=${flags.hidden}, seed ${flags.seed})`));
    print(`Wrote the loss and accuracy curves to ${shown(flags.plot)}`);
  }
  if (flags.save) {
    ensureDir(flags.save);
    save(model.stateDict(), flags.save, { model: 'NeuralNet2', input_size: '784', hidden_size: String(flags.hidden), num_classes: String(numClasses) });
    print(`Saved the trained weights to ${shown(flags.save)}`);
  }
  return { model, history: meter.epochs, testAccuracy: test.accuracy };
}

if (require.main === module) cli.run(main);
