"""Generates tests/golden/conv.json and conv-state.safetensors: real PyTorch values for
tests/nn/conv.test.ts (the test itself never needs Python).

    python tests/golden/gen_conv.py

`cases`: one convolution each, through a module (Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d,
built with the given positional `args` and `options`, in tsgrad's spelling, its weight and bias then
set to stored random values) or a functional (conv1d, conv2d, conv_transpose1d, conv_transpose2d,
unfold, fold), in float64 and in float32. Each stores the input, the output, the grad_fn names from
the output back towards the input (`gradFns`), the upstream gradient and the gradients of the input,
the weight and the bias. `reprs`: modules as PyTorch prints them. `init`: the bounds of PyTorch's
default initialisation and the statistics of a large sample. `errors`: PyTorch's messages for bad
calls. `state`: modules whose state dicts are saved with safetensors (keys `<module>.weight`, ...),
with an input and PyTorch's output for each.

Tensors are stored once by name, flat and row-major; float32 values are stored as the doubles they
are, so each round-trips exactly.
"""

import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "conv.json")
STATE = os.path.join(HERE, "conv-state.safetensors")

torch.manual_seed(20240620)
tensors = {}
counter = [0]
DTYPES = {"float32": torch.float32, "float64": torch.float64}
PY_NAMES = {"paddingMode": "padding_mode", "outputPadding": "output_padding", "kernelSize": "kernel_size", "outputSize": "output_size"}


def store(t):
    """Stores a tensor under a fresh name and returns the name."""
    counter[0] += 1
    name = f"t{counter[0]}"
    t = t.detach()
    dtype = {torch.float32: "float32", torch.float64: "float64"}[t.dtype]
    tensors[name] = {"shape": list(t.shape), "dtype": dtype, "data": [float(v) for v in t.reshape(-1).tolist()]}
    return name


def py_options(options):
    return {PY_NAMES.get(k, k): (tuple(v) if isinstance(v, list) else v) for k, v in options.items()}


def grad_fns(t):
    """The grad_fn names from t back along each node's first input, up to the leaf or the padding."""
    names = []
    fn = t.grad_fn
    while fn is not None and fn.name() != "torch::autograd::AccumulateGrad":
        names.append(fn.name())
        if "Pad" in names[-1] or "CopySlices" in names[-1]:
            break
        nxt = [f for f, _ in fn.next_functions if f is not None]
        fn = nxt[0] if nxt else None
    return names


MODULES = {"Conv1d": nn.Conv1d, "Conv2d": nn.Conv2d, "ConvTranspose1d": nn.ConvTranspose1d, "ConvTranspose2d": nn.ConvTranspose2d}
FUNCTIONALS = {
    "conv1d": F.conv1d,
    "conv2d": F.conv2d,
    "convTranspose1d": F.conv_transpose1d,
    "convTranspose2d": F.conv_transpose2d,
}

cases = []


def module_case(name, kind, args, options, input_shape, output_size=None):
    for dtype in ("float64", "float32"):
        dt = DTYPES[dtype]
        m = MODULES[kind](*args, **py_options(options), dtype=dt)
        with torch.no_grad():
            m.weight.copy_(torch.randn(m.weight.shape, dtype=dt))
            if m.bias is not None:
                m.bias.copy_(torch.randn(m.bias.shape, dtype=dt))
        x = torch.randn(input_shape, dtype=dt, requires_grad=True)
        y = m(x, output_size) if output_size is not None else m(x)
        g = torch.randn(y.shape, dtype=dt)
        params = [x, m.weight] + ([m.bias] if m.bias is not None else [])
        grads = torch.autograd.grad(y, params, g)
        case = {
            "name": f"{name} {dtype}",
            "api": "module",
            "kind": kind,
            "args": list(args),
            "options": options,
            "dtype": dtype,
            "input": store(x),
            "weight": store(m.weight),
            "bias": store(m.bias) if m.bias is not None else None,
            "output": store(y),
            "gradFns": grad_fns(y),
            "gradOutput": store(g),
            "grads": {"input": store(grads[0]), "weight": store(grads[1]), "bias": store(grads[2]) if m.bias is not None else None},
        }
        if output_size is not None:
            case["outputSize"] = list(output_size)
        cases.append(case)


def functional_case(name, kind, input_shape, weight_shape, bias, options):
    """A functional convolution; options given as a list are positional arguments (in PyTorch and in the test)."""
    positional = isinstance(options, list)
    for dtype in ("float64", "float32"):
        dt = DTYPES[dtype]
        x = torch.randn(input_shape, dtype=dt, requires_grad=True)
        w = torch.randn(weight_shape, dtype=dt, requires_grad=True)
        b = torch.randn(bias, dtype=dt, requires_grad=True) if bias else None
        fn = FUNCTIONALS[kind]
        if positional:
            y = fn(x, w, b, *[(tuple(v) if isinstance(v, list) else v) for v in options])
        else:
            y = fn(x, w, b, **py_options(options))
        g = torch.randn(y.shape, dtype=dt)
        params = [x, w] + ([b] if b is not None else [])
        grads = torch.autograd.grad(y, params, g)
        cases.append(
            {
                "name": f"{name} {dtype}",
                "api": "functional",
                "kind": kind,
                "positional": positional,
                "options": options,
                "dtype": dtype,
                "input": store(x),
                "weight": store(w),
                "bias": store(b) if b is not None else None,
                "output": store(y),
                "gradFns": grad_fns(y),
                "gradOutput": store(g),
                "grads": {"input": store(grads[0]), "weight": store(grads[1]), "bias": store(grads[2]) if b is not None else None},
            }
        )


def fold_case(name, kind, input_shape, args, options):
    """unfold(input, kernel_size, **options) or fold(input, output_size, kernel_size, **options)."""
    for dtype in ("float64", "float32"):
        dt = DTYPES[dtype]
        x = torch.randn(input_shape, dtype=dt, requires_grad=True)
        fn = F.unfold if kind == "unfold" else F.fold
        y = fn(x, *[(tuple(v) if isinstance(v, list) else v) for v in args], **py_options(options))
        g = torch.randn(y.shape, dtype=dt)
        (gx,) = torch.autograd.grad(y, [x], g)
        cases.append(
            {
                "name": f"{name} {dtype}",
                "api": "fold",
                "kind": kind,
                "args": args,
                "options": options,
                "dtype": dtype,
                "input": store(x),
                "output": store(y),
                "gradFns": grad_fns(y),
                "gradOutput": store(g),
                "grads": {"input": store(gx)},
            }
        )


# ---- Conv2d over the options ----
module_case("Conv2d basic", "Conv2d", [3, 4, 3], {}, [2, 3, 7, 6])
module_case("Conv2d stride 2", "Conv2d", [3, 4, 3], {"stride": 2}, [2, 3, 7, 8])
module_case("Conv2d stride (2, 1), kernel (3, 2)", "Conv2d", [2, 3, [3, 2]], {"stride": [2, 1]}, [2, 2, 8, 5])
module_case("Conv2d stride 3 > kernel 2", "Conv2d", [2, 3, 2], {"stride": 3}, [1, 2, 8, 7])
module_case("Conv2d padding 1", "Conv2d", [3, 4, 3], {"padding": 1}, [2, 3, 5, 5])
module_case("Conv2d padding (1, 2)", "Conv2d", [3, 4, 3], {"padding": [1, 2]}, [2, 3, 5, 4])
module_case("Conv2d padding 2 > kernel half, stride 2", "Conv2d", [2, 3, 3], {"padding": 2, "stride": 2}, [2, 2, 5, 6])
module_case("Conv2d padding same, kernel 3", "Conv2d", [3, 4, 3], {"padding": "same"}, [2, 3, 6, 5])
module_case("Conv2d padding same, kernel (2, 4)", "Conv2d", [3, 2, [2, 4]], {"padding": "same"}, [2, 3, 5, 6])
module_case("Conv2d padding same, kernel 2, dilation (1, 2)", "Conv2d", [2, 3, 2], {"padding": "same", "dilation": [1, 2]}, [1, 2, 5, 6])
module_case("Conv2d padding valid", "Conv2d", [3, 4, 3], {"padding": "valid"}, [2, 3, 5, 5])
module_case("Conv2d dilation 2", "Conv2d", [3, 4, 3], {"dilation": 2}, [2, 3, 8, 7])
module_case("Conv2d dilation (2, 1), padding 1, stride 2", "Conv2d", [3, 4, 3], {"dilation": [2, 1], "padding": 1, "stride": 2}, [2, 3, 9, 8])
module_case("Conv2d groups 2", "Conv2d", [4, 6, 3], {"groups": 2}, [2, 4, 6, 6])
module_case("Conv2d depthwise", "Conv2d", [4, 4, 3], {"groups": 4, "padding": 1}, [2, 4, 5, 6])
module_case("Conv2d depthwise, multiplier 2", "Conv2d", [3, 6, 3], {"groups": 3, "stride": 2}, [2, 3, 7, 7])
module_case("Conv2d bias false", "Conv2d", [3, 4, 3], {"bias": False}, [2, 3, 5, 5])
module_case("Conv2d kernel 1", "Conv2d", [5, 3, 1], {}, [2, 5, 4, 3])
module_case("Conv2d kernel 1, stride 2", "Conv2d", [5, 3, 1], {"stride": 2}, [2, 5, 5, 4])
module_case("Conv2d kernel 1, groups 5", "Conv2d", [5, 5, 1], {"groups": 5}, [2, 5, 3, 3])
module_case("Conv2d unbatched", "Conv2d", [3, 4, 3], {"padding": 1}, [3, 5, 4])
module_case("Conv2d unbatched, padding same (2, 2)", "Conv2d", [3, 4, 2], {"padding": "same"}, [3, 5, 4])
module_case("Conv2d batch 1", "Conv2d", [1, 2, 3], {}, [1, 1, 5, 5])
module_case("Conv2d 64 out channels (packed gemm)", "Conv2d", [4, 64, 3], {"padding": 1}, [1, 4, 10, 10])
for mode in ("reflect", "replicate", "circular"):
    module_case(f"Conv2d padding (1, 2) {mode}", "Conv2d", [3, 4, 3], {"padding": [1, 2], "paddingMode": mode}, [2, 3, 5, 6])
    module_case(f"Conv2d padding same (2, 3) {mode}", "Conv2d", [2, 3, [2, 3]], {"padding": "same", "paddingMode": mode}, [2, 2, 5, 6])
    module_case(f"Conv2d {mode}, stride 2, groups 2, unbatched", "Conv2d", [4, 2, 3], {"padding": 1, "paddingMode": mode, "stride": 2, "groups": 2}, [4, 5, 5])
module_case("Conv2d positional stride padding dilation groups bias", "Conv2d", [4, 2, 3, 2, 1, 1, 2, False], {}, [2, 4, 7, 7])

# ---- Conv1d ----
module_case("Conv1d basic", "Conv1d", [3, 4, 3], {}, [2, 3, 9])
module_case("Conv1d stride 2, padding 1, dilation 2", "Conv1d", [3, 4, 3], {"stride": 2, "padding": 1, "dilation": 2}, [2, 3, 11])
module_case("Conv1d groups 3", "Conv1d", [3, 6, 2], {"groups": 3}, [2, 3, 7])
module_case("Conv1d padding same, kernel 4", "Conv1d", [2, 3, 4], {"padding": "same"}, [2, 2, 7])
module_case("Conv1d bias false, kernel 1", "Conv1d", [4, 2, 1], {"bias": False}, [3, 4, 5])
module_case("Conv1d unbatched", "Conv1d", [3, 4, 3], {"padding": 1}, [3, 6])
for mode in ("reflect", "replicate", "circular"):
    module_case(f"Conv1d padding 2 {mode}", "Conv1d", [2, 3, 3], {"padding": 2, "paddingMode": mode}, [2, 2, 6])

# ---- ConvTranspose2d ----
module_case("ConvTranspose2d basic", "ConvTranspose2d", [3, 4, 3], {}, [2, 3, 4, 5])
module_case("ConvTranspose2d stride 2", "ConvTranspose2d", [3, 4, 3], {"stride": 2}, [2, 3, 4, 4])
module_case("ConvTranspose2d stride 2, padding 1, outputPadding 1", "ConvTranspose2d", [3, 2, 3], {"stride": 2, "padding": 1, "outputPadding": 1}, [2, 3, 4, 3])
module_case("ConvTranspose2d stride (2, 3), kernel (2, 3)", "ConvTranspose2d", [2, 3, [2, 3]], {"stride": [2, 3]}, [2, 2, 3, 4])
module_case("ConvTranspose2d dilation 2, outputPadding 1 (stride 1)", "ConvTranspose2d", [2, 3, 3], {"dilation": 2, "outputPadding": 1}, [1, 2, 4, 4])
module_case("ConvTranspose2d stride 3 > kernel 2, padding 1", "ConvTranspose2d", [2, 3, 2], {"stride": 3, "padding": 1, "outputPadding": [2, 0]}, [2, 2, 3, 3])
module_case("ConvTranspose2d groups 2", "ConvTranspose2d", [4, 6, 3], {"groups": 2, "stride": 2}, [2, 4, 3, 3])
module_case("ConvTranspose2d depthwise", "ConvTranspose2d", [3, 3, 3], {"groups": 3, "padding": 1}, [2, 3, 4, 4])
module_case("ConvTranspose2d bias false", "ConvTranspose2d", [3, 4, 2], {"bias": False, "stride": 2}, [2, 3, 3, 3])
module_case("ConvTranspose2d kernel 1", "ConvTranspose2d", [4, 3, 1], {}, [2, 4, 3, 2])
module_case("ConvTranspose2d kernel 1, stride 2", "ConvTranspose2d", [4, 3, 1], {"stride": 2, "outputPadding": 1}, [2, 4, 3, 2])
module_case("ConvTranspose2d unbatched", "ConvTranspose2d", [3, 2, 3], {"stride": 2}, [3, 3, 4])
module_case("ConvTranspose2d outputSize", "ConvTranspose2d", [3, 2, 3], {"stride": 2, "padding": 1}, [2, 3, 4, 4], output_size=[8, 7])
module_case("ConvTranspose2d outputSize, whole shape", "ConvTranspose2d", [3, 2, 3], {"stride": 3}, [1, 3, 3, 3], output_size=[1, 2, 11, 10])
module_case("ConvTranspose2d positional", "ConvTranspose2d", [4, 2, 3, 2, 1, 1, 2, True, 1], {}, [2, 4, 3, 3])

# ---- ConvTranspose1d ----
module_case("ConvTranspose1d basic", "ConvTranspose1d", [3, 4, 3], {}, [2, 3, 5])
module_case("ConvTranspose1d stride 2, padding 1, outputPadding 1, dilation 2", "ConvTranspose1d", [2, 3, 3], {"stride": 2, "padding": 1, "outputPadding": 1, "dilation": 2}, [2, 2, 5])
module_case("ConvTranspose1d groups 2, unbatched", "ConvTranspose1d", [4, 2, 2], {"groups": 2}, [4, 5])

# ---- functionals, positional and by keyword ----
functional_case("conv2d positional", "conv2d", [2, 4, 6, 6], [6, 2, 3, 3], [6], [2, 1, 1, 2])
functional_case("conv2d keyword padding same", "conv2d", [2, 3, 5, 5], [4, 3, 2, 2], [4], {"padding": "same"})
functional_case("conv2d keyword stride [2], no bias", "conv2d", [2, 3, 6, 6], [4, 3, 3, 3], None, {"stride": [2], "dilation": [1, 2]})
functional_case("conv1d positional", "conv1d", [2, 4, 9], [2, 4, 3], [2], [2, 2, 2])
functional_case("conv1d unbatched, padding valid", "conv1d", [4, 9], [2, 4, 3], None, {"padding": "valid"})
functional_case("conv_transpose2d positional", "convTranspose2d", [2, 4, 3, 3], [4, 3, 3, 3], [6], [2, 1, 1, 2, 1])
functional_case("conv_transpose2d keyword", "convTranspose2d", [2, 2, 3, 4], [2, 3, 2, 3], [3], {"stride": [2, 1], "dilation": [1, 2], "outputPadding": [1, 1]})
functional_case("conv_transpose1d keyword", "convTranspose1d", [2, 2, 5], [2, 3, 3], [3], {"stride": 2, "outputPadding": 1})
fold_case("unfold", "unfold", [2, 3, 5, 6], [[2, 3]], {"stride": [1, 2], "padding": 1, "dilation": [2, 1]})
fold_case("unfold unbatched", "unfold", [2, 4, 4], [2], {})
fold_case("fold", "fold", [2, 12, 18], [[4, 5], [2, 2]], {"stride": 1, "padding": [0, 1]})
fold_case("fold overlapping, unbatched", "fold", [8, 9], [[5, 5], 2], {"stride": 2, "dilation": 1, "padding": 1})

# ---- printed reprs ----
REPR_SPECS = [
    ("Conv2d", [1, 32, 3, 1], {}),
    ("Conv2d", [1, 32, 3], {}),
    ("Conv2d", [3, 6, [3, 1]], {"stride": [2, 1], "padding": [1, 0]}),
    ("Conv2d", [3, 6, 3], {"stride": 2, "padding": 1, "dilation": 2, "groups": 3, "bias": False, "paddingMode": "reflect"}),
    ("Conv2d", [3, 4, 2], {"padding": "same"}),
    ("Conv2d", [3, 4, 3], {"padding": "valid", "paddingMode": "circular"}),
    ("Conv2d", [4, 4, 3], {"groups": 4, "paddingMode": "replicate", "padding": 1}),
    ("Conv1d", [3, 4, 3], {}),
    ("Conv1d", [3, 4, 3], {"padding": "valid"}),
    ("Conv1d", [2, 4, 5], {"stride": 2, "padding": 2, "dilation": 3, "groups": 2, "bias": False}),
    ("ConvTranspose2d", [3, 4, 3], {"stride": 2, "outputPadding": 1}),
    ("ConvTranspose2d", [16, 8, [4, 3]], {"stride": [2, 1], "padding": 1, "groups": 4, "dilation": 2, "bias": False}),
    ("ConvTranspose1d", [3, 4, 3], {}),
]
reprs = [{"kind": k, "args": a, "options": o, "repr": repr(MODULES[k](*a, **py_options(o)))} for k, a, o in REPR_SPECS]

# ---- initialisation: bounds and the statistics of a large sample ----
INIT_SPECS = [
    ("Conv2d", [16, 128, 3], {}),
    ("Conv2d", [1, 32, 5], {}),
    ("Conv1d", [6, 64, 4], {"groups": 2}),
    ("ConvTranspose2d", [8, 96, 3], {"groups": 4}),
    ("ConvTranspose1d", [5, 40, 7], {}),
]
init = []
for kind, args, options in INIT_SPECS:
    m = MODULES[kind](*args, **py_options(options))
    fan_in, _ = nn.init._calculate_fan_in_and_fan_out(m.weight)
    gain = nn.init.calculate_gain("leaky_relu", math.sqrt(5))
    w = m.weight.detach().double()
    init.append(
        {
            "kind": kind,
            "args": args,
            "options": options,
            "weightShape": list(m.weight.shape),
            "fanIn": fan_in,
            "weightBound": math.sqrt(3.0) * gain / math.sqrt(fan_in),
            "biasBound": 1 / math.sqrt(fan_in),
            "weightStd": w.std().item(),
            "weightAbsMax": w.abs().max().item(),
        }
    )

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
error("conv2d 2-D input", lambda: nn.Conv2d(1, 32, 3)(r(2, 3)))
error("conv1d 4-D input", lambda: F.conv1d(r(1, 2, 3, 3), r(2, 2, 2)))
error("conv_transpose2d 2-D input", lambda: nn.ConvTranspose2d(2, 3, 3)(r(2, 3)))
error("conv2d channels", lambda: nn.Conv2d(1, 32, 3)(r(2, 3, 5, 5)))
error("conv2d channels unbatched", lambda: nn.Conv2d(1, 32, 3)(r(3, 5, 5)))
error("conv2d channels groups", lambda: F.conv2d(r(1, 2, 3, 3), r(2, 2, 2, 2), groups=2))
error("conv2d weight not divisible", lambda: F.conv2d(r(1, 4, 3, 3), r(3, 2, 2, 2), groups=2))
error("conv_transpose2d channels", lambda: F.conv_transpose2d(r(1, 3, 3, 3), r(2, 2, 3, 3)))
error("conv2d bias", lambda: F.conv2d(r(1, 2, 3, 3), r(2, 2, 2, 2), r(3)))
error("conv_transpose2d bias", lambda: F.conv_transpose2d(r(1, 4, 3, 3), r(4, 2, 3, 3), r(3), groups=2))
error("conv2d kernel too big", lambda: F.conv2d(r(1, 1, 3, 3), r(2, 1, 5, 5)))
error("conv2d dilated kernel too big", lambda: F.conv2d(r(1, 1, 4, 4), r(2, 1, 2, 3), dilation=2))
error("conv1d kernel too big", lambda: F.conv1d(r(1, 2, 3), r(2, 2, 5)))
error("conv2d stride length", lambda: F.conv2d(r(1, 2, 3, 3), r(2, 2, 2, 2), stride=(1, 1, 1)))
error("conv2d padding length", lambda: F.conv2d(r(1, 2, 3, 3), r(2, 2, 2, 2), padding=(1, 2, 3)))
error("conv2d stride 0", lambda: F.conv2d(r(1, 2, 3, 3), r(2, 2, 2, 2), stride=0))
error("conv2d padding -1", lambda: F.conv2d(r(1, 2, 3, 3), r(2, 2, 2, 2), padding=-1))
error("conv2d dilation 0", lambda: F.conv2d(r(1, 2, 3, 3), r(2, 2, 2, 2), dilation=(0, 1)))
error("conv2d groups 0", lambda: F.conv2d(r(1, 2, 3, 3), r(2, 2, 2, 2), groups=0))
error("conv2d same strided", lambda: F.conv2d(r(1, 2, 3, 3), r(2, 2, 2, 2), padding="same", stride=2))
error("conv2d padding string", lambda: F.conv2d(r(1, 2, 3, 3), r(2, 2, 2, 2), padding="zz"))
error("conv2d kernel 0", lambda: F.conv2d(r(1, 2, 3, 3), r(2, 2, 0, 0)))
error("conv_transpose2d output padding", lambda: F.conv_transpose2d(r(1, 2, 3, 3), r(2, 2, 3, 3), stride=2, output_padding=2))
error("conv_transpose2d output too small", lambda: F.conv_transpose2d(r(1, 2, 3, 3), r(2, 2, 3, 3), padding=(4, 0)))
error("conv_transpose2d negative output padding", lambda: F.conv_transpose2d(r(1, 4, 3, 3), r(4, 2, 3, 3), output_padding=-1))
error("Conv2d groups 0", lambda: nn.Conv2d(4, 6, 3, groups=0))
error("Conv2d in_channels groups", lambda: nn.Conv2d(4, 6, 3, groups=3))
error("Conv2d out_channels groups", lambda: nn.Conv2d(4, 6, 3, groups=4))
error("Conv2d same strided", lambda: nn.Conv2d(4, 6, 3, padding="same", stride=2))
error("ConvTranspose2d padding mode", lambda: nn.ConvTranspose2d(2, 2, 3, padding_mode="reflect"))
error("ConvTranspose2d outputSize range", lambda: nn.ConvTranspose2d(2, 3, 3, stride=2)(r(1, 2, 4, 4), output_size=[11, 11]))
error("ConvTranspose2d outputSize length", lambda: nn.ConvTranspose2d(2, 3, 3, stride=2)(r(1, 2, 4, 4), output_size=[2, 10, 10]))
error("unfold blocks", lambda: F.unfold(r(1, 2, 3, 3), 4))
error("unfold stride 0", lambda: F.unfold(r(1, 2, 3, 3), 2, stride=0))
error("unfold padding -1", lambda: F.unfold(r(1, 2, 3, 3), 2, padding=-1))
error("fold kernel product", lambda: F.fold(r(1, 7, 4), (3, 3), 2))
error("fold blocks", lambda: F.fold(r(1, 8, 5), (3, 3), 2))
error("fold 4-D input", lambda: F.fold(r(2, 1, 8, 4), (3, 3), 2))

# ---- state dicts saved with safetensors ----
STATE_SPECS = [
    ("conv1d", "Conv1d", [3, 4, 3], {"padding": 1}, [2, 3, 8], "float32"),
    ("conv2d", "Conv2d", [3, 8, 3], {"stride": 2, "padding": 1}, [2, 3, 9, 9], "float32"),
    ("depthwise", "Conv2d", [4, 4, 3], {"groups": 4, "bias": False, "padding": "same", "paddingMode": "reflect"}, [1, 4, 6, 6], "float32"),
    ("up", "ConvTranspose2d", [4, 2, 3], {"stride": 2, "padding": 1, "outputPadding": 1}, [2, 4, 3, 3], "float32"),
    ("double", "Conv2d", [2, 3, 2], {}, [2, 2, 4, 4], "float64"),
]
state = []
saved = {}
for prefix, kind, args, options, input_shape, dtype in STATE_SPECS:
    m = MODULES[kind](*args, **py_options(options), dtype=DTYPES[dtype])
    x = torch.randn(input_shape, dtype=DTYPES[dtype])
    with torch.no_grad():
        y = m(x)
    sd = m.state_dict()
    for k, v in sd.items():
        saved[f"{prefix}.{k}"] = v.contiguous()
    state.append(
        {
            "prefix": prefix,
            "kind": kind,
            "args": args,
            "options": options,
            "dtype": dtype,
            "keys": [[k, list(v.shape), str(v.dtype).replace("torch.", "")] for k, v in sd.items()],
            "input": store(x),
            "output": store(y),
        }
    )
save_file(saved, STATE)

with open(OUT, "w") as f:
    json.dump(
        {"torch": torch.__version__, "tensors": tensors, "cases": cases, "reprs": reprs, "init": init, "errors": errors, "state": state},
        f,
        separators=(",", ":"),
    )
print(f"wrote {len(cases)} cases, {len(reprs)} reprs, {len(init)} init specs, {len(errors)} errors, {len(state)} state dicts to {OUT}")
