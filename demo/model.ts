/** The net the demo trains, and how: shared by the page (which predicts) and the worker (which trains). */
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

/** All ten digits, a hidden layer of 32: above 90% test accuracy within the first two epochs. */
export const CONFIG = {
  inputSize: 28 * 28,
  hiddenSize: 32,
  numClasses: 10,
  lr: 0.05,
  momentum: 0.9,
  batchSize: 32,
  epochs: 5,
  /** Fraction of the digits held out to test on. */
  testFraction: 0.2,
  seed: 0,
  /** Evaluate on the test digits this many times per epoch (the points of the test curves). */
  evalsPerEpoch: 5,
} as const;

export type DemoConfig = typeof CONFIG;

export function createModel(config: DemoConfig = CONFIG): NeuralNet2 {
  return new NeuralNet2(config.inputSize, config.hiddenSize, config.numClasses);
}
