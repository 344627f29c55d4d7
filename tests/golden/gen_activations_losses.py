"""Generates tests/golden/activations-losses.json: real PyTorch values, gradients, grad_fn names,
reprs and errors of the activations and losses of issue 14, for tests/nn/activations-more.test.ts
and tests/nn/losses-more.test.ts (which never need Python).

Run with a Python that has torch:

    python tests/golden/gen_activations_losses.py

Each case names a function (the tests map the same name to tsgrad), its inputs (flat row-major data,
shape, tsgrad dtype, requiresGrad), its arguments in tsgrad's spelling (alpha, minVal, logTarget,
zeroInfinity, ...), and then either
- `error`: PyTorch's message, where PyTorch rejects the call (tsgrad must throw an Error), or
- `output` (shape, dtype, data), the printed `gradFn` of the result, and where it requires grad the
  upstream `gradOutput` and each input's `.grad` (null where an input gets none).
`inplace: true` cases run on a clone of the first input (`F.elu(x.clone(), inplace=True)`), so the
gradient reaches the leaf through the in-place write. Special values (NaN, +-inf, +-0, the kinks of
each function) come in tensors of 64 elements, so that PyTorch runs its vectorised loop on them (its
scalar loop, which it uses only for the last few elements of a tensor, differs at NaN for some
gradients). Floats are Python reprs ('nan', 'inf', '-inf' for the non-finite ones); PyTorch's int64
is written as tsgrad's int32.
"""

import json
import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "activations-losses.json")

TORCH_DTYPES = {"float32": torch.float32, "float64": torch.float64, "int32": torch.int64, "bool": torch.bool}
NAMES = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int32", torch.bool: "bool"}

nan, inf = math.nan, math.inf
rng = np.random.default_rng(20250714)
activations = []
losses = []


def num(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def tensor(values, shape=None, dtype="float64", grad=None):
    values = np.asarray(values)
    if dtype in ("float32", "float64"):
        values = [float(v) for v in values.reshape(-1)]
        if dtype == "float32":
            values = torch.tensor(values, dtype=torch.float32).tolist()  # exactly what both sides hold
    else:
        values = [int(v) for v in values.reshape(-1)]
    if grad is None:
        grad = dtype in ("float32", "float64")
    return {"shape": [len(values)] if shape is None else list(shape), "dtype": dtype, "data": values, "requiresGrad": grad}


def randn(*shape, dtype="float64", scale=1.0, shift=0.0, grad=True):
    return tensor((rng.standard_normal(shape) * scale + shift).reshape(-1), shape, dtype, grad)


def uniform(*shape, low=0.0, high=1.0, dtype="float64", grad=True):
    return tensor(rng.uniform(low, high, shape).reshape(-1), shape, dtype, grad)


def ints(values, shape=None):
    return tensor(values, shape, "int32", False)


def to_torch(spec):
    # clone: a reshaped tensor is a view, and PyTorch treats in-place writes into views of leaves differently
    t = torch.tensor(spec["data"], dtype=TORCH_DTYPES[spec["dtype"]]).reshape(spec["shape"]).clone()
    if spec["requiresGrad"]:
        t.requires_grad_()
    return t


def encode(t):
    flat = t.detach().reshape(-1).tolist()
    if t.dtype == torch.bool:
        return [1 if v else 0 for v in flat]
    if not t.dtype.is_floating_point:
        return [int(v) for v in flat]
    return [num(v) for v in flat]


def encode_spec(spec):
    out = dict(spec)
    if spec["dtype"] in ("float32", "float64"):
        out["data"] = [num(v) for v in spec["data"]]
    return out


def encode_args(args):
    return {k: (num(v) if isinstance(v, float) else v) for k, v in args.items()}


def run_case(table, fns, name, fn, inputs, args, grad_output="random", inplace=False, leaf_inplace=False):
    """Runs fns[fn](*tensors, **args) and appends the case to `table`."""
    tensors = [to_torch(s) for s in inputs]
    entry = {"name": name, "fn": fn, "args": encode_args(args), "inputs": [encode_spec(s) for s in inputs]}
    if inplace:
        entry["inplace"] = True
    if leaf_inplace:
        entry["leafInplace"] = True
    call = list(tensors)
    if inplace and not leaf_inplace:
        call[0] = call[0].clone()
    try:
        result = fns[fn](*call, **args)
    except Exception as e:  # noqa: BLE001 - PyTorch's rejection is the datum
        entry["error"] = f"{type(e).__name__}: {str(e).splitlines()[0]}"
        table.append(entry)
        return
    entry["output"] = {"shape": list(result.shape), "dtype": NAMES[result.dtype], "data": encode(result)}
    entry["gradFn"] = type(result.grad_fn).__name__ if result.grad_fn is not None else None
    entry["gradOutput"] = None
    entry["grads"] = [None] * len(inputs)
    if result.requires_grad:
        if grad_output == "random":
            g = torch.tensor(rng.standard_normal(list(result.shape)), dtype=result.dtype)
        else:
            g = torch.ones_like(result)
        entry["gradOutput"] = encode(g)
        result.backward(g)
        for i, t in enumerate(tensors):
            if t.grad is not None:
                entry["grads"][i] = encode(t.grad)
    table.append(entry)


# ==== activations ================================================================================

ACT = {
    "elu": lambda x, alpha=1.0, inplace=False: F.elu(x, alpha, inplace),
    "selu": lambda x, inplace=False: F.selu(x, inplace),
    "celu": lambda x, alpha=1.0, inplace=False: F.celu(x, alpha, inplace),
    "gelu": lambda x, approximate="none": F.gelu(x, approximate=approximate),
    "silu": lambda x, inplace=False: F.silu(x, inplace),
    "mish": lambda x, inplace=False: F.mish(x, inplace),
    "softplus": lambda x, beta=1.0, threshold=20.0: F.softplus(x, beta, threshold),
    "softshrink": lambda x, lambd=0.5: F.softshrink(x, lambd),
    "hardshrink": lambda x, lambd=0.5: F.hardshrink(x, lambd),
    "tanhshrink": F.tanhshrink,
    "hardtanh": lambda x, minVal=-1.0, maxVal=1.0, inplace=False: F.hardtanh(x, minVal, maxVal, inplace),
    "relu6": lambda x, inplace=False: F.relu6(x, inplace),
    "hardsigmoid": lambda x, inplace=False: F.hardsigmoid(x, inplace),
    "hardswish": lambda x, inplace=False: F.hardswish(x, inplace),
    "prelu": F.prelu,
    "rrelu": lambda x, lower=1.0 / 8, upper=1.0 / 3, inplace=False: F.rrelu(x, lower, upper, False, inplace),
    "logsigmoid": F.logsigmoid,
    "threshold": lambda x, threshold, value, inplace=False: F.threshold(x, threshold, value, inplace),
    "glu": lambda x, dim=-1: F.glu(x, dim),
    "softmin": lambda x, dim: F.softmin(x, dim),
    "softmax2d": lambda x: nn.Softmax2d()(x),
    "relu_": lambda x: F.relu(x, inplace=True),
    "leakyRelu_": lambda x, negativeSlope=0.01: F.leaky_relu(x, negativeSlope, inplace=True),
}
INPLACE = {"elu", "selu", "celu", "silu", "mish", "hardtanh", "relu6", "hardsigmoid", "hardswish", "rrelu", "threshold"}


def act(name, fn, inputs, args=None, **kw):
    if fn.endswith("_"):
        kw.setdefault("inplace", True)  # relu_ and leakyRelu_ write into (a clone of) their input
    run_case(activations, ACT, name, fn, inputs, args or {}, **kw)


SPECIAL = [nan, inf, -inf, 0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 2.0, -2.0, 3.0, -3.0, 6.0, -6.0, 20.0, 21.0, -20.0,
           0.1, -0.1, 1e-300, -1e-300, 700.0, -700.0, 800.0, -800.0, 1e10, -1e10, 5.9999, 2.9999, -2.9999, 1.0000001]
SPECIAL32 = [nan, inf, -inf, 0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 2.0, -2.0, 3.0, -3.0, 6.0, -6.0, 20.0, 21.0, -20.0,
             0.1, -0.1, 1e-40, -1e-40, 80.0, -80.0, 100.0, -100.0, 1e10, -1e10, 5.9999, 2.9999, -2.9999, 1.0000001]


def specials(kinks, dtype):
    """The special values, the function's kinks (and their negatives), padded with random normals to 64 elements."""
    base = (SPECIAL if dtype == "float64" else SPECIAL32) + [float(k) for k in kinks] + [-float(k) for k in kinks]
    pad = list(rng.standard_normal(64 - len(base)) * 4)
    return tensor(base + pad, None, dtype)


VARIANTS = {
    "elu": [{}, {"alpha": 0.5}, {"alpha": 2.0}],
    "selu": [{}],
    "celu": [{}, {"alpha": 0.5}, {"alpha": 2.5}],
    "gelu": [{}, {"approximate": "tanh"}],
    "silu": [{}],
    "mish": [{}],
    "softplus": [{}, {"beta": 2.0, "threshold": 10.0}, {"beta": 0.5, "threshold": 1.0}, {"beta": -1.0}],
    "softshrink": [{}, {"lambd": 1.5}, {"lambd": 0.0}],
    "hardshrink": [{}, {"lambd": 1.5}, {"lambd": -1.0}],
    "tanhshrink": [{}],
    "hardtanh": [{}, {"minVal": -2.0, "maxVal": 0.5}, {"minVal": 0.3, "maxVal": 0.3}],
    "relu6": [{}],
    "hardsigmoid": [{}],
    "hardswish": [{}],
    "rrelu": [{}, {"lower": 0.1, "upper": 0.3}, {"lower": -0.5, "upper": -0.1}],
    "logsigmoid": [{}],
    "threshold": [{"threshold": 0.1, "value": 20.0}, {"threshold": -1.0, "value": -2.5}],
    "relu_": [{}],
    "leakyRelu_": [{}, {"negativeSlope": 0.2}],
}


def kinks(fn, args):
    return {
        "softplus": [args.get("threshold", 20.0) / args.get("beta", 1.0)],
        "softshrink": [args.get("lambd", 0.5)],
        "hardshrink": [args.get("lambd", 0.5)],
        "hardtanh": [args.get("minVal", -1.0), args.get("maxVal", 1.0)],
        "threshold": [args.get("threshold", 0.0)],
    }.get(fn, [])


for fn, variants in VARIANTS.items():
    for args in variants:
        label = f"{fn} {json.dumps(args)}" if args else fn
        scale = 4.0 if fn not in ("softshrink", "hardshrink") else 2.5
        act(f"{label} float64 [3,4]", fn, [randn(3, 4, scale=scale)], args)
        act(f"{label} float64 special values", fn, [specials(kinks(fn, args), "float64")], args, grad_output="ones")
        act(f"{label} float32 [2,5]", fn, [randn(2, 5, dtype="float32", scale=scale)], args)
        act(f"{label} float32 special values", fn, [specials(kinks(fn, args), "float32")], args, grad_output="ones")
    act(f"{fn} 0-d", fn, [randn(scale=2.0)], variants[0])
    act(f"{fn} int32", fn, [ints([-3, 0, 2, 5, -1, 1])], variants[0])
    act(f"{fn} bool", fn, [tensor([1, 0], None, "bool", False)], variants[0])
for fn in sorted(INPLACE):
    args = dict(VARIANTS[fn][min(1, len(VARIANTS[fn]) - 1)])
    act(f"{fn} inplace on a tensor with history", fn, [randn(3, 4, scale=3.0)], {**args, "inplace": True}, inplace=True)
    act(f"{fn} inplace float32 on a tensor with history", fn, [randn(2, 3, dtype="float32", scale=3.0)], {**args, "inplace": True}, inplace=True)
    act(f"{fn} inplace on a leaf that requires grad", fn, [randn(3, scale=3.0)], {**args, "inplace": True}, inplace=True, leaf_inplace=True)
for fn in ["relu_", "leakyRelu_"]:
    act(f"{fn} on a tensor with history", fn, [randn(3, 4, scale=3.0)], {}, inplace=True)
    act(f"{fn} on a leaf that requires grad", fn, [randn(3, scale=3.0)], {}, inplace=True, leaf_inplace=True)
act("hardtanh int32 with fractional bounds", "hardtanh", [ints([-3, 0, 3, 1, -1])], {"minVal": -1.5, "maxVal": 1.5})
act("threshold int32 with fractional threshold and value", "threshold", [ints([-3, 0, 3, 1])], {"threshold": 0.5, "value": 1.5})
act("relu6 int32", "relu6", [ints([-3, 0, 3, 7])])
act("relu_ int32", "relu_", [ints([-3, 0, 3, 7])], inplace=True)

# prelu: one slope or one per channel (dim 1), as weight inputs that require grad
for shape, n in [([3, 4], 1), ([3, 4], 4), ([2, 3, 4], 3), ([2, 3, 2, 2], 3), ([5], 1), ([2, 3, 4], 1)]:
    act(f"prelu input {shape} weight [{n}]", "prelu", [randn(*shape, scale=2.0), uniform(n, low=-0.5, high=0.8)])
act("prelu float32", "prelu", [randn(2, 3, 2, dtype="float32", scale=2.0), uniform(3, low=0.0, high=0.5, dtype="float32")])
act("prelu 0-d weight", "prelu", [randn(2, 3, scale=2.0), uniform(low=0.0, high=0.5)])
act("prelu 0-d input with weight [1]", "prelu", [tensor([-1.5], []), tensor([0.25])])
act("prelu special values", "prelu", [specials([], "float64"), tensor([0.25])], grad_output="ones")
act("prelu weight count differs from the channels", "prelu", [randn(2, 3), tensor([0.1, 0.2])])
act("prelu 1-D input with 3 weights", "prelu", [randn(3), tensor([0.1, 0.2, 0.3])])
act("prelu 0-d input with 2 weights", "prelu", [randn(), tensor([0.1, 0.2])])
act("prelu 2-D weight", "prelu", [randn(2, 3), tensor([[0.1, 0.2, 0.3]], [1, 3])])
act("prelu float32 input float64 weight", "prelu", [randn(2, 3, dtype="float32"), tensor([0.25])])
act("prelu int32 input", "prelu", [ints([1, -2]), tensor([0.25], dtype="float32")])

# glu, softmin, softmax2d
act("glu dim -1", "glu", [randn(3, 4)], {"dim": -1})
act("glu dim 0", "glu", [randn(4, 3)], {"dim": 0})
act("glu dim 1 of 3-D", "glu", [randn(2, 6, 3)], {"dim": 1})
act("glu float32", "glu", [randn(2, 4, dtype="float32")], {"dim": 1})
act("glu special values", "glu", [tensor([nan, inf, -inf, 0.0, 1.0, 2.0, 800.0, -800.0, 0.0, -inf, 3.0, nan], [2, 6])], {"dim": 1}, grad_output="ones")
act("glu odd size", "glu", [randn(2, 3)], {"dim": 1})
act("glu 0-d", "glu", [randn()], {})
act("glu dim out of range", "glu", [randn(2, 4)], {"dim": 2})
act("glu int32", "glu", [ints([1, 2])], {})
for dim in [0, 1, -1]:
    act(f"softmin dim {dim}", "softmin", [randn(3, 4, scale=3.0)], {"dim": dim})
act("softmin float32", "softmin", [randn(2, 5, dtype="float32", scale=3.0)], {"dim": 1})
act("softmin large logits", "softmin", [tensor([1000.0, -1000.0, 0.0, -999.0])], {"dim": 0})
act("softmin int32", "softmin", [ints([1, 2])], {"dim": 0})
act("softmax2d 4-D", "softmax2d", [randn(2, 3, 2, 2, scale=2.0)])
act("softmax2d 3-D", "softmax2d", [randn(3, 2, 2, scale=2.0)])
act("softmax2d 2-D", "softmax2d", [randn(3, 2)])

# errors of the options
x = randn(2, 3)
act("celu alpha 0", "celu", [x], {"alpha": 0.0})
act("softshrink negative lambd", "softshrink", [x], {"lambd": -1.0})
act("gelu unknown approximate", "gelu", [x], {"approximate": "erf"})
act("hardtanh minVal above maxVal", "hardtanh", [x], {"minVal": 2.0, "maxVal": 1.0})
act("rrelu lower above upper", "rrelu", [x], {"lower": 0.5, "upper": 0.1})

# reprs of the modules (positional arguments, as tsgrad's constructors take them)
REPRS = [
    ("ELU", []), ("ELU", [0.5, True]), ("SELU", []), ("SELU", [True]), ("CELU", []), ("CELU", [2.0, True]),
    ("GELU", []), ("GELU", ["tanh"]), ("SiLU", []), ("SiLU", [True]), ("Mish", []), ("Mish", [True]),
    ("Softplus", []), ("Softplus", [2.0, 10.0]), ("Softshrink", []), ("Softshrink", [1.0]), ("Hardshrink", []),
    ("Hardshrink", [0.25]), ("Tanhshrink", []), ("Hardtanh", []), ("Hardtanh", [-2.0, 3.0, True]), ("ReLU6", []),
    ("ReLU6", [True]), ("Hardsigmoid", []), ("Hardsigmoid", [True]), ("Hardswish", []), ("Hardswish", [True]),
    ("PReLU", []), ("PReLU", [3, 0.1]), ("RReLU", []), ("RReLU", [0.1, 0.3, True]), ("LogSigmoid", []),
    ("Threshold", [0.1, 20.0]), ("Threshold", [0.1, 20.0, True]), ("GLU", []), ("GLU", [0]), ("Softmin", [1]),
    ("Softmax2d", []), ("ReLU", []), ("ReLU", [True]), ("LeakyReLU", []), ("LeakyReLU", [0.1, True]),
]
reprs = [{"module": m, "args": a, "repr": repr(getattr(nn, m)(*a))} for m, a in REPRS]
module_errors = []
for m, a in [("Hardtanh", [1.0, 1.0]), ("Hardtanh", [2.0, 1.0])]:
    try:
        getattr(nn, m)(*a)
    except Exception as e:  # noqa: BLE001
        module_errors.append({"module": m, "args": a, "error": f"{type(e).__name__}: {e}"})

# PReLU's parameter and its state dict
prelu_module = {"namedParameters": [[k, list(v.shape), v.tolist()] for k, v in nn.PReLU(3, 0.1).named_parameters()]}

# ==== losses =====================================================================================

LOSS = {
    "l1Loss": lambda x, t, weight=None, reduction="mean": F.l1_loss(x, t, reduction=reduction, weight=weight),
    "smoothL1Loss": lambda x, t, beta=1.0, reduction="mean": F.smooth_l1_loss(x, t, reduction=reduction, beta=beta),
    "huberLoss": lambda x, t, weight=None, delta=1.0, reduction="mean": F.huber_loss(x, t, reduction=reduction, delta=delta, weight=weight),
    "klDiv": lambda x, t, logTarget=False, reduction="mean": F.kl_div(x, t, reduction=reduction, log_target=logTarget),
    "poissonNllLoss": lambda x, t, logInput=True, full=False, eps=1e-8, reduction="mean": F.poisson_nll_loss(
        x, t, log_input=logInput, full=full, eps=eps, reduction=reduction),
    "gaussianNllLoss": lambda x, t, v, full=False, eps=1e-6, reduction="mean": F.gaussian_nll_loss(x, t, v, full=full, eps=eps, reduction=reduction),
    "gaussianNllLossNumber": lambda x, t, var, full=False, eps=1e-6, reduction="mean": F.gaussian_nll_loss(
        x, t, var, full=full, eps=eps, reduction=reduction),
    "cosineEmbeddingLoss": lambda a, b, y, margin=0.0, reduction="mean": F.cosine_embedding_loss(a, b, y, margin=margin, reduction=reduction),
    "marginRankingLoss": lambda a, b, y, margin=0.0, reduction="mean": F.margin_ranking_loss(a, b, y, margin=margin, reduction=reduction),
    "hingeEmbeddingLoss": lambda x, y, margin=1.0, reduction="mean": F.hinge_embedding_loss(x, y, margin=margin, reduction=reduction),
    "multilabelSoftMarginLoss": lambda x, y, w=None, reduction="mean": F.multilabel_soft_margin_loss(x, y, weight=w, reduction=reduction),
    "multiMarginLoss": lambda x, y, w=None, p=1, margin=1.0, reduction="mean": F.multi_margin_loss(x, y, p=p, margin=margin, weight=w, reduction=reduction),
    "tripletMarginLoss": lambda a, p_, n, margin=1.0, p=2.0, eps=1e-6, swap=False, reduction="mean": F.triplet_margin_loss(
        a, p_, n, margin=margin, p=p, eps=eps, swap=swap, reduction=reduction),
    "ctcLoss": lambda lp, tg, il, tl, blank=0, zeroInfinity=False, reduction="mean": F.ctc_loss(
        lp, tg, il, tl, blank=blank, reduction=reduction, zero_infinity=zeroInfinity),
    "ctcLossLogits": lambda z, tg, il, tl, blank=0, zeroInfinity=False, reduction="mean": F.ctc_loss(
        z.log_softmax(-1), tg, il, tl, blank=blank, reduction=reduction, zero_infinity=zeroInfinity),
}
REDUCTIONS = ["mean", "sum", "none"]


def loss(name, fn, inputs, args=None, **kw):
    run_case(losses, LOSS, name, fn, inputs, args or {}, **kw)


def each_reduction(name, fn, make_inputs, args=None):
    for r in REDUCTIONS:
        loss(f"{name} {r}", fn, make_inputs(), {**(args or {}), "reduction": r})


def label(args):
    return " ".join(f"{k}={v}" for k, v in args.items())


# L1, smooth L1, Huber
D = [nan, inf, -inf, 0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 1e-300, 3.0]
for fn, variants in [("l1Loss", [{}]), ("smoothL1Loss", [{}, {"beta": 0.5}, {"beta": 2.0}, {"beta": 0.0}]),
                     ("huberLoss", [{}, {"delta": 0.5}, {"delta": 2.0}])]:
    for args in variants:
        each_reduction(f"{fn} {label(args)} float64", fn, lambda: [randn(3, 4, scale=2.0), randn(3, 4, scale=2.0)], args)
        loss(f"{fn} {label(args)} float32", fn, [randn(2, 5, dtype="float32", scale=2.0), randn(2, 5, dtype="float32", scale=2.0)], args)
        loss(f"{fn} {label(args)} special differences none", fn, [tensor(D), tensor([0.0] * len(D))], {**args, "reduction": "none"}, grad_output="ones")
        kink = args.get("beta", args.get("delta", 1.0))
        loss(f"{fn} {label(args)} at the kinks", fn, [tensor([kink, -kink, 0.0, 2 * kink, 1.0]), tensor([0.0, 0.0, 0.0, kink, 1.0])],
             {**args, "reduction": "sum"}, grad_output="ones")
    loss(f"{fn} 0-d", fn, [randn(), randn()])
    loss(f"{fn} broadcasting target (tsgrad refuses)", fn, [randn(3, 1), randn(3)])
loss("smoothL1Loss negative beta", "smoothL1Loss", [randn(3), randn(3)], {"beta": -1.0})
loss("huberLoss zero delta", "huberLoss", [randn(3), randn(3)], {"delta": 0.0})
for fn in ["l1Loss", "huberLoss"]:
    for r in REDUCTIONS:
        loss(f"{fn} weighted {r}", fn, [randn(3, 4, scale=2.0), randn(3, 4, scale=2.0), uniform(3, 4, low=0.1, high=2.0, grad=False)], {"reduction": r})
    loss(f"{fn} weight of another shape", fn, [randn(3, 4), randn(3, 4), uniform(4, grad=False)], {})
    loss(f"{fn} unknown reduction", fn, [randn(3), randn(3)], {"reduction": "batchmean"})

# KL divergence
for log_target in [False, True]:
    for r in REDUCTIONS + ["batchmean"]:
        target = (lambda: randn(3, 5, scale=0.5, shift=-1.5)) if log_target else (lambda: uniform(3, 5, low=0.0, high=1.0))
        loss(f"klDiv logTarget={log_target} {r}", "klDiv", [randn(3, 5, shift=-1.5), target()], {"logTarget": log_target, "reduction": r})
    loss(f"klDiv logTarget={log_target} float32", "klDiv", [randn(2, 4, dtype="float32", shift=-1.0),
                                                              (randn(2, 4, dtype="float32", shift=-1.0) if log_target else uniform(2, 4, dtype="float32"))],
         {"logTarget": log_target, "reduction": "batchmean"})
    loss(f"klDiv logTarget={log_target} 0-d batchmean", "klDiv", [randn(), uniform() if not log_target else randn()], {"logTarget": log_target, "reduction": "batchmean"})
    loss(f"klDiv logTarget={log_target} broadcast target", "klDiv", [randn(3, 4, shift=-1.0), (uniform(4) if not log_target else randn(4))],
         {"logTarget": log_target, "reduction": "sum"})
loss("klDiv special targets", "klDiv", [tensor([-1.0, -2.0, -0.5, -3.0, nan, -1.0, -inf]), tensor([0.0, 1.0, -0.5, 0.25, 0.5, nan, 0.3])],
     {"reduction": "none"}, grad_output="ones")
loss("klDiv logTarget special targets", "klDiv", [tensor([-1.0, -2.0, -0.5, -inf]), tensor([-inf, 0.0, -700.0, -1.0])],
     {"logTarget": True, "reduction": "none"}, grad_output="ones")
loss("klDiv unknown reduction", "klDiv", [randn(3), uniform(3)], {"reduction": "avg"})

# Poisson
for log_input in [True, False]:
    for full in [False, True]:
        each_reduction(f"poissonNllLoss logInput={log_input} full={full}", "poissonNllLoss",
                       lambda: [randn(3, 4) if log_input else uniform(3, 4, low=0.1, high=3.0), tensor(rng.integers(0, 6, (3, 4)).astype(float), [3, 4])],
                       {"logInput": log_input, "full": full})
loss("poissonNllLoss float32", "poissonNllLoss", [randn(2, 3, dtype="float32"), uniform(2, 3, low=0.0, high=4.0, dtype="float32")], {"full": True})
loss("poissonNllLoss eps at input 0", "poissonNllLoss", [tensor([0.0, 0.0, 1.0, 2.0]), tensor([0.0, 2.0, 1.0, 0.5])], {"logInput": False, "eps": 0.01, "reduction": "none"})
loss("poissonNllLoss full at targets 0, 1 and 1.5", "poissonNllLoss", [randn(5), tensor([0.0, 1.0, 1.5, 3.0, 0.5])], {"full": True, "reduction": "none"}, grad_output="ones")
loss("poissonNllLoss unknown reduction", "poissonNllLoss", [randn(3), uniform(3)], {"reduction": "batchmean"})

# Gaussian
for full in [False, True]:
    each_reduction(f"gaussianNllLoss full={full}", "gaussianNllLoss", lambda: [randn(3, 4), randn(3, 4), uniform(3, 4, low=0.2, high=2.0)], {"full": full})
for shape in [[3], [3, 1], [1, 4]]:
    loss(f"gaussianNllLoss var of shape {shape}", "gaussianNllLoss", [randn(3, 4), randn(3, 4), uniform(*shape, low=0.2, high=2.0)], {})
for shape in [[4], [2, 4], [3, 4, 1]]:
    loss(f"gaussianNllLoss var of incorrect shape {shape}", "gaussianNllLoss", [randn(3, 4), randn(3, 4), uniform(*shape, low=0.2, high=2.0)], {})
loss("gaussianNllLoss var below eps", "gaussianNllLoss", [randn(4), randn(4), tensor([0.0, 1e-8, 0.5, 1e-3])], {"eps": 1e-3, "reduction": "none"})
loss("gaussianNllLoss negative var", "gaussianNllLoss", [randn(3), randn(3), tensor([0.5, -0.1, 1.0])], {})
loss("gaussianNllLoss float32", "gaussianNllLoss", [randn(2, 3, dtype="float32"), randn(2, 3, dtype="float32"), uniform(2, 3, low=0.2, high=2.0, dtype="float32")], {})
loss("gaussianNllLoss broadcast target", "gaussianNllLoss", [randn(3, 4), randn(4), uniform(3, 4, low=0.2, high=2.0)], {"reduction": "sum"})
loss("gaussianNllLoss unknown reduction", "gaussianNllLoss", [randn(3), randn(3), uniform(3, low=0.5, high=1.0)], {"reduction": "avg"})
for var in [0.5, 2.0, 0.0]:
    loss(f"gaussianNllLoss var the number {var}", "gaussianNllLossNumber", [randn(3, 2), randn(3, 2)], {"var": var, "reduction": "none"})
loss("gaussianNllLoss var a negative number", "gaussianNllLossNumber", [randn(3), randn(3)], {"var": -1.0})

# cosine embedding, margin ranking, hinge embedding
pm = lambda n: tensor(rng.choice([1.0, -1.0], n), None, "float64", False)
for margin in [0.0, 0.3, -0.4]:
    each_reduction(f"cosineEmbeddingLoss margin={margin}", "cosineEmbeddingLoss", lambda: [randn(4, 3), randn(4, 3), pm(4)], {"margin": margin})
loss("cosineEmbeddingLoss 1-D inputs, 0-d target 1", "cosineEmbeddingLoss", [randn(5), randn(5), tensor([1.0], [], grad=False)], {})
loss("cosineEmbeddingLoss 1-D inputs, 0-d target -1", "cosineEmbeddingLoss", [randn(5), randn(5), tensor([-1.0], [], grad=False)], {"reduction": "none"})
loss("cosineEmbeddingLoss targets other than 1 and -1", "cosineEmbeddingLoss", [randn(3, 2), randn(3, 2), tensor([0.0, 2.0, 1.0], grad=False)], {"reduction": "none"})
loss("cosineEmbeddingLoss int32 target", "cosineEmbeddingLoss", [randn(3, 2), randn(3, 2), ints([1, -1, 1])], {"margin": 0.1})
loss("cosineEmbeddingLoss zero vectors", "cosineEmbeddingLoss", [tensor([0.0, 0.0, 1.0, 2.0], [2, 2]), tensor([0.0, 0.0, 0.0, 0.0], [2, 2]), tensor([1.0, -1.0], grad=False)],
     {"reduction": "none"}, grad_output="ones")
loss("cosineEmbeddingLoss float32", "cosineEmbeddingLoss", [randn(3, 4, dtype="float32"), randn(3, 4, dtype="float32"), tensor([1.0, -1.0, -1.0], dtype="float32", grad=False)], {"margin": -0.2})
loss("cosineEmbeddingLoss 2-D target", "cosineEmbeddingLoss", [randn(3, 2), randn(3, 2), tensor([1.0] * 6, [3, 2], grad=False)], {})
loss("cosineEmbeddingLoss 1-D target with 1-D inputs", "cosineEmbeddingLoss", [randn(3), randn(3), pm(3)], {})
loss("cosineEmbeddingLoss 0-d target with 2-D inputs", "cosineEmbeddingLoss", [randn(2, 3), randn(2, 3), tensor([1.0], [], grad=False)], {})
for margin in [0.0, 0.5]:
    each_reduction(f"marginRankingLoss margin={margin}", "marginRankingLoss", lambda: [randn(6), randn(6), pm(6)], {"margin": margin})
loss("marginRankingLoss 2-D", "marginRankingLoss", [randn(2, 3), randn(2, 3), tensor(rng.choice([1.0, -1.0], 6), [2, 3], grad=False)], {"margin": 0.2})
loss("marginRankingLoss broadcasting, same number of dims", "marginRankingLoss", [randn(3), randn(1), pm(3)], {"reduction": "none"})
loss("marginRankingLoss at the hinge", "marginRankingLoss", [tensor([1.0, 2.0, 0.5]), tensor([1.0, 1.5, 1.0]), tensor([1.0, 1.0, -1.0], grad=False)],
     {"margin": 0.5, "reduction": "none"}, grad_output="ones")
loss("marginRankingLoss dims differ", "marginRankingLoss", [randn(3), randn(3), tensor([1.0] * 3, [3, 1], grad=False)], {})
loss("marginRankingLoss float32", "marginRankingLoss", [randn(4, dtype="float32"), randn(4, dtype="float32"), tensor([1.0, -1.0, 1.0, -1.0], dtype="float32", grad=False)], {})
for margin in [1.0, 0.5, 2.0]:
    each_reduction(f"hingeEmbeddingLoss margin={margin}", "hingeEmbeddingLoss", lambda: [randn(3, 4), tensor(rng.choice([1.0, -1.0], 12), [3, 4], grad=False)], {"margin": margin})
loss("hingeEmbeddingLoss targets other than 1 and -1, at the hinge", "hingeEmbeddingLoss", [tensor([0.5, 1.0, 2.0, -1.0, 0.3]), tensor([0.0, -1.0, 3.0, -1.0, 1.0], grad=False)],
     {"reduction": "none"}, grad_output="ones")
loss("hingeEmbeddingLoss float32 int32 target", "hingeEmbeddingLoss", [randn(4, dtype="float32"), ints([1, -1, -1, 1])], {})

# multilabel soft margin
for r in REDUCTIONS:
    loss(f"multilabelSoftMarginLoss {r}", "multilabelSoftMarginLoss", [randn(3, 5, scale=2.0), tensor(rng.integers(0, 2, (3, 5)).astype(float), [3, 5])], {"reduction": r})
    loss(f"multilabelSoftMarginLoss weighted {r}", "multilabelSoftMarginLoss",
         [randn(3, 5, scale=2.0), tensor(rng.integers(0, 2, (3, 5)).astype(float), [3, 5]), uniform(5, low=0.2, high=2.0, grad=False)], {"reduction": r})
loss("multilabelSoftMarginLoss 1-D", "multilabelSoftMarginLoss", [randn(4), tensor([1.0, 0.0, 1.0, 1.0])], {"reduction": "none"})
loss("multilabelSoftMarginLoss large logits", "multilabelSoftMarginLoss", [tensor([1000.0, -1000.0, 50.0, -50.0], [1, 4]), tensor([1.0, 0.0, 0.0, 1.0], [1, 4])], {}, grad_output="ones")
loss("multilabelSoftMarginLoss float32", "multilabelSoftMarginLoss", [randn(2, 3, dtype="float32"), tensor([1.0, 0.0, 1.0, 0.0, 0.0, 1.0], [2, 3], dtype="float32")], {})
loss("multilabelSoftMarginLoss unknown reduction", "multilabelSoftMarginLoss", [randn(2, 3), tensor([1.0] * 6, [2, 3])], {"reduction": "avg"})

# multi margin
targets4 = lambda: ints(rng.integers(0, 5, 4))
for p_ in [1, 2]:
    for margin in [1.0, 0.4]:
        each_reduction(f"multiMarginLoss p={p_} margin={margin}", "multiMarginLoss", lambda: [randn(4, 5), targets4()], {"p": p_, "margin": margin})
    loss(f"multiMarginLoss p={p_} weighted", "multiMarginLoss", [randn(4, 5), targets4(), uniform(5, low=0.2, high=2.0, grad=False)], {"p": p_, "reduction": "none"})
loss("multiMarginLoss 1-D input, 0-d target", "multiMarginLoss", [randn(4), ints([2], [])], {"reduction": "none"})
loss("multiMarginLoss 1-D input, [1] target", "multiMarginLoss", [randn(4), ints([2])], {"reduction": "none"})
loss("multiMarginLoss 1-D input mean", "multiMarginLoss", [randn(4), ints([0])], {})
loss("multiMarginLoss at the hinge (z = 0) and NaN", "multiMarginLoss", [tensor([1.0, 0.0, 0.5, nan, 1.0, 1.0], [2, 3]), ints([0, 1])], {"reduction": "none"}, grad_output="ones")
loss("multiMarginLoss float32", "multiMarginLoss", [randn(3, 4, dtype="float32"), ints([0, 3, 1])], {"p": 2})
loss("multiMarginLoss target out of range", "multiMarginLoss", [randn(2, 3), ints([0, 3])], {})
loss("multiMarginLoss negative target", "multiMarginLoss", [randn(2, 3), ints([0, -1])], {})
loss("multiMarginLoss p = 3", "multiMarginLoss", [randn(2, 3), ints([0, 1])], {"p": 3})
loss("multiMarginLoss 2-D weight", "multiMarginLoss", [randn(2, 3), ints([0, 1]), uniform(1, 3, grad=False)], {})
loss("multiMarginLoss weight of another size", "multiMarginLoss", [randn(2, 3), ints([0, 1]), uniform(4, grad=False)], {})
loss("multiMarginLoss inconsistent target size", "multiMarginLoss", [randn(2, 3), ints([0, 1, 2])], {})
loss("multiMarginLoss 3-D input", "multiMarginLoss", [randn(2, 3, 2), ints([0, 1])], {})

# triplet margin
for p_ in [2.0, 1.0, 3.0]:
    for swap in [False, True]:
        each_reduction(f"tripletMarginLoss p={p_} swap={swap}", "tripletMarginLoss", lambda: [randn(4, 3), randn(4, 3), randn(4, 3)], {"p": p_, "swap": swap})
loss("tripletMarginLoss margin 0.2 eps 0", "tripletMarginLoss", [randn(5, 2), randn(5, 2), randn(5, 2)], {"margin": 0.2, "eps": 0.0, "reduction": "none"})
loss("tripletMarginLoss 1-D", "tripletMarginLoss", [randn(4), randn(4), randn(4)], {"reduction": "none"})
loss("tripletMarginLoss p = inf", "tripletMarginLoss", [randn(3, 4), randn(3, 4), randn(3, 4)], {"p": inf, "reduction": "none"})
loss("tripletMarginLoss float32", "tripletMarginLoss", [randn(3, 4, dtype="float32"), randn(3, 4, dtype="float32"), randn(3, 4, dtype="float32")], {"swap": True})
loss("tripletMarginLoss broadcasting positive", "tripletMarginLoss", [randn(3, 4), randn(1, 4), randn(3, 4)], {"reduction": "none"})
loss("tripletMarginLoss margin 0", "tripletMarginLoss", [randn(3), randn(3), randn(3)], {"margin": 0.0})
loss("tripletMarginLoss dims differ", "tripletMarginLoss", [randn(2, 3), randn(3), randn(2, 3)], {})

# CTC: log-probabilities from logSoftmax of the logits (the leaf), as CTC is used; and log_probs as the leaf
def ctc_logits(T, N, C, dtype="float64"):
    return randn(T, N, C, dtype=dtype, scale=1.5)


def lengths(values):
    return ints(values)


for r in REDUCTIONS:
    loss(f"ctcLoss padded targets {r}", "ctcLossLogits", [ctc_logits(6, 3, 5), ints([[1, 2, 2], [3, 0, 0], [4, 1, 4]], [3, 3]), lengths([6, 5, 6]), lengths([3, 1, 3])],
         {"reduction": r})
    loss(f"ctcLoss concatenated targets {r}", "ctcLossLogits", [ctc_logits(5, 2, 4), ints([1, 2, 3, 3]), lengths([5, 4]), lengths([2, 2])], {"reduction": r})
loss("ctcLoss blank 2", "ctcLossLogits", [ctc_logits(5, 2, 4), ints([[0, 1], [3, 3]], [2, 2]), lengths([5, 5]), lengths([2, 2])], {"blank": 2})
loss("ctcLoss blank C-1", "ctcLossLogits", [ctc_logits(4, 1, 3), ints([[0, 1]], [1, 2]), lengths([4]), lengths([2])], {"blank": 2, "reduction": "none"})
loss("ctcLoss empty target", "ctcLossLogits", [ctc_logits(4, 2, 3), ints([[1, 2], [0, 0]], [2, 2]), lengths([4, 3]), lengths([2, 0])], {"reduction": "none"})
loss("ctcLoss inputs too short (inf)", "ctcLossLogits", [ctc_logits(4, 2, 4), ints([[1, 1, 1], [1, 2, 3]], [2, 3]), lengths([4, 2]), lengths([3, 3])], {"reduction": "none"})
for r in REDUCTIONS:
    loss(f"ctcLoss zeroInfinity {r}", "ctcLossLogits", [ctc_logits(4, 2, 4), ints([[1, 1, 1], [1, 2, 3]], [2, 3]), lengths([4, 2]), lengths([3, 3])],
         {"zeroInfinity": True, "reduction": r})
loss("ctcLoss zeroInfinity without infinities", "ctcLossLogits", [ctc_logits(5, 2, 4), ints([1, 2, 3]), lengths([5, 5]), lengths([2, 1])], {"zeroInfinity": True})
loss("ctcLoss unbatched", "ctcLossLogits", [randn(6, 4), ints([1, 3, 3]), ints([6], []), ints([3], [])], {"reduction": "none"})
loss("ctcLoss unbatched mean", "ctcLossLogits", [randn(6, 4), ints([1, 3]), ints([5], []), ints([2], [])], {})
loss("ctcLoss unbatched padded target", "ctcLossLogits", [randn(6, 4), ints([1, 3, 2, 2]), ints([6], []), ints([2], [])], {"reduction": "sum"})
loss("ctcLoss float32", "ctcLossLogits", [ctc_logits(7, 2, 5, "float32"), ints([[1, 2, 1], [4, 4, 0]], [2, 3]), lengths([7, 6]), lengths([3, 2])], {})
loss("ctcLoss long sequence", "ctcLossLogits", [ctc_logits(30, 2, 6), ints([[1, 2, 3, 4, 5, 1, 1, 2], [5, 5, 5, 4, 4, 3, 0, 0]], [2, 8]), lengths([30, 25]), lengths([8, 6])], {})
lp = torch.log_softmax(torch.tensor(rng.standard_normal((5, 2, 4))), -1)
loss("ctcLoss log_probs as the leaf (PyTorch's gradient, exp(lp) - posterior)", "ctcLoss",
     [tensor(lp.reshape(-1).tolist(), [5, 2, 4]), ints([[1, 2], [3, 1]], [2, 2]), lengths([5, 4]), lengths([2, 2])], {"reduction": "sum"})
loss("ctcLoss unnormalised log_probs", "ctcLoss", [randn(4, 1, 3), ints([[1, 2]], [1, 2]), lengths([4]), lengths([2])], {"reduction": "sum"})
loss("ctcLoss blank out of range", "ctcLossLogits", [ctc_logits(4, 1, 3), ints([[1]], [1, 1]), lengths([4]), lengths([1])], {"blank": 3})
loss("ctcLoss negative blank", "ctcLossLogits", [ctc_logits(4, 1, 3), ints([[1]], [1, 1]), lengths([4]), lengths([1])], {"blank": -1})
loss("ctcLoss input lengths of another size", "ctcLossLogits", [ctc_logits(4, 2, 3), ints([[1], [2]], [2, 1]), lengths([4]), lengths([1, 1])], {})
loss("ctcLoss target lengths of another size", "ctcLossLogits", [ctc_logits(4, 2, 3), ints([[1], [2]], [2, 1]), lengths([4, 4]), lengths([1, 1, 1])], {})
loss("ctcLoss input length beyond T", "ctcLossLogits", [ctc_logits(4, 1, 3), ints([[1]], [1, 1]), lengths([5]), lengths([1])], {})
loss("ctcLoss negative input length", "ctcLossLogits", [ctc_logits(4, 1, 3), ints([[1]], [1, 1]), lengths([-1]), lengths([1])], {})
loss("ctcLoss padded targets too short", "ctcLossLogits", [ctc_logits(4, 1, 3), ints([[1]], [1, 1]), lengths([4]), lengths([2])], {})
loss("ctcLoss concatenated targets of another size", "ctcLossLogits", [ctc_logits(4, 2, 3), ints([1, 2, 1]), lengths([4, 4]), lengths([1, 1])], {})
loss("ctcLoss 4-D log_probs", "ctcLossLogits", [randn(4, 1, 3, 1), ints([[1]], [1, 1]), lengths([4]), lengths([1])], {})
loss("ctcLoss float targets", "ctcLossLogits", [ctc_logits(4, 1, 3), tensor([[1.0]], [1, 1], grad=False), lengths([4]), lengths([1])], {})

with open(OUT, "w") as f:
    json.dump({"torch": torch.__version__, "activations": activations, "reprs": reprs, "moduleErrors": module_errors,
               "preluModule": prelu_module, "losses": losses}, f, indent=None, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(activations)} activation cases and {len(losses)} loss cases to {OUT}")
