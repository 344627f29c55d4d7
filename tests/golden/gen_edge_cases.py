"""Generates tests/golden/edge-cases.json: PyTorch's values AND gradients at the edges of the float
range, for tests/ops/edges.test.ts.

Run with a Python that has torch (the test itself never needs Python):

    python tests/golden/gen_edge_cases.py

Every differentiable op tsgrad has is run on NaN, +inf, -inf, 0, -0, 1, -1, huge (1e30, 3e38 in
float32, 1e300 in float64) and tiny (1e-30, subnormals) inputs, so that wherever tsgrad and PyTorch
part ways on NaN/Inf propagation (forward or backward) the test fails. Everything is float64, and a
representative subset is repeated in float32 (the huge-logit cases matter there).

The JSON follows tests/golden/gen_core_cases.py: each case names an op (the test maps the same name
to tsgrad), its inputs (flat row-major data, shape, tsgrad dtype, requiresGrad; or a plain
`{"number": x}`), extra arguments in tsgrad's spelling (ignoreIndex, labelSmoothing, reduction,
min, max, dim, keepdim), every output (shape, dtype, data) and, for the differentiable output, the
gradient `gradOutput` fed to backward and each input's `.grad` (dtype and data; null where the
input gets none). Float values are Python's shortest repr (exact round trip through JavaScript's
Number()), and non-finite ones are the strings 'nan', 'inf', '-inf'. PyTorch's int64 is written
as tsgrad's `int32`. The upstream gradient is all ones unless a case says otherwise (some cases
use an upstream gradient holding zeros: PyTorch's 0 * inf = NaN there is part of the contract).
A case where PyTorch raises stores `error` (its message) instead of outputs.
"""

import json
import math
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "edge-cases.json")

TORCH_DTYPES = {"float32": torch.float32, "float64": torch.float64, "int32": torch.int64, "bool": torch.bool}
NAMES = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int32", torch.int32: "int32", torch.bool: "bool"}

nan, inf = math.nan, math.inf
cases = []


def num(v):
    """A float as JSON: the number, or 'nan', 'inf', '-inf'."""
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def fmt(v):
    """A short label for a number in a case name."""
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == 0:
        return "-0" if math.copysign(1, v) < 0 else "0"
    if v == int(v) and abs(v) < 1e6:
        return str(int(v))
    return repr(v)


def tensor(values, shape=None, dtype="float64", grad=True):
    values = [float(v) for v in values]
    return {"shape": [len(values)] if shape is None else list(shape), "dtype": dtype, "data": values, "requiresGrad": grad}


def index(values, shape=None):
    return {"shape": [len(values)] if shape is None else list(shape), "dtype": "int32", "data": list(values), "requiresGrad": False}


def mask(values):
    return {"shape": [len(values)], "dtype": "bool", "data": [1 if v else 0 for v in values], "requiresGrad": False}


def number(x):
    return {"number": x}


def to_torch(spec):
    if "number" in spec:
        return spec["number"]
    dtype = TORCH_DTYPES[spec["dtype"]]
    if dtype == torch.bool:
        t = torch.tensor([bool(v) for v in spec["data"]], dtype=dtype)
    else:
        t = torch.tensor(spec["data"], dtype=dtype)
    t = t.reshape(spec["shape"])
    if dtype == torch.float32:
        spec["data"] = t.reshape(-1).tolist()  # exactly the float32 values both sides will hold
    if spec["requiresGrad"]:
        t.requires_grad_()
    return t


def encode_spec(spec):
    """An input spec as JSON (non-finite floats as strings)."""
    if "number" in spec:
        return {"number": num(spec["number"])}
    if spec["dtype"] in ("float32", "float64"):
        return {**spec, "data": [num(v) for v in spec["data"]]}
    return spec


def encode(t):
    flat = t.detach().reshape(-1).tolist()
    if t.dtype == torch.bool:
        return [1 if v else 0 for v in flat]
    if not t.dtype.is_floating_point:
        return [int(v) for v in flat]
    return [num(v) for v in flat]


def reduction_of(a):
    return a.get("reduction", "mean")


OPS = {
    "exp": torch.exp,
    "log": torch.log,
    "sqrt": torch.sqrt,
    "abs": torch.abs,
    "sign": torch.sign,
    "relu": torch.relu,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "neg": torch.neg,
    "pow": torch.pow,
    "clamp": lambda x, min=None, max=None: torch.clamp(x, min=min, max=max),
    "add": torch.add,
    "sub": torch.sub,
    "mul": torch.mul,
    "div": torch.div,
    "where": torch.where,
    "sum": lambda x, dim=None, keepdim=False: x.sum() if dim is None else x.sum(dim=dim, keepdim=keepdim),
    "mean": lambda x, dim=None, keepdim=False: x.mean() if dim is None else x.mean(dim=dim, keepdim=keepdim),
    "maxAll": lambda x: x.max(),
    "minAll": lambda x: x.min(),
    "maxDim": lambda x, dim, keepdim=False: tuple(torch.max(x, dim, keepdim=keepdim)),
    "minDim": lambda x, dim, keepdim=False: tuple(torch.min(x, dim, keepdim=keepdim)),
    "softmax": lambda x, dim: torch.softmax(x, dim),
    "logSoftmax": lambda x, dim: torch.log_softmax(x, dim),
    "matmul": torch.matmul,
    "linear": F.linear,
    # losses: tensor options (weight, posWeight) are inputs, the rest are args in tsgrad's spelling
    "crossEntropy": lambda x, t, w=None, reduction="mean", ignoreIndex=-100, labelSmoothing=0.0: F.cross_entropy(
        x, t, weight=w, reduction=reduction, ignore_index=ignoreIndex, label_smoothing=labelSmoothing),
    "binaryCrossEntropy": lambda p, y, w=None, reduction="mean": F.binary_cross_entropy(p, y, weight=w, reduction=reduction),
    "binaryCrossEntropyWithLogits": lambda x, y, pw=None, reduction="mean": F.binary_cross_entropy_with_logits(
        x, y, pos_weight=pw, reduction=reduction),
    "mseLoss": lambda x, y, reduction="mean": F.mse_loss(x, y, reduction=reduction),
}


def upstream(shape, dtype, grad):
    """The gradient fed to backward: 'ones', 'zeros', or a flat list (row-major)."""
    n = math.prod(shape)
    if grad == "ones":
        values = [1.0] * n
    elif grad == "zeros":
        values = [0.0] * n
    else:
        values = [float(v) for v in grad]
        assert len(values) == n, (shape, grad)
    return torch.tensor(values, dtype=dtype).reshape(shape)


def case(name, op, inputs, grad="ones", **args):
    assert name not in {c["name"] for c in cases}, name
    tensors = [to_torch(spec) for spec in inputs]
    entry = {"name": name, "op": op, "args": {k: num(v) if isinstance(v, float) else v for k, v in args.items()},
             "inputs": [encode_spec(s) for s in inputs]}
    try:
        result = OPS[op](*tensors, **args)
    except Exception as e:  # noqa: BLE001 -- PyTorch refusing is a golden value too
        entry["error"] = str(e).split("\n")[0]
        cases.append(entry)
        return
    outs = list(result) if isinstance(result, tuple) else [result]
    entry["outputs"] = [{"shape": list(o.shape), "dtype": NAMES[o.dtype], "data": encode(o)} for o in outs]
    entry["gradOutput"] = None
    entry["grads"] = [None] * len(inputs)
    diff = [o for o in outs if o.requires_grad]
    if diff:
        assert len(diff) == 1 and diff[0] is outs[0], name
        out = outs[0]
        g = upstream(list(out.shape), out.dtype, grad)
        out.backward(g)
        entry["gradOutput"] = encode(g)
        for i, t in enumerate(tensors):
            if isinstance(t, torch.Tensor) and t.grad is not None:
                entry["grads"][i] = {"dtype": NAMES[t.grad.dtype], "data": encode(t.grad)}
    cases.append(entry)


def f32(values):
    """Python floats rounded to float32 (so names and grids show what float32 holds)."""
    return torch.tensor(values, dtype=torch.float32).tolist()


# ---- the special values ---------------------------------------------------------------------
SPECIAL64 = [nan, inf, -inf, 0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 20.0, -20.0, 40.0, -40.0, 710.0, -710.0,
             1e30, -1e30, 1e300, -1e300, 1e-30, -1e-30, 2.2250738585072014e-308, 1e-310, 5e-324, -5e-324]
SPECIAL32 = [nan, inf, -inf, 0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 20.0, -20.0, 89.0, -89.0, 104.0, -104.0,
             1e30, -1e30, 3e38, -3e38, 1e-30, -1e-30, 1.1754943508222875e-38, 1e-40, 1e-45, -1e-45]
# a shorter list for two-operand grids
PAIR = [nan, inf, -inf, 0.0, -0.0, 1.0, -1.0, 2.0, 1e300, 1e-300, 5e-324]
PAIR32 = [nan, inf, -inf, 0.0, -0.0, 1.0, -1.0, 2.0, 3e38, 1e-30, 1e-45]

# ---- unary ops ------------------------------------------------------------------------------
for op in ["exp", "log", "sqrt", "abs", "sign", "relu", "sigmoid", "tanh", "neg"]:
    case(f"{op} float64 at the special values", op, [tensor(SPECIAL64)])
    case(f"{op} float64 at the special values, zero upstream gradient", op, [tensor(SPECIAL64)], grad="zeros")
    case(f"{op} float32 at the special values", op, [tensor(SPECIAL32, dtype="float32")])

# ---- pow with a number exponent -------------------------------------------------------------
POW_NUMBERS = [2, 3, 0.5, -0.5, -1, -2, 0, 1.5, -1.5, 1e-3, inf, -inf, nan]
for p in POW_NUMBERS:
    case(f"pow float64 x ** {fmt(p)} at the special values", "pow", [tensor(SPECIAL64), number(p)])
for p in [2, 0.5, -0.5, -1, -2, 0, 1.5, inf, nan]:
    case(f"pow float32 x ** {fmt(p)} at the special values", "pow", [tensor(SPECIAL32, dtype="float32"), number(p)])
for p in [2, 0.5, -1, 0, 1.5]:
    case(f"pow float64 x ** {fmt(p)}, zero upstream gradient", "pow", [tensor(SPECIAL64), number(p)], grad="zeros")

# ---- pow with a tensor exponent: one case per base over every exponent --------------------------
POW_BASES = [nan, inf, -inf, 0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -8.0, 1e300, 5e-324]
POW_EXPONENTS = [nan, inf, -inf, 0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 3.0, 0.5, -0.5, 1.5, 1 / 3, 1e-3]
for base in POW_BASES:
    case(f"pow float64 tensor base {fmt(base)} ** tensor exponent (special exponents)", "pow",
         [tensor([base] * len(POW_EXPONENTS)), tensor(POW_EXPONENTS)])
POW_BASES32 = [nan, inf, -inf, 0.0, 1.0, -1.0, -8.0, 3e38]
for base in POW_BASES32:
    case(f"pow float32 tensor base {fmt(base)} ** tensor exponent (special exponents)", "pow",
         [tensor([base] * len(POW_EXPONENTS), dtype="float32"), tensor(POW_EXPONENTS, dtype="float32")])
case("pow float64 the named pairs 1^inf 1^nan (-1)^inf 0^0 0^-1 (-inf)^0.5 (-8)^(1/3) nan^0", "pow",
     [tensor([1.0, 1.0, -1.0, 0.0, 0.0, -inf, -8.0, nan]), tensor([inf, nan, inf, 0.0, -1.0, 0.5, 1 / 3, 0.0])])
case("pow float64 tensor base ** 0-d tensor exponent 0.5", "pow", [tensor(PAIR), tensor([0.5], shape=[])])
case("pow float64 0-d tensor base 0 ** tensor exponents", "pow", [tensor([0.0], shape=[]), tensor(POW_EXPONENTS)])

# ---- clamp ------------------------------------------------------------------------------------
case("clamp float64 (x, -1, 1) at the special values", "clamp", [tensor(SPECIAL64)], min=-1.0, max=1.0)
case("clamp float64 (x, min=nan) at the special values", "clamp", [tensor(SPECIAL64)], min=nan)
case("clamp float64 (x, max=nan) at the special values", "clamp", [tensor(SPECIAL64)], max=nan)
case("clamp float64 (x, 0.5) at the special values", "clamp", [tensor(SPECIAL64)], min=0.5)
case("clamp float64 (x, min=-inf, max=inf) at the special values", "clamp", [tensor(SPECIAL64)], min=-inf, max=inf)
case("clamp float64 (x, min=0, max=0) at the special values", "clamp", [tensor(SPECIAL64)], min=0.0, max=0.0)
case("clamp float32 (x, -1, 1) at the special values", "clamp", [tensor(SPECIAL32, dtype="float32")], min=-1.0, max=1.0)
case("clamp float32 (x, min=nan) at the special values", "clamp", [tensor(SPECIAL32, dtype="float32")], min=nan)
case("clamp float32 (x, max=nan) at the special values", "clamp", [tensor(SPECIAL32, dtype="float32")], max=nan)

# ---- add sub mul div: per first operand, against every second operand (same shape) -------------
for op in ["add", "sub", "mul", "div"]:
    for a in PAIR:
        case(f"{op} float64 a={fmt(a)} with b in the special values", op, [tensor([a] * len(PAIR)), tensor(PAIR)])
    grid_a = [a for a in PAIR32 for _ in PAIR32]
    grid_b = [b for _ in PAIR32 for b in PAIR32]
    case(f"{op} float32 grid of special pairs", op, [tensor(grid_a, dtype="float32"), tensor(grid_b, dtype="float32")])
    # broadcasting a scalar: a number, and a 0-d tensor that requires grad (its grad sums over all)
    for s in [inf, nan, 0.0, -0.0]:
        case(f"{op} float64 special values with the number {fmt(s)}", op, [tensor(PAIR), number(s)])
    case(f"{op} float64 the number inf with the special values", op, [number(inf), tensor(PAIR)])
    case(f"{op} float64 finite [1, -1, 2] with 0-d tensor inf", op, [tensor([1.0, -1.0, 2.0]), tensor([inf], shape=[])])
    case(f"{op} float64 [0, 1, inf] with 0-d tensor 0", op, [tensor([0.0, 1.0, inf]), tensor([0.0], shape=[])])
    case(f"{op} float64 [2,3] with a [3] row of inf, 0, nan", op,
         [tensor([1.0, 0.0, -1.0, inf, 2.0, 0.0], shape=[2, 3]), tensor([inf, 0.0, nan])])

# ---- where ------------------------------------------------------------------------------------
case("where float64 picks around nan and inf", "where",
     [mask([True, False, True, False, True, False]), tensor([nan, inf, 1.0, -inf, 0.0, nan]), tensor([1.0, nan, -inf, 2.0, nan, inf])])
case("where float64 with the number nan as other", "where",
     [mask([True, False, True, False]), tensor([inf, 1.0, nan, -inf]), number(nan)])
case("where float64 with the number inf as input", "where",
     [mask([True, False, True, False]), number(inf), tensor([inf, 1.0, nan, -inf])])
case("where float32 picks around nan and inf", "where",
     [mask([True, False, True, False]), tensor([nan, inf, 3e38, -inf], dtype="float32"), tensor([1.0, nan, -inf, 1e-45], dtype="float32")])

# ---- reductions -------------------------------------------------------------------------------
for op in ["sum", "mean"]:
    case(f"{op} all float64 [1, inf, 2]", op, [tensor([1.0, inf, 2.0])])
    case(f"{op} all float64 [1, inf, -inf]", op, [tensor([1.0, inf, -inf])])
    case(f"{op} all float64 [nan, 1, inf]", op, [tensor([nan, 1.0, inf])])
    case(f"{op} all float64 [1e308, 1e308, -1e308] (overflow on the way)", op, [tensor([1e308, 1e308, -1e308])])
    case(f"{op} all float64 [5e-324, 5e-324, -0]", op, [tensor([5e-324, 5e-324, -0.0])])
    case(f"{op} all float32 [3e38, 3e38, -3e38] (overflow on the way)", op, [tensor([3e38, 3e38, -3e38], dtype="float32")])
    case(f"{op} all float32 [1, inf, nan]", op, [tensor([1.0, inf, nan], dtype="float32")])
    grid = tensor([1.0, inf, -inf, nan, 0.0, 1.0, inf, inf, 1.0, -0.0, -0.0, 5e-324], shape=[4, 3])
    case(f"{op} float64 dim 1 with nan and inf", op, [grid], dim=1)
    case(f"{op} float64 dim 0 keepdim with nan and inf", op, [grid], dim=0, keepdim=True)
    case(f"{op} float64 all, zero upstream gradient", op, [tensor([nan, inf, 1.0])], grad="zeros")
    case(f"{op} float64 all, upstream gradient inf", op, [tensor([nan, inf, 1.0])], grad=[inf])
    case(f"{op} float64 all, upstream gradient nan", op, [tensor([0.0, inf, 1.0])], grad=[nan])

for op in ["maxAll", "minAll"]:
    label = "max" if op == "maxAll" else "min"
    case(f"{label} all float64 [1, nan, 3]", op, [tensor([1.0, nan, 3.0])])
    case(f"{label} all float64 [nan, 1, nan] (two NaNs share the gradient)", op, [tensor([nan, 1.0, nan])])
    case(f"{label} all float64 [inf, 1, inf, -inf, -inf] (ties at the infinities)", op, [tensor([inf, 1.0, inf, -inf, -inf])])
    case(f"{label} all float64 [3, -1, 3, -1, 3] (ties)", op, [tensor([3.0, -1.0, 3.0, -1.0, 3.0])])
    case(f"{label} all float64 [0, -0] (signed-zero tie)", op, [tensor([0.0, -0.0])])
    case(f"{label} all float64 [-inf, -inf]", op, [tensor([-inf, -inf])])
    case(f"{label} all float32 [3e38, nan, -3e38]", op, [tensor([3e38, nan, -3e38], dtype="float32")])
ROWS = [1.0, nan, 3.0,
        inf, 2.0, inf,
        -inf, -inf, -inf,
        nan, nan, 1.0,
        2.0, 5.0, 5.0,
        -1.0, -1.0, 7.0,
        0.0, -0.0, 0.0]
for op in ["maxDim", "minDim"]:
    label = "max" if op == "maxDim" else "min"
    case(f"{label} over dim 1 float64 rows with nan, inf and ties", op, [tensor(ROWS, shape=[7, 3])], dim=1)
    case(f"{label} over dim 0 float64 columns with nan, inf and ties", op, [tensor(ROWS, shape=[7, 3]).copy()], dim=0)
    case(f"{label} over dim 0 keepdim float64 (transposed layout)", op,
         [tensor([1.0, inf, -inf, nan, 2.0, nan, -inf, 5.0, inf, 1.0, 1.0, 5.0], shape=[3, 4])], dim=0, keepdim=True)
    case(f"{label} over dim 1 float32 rows with nan, inf and ties", op, [tensor(ROWS, shape=[7, 3], dtype="float32")], dim=1)

# ---- softmax and logSoftmax -------------------------------------------------------------------
SOFTMAX_ROWS = [
    [1e30, 1e30, 1e30], [inf, 0.0, 1.0], [-inf, -inf, 0.0], [nan, 0.0, 1.0], [1e7, 1e7, 1e7],
    [inf, inf, 0.0], [-inf, -inf, -inf], [inf, -inf, 0.0], [1e300, -1e300, 0.0], [5e-324, -5e-324, 0.0],
]
SOFTMAX_ROWS32 = [[3e38, 3e38, 0.0], [3e38, -3e38, 0.0], [inf, 0.0, 1.0], [-inf, -inf, 0.0], [nan, 0.0, 1.0],
                  [1e7, 1e7, 1e7], [-inf, -inf, -inf], [1e30, 1e30, 1e30]]
for op in ["softmax", "logSoftmax"]:
    for row in SOFTMAX_ROWS:
        case(f"{op} float64 row [{', '.join(fmt(v) for v in row)}]", op, [tensor(row)], dim=0)
    for row in SOFTMAX_ROWS32:
        case(f"{op} float32 row [{', '.join(fmt(v) for v in f32(row))}]", op, [tensor(row, dtype="float32")], dim=0)
    case(f"{op} float64 rows along dim 1 with an upstream gradient holding 0 and inf", op,
         [tensor([inf, 0.0, 1.0, -inf, 0.0, 1.0], shape=[2, 3])], dim=1, grad=[0.0, 1.0, 1.0, inf, 1.0, 1.0])
    case(f"{op} float64 along dim 0 (columns) with inf and nan", op,
         [tensor([inf, 0.0, nan, 1.0, 0.0, 0.0, -inf, 2.0, 1.0], shape=[3, 3])], dim=0)

# ---- cross-entropy ----------------------------------------------------------------------------
CE_SINGLE = [  # (row, target): one-row cases, reduction 'none'
    ([3e38, 3e38, 0.0], 0), ([3e38, 3e38, 0.0], 2), ([inf, 0.0, 1.0], 0), ([inf, 0.0, 1.0], 1),
    ([-inf, 0.0, 1.0], 0), ([-inf, 0.0, 1.0], 1), ([inf, inf, 0.0], 0), ([-inf, -inf, -inf], 0),
    ([nan, 0.0, 1.0], 1), ([1e30, 1e30, 1e30], 2), ([1e300, -1e300, 0.0], 1),
    ([inf, 0.0, 1.0], -100), ([nan, 0.0, 1.0], -100), ([-inf, 0.0, 1.0], -100), ([3e38, 3e38, 0.0], -100),
]
for dtype in ["float64", "float32"]:
    for row, t in CE_SINGLE:
        shown = f32(row) if dtype == "float32" else row
        what = "ignored target -100" if t == -100 else f"target {t}"
        case(f"crossEntropy {dtype} row [{', '.join(fmt(v) for v in shown)}] {what} none", "crossEntropy",
             [tensor(row, shape=[1, 3], dtype=dtype), index([t])], reduction="none")
    for reduction in ["none", "mean", "sum"]:
        case(f"crossEntropy {dtype} rows [3e38, 3e38, 0] targets 0 and 2 {reduction}", "crossEntropy",
             [tensor([3e38, 3e38, 0.0, 3e38, 3e38, 0.0], shape=[2, 3], dtype=dtype), index([0, 2])], reduction=reduction)
        case(f"crossEntropy {dtype} rows [3e38, 3e38, 0] both target 2 {reduction}", "crossEntropy",
             [tensor([3e38, 3e38, 0.0, 3e38, 3e38, 0.0], shape=[2, 3], dtype=dtype), index([2, 2])], reduction=reduction)
        case(f"crossEntropy {dtype} rows with inf logits, one ignored (-100) {reduction}", "crossEntropy",
             [tensor([inf, 0.0, 1.0, 0.0, 1.0, 2.0, -inf, 0.0, 1.0], shape=[3, 3], dtype=dtype), index([-100, 1, 1])],
             reduction=reduction)
for reduction in ["none", "mean", "sum"]:
    case(f"crossEntropy float64 ignoreIndex=1 on a row with inf logits {reduction}", "crossEntropy",
         [tensor([0.0, inf, 1.0, 0.0, 1.0, 2.0, -inf, 0.0, 1.0], shape=[3, 3]), index([1, 0, 2])],
         reduction=reduction, ignoreIndex=1)
    case(f"crossEntropy float64 every target ignored {reduction}", "crossEntropy",
         [tensor([0.0, 1.0, 2.0, inf, 0.0, 1.0], shape=[2, 3]), index([-100, -100])], reduction=reduction)
    case(f"crossEntropy float64 class weight with inf logits {reduction}", "crossEntropy",
         [tensor([-inf, 0.0, 1.0, 0.0, 1.0, 2.0], shape=[2, 3]), index([1, 2]), tensor([0.5, 2.0, 0.0], grad=False)],
         reduction=reduction)
    case(f"crossEntropy float64 labelSmoothing 0.1 with a -inf logit {reduction}", "crossEntropy",
         [tensor([-inf, 0.0, 1.0, 0.0, 1.0, 2.0], shape=[2, 3]), index([1, 2])], reduction=reduction, labelSmoothing=0.1)
    case(f"crossEntropy float64 probability targets with a -inf logit (target 0 there) {reduction}", "crossEntropy",
         [tensor([-inf, 0.0, 1.0, 0.0, 1.0, 2.0], shape=[2, 3]), tensor([0.0, 0.5, 0.5, 0.2, 0.3, 0.5], shape=[2, 3])],
         reduction=reduction)
    case(f"crossEntropy float64 probability targets with inf and nan logits {reduction}", "crossEntropy",
         [tensor([inf, 0.0, 1.0, nan, 1.0, 2.0], shape=[2, 3]), tensor([1.0, 0.0, 0.0, 0.0, 0.5, 0.5], shape=[2, 3])],
         reduction=reduction)
    case(f"crossEntropy float32 logits, float64 probability targets -> float64 {reduction}", "crossEntropy",
         [tensor([3e38, 3e38, 0.0, 1.0, 2.0, 3.0], shape=[2, 3], dtype="float32"),
          tensor([0.5, 0.5, 0.0, 0.2, 0.3, 0.5], shape=[2, 3])], reduction=reduction)
case("crossEntropy float32 probability targets with huge logits mean", "crossEntropy",
     [tensor([3e38, 3e38, 0.0, -3e38, 0.0, 3e38], shape=[2, 3], dtype="float32"),
      tensor([0.5, 0.5, 0.0, 0.0, 0.5, 0.5], shape=[2, 3], dtype="float32")])
case("crossEntropy float64 1-D logits [inf, 0, 1] target 1 (0-d target)", "crossEntropy",
     [tensor([inf, 0.0, 1.0]), index([1], shape=[])])
case("crossEntropy float64 (N, C, d) logits with -inf and nan, targets 0 and 1 none", "crossEntropy",
     [tensor([-inf, 0.0, 1.0, nan, 2.0, 0.0], shape=[1, 3, 2]), index([0, 1], shape=[1, 2])], reduction="none")

# ---- binary cross-entropy on probabilities ------------------------------------------------------
BCE_P = [0.0, 1.0, 0.5]
BCE_Y = [0.0, 1.0, 0.5]
bce_p = [p for p in BCE_P for _ in BCE_Y]
bce_y = [y for _ in BCE_P for y in BCE_Y]
for dtype in ["float64", "float32"]:
    # row 0 gets upstream 1, row 1 upstream 0 (PyTorch's 0 * inf is NaN in the target's gradient)
    case(f"binaryCrossEntropy {dtype} p in (0, 1, 0.5) x y in (0, 1, 0.5) none, upstream ones then zeros",
         "binaryCrossEntropy", [tensor(bce_p * 2, shape=[2, 9], dtype=dtype), tensor(bce_y * 2, shape=[2, 9], dtype=dtype)],
         reduction="none", grad=[1.0] * 9 + [0.0] * 9)
    for reduction in ["mean", "sum"]:
        case(f"binaryCrossEntropy {dtype} p in (0, 1, 0.5) x y in (0, 1, 0.5) {reduction}", "binaryCrossEntropy",
             [tensor(bce_p, dtype=dtype), tensor(bce_y, dtype=dtype)], reduction=reduction)
case("binaryCrossEntropy float64 p in (0, 1, 0.5) with weight (0, 2) none", "binaryCrossEntropy",
     [tensor(bce_p * 2, shape=[2, 9]), tensor(bce_y * 2, shape=[2, 9]), tensor([0.0, 2.0], shape=[2, 1], grad=False)],
     reduction="none")
case("binaryCrossEntropy float64 p in (0, 1) mean, upstream gradient 0", "binaryCrossEntropy",
     [tensor([0.0, 1.0, 0.0, 1.0]), tensor([0.0, 1.0, 1.0, 0.0])], grad=[0.0])
case("binaryCrossEntropy float64 tiny p (5e-324, 1e-300, 1 - 1e-16) none", "binaryCrossEntropy",
     [tensor([5e-324, 1e-300, 1 - 1.1102230246251565e-16, 5e-324]), tensor([1.0, 1.0, 0.0, 0.0])], reduction="none")

# ---- binary cross-entropy with logits -----------------------------------------------------------
BCEL_X = [-inf, inf, 0.0, 1e30, -1e30]
BCEL_Y = [0.0, 0.5, 1.0]
bcel_x = [x for x in BCEL_X for _ in BCEL_Y]
bcel_y = [y for _ in BCEL_X for y in BCEL_Y]
for dtype in ["float64", "float32"]:
    X = lambda: tensor(bcel_x, shape=[5, 3], dtype=dtype)  # noqa: E731
    Y = lambda: tensor(bcel_y, shape=[5, 3], dtype=dtype)  # noqa: E731
    for reduction in ["none", "mean", "sum"]:
        case(f"binaryCrossEntropyWithLogits {dtype} x in (-inf, inf, 0, 1e30, -1e30) x y in (0, 0.5, 1) {reduction}",
             "binaryCrossEntropyWithLogits", [X(), Y()], reduction=reduction)
        case(f"binaryCrossEntropyWithLogits {dtype} same grid, posWeight (3, 0.5, 2) {reduction}",
             "binaryCrossEntropyWithLogits", [X(), Y(), tensor([3.0, 0.5, 2.0], dtype=dtype, grad=False)],
             reduction=reduction)
    case(f"binaryCrossEntropyWithLogits {dtype} same grid none, zero upstream gradient", "binaryCrossEntropyWithLogits",
         [X(), Y()], reduction="none", grad="zeros")
    case(f"binaryCrossEntropyWithLogits {dtype} same grid, posWeight 3, none, zero upstream gradient",
         "binaryCrossEntropyWithLogits", [X(), Y(), tensor([3.0], dtype=dtype, grad=False)], reduction="none", grad="zeros")
case("binaryCrossEntropyWithLogits float64 nan logit and nan target none", "binaryCrossEntropyWithLogits",
     [tensor([nan, 0.0, 1.0]), tensor([1.0, nan, 0.5])], reduction="none")

# ---- mse_loss ---------------------------------------------------------------------------------
MSE_X = [inf, 1.0, nan, -inf, 1e200, 0.0, inf]
MSE_Y = [inf, inf, 0.0, 1.0, 0.0, -0.0, -inf]
for reduction in ["none", "mean", "sum"]:
    case(f"mseLoss float64 with inf and nan {reduction}", "mseLoss", [tensor(MSE_X), tensor(MSE_Y)], reduction=reduction)
case("mseLoss float32 with inf, nan and 1e20 (square overflows) none", "mseLoss",
     [tensor([inf, 1.0, nan, 1e20, 0.0], dtype="float32"), tensor([inf, inf, 0.0, 0.0, -0.0], dtype="float32")], reduction="none")
case("mseLoss float32 with 3e38 mean", "mseLoss",
     [tensor([3e38, 1.0], dtype="float32"), tensor([-3e38, 1.0], dtype="float32")])

# ---- matmul and linear ------------------------------------------------------------------------
for dtype in ["float64", "float32"]:
    case(f"matmul {dtype} 2-D with an inf meeting a 0 and a nan", "matmul",
         [tensor([1.0, inf, 2.0, 0.0, 1.0, nan], shape=[2, 3], dtype=dtype),
          tensor([1.0, 0.0, 0.0, 1.0, 2.0, 3.0], shape=[3, 2], dtype=dtype)])
    case(f"matmul {dtype} 1-D dot [inf, 1] . [0, 1]", "matmul",
         [tensor([inf, 1.0], dtype=dtype), tensor([0.0, 1.0], dtype=dtype)])
    case(f"matmul {dtype} inf times finite (no zero) and inf - inf", "matmul",
         [tensor([inf, 1.0, 1.0, inf], shape=[2, 2], dtype=dtype), tensor([1.0, -1.0, 0.5, 1.0], shape=[2, 2], dtype=dtype)])
    case(f"linear {dtype} with inf in x, 0 in W, nan in b", "linear",
         [tensor([1.0, inf, 2.0, 0.0, 1.0, -1.0], shape=[2, 3], dtype=dtype),
          tensor([1.0, 0.0, 1.0, 2.0, 1.0, 0.0], shape=[2, 3], dtype=dtype),
          tensor([0.0, nan], dtype=dtype)])
case("matmul float64 3-D @ 2-D with -inf in the batch", "matmul",
     [tensor([1.0, 2.0, -inf, 0.0, 1.0, 1.0, 1.0, 1.0], shape=[2, 2, 2]), tensor([0.0, 1.0, 1.0, 0.0], shape=[2, 2])])
case("matmul float32 with 3e38 (products overflow)", "matmul",
     [tensor([3e38, 3e38], shape=[1, 2], dtype="float32"), tensor([2.0, -1.0], shape=[2, 1], dtype="float32")])
case("linear float64 without bias, nan in W", "linear",
     [tensor([1.0, 0.0, 0.0, 1.0], shape=[2, 2]), tensor([nan, 0.0, 1.0, 1.0], shape=[2, 2])])

with open(OUT, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"), allow_nan=False)
print(f"wrote {len(cases)} cases to {OUT} ({os.path.getsize(OUT)} bytes)")
