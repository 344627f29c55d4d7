"""Generates tests/golden/pooling.json: real PyTorch values for tests/nn/pooling.test.ts and
tests/nn/upsampling.test.ts (the tests themselves never need Python).

    python tests/golden/gen_pooling.py

`cases`: one call each, of a functional (max_pool1d/2d, avg_pool1d/2d, adaptive_avg_pool1d/2d,
adaptive_max_pool1d/2d, max_unpool1d/2d, interpolate; `fn` is tsgrad's camelCase name) with
positional `args` and keyword `options` in tsgrad's spelling, or of a module (`api: "module"`, built
with `args` and `options`), in float64 and in float32. Each stores the input, the output (and the
indices, for max pools that return them; the unpool's indices are an input), the grad_fn names from
the output back towards the input (`gradFns`), an upstream gradient and the input's gradient.
`reprs`: modules as PyTorch prints them. `errors`: PyTorch's messages for bad calls.

Tensors are stored once by name, flat and row-major; float32 values are stored as the doubles they
are, so each round-trips exactly; NaN and infinities as the strings "nan", "inf" and "-inf".
"""

import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "pooling.json")

torch.manual_seed(20240621)
tensors = {}
counter = [0]
DTYPES = {"float32": torch.float32, "float64": torch.float64}
PY_NAMES = {
    "ceilMode": "ceil_mode",
    "returnIndices": "return_indices",
    "countIncludePad": "count_include_pad",
    "divisorOverride": "divisor_override",
    "outputSize": "output_size",
    "scaleFactor": "scale_factor",
    "alignCorners": "align_corners",
    "recomputeScaleFactor": "recompute_scale_factor",
}
FUNCTIONALS = {
    "maxPool1d": F.max_pool1d,
    "maxPool2d": F.max_pool2d,
    "avgPool1d": F.avg_pool1d,
    "avgPool2d": F.avg_pool2d,
    "adaptiveAvgPool1d": F.adaptive_avg_pool1d,
    "adaptiveAvgPool2d": F.adaptive_avg_pool2d,
    "adaptiveMaxPool1d": F.adaptive_max_pool1d,
    "adaptiveMaxPool2d": F.adaptive_max_pool2d,
    "maxUnpool1d": F.max_unpool1d,
    "maxUnpool2d": F.max_unpool2d,
    "interpolate": F.interpolate,
}
MODULES = {
    "MaxPool1d": nn.MaxPool1d,
    "MaxPool2d": nn.MaxPool2d,
    "AvgPool1d": nn.AvgPool1d,
    "AvgPool2d": nn.AvgPool2d,
    "AdaptiveAvgPool1d": nn.AdaptiveAvgPool1d,
    "AdaptiveAvgPool2d": nn.AdaptiveAvgPool2d,
    "AdaptiveMaxPool1d": nn.AdaptiveMaxPool1d,
    "AdaptiveMaxPool2d": nn.AdaptiveMaxPool2d,
    "MaxUnpool1d": nn.MaxUnpool1d,
    "MaxUnpool2d": nn.MaxUnpool2d,
    "Upsample": nn.Upsample,
    "UpsamplingNearest2d": nn.UpsamplingNearest2d,
    "UpsamplingBilinear2d": nn.UpsamplingBilinear2d,
}


def number(v):
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def store(t):
    """Stores a tensor under a fresh name and returns the name."""
    counter[0] += 1
    name = f"t{counter[0]}"
    t = t.detach()
    dtype = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int32"}[t.dtype]
    data = t.reshape(-1).tolist()
    tensors[name] = {"shape": list(t.shape), "dtype": dtype, "data": [number(float(v)) if dtype != "int32" else int(v) for v in data]}
    return name


def py(v):
    return tuple(py(e) for e in v) if isinstance(v, list) else v


def py_options(options):
    return {PY_NAMES.get(k, k): py(v) for k, v in options.items()}


def grad_fns(t):
    """The grad_fn names from t back along each node's first input, up to the leaf."""
    names = []
    fn = t.grad_fn
    while fn is not None and fn.name() != "torch::autograd::AccumulateGrad":
        names.append(fn.name())
        nxt = [f for f, _ in fn.next_functions if f is not None]
        fn = nxt[0] if nxt else None
    return names


cases = []


def make_input(shape, dt, data=None):
    if data is not None:
        return torch.tensor(data, dtype=dt).reshape(shape).requires_grad_()
    return torch.randn(shape, dtype=dt, requires_grad=True)


def finish(case, x, out):
    """Stores the output (and indices), the grad_fn names, an upstream gradient and the input's gradient."""
    y, indices = (out if isinstance(out, tuple) else (out, None))
    g = torch.randn(y.shape, dtype=y.dtype)
    case["output"] = store(y)
    case["indices"] = store(indices) if indices is not None else None
    case["gradFns"] = grad_fns(y)
    case["gradOutput"] = store(g)
    (gx,) = torch.autograd.grad(y, [x], g) if y.numel() > 0 else (torch.zeros_like(x),)
    case["gradInput"] = store(gx)
    cases.append(case)


def case(name, fn, shape, args=(), options=None, data=None, dtypes=("float64", "float32")):
    """F.<fn>(x, *args, **options) on a random (or given) input."""
    options = options or {}
    for dtype in dtypes:
        x = make_input(shape, DTYPES[dtype], data)
        out = FUNCTIONALS[fn](x, *[py(a) for a in args], **py_options(options))
        c = {"name": f"{name} {dtype}", "api": "functional", "fn": fn, "args": list(args), "options": options, "dtype": dtype, "input": store(x)}
        finish(c, x, out)


def module_case(name, kind, shape, args=(), options=None, dtypes=("float64", "float32")):
    options = options or {}
    for dtype in dtypes:
        x = make_input(shape, DTYPES[dtype])
        out = MODULES[kind](*[py(a) for a in args], **py_options(options))(x)
        c = {"name": f"{name} {dtype}", "api": "module", "fn": kind, "args": list(args), "options": options, "dtype": dtype, "input": store(x)}
        finish(c, x, out)


def unpool_case(name, fn, pool_shape, pool_args, unpool_args=(), options=None, dtypes=("float64", "float32")):
    """max_pool with return_indices, then max_unpool of the pooled values (the gradient is the unpool's input's)."""
    options = options or {}
    pool = F.max_pool1d if fn == "maxUnpool1d" else F.max_pool2d
    for dtype in dtypes:
        dt = DTYPES[dtype]
        source = torch.randn(pool_shape, dtype=dt)
        values, indices = pool(source, *[py(a) for a in pool_args], return_indices=True)
        x = values.clone().requires_grad_()
        out = FUNCTIONALS[fn](x, indices, *[py(a) for a in unpool_args], **py_options(options))
        c = {
            "name": f"{name} {dtype}",
            "api": "unpool",
            "fn": fn,
            "args": list(unpool_args),
            "options": options,
            "dtype": dtype,
            "input": store(x),
            "unpoolIndices": store(indices),
            "source": store(source),
            "poolArgs": list(pool_args),
        }
        finish(c, x, out)


NAN = float("nan")
INF = float("inf")

# ---- max_pool2d over the options, and the ceil-mode edge windows ----
case("maxPool2d k2", "maxPool2d", [2, 3, 6, 6], [2])
case("maxPool2d k2 odd size", "maxPool2d", [1, 2, 5, 7], [2])
case("maxPool2d k3 s2", "maxPool2d", [2, 2, 7, 7], [3, 2])
case("maxPool2d k(2,3) s(1,2)", "maxPool2d", [1, 2, 5, 7], [[2, 3]], {"stride": [1, 2]})
case("maxPool2d k3 s1 p1", "maxPool2d", [1, 2, 5, 5], [3], {"stride": 1, "padding": 1})
case("maxPool2d k3 s2 p1 d2", "maxPool2d", [1, 2, 9, 8], [3, 2, 1, 2])
case("maxPool2d k2 d(2,1) p(1,0)", "maxPool2d", [1, 2, 6, 5], [2], {"dilation": [2, 1], "padding": [1, 0]})
case("maxPool2d k(3,1) s(2,1) p(1,0)", "maxPool2d", [2, 1, 7, 3], [[3, 1]], {"stride": [2, 1], "padding": [1, 0]})
case("maxPool2d ceil k2 s2 on 5", "maxPool2d", [1, 2, 5, 5], [2], {"ceilMode": True})
case("maxPool2d ceil k2 s2 p1 on 5 (last window dropped)", "maxPool2d", [1, 2, 5, 5], [2, 2, 1], {"ceilMode": True})
case("maxPool2d ceil k3 s3 on 7 (one-element window)", "maxPool2d", [1, 2, 7, 7], [3], {"ceilMode": True})
case("maxPool2d ceil k3 s2 p1 d2 on (8, 9)", "maxPool2d", [1, 2, 8, 9], [3, 2, 1, 2, True])
case("maxPool2d ceil k(2,3) s(3,2) on (7, 8)", "maxPool2d", [1, 1, 7, 8], [[2, 3], [3, 2]], {"ceilMode": True})
case("maxPool2d unbatched", "maxPool2d", [3, 6, 6], [2])
case("maxPool2d unbatched k3 s2 p1", "maxPool2d", [2, 7, 6], [3, 2, 1])
case("maxPool2d returnIndices k2", "maxPool2d", [2, 2, 6, 6], [2], {"returnIndices": True})
case("maxPool2d returnIndices k3 s1 p1 ceil (overlapping)", "maxPool2d", [1, 2, 5, 6], [3, 1, 1, 1, True, True])
case("maxPool2d returnIndices unbatched", "maxPool2d", [2, 5, 5], [2], {"stride": 1, "returnIndices": True})
case("maxPool2d stride null", "maxPool2d", [1, 1, 6, 6], [3, None, 1])
case("maxPool2d empty batch", "maxPool2d", [0, 2, 4, 4], [2])
# ties go to the first maximum; NaN wins (the last NaN of a window); -inf windows point at their first element
TIES = [
    [1, 3, 3, 0, 2, 2],
    [3, 1, 0, 3, 2, 2],
    [NAN, 1, 5, NAN, -INF, -INF],
    [2, NAN, 5, 5, -INF, -INF],
]
case("maxPool2d ties and NaN", "maxPool2d", [1, 1, 4, 6], [2], {"returnIndices": True}, data=TIES)
case("maxPool2d ties and NaN, overlapping", "maxPool2d", [1, 1, 4, 6], [2, 1], {"returnIndices": True}, data=TIES)

# ---- max_pool1d ----
case("maxPool1d k2", "maxPool1d", [2, 3, 8], [2])
case("maxPool1d k3 s2 p1", "maxPool1d", [2, 2, 9], [3, 2, 1])
case("maxPool1d k2 d2 ceil", "maxPool1d", [1, 2, 8], [2], {"dilation": 2, "ceilMode": True})
case("maxPool1d k3 s2 ceil (last window dropped)", "maxPool1d", [1, 2, 6], [3], {"stride": 2, "padding": 1, "ceilMode": True})
case("maxPool1d unbatched", "maxPool1d", [3, 8], [3], {"stride": 1})
case("maxPool1d returnIndices", "maxPool1d", [2, 2, 7], [3, 2], {"returnIndices": True})
case("maxPool1d ties and NaN", "maxPool1d", [1, 2, 6], [3], {"returnIndices": True}, data=[[2, 2, 1, NAN, 4, NAN], [-INF, -INF, -INF, 0, 7, 7]])

# ---- avg_pool2d ----
case("avgPool2d k2", "avgPool2d", [2, 3, 6, 6], [2])
case("avgPool2d k3 s2 p1", "avgPool2d", [1, 2, 7, 8], [3, 2, 1])
case("avgPool2d k3 s2 p1 countIncludePad false", "avgPool2d", [1, 2, 7, 8], [3, 2, 1], {"countIncludePad": False})
case("avgPool2d ceil k2 on 5", "avgPool2d", [1, 2, 5, 5], [2], {"ceilMode": True})
case("avgPool2d ceil k3 s2 p1 on 6", "avgPool2d", [1, 2, 6, 6], [3, 2, 1, True])
case("avgPool2d ceil k3 s2 p1 on 6 countIncludePad false", "avgPool2d", [1, 2, 6, 6], [3, 2, 1, True, False])
case("avgPool2d ceil k2 s2 p1 on 5 (last window dropped)", "avgPool2d", [1, 1, 5, 5], [2, 2, 1, True])
case("avgPool2d ceil k(3,2) s(2,3) on (6, 7)", "avgPool2d", [1, 2, 6, 7], [[3, 2], [2, 3]], {"ceilMode": True, "countIncludePad": False})
case("avgPool2d divisorOverride 3", "avgPool2d", [1, 2, 6, 6], [2], {"divisorOverride": 3})
case("avgPool2d divisorOverride 5, padding 1, ceil", "avgPool2d", [1, 2, 6, 5], [3, 2, 1, True, True, 5])
case("avgPool2d k(2,3) s(1,2) p(1,1)", "avgPool2d", [2, 2, 5, 7], [[2, 3]], {"stride": [1, 2], "padding": [1, 1]})
case("avgPool2d unbatched", "avgPool2d", [3, 6, 6], [2])
case("avgPool2d unbatched k3 s1 p1 countIncludePad false", "avgPool2d", [2, 5, 4], [3, 1, 1, False, False])

# ---- avg_pool1d ----
case("avgPool1d k2", "avgPool1d", [2, 3, 8], [2])
case("avgPool1d k3 s2 p1", "avgPool1d", [2, 2, 9], [3, 2, 1])
case("avgPool1d k3 s2 p1 ceil countIncludePad false", "avgPool1d", [1, 2, 8], [3, 2, 1, True, False])
case("avgPool1d k4 s3 p2 ceil", "avgPool1d", [1, 2, 9], [4], {"stride": 3, "padding": 2, "ceilMode": True})
case("avgPool1d unbatched", "avgPool1d", [3, 7], [3], {"stride": 2})

# ---- adaptive pools: sizes that do not divide, bigger than the input, null, 1 ----
case("adaptiveAvgPool2d 3 on (7, 5)", "adaptiveAvgPool2d", [2, 2, 7, 5], [3])
case("adaptiveAvgPool2d (2, 4) on (5, 7)", "adaptiveAvgPool2d", [1, 3, 5, 7], [[2, 4]])
case("adaptiveAvgPool2d (null, 3)", "adaptiveAvgPool2d", [1, 2, 4, 7], [[None, 3]])
case("adaptiveAvgPool2d 1 (a mean)", "adaptiveAvgPool2d", [2, 3, 5, 4], [1])
case("adaptiveAvgPool2d 5 on (3, 4) (windows overlap)", "adaptiveAvgPool2d", [1, 2, 3, 4], [5])
case("adaptiveAvgPool2d unbatched (4, 3)", "adaptiveAvgPool2d", [2, 9, 7], [[4, 3]])
case("adaptiveAvgPool2d same size", "adaptiveAvgPool2d", [1, 2, 3, 4], [[3, 4]])
case("adaptiveAvgPool1d 3 on 7", "adaptiveAvgPool1d", [2, 2, 7], [3])
case("adaptiveAvgPool1d 1", "adaptiveAvgPool1d", [2, 2, 7], [1])
case("adaptiveAvgPool1d 5 on 3", "adaptiveAvgPool1d", [1, 2, 3], [5])
case("adaptiveAvgPool1d unbatched", "adaptiveAvgPool1d", [3, 10], [4])
case("adaptiveMaxPool2d 3 on (7, 5)", "adaptiveMaxPool2d", [2, 2, 7, 5], [3])
case("adaptiveMaxPool2d (2, 4) returnIndices", "adaptiveMaxPool2d", [1, 3, 5, 7], [[2, 4]], {"returnIndices": True})
case("adaptiveMaxPool2d (null, 2) returnIndices positional", "adaptiveMaxPool2d", [1, 2, 4, 7], [[None, 2], True])
case("adaptiveMaxPool2d 1", "adaptiveMaxPool2d", [2, 3, 5, 4], [1])
case("adaptiveMaxPool2d 5 on (3, 4)", "adaptiveMaxPool2d", [1, 2, 3, 4], [5], {"returnIndices": True})
case("adaptiveMaxPool2d unbatched", "adaptiveMaxPool2d", [2, 9, 7], [[4, 3]])
case("adaptiveMaxPool2d ties and NaN", "adaptiveMaxPool2d", [1, 1, 4, 6], [[2, 3]], {"returnIndices": True}, data=TIES)
case("adaptiveMaxPool1d 3 on 7", "adaptiveMaxPool1d", [2, 2, 7], [3], {"returnIndices": True})
case("adaptiveMaxPool1d 4 on 10 unbatched", "adaptiveMaxPool1d", [3, 10], [4])

# ---- max_unpool: a round trip through max_pool with return_indices ----
unpool_case("maxUnpool2d k2", "maxUnpool2d", [2, 2, 6, 6], [2], [2])
unpool_case("maxUnpool2d k2 on odd size, outputSize (7, 5)", "maxUnpool2d", [1, 2, 7, 5], [2], [2], {"outputSize": [7, 5]})
unpool_case("maxUnpool2d k3 s2 p1", "maxUnpool2d", [1, 2, 7, 7], [3, 2, 1], [3, 2, 1])
unpool_case("maxUnpool2d k3 s1 p1 (repeated indices)", "maxUnpool2d", [1, 1, 5, 5], [3, 1, 1], [3, 1, 1])
unpool_case("maxUnpool2d outputSize as a whole shape", "maxUnpool2d", [1, 2, 5, 5], [2], [2], {"outputSize": [1, 2, 5, 5]})
unpool_case("maxUnpool2d unbatched", "maxUnpool2d", [2, 6, 4], [2], [2])
unpool_case("maxUnpool1d k2", "maxUnpool1d", [2, 2, 8], [2], [2])
unpool_case("maxUnpool1d k3 s2 p1, outputSize 9", "maxUnpool1d", [1, 2, 9], [3, 2, 1], [3, 2, 1], {"outputSize": [9]})

# ---- modules ----
module_case("MaxPool2d(2)", "MaxPool2d", [2, 3, 6, 6], [2])
module_case("MaxPool2d(3, 2, 1, ceilMode)", "MaxPool2d", [1, 2, 8, 8], [3, 2, 1], {"ceilMode": True})
module_case("MaxPool2d returnIndices", "MaxPool2d", [1, 2, 4, 4], [2], {"returnIndices": True})
module_case("MaxPool1d(3, 2)", "MaxPool1d", [2, 2, 9], [3, 2])
module_case("AvgPool2d(3, 2, 1, countIncludePad false)", "AvgPool2d", [1, 2, 7, 7], [3, 2, 1], {"countIncludePad": False})
module_case("AvgPool1d(3, 2, 1)", "AvgPool1d", [2, 2, 9], [3, 2, 1])
module_case("AdaptiveAvgPool2d((3, null))", "AdaptiveAvgPool2d", [1, 2, 5, 6], [[3, None]])
module_case("AdaptiveAvgPool1d(4)", "AdaptiveAvgPool1d", [1, 2, 9], [4])
module_case("AdaptiveMaxPool2d(2)", "AdaptiveMaxPool2d", [1, 2, 5, 6], [2])
module_case("AdaptiveMaxPool1d(3)", "AdaptiveMaxPool1d", [1, 2, 8], [3])
module_case("Upsample scale 2 nearest", "Upsample", [1, 2, 3, 4], [], {"scaleFactor": 2})
module_case("Upsample size (5, 7) bilinear", "Upsample", [1, 2, 3, 4], [[5, 7]], {"mode": "bilinear"})
module_case("Upsample scale 1.5 bilinear alignCorners", "Upsample", [1, 2, 3, 4], [None, 1.5, "bilinear", True])
module_case("Upsample linear", "Upsample", [2, 2, 5], [], {"scaleFactor": 2, "mode": "linear"})
module_case("UpsamplingNearest2d scale 2", "UpsamplingNearest2d", [1, 2, 3, 3], [], {"scaleFactor": 2})
module_case("UpsamplingBilinear2d size (4, 6)", "UpsamplingBilinear2d", [1, 2, 3, 3], [[4, 6]])

# ---- interpolate ----
I = "interpolate"
case("nearest scale 2", I, [2, 2, 3, 4], [], {"scaleFactor": 2})
case("nearest scale 3, 1-D", I, [2, 2, 4], [], {"scaleFactor": 3})
case("nearest scale 1.5", I, [1, 2, 5, 7], [], {"scaleFactor": 1.5})
case("nearest scale (2, 0.5)", I, [1, 2, 3, 8], [], {"scaleFactor": [2, 0.5]})
case("nearest scale 1.7, recomputeScaleFactor", I, [1, 2, 5, 6], [], {"scaleFactor": 1.7, "recomputeScaleFactor": True})
case("nearest scale 0.3", I, [1, 1, 10, 13], [], {"scaleFactor": 0.3})
case("nearest size (5, 7)", I, [1, 2, 3, 4], [[5, 7]])
case("nearest size (2, 3) (downsampling)", I, [1, 2, 5, 7], [[2, 3]])
case("nearest size 3 on 10, 1-D", I, [1, 2, 10], [3])
case("nearest size 7, 1-D", I, [2, 1, 3], [7])
case("nearest-exact scale 1.5", I, [1, 2, 5, 7], [], {"scaleFactor": 1.5, "mode": "nearest-exact"})
case("nearest-exact size (3, 5)", I, [1, 2, 7, 4], [[3, 5]], {"mode": "nearest-exact"})
case("nearest-exact 1-D scale 2", I, [1, 2, 5], [None, 2, "nearest-exact"])
case("bilinear scale 2", I, [2, 2, 3, 4], [], {"scaleFactor": 2, "mode": "bilinear"})
case("bilinear scale 2 alignCorners", I, [2, 2, 3, 4], [], {"scaleFactor": 2, "mode": "bilinear", "alignCorners": True})
case("bilinear scale 1.7", I, [1, 2, 4, 5], [], {"scaleFactor": 1.7, "mode": "bilinear"})
case("bilinear scale (1.5, 0.75)", I, [1, 2, 4, 8], [], {"scaleFactor": [1.5, 0.75], "mode": "bilinear"})
case("bilinear scale 1.7 recomputeScaleFactor", I, [1, 2, 4, 5], [None, 1.7, "bilinear", False, True])
case("bilinear size (5, 3)", I, [1, 2, 3, 4], [[5, 3]], {"mode": "bilinear"})
case("bilinear size (5, 3) alignCorners", I, [1, 2, 3, 4], [[5, 3]], {"mode": "bilinear", "alignCorners": True})
case("bilinear size (2, 3) downsampling", I, [1, 2, 5, 7], [[2, 3]], {"mode": "bilinear"})
case("bilinear size (2, 3) downsampling alignCorners", I, [1, 2, 5, 7], [[2, 3]], {"mode": "bilinear", "alignCorners": True})
case("bilinear size 1 alignCorners", I, [1, 2, 3, 4], [1], {"mode": "bilinear", "alignCorners": True})
case("bilinear size 1", I, [1, 2, 3, 4], [1], {"mode": "bilinear"})
case("bilinear size (7, 4), same width", I, [1, 2, 3, 4], [[7, 4]], {"mode": "bilinear"})
case("bilinear size (3, 10) from (10, 3)", I, [1, 1, 10, 3], [[3, 10]], {"mode": "bilinear"})
case("linear scale 2", I, [2, 2, 5], [], {"scaleFactor": 2, "mode": "linear"})
case("linear scale 2 alignCorners", I, [2, 2, 5], [], {"scaleFactor": 2, "mode": "linear", "alignCorners": True})
case("linear size 7 from 4", I, [1, 3, 4], [7], {"mode": "linear"})
case("linear size 3 from 10 alignCorners", I, [1, 2, 10], [3], {"mode": "linear", "alignCorners": True})
case("area size (3, 2) from (7, 5)", I, [1, 2, 7, 5], [[3, 2]], {"mode": "area"})
case("area scale 0.5", I, [1, 2, 6, 7], [], {"scaleFactor": 0.5, "mode": "area"})
case("area 1-D size 3", I, [1, 2, 7], [3], {"mode": "area"})
case("nearest empty batch", I, [0, 2, 3, 4], [], {"scaleFactor": 2})

# ---- the grad_fn of a gradient taken with create_graph (the backward's own node) ----
DOUBLE_SPECS = [
    ("maxPool2d", [1, 2, 4, 4], [2], {}),
    ("avgPool2d", [1, 2, 4, 4], [2], {}),
    ("adaptiveAvgPool2d", [1, 2, 5, 5], [3], {}),
    ("adaptiveMaxPool2d", [1, 2, 5, 5], [3], {}),
    ("interpolate", [1, 2, 3, 3], [], {"scaleFactor": 2}),
    ("interpolate", [1, 2, 3, 3], [], {"scaleFactor": 2, "mode": "bilinear"}),
    ("interpolate", [1, 2, 3], [], {"scaleFactor": 2, "mode": "linear"}),
]
double = []
for fn, shape, args, options in DOUBLE_SPECS:
    x = torch.randn(shape, dtype=torch.float64, requires_grad=True)
    y = FUNCTIONALS[fn](x, *[py(a) for a in args], **py_options(options))
    g = torch.randn(y.shape, dtype=torch.float64, requires_grad=True)
    (gx,) = torch.autograd.grad(y, [x], g, create_graph=True)
    double.append({"fn": fn, "shape": shape, "args": args, "options": options, "name": gx.grad_fn.name()})
x = torch.randn(1, 2, 4, 4, dtype=torch.float64)
values, indices = F.max_pool2d(x, 2, return_indices=True)
values.requires_grad_()
y = F.max_unpool2d(values, indices, 2)
(gx,) = torch.autograd.grad(y, [values], torch.randn(y.shape, dtype=torch.float64, requires_grad=True), create_graph=True)
double.append({"fn": "maxUnpool2d", "shape": [1, 2, 4, 4], "args": [2], "options": {}, "name": gx.grad_fn.name(), "chain": grad_fns(gx)})

# ---- reprs ----
REPR_SPECS = [
    ("MaxPool2d", [2], {}),
    ("MaxPool2d", [[2, 3]], {"stride": [1, 2], "padding": [1, 1], "ceilMode": True}),
    ("MaxPool2d", [3, 2, 1, 2, True, True], {}),
    ("MaxPool1d", [3], {}),
    ("MaxPool1d", [4, 2], {"padding": 1, "dilation": 2, "returnIndices": True}),
    ("AvgPool2d", [2], {}),
    ("AvgPool2d", [3, 2, 1, True, False, 2], {}),
    ("AvgPool2d", [[3, 2]], {"stride": [2, 1], "padding": [1, 0]}),
    ("AvgPool1d", [3], {}),
    ("AvgPool1d", [3, 2, 1, True, False], {}),
    ("AdaptiveAvgPool2d", [[3, None]], {}),
    ("AdaptiveAvgPool2d", [1], {}),
    ("AdaptiveAvgPool1d", [4], {}),
    ("AdaptiveMaxPool2d", [[2, 3]], {"returnIndices": True}),
    ("AdaptiveMaxPool1d", [3], {}),
    ("MaxUnpool2d", [2], {}),
    ("MaxUnpool2d", [3, 2, 1], {}),
    ("MaxUnpool1d", [[2]], {"stride": 1}),
    ("Upsample", [], {"scaleFactor": 2}),
    ("Upsample", [[3, 4]], {"mode": "bilinear", "alignCorners": True}),
    ("Upsample", [4], {}),
    ("Upsample", [None, [2, 1.5], "bilinear"], {}),
    ("Upsample", [], {"scaleFactor": 0.5, "mode": "nearest-exact"}),
    ("UpsamplingNearest2d", [], {"scaleFactor": 2}),
    ("UpsamplingBilinear2d", [[3, 3]], {}),
]
reprs = [{"kind": k, "args": a, "options": o, "repr": repr(MODULES[k](*[py(v) for v in a], **py_options(o)))} for k, a, o in REPR_SPECS]

# ---- PyTorch's errors ----
errors = {}


def error(name, fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 (every kind of PyTorch rejection is recorded)
        errors[name] = str(e).split("\n")[0]
        return
    raise AssertionError(f"{name}: PyTorch accepted it")


r = torch.randn
L = torch.long
error("maxPool2d 2-D input", lambda: F.max_pool2d(r(3, 4), 2))
error("maxPool2d 5-D input", lambda: F.max_pool2d(r(1, 1, 3, 4, 4), 2))
error("maxPool2d empty H", lambda: F.max_pool2d(r(1, 1, 0, 4), 2))
error("maxPool2d empty C", lambda: F.max_pool2d(r(2, 0, 4, 4), 2))
error("maxPool2d empty C unbatched", lambda: F.max_pool2d(r(0, 4, 4), 2))
error("maxPool2d padding more than half the kernel", lambda: F.max_pool2d(r(1, 1, 5, 5), 2, padding=2))
error("maxPool2d padding (0, 2) on kernel 3", lambda: F.max_pool2d(r(1, 1, 9, 9), 3, padding=(0, 2)))
error("maxPool2d padding 2, kernel 3, dilation 2", lambda: F.max_pool2d(r(1, 1, 9, 9), 3, padding=2, dilation=2))
error("maxPool2d padding -1", lambda: F.max_pool2d(r(1, 1, 5, 5), 2, padding=-1))
error("maxPool2d kernel 0", lambda: F.max_pool2d(r(1, 1, 5, 5), 0))
error("maxPool2d kernel 0 stride 1", lambda: F.max_pool2d(r(1, 1, 5, 5), 0, 1))
error("maxPool2d stride 0", lambda: F.max_pool2d(r(1, 1, 5, 5), 2, 0))
error("maxPool2d stride -1", lambda: F.max_pool2d(r(1, 1, 5, 5), 2, -1))
error("maxPool2d dilation 0", lambda: F.max_pool2d(r(1, 1, 5, 5), 2, dilation=0))
error("maxPool2d output too small", lambda: F.max_pool2d(r(1, 1, 2, 2), 3))
error("maxPool2d kernel of 3", lambda: F.max_pool2d(r(1, 1, 5, 5), (2, 2, 2)))
error("maxPool2d stride of 3", lambda: F.max_pool2d(r(1, 1, 5, 5), 2, (1, 1, 1)))
error("maxPool2d padding of 3", lambda: F.max_pool2d(r(1, 1, 5, 5), 2, 2, (1, 1, 1)))
error("maxPool2d dilation of 3", lambda: F.max_pool2d(r(1, 1, 5, 5), 2, 2, 0, (1, 1, 1)))
error("maxPool1d 1-D input", lambda: F.max_pool1d(r(4), 2))
error("maxPool1d 4-D input", lambda: F.max_pool1d(r(1, 1, 3, 4), 2))
error("maxPool1d empty", lambda: F.max_pool1d(r(1, 0, 5), 2))
error("maxPool1d padding", lambda: F.max_pool1d(r(1, 1, 5), 2, padding=2))
error("maxPool1d output too small", lambda: F.max_pool1d(r(1, 1, 2), 3))
error("maxPool1d kernel 0", lambda: F.max_pool1d(r(1, 1, 5), 0))
error("maxPool1d stride 0", lambda: F.max_pool1d(r(1, 1, 5), 2, 0))
error("maxPool1d padding -1", lambda: F.max_pool1d(r(1, 1, 5), 2, padding=-1))
error("maxPool1d dilation 0", lambda: F.max_pool1d(r(1, 1, 5), 2, dilation=0))
error("maxPool1d kernel of 2", lambda: F.max_pool1d(r(1, 1, 5), (2, 2)))
error("maxPool1d stride of 2", lambda: F.max_pool1d(r(1, 1, 5), 2, (2, 2)))
error("avgPool2d 2-D input", lambda: F.avg_pool2d(r(3, 4), 2))
error("avgPool2d 5-D input", lambda: F.avg_pool2d(r(1, 1, 3, 4, 4), 2))
error("avgPool2d empty H", lambda: F.avg_pool2d(r(1, 1, 0, 4), 2))
error("avgPool2d padding", lambda: F.avg_pool2d(r(1, 1, 5, 5), 2, padding=2))
error("avgPool2d padding -1", lambda: F.avg_pool2d(r(1, 1, 5, 5), 2, padding=-1))
error("avgPool2d divisor 0", lambda: F.avg_pool2d(r(1, 1, 5, 5), 2, divisor_override=0))
error("avgPool2d output too small", lambda: F.avg_pool2d(r(1, 1, 2, 2), 3))
error("avgPool2d kernel 0", lambda: F.avg_pool2d(r(1, 1, 5, 5), 0))
error("avgPool2d kernel 0 stride 1", lambda: F.avg_pool2d(r(1, 1, 5, 5), 0, 1))
error("avgPool2d kernel of 3", lambda: F.avg_pool2d(r(1, 1, 5, 5), (2, 2, 2)))
error("avgPool2d stride of 3", lambda: F.avg_pool2d(r(1, 1, 5, 5), 2, (1, 1, 1)))
error("avgPool2d padding of 3", lambda: F.avg_pool2d(r(1, 1, 5, 5), 2, 2, (1, 1, 1)))
error("avgPool1d 1-D input", lambda: F.avg_pool1d(r(4), 2))
error("avgPool1d 4-D input", lambda: F.avg_pool1d(r(1, 1, 4, 4), 2))
error("avgPool1d padding", lambda: F.avg_pool1d(r(1, 1, 5), 2, padding=2))
error("avgPool1d output too small", lambda: F.avg_pool1d(r(1, 1, 2), 3))
error("avgPool1d kernel of 2", lambda: F.avg_pool1d(r(1, 1, 5), (2, 2)))
error("avgPool1d stride of 2", lambda: F.avg_pool1d(r(1, 1, 5), 2, (2, 2)))
error("avgPool1d kernel 0", lambda: F.avg_pool1d(r(1, 1, 5), 0))
error("adaptiveAvgPool2d 2-D input", lambda: F.adaptive_avg_pool2d(r(3, 4), 2))
error("adaptiveAvgPool2d 5-D input", lambda: F.adaptive_avg_pool2d(r(1, 1, 3, 4, 4), 2))
error("adaptiveAvgPool2d output size of 3", lambda: F.adaptive_avg_pool2d(r(1, 1, 4, 4), (2, 2, 2)))
error("adaptiveAvgPool2d negative output size", lambda: F.adaptive_avg_pool2d(r(1, 1, 4, 4), (-1, 2)))
error("adaptiveAvgPool2d empty H", lambda: F.adaptive_avg_pool2d(r(1, 1, 0, 4), 2))
error("adaptiveAvgPool2d null on 2-D input", lambda: F.adaptive_avg_pool2d(r(3, 4), (None, 2)))
error("adaptiveAvgPool1d 1-D input", lambda: F.adaptive_avg_pool1d(r(4), 2))
error("adaptiveAvgPool1d 4-D input", lambda: F.adaptive_avg_pool1d(r(1, 1, 4, 4), 2))
error("adaptiveAvgPool1d output size of 2", lambda: F.adaptive_avg_pool1d(r(1, 1, 4), (2, 2)))
error("adaptiveAvgPool1d negative output size", lambda: F.adaptive_avg_pool1d(r(1, 1, 4), -1))
error("adaptiveAvgPool1d empty", lambda: F.adaptive_avg_pool1d(r(1, 1, 0), 2))
error("adaptiveMaxPool2d 2-D input", lambda: F.adaptive_max_pool2d(r(3, 4), 2))
error("adaptiveMaxPool2d 5-D input", lambda: F.adaptive_max_pool2d(r(1, 1, 3, 4, 4), 2))
error("adaptiveMaxPool2d empty C", lambda: F.adaptive_max_pool2d(r(1, 0, 4, 4), 2))
error("adaptiveMaxPool2d empty H", lambda: F.adaptive_max_pool2d(r(1, 1, 0, 4), 2))
error("adaptiveMaxPool2d output size of 3", lambda: F.adaptive_max_pool2d(r(1, 1, 4, 4), (2, 2, 2)))
error("adaptiveMaxPool2d negative output size", lambda: F.adaptive_max_pool2d(r(1, 1, 4, 4), (-1, 2)))
error("adaptiveMaxPool1d 1-D input", lambda: F.adaptive_max_pool1d(r(4), 2))
error("adaptiveMaxPool1d output size of 2", lambda: F.adaptive_max_pool1d(r(1, 1, 4), (2, 2)))
error("maxUnpool2d indices shape", lambda: F.max_unpool2d(r(1, 1, 2, 2), torch.zeros(1, 1, 2, 3, dtype=L), 2))
error("maxUnpool2d index too big", lambda: F.max_unpool2d(r(1, 1, 2, 2), torch.full((1, 1, 2, 2), 16, dtype=L), 2))
error("maxUnpool2d negative index", lambda: F.max_unpool2d(r(1, 1, 2, 2), torch.full((1, 1, 2, 2), -1, dtype=L), 2))
error("maxUnpool2d float indices", lambda: F.max_unpool2d(r(1, 1, 2, 2), torch.zeros(1, 1, 2, 2), 2))
error("maxUnpool2d 2-D input", lambda: F.max_unpool2d(r(2, 2), torch.zeros(2, 2, dtype=L), 2))
error("maxUnpool2d empty C", lambda: F.max_unpool2d(r(1, 0, 2, 2), torch.zeros(1, 0, 2, 2, dtype=L), 2))
error("maxUnpool2d outputSize out of range", lambda: F.max_unpool2d(r(1, 1, 2, 2), torch.zeros(1, 1, 2, 2, dtype=L), 2, output_size=(7, 4)))
error("maxUnpool2d outputSize length", lambda: F.max_unpool2d(r(1, 1, 2, 2), torch.zeros(1, 1, 2, 2, dtype=L), 2, output_size=(1, 4, 4)))
error("maxUnpool1d 4-D input", lambda: F.max_unpool1d(r(1, 1, 2, 2), torch.zeros(1, 1, 2, 2, dtype=L), 2))
error("maxUnpool1d index too big", lambda: F.max_unpool1d(r(1, 1, 2), torch.full((1, 1, 2), 4, dtype=L), 2))
error("interpolate size and scale", lambda: F.interpolate(r(1, 1, 4, 4), size=2, scale_factor=2))
error("interpolate neither size nor scale", lambda: F.interpolate(r(1, 1, 4, 4)))
error("interpolate alignCorners with nearest", lambda: F.interpolate(r(1, 1, 4, 4), scale_factor=2, align_corners=True))
error("interpolate 2-D input", lambda: F.interpolate(r(4, 4), scale_factor=2))
error("interpolate bilinear on 3-D input", lambda: F.interpolate(r(1, 4, 4), scale_factor=2, mode="bilinear"))
error("interpolate linear on 4-D input", lambda: F.interpolate(r(1, 1, 4, 4), scale_factor=2, mode="linear"))
error("interpolate size of 3", lambda: F.interpolate(r(1, 1, 4, 4), size=(2, 2, 2)))
error("interpolate scale of 3", lambda: F.interpolate(r(1, 1, 4, 4), scale_factor=(2, 2, 2)))
error("interpolate unknown mode", lambda: F.interpolate(r(1, 1, 4, 4), scale_factor=2, mode="foo"))
error("interpolate size 0", lambda: F.interpolate(r(1, 1, 4, 4), size=0))
error("interpolate scale too small", lambda: F.interpolate(r(1, 1, 4, 4), scale_factor=0.1))
error("interpolate 1-D size 0", lambda: F.interpolate(r(1, 1, 4), size=0))
error("interpolate empty input", lambda: F.interpolate(r(1, 1, 0, 4), scale_factor=2))
error("interpolate recompute with size", lambda: F.interpolate(r(1, 1, 4, 4), size=3, recompute_scale_factor=True))
error("interpolate non-integer size", lambda: F.interpolate(r(1, 1, 4, 4), size=(2.5, 2)))
error("interpolate integer input", lambda: F.interpolate(torch.arange(16).reshape(1, 1, 4, 4), scale_factor=2))
error("Upsample size and scale", lambda: nn.Upsample(size=2, scale_factor=2)(r(1, 1, 4, 4)))
error("Upsample neither", lambda: nn.Upsample()(r(1, 1, 4, 4)))

with open(OUT, "w") as f:
    json.dump({"torch": torch.__version__, "tensors": tensors, "cases": cases, "double": double, "reprs": reprs, "errors": errors}, f, separators=(",", ":"))
print(f"wrote {len(cases)} cases, {len(reprs)} reprs, {len(errors)} errors to {OUT}")
