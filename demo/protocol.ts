/** The messages between the page and the training worker. */
import type { ModelName } from './model';

/** Page -> worker. `reset` starts a new run of the given model (the current one's when omitted). */
export type ToWorker = { type: 'start' } | { type: 'pause' } | { type: 'reset'; model?: ModelName };

/** A point of the training curves. */
export interface TrainPoint {
  /** Epochs done, fractional (0.5 is half way through the first). */
  epoch: number;
  /** Mean training loss over the steps since the last point. */
  loss: number;
  /** Training accuracy (0..1) over the same steps. */
  accuracy: number;
}

/** Worker -> page. */
export type FromWorker =
  | {
      type: 'ready';
      /** Which model this run trains. */
      name: ModelName;
      /** The model's printed tree. */
      model: string;
      optimizer: string;
      trainSize: number;
      testSize: number;
      epochs: number;
      stepsPerEpoch: number;
      batchSize: number;
    }
  | { type: 'state'; state: 'paused' | 'training' | 'done' }
  | {
      type: 'progress';
      step: number;
      epoch: number;
      samples: number;
      /** Training throughput over the last stretch of steps. */
      samplesPerSec: number;
      /** The kernel threads the worker's last step ran on, and the WebAssembly build (`torch.getBackendInfo()`). */
      threads: number;
      simd: string;
      point: TrainPoint;
    }
  | { type: 'eval'; epoch: number; loss: number; accuracy: number; correct: number; total: number }
  /** The current weights (state dict), for the page's own copy of the model. */
  | { type: 'weights'; tensors: Record<string, { shape: number[]; data: Float32Array }> }
  | { type: 'error'; message: string };
