"""Generates tests/golden/reductions.json: PyTorch's values, gradients, grad_fn names and rejections
for the reductions, scans, sorting and selection ops (tests/ops/reductions.test.ts, tests/ops/sort.test.ts).

Run with a Python that has torch and numpy (the tests themselves never need Python):

    python tests/golden/gen_reductions.py

Each case names an op (the tests map the same name and arguments to tsgrad), its inputs (flat
row-major data, shape, tsgrad dtype, requires_grad; or a plain number), the arguments, every output
(shape, dtype, data) with the grad_fn name PyTorch prints for it, and, where the outputs are
differentiable, the gradients fed to them and the resulting `.grad` of every input. Float data that
is not finite is written as the strings 'nan', 'inf', '-inf'. Flags for the tests:

- `checkIndices: false`: PyTorch does not document which of tied elements it picks; the tests
  compare the values and check that the indices point at them.
- `unordered: true`: the order of the results is unspecified (topk with sorted=False); the tests
  compare (value, index) pairs in index order.

`rejections` lists calls PyTorch rejects (each checked to raise here); tsgrad must throw too.
PyTorch's int64 is tsgrad's int32.
"""

import json
import math
import os

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reductions.json")

TORCH_DTYPES = {"float32": torch.float32, "float64": torch.float64, "int32": torch.int64, "bool": torch.bool}
NAMES = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int32", torch.int32: "int32", torch.bool: "bool"}

rng = np.random.default_rng(20250714)
cases = []
rejections = []


def distinct(*shape, dtype="float64", grad=True, scale=1.0):
    """Standard normal values, all distinct (so selections have no ties)."""
    n = int(np.prod(shape)) if shape else 1
    x = rng.standard_normal(n) * scale
    return {"shape": list(shape), "dtype": dtype, "data": x.tolist(), "requiresGrad": grad and dtype.startswith("float")}


def positive(*shape, dtype="float64"):
    n = int(np.prod(shape)) if shape else 1
    x = rng.uniform(0.5, 1.5, n) * rng.choice([-1.0, 1.0], n)
    return {"shape": list(shape), "dtype": dtype, "data": x.tolist(), "requiresGrad": True}


def const(values, shape, dtype="float64", grad=None):
    if grad is None:
        grad = dtype.startswith("float")
    return {"shape": list(shape), "dtype": dtype, "data": list(values), "requiresGrad": grad}


def ints(values, shape):
    return const(values, shape, "int32", False)


def bools(values, shape):
    return const([1 if v else 0 for v in values], shape, "bool", False)


def num(x):
    return {"number": x}


def to_torch(spec):
    if "number" in spec:
        return spec["number"]
    dtype = TORCH_DTYPES[spec["dtype"]]
    values = [bool(v) for v in spec["data"]] if dtype == torch.bool else spec["data"]
    t = torch.tensor(values, dtype=dtype).reshape(spec["shape"])
    if dtype == torch.float32:
        spec["data"] = t.reshape(-1).tolist()  # exactly the float32 values both sides hold
    if spec["requiresGrad"]:
        t.requires_grad_()
    return t


def encode(t):
    flat = t.detach().reshape(-1).tolist()
    if t.dtype == torch.bool:
        return [1 if v else 0 for v in flat]
    if not t.dtype.is_floating_point:
        return [int(v) for v in flat]
    return [float(v) for v in flat]


def dt(name):
    return None if name is None else TORCH_DTYPES[name]


def var_like(fn):
    def run(x, dim=None, correction=None, unbiased=None, keepdim=False, legacy=False):
        if legacy:  # PyTorch's older positional form var(x, dim, unbiased, keepdim) / var(x, unbiased)
            return fn(x, unbiased) if dim is None else fn(x, dim, unbiased, keepdim)
        kw = {"keepdim": keepdim}
        if correction is not None:
            kw["correction"] = correction
        if unbiased is not None:
            kw["unbiased"] = unbiased
        return fn(x, dim, **kw)

    return run


def search(seq, values, sorter=None, right=None, side=None, outInt32=False):
    kw = {"out_int32": outInt32}
    if right is not None:
        kw["right"] = right
    if side is not None:
        kw["side"] = side
    if sorter is not None:
        kw["sorter"] = sorter
    return torch.searchsorted(seq, values, **kw)


OPS = {
    "prod": lambda x, dim=None, keepdim=False, dtype=None: torch.prod(x, dtype=dt(dtype)) if dim is None else torch.prod(x, dim, keepdim, dtype=dt(dtype)),
    "cumsum": lambda x, dim, dtype=None: torch.cumsum(x, dim, dtype=dt(dtype)),
    "cumprod": lambda x, dim, dtype=None: torch.cumprod(x, dim, dtype=dt(dtype)),
    "cummax": lambda x, dim: tuple(torch.cummax(x, dim)),
    "cummin": lambda x, dim: tuple(torch.cummin(x, dim)),
    "logsumexp": lambda x, dim, keepdim=False: torch.logsumexp(x, dim, keepdim),
    "var": var_like(torch.var),
    "std": var_like(torch.std),
    "varMean": var_like(torch.var_mean),
    "stdMean": var_like(torch.std_mean),
    "norm": lambda x, p="fro", dim=None, keepdim=False, dtype=None: torch.norm(x, p, dim, keepdim, dtype=dt(dtype)),
    "any": lambda x, dim=None, keepdim=False: torch.any(x) if dim is None else torch.any(x, dim, keepdim),
    "all": lambda x, dim=None, keepdim=False: torch.all(x) if dim is None else torch.all(x, dim, keepdim),
    "countNonzero": lambda x, dim=None: torch.count_nonzero(x, dim),
    "median": lambda x, dim=None, keepdim=False: torch.median(x) if dim is None else tuple(torch.median(x, dim, keepdim)),
    "mode": lambda x, dim=-1, keepdim=False: tuple(torch.mode(x, dim, keepdim)),
    "amax": lambda x, dim=(), keepdim=False: torch.amax(x, dim, keepdim),
    "amin": lambda x, dim=(), keepdim=False: torch.amin(x, dim, keepdim),
    "aminmax": lambda x, dim=None, keepdim=False: tuple(torch.aminmax(x, dim=dim, keepdim=keepdim)),
    "nansum": lambda x, dim=None, keepdim=False, dtype=None: torch.nansum(x, dim, keepdim, dtype=dt(dtype)),
    "nanmean": lambda x, dim=None, keepdim=False, dtype=None: torch.nanmean(x, dim, keepdim, dtype=dt(dtype)),
    "sort": lambda x, dim=-1, descending=False, stable=None: tuple(
        torch.sort(x, dim, descending) if stable is None else torch.sort(x, dim=dim, descending=descending, stable=stable)
    ),
    "argsort": lambda x, dim=-1, descending=False, stable=None: (
        torch.argsort(x, dim, descending) if stable is None else torch.argsort(x, dim=dim, descending=descending, stable=stable)
    ),
    "topk": lambda x, k, dim=-1, largest=True, sorted=True: tuple(torch.topk(x, k, dim, largest, sorted)),
    "kthvalue": lambda x, k, dim=-1, keepdim=False: tuple(torch.kthvalue(x, k, dim, keepdim)),
    # keywords: torch.unique_consecutive's positional return_inverse/return_counts pick the wrong outputs
    "unique": lambda x, sorted=True, returnInverse=False, returnCounts=False, dim=None: torch.unique(
        x, sorted=sorted, return_inverse=returnInverse, return_counts=returnCounts, dim=dim
    ),
    "uniqueConsecutive": lambda x, returnInverse=False, returnCounts=False, dim=None: torch.unique_consecutive(
        x, return_inverse=returnInverse, return_counts=returnCounts, dim=dim
    ),
    "searchsorted": search,
    "bucketize": lambda x, boundaries, right=False, outInt32=False: torch.bucketize(x, boundaries, out_int32=outInt32, right=right),
}


def case(name, op, inputs, backward=True, checkIndices=True, unordered=False, **args):
    tensors = [to_torch(spec) for spec in inputs]
    result = OPS[op](*tensors, **args)
    outs = list(result) if isinstance(result, tuple) else [result]
    outputs = [
        {"shape": list(o.shape), "dtype": NAMES[o.dtype], "data": encode(o), "gradFn": None if o.grad_fn is None else type(o.grad_fn).__name__}
        for o in outs
    ]
    grad_outputs = None
    grads = [None] * len(inputs)
    diff = [o for o in outs if o.requires_grad]
    if diff and backward:
        gs = [torch.tensor(rng.standard_normal(list(o.shape)), dtype=o.dtype) for o in diff]
        torch.autograd.backward(diff, gs)
        grad_outputs = [encode(g) for g in gs]
        for i, t in enumerate(tensors):
            if isinstance(t, torch.Tensor) and t.grad is not None:
                grads[i] = {"dtype": NAMES[t.grad.dtype], "data": encode(t.grad)}
    cases.append({
        "name": name, "op": op, "args": args, "inputs": inputs, "outputs": outputs,
        "gradOutputs": grad_outputs, "grads": grads, "checkIndices": checkIndices, "unordered": unordered,
    })


def reject(name, op, inputs, **args):
    tensors = [to_torch(spec) for spec in inputs]
    try:
        OPS[op](*tensors, **args)
    except (RuntimeError, IndexError, ValueError, TypeError, NotImplementedError) as e:
        rejections.append({"name": name, "op": op, "args": args, "inputs": inputs, "torchError": str(e).split("\n")[0]})
        return
    raise AssertionError(f"PyTorch accepted {name}")


NAN, INF = math.nan, math.inf

# ---- prod ---------------------------------------------------------------------------------------
case("prod all", "prod", [positive(2, 3)])
for d in [0, 1, 2, -1]:
    case(f"prod dim {d}", "prod", [positive(2, 3, 4)], dim=d)
case("prod dim 1 keepdim", "prod", [positive(2, 3, 2)], dim=1, keepdim=True)
case("prod one zero in a slice", "prod", [const([1.5, 0.0, -2.0, 0.5, 3.0, 2.0], [2, 3])], dim=1)
case("prod two zeros in a slice", "prod", [const([0.0, 0.0, -2.0, 0.5, 3.0, 2.0], [2, 3])], dim=1)
case("prod all with one zero", "prod", [const([1.5, 0.0, -2.0, 0.5], [2, 2])])
case("prod all with two zeros", "prod", [const([1.5, 0.0, -2.0, 0.0], [2, 2])])
case("prod int32", "prod", [ints([2, -3, 4, 5], [2, 2])], dim=0)
case("prod int32 all", "prod", [ints([2, -3, 4, 5], [4])])
case("prod bool", "prod", [bools([True, True, False, True], [2, 2])], dim=1)
case("prod int32 with dtype float64", "prod", [ints([2, -3, 4, 5], [4])], dtype="float64")
case("prod float with dtype int32 truncates first", "prod", [const([1.5, 2.7, -3.2], [3], grad=False)], dtype="int32")
case("prod 0-d", "prod", [positive()], dim=0)
case("prod empty dim", "prod", [const([], [0, 3])], dim=0)
case("prod all of empty", "prod", [const([], [0])])
case("prod float32", "prod", [positive(3, 4, dtype="float32")], dim=1)

# ---- cumsum, cumprod ------------------------------------------------------------------------------
for d in [0, 1, 2, -1]:
    case(f"cumsum dim {d}", "cumsum", [distinct(2, 3, 4)], dim=d)
    case(f"cumprod dim {d}", "cumprod", [positive(2, 3, 4)], dim=d)
case("cumsum int32", "cumsum", [ints([1, 2, 3, -4, 5, 6], [2, 3])], dim=1)
case("cumsum bool", "cumsum", [bools([True, False, True, True], [4])], dim=0)
case("cumsum int32 with dtype float32", "cumsum", [ints([1, 2, 3], [3])], dim=0, dtype="float32")
case("cumsum float32", "cumsum", [distinct(3, 5, dtype="float32")], dim=1)
case("cumsum 0-d", "cumsum", [distinct()], dim=0)
case("cumsum empty", "cumsum", [const([], [2, 0])], dim=1)
case("cumprod one zero", "cumprod", [const([2.0, 0.0, 3.0, -1.5, 0.5, 1.5, 2.0, 0.0], [2, 4])], dim=1)
case("cumprod two zeros", "cumprod", [const([2.0, 0.0, 3.0, 0.0, 0.5, 1.5, 2.0, -0.5], [2, 4])], dim=1)
case("cumprod zero first", "cumprod", [const([0.0, 2.0, 3.0, -1.0], [4])], dim=0)
case("cumprod zeros along dim 0", "cumprod", [const([1.5, 0.0, 0.0, 2.0, 3.0, -1.0], [3, 2])], dim=0)
case("cumprod int32", "cumprod", [ints([1, 2, 3, -4], [4])], dim=0)
case("cumprod 0-d", "cumprod", [positive()], dim=0)

# ---- cummax, cummin -------------------------------------------------------------------------------
for d in [0, 1, -1]:
    case(f"cummax dim {d}", "cummax", [distinct(3, 4)], dim=d)
    case(f"cummin dim {d}", "cummin", [distinct(3, 4)], dim=d)
case("cummax ties take the later index", "cummax", [const([1.0, 3.0, 3.0, 2.0, 3.0], [5])], dim=0)
case("cummin ties take the later index", "cummin", [const([3.0, 1.0, 1.0, 2.0, 1.0], [5])], dim=0)
case("cummax NaN stays", "cummax", [const([1.0, NAN, 3.0, NAN, 3.0], [5], grad=False)], dim=0)
case("cummin NaN stays", "cummin", [const([1.0, -2.0, NAN, -5.0], [4], grad=False)], dim=0)
case("cummax int32", "cummax", [ints([1, 3, 3, 2, 5], [5])], dim=0)
case("cummax bool", "cummax", [bools([True, False, True], [3])], dim=0)
case("cummax 0-d", "cummax", [distinct()], dim=0)

# ---- logsumexp ------------------------------------------------------------------------------------
for d in [0, 1, 2, -1]:
    case(f"logsumexp dim {d}", "logsumexp", [distinct(2, 3, 4)], dim=d)
case("logsumexp dims [0, 2] keepdim", "logsumexp", [distinct(2, 3, 4)], dim=[0, 2], keepdim=True)
case("logsumexp large logits", "logsumexp", [const([1000.0, 999.0, -1000.0, 0.0], [2, 2])], dim=1)
case("logsumexp with infinities", "logsumexp", [const([INF, 1.0, -INF, -INF, INF, INF], [3, 2], grad=False)], dim=1)
case("logsumexp NaN", "logsumexp", [const([1.0, NAN], [2], grad=False)], dim=0)
case("logsumexp int32", "logsumexp", [ints([1, 2, 3], [3])], dim=0)
case("logsumexp empty dim", "logsumexp", [const([], [2, 0], grad=False)], dim=1)
case("logsumexp float32", "logsumexp", [distinct(3, 4, dtype="float32")], dim=1)

# ---- var, std, varMean, stdMean ----------------------------------------------------------------------
for op in ["var", "std", "varMean", "stdMean"]:
    case(f"{op} all", op, [distinct(3, 4)])
    for d in [0, 1, 2, -1]:
        case(f"{op} dim {d}", op, [distinct(2, 3, 4)], dim=d)
    case(f"{op} dims [0, 2] keepdim", op, [distinct(2, 3, 4)], dim=[0, 2], keepdim=True)
    case(f"{op} correction 0", op, [distinct(3, 4)], dim=1, correction=0)
    case(f"{op} correction 2", op, [distinct(3, 4)], dim=0, correction=2)
    case(f"{op} correction 0.5", op, [distinct(5)], correction=0.5)
    case(f"{op} unbiased false (positional)", op, [distinct(2, 3)], dim=1, unbiased=False, keepdim=True, legacy=True)
    case(f"{op} unbiased false in place of dim", op, [distinct(2, 3)], unbiased=False, legacy=True)
    case(f"{op} unbiased option", op, [distinct(2, 3)], dim=0, unbiased=False)
    case(f"{op} one element: NaN", op, [distinct(1, 3)], dim=0)
    case(f"{op} float32", op, [distinct(3, 5, dtype="float32")], dim=1)
case("var correction above N gives inf", "var", [const([1.0, 2.0], [2])], correction=3)
case("var 0-d", "var", [distinct()], correction=0)
case("std with a constant slice", "std", [const([2.0, 2.0, 2.0, 1.0, 2.0, 4.0], [2, 3])], dim=1)
case("var of an empty dim", "var", [const([], [2, 0], grad=False)], dim=1)

# ---- norm ---------------------------------------------------------------------------------------------
for p in ["fro", 2, 1, INF, -INF, 0, 3, 0.5, -1, 1.5]:
    case(f"norm p={p} all", "norm", [distinct(3, 4)], p=p)
    case(f"norm p={p} dim 1", "norm", [distinct(3, 4)], p=p, dim=1)
    case(f"norm p={p} dims [0, 2] keepdim", "norm", [distinct(2, 3, 2)], p=p, dim=[0, 2], keepdim=True)
case("norm fro dims (0, 1)", "norm", [distinct(2, 3)], p="fro", dim=[0, 1])
case("norm p=2 at zero", "norm", [const([0.0, 0.0, 3.0, -4.0], [2, 2])], p=2, dim=1)
case("norm p=3 at zero", "norm", [const([0.0, 0.0, 3.0, -4.0], [2, 2])], p=3, dim=1)
case("norm p=1.5 at zero", "norm", [const([0.0, 0.0, 3.0, -4.0], [2, 2])], p=1.5, dim=1)
case("norm p=0.5 with a zero", "norm", [const([0.0, 2.0, 3.0, -4.0], [2, 2])], p=0.5, dim=1)
case("norm p=inf ties", "norm", [const([3.0, -3.0, 1.0, 2.0], [4])], p=INF)
case("norm p=inf NaN", "norm", [const([1.0, NAN, 3.0], [3])], p=INF)
case("norm p=2 NaN and inf", "norm", [const([NAN, INF], [2], grad=False)])
case("norm float32", "norm", [distinct(3, 4, dtype="float32")], p=2, dim=0)
case("norm float32 with dtype float64", "norm", [distinct(3, 4, dtype="float32")], p=2, dim=1, dtype="float64")
case("norm empty", "norm", [const([], [0], grad=False)])
case("norm 0-d", "norm", [distinct()], p=3)

# ---- any, all, countNonzero ------------------------------------------------------------------------
truth = const([1.0, 0.0, NAN, 0.0, 0.0, 0.0, 2.0, -1.0, 3.0], [3, 3], grad=False)
for op in ["any", "all"]:
    case(f"{op} all", op, [truth])
    case(f"{op} dim 0", op, [truth], dim=0)
    case(f"{op} dim 1 keepdim", op, [truth], dim=1, keepdim=True)
    case(f"{op} dims [0, 1]", op, [truth], dim=[0, 1])
    case(f"{op} int32", op, [ints([0, 3, 0, 0], [2, 2])], dim=1)
    case(f"{op} bool", op, [bools([True, True, False], [3])])
    case(f"{op} empty", op, [const([], [0], grad=False)])
case("countNonzero all", "countNonzero", [truth])
case("countNonzero dim 1", "countNonzero", [truth], dim=1)
case("countNonzero dims [1, 0]", "countNonzero", [truth], dim=[1, 0])
case("countNonzero int32", "countNonzero", [ints([0, 3, 0, 7], [4])])

# ---- median, mode ------------------------------------------------------------------------------------
case("median all (odd count)", "median", [distinct(3, 3)])
case("median all (even count: the lower)", "median", [distinct(2, 4)])
case("median all with NaN", "median", [const([1.0, NAN, 2.0, NAN], [4])])
case("median all ties share the gradient", "median", [const([2.0, 1.0, 2.0, 3.0, 2.0], [5])])
case("median all int32", "median", [ints([5, 1, 4, 2], [4])])
case("median all empty", "median", [const([], [0], grad=False)])
for d in [0, 1, -1]:
    case(f"median dim {d}", "median", [distinct(4, 5)], dim=d)
case("median dim 1 keepdim", "median", [distinct(2, 4, 3)], dim=1, keepdim=True)
case("median dim with NaN: the first NaN", "median", [const([1.0, NAN, 2.0, NAN, 3.0, 1.0, 2.0, 0.0], [2, 4])], dim=1)
case("median dim with ties", "median", [const([1.0, 2.0, 2.0, 2.0, 3.0, 4.0], [6])], dim=0, backward=False, checkIndices=False)
case("median 0-d", "median", [distinct()], dim=0)
for d in [0, 1, -1]:
    case(f"mode dim {d} of distinct values (the smallest)", "mode", [distinct(3, 4)], dim=d)
case("mode the most frequent, at its last index", "mode", [const([1.0, 2.0, 2.0, 3.0, 3.0, 1.0, 5.0, 5.0, 4.0, 5.0, 4.0, 4.0], [2, 6])], dim=1)
case("mode keepdim", "mode", [const([3.0, 1.0, 3.0, 1.0, 2.0, 2.0], [2, 3])], dim=0, keepdim=True)
case("mode int32", "mode", [ints([3, 1, 3, 1], [4])])
case("mode bool", "mode", [bools([True, False, False], [3])])
case("mode with NaN", "mode", [const([2.0, NAN, 2.0, NAN, NAN], [5], grad=False)], checkIndices=False)

# ---- amax, amin, aminmax -----------------------------------------------------------------------------
for op in ["amax", "amin"]:
    case(f"{op} all", op, [distinct(3, 4)])
    for d in [0, 1, 2, -1]:
        case(f"{op} dim {d}", op, [distinct(2, 3, 4)], dim=d)
    case(f"{op} dims [0, 2] keepdim", op, [distinct(2, 3, 4)], dim=[0, 2], keepdim=True)
    case(f"{op} ties share the gradient", op, [const([1.0, 3.0, 3.0, 1.0, 1.0, 0.0], [2, 3])], dim=1)
    case(f"{op} NaN", op, [const([1.0, NAN, 3.0, 4.0], [2, 2])], dim=1)
    case(f"{op} int32", op, [ints([1, 5, -3, 2], [2, 2])], dim=0)
    case(f"{op} bool", op, [bools([True, False], [2])])
    case(f"{op} 0-d", op, [distinct()], dim=0)
    case(f"{op} empty tensor along a non-empty dim", op, [const([], [0, 3])], dim=1)
case("aminmax all", "aminmax", [distinct(3, 4)])
case("aminmax dim 1", "aminmax", [distinct(3, 4)], dim=1)
case("aminmax dim -1 keepdim", "aminmax", [distinct(2, 3)], dim=-1, keepdim=True)
case("aminmax all keepdim", "aminmax", [distinct(2, 3)], keepdim=True)
case("aminmax ties", "aminmax", [const([1.0, 3.0, 3.0, 2.0, 2.0, 0.0], [2, 3])])
case("aminmax int32", "aminmax", [ints([1, 5, -3, 2], [4])])

# ---- nansum, nanmean ---------------------------------------------------------------------------------
withnan = const([1.0, NAN, 3.0, NAN, NAN, NAN, -2.0, 0.5, 4.0], [3, 3])
for op in ["nansum", "nanmean"]:
    case(f"{op} all", op, [withnan])
    case(f"{op} dim 1", op, [withnan], dim=1)
    case(f"{op} dim 0 keepdim", op, [withnan], dim=0, keepdim=True)
    case(f"{op} dims [0, 1]", op, [withnan], dim=[0, 1])
    case(f"{op} without NaN", op, [distinct(2, 3)], dim=0)
    case(f"{op} float32 with dtype float64", op, [distinct(2, 3, dtype="float32")], dim=1, dtype="float64")
case("nansum int32", "nansum", [ints([1, 2, 3, 4], [2, 2])], dim=1)
case("nansum bool", "nansum", [bools([True, True, False], [3])])

# ---- sort, argsort, topk, kthvalue ---------------------------------------------------------------------
for d in [0, 1, 2, -1]:
    case(f"sort dim {d}", "sort", [distinct(2, 3, 4)], dim=d)
    case(f"sort dim {d} descending", "sort", [distinct(2, 3, 4)], dim=d, descending=True)
case("sort NaN last", "sort", [const([3.0, NAN, 1.0, NAN, 2.0], [5])])
case("sort descending NaN first", "sort", [const([3.0, NAN, 1.0, NAN, 2.0], [5])], descending=True)
case("sort stable ties", "sort", [const([2.0, 1.0, 2.0, 1.0, 0.0, 2.0], [6])], stable=True)
case("sort stable ties descending", "sort", [const([1.0, 1.0, 0.0, 1.0, 0.0], [5])], descending=True, stable=True)
case("sort stable ties dim 0", "sort", [const([1.0, 0.0, 1.0, 0.0, 1.0, 0.0], [3, 2])], dim=0, stable=True)
case("sort stable false", "sort", [distinct(4)], stable=False)
case("sort int32", "sort", [ints([3, -1, 2, 7], [4])], stable=True)
case("sort bool", "sort", [bools([True, False, True], [3])], stable=True)
case("sort 0-d", "sort", [distinct()])
case("sort empty", "sort", [const([], [2, 0])], dim=0)
case("sort float32", "sort", [distinct(3, 4, dtype="float32")], dim=1)
case("argsort dim 0", "argsort", [distinct(3, 4)], dim=0)
case("argsort descending", "argsort", [distinct(3, 4)], descending=True)
case("argsort stable ties", "argsort", [ints([2, 1, 2, 1], [4])], stable=True)
case("argsort stable ties descending", "argsort", [ints([2, 1, 2, 1], [4])], descending=True, stable=True)
case("argsort NaN", "argsort", [const([NAN, 1.0, -1.0], [3], grad=False)])
for d in [0, 1, -1]:
    case(f"topk 2 dim {d}", "topk", [distinct(3, 4)], k=2, dim=d)
case("topk smallest", "topk", [distinct(2, 5)], k=3, largest=False)
case("topk NaN is the largest", "topk", [const([1.0, 3.0, NAN, 2.0], [4])], k=2)
case("topk smallest with NaN", "topk", [const([1.0, 3.0, NAN, 2.0], [4])], k=3, largest=False)
case("topk k=0", "topk", [distinct(3)], k=0)
case("topk all", "topk", [distinct(4)], k=4)
case("topk ties", "topk", [const([1.0, 3.0, 3.0, 2.0], [4])], k=2, backward=False, checkIndices=False)
case("topk sorted=False", "topk", [distinct(6)], k=3, sorted=False, backward=False, unordered=True)
case("topk int32", "topk", [ints([4, 1, 9, 7], [4])], k=2)
case("topk 0-d", "topk", [distinct()], k=1)
for d in [0, 1, -1]:
    case(f"kthvalue 2 dim {d}", "kthvalue", [distinct(3, 4)], k=2, dim=d)
case("kthvalue keepdim", "kthvalue", [distinct(2, 5)], k=5, dim=1, keepdim=True)
case("kthvalue NaN is the largest", "kthvalue", [const([1.0, NAN, 0.5, 2.0], [4])], k=4)
case("kthvalue int32", "kthvalue", [ints([4, 1, 9, 7], [4])], k=3)
case("kthvalue ties", "kthvalue", [const([1.0, 2.0, 2.0, 0.0], [4])], k=3, backward=False, checkIndices=False)
case("kthvalue 0-d", "kthvalue", [distinct()], k=1)

# ---- unique, uniqueConsecutive --------------------------------------------------------------------------
u = const([3.0, 1.0, 2.0, 1.0, 3.0, 3.0], [2, 3], grad=False)
case("unique", "unique", [u])
case("unique inverse counts", "unique", [u], returnInverse=True, returnCounts=True)
case("unique counts only", "unique", [u], returnCounts=True)
case("unique sorted=False", "unique", [ints([30, 10, 20, 5, 100, 10], [6])], sorted=False, returnInverse=True)
case("unique NaN each distinct", "unique", [const([3.0, 1.0, NAN, 1.0, NAN], [5], grad=False)], returnInverse=True, returnCounts=True)
case("unique requires grad", "unique", [const([2.0, 1.0, 2.0], [3])], backward=False)
case("unique dim requires grad", "unique", [const([2.0, 1.0, 2.0, 1.0], [2, 2])], dim=0, backward=False)
case("unique bool", "unique", [bools([True, False, True], [3])], returnCounts=True)
case("unique 0-d", "unique", [const([4.0], [], grad=False)], returnInverse=True)
case("unique empty", "unique", [const([], [0], grad=False)], returnInverse=True, returnCounts=True)
ud = ints([1, 2, 0, 5, 1, 2, 0, 5, 0, 4], [5, 2])
case("unique dim 0", "unique", [ud], dim=0, returnInverse=True, returnCounts=True)
case("unique dim 1", "unique", [ints([1, 0, 1, 2, 5, 2], [2, 3])], dim=1, returnInverse=True, returnCounts=True)
case("unique dim -1 of 3-D", "unique", [ints([1, 0, 1, 2, 5, 2, 1, 0, 1, 2, 5, 2], [2, 2, 3])], dim=-1, returnInverse=True, returnCounts=True)
case("unique dim NaN rows differ", "unique", [const([1.0, NAN, 1.0, NAN], [2, 2], grad=False)], dim=0, returnInverse=True)
case("unique dim of size 0", "unique", [const([], [2, 0], grad=False)], dim=1, returnInverse=True, returnCounts=True)
c = ints([1, 1, 2, 2, 3, 1, 1, 2], [8])
case("uniqueConsecutive", "uniqueConsecutive", [c])
case("uniqueConsecutive inverse counts", "uniqueConsecutive", [c], returnInverse=True, returnCounts=True)
case("uniqueConsecutive 2-D flattened", "uniqueConsecutive", [ints([1, 1, 2, 2, 2, 3], [2, 3])], returnInverse=True)
case("uniqueConsecutive NaN", "uniqueConsecutive", [const([1.0, NAN, NAN, 2.0], [4], grad=False)], returnCounts=True)
case("uniqueConsecutive dim 0", "uniqueConsecutive", [ints([1, 1, 1, 1, 2, 3, 1, 1], [4, 2])], dim=0, returnInverse=True, returnCounts=True)
case("uniqueConsecutive dim 1", "uniqueConsecutive", [ints([1, 1, 2, 3, 3, 2], [2, 3])], dim=1, returnInverse=True, returnCounts=True)
case("uniqueConsecutive requires grad", "uniqueConsecutive", [const([2.0, 2.0, 1.0], [3])], backward=False)
case("uniqueConsecutive 0-d", "uniqueConsecutive", [const([4.0], [], grad=False)], returnInverse=True, returnCounts=True)

# ---- searchsorted, bucketize ------------------------------------------------------------------------------
seq = ints([1, 3, 5, 7, 9], [5])
vals = ints([3, 6, 9, 0, 10, 1], [2, 3])
case("searchsorted", "searchsorted", [seq, vals])
case("searchsorted right", "searchsorted", [seq, vals], right=True)
case("searchsorted side right", "searchsorted", [seq, vals], side="right")
case("searchsorted side left with right false", "searchsorted", [seq, vals], right=False, side="left")
case("searchsorted a number", "searchsorted", [seq, num(5)], right=True)
case("searchsorted a float number in int32", "searchsorted", [seq, num(3.5)])
case("searchsorted float values in int32", "searchsorted", [seq, const([3.5, 7.0, -1.0], [3], grad=False)])
case("searchsorted int32 values in float", "searchsorted", [const([1.0, 2.5, 3.0], [3], grad=False), ints([3, 2], [2])])
case("searchsorted NaN", "searchsorted", [const([1.0, 3.0, 5.0, NAN], [4], grad=False), const([3.0, NAN, 6.0], [3], grad=False)])
case("searchsorted float32 sequence, a number", "searchsorted", [const([0.1, 0.2, 0.3], [3], "float32", False), num(0.1)], right=True)
case("searchsorted ties", "searchsorted", [const([1.0, 2.0, 2.0, 2.0, 3.0], [5], grad=False), const([2.0], [1], grad=False)])
case("searchsorted ties right", "searchsorted", [const([1.0, 2.0, 2.0, 2.0, 3.0], [5], grad=False), const([2.0], [1], grad=False)], right=True)
case("searchsorted 2-D sequence", "searchsorted", [const([1.0, 3.0, 5.0, 2.0, 4.0, 6.0], [2, 3], grad=False), const([3.0, 0.0, 4.0, 7.0], [2, 2], grad=False)])
case("searchsorted sorter", "searchsorted",
     [const([5.0, 3.0, 1.0, 2.0, 6.0, 4.0], [2, 3], grad=False), const([3.0, 0.0, 4.0, 7.0], [2, 2], grad=False), ints([2, 1, 0, 0, 2, 1], [2, 3])],
     right=True)
case("searchsorted out int32", "searchsorted", [seq, vals], outInt32=True)
case("searchsorted empty values", "searchsorted", [seq, const([], [0], grad=False)])
case("searchsorted empty sequence", "searchsorted", [const([], [0], grad=False), const([1.0], [1], grad=False)])
case("bucketize", "bucketize", [vals, seq])
case("bucketize right", "bucketize", [vals, seq], right=True)
case("bucketize a number", "bucketize", [num(3), seq], right=True)
case("bucketize 0-d", "bucketize", [const([4.0], [], grad=False), seq])
case("bucketize float32", "bucketize", [distinct(3, 2, dtype="float32", grad=False), const([-1.0, 0.0, 1.0], [3], grad=False)])

# ---- what PyTorch rejects -----------------------------------------------------------------------------
x23 = distinct(2, 3, grad=False)
reject("prod dim out of range", "prod", [x23], dim=2)
reject("cumsum dim out of range", "cumsum", [x23], dim=-3)
reject("var of int32", "var", [ints([1, 2, 3], [3])])
reject("std of int32", "std", [ints([1, 2, 3], [3])])
reject("var correction and unbiased together", "var", [x23], dim=1, correction=1, unbiased=True)
reject("var repeated dims", "var", [x23], dim=[0, 0])
reject("norm of int32", "norm", [ints([1, 2, 3], [3])])
reject("norm p=inf of an empty dim", "norm", [const([], [2, 0], grad=False)], p=INF, dim=1)
reject("norm p=-1 of an empty dim", "norm", [const([], [2, 0], grad=False)], p=-1, dim=1)
reject("norm fro over 3 dims", "norm", [distinct(2, 2, 2, grad=False)], p="fro", dim=[0, 1, 2])
reject("norm dtype narrowing", "norm", [distinct(2, 2, grad=False)], dtype="float32")
reject("norm int dtype", "norm", [x23], dtype="int32")
reject("median of bool", "median", [bools([True, False], [2])])
reject("median of an empty dim", "median", [const([], [3, 0], grad=False)], dim=1)
reject("mode of an empty dim", "mode", [const([], [0], grad=False)])
reject("kthvalue k out of range", "kthvalue", [distinct(2, grad=False)], k=3)
reject("kthvalue k = 0", "kthvalue", [distinct(2, grad=False)], k=0)
reject("kthvalue of bool", "kthvalue", [bools([True, False], [2])], k=1)
reject("kthvalue of an empty dim", "kthvalue", [const([], [0], grad=False)], k=1)
reject("topk k out of range", "topk", [distinct(2, grad=False)], k=3)
reject("topk negative k", "topk", [distinct(2, grad=False)], k=-1)
reject("topk of bool", "topk", [bools([True, False], [2])], k=1)
reject("amax of an empty tensor without a dim", "amax", [const([], [0, 3], grad=False)])
reject("amax over a dim of size 0", "amax", [const([], [0, 3], grad=False)], dim=0)
reject("amin repeated dims", "amin", [x23], dim=[1, -1])
reject("aminmax of an empty tensor", "aminmax", [const([], [0], grad=False)])
reject("nanmean of int32", "nanmean", [ints([1, 2], [2])])
reject("nanmean int dtype", "nanmean", [x23], dtype="int32")
reject("countNonzero repeated dims", "countNonzero", [x23], dim=[0, 0])
reject("unique dim of a 0-d tensor", "unique", [const([3.0], [], grad=False)], dim=0)
reject("unique dim out of range", "unique", [ints([1, 2], [1, 2])], dim=2)
reject("unique with other empty dims", "unique", [const([], [0, 2], grad=False)], dim=1)
reject("searchsorted side and right opposite", "searchsorted", [seq, vals], right=True, side="left")
reject("searchsorted bad side", "searchsorted", [seq, vals], side="middle")
reject("searchsorted 0-d sequence", "searchsorted", [const([1.0], [], grad=False), const([1.0], [1], grad=False)])
reject("searchsorted leading dims differ", "searchsorted", [const([1.0, 3.0, 5.0, 2.0, 4.0, 6.0], [2, 3], grad=False), const([3.0], [1, 1], grad=False)])
reject("searchsorted a number in a 2-D sequence", "searchsorted", [const([1.0, 3.0, 5.0, 2.0, 4.0, 6.0], [2, 3], grad=False), num(3.0)])
reject("searchsorted sorter of the wrong size", "searchsorted", [const([1.0, 3.0, 5.0], [3], grad=False), const([3.0], [1], grad=False), ints([0, 1], [2])])
reject("searchsorted sorter out of range", "searchsorted", [const([1.0, 3.0, 5.0], [3], grad=False), const([3.0], [1], grad=False), ints([0, 1, 5], [3])])
reject("searchsorted bool", "searchsorted", [bools([False, True], [2]), bools([True], [1])])
reject("bucketize 2-D boundaries", "bucketize", [const([1.0], [1], grad=False), ints([1, 3], [1, 2])])
reject("logsumexp of a bad dim", "logsumexp", [x23], dim=2)


def jsonable(v):
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    if isinstance(v, dict):
        return {key: jsonable(val) for key, val in v.items()}
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    return v


with open(OUT, "w") as f:
    json.dump(jsonable({"torch": torch.__version__, "cases": cases, "rejections": rejections}), f, separators=(",", ":"), allow_nan=False)
print(f"wrote {len(cases)} cases and {len(rejections)} rejections to {OUT} ({os.path.getsize(OUT)} bytes)")
