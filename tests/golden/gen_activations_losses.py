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

LOSS_SECTION_PLACEHOLDER = None

with open(OUT, "w") as f:
    json.dump({"torch": torch.__version__, "activations": activations, "reprs": reprs, "moduleErrors": module_errors,
               "preluModule": prelu_module, "losses": losses}, f, indent=None, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(activations)} activation cases and {len(losses)} loss cases to {OUT}")
