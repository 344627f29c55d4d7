"""Generates tests/golden/normalization.json and normalization-state.safetensors: real PyTorch values
for tests/nn/normalization.test.ts (the test itself never needs Python).

    python tests/golden/gen_normalization.py

`modules`: a normalization module built with the given options (tsgrad's spelling), its parameters
set to random values (the `initial` state dict), then run for a few steps in train or eval mode.
Each step stores the input, the output, its grad_fn name, the upstream gradient, the gradients of
the input and of each parameter, and the whole state dict after the step (running statistics and
num_batches_tracked included). `functional`: single nn.functional calls, with the running statistics
after the call where they are updated. `errors`: PyTorch's messages for bad calls. `state`: a
BatchNorm2d after three train steps, saved with safetensors (num_batches_tracked as I64), with an
eval input and output and one more train step from that state.

Tensors are stored once by name, flat and row-major; float32 values are stored as the doubles they
are, so each round-trips exactly. int64 values are stored as integers (tsgrad's int32).
"""

import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "normalization.json")
STATE = os.path.join(HERE, "normalization-state.safetensors")

torch.manual_seed(20240614)
tensors = {}
counter = [0]


def num(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def store(t, prefix="t"):
    """Stores a tensor under a fresh name and returns the name."""
    counter[0] += 1
    name = f"{prefix}{counter[0]}"
    t = t.detach()
    if t.dtype in (torch.float32, torch.float64):
        dtype = "float32" if t.dtype == torch.float32 else "float64"
        tensors[name] = {"shape": list(t.shape), "dtype": dtype, "data": [num(v) for v in t.reshape(-1).tolist()]}
    else:
        tensors[name] = {"shape": list(t.shape), "dtype": "int32", "data": [int(v) for v in t.reshape(-1).tolist()]}
    return name


DTYPES = {"float32": torch.float32, "float64": torch.float64}


def build(kind, args, options, dtype):
    """The torch module for a case: options are in tsgrad's spelling."""
    o = dict(options)
    kw = {}
    rename = {
        "trackRunningStats": "track_running_stats",
        "elementwiseAffine": "elementwise_affine",
    }
    for k, v in o.items():
        kw[rename.get(k, k)] = v
    cls = getattr(nn, kind)
    if kind == "LocalResponseNorm":
        return cls(*args, **kw)
    return cls(*args, **kw, dtype=DTYPES[dtype])


def randomize(m):
    """Parameters away from their defaults (weight 1, bias 0), so that their gradients show."""
    with torch.no_grad():
        for name, p in m.named_parameters():
            if name == "weight":
                p.copy_(torch.rand(p.shape, dtype=p.dtype) * 1.5 + 0.25)
            else:
                p.copy_(torch.randn(p.shape, dtype=p.dtype) * 0.5)


def state_names(m):
    return {k: store(v) for k, v in m.state_dict().items()}


modules = []


def module_case(name, kind, args, options, dtype, shape, modes):
    m = build(kind, args, options, dtype)
    randomize(m)
    case = {"name": name, "module": kind, "args": args, "options": options, "dtype": dtype, "repr": repr(m), "initial": state_names(m), "steps": []}
    params = dict(m.named_parameters())
    for mode in modes:
        m.train(mode == "train")
        x = (torch.randn(shape, dtype=DTYPES[dtype]) * 1.5 + 0.3).requires_grad_(True)
        out = m(x)
        g = torch.round(torch.rand(out.shape, dtype=torch.float64) + 0.5, decimals=2).to(out.dtype)
        wrt = [x] + list(params.values())
        grads = torch.autograd.grad(out, wrt, g, allow_unused=True)
        step = {
            "mode": mode,
            "input": store(x),
            "output": store(out),
            "gradFn": out.grad_fn.name(),
            "gradOutput": store(g),
            "grads": {"input": store(grads[0])},
            "state": state_names(m),
        }
        for pname, gp in zip(params.keys(), grads[1:]):
            step["grads"][pname] = store(gp) if gp is not None else None
        case["steps"].append(step)
    modules.append(case)


TRAIN3_EVAL = ["train", "train", "train", "eval"]

# ---- BatchNorm1d ----
for dtype in ["float64", "float32"]:
    module_case(f"BatchNorm1d (N, C) {dtype}", "BatchNorm1d", [4], {}, dtype, [6, 4], TRAIN3_EVAL)
module_case("BatchNorm1d (N, C, L) momentum null", "BatchNorm1d", [3], {"momentum": None}, "float64", [5, 3, 4], TRAIN3_EVAL + ["train", "eval"])
module_case("BatchNorm1d (N, C, L) affine false", "BatchNorm1d", [3], {"affine": False}, "float64", [4, 3, 2], TRAIN3_EVAL)
module_case("BatchNorm1d (N, C) trackRunningStats false", "BatchNorm1d", [4], {"trackRunningStats": False}, "float64", [5, 4], ["train", "eval"])
module_case("BatchNorm1d (N, C) bias false, eps 1e-3", "BatchNorm1d", [4], {"bias": False, "eps": 1e-3}, "float64", [3, 4], TRAIN3_EVAL)
module_case("BatchNorm1d (N, C, L) float32 momentum null", "BatchNorm1d", [3], {"momentum": None}, "float32", [4, 3, 5], TRAIN3_EVAL)

# ---- BatchNorm2d ----
for dtype in ["float64", "float32"]:
    module_case(f"BatchNorm2d {dtype}", "BatchNorm2d", [3], {}, dtype, [4, 3, 3, 3], TRAIN3_EVAL + ["eval"])
module_case("BatchNorm2d momentum null", "BatchNorm2d", [3], {"momentum": None}, "float64", [2, 3, 2, 3], TRAIN3_EVAL + ["train", "eval"])
module_case("BatchNorm2d momentum 0.3, eps 1e-3", "BatchNorm2d", [2], {"momentum": 0.3, "eps": 1e-3}, "float64", [3, 2, 2, 2], TRAIN3_EVAL)
module_case("BatchNorm2d affine false", "BatchNorm2d", [3], {"affine": False}, "float64", [2, 3, 2, 2], TRAIN3_EVAL)
module_case("BatchNorm2d affine false float32", "BatchNorm2d", [3], {"affine": False}, "float32", [2, 3, 3, 2], TRAIN3_EVAL)
module_case("BatchNorm2d trackRunningStats false", "BatchNorm2d", [3], {"trackRunningStats": False}, "float64", [2, 3, 2, 2], ["train", "eval"])
module_case("BatchNorm2d trackRunningStats false, momentum null", "BatchNorm2d", [2], {"trackRunningStats": False, "momentum": None}, "float32", [3, 2, 2, 2], ["train", "eval"])
module_case("BatchNorm2d bias false", "BatchNorm2d", [3], {"bias": False}, "float64", [2, 3, 2, 2], TRAIN3_EVAL)

# ---- LayerNorm ----
module_case("LayerNorm 1 dim", "LayerNorm", [4], {}, "float64", [3, 4], ["train", "eval"])
module_case("LayerNorm 2 dims", "LayerNorm", [[3, 4]], {}, "float64", [2, 3, 4], ["train"])
module_case("LayerNorm 3 dims", "LayerNorm", [[2, 3, 4]], {}, "float64", [2, 2, 3, 4], ["train"])
module_case("LayerNorm elementwiseAffine false", "LayerNorm", [[2, 3]], {"elementwiseAffine": False}, "float64", [4, 2, 3], ["train"])
module_case("LayerNorm bias false, eps 1e-3", "LayerNorm", [5], {"bias": False, "eps": 1e-3}, "float64", [2, 3, 5], ["train"])
module_case("LayerNorm float32", "LayerNorm", [[3, 4]], {}, "float32", [2, 3, 4], ["train"])
module_case("LayerNorm whole input", "LayerNorm", [[2, 3]], {}, "float64", [2, 3], ["train"])

# ---- GroupNorm ----
for groups in [1, 2, 4]:
    module_case(f"GroupNorm {groups} groups of 4 channels", "GroupNorm", [groups, 4], {}, "float64", [3, 4, 2, 3], ["train", "eval"])
module_case("GroupNorm affine false", "GroupNorm", [2, 6], {"affine": False}, "float64", [2, 6, 3], ["train"])
module_case("GroupNorm bias false", "GroupNorm", [3, 6], {"bias": False}, "float64", [2, 6, 2], ["train"])
module_case("GroupNorm (N, C) input", "GroupNorm", [2, 4], {}, "float64", [3, 4], ["train"])
module_case("GroupNorm float32", "GroupNorm", [2, 4], {"eps": 1e-3}, "float32", [2, 4, 3, 3], ["train"])

# ---- InstanceNorm2d ----
module_case("InstanceNorm2d", "InstanceNorm2d", [3], {}, "float64", [2, 3, 3, 2], ["train", "eval"])
module_case("InstanceNorm2d affine", "InstanceNorm2d", [3], {"affine": True}, "float64", [2, 3, 2, 3], ["train", "eval"])
module_case("InstanceNorm2d trackRunningStats", "InstanceNorm2d", [3], {"affine": True, "trackRunningStats": True}, "float64", [2, 3, 2, 2], TRAIN3_EVAL)
module_case("InstanceNorm2d trackRunningStats momentum null", "InstanceNorm2d", [2], {"trackRunningStats": True, "momentum": None}, "float64", [3, 2, 2, 2], ["train", "eval"])
module_case("InstanceNorm2d unbatched", "InstanceNorm2d", [3], {"affine": True}, "float64", [3, 3, 3], ["train"])
module_case("InstanceNorm2d float32", "InstanceNorm2d", [3], {"affine": True, "trackRunningStats": True}, "float32", [2, 3, 3, 3], ["train", "train", "eval"])

# ---- RMSNorm ----
for dtype in ["float64", "float32"]:
    module_case(f"RMSNorm eps null {dtype}", "RMSNorm", [4], {}, dtype, [3, 4], ["train"])
module_case("RMSNorm 2 dims eps 1e-6", "RMSNorm", [[3, 4]], {"eps": 1e-6}, "float64", [2, 3, 4], ["train"])
module_case("RMSNorm elementwiseAffine false", "RMSNorm", [[2, 3]], {"elementwiseAffine": False}, "float64", [4, 2, 3], ["train"])

# ---- LocalResponseNorm ----
module_case("LocalResponseNorm 3-D size 2", "LocalResponseNorm", [2], {}, "float64", [2, 5, 3], ["train"])
module_case("LocalResponseNorm 4-D size 3", "LocalResponseNorm", [3], {}, "float64", [2, 5, 3, 3], ["train"])
module_case("LocalResponseNorm 4-D size 5 alpha beta k", "LocalResponseNorm", [5], {"alpha": 0.1, "beta": 0.9, "k": 2.0}, "float64", [2, 4, 2, 2], ["train"])
module_case("LocalResponseNorm 5-D size 3", "LocalResponseNorm", [3], {"alpha": 0.5}, "float64", [2, 4, 2, 2, 2], ["train"])
module_case("LocalResponseNorm float32", "LocalResponseNorm", [4], {"alpha": 0.2, "beta": 0.5}, "float32", [2, 6, 3], ["train"])

# ---- functional ----
functional = []


def functional_case(name, fn, call, shape, dtype, tensors_in, options, stats=()):
    """`tensors_in` maps option names to tensors (weight, bias require grad; running statistics are
    updated in place and stored after the call); `options` are plain values in tsgrad's spelling."""
    x = (torch.randn(shape, dtype=DTYPES[dtype]) * 1.5 + 0.3).requires_grad_(True)
    names = {k: store(v) for k, v in tensors_in.items()}  # before the call changes the running statistics
    leaves = {k: v.detach().clone().requires_grad_(k in ("weight", "bias")) for k, v in tensors_in.items()}
    out = call(x, leaves)
    g = torch.round(torch.rand(out.shape, dtype=torch.float64) + 0.5, decimals=2).to(out.dtype)
    wrt = [x] + [leaves[k] for k in ("weight", "bias") if k in leaves]
    grads = torch.autograd.grad(out, wrt, g)
    case = {
        "name": name,
        "fn": fn,
        "dtype": dtype,
        "input": store(x),
        "tensors": names,
        "options": options,
        "output": store(out),
        "gradFn": out.grad_fn.name(),
        "gradOutput": store(g),
        "grads": {"input": store(grads[0])},
        "after": {k: store(leaves[k]) for k in stats},
    }
    for k, gk in zip([k for k in ("weight", "bias") if k in leaves], grads[1:]):
        case["grads"][k] = store(gk)
    functional.append(case)


def f64(*shape):
    return torch.randn(shape, dtype=torch.float64)


def pos(*shape):
    return torch.rand(shape, dtype=torch.float64) + 0.5


functional_case(
    "batchNorm training with running statistics, momentum 0.2",
    "batchNorm",
    lambda x, t: F.batch_norm(x, t["runningMean"], t["runningVar"], t["weight"], t["bias"], training=True, momentum=0.2, eps=1e-4),
    [4, 3, 2, 2],
    "float64",
    {"runningMean": f64(3), "runningVar": pos(3), "weight": pos(3), "bias": f64(3)},
    {"training": True, "momentum": 0.2, "eps": 1e-4},
    stats=("runningMean", "runningVar"),
)
functional_case(
    "batchNorm training without running statistics, (N, C)",
    "batchNorm",
    lambda x, t: F.batch_norm(x, None, None, training=True),
    [5, 3],
    "float64",
    {},
    {"training": True},
)
functional_case(
    "batchNorm eval, weight only, (N, C, L)",
    "batchNorm",
    lambda x, t: F.batch_norm(x, t["runningMean"], t["runningVar"], t["weight"]),
    [3, 2, 4],
    "float64",
    {"runningMean": f64(2), "runningVar": pos(2), "weight": pos(2)},
    {},
)
functional_case(
    "batchNorm eval, bias only, float32",
    "batchNorm",
    lambda x, t: F.batch_norm(x, t["runningMean"], t["runningVar"], None, t["bias"]),
    [3, 2, 2, 2],
    "float32",
    {"runningMean": f64(2).float(), "runningVar": pos(2).float(), "bias": f64(2).float()},
    {},
)
functional_case(
    "instanceNorm with running statistics",
    "instanceNorm",
    lambda x, t: F.instance_norm(x, t["runningMean"], t["runningVar"], t["weight"], t["bias"], momentum=0.25),
    [2, 3, 2, 3],
    "float64",
    {"runningMean": f64(3), "runningVar": pos(3), "weight": pos(3), "bias": f64(3)},
    {"momentum": 0.25},
    stats=("runningMean", "runningVar"),
)
functional_case(
    "instanceNorm useInputStats false",
    "instanceNorm",
    lambda x, t: F.instance_norm(x, t["runningMean"], t["runningVar"], use_input_stats=False),
    [2, 3, 4],
    "float64",
    {"runningMean": f64(3), "runningVar": pos(3)},
    {"useInputStats": False},
)
functional_case(
    "layerNorm weight only",
    "layerNorm",
    lambda x, t: F.layer_norm(x, [2, 3], t["weight"]),
    [4, 2, 3],
    "float64",
    {"weight": pos(2, 3)},
    {"normalizedShape": [2, 3]},
)
functional_case(
    "groupNorm 3 groups of 6 channels",
    "groupNorm",
    lambda x, t: F.group_norm(x, 3, t["weight"], t["bias"], eps=1e-3),
    [2, 6, 5],
    "float64",
    {"weight": pos(6), "bias": f64(6)},
    {"numGroups": 3, "eps": 1e-3},
)
functional_case(
    "rmsNorm eps null float32",
    "rmsNorm",
    lambda x, t: F.rms_norm(x, [4], t["weight"]),
    [3, 4],
    "float32",
    {"weight": pos(4).float()},
    {"normalizedShape": [4]},
)
functional_case(
    "localResponseNorm defaults",
    "localResponseNorm",
    lambda x, t: F.local_response_norm(x, 3),
    [2, 4, 3, 2],
    "float64",
    {},
    {"size": 3},
)

# ---- errors: PyTorch's messages ----
errors = {}


def error(name, fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - any exception is the answer
        errors[name] = str(e)
        return
    raise AssertionError(f"{name}: PyTorch accepted it")


x4 = torch.randn(2, 3, 4, 4)
x3 = torch.randn(2, 3, 5)
error("BatchNorm1d 4-D", lambda: nn.BatchNorm1d(3)(x4))
error("BatchNorm1d 1-D", lambda: nn.BatchNorm1d(3)(torch.randn(3)))
error("BatchNorm2d 3-D", lambda: nn.BatchNorm2d(3)(x3))
error("BatchNorm2d channels train", lambda: nn.BatchNorm2d(4)(x4))
error("BatchNorm2d channels eval", lambda: nn.BatchNorm2d(4).eval()(x4))
error("BatchNorm2d channels untracked", lambda: nn.BatchNorm2d(4, track_running_stats=False)(x4))
error("batchNorm running_mean", lambda: F.batch_norm(x4, torch.zeros(4), torch.ones(3), training=True))
error("batchNorm running_var", lambda: F.batch_norm(x4, torch.zeros(3), torch.ones(5), training=True))
error("batchNorm weight", lambda: F.batch_norm(x4, None, None, weight=torch.ones(6), training=True))
error("batchNorm bias", lambda: F.batch_norm(x4, None, None, bias=torch.ones(7), training=True))
error("batchNorm one value per channel", lambda: F.batch_norm(torch.randn(1, 3), None, None, training=True))
error("BatchNorm1d one value per channel", lambda: nn.BatchNorm1d(3)(torch.randn(1, 3)))
error("batchNorm eval without running_mean", lambda: F.batch_norm(x4, None, None, training=False))
error("batchNorm running_mean only", lambda: F.batch_norm(x4, torch.zeros(3), None, training=True))
error("batchNorm negative eps", lambda: F.batch_norm(x4, torch.zeros(3), torch.ones(3), eps=-1))
error("layerNorm shape", lambda: F.layer_norm(x3, [4]))
error("layerNorm shape 2", lambda: F.layer_norm(x3, [3, 4]))
error("layerNorm weight", lambda: F.layer_norm(x3, [5], weight=torch.ones(4)))
error("layerNorm bias", lambda: F.layer_norm(x3, [5], bias=torch.ones(4)))
error("layerNorm empty shape", lambda: F.layer_norm(x3, []))
error("LayerNorm module", lambda: nn.LayerNorm(4)(x3))
error("GroupNorm divisible", lambda: nn.GroupNorm(2, 3))
error("groupNorm divisible", lambda: F.group_norm(x3, 2))
error("groupNorm 1-D", lambda: F.group_norm(torch.randn(3), 1))
error("groupNorm weight", lambda: F.group_norm(x3, 3, weight=torch.ones(4)))
error("groupNorm one value", lambda: F.group_norm(torch.randn(1, 3), 3))
error("InstanceNorm2d 2-D", lambda: nn.InstanceNorm2d(3)(torch.randn(4, 3)))
error("InstanceNorm2d 5-D", lambda: nn.InstanceNorm2d(3)(torch.randn(1, 2, 3, 4, 5)))
error("InstanceNorm2d affine channels", lambda: nn.InstanceNorm2d(4, affine=True)(x4))
error("InstanceNorm2d one spatial element", lambda: nn.InstanceNorm2d(3)(torch.randn(2, 3, 1, 1)))
error("instanceNorm running_mean", lambda: F.instance_norm(x4, torch.zeros(4), torch.ones(4)))
error("instanceNorm no running statistics", lambda: F.instance_norm(x4, use_input_stats=False))
error("rmsNorm weight", lambda: F.rms_norm(x3, [5], weight=torch.ones(4)))
error("localResponseNorm 2-D", lambda: F.local_response_norm(torch.randn(4, 3), 2))

# ---- a PyTorch state dict, saved with safetensors, for tsgrad to load ----
bn = nn.BatchNorm2d(3)
randomize(bn)
for _ in range(3):
    bn(torch.randn(4, 3, 2, 2) * 2 + 0.5)
save_file(bn.state_dict(), STATE)
bn.eval()
eval_input = torch.randn(2, 3, 2, 2)
eval_output = bn(eval_input)
bn.train()
train_input = torch.randn(3, 3, 2, 2)
train_output = bn(train_input)
state = {
    "keys": list(bn.state_dict().keys()),
    "dtypes": {k: str(v.dtype).replace("torch.", "") for k, v in bn.state_dict().items()},
    "evalInput": store(eval_input),
    "evalOutput": store(eval_output),
    "trainInput": store(train_input),
    "trainOutput": store(train_output),
    "trainState": state_names(bn),
}

with open(OUT, "w") as f:
    json.dump(
        {"torch": torch.__version__.split("+")[0], "tensors": tensors, "modules": modules, "functional": functional, "errors": errors, "state": state},
        f,
        separators=(",", ":"),
    )
    f.write("\n")
print(f"wrote {len(modules)} module cases, {len(functional)} functional cases, {len(errors)} errors, {len(tensors)} tensors to {OUT}")
