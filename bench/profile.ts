/**
 * Where a tsgrad training step spends its time: `npx tsx --expose-gc bench/profile.ts [--only mlp512,mlp,nn2,nn1]`.
 * The kernel backend and threads come from $TSGRAD_BACKEND (js or wasm; js by default) and
 * $TSGRAD_THREADS (tsgrad's default, all cores, when unset), e.g.
 * `TSGRAD_BACKEND=wasm TSGRAD_THREADS=2 npx tsx --expose-gc bench/profile.ts --only mlp`.
 *
 * Times each phase of the step (zeroGrad, each forward op, the loss, backward with each autograd
 * node's own backward and the engine around them, the optimizer step) over many steps, plus the GC
 * pauses. Node backwards are timed by wrapping their classes' `backward` in this process only.
 * For a function-level view, run the plain loop under V8's profiler and summarise it:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile.ts --plain --only mlp
 *   npx tsx bench/cpuprofile.ts /tmp/prof/*.cpuprofile
 */
import { PerformanceObserver } from 'perf_hooks';
import { getNumThreads, sigmoid, type Tensor } from '../src/index';
import type { Node } from '../src/autograd/node';
import { makeProblem, MODELS, type ModelSpec } from './models';
import { describeKernels, threadsRunning, tsgradParts } from './tsgrad';

type BackwardFn = (this: Node, g: Tensor) => (Tensor | null)[];

const timers = new Map<string, number>();
const add = (key: string, ms: number) => timers.set(key, (timers.get(key) ?? 0) + ms);
const wrapped = new Set<object>();

/**
 * Wraps `backward` and `fastBackward` (the raw-storage form the engine calls when it records no
 * graph of the backward pass) of the classes of every node in the graph below `root`, to time each one.
 */
function instrument(root: Node): void {
  const stack = [root];
  while (stack.length) {
    const node = stack.pop()!;
    const proto = Object.getPrototypeOf(node) as Record<'backward' | 'fastBackward', BackwardFn | undefined>;
    if (!wrapped.has(proto)) {
      wrapped.add(proto);
      for (const method of ['backward', 'fastBackward'] as const) {
        const inner = proto[method];
        if (!inner) continue;
        proto[method] = function (this: Node, g: Tensor) {
          const key = `  backward: ${this.name} ${this.inputs.map((t) => `[${t.shape.join(',')}]`).join(' ')}`;
          const t0 = performance.now();
          const out = inner.call(this, g);
          add(key, performance.now() - t0);
          return out;
        };
      }
    }
    for (const t of node.inputs) if (t.gradFn) stack.push(t.gradFn);
  }
}

async function profile(spec: ModelSpec, steps: number): Promise<void> {
  const { model, criterion, optimizer, xs, ys } = tsgradParts(makeProblem(spec));
  await threadsRunning(getNumThreads());
  const bce = spec.loss === 'sigmoid-bce';
  const timed = <T>(key: string, f: () => T): T => {
    const t0 = performance.now();
    const out = f();
    add(key, performance.now() - t0);
    return out;
  };
  let instrumented = false;
  const step = (b: number) => {
    timed('zeroGrad', () => optimizer.zeroGrad());
    let out = timed('forward: linear 1', () => model.linears[0].forward(xs[b]));
    model.linears.slice(1).forEach((linear, i) => {
      const a = timed(`forward: relu ${i + 1}`, () => model.relu.forward(out));
      out = timed(`forward: linear ${i + 2}`, () => linear.forward(a));
    });
    if (bce) out = timed('forward: sigmoid', () => sigmoid(out));
    const loss = timed(`forward: loss (${criterion.constructor.name})`, () => criterion.forward(out, ys[b]));
    if (!instrumented) {
      instrument(loss.gradFn!);
      instrumented = true;
    }
    timed('backward (total)', () => loss.backward());
    timed('optimizer.step', () => optimizer.step());
  };
  const plain = (b: number) => {
    optimizer.zeroGrad();
    criterion.forward(model.forward(xs[b]), ys[b]).backward();
    optimizer.step();
  };

  // warm up both loops (2 s: V8 keeps optimising for a while), then time the plain loop (the real
  // step) and the instrumented one
  for (let i = 0, t = performance.now(); performance.now() - t < 2000; i++) plain(i % xs.length);
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) plain(i % xs.length);
  const plainMs = (performance.now() - t0) / steps;
  for (let i = 0, t = performance.now(); performance.now() - t < 1000; i++) step(i % xs.length);
  timers.clear();
  // GC pauses: V8 reports them asynchronously, so let the event loop turn before reading them
  let gcMs = 0;
  let gcCount = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcMs += e.duration;
      gcCount++;
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  const c0 = performance.now();
  for (let i = 0; i < steps; i++) step(i % xs.length);
  const instrumentedMs = (performance.now() - c0) / steps;
  await new Promise((resolve) => setTimeout(resolve, 50));
  obs.disconnect();

  const perStep = (ms: number) => (ms / steps) * 1000;
  const nodeTotal = [...timers].filter(([k]) => k.startsWith('  backward:')).reduce((s, [, v]) => s + v, 0);
  add('  backward: engine (topo sort, checks, accumulation, freeing)', (timers.get('backward (total)') ?? 0) - nodeTotal);
  console.log(
    `\n${spec.name}, batch ${spec.batch}, ${describeKernels()}: ${plainMs.toFixed(4)} ms/step plain, ${instrumentedMs.toFixed(4)} ms/step instrumented, ${steps} steps`,
  );
  console.log(`GC: ${gcCount} pauses, ${perStep(gcMs).toFixed(1)} us/step`);
  const order = [...timers.keys()];
  const sortKey = (k: string) => (k.startsWith('  backward:') ? order.indexOf('backward (total)') + 0.5 : order.indexOf(k));
  const keys = order.sort((p, q) => sortKey(p) - sortKey(q) || timers.get(q)! - timers.get(p)!);
  for (const k of keys) {
    const us = perStep(timers.get(k)!);
    console.log(`${k.padEnd(72)} ${us.toFixed(1).padStart(9)} us ${((100 * us) / (instrumentedMs * 1000)).toFixed(1).padStart(5)}%`);
  }
  timers.clear();
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let only = MODELS.map((m) => m.id as string);
  let plainOnly = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--only' && argv[i + 1]) only = argv[++i].split(',');
    else if (argv[i] === '--plain') plainOnly = true;
    else throw new Error(`profile: unknown argument '${argv[i]}' (--only ${MODELS.map((m) => m.id).join(',')}, --plain)`);
  }
  for (const id of only) if (!MODELS.some((m) => m.id === id)) throw new Error(`profile: unknown model '${id}'`);
  for (const spec of MODELS.filter((m) => only.includes(m.id))) {
    const steps = spec.id === 'mlp512' ? 150 : spec.id === 'mlp' ? 400 : 4000;
    if (plainOnly) {
      // just the step, for --cpu-prof: ~4 s of it, so that start-up is a small part of the profile
      const { model, criterion, optimizer, xs, ys } = tsgradParts(makeProblem(spec));
      await threadsRunning(getNumThreads());
      const t0 = performance.now();
      let i = 0;
      for (; performance.now() - t0 < 4000; i++) {
        optimizer.zeroGrad();
        criterion.forward(model.forward(xs[i % xs.length]), ys[i % ys.length]).backward();
        optimizer.step();
      }
      console.log(`${spec.name}, ${describeKernels()}: ${((performance.now() - t0) / i).toFixed(4)} ms/step over ${i} steps`);
    } else {
      await profile(spec, steps);
    }
  }
}

void main();
