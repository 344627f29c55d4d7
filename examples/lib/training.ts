/**
 * What the two training examples share: their common flags, the per-epoch report (a live progress
 * line, then one line per epoch), the history behind the chart, and the chart itself.
 */
import { flag, type Output } from './cli';
import { outPath } from './files';
import { bar, ProgressLine } from './progress';
import { lineChart } from './svg-chart';

/** The flags both training examples take; `name` picks the default output files in out/. */
export function trainingFlags(name: string) {
  return {
    epochs: flag.int(5, 'passes over the training set', 1),
    lr: flag.float(0.1, 'SGD learning rate'),
    momentum: flag.float(0, 'SGD momentum'),
    batchSize: flag.int(32, 'images per training step', 1),
    hidden: flag.int(5, 'hidden_size: units in the hidden layer', 1),
    seed: flag.int(0, 'seeds the weights, the train/test split and the shuffling'),
    limit: flag.int(0, 'use at most N images of each digit, 0 for all of them'),
    plot: flag.string(outPath(`${name}.svg`), 'write the loss and accuracy curves to this SVG file; --plot= for none', 'FILE', `out/${name}.svg`),
    save: flag.string(outPath(`${name}.safetensors`), 'save the trained weights to this safetensors file; --save= for none', 'FILE', `out/${name}.safetensors`),
  };
}

/** Loss and accuracy (0..1) of a model over a dataset. */
export interface Evaluation {
  loss: number;
  accuracy: number;
  correct: number;
  total: number;
}

export interface EpochRecord {
  epoch: number;
  /** Mean training loss over the epoch's steps. */
  loss: number;
  train: Evaluation;
  test: Evaluation;
}

/** 0.9745 as `97.45%`. */
export const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

/**
 * Tracks one training run: call `startEpoch`, then `step` after every optimizer step, then
 * `endEpoch` with the evaluations. Keeps the history for the chart.
 */
export class TrainingMeter {
  readonly epochs: EpochRecord[] = [];
  /** The running training loss, ten points per epoch (one per step when there are fewer): [epoch, mean loss since the last point]. */
  readonly lossCurve: [number, number][] = [];
  private readonly progress: ProgressLine;
  private epoch = 0;
  private steps = 0;
  private lossSum = 0;
  private samples = 0;
  private curveSum = 0;
  private curveSteps = 0;
  private started = 0;

  constructor(
    out: Output,
    private readonly totalEpochs: number,
    private readonly stepsPerEpoch: number,
  ) {
    this.progress = new ProgressLine(out);
  }

  startEpoch(epoch: number): void {
    this.epoch = epoch;
    this.steps = this.samples = this.lossSum = this.curveSum = this.curveSteps = 0;
    this.started = performance.now();
  }

  step(loss: number, batchSize: number): void {
    this.steps++;
    this.lossSum += loss;
    this.samples += batchSize;
    this.curveSum += loss;
    this.curveSteps++;
    const tenth = (steps: number): number => Math.floor((10 * steps) / this.stepsPerEpoch);
    if (tenth(this.steps) > tenth(this.steps - 1)) {
      this.lossCurve.push([this.epoch - 1 + this.steps / this.stepsPerEpoch, this.curveSum / this.curveSteps]);
      this.curveSum = 0;
      this.curveSteps = 0;
    }
    const head = `epoch ${this.epoch}/${this.totalEpochs}`;
    this.progress.update(`${head} ${bar(this.steps / this.stepsPerEpoch)} ${this.steps}/${this.stepsPerEpoch}  loss ${(this.lossSum / this.steps).toFixed(4)}`);
  }

  /** Samples per second of the epoch's training steps (timing: shown, never compared). */
  private rate(): string {
    const seconds = (performance.now() - this.started) / 1000;
    return `${Math.round(this.samples / Math.max(seconds, 1e-9)).toLocaleString('en-US')} samples/s`;
  }

  endEpoch(train: Evaluation, test: Evaluation): EpochRecord {
    const rate = this.rate();
    const record = { epoch: this.epoch, loss: this.lossSum / Math.max(this.steps, 1), train, test };
    this.epochs.push(record);
    const head = `epoch ${this.epoch}/${this.totalEpochs}`.padEnd(2 * String(this.totalEpochs).length + 9);
    this.progress.done(`${head}loss ${record.loss.toFixed(4)}  train acc ${pct(train.accuracy)}  test acc ${pct(test.accuracy)}  ${rate}`);
    return record;
  }

  /** The loss and accuracy curves as an SVG chart. */
  chart(title: string): string {
    const perEpoch = (f: (r: EpochRecord) => number): [number, number][] => this.epochs.map((r) => [r.epoch, f(r)]);
    return lineChart(title, [
      {
        title: 'Loss',
        xLabel: 'epoch',
        yLabel: 'loss',
        series: [
          { name: 'train (running mean)', points: this.lossCurve, color: '#1f77b4' },
          { name: 'test', points: perEpoch((r) => r.test.loss), color: '#ff7f0e', markers: true },
        ],
      },
      {
        title: 'Accuracy',
        xLabel: 'epoch',
        yLabel: 'accuracy (%)',
        yFormat: (v) => v.toFixed(1),
        legend: 'bottom',
        series: [
          { name: 'train', points: perEpoch((r) => 100 * r.train.accuracy), color: '#1f77b4', markers: true },
          { name: 'test', points: perEpoch((r) => 100 * r.test.accuracy), color: '#ff7f0e', markers: true },
        ],
      },
    ]);
  }
}
