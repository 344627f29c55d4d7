"""Generates tests/golden/state-dicts.json and state-dicts.safetensors: every module class of
tsgrad.nn built as PyTorch builds it, for tests/nn/state-dicts.test.ts (the test never needs Python).

    /work/venv/bin/python tests/golden/gen_state_dicts.py

`cases`: a module built from `py` (PyTorch) and from `kind` + `args` (tsgrad's constructor, options
in camelCase; `{"$module": [kind, args]}` is a nested module, `{"$tensor": [shape, dtype]}` a zero
tensor whose values come from the state dict). Each case records PyTorch's `repr`, the state dict's
keys in order with shapes and dtypes, and its values (every float parameter and buffer set to seeded
random values first, so that the forward check means something) in state-dicts.safetensors under
`<case>/<key>`. `eval`: the outputs of the module in eval mode on `inputs`. `train` (where the train
forward is deterministic): the outputs in train mode, from the same state, and the state dict after
that forward under `<case>@train/<key>` (running statistics, num_batches_tracked).

`errors`: a bad input PyTorch rejects for a case's module, PyTorch's message and the `phrase` of it
that tsgrad's message must contain.

Tensors are stored inline, flat and row-major; float32 values as the doubles they are (so they
round-trip exactly), int64 values as integers (tsgrad's int32).
"""

import json
import math
import os

import torch
import torch.nn as nn
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "state-dicts.json")
STATE = os.path.join(HERE, "state-dicts.safetensors")

DTYPES = {"float32": torch.float32, "float64": torch.float64}
NAMES = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int64", torch.bool: "bool"}


def num(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def enc(t):
    t = t.detach()
    if t.dtype in (torch.float32, torch.float64):
        return {"shape": list(t.shape), "dtype": NAMES[t.dtype], "data": [num(v) for v in t.reshape(-1).tolist()]}
    return {"shape": list(t.shape), "dtype": NAMES[t.dtype], "data": [int(v) for v in t.reshape(-1).tolist()]}


def M(kind, *args):
    """A nested tsgrad module for `args`."""
    return {"$module": [kind, list(args)]}


def T(shape, dtype="float32"):
    return {"$tensor": [list(shape), dtype]}


def make_inputs(specs, dtype):
    """Concrete inputs from specs: ('randn', shape), ('rand', shape, lo, hi), ('sign', shape),
    ('bits', shape), ('int', high, shape), ('ints', nested), ('list', ints), ('unpool', dims, k, shape)."""
    fd = DTYPES[dtype]
    out = []
    for s in specs:
        k = s[0]
        if k == "randn":
            out.append(torch.randn(s[1], dtype=fd))
        elif k == "rand":
            out.append(torch.rand(s[1], dtype=fd) * (s[3] - s[2]) + s[2])
        elif k == "sign":
            out.append(torch.randint(0, 2, s[1]).to(fd) * 2 - 1)
        elif k == "bits":
            out.append(torch.randint(0, 2, s[1]).to(fd))
        elif k == "int":
            out.append(torch.randint(0, s[1], s[2]))
        elif k == "ints":
            out.append(torch.tensor(s[1], dtype=torch.int64))
        elif k == "list":
            out.append(list(s[1]))
        elif k == "unpool":
            x = torch.randn(s[3], dtype=fd)
            pool = nn.MaxPool1d(s[2], return_indices=True) if s[1] == 1 else nn.MaxPool2d(s[2], return_indices=True)
            v, i = pool(x)
            out += [v, i]
        else:
            raise ValueError(k)
    return out


def enc_input(x):
    return {"list": x} if isinstance(x, list) else enc(x)


def outputs(y):
    if isinstance(y, (tuple, list)):
        return [enc(t) for t in y]
    return [enc(y)]


cases = []
errors = []
state = {}
bad = []


def randomize(m, seed):
    """Every float parameter and buffer to seeded random values (variances positive, counts 3)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, t in list(m.named_parameters()) + list(m.named_buffers()):
            if t.dtype in (torch.float32, torch.float64):
                r = torch.randn(t.shape, generator=g, dtype=torch.float64).to(t.dtype)
                if name.endswith("running_var") or name.endswith("pos_weight") or (name == "weight" and isinstance(m, nn.modules.loss._Loss)):
                    r = r.abs() + 0.5
                t.copy_(r)
            elif t.dtype == torch.int64:
                t.fill_(3)


def case(name, kind, args, py, inputs=(), dtype="float32", train=False, randomize_state=True):
    assert name not in [c["name"] for c in cases], name
    seed = 1000 + len(cases)
    torch.manual_seed(seed)
    m = eval(py)
    if randomize_state:
        randomize(m, seed)
    sd = m.state_dict()
    for k, v in sd.items():
        state[f"{name}/{k}"] = v.detach().clone().contiguous()
    torch.manual_seed(seed + 1)
    xs = make_inputs(inputs, dtype)
    c = {
        "name": name,
        "kind": kind,
        "args": args,
        "py": py,
        "dtype": dtype,
        "repr": repr(m),
        "keys": [[k, list(v.shape), NAMES[v.dtype]] for k, v in sd.items()],
        "inputs": [enc_input(x) for x in xs],
    }
    if inputs:
        m.eval()
        with torch.no_grad():
            c["eval"] = outputs(m(*[x.clone() if torch.is_tensor(x) else x for x in xs]))
        if train:
            m.train()
            with torch.no_grad():
                c["train"] = outputs(m(*[x.clone() if torch.is_tensor(x) else x for x in xs]))
            for k, v in m.state_dict().items():
                state[f"{name}@train/{k}"] = v.detach().clone().contiguous()
    cases.append(c)


def error(name, inputs, phrase, dtype="float32", train=False, ours=None, why=None):
    """PyTorch's message for a case's module called on bad inputs; `phrase` (one or a list) must be
    part of it, and is what tsgrad's message must contain (ignoring case: tsgrad starts its messages
    with the function's name). Where tsgrad words it otherwise on purpose, `ours` (naming the shapes)
    is what tsgrad's must contain instead, and `why` says why."""
    c = next(c for c in cases if c["name"] == name)
    torch.manual_seed(7)
    m = eval(c["py"])
    m.train(train)
    xs = make_inputs(inputs, dtype)
    try:
        m(*xs)
    except Exception as e:  # noqa: BLE001 -- any of PyTorch's error types
        message = str(e).split("\n")[0]
    else:
        bad.append((name, phrase, "ACCEPTED"))
        return
    phrases = phrase if isinstance(phrase, list) else [phrase]
    if not all(p in message for p in phrases):
        bad.append((name, phrase, message))
        return
    e = {"case": name, "inputs": [enc_input(x) for x in xs], "train": train, "message": message, "phrases": phrases}
    if ours is not None:
        e["ours"] = ours
        e["why"] = why
    errors.append(e)


# ---- convolutions ----
case("conv1d", "Conv1d", [2, 3, 3], "nn.Conv1d(2, 3, 3)", [("randn", [2, 2, 7])])
case(
    "conv1d_opts",
    "Conv1d",
    [4, 2, 3, {"stride": 2, "padding": 2, "dilation": 2, "groups": 2, "bias": False, "paddingMode": "circular"}],
    "nn.Conv1d(4, 2, 3, stride=2, padding=2, dilation=2, groups=2, bias=False, padding_mode='circular')",
    [("randn", [1, 4, 9])],
)
case("conv2d", "Conv2d", [1, 4, 3, 1], "nn.Conv2d(1, 4, 3, 1)", [("randn", [2, 1, 5, 5])])
case(
    "conv2d_same",
    "Conv2d",
    [2, 4, [3, 2], {"padding": "same", "groups": 2, "paddingMode": "reflect", "dtype": "float64"}],
    "nn.Conv2d(2, 4, (3, 2), padding='same', groups=2, padding_mode='reflect', dtype=torch.float64)",
    [("randn", [1, 2, 4, 5])],
    dtype="float64",
)
case("conv2d_valid", "Conv2d", [2, 2, 2, {"padding": "valid", "stride": [1, 2]}], "nn.Conv2d(2, 2, 2, padding='valid', stride=(1, 2))", [("randn", [1, 2, 4, 5])])
case("convt1d", "ConvTranspose1d", [2, 3, 3], "nn.ConvTranspose1d(2, 3, 3)", [("randn", [2, 2, 4])])
case(
    "convt1d_opts",
    "ConvTranspose1d",
    [2, 4, 3, {"stride": 2, "padding": 1, "outputPadding": 1, "groups": 2, "bias": False, "dilation": 1}],
    "nn.ConvTranspose1d(2, 4, 3, stride=2, padding=1, output_padding=1, groups=2, bias=False)",
    [("randn", [1, 2, 4])],
)
case("convt2d", "ConvTranspose2d", [2, 3, 2, {"stride": 2}], "nn.ConvTranspose2d(2, 3, 2, stride=2)", [("randn", [1, 2, 3, 3])])
case(
    "convt2d_opts",
    "ConvTranspose2d",
    [2, 2, [3, 2], {"stride": [2, 1], "padding": [1, 0], "outputPadding": [1, 0], "dilation": [1, 2], "dtype": "float64"}],
    "nn.ConvTranspose2d(2, 2, (3, 2), stride=(2, 1), padding=(1, 0), output_padding=(1, 0), dilation=(1, 2), dtype=torch.float64)",
    [("randn", [1, 2, 3, 3])],
    dtype="float64",
)
error("conv1d", [("randn", [2, 2, 3, 7])], "Expected 2D (unbatched) or 3D (batched) input to conv1d")
error("conv1d", [("randn", [2, 3, 7])], "expected input[2, 3, 7] to have 2 channels, but got 3 channels instead")
error("conv2d", [("randn", [5, 5])], "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [5, 5]")
error("conv2d", [("randn", [2, 2, 5, 5])], "expected input[2, 2, 5, 5] to have 1 channels, but got 2 channels instead")
error("conv2d", [("randn", [1, 1, 2, 2])], "Kernel size can't be greater than actual input size")
error("convt2d", [("randn", [1, 3, 3, 3])], "expected input[1, 3, 3, 3] to have 2 channels, but got 3 channels instead")
error("convt2d", [("randn", [3, 3])], "Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got input of size: [3, 3]")
error("convt1d", [("randn", [3, 3, 3, 3])], "Expected 2D (unbatched) or 3D (batched) input to conv_transpose1d, but got input of size: [3, 3, 3, 3]")

# ---- pooling and upsampling ----
case("maxpool1d", "MaxPool1d", [2], "nn.MaxPool1d(2)", [("randn", [2, 3, 7])])
case(
    "maxpool1d_opts",
    "MaxPool1d",
    [3, {"stride": 2, "padding": 1, "dilation": 2, "returnIndices": True, "ceilMode": True}],
    "nn.MaxPool1d(3, stride=2, padding=1, dilation=2, return_indices=True, ceil_mode=True)",
    [("randn", [1, 2, 9])],
)
case("maxpool2d", "MaxPool2d", [2, 2], "nn.MaxPool2d(2, 2)", [("randn", [1, 2, 4, 5])])
case(
    "maxpool2d_opts",
    "MaxPool2d",
    [[3, 2], {"stride": [2, 1], "padding": [1, 0], "ceilMode": True, "returnIndices": True}],
    "nn.MaxPool2d((3, 2), stride=(2, 1), padding=(1, 0), ceil_mode=True, return_indices=True)",
    [("randn", [2, 5, 4])],
    dtype="float64",
)
case("avgpool1d", "AvgPool1d", [3], "nn.AvgPool1d(3)", [("randn", [1, 2, 7])])
case(
    "avgpool1d_opts",
    "AvgPool1d",
    [3, {"stride": 2, "padding": 1, "ceilMode": True, "countIncludePad": False}],
    "nn.AvgPool1d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)",
    [("randn", [1, 2, 8])],
)
case("avgpool2d", "AvgPool2d", [2], "nn.AvgPool2d(2)", [("randn", [1, 2, 4, 4])])
case(
    "avgpool2d_opts",
    "AvgPool2d",
    [[3, 2], {"stride": 2, "padding": 1, "ceilMode": True, "countIncludePad": False, "divisorOverride": 3}],
    "nn.AvgPool2d((3, 2), stride=2, padding=1, ceil_mode=True, count_include_pad=False, divisor_override=3)",
    [("randn", [1, 2, 5, 5])],
    dtype="float64",
)
case("adaptiveavgpool1d", "AdaptiveAvgPool1d", [3], "nn.AdaptiveAvgPool1d(3)", [("randn", [1, 2, 7])])
case("adaptiveavgpool2d", "AdaptiveAvgPool2d", [[2, 3]], "nn.AdaptiveAvgPool2d((2, 3))", [("randn", [1, 2, 5, 7])])
case("adaptiveavgpool2d_none", "AdaptiveAvgPool2d", [[None, 2]], "nn.AdaptiveAvgPool2d((None, 2))", [("randn", [2, 3, 5])])
case("adaptivemaxpool1d", "AdaptiveMaxPool1d", [3, True], "nn.AdaptiveMaxPool1d(3, True)", [("randn", [1, 2, 7])])
case("adaptivemaxpool2d", "AdaptiveMaxPool2d", [2], "nn.AdaptiveMaxPool2d(2)", [("randn", [1, 2, 5, 5])])
case("adaptivemaxpool2d_idx", "AdaptiveMaxPool2d", [[2, 3], {"returnIndices": True}], "nn.AdaptiveMaxPool2d((2, 3), return_indices=True)", [("randn", [1, 2, 5, 7])])
case("maxunpool1d", "MaxUnpool1d", [2], "nn.MaxUnpool1d(2)", [("unpool", 1, 2, [1, 2, 6])])
case("maxunpool2d", "MaxUnpool2d", [2, {"stride": 2}], "nn.MaxUnpool2d(2, stride=2)", [("unpool", 2, 2, [1, 2, 4, 4])])
case("upsample_nearest", "Upsample", [{"scaleFactor": 2}], "nn.Upsample(scale_factor=2)", [("randn", [1, 2, 2, 3])])
case(
    "upsample_bilinear",
    "Upsample",
    [{"size": [3, 5], "mode": "bilinear", "alignCorners": True}],
    "nn.Upsample(size=(3, 5), mode='bilinear', align_corners=True)",
    [("randn", [1, 2, 2, 3])],
)
case("upsample_linear", "Upsample", [None, 1.5, "linear"], "nn.Upsample(None, 1.5, 'linear')", [("randn", [1, 2, 4])])
case("upsamplingnearest2d", "UpsamplingNearest2d", [{"scaleFactor": 2}], "nn.UpsamplingNearest2d(scale_factor=2)", [("randn", [1, 1, 2, 2])])
case("upsamplingbilinear2d", "UpsamplingBilinear2d", [[4, 4]], "nn.UpsamplingBilinear2d((4, 4))", [("randn", [1, 1, 2, 3])])
error("maxpool2d", [("randn", [4])], "3D or 4D (batch mode) tensor expected for input")
error("maxpool1d", [("randn", [4])], ["Expected 2D or 3D (batch mode) tensor", "but got:[4]"])
error("avgpool2d", [("randn", [1, 1, 2, 2, 2])], ["Expected 3D or 4D (batch mode) tensor", "but got:[1, 1, 2, 2, 2]"])
error("avgpool1d", [("randn", [2, 3, 4, 5])], "Expected 2 to 3 dimensions, but got 4-dimensional tensor")
error("avgpool1d", [("randn", [2, 3, 2])], "Output size is too small")
error("adaptiveavgpool2d", [("randn", [5])], "Input dimension should be at least 3")
error("adaptivemaxpool2d", [("randn", [5])], "Expected 3D or 4D tensor, but got: [5]")
error("upsample_bilinear", [("randn", [1, 2, 3])], "Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of [3] and output size of (3, 5)")
error("upsample_nearest", [("randn", [2, 3])], "Input Error: Only 3D, 4D and 5D input Tensors supported (got 2D)")
error("upsample_linear", [("randn", [1, 2, 4, 4])], "Got 4D input, but linear mode needs 3D input")

# ---- normalization ----
case("batchnorm1d", "BatchNorm1d", [3], "nn.BatchNorm1d(3)", [("randn", [4, 3])], train=True)
case("batchnorm1d_3d", "BatchNorm1d", [2, {"momentum": None, "eps": 1e-3}], "nn.BatchNorm1d(2, momentum=None, eps=1e-3)", [("randn", [3, 2, 4])], train=True)
case("batchnorm1d_noaffine", "BatchNorm1d", [3, {"affine": False}], "nn.BatchNorm1d(3, affine=False)", [("randn", [4, 3])], train=True)
case("batchnorm2d", "BatchNorm2d", [2], "nn.BatchNorm2d(2)", [("randn", [2, 2, 3, 3])], train=True)
case(
    "batchnorm2d_f64",
    "BatchNorm2d",
    [3, {"momentum": 0.3, "dtype": "float64"}],
    "nn.BatchNorm2d(3, momentum=0.3, dtype=torch.float64)",
    [("randn", [2, 3, 2, 2])],
    dtype="float64",
    train=True,
)
case(
    "batchnorm2d_notrack",
    "BatchNorm2d",
    [2, {"trackRunningStats": False, "affine": False}],
    "nn.BatchNorm2d(2, track_running_stats=False, affine=False)",
    [("randn", [2, 2, 3, 3])],
    train=True,
)
case("instancenorm2d", "InstanceNorm2d", [2], "nn.InstanceNorm2d(2)", [("randn", [2, 2, 3, 3])], train=True)
case(
    "instancenorm2d_track",
    "InstanceNorm2d",
    [2, {"affine": True, "trackRunningStats": True, "momentum": 0.2}],
    "nn.InstanceNorm2d(2, affine=True, track_running_stats=True, momentum=0.2)",
    [("randn", [2, 2, 3, 3])],
    train=True,
)
case("layernorm", "LayerNorm", [4], "nn.LayerNorm(4)", [("randn", [2, 3, 4])])
case(
    "layernorm_opts",
    "LayerNorm",
    [[2, 3], {"eps": 1e-3, "bias": False, "dtype": "float64"}],
    "nn.LayerNorm((2, 3), eps=1e-3, bias=False, dtype=torch.float64)",
    [("randn", [2, 2, 3])],
    dtype="float64",
)
case("layernorm_noaffine", "LayerNorm", [[3], {"elementwiseAffine": False}], "nn.LayerNorm([3], elementwise_affine=False)", [("randn", [2, 3])])
case("groupnorm", "GroupNorm", [2, 4], "nn.GroupNorm(2, 4)", [("randn", [2, 4, 3])])
case("groupnorm_opts", "GroupNorm", [1, 2, {"eps": 1e-4, "affine": False}], "nn.GroupNorm(1, 2, eps=1e-4, affine=False)", [("randn", [2, 2, 2, 2])])
case("rmsnorm", "RMSNorm", [4], "nn.RMSNorm(4)", [("randn", [2, 4])])
case("rmsnorm_opts", "RMSNorm", [[2, 3], {"eps": 1e-5, "elementwiseAffine": False}], "nn.RMSNorm([2, 3], eps=1e-5, elementwise_affine=False)", [("randn", [2, 2, 3])])
case("localresponsenorm", "LocalResponseNorm", [3], "nn.LocalResponseNorm(3)", [("randn", [1, 4, 2, 2])])
case("localresponsenorm_opts", "LocalResponseNorm", [2, {"alpha": 0.01, "beta": 0.5, "k": 2}], "nn.LocalResponseNorm(2, alpha=0.01, beta=0.5, k=2.0)", [("randn", [1, 3, 4])])
error("batchnorm1d", [("randn", [2, 3, 4, 5])], "expected 2D or 3D input (got 4D input)")
error("batchnorm2d", [("randn", [2, 2])], "expected 4D input (got 2D input)")
error("batchnorm2d", [("randn", [2, 3, 2, 2])], "running_mean should contain 3 elements not 2")
error("batchnorm1d", [("randn", [1, 3])], ["Expected more than 1 value per channel when training, got input size", "[1, 3]"], train=True)
error("instancenorm2d", [("randn", [2, 2])], "expected 3D or 4D input (got 2D input)")
error("layernorm", [("randn", [2, 3])], "Given normalized_shape=[4], expected input with shape [*, 4], but got input of size[2, 3]")
error("groupnorm", [("randn", [2, 3, 3])], "Expected number of channels in input to be divisible by num_groups, but got input of shape [2, 3, 3] and num_groups=2")
error("rmsnorm", [("randn", [2, 3])], ["Given normalized_shape=[4]", "but got input of size[2, 3]"])
error("localresponsenorm", [("randn", [4, 4])], ["Expected 3D or higher dimensionality", "input (got 2 dimensions)"])

# ---- dropout ----
case("dropout", "Dropout", [], "nn.Dropout()", [("randn", [2, 3])])
case("dropout_p0", "Dropout", [0, True], "nn.Dropout(0.0, True)", [("randn", [2, 3])], train=True)
case("dropout1d", "Dropout1d", [0.2], "nn.Dropout1d(0.2)", [("randn", [2, 3, 4])])
case("dropout2d", "Dropout2d", [0.3], "nn.Dropout2d(p=0.3)", [("randn", [1, 2, 3, 3])])
case("dropout3d", "Dropout3d", [0.25], "nn.Dropout3d(p=0.25)", [("randn", [1, 2, 2, 2, 2])])
case("alphadropout", "AlphaDropout", [0.1], "nn.AlphaDropout(0.1)", [("randn", [2, 3])])
case("featurealphadropout", "FeatureAlphaDropout", [0.4], "nn.FeatureAlphaDropout(0.4)", [("randn", [1, 2, 3])])
error("dropout1d", [("randn", [2, 3, 4, 5])], "dropout1d: Expected 2D or 3D input, but received a 4D input", train=True)

# ---- linear, embeddings, shapes ----
case("linear", "Linear", [3, 2], "nn.Linear(3, 2)", [("randn", [4, 3])])
case("linear_nobias", "Linear", [3, 2, {"bias": False, "dtype": "float64"}], "nn.Linear(3, 2, bias=False, dtype=torch.float64)", [("randn", [2, 2, 3])], dtype="float64")
case("embedding", "Embedding", [5, 3], "nn.Embedding(5, 3)", [("ints", [[0, 4, 2], [1, 1, 3]])])
case(
    "embedding_opts",
    "Embedding",
    [6, 2, {"paddingIdx": 1, "maxNorm": 1.5, "normType": 1, "scaleGradByFreq": True}],
    "nn.Embedding(6, 2, padding_idx=1, max_norm=1.5, norm_type=1.0, scale_grad_by_freq=True)",
    [("ints", [1, 5, 2])],
)
case("embeddingbag", "EmbeddingBag", [5, 3], "nn.EmbeddingBag(5, 3)", [("ints", [[0, 4], [1, 3]])])
case(
    "embeddingbag_sum",
    "EmbeddingBag",
    [6, 2, {"mode": "sum", "paddingIdx": 0, "maxNorm": 2}],
    "nn.EmbeddingBag(6, 2, mode='sum', padding_idx=0, max_norm=2.0)",
    [("ints", [0, 3, 5, 2, 0]), ("ints", [0, 2])],
)
case(
    "embeddingbag_max",
    "EmbeddingBag",
    [4, 2, {"mode": "max", "includeLastOffset": True}],
    "nn.EmbeddingBag(4, 2, mode='max', include_last_offset=True)",
    [("ints", [0, 3, 1, 2]), ("ints", [0, 1, 4])],
)
case("flatten", "Flatten", [], "nn.Flatten()", [("randn", [2, 2, 3])])
case("flatten_opts", "Flatten", [0, 1], "nn.Flatten(0, 1)", [("randn", [2, 2, 3])])
case("unflatten", "Unflatten", [1, [2, 3]], "nn.Unflatten(1, (2, 3))", [("randn", [2, 6])])
case("unflatten_neg", "Unflatten", [-1, [2, -1]], "nn.Unflatten(-1, (2, -1))", [("randn", [2, 4])])
case("identity", "Identity", [], "nn.Identity()", [("randn", [2, 3])])
error("linear", [("randn", [4, 2])], "mat1 and mat2 shapes cannot be multiplied (4x2 and 3x2)")
error("linear_nobias", [("randn", [2, 2, 2])], "mat1 and mat2 shapes cannot be multiplied (4x2 and 3x2)", dtype="float64")
error("embedding", [("randn", [2])], "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int")
error("embeddingbag", [("ints", [[[0]]])], "input has to be 1D or 2D Tensor, but got Tensor of dimension 3")
error("unflatten", [("randn", [2, 5])], "unflatten: Provided sizes [2, 3] don't multiply up to the size of dim 1 (5) in the input tensor")

# ---- containers ----
case(
    "sequential",
    "Sequential",
    [M("Conv2d", 1, 2, 3), M("BatchNorm2d", 2), M("ReLU"), M("MaxPool2d", 2), M("Flatten"), M("Linear", 2, 3)],
    "nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(2, 3))",
    [("randn", [2, 1, 4, 4])],
    train=True,
)
case(
    "sequential_nested",
    "Sequential",
    [M("Sequential", M("Linear", 2, 3), M("Tanh")), M("Dropout", 0.1), M("Sequential", M("Linear", 3, 2, {"bias": False}), M("LayerNorm", 2))],
    "nn.Sequential(nn.Sequential(nn.Linear(2, 3), nn.Tanh()), nn.Dropout(0.1), nn.Sequential(nn.Linear(3, 2, bias=False), nn.LayerNorm(2)))",
    [("randn", [3, 2])],
)
case("sequential_empty", "Sequential", [], "nn.Sequential()", [("randn", [2])])
case(
    "modulelist",
    "ModuleList",
    [[M("Linear", 2, 2), M("BatchNorm1d", 2), M("ModuleList", [M("PReLU", 2)])]],
    "nn.ModuleList([nn.Linear(2, 2), nn.BatchNorm1d(2), nn.ModuleList([nn.PReLU(2)])])",
)
case("modulelist_empty", "ModuleList", [], "nn.ModuleList()")
case(
    "moduledict",
    "ModuleDict",
    [{"conv": M("Conv1d", 1, 2, 2), "norm": M("GroupNorm", 1, 2), "act": M("GELU", "tanh")}],
    "nn.ModuleDict({'conv': nn.Conv1d(1, 2, 2), 'norm': nn.GroupNorm(1, 2), 'act': nn.GELU('tanh')})",
)
case("parameterlist", "ParameterList", [[T([2, 3]), T([3]), T([1], "float64")]], "nn.ParameterList([torch.zeros(2, 3), torch.zeros(3), torch.zeros(1, dtype=torch.float64)])")
case("parameterlist_empty", "ParameterList", [], "nn.ParameterList()")
case("parameterdict", "ParameterDict", [{"w": T([2, 2]), "b": T([2], "float64")}], "nn.ParameterDict({'w': torch.zeros(2, 2), 'b': torch.zeros(2, dtype=torch.float64)})")

# ---- activations ----
X = [("randn", [2, 5])]
X3 = [("randn", [2, 4, 3])]
case("relu", "ReLU", [], "nn.ReLU()", X)
case("relu_inplace", "ReLU", [True], "nn.ReLU(inplace=True)", X)
case("leakyrelu", "LeakyReLU", [], "nn.LeakyReLU()", X)
case("leakyrelu_opts", "LeakyReLU", [0.2, True], "nn.LeakyReLU(0.2, True)", X)
case("softsign", "Softsign", [], "nn.Softsign()", X)
case("sigmoid", "Sigmoid", [], "nn.Sigmoid()", X)
case("tanh", "Tanh", [], "nn.Tanh()", X)
case("softmax", "Softmax", [1], "nn.Softmax(dim=1)", X3)
case("softmax_neg", "Softmax", [-1], "nn.Softmax(-1)", X3, dtype="float64")
case("logsoftmax", "LogSoftmax", [0], "nn.LogSoftmax(dim=0)", X3)
case("elu", "ELU", [], "nn.ELU()", X)
case("elu_opts", "ELU", [0.5, True], "nn.ELU(0.5, True)", X)
case("selu", "SELU", [], "nn.SELU()", X)
case("selu_inplace", "SELU", [True], "nn.SELU(True)", X)
case("celu", "CELU", [], "nn.CELU()", X)
case("celu_opts", "CELU", [2], "nn.CELU(2.0)", X)
case("gelu", "GELU", [], "nn.GELU()", X)
case("gelu_tanh", "GELU", ["tanh"], "nn.GELU('tanh')", X, dtype="float64")
case("silu", "SiLU", [], "nn.SiLU()", X)
case("silu_inplace", "SiLU", [True], "nn.SiLU(True)", X)
case("mish", "Mish", [], "nn.Mish()", X)
case("softplus", "Softplus", [], "nn.Softplus()", X)
case("softplus_opts", "Softplus", [2, 1], "nn.Softplus(2.0, 1.0)", X)
case("softshrink", "Softshrink", [], "nn.Softshrink()", X)
case("softshrink_opts", "Softshrink", [1], "nn.Softshrink(1.0)", X)
case("hardshrink", "Hardshrink", [0.3], "nn.Hardshrink(0.3)", X)
case("tanhshrink", "Tanhshrink", [], "nn.Tanhshrink()", X)
case("hardtanh", "Hardtanh", [], "nn.Hardtanh()", X)
case("hardtanh_opts", "Hardtanh", [-0.5, 2, True], "nn.Hardtanh(-0.5, 2.0, True)", X)
case("relu6", "ReLU6", [], "nn.ReLU6()", X)
case("relu6_inplace", "ReLU6", [True], "nn.ReLU6(True)", X)
case("hardsigmoid", "Hardsigmoid", [], "nn.Hardsigmoid()", X)
case("hardsigmoid_inplace", "Hardsigmoid", [True], "nn.Hardsigmoid(True)", X)
case("hardswish", "Hardswish", [True], "nn.Hardswish(True)", X)
case("prelu", "PReLU", [], "nn.PReLU()", X)
case("prelu_opts", "PReLU", [4, 0.1, {"dtype": "float64"}], "nn.PReLU(4, 0.1, dtype=torch.float64)", X3, dtype="float64")
case("rrelu", "RReLU", [], "nn.RReLU()", X)
case("rrelu_opts", "RReLU", [0.1, 0.3, True], "nn.RReLU(0.1, 0.3, True)", X)
case("logsigmoid", "LogSigmoid", [], "nn.LogSigmoid()", X)
case("threshold", "Threshold", [0.1, 20], "nn.Threshold(0.1, 20.0)", X)
case("threshold_opts", "Threshold", [-0.5, -2.5, True], "nn.Threshold(-0.5, -2.5, True)", X)
case("glu", "GLU", [], "nn.GLU()", [("randn", [2, 4])])
case("glu_dim", "GLU", [1], "nn.GLU(1)", X3)
case("softmin", "Softmin", [1], "nn.Softmin(dim=1)", X3)
case("softmax2d", "Softmax2d", [], "nn.Softmax2d()", [("randn", [1, 3, 2, 2])])
error("prelu_opts", [("randn", [2, 3, 3])], ["Mismatch of parameter numbers and input channel size", "parameter numbers = 4 and channel size = 3"], dtype="float64")
error("glu", [("randn", [2, 3])], "Halving dimension must be even, but dimension 1 is size 3")
error("softmax2d", [("randn", [2, 3])], "Softmax2d: expected input to be 3D or 4D, got 2D instead")

# ---- losses ----
P = [("randn", [3, 4]), ("randn", [3, 4])]
case("l1loss", "L1Loss", [], "nn.L1Loss()", P)
case("l1loss_sum", "L1Loss", [{"reduction": "sum"}], "nn.L1Loss(reduction='sum')", P)
case("mseloss", "MSELoss", [{"reduction": "none"}], "nn.MSELoss(reduction='none')", P)
case("smoothl1loss", "SmoothL1Loss", [{"beta": 0.5}], "nn.SmoothL1Loss(beta=0.5)", P)
case("huberloss", "HuberLoss", [{"delta": 0.7, "reduction": "sum"}], "nn.HuberLoss(reduction='sum', delta=0.7)", P)
case("kldivloss", "KLDivLoss", [{"reduction": "batchmean", "logTarget": True}], "nn.KLDivLoss(reduction='batchmean', log_target=True)", P)
case("poissonnllloss", "PoissonNLLLoss", [{"logInput": False, "full": True}], "nn.PoissonNLLLoss(log_input=False, full=True)", [("rand", [3, 4], 0.5, 2), ("rand", [3, 4], 0, 3)])
case("gaussiannllloss", "GaussianNLLLoss", [{"full": True, "eps": 1e-4}], "nn.GaussianNLLLoss(full=True, eps=1e-4)", [("randn", [3, 4]), ("randn", [3, 4]), ("rand", [3, 4], 0.5, 1.5)])
case("cosineembeddingloss", "CosineEmbeddingLoss", [{"margin": 0.2}], "nn.CosineEmbeddingLoss(margin=0.2)", [("randn", [3, 4]), ("randn", [3, 4]), ("sign", [3])])
case("marginrankingloss", "MarginRankingLoss", [{"margin": 0.5}], "nn.MarginRankingLoss(margin=0.5)", [("randn", [5]), ("randn", [5]), ("sign", [5])])
case("hingeembeddingloss", "HingeEmbeddingLoss", [{"margin": 2}], "nn.HingeEmbeddingLoss(margin=2.0)", [("randn", [3, 4]), ("sign", [3, 4])])
case("multilabelsoftmarginloss", "MultiLabelSoftMarginLoss", [], "nn.MultiLabelSoftMarginLoss()", [("randn", [3, 4]), ("bits", [3, 4])])
case(
    "multilabelsoftmarginloss_w",
    "MultiLabelSoftMarginLoss",
    [{"weight": T([4])}],
    "nn.MultiLabelSoftMarginLoss(weight=torch.ones(4))",
    [("randn", [3, 4]), ("bits", [3, 4])],
)
case("multimarginloss", "MultiMarginLoss", [{"p": 2, "margin": 0.5}], "nn.MultiMarginLoss(p=2, margin=0.5)", [("randn", [3, 4]), ("int", 4, [3])])
case("multimarginloss_w", "MultiMarginLoss", [{"weight": T([4])}], "nn.MultiMarginLoss(weight=torch.ones(4))", [("randn", [3, 4]), ("int", 4, [3])])
case("tripletmarginloss", "TripletMarginLoss", [{"margin": 0.5, "p": 1, "swap": True}], "nn.TripletMarginLoss(margin=0.5, p=1, swap=True)", [("randn", [3, 4])] * 3)
case("crossentropyloss", "CrossEntropyLoss", [], "nn.CrossEntropyLoss()", [("randn", [3, 4]), ("int", 4, [3])])
case(
    "crossentropyloss_w",
    "CrossEntropyLoss",
    [{"weight": T([4]), "ignoreIndex": 1, "labelSmoothing": 0.1}],
    "nn.CrossEntropyLoss(weight=torch.ones(4), ignore_index=1, label_smoothing=0.1)",
    [("randn", [3, 4]), ("int", 4, [3])],
)
case("nllloss", "NLLLoss", [{"weight": T([4]), "reduction": "sum"}], "nn.NLLLoss(weight=torch.ones(4), reduction='sum')", [("randn", [3, 4]), ("int", 4, [3])])
case("bceloss", "BCELoss", [{"weight": T([4])}], "nn.BCELoss(weight=torch.ones(4))", [("rand", [3, 4], 0.05, 0.95), ("bits", [3, 4])])
case(
    "bcewithlogitsloss",
    "BCEWithLogitsLoss",
    [{"weight": T([4]), "posWeight": T([4])}],
    "nn.BCEWithLogitsLoss(weight=torch.ones(4), pos_weight=torch.ones(4))",
    [("randn", [3, 4]), ("bits", [3, 4])],
)
case("bcewithlogitsloss_plain", "BCEWithLogitsLoss", [], "nn.BCEWithLogitsLoss()", [("randn", [3, 4]), ("bits", [3, 4])])
case(
    "ctcloss",
    "CTCLoss",
    [{"blank": 0, "reduction": "sum", "zeroInfinity": True}],
    "nn.CTCLoss(blank=0, reduction='sum', zero_infinity=True)",
    [("randn", [6, 2, 4]), ("ints", [[1, 2, 3], [2, 2, 0]]), ("list", [6, 5]), ("list", [3, 2])],
)
SAME_SHAPE = "tsgrad requires the target's shape to equal the input's (PyTorch warns and broadcasts, or fails in the broadcast)"
error("l1loss", [("randn", [3, 4]), ("randn", [3, 5])], "The size of tensor a (4) must match the size of tensor b (5) at non-singleton dimension 1", ours=["target of shape [3, 5]", "the input [3, 4]"], why=SAME_SHAPE)
error("crossentropyloss", [("randn", [3, 4]), ("int", 4, [2])], "Expected input batch_size (3) to match target batch_size (2)")
error("nllloss", [("randn", [3, 4]), ("int", 4, [2])], "Expected input batch_size (3) to match target batch_size (2)")
error("bceloss", [("rand", [3, 4], 0.1, 0.9), ("bits", [3, 5])], "Using a target size (torch.Size([3, 5])) that is different to the input size (torch.Size([3, 4])) is deprecated", ours=["target of shape [3, 5]", "the input [3, 4]"], why=SAME_SHAPE)
error("bcewithlogitsloss_plain", [("randn", [3, 4]), ("bits", [3, 5])], "Target size (torch.Size([3, 5])) must be the same as input size (torch.Size([3, 4]))", ours=["target of shape [3, 5] must have the same shape as the input [3, 4]"], why="the same check, shapes printed as tsgrad prints them")
error(
    "multimarginloss",
    [("randn", [3, 4]), ("int", 4, [2])],
    "Expected target size [3], but got [2]",
)
error("gaussiannllloss", [("randn", [3, 4]), ("randn", [3, 4]), ("rand", [3, 2], 0.5, 1.5)], "var is of incorrect size", ours=["var of shape [3, 2] is of incorrect size", "[3, 4]"], why="names both shapes")
error("marginrankingloss", [("randn", [2, 3]), ("randn", [3]), ("sign", [3])], ["All input tensors should have", "input1", "[2, 3]"])
error("tripletmarginloss", [("randn", [3, 4]), ("randn", [3, 4]), ("randn", [3])], "The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor 2D, positive 2D, and negative 1D inputs")
error(
    "cosineembeddingloss",
    [("randn", [3, 4]), ("randn", [3, 4]), ("sign", [2])],
    "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0",
    ours=["target of shape [2] must have one entry per row of the inputs, of shape [3, 4]"],
    why="names the target's and the inputs' shapes (PyTorch's comes from the broadcast inside)",
)
error(
    "multilabelsoftmarginloss",
    [("randn", [3, 4]), ("bits", [3, 5])],
    "The size of tensor a (5) must match the size of tensor b (4) at non-singleton dimension 1",
    ours=["target of shape [3, 5] must have the same shape as the input [3, 4]"],
    why="names both shapes (PyTorch's comes from the broadcast inside)",
)

# ---- more bad shapes ----
error("adaptiveavgpool1d", [("randn", [2, 3, 4, 5])], "Expected 2 to 3 dimensions, but got 4-dimensional tensor")
error("adaptivemaxpool1d", [("randn", [5])], "Expected 2 to 3 dimensions, but got 1-dimensional tensor")
error("maxunpool2d", [("randn", [2, 2]), ("ints", [[0, 1], [2, 3]])], "should be a 3d or 4d Tensor, but got a tensor with 2 dimensions")
error("maxunpool1d", [("randn", [1, 2, 3]), ("ints", [[[0, 1]]])], "Expected shape of indices to be same as that of the input tensor")
error("softmax", [("randn", [5])], "Dimension out of range (expected to be in range of [-1, 0], but got 1)")
error("softmin", [("randn", [5])], "Dimension out of range (expected to be in range of [-1, 0], but got 1)")
error("flatten", [("randn", [])], "Dimension out of range (expected to be in range of [-1, 0], but got 1)")
error("sequential", [("randn", [2, 3, 4, 4])], "expected input[2, 3, 4, 4] to have 1 channels, but got 3 channels instead")
error("upsamplingbilinear2d", [("randn", [1, 2, 3])], "Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of [3] and output size of (4, 4)")
error("upsamplingnearest2d", [("randn", [2, 3])], "Input Error: Only 3D, 4D and 5D input Tensors supported (got 2D)")
error("mseloss", [("randn", [3, 4]), ("randn", [3, 5])], "The size of tensor a (4) must match the size of tensor b (5)", ours=["[3, 5]", "[3, 4]"], why=SAME_SHAPE)
error("smoothl1loss", [("randn", [3, 4]), ("randn", [3, 5])], "The size of tensor a (4) must match the size of tensor b (5)", ours=["[3, 5]", "[3, 4]"], why=SAME_SHAPE)
error("huberloss", [("randn", [3, 4]), ("randn", [3, 5])], "The size of tensor a (4) must match the size of tensor b (5)", ours=["[3, 5]", "[3, 4]"], why=SAME_SHAPE)
error("kldivloss", [("randn", [3, 4]), ("randn", [3, 5])], "The size of tensor a (5) must match the size of tensor b (4)", ours=["[3, 5]", "[3, 4]"], why=SAME_SHAPE)
error("poissonnllloss", [("rand", [3, 4], 0.5, 2), ("rand", [3, 5], 0, 3)], "The size of tensor a (5) must match the size of tensor b (4)", ours=["[3, 5]", "[3, 4]"], why=SAME_SHAPE)
error("hingeembeddingloss", [("randn", [3, 4]), ("sign", [3, 5])], "The size of tensor a (5) must match the size of tensor b (4)", ours=["[3, 5]", "[3, 4]"], why=SAME_SHAPE)
error("ctcloss", [("randn", [6, 2, 4]), ("ints", [[1, 2], [2, 2]]), ("list", [6, 5]), ("list", [3, 2])], ["to have size at least 3 at dimension 1, but got size 2", "targets"])
error("ctcloss", [("randn", [6, 2]), ("ints", [[1, 2, 3], [2, 2, 0]]), ("list", [6, 5]), ("list", [3, 2])], "must be of size batch_size")
error("embeddingbag_sum", [("ints", [0, 3, 5, 2, 0]), ("ints", [[0, 2]])], "offsets has to be a 1D Tensor")
error("instancenorm2d_track", [("randn", [2, 3, 3, 3])], "expected input's size at dim=1 to match num_features (2), but got: 3")
error("localresponsenorm_opts", [("randn", [3, 4])], ["Expected 3D or higher dimensionality", "input (got 2 dimensions)"])

for b in bad:
    print("PHRASE NOT IN MESSAGE:", b)
assert not bad
save_file(state, STATE)
with open(OUT, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases, "errors": errors}, f, separators=(",", ":"))
    f.write("\n")
print(f"{len(cases)} cases, {len(errors)} errors, {len(state)} tensors -> {OUT}, {STATE}")
