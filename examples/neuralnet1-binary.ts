/**
 * NeuralNet1 from seed 001 (Linear -> ReLU -> Linear -> sigmoid; BCELoss; SGD), trained on a
 * binary task made of real MNIST digits. By default: is the digit odd?
 *
 *   npm run example:binary
 *   npm run example:binary -- --task 3v8
 */
import * as torch from '../src/index';
import { data, nn, optim, type Tensor } from '../src/index';
import { loadMnist } from '../src/node/mnist';
import { save } from '../src/node/index';
import { Cli, flag, type Output, stdout, UsageError } from './lib/cli';
import { ensureDir, shown, writeText } from './lib/files';
import { type Evaluation, pct, TrainingMeter, trainingFlags } from './lib/training';

export class NeuralNet1 extends nn.Module {
  linear1: nn.Linear;
  relu = new nn.ReLU();
  linear2: nn.Linear;

  constructor(inputSize: number, hiddenSize: number) {
    super();
    this.linear1 = new nn.Linear(inputSize, hiddenSize);
    this.linear2 = new nn.Linear(hiddenSize, 1);
  }

  forward(x: Tensor): Tensor {
    let out = this.linear1(x);
    out = this.relu(out);
    out = this.linear2(out);
    // sigmoid at the end
    const yPred = torch.sigmoid(out);
    return yPred;
  }
}

const cli = new Cli(
  'npm run example:binary --',
  'Trains NeuralNet1 (Linear -> ReLU -> Linear -> sigmoid, BCELoss, SGD) on a yes/no question about real MNIST digits.',
  {
    task: flag.string(
      'odd',
      "the question: 'odd' (is the digit odd?), a digit such as '7' (is it a 7?), or 'AvB' such as '3v8' (only 3s and 8s: is it the 8?)",
      'TASK',
    ),
    ...trainingFlags('neuralnet1-binary'),
  },
);

/** Which digits a task uses, which of them count as "yes", and how to say it. */
interface Task {
  digits: number[];
  isYes: (digit: number) => boolean;
  question: string;
}

function parseTask(text: string): Task {
  const all = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  if (text === 'odd') return { digits: all, isYes: (d) => d % 2 === 1, question: 'is the digit odd?' };
  if (/^[0-9]$/.test(text)) return { digits: all, isYes: (d) => d === Number(text), question: `is the digit a ${text}?` };
  const pair = /^([0-9])v([0-9])$/.exec(text);
  if (pair && pair[1] !== pair[2]) {
    const [a, b] = [Number(pair[1]), Number(pair[2])];
    return { digits: [a, b], isYes: (d) => d === b, question: `${a} or ${b}: is it the ${b}?` };
  }
  throw new UsageError(`--task must be 'odd', a digit 0-9, or two different digits such as '3v8', got '${text}'`);
}

/** Mean loss and accuracy over a dataset, without recording a graph. */
function evaluate(model: NeuralNet1, loader: data.DataLoader<[Tensor, Tensor]>, criterion: nn.BCELoss): Evaluation {
  model.eval();
  let lossSum = 0;
  let correct = 0;
  let total = 0;
  torch.noGrad(() => {
    for (const [images, targets] of loader) {
      const yPred = model(images);
      lossSum += criterion(yPred, targets).item() * targets.shape[0];
      const predicted = yPred.gt(0.5); // a probability above 0.5 means "yes"
      correct += predicted.eq(targets).sum().item();
      total += targets.shape[0];
    }
  });
  return { loss: lossSum / total, accuracy: correct / total, correct, total };
}

export async function main(argv: string[], out: Output = stdout) {
  const flags = cli.parse(argv);
  const task = parseTask(flags.task);
  const print = (...parts: unknown[]): void => out.write(`${parts.map(String).join(' ')}\n`);
  torch.manualSeed(flags.seed);
  const generator = new torch.Generator(flags.seed);

  // Data: real MNIST digits with a 1/0 target per image (shape [N, 1], like the model's output),
  // split 80/20 into train and test with the seeded generator
  const { images, labels } = loadMnist({ digits: task.digits, limit: flags.limit || undefined });
  const yes = Float32Array.from(labels.data, (d) => (task.isYes(d) ? 1 : 0));
  const targets = new torch.Tensor(yes, [yes.length, 1], 'float32');
  const dataset = new data.TensorDataset(images, targets);
  const [trainSet, testSet] = data.randomSplit(dataset, [0.8, 0.2], { generator });
  const trainLoader = new data.DataLoader(trainSet, { batchSize: flags.batchSize, shuffle: true, generator });
  const trainEvalLoader = new data.DataLoader(trainSet, { batchSize: 1000 });
  const testLoader = new data.DataLoader(testSet, { batchSize: 1000 });
  const yesCount = yes.reduce((a, b) => a + b, 0);
  print(
    `MNIST, ${task.question} ${dataset.length} images (${yesCount} yes, ${dataset.length - yesCount} no), ${trainSet.length} to train on and ${testSet.length} to test`,
  );

  const model = new NeuralNet1(28 * 28, flags.hidden);
  const criterion = new nn.BCELoss();
  const optimizer = new optim.SGD(model.parameters(), { lr: flags.lr, momentum: flags.momentum });
  print(model);
  print(`BCELoss, SGD(lr=${flags.lr}, momentum=${flags.momentum}), batch size ${flags.batchSize}, ${flags.epochs} epochs, seed ${flags.seed}`);

  const meter = new TrainingMeter(out, flags.epochs, trainLoader.length);
  for (let epoch = 1; epoch <= flags.epochs; epoch++) {
    model.train();
    meter.startEpoch(epoch);
    for (const [images, targets] of trainLoader) {
      // forward pass and loss
      const yPred = model(images);
      const loss = criterion(yPred, targets);
      // backward pass and update
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      meter.step(loss.item(), targets.shape[0]);
    }
    meter.endEpoch(evaluate(model, trainEvalLoader, criterion), evaluate(model, testLoader, criterion));
  }

  const test = meter.epochs[meter.epochs.length - 1].test;
  print(`Test accuracy: ${pct(test.accuracy)} (${test.correct}/${test.total} test images)`);
  if (flags.plot) {
    writeText(flags.plot, meter.chart(`NeuralNet1 on MNIST, ${task.question} (hidden_size=${flags.hidden}, seed ${flags.seed})`));
    print(`Wrote the loss and accuracy curves to ${shown(flags.plot)}`);
  }
  if (flags.save) {
    ensureDir(flags.save);
    save(model.stateDict(), flags.save, { model: 'NeuralNet1', input_size: '784', hidden_size: String(flags.hidden), task: flags.task });
    print(`Saved the trained weights to ${shown(flags.save)}`);
  }
  return { model, history: meter.epochs, testAccuracy: test.accuracy };
}

if (require.main === module) cli.run(main);
