/**
 * A physics-informed neural network (PINN): a small tanh MLP learns the solution of the ODE
 * y' = -y, y(0) = 1 on [0, 2] from the equation alone, never from samples of the solution
 * exp(-x). The loss asks the net to satisfy the equation at collocation points x, which needs
 * dy/dx inside the loss: `autograd.grad(y, x, { createGraph: true })` returns it as part of the
 * graph, so `loss.backward()` differentiates through the derivative (a second-order gradient).
 *
 *   npm run example:physics
 *   npm run example:physics -- --steps 1000 --hidden 16 --dtype float32
 */
import * as torch from '../src/index';
import { autograd, type FloatDType, nn, optim, type Tensor } from '../src/index';
import { save } from '../src/node/index';
import { Cli, flag, type Output, stdout, UsageError } from './lib/cli';
import { ensureDir, outPath, shown, writeText } from './lib/files';
import { bar, ProgressLine } from './lib/progress';
import { lineChart } from './lib/svg-chart';

/** x -> y(x): Linear -> Tanh -> Linear -> Tanh -> Linear. Smooth, so dy/dx is smooth too (ReLU's would be piecewise constant). */
class PINN extends nn.Module {
  linear1: nn.Linear;
  tanh1 = new nn.Tanh();
  linear2: nn.Linear;
  tanh2 = new nn.Tanh();
  linear3: nn.Linear;

  constructor(hiddenSize: number) {
    super();
    this.linear1 = new nn.Linear(1, hiddenSize);
    this.linear2 = new nn.Linear(hiddenSize, hiddenSize);
    this.linear3 = new nn.Linear(hiddenSize, 1);
  }

  forward(x: Tensor): Tensor {
    let out = this.linear1(x);
    out = this.tanh1(out);
    out = this.linear2(out);
    out = this.tanh2(out);
    out = this.linear3(out);
    return out;
  }
}

const X_MAX = 2;
/** Points of the fine grid the error is measured on (and 1 in 5 of them are plotted). */
const GRID = 1001;

const cli = new Cli(
  'npm run example:physics --',
  "Trains a physics-informed net (1 -> H -> H -> 1, tanh, Adam) to solve y' = -y, y(0) = 1 on [0, 2] from the equation alone.",
  {
    steps: flag.int(3000, 'Adam steps (full batch: every step sees every collocation point)', 1),
    lr: flag.float(0.01, 'initial Adam learning rate, annealed to 0 on a cosine'),
    hidden: flag.int(32, 'hidden_size: units in each of the two hidden layers', 1),
    points: flag.int(64, 'collocation points, evenly spaced on [0, 2], where the equation is enforced', 2),
    dtype: flag.string('float64', 'float64 or float32', 'DTYPE'),
    seed: flag.int(0, 'seeds the initial weights'),
    plot: flag.string(
      outPath('physics-ode.svg'),
      'write the solution, error and loss curves to this SVG file; --plot= for none',
      'FILE',
      'out/physics-ode.svg',
    ),
    save: flag.string(
      outPath('physics-ode.safetensors'),
      'save the trained weights to this safetensors file; --save= for none',
      'FILE',
      'out/physics-ode.safetensors',
    ),
  },
);

/** 0.000123 as `1.23e-4`. */
const sci = (v: number): string => v.toExponential(2).replace(/e([+-])0*(\d)/, (_, s: string, d: string) => `e${s === '-' ? '-' : ''}${d}`);

/** The net's output on the fine grid, its largest distance from exp(-x), and where that is. */
function evaluate(model: PINN, grid: Tensor, exact: Tensor): { y: Tensor; maxError: number; at: number } {
  return torch.noGrad(() => {
    const y = model(grid);
    const [maxError, index] = y.sub(exact).abs().flatten().max(0) as [Tensor, Tensor];
    return { y, maxError: maxError.item(), at: grid.data[index.item()] };
  });
}

export async function main(argv: string[], out: Output = stdout) {
  const flags = cli.parse(argv);
  if (flags.dtype !== 'float64' && flags.dtype !== 'float32') throw new UsageError(`--dtype must be float64 or float32, got '${flags.dtype}'`);
  const dtype: FloatDType = flags.dtype;
  const print = (...parts: unknown[]): void => out.write(`${parts.map(String).join(' ')}\n`);
  torch.manualSeed(flags.seed);

  // Collocation points: a column [N, 1] of x values; y = net(x) is differentiated with respect to them
  const x = torch.linspace(0, X_MAX, flags.points, { dtype }).reshape([flags.points, 1]).requiresGrad_();
  const x0 = torch.zeros([1, 1], { dtype });
  // Only to measure the error: the exact solution on a fine grid, never seen by the training
  const grid = torch.linspace(0, X_MAX, GRID, { dtype }).reshape([GRID, 1]);
  const exact = grid.neg().exp();
  print(`y' = -y, y(0) = 1 on [0, ${X_MAX}], from the equation alone: enforced at ${flags.points} evenly spaced points, no samples of the solution exp(-x)`);

  const model = new PINN(flags.hidden).to(dtype); // model.double() for float64
  const optimizer = new optim.Adam(model.parameters(), { lr: flags.lr });
  print(model);
  print(`loss = mean((dy/dx + y)^2) + (y(0) - 1)^2, Adam(lr=${flags.lr}) annealed on a cosine, ${flags.steps} steps, ${dtype}, seed ${flags.seed}`);

  const progress = new ProgressLine(out);
  const every = Math.max(1, Math.round(flags.steps / 10));
  const lossCurve: [number, number][] = [];
  const lossEvery = Math.max(1, Math.floor(flags.steps / 300));
  const width = String(flags.steps).length;
  let started = performance.now();
  let lastLogged = 0;
  for (let step = 1; step <= flags.steps; step++) {
    // CosineAnnealingLR(T_max=steps, eta_min=0), stepped once per optimizer step
    optimizer.paramGroups[0].lr = (flags.lr * (1 + Math.cos((Math.PI * (step - 1)) / flags.steps))) / 2;

    // forward pass: y and, kept in the graph (createGraph), its derivative dy/dx at every point
    const y = model(x);
    const dydx = autograd.grad(y, x, { gradOutputs: torch.onesLike(y), createGraph: true })[0]!;
    const residual = dydx.add(y).pow(2).mean(); // the equation: dy/dx + y = 0
    const initial = model(x0).sub(1).pow(2).mean(); // the initial condition: y(0) = 1
    const loss = residual.add(initial);

    // backward pass (through dy/dx: second derivatives of the net) and update
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();

    const value = loss.item();
    if (step % lossEvery === 0 || step === 1) lossCurve.push([step, Math.log10(Math.max(value, 1e-300))]);
    const head = `step ${String(step).padStart(width)}/${flags.steps}`;
    progress.update(`${head} ${bar(step / flags.steps)}  loss ${sci(value)}`);
    if (step % every === 0 || step === flags.steps) {
      const seconds = (performance.now() - started) / 1000;
      const rate = `${Math.round((step - lastLogged) / Math.max(seconds, 1e-9)).toLocaleString('en-US')} steps/s`;
      const { maxError } = evaluate(model, grid, exact);
      progress.done(`${head}  loss ${sci(value)} (equation ${sci(residual.item())}, y(0) ${sci(initial.item())})  max error ${sci(maxError)}  ${rate}`);
      started = performance.now();
      lastLogged = step;
    }
  }

  const { y, maxError, at } = evaluate(model, grid, exact);
  const at1 = (i: number): string => y.data[i].toFixed(4);
  print(
    `y(0) = ${at1(0)}, y(1) = ${at1((GRID - 1) / 2)} (exp(-1) = ${Math.exp(-1).toFixed(4)}), y(2) = ${at1(GRID - 1)} (exp(-2) = ${Math.exp(-2).toFixed(4)})`,
  );
  print(`Max |y - exp(-x)| on ${GRID} points of [0, ${X_MAX}]: ${sci(maxError)} (at x = ${at.toFixed(3)})`);

  if (flags.plot) {
    const xs = Array.from(grid.data).filter((_, i) => i % 5 === 0);
    const ys = Array.from(y.data).filter((_, i) => i % 5 === 0);
    // the error in units of a power of ten, so the tick labels stay short: 1.5 rather than 1.5e-4
    const exponent = Math.floor(Math.log10(Math.max(maxError, 1e-300)));
    const scale = 10 ** exponent;
    writeText(
      flags.plot,
      lineChart(`Physics-informed net for y' = -y, y(0) = 1 (hidden_size=${flags.hidden}, ${flags.steps} steps, seed ${flags.seed})`, [
        {
          title: 'Solution',
          xLabel: 'x',
          yLabel: 'y',
          series: [
            { name: 'net y(x)', points: xs.map((v, i) => [v, ys[i]]), color: '#1f77b4' },
            { name: 'exp(-x)', points: xs.map((v) => [v, Math.exp(-v)]), color: '#ff7f0e' },
          ],
        },
        {
          title: `Error (max ${sci(maxError)})`,
          xLabel: 'x',
          yLabel: `(y(x) - exp(-x)) / 1e${exponent}`,
          yFormat: (v) => v.toFixed(1),
          series: [{ name: 'net - exp(-x)', points: xs.map((v, i) => [v, (ys[i] - Math.exp(-v)) / scale]), color: '#d62728' }],
        },
        {
          title: 'Training loss',
          xLabel: 'step',
          yLabel: 'log10(loss)',
          yFormat: (v) => v.toFixed(0),
          series: [{ name: 'loss', points: lossCurve, color: '#1f77b4' }],
        },
      ]),
    );
    print(`Wrote the solution, error and loss curves to ${shown(flags.plot)}`);
  }
  if (flags.save) {
    ensureDir(flags.save);
    save(model.stateDict(), flags.save, { model: 'PINN', equation: "y' = -y, y(0) = 1", hidden_size: String(flags.hidden) });
    print(`Saved the trained weights to ${shown(flags.save)}`);
  }
  return { model, maxError, lossCurve };
}

if (require.main === module) cli.run(main);
