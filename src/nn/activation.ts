import { leakyRelu, relu, sigmoid, tanh } from '../ops/unary';
import { logSoftmax, softmax } from '../ops/softmax';
import type { Tensor } from '../tensor';
import { softsign } from './functional/activation';
import { pyFloatRepr } from '../format';
import { checkInteger, describe } from '../options';
import { Module } from './module';

/** max(x, 0) elementwise (`nn.ReLU`). */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/** x where x > 0, else negativeSlope * x (`nn.LeakyReLU`). */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
    if (typeof negativeSlope !== 'number' || Number.isNaN(negativeSlope))
      throw new Error(`LeakyReLU: negativeSlope must be a number, got ${describe(negativeSlope)}`);
  }
  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }
  override extraRepr(): string {
    return `negative_slope=${pyFloatRepr(this.negativeSlope)}`;
  }
}

/** x / (1 + |x|) elementwise (`nn.Softsign`). */
export class Softsign extends Module {
  forward(x: Tensor): Tensor {
    return softsign(x);
  }
}

/** 1 / (1 + e^-x) elementwise (`nn.Sigmoid`). */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/** tanh(x) elementwise (`nn.Tanh`). */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/** softmax along `dim` (`nn.Softmax(dim)`). */
export class Softmax extends Module {
  constructor(readonly dim: number) {
    super();
    checkInteger(dim, 'Softmax', 'dim');
  }
  forward(x: Tensor): Tensor {
    return softmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** log-softmax along `dim` (`nn.LogSoftmax(dim)`). */
export class LogSoftmax extends Module {
  constructor(readonly dim: number) {
    super();
    checkInteger(dim, 'LogSoftmax', 'dim');
  }
  forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
