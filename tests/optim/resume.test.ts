import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../../src/index';
import { data, nn, optim, type Tensor } from '../../src/index';
import { load, save } from '../../src/node/index';

// Resuming is exact: N steps, a checkpoint of model + optimizer + scheduler + generator + loader
// written to a file, fresh objects loaded from it, M more steps: the same parameters, bit for bit,
// as N + M steps without the break (issue "The training-loop toolkit").

type Kind = 'sgd-momentum' | 'adamw-onecycle' | 'sgd-nesterov-step-clip';
const TOTAL_STEPS = 18;

function build(kind: Kind) {
  torch.manualSeed(3);
  const gen = new torch.Generator(11);
  const x = torch.randn(30, 4, { generator: gen });
  const y = torch.randint(0, 3, [30], { generator: gen });
  const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
  const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 5, shuffle: true, generator: gen });
  const decay = model.parameters().filter((p) => p.ndim === 2);
  const noDecay = model.parameters().filter((p) => p.ndim === 1);
  let optimizer: optim.Optimizer<object, optim.StateEntry>;
  let scheduler: { step(): void; stateDict(): object; loadStateDict(s: never): void } | null = null;
  if (kind === 'adamw-onecycle') {
    const adamw = new optim.AdamW(
      [
        { params: decay, weightDecay: 0.1 },
        { params: noDecay, weightDecay: 0 },
      ],
      { lr: 0.01 },
    );
    optimizer = adamw as unknown as optim.Optimizer<object, optim.StateEntry>;
    scheduler = new optim.lrScheduler.OneCycleLR(adamw, 0.05, { totalSteps: TOTAL_STEPS });
  } else {
    const sgd = new optim.SGD(
      [
        { params: decay, weightDecay: 1e-3 },
        { params: noDecay, lr: 0.05 },
      ],
      { lr: 0.1, momentum: 0.9, nesterov: kind === 'sgd-nesterov-step-clip' },
    );
    optimizer = sgd as unknown as optim.Optimizer<object, optim.StateEntry>;
    if (kind === 'sgd-nesterov-step-clip') scheduler = new optim.lrScheduler.StepLR(sgd, 4, { gamma: 0.5 });
  }
  return { model, loader, optimizer, scheduler, gen };
}

function run(kind: Kind, stopAt: number | null, file: string, resume: boolean): Tensor[] {
  const { model, loader, optimizer, scheduler, gen } = build(kind);
  const criterion = new nn.CrossEntropyLoss();
  let step = 0;
  if (resume) {
    const ckpt = load<{
      model: Record<string, Tensor>;
      optimizer: never;
      scheduler: never;
      loader: data.DataLoaderState;
      generator: torch.GeneratorState;
      step: number;
    }>(file);
    model.loadStateDict(ckpt.model);
    optimizer.loadStateDict(ckpt.optimizer);
    scheduler?.loadStateDict(ckpt.scheduler);
    gen.setState(ckpt.generator);
    loader.loadStateDict(ckpt.loader);
    step = ckpt.step;
  }
  while (step < TOTAL_STEPS) {
    for (const [xb, yb] of loader) {
      optimizer.zeroGrad();
      criterion(model(xb), yb).backward();
      if (kind === 'sgd-nesterov-step-clip') nn.utils.clipGradNorm_(model.parameters(), 0.5);
      optimizer.step();
      scheduler?.step();
      step++;
      if (step === stopAt) {
        save(
          {
            model: model.stateDict(),
            optimizer: optimizer.stateDict(),
            scheduler: scheduler?.stateDict() ?? null,
            loader: loader.stateDict(),
            generator: gen.getState(),
            step,
          },
          file,
        );
        return model.parameters();
      }
      if (step === TOTAL_STEPS) break;
    }
  }
  return model.parameters();
}

describe('training resumed from a checkpoint file is bit-identical to an unbroken run', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsgrad-resume-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each<[Kind, number]>([
    ['sgd-momentum', 4],
    ['sgd-momentum', 6],
    ['adamw-onecycle', 5],
    ['adamw-onecycle', 13],
    ['sgd-nesterov-step-clip', 9],
  ])('%s, stopped after %i of 18 steps (batches of 5 from 30 shuffled samples: mid-epoch and at an epoch boundary)', (kind, stopAt) => {
    const file = path.join(dir, `${kind}-${stopAt}.safetensors`);
    const unbroken = run(kind, null, file, false).map((p) => Array.from(p.data));
    run(kind, stopAt, file, false);
    const resumed = run(kind, null, file, true).map((p) => Array.from(p.data));
    expect(resumed).toEqual(unbroken);
    // and the break matters: the parameters moved after the checkpoint
    const atStop = load<{ model: Record<string, Tensor> }>(file).model;
    expect(Object.values(atStop).map((t) => Array.from(t.data))).not.toEqual(unbroken);
  });
});
