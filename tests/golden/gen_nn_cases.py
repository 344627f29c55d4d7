"""Generates tests/golden/nn-cases.json: real PyTorch values for tests/nn-golden.test.ts.

Run with a Python that has torch (the test itself never needs Python):

    python tests/golden/gen_nn_cases.py

Every input is float64 and stored in the JSON (flat, row-major, as Python's shortest repr, so each
double round-trips exactly through JavaScript's Number). Each case names one nn.functional call
(cross_entropy, nll_loss, binary_cross_entropy, binary_cross_entropy_with_logits, mse_loss,
linear, and the activations), its inputs and options in tsgrad's spelling (ignoreIndex,
labelSmoothing, posWeight, ...), the output, the upstream gradient fed to backward
(`gradOutput`, a fixed random tensor of the output's shape) and the gradient PyTorch computes for
each float input (`grads`). Non-finite numbers are stored as the strings 'nan', 'inf', '-inf'.
PyTorch's int64 class indices are stored as plain integers (tsgrad's int32).

The `seed` section holds the float32 numbers of the seed tutorial (CrossEntropyLoss on the
good / bad logits), computed here rather than copied.
"""

import itertools
import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nn-cases.json")

torch.manual_seed(20240601)
tensors = {}
cases = []


def num(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def encode(t):
    t = t.detach()
    if t.dtype.is_floating_point:
        return {"shape": list(t.shape), "dtype": "float64", "data": [num(v) for v in t.reshape(-1).tolist()]}
    return {"shape": list(t.shape), "dtype": "int32", "data": [int(v) for v in t.reshape(-1).tolist()]}


def store(name, t):
    """Registers an input tensor under `name` (stored once, referenced by cases)."""
    assert name not in tensors, name
    tensors[name] = encode(t)
    return name


def fetch(name):
    spec = tensors[name]
    dtype = torch.float64 if spec["dtype"] == "float64" else torch.int64
    return torch.tensor([float("nan") if v == "nan" else v for v in spec["data"]], dtype=dtype).reshape(spec["shape"])


def describe(options):
    """A short label for a case's options, e.g. 'weight ignoreIndex=2 labelSmoothing=0.2 mean'."""
    parts = [k if k in TENSOR_OPTIONS else f"{k}={v}" for k, v in options.items() if k != "reduction"]
    return " ".join(parts + [options["reduction"]] if "reduction" in options else parts)


def add(name, fn, call, args, options=None, grad_args=()):
    """`args` are tensor names; `options` maps tsgrad option names to numbers, strings or tensor names
    (the keys listed in TENSOR_OPTIONS); `call(*tensors, **torch_options)` runs PyTorch."""
    options = options or {}
    inputs = [fetch(a) for a in args]
    for i in grad_args:
        inputs[i].requires_grad_(True)
    torch_options = {}
    for k, v in options.items():
        key = TORCH_NAMES.get(k, k)
        torch_options[key] = fetch(v) if k in TENSOR_OPTIONS else v
    out = call(*inputs, **torch_options)
    case = {"name": name, "fn": fn, "args": list(args), "options": options, "output": encode(out)}
    if grad_args:
        g = torch.round(torch.rand(out.shape, dtype=torch.float64) + 0.5, decimals=2)  # short in the JSON
        grads = torch.autograd.grad(out, [inputs[i] for i in grad_args], g)
        case["gradOutput"] = [num(v) for v in g.reshape(-1).tolist()]
        case["grads"] = {str(i): [num(v) for v in gi.reshape(-1).tolist()] for i, gi in zip(grad_args, grads)}
    cases.append(case)


TORCH_NAMES = {
    "ignoreIndex": "ignore_index",
    "labelSmoothing": "label_smoothing",
    "posWeight": "pos_weight",
}
TENSOR_OPTIONS = {"weight", "posWeight"}

# ---- cross_entropy and nll_loss: every option combination on every layout ----
# layout -> (input shape, index-target shape); classes are along dim 1 (dim 0 for a 1-D input)
LAYOUTS = {
    "C": ([5], []),
    "NC": ([4, 5], [4]),
    "NCd1": ([3, 5, 2], [3, 2]),
    "NCd1d2": ([2, 5, 2, 2], [2, 2, 2]),
}
C = 5
store("class.weight", torch.rand(C, dtype=torch.float64) * 2 + 0.1)
for layout, (shape, tshape) in LAYOUTS.items():
    store(f"{layout}.logits", torch.randn(shape, dtype=torch.float64) * 2)
    store(f"{layout}.logprobs", torch.log_softmax(torch.randn(shape, dtype=torch.float64), 0 if layout == "C" else 1))
    idx = torch.randint(0, C, tshape)
    store(f"{layout}.target", idx)
    # some targets ignored (-100) and some equal to the in-range ignoreIndex 2 (the 1-D case is all-ignored)
    ignored = idx.clone().reshape(-1)
    ignored[::3] = -100
    store(f"{layout}.target.ignored", ignored.reshape(tshape))
    in_range = idx.clone().reshape(-1)
    in_range[1::2] = 2
    store(f"{layout}.target.ignore2", in_range.reshape(tshape))
    store(f"{layout}.probs", torch.softmax(torch.randn(shape, dtype=torch.float64), 0 if layout == "C" else 1))

REDUCTIONS = ["mean", "sum", "none"]
IGNORES = [("", None), ("ignored", -100), ("ignore2", 2)]  # ('' = no ignored targets, default ignoreIndex)
for layout in LAYOUTS:
    for (ig, ii), weighted, smoothing, reduction in itertools.product(IGNORES, [False, True], [0.0, 0.2], REDUCTIONS):
        target = f"{layout}.target" + (f".{ig}" if ig else "")
        opts = {"reduction": reduction}
        if weighted:
            opts["weight"] = "class.weight"
        if ii is not None:
            opts["ignoreIndex"] = ii
        if smoothing:
            opts["labelSmoothing"] = smoothing
        add(f"cross_entropy {layout} {ig or 'no-ignored'} {describe(opts)}", "cross_entropy", F.cross_entropy, [f"{layout}.logits", target], opts, (0,))
        if not smoothing:
            add(f"nll_loss {layout} {ig or 'no-ignored'} {describe(opts)}", "nll_loss", F.nll_loss, [f"{layout}.logprobs", target], opts, (0,))
    # class-probability targets (gradient with respect to the target too)
    for weighted, smoothing, reduction in itertools.product([False, True], [0.0, 0.2], REDUCTIONS):
        opts = {"reduction": reduction}
        if weighted:
            opts["weight"] = "class.weight"
        if smoothing:
            opts["labelSmoothing"] = smoothing
        add(f"cross_entropy {layout} probabilities {describe(opts)}", "cross_entropy", F.cross_entropy, [f"{layout}.logits", f"{layout}.probs"], opts, (0, 1))

# logits of +-1000 (PyTorch's log-softmax subtracts the max)
store("huge.logits", torch.tensor([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 0.0], [1000.0, 1000.0, -1000.0]], dtype=torch.float64))
store("huge.target", torch.tensor([1, 1, 0]))
for reduction in REDUCTIONS:
    add(f"cross_entropy huge logits {reduction}", "cross_entropy", F.cross_entropy, ["huge.logits", "huge.target"], {"reduction": reduction, "labelSmoothing": 0.1}, (0,))

# ---- binary cross-entropy on probabilities and on logits ----
for shape_name, shape in [("N", [6]), ("NC", [3, 4])]:
    store(f"bce.{shape_name}.p", torch.rand(shape, dtype=torch.float64) * 0.98 + 0.01)
    store(f"bce.{shape_name}.x", torch.randn(shape, dtype=torch.float64) * 3)
    store(f"bce.{shape_name}.y", torch.rand(shape, dtype=torch.float64))
    store(f"bce.{shape_name}.w", torch.rand(shape, dtype=torch.float64) + 0.5)
    store(f"bce.{shape_name}.wlast", torch.rand(shape[-1:], dtype=torch.float64) + 0.5)
    for weight, reduction in itertools.product([None, "w", "wlast"], REDUCTIONS):
        opts = {"reduction": reduction}
        if weight:
            opts["weight"] = f"bce.{shape_name}.{weight}"
        add(f"binary_cross_entropy {shape_name} {describe(opts)}", "binary_cross_entropy", F.binary_cross_entropy,
            [f"bce.{shape_name}.p", f"bce.{shape_name}.y"], opts, (0, 1))
        for pos in [None, "wlast"]:
            o = dict(opts)
            if pos:
                o["posWeight"] = f"bce.{shape_name}.{pos}"
            add(f"binary_cross_entropy_with_logits {shape_name} {describe(o)}", "binary_cross_entropy_with_logits",
                F.binary_cross_entropy_with_logits, [f"bce.{shape_name}.x", f"bce.{shape_name}.y"], o, (0, 1))

# p = 0 and p = 1: each log is clamped at -100, the input gradient divides by max(p (1 - p), 1e-12).
# (PyTorch's gradient with respect to the target is +-inf there, so only the input's is stored.)
store("bce.edge.p", torch.tensor([0.0, 1.0, 0.0, 1.0, 0.5], dtype=torch.float64))
store("bce.edge.y", torch.tensor([0.0, 1.0, 1.0, 0.0, 0.3], dtype=torch.float64))
for reduction in REDUCTIONS:
    add(f"binary_cross_entropy p=0,1 {reduction}", "binary_cross_entropy", F.binary_cross_entropy,
        ["bce.edge.p", "bce.edge.y"], {"reduction": reduction}, (0,))
# logits of +-100
store("bce.edge.x", torch.tensor([100.0, -100.0, 100.0, -100.0, 0.0], dtype=torch.float64))
store("bce.edge.t", torch.tensor([1.0, 0.0, 0.0, 1.0, 0.3], dtype=torch.float64))
store("bce.edge.pos", torch.tensor([3.0], dtype=torch.float64))
for reduction in REDUCTIONS:
    add(f"binary_cross_entropy_with_logits x=+-100 {reduction}", "binary_cross_entropy_with_logits",
        F.binary_cross_entropy_with_logits, ["bce.edge.x", "bce.edge.t"], {"reduction": reduction, "posWeight": "bce.edge.pos"}, (0, 1))

# ---- mse_loss ----
for shape_name, shape in [("N", [5]), ("NC", [3, 4])]:
    store(f"mse.{shape_name}.a", torch.randn(shape, dtype=torch.float64))
    store(f"mse.{shape_name}.b", torch.randn(shape, dtype=torch.float64))
    for reduction in REDUCTIONS:
        add(f"mse_loss {shape_name} {reduction}", "mse_loss", F.mse_loss, [f"mse.{shape_name}.a", f"mse.{shape_name}.b"], {"reduction": reduction}, (0, 1))

# ---- linear: forward and backward on given weights ----
store("lin.W", torch.randn(3, 4, dtype=torch.float64))
store("lin.b", torch.randn(3, dtype=torch.float64))
for shape_name, shape in [("in", [4]), ("N,in", [5, 4]), ("b,n,in", [2, 3, 4])]:
    store(f"lin.x[{shape_name}]", torch.randn(shape, dtype=torch.float64))
    add(f"linear [{shape_name}] with bias", "linear", F.linear, [f"lin.x[{shape_name}]", "lin.W", "lin.b"], {}, (0, 1, 2))
    add(f"linear [{shape_name}] no bias", "linear", F.linear, [f"lin.x[{shape_name}]", "lin.W"], {}, (0, 1))

# ---- activations (module forms in the test) ----
store("act.x", torch.randn(3, 4, dtype=torch.float64) * 2)
for fn, call in [("relu", F.relu), ("sigmoid", torch.sigmoid), ("tanh", torch.tanh)]:
    add(fn, fn, call, ["act.x"], {}, (0,))
for dim in [0, 1, -1]:
    add(f"softmax dim={dim}", "softmax", lambda x, dim: F.softmax(x, dim=dim), ["act.x"], {"dim": dim}, (0,))
    add(f"logSoftmax dim={dim}", "logSoftmax", lambda x, dim: F.log_softmax(x, dim=dim), ["act.x"], {"dim": dim}, (0,))

# ---- the seed tutorial's numbers, in float32 as the tutorial runs them ----
loss = nn.CrossEntropyLoss()
Y = torch.tensor([2, 0, 1])
good = torch.tensor([[0.1, 1.0, 2.1], [2.0, 1.0, 0.1], [2.0, 3.0, 0.1]])
bad = torch.tensor([[2.1, 1.0, 0.1], [0.1, 1.0, 2.1], [0.1, 3.0, 0.1]])
single_good = torch.tensor([[2.0, 1.0, 0.1]])
single_bad = torch.tensor([[0.5, 2.0, 0.3]])
seed = {
    "batch": {"good": loss(good, Y).item(), "bad": loss(bad, Y).item(),
              "predGood": torch.max(good, 1).indices.tolist(), "predBad": torch.max(bad, 1).indices.tolist()},
    "single": {"good": loss(single_good, torch.tensor([0])).item(), "bad": loss(single_bad, torch.tensor([0])).item()},
}

doc = {"torch": torch.__version__, "seed": seed, "tensors": tensors, "cases": cases}
with open(OUT, "w") as f:
    json.dump(doc, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(cases)} cases, {os.path.getsize(OUT)} bytes to {OUT}")
