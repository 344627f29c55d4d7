/**
 * Gradient clipping (`torch/nn/utils/clip_grad.py`): the norm of many tensors taken as one vector,
 * and scaling or clamping `.grad`s in place, under no-grad.
 *
 * The arithmetic is PyTorch's, dtype by dtype: each tensor's norm is rounded to its dtype, the total
 * is the norm of those norms in the promoted dtype (float64 if any tensor is), and the clip
 * coefficient is `maxNorm * (1 / (totalNorm + 1e-6))` clamped to 1, each step rounded to the total's
 * dtype, then to each gradient's. Sums run in float64 (rounded once), so a float32 norm can be
 * closer to exact than PyTorch's float32 accumulation (and stay finite where PyTorch's overflows).
 */
import { noGrad } from '../../autograd/grad-mode';
import { type FloatDType, getDefaultDtype, isFloatDtype } from '../../dtype';
import { pyFloatRepr } from '../../format';
import { checkBoolean, checkNumber, describe } from '../../options';
import { Tensor } from '../../tensor';

/** A p-norm's order: a number (Infinity for the max-norm), or PyTorch's 'inf' / '-inf'. */
export type NormType = number | 'inf' | '-inf';

/** One tensor, or any iterable of them (an array, `model.parameters()`, a generator). */
export type TensorOrTensors = Tensor | Iterable<Tensor>;

/**
 * Scales the gradients of `parameters` in place so that their total `normType`-norm is at most
 * `maxNorm` (`nn.utils.clip_grad_norm_`), and returns that total norm (before clipping) as a 0-d
 * tensor. Parameters without a gradient are skipped. With `errorIfNonfinite`, a NaN or infinite
 * total is an Error; otherwise the gradients are scaled by it anyway (by 0, or NaN).
 */
export function clipGradNorm_(
  parameters: TensorOrTensors,
  maxNorm: number,
  normType: NormType = 2,
  errorIfNonfinite = false,
  foreach: boolean | null = null,
): Tensor {
  const where = 'clipGradNorm_';
  const params = tensorList(parameters, where, 'parameters');
  if (params.length === 0 && isIterator(parameters)) console.warn('`parameters` is an empty generator, no gradient clipping will occur.');
  checkNumber(maxNorm, where, 'maxNorm');
  const total = totalNorm(grads(params), normType, errorIfNonfinite, foreach, where);
  clipWithNorm(params, maxNorm, total, foreach, where);
  return total;
}

/**
 * The `normType`-norm of `tensors` taken together, as if concatenated into one vector
 * (`nn.utils.get_total_norm`); tensor(0.) in the default dtype for none.
 */
export function getTotalNorm(tensors: TensorOrTensors, normType: NormType = 2, errorIfNonfinite = false, foreach: boolean | null = null): Tensor {
  return totalNorm(tensorList(tensors, 'getTotalNorm', 'tensors'), normType, errorIfNonfinite, foreach, 'getTotalNorm');
}

/**
 * Scales the gradients of `parameters` in place by min(maxNorm / (totalNorm + 1e-6), 1), given a
 * total norm computed before (`nn.utils.clip_grads_with_norm_`): `getTotalNorm` of the grads, then
 * this, is `clipGradNorm_`.
 */
export function clipGradsWithNorm_(parameters: TensorOrTensors, maxNorm: number, totalNorm: Tensor, foreach: boolean | null = null): void {
  const where = 'clipGradsWithNorm_';
  const params = tensorList(parameters, where, 'parameters');
  checkNumber(maxNorm, where, 'maxNorm');
  clipWithNorm(params, maxNorm, totalNorm, foreach, where);
}

/** Clamps the gradients of `parameters` in place to [-clipValue, clipValue] (`nn.utils.clip_grad_value_`); NaNs stay NaN. */
export function clipGradValue_(parameters: TensorOrTensors, clipValue: number, foreach: boolean | null = null): void {
  const where = 'clipGradValue_';
  const params = tensorList(parameters, where, 'parameters');
  checkNumber(clipValue, where, 'clipValue');
  checkForeach(foreach, where);
  noGrad(() => {
    for (const g of grads(params)) {
      const round = rounding(g.dtype as FloatDType);
      const lo = round(-clipValue);
      const hi = round(clipValue);
      g._version.value++;
      const data = g.data;
      // clamp_min(-clipValue) then clamp_max(clipValue), each propagating NaN (of the value or the bound)
      for (let i = 0; i < data.length; i++) {
        const x = data[i];
        const y = x !== x || lo !== lo ? NaN : x < lo ? lo : x;
        data[i] = y !== y || hi !== hi ? NaN : y > hi ? hi : y;
      }
    }
  });
}

// ---- the shared steps ----

function totalNorm(tensors: Tensor[], normType: NormType, errorIfNonfinite: boolean, foreach: boolean | null, where: string): Tensor {
  const p = parseNormType(normType, where);
  checkBoolean(errorIfNonfinite, where, 'errorIfNonfinite');
  checkForeach(foreach, where);
  if (tensors.length === 0) return scalar(0, getDefaultDtype());
  for (const t of tensors) {
    if (!isFloatDtype(t.dtype)) throw new Error(`${where}: linalg.vector_norm: Expected a floating point or complex tensor as input. Got ${t.dtype}`);
  }
  // NOTE: PyTorch groups the tensors by dtype (float64's norms first when float32 came first, as its
  // grouping happens to order two dtypes) and stacks the groups' norms in the promoted dtype
  const dtypes = [...new Set(tensors.map((t) => t.dtype as FloatDType))].reverse();
  const norms: number[] = [];
  for (const dtype of dtypes) {
    const round = rounding(dtype);
    for (const t of tensors) if (t.dtype === dtype) norms.push(round(vectorNorm(t.data, p, foreach, where)));
  }
  const dtype: FloatDType = dtypes.includes('float64') ? 'float64' : 'float32';
  const total = rounding(dtype)(vectorNorm(norms, p, foreach, where));
  if (errorIfNonfinite && !Number.isFinite(total)) {
    throw new Error(
      `${where}: The total norm of order ${pyFloatRepr(p)} for gradients from \`parameters\` is non-finite, so it cannot be clipped. ` +
        'To disable this error and scale the gradients by the non-finite norm anyway, set `errorIfNonfinite=false`',
    );
  }
  return scalar(total, dtype);
}

function clipWithNorm(params: Tensor[], maxNorm: number, totalNorm: Tensor, foreach: boolean | null, where: string): void {
  checkForeach(foreach, where);
  const gs = grads(params);
  if (gs.length === 0) return;
  if (!(totalNorm instanceof Tensor)) throw new Error(`${where}: totalNorm must be a Tensor (as getTotalNorm returns), got ${describe(totalNorm)}`);
  if (totalNorm.ndim !== 0) {
    const n = totalNorm.numel();
    if (foreach !== false || n !== 1) {
      throw new Error(`${where}: scalar tensor expected to be 0 dim but it has ${totalNorm.ndim} dimensions and ${n} elements (totalNorm)`);
    }
    const g = gs.find((x) => x.ndim < totalNorm.ndim);
    if (g) throw new Error(`${where}: output with shape [${g.shape.join(', ')}] doesn't match the broadcast shape [${totalNorm.shape.join(', ')}]`);
  }
  // PyTorch: max_norm / (total_norm + 1e-6) is total_norm's __rtruediv__, reciprocal() * max_norm
  const round = rounding(isFloatDtype(totalNorm.dtype) ? totalNorm.dtype : getDefaultDtype());
  const denominator = round(round(totalNorm.data[0]) + round(1e-6));
  const coef = round(round(1 / denominator) * round(maxNorm));
  const clamped = coef > 1 ? 1 : coef; // clamp(max=1) keeps NaN
  noGrad(() => {
    for (const g of gs) {
      const c = rounding(g.dtype as FloatDType)(clamped);
      g._version.value++;
      const data = g.data;
      for (let i = 0; i < data.length; i++) data[i] *= c;
    }
  });
}

/**
 * The p-norm of `x` as `torch.linalg.vector_norm` defines it: max |x| for inf, min |x| for -inf, the
 * count of non-zeros for 0, (sum |x|^p)^(1/p) otherwise; NaN propagates.
 */
function vectorNorm(x: ArrayLike<number>, p: number, foreach: boolean | null, where: string): number {
  const n = x.length;
  if (n === 0 && (p < 0 || p === Infinity)) {
    throw new Error(
      p === Infinity && foreach !== false
        ? `${where}: _foreach_norm cannot compute the infinity norm on an empty tensor because the operation does not have an identity`
        : `${where}: linalg.vector_norm cannot compute the ${p === -Infinity ? '-inf' : p === Infinity ? 'inf' : String(p)} norm on an empty tensor because the operation does not have an identity`,
    );
  }
  if (p === Infinity || p === -Infinity) {
    let best = Math.abs(x[0]);
    for (let i = 0; i < n; i++) {
      const a = Math.abs(x[i]);
      if (a !== a) return NaN;
      if (p > 0 ? a > best : a < best) best = a;
    }
    return best;
  }
  let acc = 0;
  if (p === 0) {
    for (let i = 0; i < n; i++) if (x[i] !== 0) acc++;
    return acc;
  }
  if (p === 1) {
    for (let i = 0; i < n; i++) acc += Math.abs(x[i]);
    return acc;
  }
  if (p === 2) {
    for (let i = 0; i < n; i++) acc += x[i] * x[i];
    return Math.sqrt(acc);
  }
  for (let i = 0; i < n; i++) acc += Math.abs(x[i]) ** p;
  return acc ** (1 / p);
}

function parseNormType(p: unknown, where: string): number {
  if (p === 'inf') return Infinity;
  if (p === '-inf') return -Infinity;
  if (typeof p !== 'number') throw new Error(`${where}: normType must be a number, 'inf' or '-inf', got ${describe(p)}`);
  return p;
}

/** foreach picks PyTorch's multi-tensor kernels (which it runs on CPU tensors too); the result is the same here. */
function checkForeach(foreach: unknown, where: string): void {
  if (foreach !== null && foreach !== undefined && typeof foreach !== 'boolean') {
    throw new Error(`${where}: foreach must be true, false or null, got ${describe(foreach)}`);
  }
}

/** The tensors of a Tensor or an iterable of them, each checked. */
function tensorList(x: unknown, where: string, what: string): Tensor[] {
  if (x instanceof Tensor) return [x];
  if (x === null || typeof x !== 'object' || typeof (x as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function') {
    throw new Error(`${where}: ${what} must be a Tensor or an iterable of Tensors, got ${describe(x)}`);
  }
  const list = Array.from(x as Iterable<unknown>);
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new Error(`${where}: ${what}[${i}] must be a Tensor, got ${describe(t)}`);
  });
  return list as Tensor[];
}

/** An iterator that is not a container (a generator object), which a second pass would find empty. */
function isIterator(x: unknown): boolean {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && typeof (x as Partial<Iterator<unknown>>).next === 'function';
}

function grads(params: Tensor[]): Tensor[] {
  return params.flatMap((p) => (p.grad === null ? [] : [p.grad]));
}

function rounding(dtype: FloatDType): (x: number) => number {
  return dtype === 'float32' ? Math.fround : (x) => x;
}

function scalar(x: number, dtype: FloatDType): Tensor {
  return new Tensor(dtype === 'float32' ? Float32Array.of(x) : Float64Array.of(x), [], dtype);
}
