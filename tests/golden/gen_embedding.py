"""Generates tests/golden/embedding.json: real PyTorch values for tests/nn/embedding.test.ts (the test
itself never needs Python).

    python tests/golden/gen_embedding.py

`embedding`: F.embedding calls on a stored weight (options in tsgrad's spelling: paddingIdx, maxNorm,
normType, scaleGradByFreq), with the output, its grad_fn name, an upstream gradient, the weight's
gradient, the weight after the call (maxNorm renormalises rows in place) and, where PyTorch's double
backward is right (not with scale_grad_by_freq, whose double backward PyTorch leaves unscaled), the
gradient of <dW, v> with respect to the upstream gradient for a stored v, and dW's grad_fn name.
`embeddingBag`: F.embedding_bag calls (mode, offsets, perSampleWeights, includeLastOffset,
paddingIdx, scaleGradByFreq, maxNorm) with the output, the gradients of the weight and of the
per-sample weights, and the weight after. With scale_grad_by_freq PyTorch's CPU kernel divides by the
wrong counts (see reference_bag_grad): `gradWeight` is then the reference computed through F.embedding,
and PyTorch's own gradient is kept as `torchGradWeight`. `modules`: reprs of nn.Embedding and nn.EmbeddingBag built
with tsgrad's options. `pretrained`: Embedding.from_pretrained on a stored weight, run forward and
backward. `errors`: PyTorch's messages for bad calls.

Tensors are stored once by name, flat and row-major; float32 values are stored as the doubles they
are, so each round-trips exactly. int64 indices are stored as integers (tsgrad's int32).
"""

import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "embedding.json")

torch.manual_seed(20240615)
tensors = {}
counter = [0]
DTYPES = {"float32": torch.float32, "float64": torch.float64}


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


def long(data):
    return torch.tensor(data, dtype=torch.long)


EMB_KW = {"paddingIdx": "padding_idx", "maxNorm": "max_norm", "normType": "norm_type", "scaleGradByFreq": "scale_grad_by_freq"}
BAG_KW = {
    "maxNorm": "max_norm",
    "normType": "norm_type",
    "scaleGradByFreq": "scale_grad_by_freq",
    "mode": "mode",
    "includeLastOffset": "include_last_offset",
    "paddingIdx": "padding_idx",
}


def jsonable(options):
    return {k: (num(v) if isinstance(v, float) else v) for k, v in options.items()}


# ---------------------------------------------------------------------------------------------
# F.embedding
# ---------------------------------------------------------------------------------------------

embedding_cases = []


def embedding_case(name, rows, dim, indices, dtype="float64", scale=1.0, double=True, **options):
    w0 = (torch.randn(rows, dim, dtype=torch.float64) * scale).to(DTYPES[dtype])
    w = w0.clone().requires_grad_(True)
    idx = long(indices)
    kwargs = {EMB_KW[k]: v for k, v in options.items()}
    y = F.embedding(idx, w, **kwargs)
    g = torch.randn(y.shape, dtype=torch.float64).to(DTYPES[dtype])
    (dw,) = torch.autograd.grad(y, w, g)
    case = {
        "name": name,
        "dtype": dtype,
        "weight": store(w0),
        "input": store(idx),
        "options": jsonable(options),
        "output": store(y),
        "gradFn": type(y.grad_fn).__name__,
        "gradOutput": store(g),
        "gradWeight": store(dw),
        "weightAfter": store(w),
    }
    if double and not options.get("scaleGradByFreq", False):
        # a fresh lookup in the renormalised weight (no maxNorm, so it changes nothing more)
        gg = g.clone().requires_grad_(True)
        w2 = w.detach().clone().requires_grad_(True)
        y2 = F.embedding(idx, w2, **{k: v for k, v in kwargs.items() if k != "max_norm"})
        (dw2,) = torch.autograd.grad(y2, w2, gg, create_graph=True)
        v = torch.randn(dw2.shape, dtype=torch.float64).to(DTYPES[dtype])
        (ddg,) = torch.autograd.grad(dw2, gg, v)
        case["double"] = {"v": store(v), "gradGradOutput": store(ddg), "gradWeightGradFn": type(dw2.grad_fn).__name__}
    embedding_cases.append(case)


embedding_case("1-D indices", 6, 3, [0, 2, 5, 2])
embedding_case("2-D indices with repeats", 7, 4, [[1, 3, 3], [6, 0, 1]])
embedding_case("0-d index", 5, 3, 4)
embedding_case("float32", 6, 5, [[5, 1], [1, 0], [2, 2]], dtype="float32")
embedding_case("paddingIdx", 6, 3, [[0, 2, 5], [2, 2, 1]], paddingIdx=2)
embedding_case("negative paddingIdx", 6, 3, [[5, 0], [5, 3]], paddingIdx=-1)
embedding_case("scaleGradByFreq", 6, 3, [[1, 1, 4], [1, 4, 0]], scaleGradByFreq=True)
embedding_case("scaleGradByFreq and paddingIdx", 6, 3, [[1, 1, 4], [1, 4, 0]], scaleGradByFreq=True, paddingIdx=4)
embedding_case("maxNorm (2-norm)", 6, 4, [[0, 1, 1], [3, 5, 0]], scale=2.0, maxNorm=1.5)
embedding_case("maxNorm, normType 1", 6, 4, [0, 2, 4], scale=2.0, maxNorm=2.0, normType=1.0)
embedding_case("maxNorm, normType 3", 6, 4, [1, 2, 1], scale=2.0, maxNorm=1.0, normType=3.0)
embedding_case("maxNorm, normType inf", 6, 4, [5, 3], scale=2.0, maxNorm=0.5, normType=float("inf"))
embedding_case("maxNorm float32", 8, 6, [[7, 0, 3], [3, 3, 1]], dtype="float32", scale=2.0, maxNorm=1.0)
embedding_case("maxNorm with paddingIdx", 6, 3, [0, 1, 2, 1], scale=3.0, maxNorm=1.0, paddingIdx=1)
# (PyTorch's double backward fails on an empty input: "cannot reshape tensor of 0 elements into shape [2, 0, -1]")
embedding_case("empty input", 4, 3, [[], []], double=False)

# ---------------------------------------------------------------------------------------------
# F.embedding_bag
# ---------------------------------------------------------------------------------------------

bag_cases = []


def reference_bag_grad(w0, idx, offs, g, options):
    """The weight gradient of a 1-D embedding_bag with scale_grad_by_freq, through F.embedding."""
    w = w0.clone().requires_grad_(True)
    padding = options.get("paddingIdx")
    rows = F.embedding(idx, w, padding_idx=padding, scale_grad_by_freq=True)
    n = idx.numel()
    ends = offs.tolist()[1:] + [n]
    out = []
    for start, end in zip(offs.tolist(), ends):
        keep = [i for i in range(start, end) if padding is None or idx[i].item() != padding % w0.shape[0]]
        part = rows[keep].sum(0) if keep else torch.zeros(w0.shape[1], dtype=w0.dtype)
        if options.get("mode") == "mean" and keep:
            part = part / len(keep)
        out.append(part)
    (dw,) = torch.autograd.grad(torch.stack(out), w, g)
    return dw


def bag_case(name, rows, dim, indices, offsets=None, psw=None, dtype="float64", weight=None, scale=1.0, **options):
    if weight is None:
        w0 = (torch.randn(rows, dim, dtype=torch.float64) * scale).to(DTYPES[dtype])
    else:
        w0 = torch.tensor(weight, dtype=DTYPES[dtype])
    w = w0.clone().requires_grad_(True)
    idx = long(indices)
    offs = None if offsets is None else long(offsets)
    p = None if psw is None else torch.tensor(psw, dtype=DTYPES[dtype]).requires_grad_(True)
    kwargs = {BAG_KW[k]: v for k, v in options.items()}
    y = F.embedding_bag(idx, w, offs, per_sample_weights=p, **kwargs)
    g = torch.randn(y.shape, dtype=torch.float64).to(DTYPES[dtype])
    inputs = [w] + ([p] if p is not None else [])
    grads = torch.autograd.grad(y, inputs, g, allow_unused=True)
    torch_grad_weight = None
    if options.get("scaleGradByFreq", False):
        # PyTorch's CPU embedding_bag divides the k-th distinct index's gradient by the count of the
        # index at sorted position k instead of its own count (divisors [2, 2, 3] for counts [2, 3, 1]).
        # The reference is F.embedding's scaling (1 / the index's count in the input), summed into bags.
        torch_grad_weight = grads[0]
        grads = (reference_bag_grad(w0, idx, offs, g, options),) + grads[1:]
    case = {
        "name": name,
        "dtype": dtype,
        "weight": store(w0),
        "input": store(idx),
        "offsets": None if offs is None else store(offs),
        "perSampleWeights": None if p is None else store(p),
        "options": jsonable(options),
        "output": store(y),
        "gradFn": type(y.grad_fn).__name__,
        "gradOutput": store(g),
        "gradWeight": store(grads[0]),
        "gradPerSampleWeights": None if p is None else store(grads[1]),
        "weightAfter": store(w),
    }
    if torch_grad_weight is not None:
        case["torchGradWeight"] = store(torch_grad_weight)
    bag_cases.append(case)


for mode in ["sum", "mean", "max"]:
    bag_case(f"{mode}: offsets with an empty bag", 8, 3, [1, 4, 4, 7, 0, 2, 2], [0, 3, 3, 5], mode=mode)
    bag_case(f"{mode}: 2-D input", 8, 3, [[1, 4, 4], [7, 0, 2]], mode=mode)
    bag_case(f"{mode}: includeLastOffset", 8, 3, [1, 4, 4, 7, 0, 2, 2], [0, 2, 5, 7], mode=mode, includeLastOffset=True)
    # PyTorch's CPU kernel runs the last bag to the input's end, whatever the last offset says
    bag_case(f"{mode}: includeLastOffset, the last offset short of the end", 8, 3, [1, 4, 4, 7, 0, 2, 2], [0, 2, 5], mode=mode, includeLastOffset=True)
    bag_case(f"{mode}: paddingIdx (a bag of padding only)", 8, 3, [1, 3, 3, 7, 3, 2], [0, 3, 4], mode=mode, paddingIdx=3)
    bag_case(f"{mode}: negative paddingIdx", 8, 3, [[1, 7, 7], [7, 0, 2]], mode=mode, paddingIdx=-1)
    bag_case(f"{mode}: float32", 9, 5, [8, 1, 1, 0, 6, 2, 3, 3, 5], [0, 4, 6], dtype="float32", mode=mode)
    bag_case(f"{mode}: maxNorm", 8, 4, [1, 4, 4, 7, 0, 2], [0, 2, 4], scale=2.0, mode=mode, maxNorm=1.0)
for mode in ["sum", "mean"]:
    bag_case(f"{mode}: scaleGradByFreq", 8, 3, [1, 4, 4, 7, 4, 1], [0, 3], mode=mode, scaleGradByFreq=True)
    bag_case(f"{mode}: scaleGradByFreq and paddingIdx", 8, 3, [1, 4, 4, 7, 4, 1], [0, 3], mode=mode, scaleGradByFreq=True, paddingIdx=4)
bag_case("sum: perSampleWeights", 8, 3, [1, 4, 4, 7, 0, 2, 2], [0, 3, 3, 5], psw=[0.5, -1.0, 2.0, 0.25, 1.5, -0.75, 3.0], mode="sum")
bag_case("sum: perSampleWeights, 2-D", 8, 3, [[1, 4, 4], [7, 0, 2]], psw=[[0.5, -1.0, 2.0], [0.25, 1.5, -0.75]], mode="sum")
bag_case(
    "sum: perSampleWeights and paddingIdx", 8, 3, [1, 4, 4, 7, 0, 2, 2], [0, 3, 5], psw=[0.5, -1.0, 2.0, 0.25, 1.5, -0.75, 3.0], mode="sum", paddingIdx=2
)
bag_case("sum: perSampleWeights float32", 8, 3, [1, 4, 4, 7], [0, 2], psw=[0.5, -1.0, 2.0, 0.25], dtype="float32", mode="sum")
bag_case(
    "max: ties go to the first row of the bag",
    4,
    3,
    [2, 1, 3, 0, 1],
    [0, 3],
    weight=[[0.5, 1.0, -2.0], [3.0, 1.0, 0.0], [3.0, -1.0, 0.0], [1.0, 1.0, 0.0]],
    mode="max",
)
bag_case("mean: empty input", 5, 3, [], [0, 0], mode="mean")

# ---------------------------------------------------------------------------------------------
# Module reprs and from_pretrained
# ---------------------------------------------------------------------------------------------

modules = []


def module_case(cls, rows, dim, **options):
    kw = {**EMB_KW, **BAG_KW}
    m = getattr(nn, cls)(rows, dim, **{kw[k]: v for k, v in options.items()})
    entry = {"module": cls, "args": [rows, dim], "options": jsonable(options), "repr": repr(m)}
    if m.padding_idx is not None:
        entry["paddingIdx"] = m.padding_idx
    modules.append(entry)


module_case("Embedding", 10, 3)
module_case("Embedding", 10, 3, paddingIdx=0)
module_case("Embedding", 10, 3, paddingIdx=-1)
module_case("Embedding", 10, 3, maxNorm=1.0)
module_case("Embedding", 10, 3, maxNorm=2.5, normType=3.0)
module_case("Embedding", 10, 3, paddingIdx=2, maxNorm=1.0, normType=1.0, scaleGradByFreq=True)
module_case("Embedding", 0, 3)
module_case("EmbeddingBag", 10, 3)
module_case("EmbeddingBag", 10, 3, mode="sum", paddingIdx=2)
module_case("EmbeddingBag", 10, 3, mode="max", maxNorm=1.0, normType=1.0, includeLastOffset=True)
module_case("EmbeddingBag", 10, 3, mode="mean", scaleGradByFreq=True, paddingIdx=-2)

pretrained_weight = torch.randn(5, 3, dtype=torch.float64)
pretrained = []
for freeze, padding in [(True, None), (False, None), (False, 1)]:
    m = nn.Embedding.from_pretrained(pretrained_weight.clone(), freeze=freeze, padding_idx=padding)
    idx = long([[1, 0, 4], [1, 1, 3]])
    y = m(idx)
    entry = {"freeze": freeze, "paddingIdx": padding, "repr": repr(m), "requiresGrad": m.weight.requires_grad, "input": store(idx), "output": store(y)}
    if not freeze:
        g = torch.randn(y.shape, dtype=torch.float64)
        y.backward(g)
        entry["gradOutput"] = store(g)
        entry["gradWeight"] = store(m.weight.grad)
    pretrained.append(entry)
bag_pretrained = nn.EmbeddingBag.from_pretrained(pretrained_weight.clone(), mode="max", freeze=False)
bag_idx = long([[1, 0, 4], [2, 2, 3]])
bag_out = bag_pretrained(bag_idx)
pretrained_bag = {"repr": repr(bag_pretrained), "requiresGrad": bag_pretrained.weight.requires_grad, "input": store(bag_idx), "output": store(bag_out)}

# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------

errors = {}


def error(name, fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        errors[name] = str(e).split("\n")[0]
        return
    raise AssertionError(f"{name}: PyTorch accepted it")


W = torch.randn(5, 3)
error("index out of range", lambda: F.embedding(long([5]), W))
error("negative index", lambda: F.embedding(long([-1]), W))
error("float indices", lambda: F.embedding(torch.tensor([1.0]), W))
error("weight not 2-D", lambda: F.embedding(long([1]), torch.randn(5)))
error("functional paddingIdx too large", lambda: F.embedding(long([1]), W, padding_idx=5))
error("functional paddingIdx too small", lambda: F.embedding(long([1]), W, padding_idx=-6))
error("module paddingIdx too large", lambda: nn.Embedding(10, 3, padding_idx=10))
error("module paddingIdx too small", lambda: nn.Embedding(10, 3, padding_idx=-11))
error("bag module paddingIdx", lambda: nn.EmbeddingBag(10, 3, padding_idx=10))
error("_weight shape", lambda: nn.Embedding(10, 3, _weight=torch.randn(3, 3)))
error("fromPretrained 1-D", lambda: nn.Embedding.from_pretrained(torch.randn(3)))
error("bag without offsets", lambda: F.embedding_bag(long([1, 2]), W))
error("bag 2-D with offsets", lambda: F.embedding_bag(long([[1, 2]]), W, long([0])))
error("bag offsets[0]", lambda: F.embedding_bag(long([1, 2]), W, long([1])))
error("bag offsets[-1]", lambda: F.embedding_bag(long([1, 2]), W, long([0, 3])))
error("bag offsets 2-D", lambda: F.embedding_bag(long([1, 2]), W, long([[0]])))
error("bag perSampleWeights with mean", lambda: F.embedding_bag(long([1, 2]), W, long([0]), mode="mean", per_sample_weights=torch.rand(2)))
error("bag perSampleWeights shape", lambda: F.embedding_bag(long([1, 2]), W, long([0]), mode="sum", per_sample_weights=torch.rand(3)))
error("bag index out of range", lambda: F.embedding_bag(long([1, 5]), W, long([0])))
error("bag input 3-D", lambda: F.embedding_bag(long([[[1]]]), W))
error("bag mode", lambda: F.embedding_bag(long([1, 2]), W, long([0]), mode="avg"))
error("bag max with scaleGradByFreq", lambda: F.embedding_bag(long([1, 2]), W, long([0]), mode="max", scale_grad_by_freq=True))
error("bag float offsets", lambda: F.embedding_bag(long([1, 2]), W, torch.tensor([0.0])))
error("bag functional paddingIdx", lambda: F.embedding_bag(long([1, 2]), W, long([0]), padding_idx=5))
error("bag weight not 2-D", lambda: F.embedding_bag(long([1, 2]), torch.randn(5), long([0])))
error(
    "bag perSampleWeights dtype",
    lambda: F.embedding_bag(long([1, 2]), W, long([0]), mode="sum", per_sample_weights=torch.rand(2, dtype=torch.float64)),
)

with open(OUT, "w") as f:
    json.dump(
        {
            "torch": torch.__version__,
            "tensors": tensors,
            "embedding": embedding_cases,
            "embeddingBag": bag_cases,
            "modules": modules,
            "pretrained": {"weight": store(pretrained_weight), "embedding": pretrained, "bag": pretrained_bag},
            "errors": errors,
        },
        f,
        separators=(",", ":"),
    )
    f.write("\n")
print(f"wrote {OUT}: {len(embedding_cases)} embedding cases, {len(bag_cases)} bag cases, {len(errors)} errors")
