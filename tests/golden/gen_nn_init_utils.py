"""Generates tests/golden/nn-init-utils.json: real PyTorch values for tests/nn/init.test.ts and
tests/nn/utils.test.ts.

Run with a Python that has torch (the tests themselves never need Python):

    python tests/golden/gen_nn_init_utils.py

Sections:

- `gain`: `nn.init.calculate_gain` for every nonlinearity (leaky_relu with several slopes).
- `fans`: `_calculate_fan_in_and_fan_out` for shapes of 2 to 5 dims.
- `eye`, `dirac`, `constant`: the deterministic fills, as values.
- `bounds`: the arguments PyTorch's own xavier_* / kaiming_* pass to `Tensor.uniform_` /
  `Tensor.normal_` (recorded by wrapping those two methods while the real init function runs), for
  every mode, nonlinearity and a few shapes and gains. tsgrad draws different random numbers, so it is
  the bound and std that can be compared exactly.
- `truncNormal`: the truncated normal's mean and std (closed form) for the configurations the
  statistical test samples, and the std PyTorch's own trunc_normal_ gives on a large sample.
- `orthogonal`: the float64 normal matrix orthogonal_ draws (seeded) and the matrix it writes, so a
  tsgrad run fed the same draws can be compared (QR's sign correction and transposition included).
- `clip`: clip_grad_norm_, get_total_norm, clip_grads_with_norm_ and clip_grad_value_ on float32,
  float64 and mixed gradients of mixed shapes, for several norm types, with non-finite gradients and
  the error for error_if_nonfinite; `convert`: parameters_to_vector / vector_to_parameters.

Numbers are Python floats (float32 values are exact doubles), written with the shortest repr so they
round-trip through JavaScript; non-finite ones are the strings 'nan', 'inf', '-inf'. Dtypes are
tsgrad's names (int64 is int32).
"""

import json
import math
import os

import torch
import torch.nn.init as init
from torch.nn.utils import (
    clip_grad_norm_,
    clip_grad_value_,
    clip_grads_with_norm_,
    get_total_norm,
    parameters_to_vector,
    vector_to_parameters,
)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nn-init-utils.json")

DTYPES = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int32", torch.bool: "bool"}
TORCH_DTYPES = {"float32": torch.float32, "float64": torch.float64, "int32": torch.int64, "bool": torch.bool}


def num(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def encode(t):
    t = t.detach()
    return {"shape": list(t.shape), "dtype": DTYPES[t.dtype], "data": [num(v) for v in t.reshape(-1).tolist()]}


def decode(spec):
    vals = [float(v) if isinstance(v, str) else v for v in spec["data"]]
    return torch.tensor(vals, dtype=TORCH_DTYPES[spec["dtype"]]).reshape(spec["shape"])


def error_of(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the message is the golden value
        return f"{type(e).__name__}: {e}"
    return None


out = {"torch": torch.__version__}

# ---- calculate_gain ----
NONLINEARITIES = [
    "linear",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "selu",
]
gains = [{"nonlinearity": n, "param": None, "gain": init.calculate_gain(n)} for n in NONLINEARITIES]
for p in [0, 0.2, math.sqrt(5), -0.5, 1, 100.0]:
    gains.append({"nonlinearity": "leaky_relu", "param": p, "gain": init.calculate_gain("leaky_relu", p)})
out["gain"] = gains
out["gainErrors"] = {
    "gelu": error_of(lambda: init.calculate_gain("gelu")),
    "leaky_relu True": error_of(lambda: init.calculate_gain("leaky_relu", True)),
}

# ---- fan in / fan out ----
FAN_SHAPES = [[3, 4], [5, 2], [0, 3], [4, 3, 5], [8, 4, 3, 3], [6, 2, 3, 4, 5], [2, 3, 0, 2]]
out["fans"] = [{"shape": s, "fans": list(init._calculate_fan_in_and_fan_out(torch.empty(s)))} for s in FAN_SHAPES]
out["fanError"] = error_of(lambda: init._calculate_fan_in_and_fan_out(torch.empty(3)))

# ---- eye_, dirac_, constant_ ----
out["eye"] = [
    {"shape": s, "dtype": d, "result": encode(init.eye_(torch.full(s, 7, dtype=TORCH_DTYPES[d])))}
    for s, d in [([3, 3], "float32"), ([2, 5], "float64"), ([5, 2], "float32"), ([1, 1], "float32"), ([0, 3], "float32"), ([2, 3], "int32"), ([3, 2], "bool")]
]
out["eyeError"] = error_of(lambda: init.eye_(torch.empty(2, 2, 2)))
DIRAC = [
    ([4, 2, 3], 1),
    ([2, 4, 5], 1),
    ([4, 2, 2], 1),
    ([6, 3, 3, 3], 2),
    ([6, 2, 3, 4], 3),
    ([4, 4, 3, 3], 2),
    ([6, 2, 3, 4, 5], 3),
    ([2, 2, 1, 2, 2], 1),
    ([4, 1, 3], 4),
    ([6, 1, 5], 2),
]
out["dirac"] = [{"shape": s, "groups": g, "result": encode(init.dirac_(torch.full(s, 7.0), g))} for s, g in DIRAC]
out["diracInt"] = encode(init.dirac_(torch.full([2, 2, 3], 7, dtype=torch.int64)))
out["diracErrors"] = {
    "2d": error_of(lambda: init.dirac_(torch.empty(2, 2))),
    "6d": error_of(lambda: init.dirac_(torch.empty(1, 1, 1, 1, 1, 1))),
    "groups": error_of(lambda: init.dirac_(torch.empty(3, 2, 3), 2)),
}
out["constant"] = [
    {"dtype": d, "value": num(v), "result": encode(init.constant_(torch.zeros(2, 2, dtype=TORCH_DTYPES[d]), v))}
    for d, v in [("float32", 0.1), ("float64", 0.1), ("float32", -3.0), ("float64", math.inf), ("float32", math.nan), ("int32", 1.7), ("int32", -2.5), ("bool", 2.0)]
]
out["initErrors"] = {
    "sparse 3d": error_of(lambda: init.sparse_(torch.empty(2, 2, 2), 0.5)),
    "orthogonal 1d": error_of(lambda: init.orthogonal_(torch.empty(3))),
    "xavier 0x0": error_of(lambda: init.xavier_uniform_(torch.empty(0, 0))),
    "kaiming mode": error_of(lambda: init.kaiming_uniform_(torch.empty(2, 2), mode="fan_avg")),
}

# ---- the bounds and stds PyTorch's xavier_* and kaiming_* pass to uniform_ / normal_ ----
calls = []
original_uniform, original_normal = torch.Tensor.uniform_, torch.Tensor.normal_


def recording_uniform(self, a=0.0, b=1.0, *, generator=None):
    calls.append(("uniform", a, b))
    return original_uniform(self, a, b, generator=generator)


def recording_normal(self, mean=0.0, std=1.0, *, generator=None):
    calls.append(("normal", mean, std))
    return original_normal(self, mean, std, generator=generator)


torch.Tensor.uniform_, torch.Tensor.normal_ = recording_uniform, recording_normal
bounds = []
BOUND_SHAPES = [[5, 3], [3, 7], [8, 4, 3], [6, 2, 3, 3], [4, 3, 2, 2, 2]]


def record(fn, shape, options):
    calls.clear()
    getattr(init, fn)(torch.empty(shape), **options)
    assert len(calls) == 1, (fn, calls)
    kind, x, y = calls[0]
    bounds.append({"fn": fn, "shape": shape, "options": options, "draw": kind, "args": [num(x), num(y)]})


for shape in BOUND_SHAPES:
    for gain in [1.0, 0.5, math.sqrt(2), 5 / 3]:
        record("xavier_uniform_", shape, {"gain": gain})
        record("xavier_normal_", shape, {"gain": gain})
    for mode in ["fan_in", "fan_out"]:
        for nl in NONLINEARITIES:
            record("kaiming_uniform_", shape, {"mode": mode, "nonlinearity": nl})
            record("kaiming_normal_", shape, {"mode": mode, "nonlinearity": nl})
        for a in [0, 0.01, 0.2, math.sqrt(5), -1.5]:
            record("kaiming_uniform_", shape, {"a": a, "mode": mode})
            record("kaiming_normal_", shape, {"a": a, "mode": mode})
torch.Tensor.uniform_, torch.Tensor.normal_ = original_uniform, original_normal
out["bounds"] = bounds

# ---- trunc_normal_: the truncated normal's moments (closed form), and PyTorch's own sample std ----


def phi(x):
    return 0.0 if math.isinf(x) else math.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


def Phi(x):
    return (1 + math.erf(x / math.sqrt(2))) / 2


trunc = []
for mean, std, a, b in [(0, 1, -2, 2), (0, 1, -0.5, 0.5), (1, 2, -1, 4), (0, 0.02, -0.04, 0.04), (0, 1, 1, 3), (0, 1, 0, math.inf), (-1, 0.5, -4, 4), (0, 1, 3, 4), (2, 1, -1, 0)]:
    al, be = (a - mean) / std, (b - mean) / std
    z = Phi(be) - Phi(al)
    am = 0.0 if math.isinf(al) else al * phi(al)
    bm = 0.0 if math.isinf(be) else be * phi(be)
    m = mean + std * (phi(al) - phi(be)) / z
    var = std**2 * (1 + (am - bm) / z - ((phi(al) - phi(be)) / z) ** 2)
    torch.manual_seed(0)
    sample = init.trunc_normal_(torch.empty(200000, dtype=torch.float64), mean, std, a, b)
    trunc.append(
        {
            "mean": mean,
            "std": std,
            "a": num(a),
            "b": num(b),
            "p": z,
            "truncMean": m,
            "truncStd": math.sqrt(var),
            "torchSampleMean": sample.mean().item(),
            "torchSampleStd": sample.std().item(),
        }
    )
out["truncNormal"] = trunc

# ---- orthogonal_: the draws and the result (float64) ----
ortho = []
for seed, shape, gain in [(1, [5, 3], 1.0), (2, [3, 5], 1.0), (3, [4, 4], 2.0), (4, [3, 2, 2, 2], 1.0), (5, [6, 2, 1, 1], 0.5), (6, [1, 4], 1.0), (7, [4, 1], 1.0)]:
    rows = shape[0]
    cols = math.prod(shape) // rows
    torch.manual_seed(seed)
    draws = torch.empty(rows, cols, dtype=torch.float64).normal_(0, 1)
    torch.manual_seed(seed)
    w = init.orthogonal_(torch.empty(shape, dtype=torch.float64), gain=gain)
    ortho.append({"shape": shape, "gain": gain, "draws": encode(draws), "result": encode(w)})
out["orthogonal"] = ortho

# ---- clip_grad: norms and clipping ----
clip = []
INF, NAN = math.inf, math.nan


def grad_set(name, specs):
    """specs: (shape, dtype, values or None for seeded randn, has_grad)."""
    return {"name": name, "params": specs}


torch.manual_seed(123)


def make(spec, values=None):
    shape, dtype, vals, has_grad = spec
    p = torch.nn.Parameter(torch.zeros(shape, dtype=TORCH_DTYPES[dtype]))
    if has_grad:
        g = torch.tensor(vals, dtype=TORCH_DTYPES[dtype]).reshape(shape) if vals is not None else (torch.randn(shape, dtype=torch.float64) * 3).to(TORCH_DTYPES[dtype])
        p.grad = g
    return p


SETS = {
    "float32 mixed shapes": [([3, 4], "float32", None, True), ([5], "float32", None, True), ([2, 1, 3], "float32", None, True), ([], "float32", None, True)],
    "float64 mixed shapes": [([3, 4], "float64", None, True), ([5], "float64", None, True), ([2, 2, 2], "float64", None, True)],
    "mixed dtypes": [([4], "float32", None, True), ([2, 3], "float64", None, True), ([3], "float32", None, True)],
    "mixed dtypes float64 first": [([2, 3], "float64", None, True), ([4], "float32", None, True)],
    "some without grad": [([3], "float32", None, True), ([2, 2], "float32", None, False), ([4], "float32", None, True)],
    "with zeros": [([4], "float64", [0.0, 1.5, 0.0, -2.0], True), ([2], "float64", [0.0, 0.0], True), ([3], "float64", [3.0, -0.25, 1.0], True)],
    "inf grad": [([3], "float32", [1.0, INF, -2.0], True), ([2], "float32", [0.5, 0.5], True)],
    "-inf grad": [([3], "float64", [1.0, -INF, -2.0], True)],
    "nan grad": [([3], "float32", [1.0, NAN, -2.0], True), ([2], "float32", [0.5, 0.5], True)],
    "small": [([2], "float32", [0.001, -0.002], True)],
    "empty grad": [([0], "float32", [], True), ([2], "float32", [3.0, 4.0], True)],
}
stored_sets = {}
for name, specs in SETS.items():
    params = [make(s) for s in specs]
    stored_sets[name] = [
        {"shape": list(p.shape), "dtype": DTYPES[p.dtype], "grad": encode(p.grad) if p.grad is not None else None} for p in params
    ]
out["gradSets"] = stored_sets


def params_of(name):
    ps = []
    for spec in stored_sets[name]:
        p = torch.nn.Parameter(torch.zeros(spec["shape"], dtype=TORCH_DTYPES[spec["dtype"]]))
        if spec["grad"] is not None:
            p.grad = decode(spec["grad"])
        ps.append(p)
    return ps


NORM_TYPES = [2.0, 1.0, 3.0, 0.5, INF, -INF, 0.0, -1.0]
for name in SETS:
    for norm_type in NORM_TYPES:
        for max_norm in [1.0, 1e3]:
            ps = params_of(name)
            err = None
            try:
                total = clip_grad_norm_(ps, max_norm, norm_type)
            except RuntimeError as e:
                err, total = str(e), None
            clip.append(
                {
                    "fn": "clip_grad_norm_",
                    "set": name,
                    "normType": num(norm_type),
                    "maxNorm": max_norm,
                    "error": err,
                    "total": None if total is None else num(total.item()),
                    "totalDtype": None if total is None else DTYPES[total.dtype],
                    "grads": [encode(p.grad) if p.grad is not None else None for p in ps],
                }
            )
out["clip"] = clip

# error_if_nonfinite, foreach
out["nonfiniteErrors"] = {
    str(nt): error_of(lambda nt=nt: clip_grad_norm_(params_of("inf grad"), 1.0, nt, error_if_nonfinite=True)) for nt in [2.0, INF, 0.5, 3.0]
}
out["nanError"] = error_of(lambda: clip_grad_norm_(params_of("nan grad"), 1.0, error_if_nonfinite=True))
foreach_results = {}
for foreach in [None, False, True]:
    ps = params_of("float32 mixed shapes")
    total = clip_grad_norm_(ps, 1.0, 2.0, False, foreach)
    foreach_results[str(foreach)] = {"total": num(total.item()), "grads": [encode(p.grad) for p in ps]}
assert all(foreach_results[k] == foreach_results["None"] for k in foreach_results), "foreach changes the result"
out["foreachTrueAccepted"] = True  # PyTorch >= 2.x runs the foreach path on CPU tensors
out["emptyList"] = {"total": num(clip_grad_norm_([], 1.0).item()), "dtype": DTYPES[clip_grad_norm_([], 1.0).dtype]}
out["emptyNormErrors"] = {
    "inf": error_of(lambda: get_total_norm([torch.zeros(0)], INF)),
    "-inf": error_of(lambda: get_total_norm([torch.zeros(0)], -INF)),
    "-1": error_of(lambda: get_total_norm([torch.zeros(0)], -1.0)),
    "int": error_of(lambda: get_total_norm([torch.tensor([1, 2])])),
}

# get_total_norm on tensors (not grads), a single tensor, and a string norm type
t1 = (torch.randn(3, 4) * 2).to(torch.float32)
t2 = torch.randn(7, dtype=torch.float64)
out["totalNorm"] = {
    "tensors": [encode(t1), encode(t2)],
    "cases": [{"normType": num(nt), "which": which, "total": num(get_total_norm(ts, nt).item()), "dtype": DTYPES[get_total_norm(ts, nt).dtype]}
              for nt in NORM_TYPES for which, ts in [("both", [t1, t2]), ("first", t1), ("second", [t2])]],
    "inf string": num(get_total_norm([t1], "inf").item()),
}

# clip_grads_with_norm_ with a given total norm
with_norm = []
for total in [torch.tensor(5.0), torch.tensor(5.0, dtype=torch.float64), torch.tensor(0.5), torch.tensor(5), torch.tensor(INF), torch.tensor(NAN)]:
    for name in ["float32 mixed shapes", "mixed dtypes"]:
        ps = params_of(name)
        clip_grads_with_norm_(ps, 2.0, total)
        with_norm.append({"set": name, "totalNorm": encode(total), "maxNorm": 2.0, "grads": [encode(p.grad) for p in ps]})
out["clipWithNorm"] = with_norm
out["clipWithNormError"] = error_of(lambda: clip_grads_with_norm_(params_of("small"), 1.0, torch.tensor([5.0])))

# clip_grad_value_
values = []
for name in ["float32 mixed shapes", "float64 mixed shapes", "mixed dtypes", "inf grad", "nan grad", "some without grad"]:
    for clip_value in [0.5, 2.0, -1.0, 0.1, NAN]:
        ps = params_of(name)
        clip_grad_value_(ps, clip_value)
        values.append({"set": name, "clipValue": num(clip_value), "grads": [encode(p.grad) if p.grad is not None else None for p in ps]})
out["clipValue"] = values

# parameters_to_vector / vector_to_parameters
a = torch.randn(2, 3)
b = torch.randn(4, dtype=torch.float64)
c = torch.randn(1, 2, 2)
vec = torch.arange(14, dtype=torch.float64) / 7
pa, pc = torch.nn.Parameter(torch.zeros(2, 3)), torch.nn.Parameter(torch.zeros(1, 2, 2))
vector_to_parameters(vec, [pa, pc])
out["convert"] = {
    "params": [encode(a), encode(b), encode(c)],
    "vector": encode(parameters_to_vector([a, b, c])),
    "vector32": encode(parameters_to_vector([a, c])),
    "vec": encode(vec),
    "assigned": [encode(pa), encode(pc)],
    "assignedDtypes": [DTYPES[pa.dtype], DTYPES[pc.dtype]],
    "sharesStorage": pa.data_ptr() == vec.data_ptr(),
    "shortError": error_of(lambda: vector_to_parameters(torch.zeros(4), [torch.nn.Parameter(torch.zeros(2, 3))])),
    "emptyError": error_of(lambda: parameters_to_vector([])),
    "intError": error_of(lambda: vector_to_parameters(torch.arange(6), [torch.nn.Parameter(torch.zeros(2, 3))])),
    "gradFn": parameters_to_vector([torch.nn.Parameter(torch.zeros(2))]).grad_fn.name(),
}

with open(OUT, "w") as f:
    json.dump(out, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {OUT}: {len(bounds)} bounds, {len(clip)} clip cases")
