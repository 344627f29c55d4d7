/**
 * The training side of the demo, in a Web Worker so that the page never freezes: NeuralNet2 or the
 * CNN with tsgrad's SGD on the MNIST digits of digits.bin, in stretches of ~50 ms, with the page's
 * messages (pause, reset, another model) handled between stretches. Progress, test evaluations and
 * the weights are posted to the page as they come.
 */
import * as torch from '../src/index';
import { data, nn, optim, type Tensor } from '../src/index';
import { decodeDigits, PIXELS } from './digits';
import { DEFAULT_MODEL, type DemoModel, type ModelName, modelSpec, type ModelSpec } from './model';
import type { FromWorker, ToWorker } from './protocol';

/** The parts of the worker's global scope used here (the project's tsconfig has the DOM types, not WebWorker's). */
interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;
const post = (message: FromWorker, transfer: Transferable[] = []): void => scope.postMessage(message, transfer);

/** Time spent training before yielding to the worker's message queue. */
const STRETCH_MS = 50;
/** How often the page gets fresh weights for its predictions. */
const WEIGHTS_EVERY_MS = 250;
/** The test digits go through the model this many at a time (the CNN's first activations alone take 37 MB for all 2,000 at once). */
const EVAL_BATCH = 500;

type Batch = [Tensor, Tensor];

/** One training run from freshly seeded weights: `reset` replaces it with a new one. */
class Run {
  readonly spec: ModelSpec;
  readonly model: DemoModel;
  readonly criterion = new nn.CrossEntropyLoss();
  readonly optimizer: optim.SGD;
  readonly scheduler: optim.lrScheduler.StepLR | null;
  readonly trainLoader: data.DataLoader<[Tensor, Tensor], Batch>;
  readonly testImages: Tensor;
  readonly testLabels: Tensor;
  readonly stepsPerEpoch: number;
  state: 'paused' | 'training' | 'done' = 'paused';
  private batches: Iterator<Batch>;
  private epoch = 0;
  private stepInEpoch = 0;
  private step = 0;
  private samples = 0;
  private rate = 0;
  private lastWeights = 0;

  /** `images` are [N, 1, 28, 28]; each model gets them in its own input shape ([N, 784] for NeuralNet2). */
  constructor(
    readonly name: ModelName,
    images: Tensor,
    labels: Tensor,
  ) {
    const spec = (this.spec = modelSpec(name));
    torch.manualSeed(spec.seed);
    const generator = new torch.Generator(spec.seed);
    const dataset = new data.TensorDataset(images.reshape([images.shape[0], ...spec.inputShape]), labels);
    const [trainSet, testSet] = data.randomSplit(dataset, [1 - spec.testFraction, spec.testFraction], { generator });
    this.trainLoader = new data.DataLoader(trainSet, { batchSize: spec.batchSize, shuffle: true, generator });
    [this.testImages, this.testLabels] = testSet.getBatch!(Int32Array.from({ length: testSet.length }, (_, i) => i));
    this.stepsPerEpoch = this.trainLoader.length;
    this.model = spec.create();
    this.optimizer = new optim.SGD(this.model.parameters(), { lr: spec.lr, momentum: spec.momentum });
    this.scheduler = spec.gamma === 1 ? null : new optim.lrScheduler.StepLR(this.optimizer, 1, { gamma: spec.gamma });
    this.batches = this.trainLoader[Symbol.iterator]();
    post({
      type: 'ready',
      name,
      model: String(this.model),
      optimizer:
        `CrossEntropyLoss, SGD(lr=${spec.lr}, momentum=${spec.momentum})` + (this.scheduler ? `, StepLR(stepSize=1, gamma=${spec.gamma}) per epoch` : ''),
      trainSize: trainSet.length,
      testSize: testSet.length,
      epochs: spec.epochs,
      stepsPerEpoch: this.stepsPerEpoch,
      batchSize: spec.batchSize,
    });
    this.postWeights();
    this.evaluate();
  }

  setState(state: Run['state']): void {
    this.state = state;
    post({ type: 'state', state });
  }

  /** Trains for one stretch; returns whether there is more to do. */
  stretch(): boolean {
    const started = performance.now();
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    let steps = 0;
    const evalEvery = Math.ceil(this.stepsPerEpoch / this.spec.evalsPerEpoch);
    while (performance.now() - started < STRETCH_MS) {
      let next = this.batches.next();
      if (next.done) {
        this.batches = this.trainLoader[Symbol.iterator]();
        next = this.batches.next();
      }
      const [images, labels] = next.value;
      // forward pass and loss
      const outputs = this.model(images);
      const loss = this.criterion(outputs, labels);
      // backward pass and update
      this.optimizer.zeroGrad();
      loss.backward();
      this.optimizer.step();

      lossSum += loss.item();
      correct += torch.noGrad(() => outputs.argmax(1).eq(labels).sum().item());
      seen += labels.shape[0];
      steps++;
      this.step++;
      this.stepInEpoch++;
      if (this.stepInEpoch === this.stepsPerEpoch) {
        this.epoch++;
        this.stepInEpoch = 0;
        this.scheduler?.step();
      }
      // NOTE: a stretch ends at every evaluation point, so that the test curve has its points at fixed fractions of an epoch.
      if (this.stepInEpoch % evalEvery === 0) break;
    }
    const seconds = (performance.now() - started) / 1000;
    this.samples += seen;
    this.rate = this.rate === 0 ? seen / seconds : 0.7 * this.rate + 0.3 * (seen / seconds);
    const epoch = this.epoch + this.stepInEpoch / this.stepsPerEpoch;
    post({
      type: 'progress',
      step: this.step,
      epoch,
      samples: this.samples,
      samplesPerSec: this.rate,
      threads: torch.getBackendInfo().threads,
      simd: torch.getBackendInfo().simd,
      point: { epoch, loss: lossSum / steps, accuracy: correct / seen },
    });
    if (this.stepInEpoch % evalEvery === 0) this.evaluate();
    const finished = this.epoch >= this.spec.epochs;
    if (finished || performance.now() - this.lastWeights > WEIGHTS_EVERY_MS) this.postWeights();
    return !finished;
  }

  /** Loss and accuracy on the held-out digits, without recording a graph. */
  evaluate(): void {
    this.model.eval();
    const total = this.testLabels.shape[0];
    let lossSum = 0;
    let correct = 0;
    torch.noGrad(() => {
      for (let start = 0; start < total; start += EVAL_BATCH) {
        const length = Math.min(EVAL_BATCH, total - start);
        const images = this.testImages.narrow(0, start, length);
        const labels = this.testLabels.narrow(0, start, length);
        const outputs = this.model(images);
        lossSum += this.criterion(outputs, labels).item() * length;
        // value, index: the index of the largest score is the predicted class
        const [, predicted] = torch.max(outputs, 1);
        correct += predicted.eq(labels).sum().item();
      }
    });
    this.model.train();
    post({ type: 'eval', epoch: this.epoch + this.stepInEpoch / this.stepsPerEpoch, loss: lossSum / total, accuracy: correct / total, correct, total });
  }

  postWeights(): void {
    this.lastWeights = performance.now();
    const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
    const transfer: Transferable[] = [];
    for (const [name, t] of Object.entries(this.model.stateDict())) {
      const values = t.data as Float32Array; // a copy already: stateDict detaches and copies
      tensors[name] = { shape: [...t.shape], data: values };
      transfer.push(values.buffer);
    }
    post({ type: 'weights', tensors }, transfer);
  }
}

let digits: { images: Tensor; labels: Tensor } | null = null;
let run: Run | null = null;

/** Keeps training, one stretch per task, until paused, reset or finished. */
function loop(current: Run): void {
  if (run !== current || current.state !== 'training') return;
  try {
    if (current.stretch()) setTimeout(() => loop(current), 0);
    else current.setState('done');
  } catch (e) {
    fail(e);
  }
}

function fail(e: unknown): void {
  post({ type: 'error', message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) });
}

scope.onmessage = (event) => {
  try {
    const message: unknown = event.data;
    const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
    if (type !== 'start' && type !== 'pause' && type !== 'reset')
      throw new Error(`training worker: unknown message ${JSON.stringify(message)}; expected type 'start', 'pause' or 'reset'`);
    const m = message as ToWorker;
    if (!run || !digits) return;
    if (m.type === 'start' && run.state === 'paused') {
      run.setState('training');
      loop(run);
    } else if (m.type === 'pause' && run.state === 'training') {
      run.setState('paused');
    } else if (m.type === 'reset') {
      run = new Run(m.model ?? run.name, digits.images, digits.labels);
      run.setState('paused');
    }
  } catch (e) {
    fail(e);
  }
};

/** Loads digits.bin (served next to this script) into [N, 1, 28, 28] float32 images and [N] int32 labels. */
async function init(): Promise<void> {
  const response = await fetch(new URL('digits.bin', self.location.href));
  if (!response.ok) throw new Error(`could not load digits.bin: HTTP ${response.status}`);
  const { count, labels, pixels } = decodeDigits(new Uint8Array(await response.arrayBuffer()));
  const images = new Float32Array(count * PIXELS);
  for (let i = 0; i < images.length; i++) images[i] = pixels[i] / 255;
  digits = {
    images: new torch.Tensor(images, [count, 1, 28, 28], 'float32'),
    labels: new torch.Tensor(Int32Array.from(labels), [count], 'int32'),
  };
  run = new Run(DEFAULT_MODEL, digits.images, digits.labels);
  run.setState('paused');
}

init().catch(fail);
