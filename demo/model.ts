/** The nets the demo trains, and how: shared by the page (which predicts) and the worker (which trains). */
import * as torch from '../src/index';
import { nn, type Tensor } from '../src/index';

/** The seed tutorial's NeuralNet2: Linear -> ReLU -> Linear, no softmax at the end. */
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

/**
 * A small LeNet-style CNN on [N, 1, 28, 28] images: two 5x5 convolutions (8 and 16 channels), each
 * followed by ReLU and 2x2 max pooling, then one Linear from the 16x4x4 features to the classes.
 */
export class ConvNet extends nn.Module {
  conv1 = new nn.Conv2d(1, 8, 5); // [N, 8, 24, 24], pooled to 12x12
  relu = new nn.ReLU();
  pool = new nn.MaxPool2d(2);
  conv2 = new nn.Conv2d(8, 16, 5); // [N, 16, 8, 8], pooled to 4x4
  fc: nn.Linear;

  constructor(numClasses: number) {
    super();
    this.fc = new nn.Linear(16 * 4 * 4, numClasses);
  }

  forward(x: Tensor): Tensor {
    x = this.pool(this.relu(this.conv1(x)));
    x = this.pool(this.relu(this.conv2(x)));
    x = torch.flatten(x, 1);
    // no softmax at the end
    return this.fc(x);
  }
}

/** A model of the demo: images in, one score per class out. */
export type DemoModel = NeuralNet2 | ConvNet;

/** What the page and the worker share for every model. */
const COMMON = {
  numClasses: 10,
  /** Fraction of the digits held out to test on. */
  testFraction: 0.2,
  seed: 0,
  batchSize: 32,
} as const;

/** How each model is built and trained: CrossEntropyLoss and SGD with momentum, the learning rate multiplied by `gamma` after every epoch (StepLR). */
export interface ModelSpec {
  /** What the model choice on the page says. */
  label: string;
  /** One image's shape as the model takes it (a batch adds a leading dimension). */
  inputShape: readonly number[];
  create(): DemoModel;
  lr: number;
  momentum: number;
  /** StepLR's gamma (step size one epoch); 1 keeps the learning rate. */
  gamma: number;
  epochs: number;
  /** Evaluate on the test digits this many times per epoch (the points of the test curves). */
  evalsPerEpoch: number;
  numClasses: number;
  testFraction: number;
  seed: number;
  batchSize: number;
}

export const MODELS = {
  /** All ten digits, a hidden layer of 32: above 90% test accuracy within the first two epochs. */
  neuralnet2: {
    ...COMMON,
    label: 'NeuralNet2 (784-32-10)',
    inputShape: [28 * 28],
    create: () => new NeuralNet2(28 * 28, 32, COMMON.numClasses),
    lr: 0.05,
    momentum: 0.9,
    gamma: 1,
    epochs: 5,
    evalsPerEpoch: 5,
  },
  /**
   * Above 95% test accuracy after about an epoch, about 97.5% after three (halving the learning rate
   * every epoch steadies the end); some 13x NeuralNet2's multiply-adds per digit (323k vs 25k).
   */
  cnn: {
    ...COMMON,
    label: 'CNN (conv 8, conv 16, 5x5)',
    inputShape: [1, 28, 28],
    create: () => new ConvNet(COMMON.numClasses),
    lr: 0.05,
    momentum: 0.9,
    gamma: 0.5,
    epochs: 3,
    evalsPerEpoch: 4,
  },
} as const satisfies Record<string, ModelSpec>;

export type ModelName = keyof typeof MODELS;
export const MODEL_NAMES = Object.keys(MODELS) as ModelName[];
export const DEFAULT_MODEL: ModelName = 'neuralnet2';
export const NUM_CLASSES = COMMON.numClasses;

/** The spec of a model by name; a clear Error for any other name. */
export function modelSpec(name: string): ModelSpec {
  if (!Object.prototype.hasOwnProperty.call(MODELS, name))
    throw new Error(`unknown model ${JSON.stringify(name)}; expected one of ${MODEL_NAMES.map((n) => `'${n}'`).join(', ')}`);
  return MODELS[name as ModelName];
}
