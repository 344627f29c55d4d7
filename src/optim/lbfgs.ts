import { enableGrad } from '../autograd/grad-mode';
import { allocateFloat, type FloatArray, type FloatDType, promoteTypes } from '../dtype';
import { describe, type Unsupported } from '../options';
import { floatData } from '../ops/helpers';
import { Tensor } from '../tensor';
import { checkNumberOption, checkOptionValues, loadCount, loadNumber, round32 as importedRound32, withDefaults } from './helpers';
import { Optimizer, type OptimizerStateDict, type ParamGroup, type ParamGroupInput, type Params, type StateEntry } from './optimizer';

/** Options of `LBFGS`, with PyTorch's defaults. */
export interface LBFGSOptions {
  /** Step length (the line search's first guess with 'strong_wolfe'); default 1. */
  lr?: number;
  /** Iterations per `step`; default 20. */
  maxIter?: number;
  /** Loss evaluations per `step`; default (null) `floor(maxIter * 5 / 4)`. */
  maxEval?: number | null;
  /** Stop when every gradient element is at most this in size; default 1e-7. */
  toleranceGrad?: number;
  /** Stop when the loss or the parameters change by less than this; default 1e-9. */
  toleranceChange?: number;
  /** How many past updates approximate the inverse Hessian; default 100. */
  historySize?: number;
  /** null (fixed steps of lr) or 'strong_wolfe' (a line search); default null. */
  lineSearchFn?: 'strong_wolfe' | null;
}

const LBFGS_DEFAULTS: Required<LBFGSOptions> = {
  lr: 1,
  maxIter: 20,
  maxEval: null,
  toleranceGrad: 1e-7,
  toleranceChange: 1e-9,
  historySize: 100,
  lineSearchFn: null,
};
/** PyTorch's LBFGS has no foreach, fused, differentiable or capturable: they are unknown options. */
const LBFGS_UNSUPPORTED: Unsupported = {};

/** LBFGS's options with every default filled in. */
export interface LBFGSGroupOptions {
  lr: number;
  maxIter: number;
  maxEval: number;
  toleranceGrad: number;
  toleranceChange: number;
  historySize: number;
  lineSearchFn: 'strong_wolfe' | null;
}

/**
 * LBFGS's state, one for all parameters, kept (as PyTorch keeps it) under the first parameter:
 * `opt.state.get(params[0])`, `stateDict().state[0]`. Vectors are flat, the parameters' elements in
 * order; `oldDirs` (gradient changes), `oldStps` (steps) and `ro` (1 / their dot products) are the
 * history, oldest first. Only `funcEvals` and `nIter` exist before the first iteration.
 */
export interface LBFGSState {
  funcEvals: number;
  nIter: number;
  /** The last search direction (PyTorch's `d`). */
  dDirection?: Tensor;
  /** The last step length (PyTorch's `t`). */
  tStep?: number;
  oldDirs?: Tensor[];
  oldStps?: Tensor[];
  ro?: number[];
  /** The scale of the initial inverse Hessian (PyTorch's `H_diag`). */
  HDiag?: number;
  prevFlatGrad?: Tensor;
  prevLoss?: number;
}

/** What a closure may return: the loss, as a one-element Tensor or a number. */
type Loss = Tensor | number;

/** A vector and its loss at a trial point of the line search. */
type Evaluation = { loss: number; grad: FloatArray };

/**
 * L-BFGS (`torch.optim.LBFGS`), following PyTorch's `lbfgs.py` operation for operation: a
 * limited-memory quasi-Newton direction from the last `historySize` steps, fixed steps of `lr` or a
 * strong-Wolfe line search, and PyTorch's stopping rules. `step(closure)` requires the closure,
 * which it calls several times: it must clear the gradients, compute the loss, call `backward()` and
 * return the loss.
 *
 * ```ts
 * const opt = new optim.LBFGS(model.parameters(), { lineSearchFn: 'strong_wolfe' });
 * opt.step(() => { opt.zeroGrad(); const loss = lossFn(model.forward(x), y); loss.backward(); return loss; });
 * ```
 *
 * As in PyTorch, there is one parameter group, and the state is one entry under the first parameter
 * (`LBFGSState`; `stateDict().state[0]` holds its lists as arrays, cast it to read them typed).
 *
 * Rounding follows PyTorch's: float32 vectors and 0-dim tensors round to float32 (the line search
 * mixes those with Python floats, and `Num` keeps track of which is which), and dot products and the
 * first step's sum of |g| add in the order of torch's CPU kernels. Two things differ: PyTorch's fused
 * multiply-adds are rounded once in float32 but not fused in float64 (as in Adam), and torch's CPU
 * sqrt is not correctly rounded. float32 runs match PyTorch's to the bit until the line search meets
 * such a square root; float64 ones agree to ulps, which L-BFGS amplifies over many steps.
 */
export class LBFGS extends Optimizer<LBFGSGroupOptions, StateEntry> {
  constructor(params: Params<LBFGSGroupOptions>, options: LBFGSOptions = {}) {
    const o = withDefaults('LBFGS', options, LBFGS_DEFAULTS, LBFGS_UNSUPPORTED);
    super(params, { ...o, maxEval: o.maxEval ?? Math.floor((o.maxIter * 5) / 4) }, LBFGS_UNSUPPORTED);
  }

  /** Adds the one parameter group; LBFGS has no second (PyTorch's error). */
  override addParamGroup(group: ParamGroupInput<LBFGSGroupOptions>): void {
    if (this.paramGroups.length > 0) throw new Error("LBFGS doesn't support per-parameter options (parameter groups)");
    super.addParamGroup(group);
  }

  protected checkOptions(o: LBFGSGroupOptions): void {
    checkOptionValues('LBFGS', o, ['lr']);
    for (const name of ['maxIter', 'maxEval', 'historySize'] as const) {
      if (!Number.isInteger(o[name])) throw new Error(`LBFGS: option ${name} must be a whole number, got ${describe(o[name])}`);
    }
    // NOTE: PyTorch accepts historySize 0 and then fails at the first update of the history (pop from an empty list).
    if (o.historySize < 1) throw new Error(`LBFGS: option historySize must be at least 1, got ${o.historySize}`);
    checkNumberOption('LBFGS', 'toleranceGrad', o.toleranceGrad);
    checkNumberOption('LBFGS', 'toleranceChange', o.toleranceChange);
    // NOTE: PyTorch checks this at the first step; an unknown line search is an error here already.
    if (o.lineSearchFn !== null && o.lineSearchFn !== 'strong_wolfe') {
      throw new Error(`only 'strong_wolfe' is supported (LBFGS: option lineSearchFn must be null or 'strong_wolfe', got ${describe(o.lineSearchFn)})`);
    }
  }

  protected updateGroup(): void {
    throw new Error('LBFGS updates its parameters in step(closure) only');
  }

  /**
   * Runs up to `maxIter` iterations of L-BFGS, evaluating the loss through `closure` (with grad mode
   * on) as often as needed, and returns the loss the first evaluation gave.
   */
  override step<T>(closure?: () => T): T {
    if (typeof closure !== 'function') {
      throw new Error(
        `LBFGS.step needs a closure that recomputes the loss, got ${describe(closure)}: ` +
          'opt.step(() => { opt.zeroGrad(); const loss = ...; loss.backward(); return loss; })',
      );
    }
    if (this.paramGroups.length !== 1) throw new Error(`Expected exactly one param_group, but got ${this.paramGroups.length}`);
    const group = this.paramGroups[0];
    checkStepOptions(group);
    const result = new Run(group, this.entry(), () => enableGrad(closure as () => Loss)).run() as T;
    this._stepCount++;
    return result;
  }

  /** The state and the groups' options, as copies, the state's lists included. */
  override stateDict(): OptimizerStateDict<LBFGSGroupOptions, StateEntry> {
    const sd = super.stateDict();
    for (const entry of Object.values(sd.state)) {
      const s = entry as unknown as LBFGSState;
      if (s.oldDirs) s.oldDirs = s.oldDirs.map(copyTensor);
      if (s.oldStps) s.oldStps = s.oldStps.map(copyTensor);
      if (s.ro) s.ro = [...s.ro];
    }
    return sd;
  }

  protected loadStateEntry(entry: unknown, param: Tensor): StateEntry {
    const params = this.paramGroups[0].params;
    if (param !== params[0]) throw new Error('LBFGS keeps its state under the first parameter (index 0) only');
    const n = params.reduce((total, p) => total + p.numel(), 0);
    const dtype = flatDtype(params);
    const given = entry as Record<string, unknown>;
    const out: LBFGSState = { funcEvals: loadCount(entry, 'funcEvals'), nIter: loadCount(entry, 'nIter') };
    if (given.dDirection !== undefined) out.dDirection = loadFlat(given.dDirection, 'dDirection', n, dtype);
    if (given.prevFlatGrad !== undefined) out.prevFlatGrad = loadFlat(given.prevFlatGrad, 'prevFlatGrad', n, dtype);
    for (const key of ['tStep', 'HDiag', 'prevLoss'] as const) if (given[key] !== undefined) out[key] = loadNumber(entry, key);
    const lists = ['oldDirs', 'oldStps', 'ro'].filter((key) => given[key] !== undefined);
    if (lists.length) {
      const [dirs, stps, ro] = ['oldDirs', 'oldStps', 'ro'].map((key) => {
        const list = given[key];
        if (!Array.isArray(list)) throw new Error(`${key} must be an array, got ${describe(list)}`);
        return list as unknown[];
      });
      if (dirs.length !== stps.length || dirs.length !== ro.length) {
        throw new Error(`oldDirs, oldStps and ro must have one entry per past update, got ${dirs.length}, ${stps.length} and ${ro.length}`);
      }
      out.oldDirs = dirs.map((t, i) => loadFlat(t, `oldDirs[${i}]`, n, dtype));
      out.oldStps = stps.map((t, i) => loadFlat(t, `oldStps[${i}]`, n, dtype));
      out.ro = ro.map((v, i) => {
        if (typeof v !== 'number') throw new Error(`ro[${i}] must be a number, got ${describe(v)}`);
        return v;
      });
    }
    return out as unknown as StateEntry;
  }

  /** The state under the first parameter, made on the first step. */
  private entry(): LBFGSState {
    const first = this.paramGroups[0].params[0];
    let s = this.state.get(first) as unknown as LBFGSState | undefined;
    if (s === undefined) {
      s = { funcEvals: 0, nIter: 0 };
      this.state.set(first, s as unknown as StateEntry);
    }
    return s;
  }
}

/** Throws when an option was changed (`paramGroups[0].lr = ...`) to a value LBFGS cannot step with. */
function checkStepOptions(group: ParamGroup<LBFGSGroupOptions>): void {
  const where = 'LBFGS.step: paramGroups[0]';
  for (const key of ['lr', 'maxIter', 'maxEval', 'toleranceGrad', 'toleranceChange', 'historySize'] as const) {
    if (typeof group[key] !== 'number') throw new Error(`${where}.${key} must be a number, got ${describe(group[key])}`);
  }
  if (group.lineSearchFn !== null && group.lineSearchFn !== 'strong_wolfe') throw new Error("only 'strong_wolfe' is supported");
  group.params.forEach((p, i) => {
    if (!(p instanceof Tensor) || (p.dtype !== 'float32' && p.dtype !== 'float64')) {
      throw new Error(`${where}.params[${i}] must be a floating point Tensor, got ${describe(p)}`);
    }
  });
}

function flatDtype(params: Tensor[]): FloatDType {
  return params.reduce((dtype, p) => promoteTypes(dtype, p.dtype), params[0].dtype) as FloatDType;
}

function copyTensor(t: Tensor): Tensor {
  return new Tensor(t.data.slice(), t.shape, t.dtype);
}

function loadFlat(value: unknown, key: string, n: number, dtype: FloatDType): Tensor {
  if (!(value instanceof Tensor)) throw new Error(`${key} must be a Tensor, got ${describe(value)}`);
  if (value.numel() !== n || value.ndim !== 1)
    throw new Error(`${key} must be a flat Tensor of the parameters' ${n} elements, got shape [${value.shape.join(', ')}]`);
  const data = allocateFloat(dtype, n);
  data.set(value.data);
  return new Tensor(data, [n], dtype);
}

/** The number a closure's loss stands for (Python's `float(loss)`). */
function lossValue(loss: unknown): number {
  if (typeof loss === 'number') return loss;
  if (loss instanceof Tensor && loss.numel() === 1) return loss.item();
  throw new Error(`LBFGS: the closure must return the loss, a one-element Tensor or a number, got ${describe(loss)}`);
}

/**
 * A number as PyTorch's LBFGS holds it: a Python float, with float64 arithmetic, or a 0-dim tensor
 * of the parameters' dtype. Which one matters for float32 parameters only; the step length and the
 * line search's numbers are one or the other as the computation goes.
 */
interface Num {
  readonly v: number;
  readonly tensor: boolean;
}
const py = (v: number): Num => ({ v, tensor: false });

/**
 * Arithmetic of Python floats and 0-dim tensors as PyTorch does it: floats in float64; when either
 * operand is a tensor, the float is cast to the tensor's dtype and the result rounded to it.
 */
class Scalars {
  constructor(private readonly f32: boolean) {}

  private r(x: number): number {
    return round32(x, this.f32);
  }

  /** A 0-dim tensor holding v. */
  tensor(v: number): Num {
    return { v: this.r(v), tensor: true };
  }
  add(a: Num, b: Num): Num {
    return a.tensor || b.tensor ? this.tensor(this.r(a.v) + this.r(b.v)) : py(a.v + b.v);
  }
  sub(a: Num, b: Num): Num {
    return a.tensor || b.tensor ? this.tensor(this.r(a.v) - this.r(b.v)) : py(a.v - b.v);
  }
  mul(a: Num, b: Num): Num {
    return a.tensor || b.tensor ? this.tensor(this.r(a.v) * this.r(b.v)) : py(a.v * b.v);
  }
  /** a / b; a float over a tensor is `tensor.reciprocal() * float` (torch's `__rtruediv__`). */
  div(a: Num, b: Num): Num {
    if (!a.tensor && b.tensor) return this.tensor(this.r(1 / b.v) * this.r(a.v));
    return a.tensor || b.tensor ? this.tensor(this.r(a.v) / this.r(b.v)) : py(a.v / b.v);
  }
  abs(a: Num): Num {
    return { v: Math.abs(a.v), tensor: a.tensor };
  }
  sqrt(a: Num): Num {
    return a.tensor ? this.tensor(Math.sqrt(a.v)) : py(Math.sqrt(a.v));
  }
  lt(a: Num, b: Num): boolean {
    return a.tensor || b.tensor ? this.r(a.v) < this.r(b.v) : a.v < b.v;
  }
  le(a: Num, b: Num): boolean {
    return a.tensor || b.tensor ? this.r(a.v) <= this.r(b.v) : a.v <= b.v;
  }
  /** Python's max(a, b): a unless b > a (so a NaN b keeps a). */
  max(a: Num, b: Num): Num {
    return this.lt(a, b) ? b : a;
  }
  /** Python's min(a, b): a unless b < a. */
  min(a: Num, b: Num): Num {
    return this.lt(b, a) ? b : a;
  }
}

/** One `step(closure)`: PyTorch's LBFGS.step, with the vectors flat over all parameters. */
class Run {
  private readonly params: Tensor[];
  private readonly dtype: FloatDType;
  private readonly n: number;
  private readonly f32: boolean;
  private readonly S: Scalars;

  constructor(
    private readonly group: ParamGroup<LBFGSGroupOptions>,
    private readonly state: LBFGSState,
    private readonly closure: () => Loss,
  ) {
    this.params = group.params;
    this.dtype = flatDtype(this.params);
    this.n = this.params.reduce((total, p) => total + p.numel(), 0);
    this.f32 = this.dtype === 'float32';
    this.S = new Scalars(this.f32);
  }

  run(): Loss {
    const { f32, S, state } = this;
    const r = (x: number): number => round32(x, f32);
    const { lr, maxIter, maxEval, toleranceChange, historySize, lineSearchFn } = this.group;
    const toleranceGrad = r(this.group.toleranceGrad);

    const origLoss = this.closure();
    let loss = lossValue(origLoss);
    let currentEvals = 1;
    state.funcEvals += 1;
    let flatGrad = this.gatherFlatGrad();
    let optCond = absMax(flatGrad) <= toleranceGrad;
    if (optCond) return origLoss;

    let d = state.dDirection ? floatData(state.dDirection) : null;
    let t = state.tStep === undefined ? undefined : py(state.tStep);
    let oldDirs = state.oldDirs?.map(floatData);
    let oldStps = state.oldStps?.map(floatData);
    let ro = state.ro ? [...state.ro] : undefined;
    let hDiag = state.HDiag;
    let prevFlatGrad = state.prevFlatGrad ? floatData(state.prevFlatGrad) : null;
    let prevLoss = state.prevLoss;

    let nIter = 0;
    while (nIter < maxIter) {
      nIter++;
      state.nIter++;

      // the descent direction
      if (state.nIter === 1) {
        d = this.scaled(flatGrad, -1);
        oldDirs = [];
        oldStps = [];
        ro = [];
        hDiag = 1;
      } else {
        if (d === null || t === undefined || prevFlatGrad === null || hDiag === undefined || !oldDirs || !oldStps || !ro) {
          throw new Error('LBFGS: the state has nIter > 0 but lacks dDirection, tStep, oldDirs, oldStps, ro, HDiag or prevFlatGrad');
        }
        // update the history with y = g - g_prev, s = t d
        const y = this.difference(flatGrad, prevFlatGrad);
        const s = this.scaled(d, t.v);
        const ys = r(dot(y, s));
        if (ys > r(1e-10)) {
          if (oldDirs.length === historySize) {
            oldDirs.shift();
            oldStps.shift();
            ro.shift();
          }
          oldDirs.push(y);
          oldStps.push(s);
          ro.push(r(1 / ys));
          hDiag = r(ys / r(dot(y, y)));
        }
        // two-loop recursion: d = -H g
        const numOld = oldDirs.length;
        const al: number[] = new Array<number>(numOld);
        const q = this.scaled(flatGrad, -1);
        for (let i = numOld - 1; i >= 0; i--) {
          al[i] = r(r(dot(oldStps[i], q)) * ro[i]);
          this.addScaled(q, -al[i], oldDirs[i]);
        }
        d = this.scaled(q, hDiag);
        for (let i = 0; i < numOld; i++) {
          const be = r(r(dot(oldDirs[i], d)) * ro[i]);
          this.addScaled(d, r(al[i] - be), oldStps[i]);
        }
      }
      if (prevFlatGrad === null) prevFlatGrad = flatGrad.slice();
      else prevFlatGrad.set(flatGrad);
      prevLoss = loss;

      // the step length
      if (state.nIter === 1) {
        const inverse = S.tensor(1 / absSum(flatGrad));
        t = S.mul(S.min(py(1), inverse), py(lr));
      } else {
        t = py(lr);
      }
      const gtd = r(dot(flatGrad, d));
      if (gtd > r(-toleranceChange)) break;

      let lsFuncEvals = 0;
      if (lineSearchFn !== null) {
        const xInit = this.params.map((p) => floatData(p).slice());
        const found = this.strongWolfe(xInit, t, d, loss, flatGrad, gtd, maxEval - currentEvals);
        loss = found.loss;
        flatGrad = found.grad;
        t = found.t;
        lsFuncEvals = found.evals;
        this.addGrad(t.v, d);
        optCond = absMax(flatGrad) <= toleranceGrad;
      } else {
        this.addGrad(t.v, d);
        if (nIter !== maxIter) {
          // re-evaluate only if not in the last iteration: in a stochastic setting there is no use
          loss = lossValue(this.closure());
          flatGrad = this.gatherFlatGrad();
          optCond = absMax(flatGrad) <= toleranceGrad;
          lsFuncEvals = 1;
        }
      }
      currentEvals += lsFuncEvals;
      state.funcEvals += lsFuncEvals;

      if (nIter === maxIter) break;
      if (currentEvals >= maxEval) break;
      if (optCond) break;
      if (absMax(this.scaled(d, t.v)) <= r(toleranceChange)) break; // lack of progress
      if (Math.abs(loss - (prevLoss as number)) < toleranceChange) break;
    }

    const wrap = (data: FloatArray): Tensor => new Tensor(data, [this.n], this.dtype);
    state.dDirection = d === null ? undefined : wrap(d);
    state.tStep = t?.v;
    state.oldDirs = oldDirs?.map(wrap);
    state.oldStps = oldStps?.map(wrap);
    state.ro = ro;
    state.HDiag = hDiag;
    state.prevFlatGrad = prevFlatGrad === null ? undefined : wrap(prevFlatGrad);
    state.prevLoss = prevLoss;
    return origLoss;
  }

  /** The gradients of all parameters, flat and in order; zeros for a parameter without one. */
  private gatherFlatGrad(): FloatArray {
    const out = allocateFloat(this.dtype, this.n);
    let offset = 0;
    for (const p of this.params) {
      if (p.grad !== null) out.set(p.grad.data, offset);
      offset += p.numel();
    }
    return out;
  }

  /** p = p + t * update, on every parameter (PyTorch's `_add_grad`: `p.add_(update, alpha=t)`). */
  private addGrad(t: number, update: FloatArray): void {
    const { f32 } = this;
    const alpha = round32(t, f32);
    let offset = 0;
    for (const p of this.params) {
      const data = floatData(p);
      for (let i = 0; i < data.length; i++) data[i] = alpha * update[offset + i] + data[i]; // the typed array rounds it
      offset += data.length;
      p._version.value++;
    }
  }

  private setParams(x: FloatArray[]): void {
    this.params.forEach((p, i) => {
      floatData(p).set(x[i]);
      p._version.value++;
    });
  }

  /** The loss and gradient at x + t d; the parameters are x again afterwards. */
  private directionalEvaluate(x: FloatArray[], t: number, d: FloatArray): Evaluation {
    this.addGrad(t, d);
    const loss = lossValue(this.closure());
    const grad = this.gatherFlatGrad();
    this.setParams(x);
    return { loss, grad };
  }

  /** a * s, rounded (`torch.mul(a, s)`). */
  private scaled(a: FloatArray, s: number): FloatArray {
    const { f32 } = this;
    const scale = round32(s, f32);
    const out = allocateFloat(this.dtype, a.length);
    for (let i = 0; i < a.length; i++) out[i] = a[i] * scale; // the typed array rounds it
    return out;
  }

  /** a - b (the typed array rounds it). */
  private difference(a: FloatArray, b: FloatArray): FloatArray {
    const out = allocateFloat(this.dtype, a.length);
    for (let i = 0; i < a.length; i++) out[i] = a[i] - b[i];
    return out;
  }

  /** a += alpha * b in place, one rounding per element (`a.add_(b, alpha=alpha)`). */
  private addScaled(a: FloatArray, alpha: number, b: FloatArray): void {
    const { f32 } = this;
    const s = round32(alpha, f32);
    for (let i = 0; i < a.length; i++) a[i] = s * b[i] + a[i];
  }

  /**
   * PyTorch's `_strong_wolfe` (ported there from Torch7's lswolfe.lua): bracket a step length that
   * satisfies the strong Wolfe conditions, then zoom in on it by cubic interpolation.
   */
  private strongWolfe(
    x: FloatArray[],
    t0: Num,
    d: FloatArray,
    f0: number,
    g0: FloatArray,
    gtd0: number,
    maxLs: number,
  ): { loss: number; grad: FloatArray; t: Num; evals: number } {
    const { S } = this;
    const [c1, negC2, toleranceChange, zero] = [py(1e-4), py(-0.9), py(1e-9), py(0)];
    const f = py(f0);
    const gtd = S.tensor(gtd0);
    const armijo = (t: Num): Num => S.add(f, S.mul(S.mul(c1, t), gtd)); // f + c1 t gtd
    const curvature = S.mul(negC2, gtd); // -c2 gtd
    const evaluate = (t: Num): { f: Num; g: FloatArray; gtd: Num } => {
      const { loss, grad } = this.directionalEvaluate(x, t.v, d);
      return { f: py(loss), g: grad, gtd: S.tensor(dot(grad, d)) };
    };

    let t = t0;
    const dNorm = S.tensor(absMax(d));
    const g = g0.slice();
    let { f: fNew, g: gNew, gtd: gtdNew } = evaluate(t);
    let lsFuncEvals = 1;

    let tPrev = zero;
    let fPrev = f;
    let gPrev = g;
    let gtdPrev = gtd;
    let done = false;
    let lsIter = 0;
    let bracket: Num[] | undefined;
    let bracketF: Num[] = [];
    let bracketG: FloatArray[] = [];
    let bracketGtd: Num[] = [];
    while (lsIter < maxLs) {
      if (S.lt(armijo(t), fNew) || (lsIter > 1 && S.le(fPrev, fNew))) {
        bracket = [tPrev, t];
        bracketF = [fPrev, fNew];
        bracketG = [gPrev, gNew.slice()];
        bracketGtd = [gtdPrev, gtdNew];
        break;
      }
      if (S.le(S.abs(gtdNew), curvature)) {
        bracket = [t];
        bracketF = [fNew];
        bracketG = [gNew];
        done = true;
        break;
      }
      if (S.le(zero, gtdNew)) {
        bracket = [tPrev, t];
        bracketF = [fPrev, fNew];
        bracketG = [gPrev, gNew.slice()];
        bracketGtd = [gtdPrev, gtdNew];
        break;
      }
      // interpolate
      const minStep = S.add(t, S.mul(py(0.01), S.sub(t, tPrev)));
      const maxStep = S.mul(t, py(10));
      const tmp = t;
      t = cubicInterpolate(S, tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
      // next step
      tPrev = tmp;
      fPrev = fNew;
      gPrev = gNew.slice();
      gtdPrev = gtdNew;
      ({ f: fNew, g: gNew, gtd: gtdNew } = evaluate(t));
      lsFuncEvals += 1;
      lsIter += 1;
    }
    // reached the maximum number of iterations?
    if (lsIter === maxLs) {
      bracket = [zero, t];
      bracketF = [f, fNew];
      bracketG = [g, gNew];
    }
    if (bracket === undefined) {
      // NOTE: PyTorch fails here too (an UnboundLocalError), when maxEval leaves no evaluation for the search.
      throw new Error(`LBFGS: maxEval (${this.group.maxEval}) leaves the strong_wolfe line search no evaluation`);
    }

    // zoom: refine the bracket until a point satisfies the conditions
    let insufProgress = false;
    let [lowPos, highPos] = S.le(bracketF[0], bracketF[bracketF.length - 1]) ? [0, 1] : [1, 0];
    while (!done && lsIter < maxLs) {
      // the bracket is too small
      if (S.lt(S.mul(S.abs(S.sub(bracket[1], bracket[0])), dNorm), toleranceChange)) break;
      t = cubicInterpolate(S, bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);
      // close to a boundary: if the last step made insufficient progress too, or t is at a
      // boundary, move t to 0.1 of the bracket's length away from the nearest boundary
      const hi = S.max(bracket[0], bracket[1]);
      const lo = S.min(bracket[0], bracket[1]);
      const eps = S.mul(py(0.1), S.sub(hi, lo));
      if (S.lt(S.min(S.sub(hi, t), S.sub(t, lo)), eps)) {
        if (insufProgress || S.le(hi, t) || S.le(t, lo)) {
          t = S.lt(S.abs(S.sub(t, hi)), S.abs(S.sub(t, lo))) ? S.sub(hi, eps) : S.add(lo, eps);
          insufProgress = false;
        } else {
          insufProgress = true;
        }
      } else {
        insufProgress = false;
      }
      ({ f: fNew, g: gNew, gtd: gtdNew } = evaluate(t));
      lsFuncEvals += 1;
      lsIter += 1;

      if (S.lt(armijo(t), fNew) || S.le(bracketF[lowPos], fNew)) {
        // Armijo condition not satisfied, or not lower than the lowest point
        bracket[highPos] = t;
        bracketF[highPos] = fNew;
        bracketG[highPos] = gNew.slice();
        bracketGtd[highPos] = gtdNew;
        [lowPos, highPos] = S.le(bracketF[0], bracketF[1]) ? [0, 1] : [1, 0];
      } else {
        if (S.le(S.abs(gtdNew), curvature)) {
          done = true; // the Wolfe conditions hold
        } else if (S.le(zero, S.mul(gtdNew, S.sub(bracket[highPos], bracket[lowPos])))) {
          // the old high becomes the new low
          bracket[highPos] = bracket[lowPos];
          bracketF[highPos] = bracketF[lowPos];
          bracketG[highPos] = bracketG[lowPos];
          bracketGtd[highPos] = bracketGtd[lowPos];
        }
        // the new point becomes the new low
        bracket[lowPos] = t;
        bracketF[lowPos] = fNew;
        bracketG[lowPos] = gNew.slice();
        bracketGtd[lowPos] = gtdNew;
      }
    }
    if (lowPos >= bracket.length) {
      // NOTE: a NaN loss where the Wolfe conditions held; PyTorch fails here too (an IndexError).
      throw new Error('LBFGS: the strong_wolfe line search got a NaN loss');
    }
    return { loss: bracketF[lowPos].v, grad: bracketG[lowPos], t: bracket[lowPos], evals: lsFuncEvals };
  }
}

/**
 * The minimum of the cubic through (x1, f1) and (x2, f2) with slopes g1 and g2, within `bounds`
 * (default: between x1 and x2); their middle when the cubic has no minimum (Torch7's polyinterp.lua).
 */
function cubicInterpolate(S: Scalars, x1: Num, f1: Num, g1: Num, x2: Num, f2: Num, g2: Num, bounds?: [Num, Num]): Num {
  const [xminBound, xmaxBound] = bounds ?? (S.le(x1, x2) ? [x1, x2] : [x2, x1]);
  // d1 = g1 + g2 - 3 (f1 - f2) / (x1 - x2);  d2 = sqrt(d1^2 - g1 g2)
  // min_pos = x2 - (x2 - x1) (g2 + d2 - d1) / (g2 - g1 + 2 d2), x2 being the farther point
  const d1 = S.sub(S.add(g1, g2), S.div(S.mul(py(3), S.sub(f1, f2)), S.sub(x1, x2)));
  const d2Square = S.sub(S.mul(d1, d1), S.mul(g1, g2));
  if (S.le(py(0), d2Square)) {
    const d2 = S.sqrt(d2Square);
    const twoD2 = S.mul(py(2), d2);
    const minPos = S.le(x1, x2)
      ? S.sub(x2, S.mul(S.sub(x2, x1), S.div(S.sub(S.add(g2, d2), d1), S.add(S.sub(g2, g1), twoD2))))
      : S.sub(x1, S.mul(S.sub(x1, x2), S.div(S.sub(S.add(g1, d2), d1), S.add(S.sub(g1, g2), twoD2))));
    return S.min(S.max(minPos, xminBound), xmaxBound);
  }
  return S.div(S.add(xminBound, xmaxBound), py(2));
}

/** max(|a|), NaN if any element is NaN (`a.abs().max()`). */
function absMax(a: FloatArray): number {
  let m = -Infinity;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v !== v) return NaN;
    if (v > m) m = v;
  }
  return m;
}

/**
 * sum(|a|) in the order of PyTorch's CPU sum (`cascade_sum` in SumKernel.cpp, with 256-bit vectors:
 * 4 float64 or 8 float32 lanes), which the first step length depends on.
 */
function absSum(a: FloatArray): number {
  const f32 = a instanceof Float32Array;
  const r = (x: number): number => round32(x, f32);
  const width = f32 ? 8 : 4;
  const n = a.length;
  const add = (x: number, y: number): number => r(x + y);
  if (n < width)
    return rowSum(
      (i) => Math.abs(a[i]),
      n,
      add,
      () => 0,
    );
  // whole vectors, lane by lane
  const vectors = Math.floor(n / width);
  const lanes = rowSum(
    (i) => Array.from({ length: width }, (_, k) => Math.abs(a[i * width + k])),
    vectors,
    (x, y) => x.map((v, k) => r(v + y[k])),
    () => new Array<number>(width).fill(0),
  );
  let total = 0;
  for (let k = vectors * width; k < n; k++) total = r(total + Math.abs(a[k]));
  for (const v of lanes) total = r(total + v);
  return total;
}

/** PyTorch's `row_sum`: four interleaved partial sums (`multi_row_sum`), the remainder into the first, then added in turn. */
function rowSum<T>(load: (i: number) => T, size: number, add: (x: T, y: T) => T, zero: () => T): T {
  const rows = Math.floor(size / 4);
  const partial = multiRowSum((i, k) => load(i * 4 + k), 4, rows, add, zero);
  for (let i = rows * 4; i < size; i++) partial[0] = add(partial[0], load(i));
  for (let k = 1; k < 4; k++) partial[0] = add(partial[0], partial[k]);
  return partial[0];
}

/** PyTorch's `multi_row_sum`: `nrows` running sums, cascaded through four levels of chunks of 16 or more rows. */
function multiRowSum<T>(load: (i: number, k: number) => T, nrows: number, size: number, add: (x: T, y: T) => T, zero: () => T): T[] {
  const levels = 4;
  const ceilLog2 = size <= 2 ? 1 : 32 - Math.clz32(size - 1);
  const power = Math.max(4, Math.floor(ceilLog2 / levels));
  const step = 2 ** power;
  const mask = step - 1;
  const acc = Array.from({ length: levels }, () => Array.from({ length: nrows }, zero));
  let i = 0;
  while (i + step <= size) {
    for (let j = 0; j < step; j++, i++) for (let k = 0; k < nrows; k++) acc[0][k] = add(acc[0][k], load(i, k));
    for (let j = 1; j < levels; j++) {
      for (let k = 0; k < nrows; k++) {
        acc[j][k] = add(acc[j][k], acc[j - 1][k]);
        acc[j - 1][k] = zero();
      }
      if ((i & (mask * 2 ** (j * power))) !== 0) break;
    }
  }
  for (; i < size; i++) for (let k = 0; k < nrows; k++) acc[0][k] = add(acc[0][k], load(i, k));
  for (let j = 1; j < levels; j++) for (let k = 0; k < nrows; k++) acc[0][k] = add(acc[0][k], acc[j][k]);
  return acc[0];
}

/**
 * x . y in the order of torch.dot's kernel on x86-64 (MKL's ddot and sdot, as measured for vectors of
 * up to 1000 elements): partial sums in 4 groups of 2 (float64) or 4 (float32) lanes over blocks of
 * 8 or 16 elements, the remainder into the first groups, then each lane's groups in turn, then the lanes.
 */
function dot(x: FloatArray, y: FloatArray): number {
  const n = x.length;
  const r = Math.fround;
  const product = (i: number): number => r(x[i] * y[i]);
  if (x instanceof Float64Array) {
    // ddot: acc[2 g + lane]; the remainder in pairs into group 0, a last element into its lane 0
    const acc = [0, 0, 0, 0, 0, 0, 0, 0];
    const m = n - (n % 8);
    for (let i = 0; i < m; i += 8) for (let k = 0; k < 8; k++) acc[k] += x[i + k] * y[i + k];
    let i = m;
    for (; i + 1 < n; i += 2) {
      acc[0] += x[i] * y[i];
      acc[1] += x[i + 1] * y[i + 1];
    }
    if (i < n) acc[0] += x[i] * y[i];
    return acc[0] + acc[2] + acc[4] + acc[6] + (acc[1] + acc[3] + acc[5] + acc[7]);
  }
  // sdot: acc[4 g + lane]; the remainder as one block of 8 into groups 0 and 1, one of 4 into group 0,
  // the last elements into lane 0 of group 0; the lanes added as (l0 + l2) + (l1 + l3)
  const acc = new Array<number>(16).fill(0);
  const m = n - (n % 16);
  for (let i = 0; i < m; i += 16) for (let k = 0; k < 16; k++) acc[k] = r(acc[k] + product(i + k));
  let i = m;
  if (i + 8 <= n) {
    for (let k = 0; k < 8; k++) acc[k] = r(acc[k] + product(i + k));
    i += 8;
  }
  if (i + 4 <= n) {
    for (let k = 0; k < 4; k++) acc[k] = r(acc[k] + product(i + k));
    i += 4;
  }
  for (; i < n; i++) acc[0] = r(acc[0] + product(i));
  const lane = [0, 1, 2, 3].map((k) => r(r(r(acc[k] + acc[4 + k]) + acc[8 + k]) + acc[12 + k]));
  return r(r(lane[0] + lane[2]) + r(lane[1] + lane[3]));
}

// NOTE: bound once, not called through the import (see round32 in helpers.ts: several times faster under tsx).
const round32 = importedRound32;
