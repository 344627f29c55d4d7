"""Generates tests/golden/shape-linalg.json: real PyTorch values, gradients, grad_fn names and errors
for the shape ops (split ... columnStack, pad, oneHot) and the linear algebra (mm ... einsum,
tensordot, kron, cross, cdist, linalg.vector_norm / matrix_norm / norm), read by
tests/ops/shape.test.ts and tests/ops/linalg.test.ts.

Run with a Python that has torch and numpy (the tests themselves never need Python):

    python tests/golden/gen_shape_linalg.py

Each value case names an op (the tests map the same name to tsgrad), its inputs (flat row-major data,
shape, tsgrad dtype, requires_grad), extra arguments, and every output: shape, dtype, data, and the
grad_fn name PyTorch prints (null for none). When some output requires grad, a seed per such output
is drawn and backward runs on sum_i (out_i * seed_i).sum(); `grads` holds each input's `.grad`.
Each error case is a call PyTorch rejects, with PyTorch's message; `where` is the prefix tsgrad's
Error message must start with. PyTorch's int64 is tsgrad's int32. Non-finite floats are written as
the strings "nan", "inf", "-inf".
"""

import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "shape-linalg.json")

TORCH_DTYPES = {"float32": torch.float32, "float64": torch.float64, "int32": torch.int64, "bool": torch.bool}
NAMES = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int32", torch.bool: "bool"}

rng = np.random.default_rng(20250101)
cases = []
errors = []


def randn(*shape, dtype="float64", grad=True):
    return {"shape": list(shape), "dtype": dtype, "data": rng.standard_normal(shape).reshape(-1).tolist(), "requiresGrad": grad}


def ints(values, shape, dtype="int32"):
    return {"shape": list(shape), "dtype": dtype, "data": list(values), "requiresGrad": False}


def const(values, shape, dtype="float64", grad=True):
    return {"shape": list(shape), "dtype": dtype, "data": [float(v) for v in values], "requiresGrad": grad}


def arange(*shape, dtype="int32"):
    n = int(np.prod(shape)) if shape else 1
    return ints(list(range(n)), shape, dtype)


def to_torch(spec):
    dtype = TORCH_DTYPES[spec["dtype"]]
    t = torch.tensor([decode_arg(v) for v in spec["data"]], dtype=dtype).reshape(spec["shape"])
    spec["data"] = encode(t)
    if spec["requiresGrad"]:
        t.requires_grad_()
    return t


def number(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def encode(t):
    flat = t.detach().reshape(-1).tolist()
    if t.dtype == torch.bool:
        return [1 if v else 0 for v in flat]
    if not t.dtype.is_floating_point:
        return [int(v) for v in flat]
    return [number(v) for v in flat]


def encode_args(args):
    out = {}
    for k, v in args.items():
        if isinstance(v, float) and not math.isfinite(v):
            out[k] = number(v)
        else:
            out[k] = v
    return out


INF = float("inf")

OPS = {
    # shape ops
    "split": lambda x, size, dim=0: torch.split(x, size, dim),
    "chunk": lambda x, chunks, dim=0: torch.chunk(x, chunks, dim),
    "unbind": lambda x, dim=0: torch.unbind(x, dim),
    "tensorSplit": lambda x, sections, dim=0: torch.tensor_split(x, sections, dim),
    "tensorSplitTensor": lambda x, idx, dim=0: torch.tensor_split(x, idx, dim),
    "movedim": lambda x, source, destination: torch.movedim(x, source, destination),
    "swapaxes": lambda x, a, b: torch.swapaxes(x, a, b),
    "swapdims": lambda x, a, b: torch.swapdims(x, a, b),
    "flip": lambda x, dims: torch.flip(x, dims),
    "fliplr": torch.fliplr,
    "flipud": torch.flipud,
    "roll": lambda x, shifts, dims=None: torch.roll(x, shifts, dims) if dims is not None else torch.roll(x, shifts),
    "rot90": lambda x, k=1, dims=(0, 1): torch.rot90(x, k, dims),
    "repeat": lambda x, sizes: x.repeat(*sizes),
    "tile": lambda x, dims: torch.tile(x, dims),
    "repeatInterleave": lambda x, repeats, dim=None: torch.repeat_interleave(x, repeats, dim),
    "repeatInterleaveTensor": lambda x, r, dim=None: torch.repeat_interleave(x, r, dim),
    "repeatInterleaveCounts": lambda r: torch.repeat_interleave(r),
    "tril": lambda x, diagonal=0: torch.tril(x, diagonal),
    "triu": lambda x, diagonal=0: torch.triu(x, diagonal),
    "diag": lambda x, diagonal=0: torch.diag(x, diagonal),
    "diagonal": lambda x, offset=0, dim1=0, dim2=1: torch.diagonal(x, offset, dim1, dim2),
    "diagEmbed": lambda x, offset=0, dim1=-2, dim2=-1: torch.diag_embed(x, offset, dim1, dim2),
    "trace": torch.trace,
    "pad": lambda x, pad, mode="constant", value=None: F.pad(x, pad, mode, value),
    "oneHot": lambda x, numClasses=-1: F.one_hot(x, numClasses),
    "meshgrid": lambda *xs, indexing="ij": torch.meshgrid(*xs, indexing=indexing),
    "broadcastTo": lambda x, shape: torch.broadcast_to(x, shape),
    "broadcastTensors": lambda *xs: torch.broadcast_tensors(*xs),
    "atleast1d": torch.atleast_1d,
    "atleast2d": torch.atleast_2d,
    "atleast3d": torch.atleast_3d,
    "hstack": lambda *xs: torch.hstack(xs),
    "vstack": lambda *xs: torch.vstack(xs),
    "dstack": lambda *xs: torch.dstack(xs),
    "columnStack": lambda *xs: torch.column_stack(xs),
    # linear algebra
    "mm": torch.mm,
    "bmm": torch.bmm,
    "mv": torch.mv,
    "dot": torch.dot,
    "outer": torch.outer,
    "inner": torch.inner,
    "addmm": lambda i, a, b, beta=1, alpha=1: torch.addmm(i, a, b, beta=beta, alpha=alpha),
    "addmv": lambda i, a, b, beta=1, alpha=1: torch.addmv(i, a, b, beta=beta, alpha=alpha),
    "baddbmm": lambda i, a, b, beta=1, alpha=1: torch.baddbmm(i, a, b, beta=beta, alpha=alpha),
    "einsum": lambda *xs, equation: torch.einsum(equation, *xs),
    "tensordot": lambda a, b, dims=2: torch.tensordot(a, b, dims),
    "kron": torch.kron,
    "cross": lambda a, b, dim=None: torch.cross(a, b, dim=dim),
    "linalgCross": lambda a, b, dim=-1: torch.linalg.cross(a, b, dim=dim),
    "cdist": lambda a, b, p=2.0, mode="use_mm_for_euclid_dist_if_necessary": torch.cdist(a, b, p, mode),
    "vectorNorm": lambda x, ord=2, dim=None, keepdim=False, dtype=None: torch.linalg.vector_norm(
        x, ord, dim, keepdim, dtype=TORCH_DTYPES[dtype] if dtype else None
    ),
    "matrixNorm": lambda x, ord="fro", dim=(-2, -1), keepdim=False, dtype=None: torch.linalg.matrix_norm(
        x, ord, dim, keepdim, dtype=TORCH_DTYPES[dtype] if dtype else None
    ),
    "norm": lambda x, ord=None, dim=None, keepdim=False: torch.linalg.norm(x, ord, dim, keepdim),
}


def decode_arg(v):
    if v == "inf":
        return INF
    if v == "-inf":
        return -INF
    if v == "nan":
        return math.nan
    return v


def case(name, op, inputs, **args):
    tensors = [to_torch(spec) for spec in inputs]
    result = OPS[op](*tensors, **{k: decode_arg(v) for k, v in args.items()})
    outs = list(result) if isinstance(result, (tuple, list)) else [result]
    outputs = []
    for o in outs:
        outputs.append({
            "shape": list(o.shape), "dtype": NAMES[o.dtype], "data": encode(o),
            "gradFn": o.grad_fn.name() if o.grad_fn is not None else None,
            "isInput": any(o is t for t in tensors),
        })
    seeds = [None] * len(outs)
    grads = [None] * len(inputs)
    if any(o.requires_grad for o in outs):
        total = 0
        for i, o in enumerate(outs):
            if o.requires_grad:
                g = torch.tensor(rng.standard_normal(list(o.shape)), dtype=o.dtype)
                seeds[i] = encode(g)
                total = total + (o * g).sum()
        total.backward()
        for i, t in enumerate(tensors):
            if t.grad is not None:
                grads[i] = {"dtype": NAMES[t.grad.dtype], "data": encode(t.grad)}
    cases.append({"name": name, "op": op, "args": encode_args(args), "inputs": inputs, "outputs": outputs, "seeds": seeds, "grads": grads})


def error(name, op, inputs, where=None, **args):
    tensors = [to_torch(spec) for spec in inputs]
    try:
        OPS[op](*tensors, **{k: decode_arg(v) for k, v in args.items()})
    except (RuntimeError, IndexError, ValueError, NotImplementedError, TypeError) as e:
        errors.append({"name": name, "op": op, "args": encode_args(args), "inputs": inputs, "where": where or op, "torch": str(e).split("\n")[0]})
        return
    raise AssertionError(f"PyTorch accepted {name}")


# ---- split, chunk, unbind, tensorSplit --------------------------------------------------------------
case("split int dim 0", "split", [randn(5, 3)], size=2)
case("split int dim 1", "split", [randn(2, 6)], size=3, dim=1)
case("split int dim -1 uneven", "split", [randn(2, 3, 5)], size=2, dim=-1)
case("split int larger than the dim", "split", [randn(3, 2)], size=4)
case("split sizes", "split", [randn(6, 2)], size=[1, 3, 2])
case("split sizes with 0", "split", [randn(2, 4)], size=[0, 4, 0], dim=1)
case("split 0 of an empty dim", "split", [randn(0, 2)], size=0)
case("split int32", "split", [arange(4, 2)], size=3)
case("chunk even", "chunk", [randn(6, 2)], chunks=3)
case("chunk uneven", "chunk", [randn(2, 7)], chunks=3, dim=1)
case("chunk more chunks than elements", "chunk", [randn(3)], chunks=5)
case("chunk 6 into 4 gives 3", "chunk", [randn(6)], chunks=4)
case("chunk an empty dim", "chunk", [randn(0, 3)], chunks=3)
case("unbind dim 0", "unbind", [randn(3, 2)])
case("unbind dim -1", "unbind", [randn(2, 3, 4)], dim=-1)
case("unbind bool", "unbind", [ints([1, 0, 0, 1], [2, 2], "bool")], dim=1)
case("tensorSplit sections", "tensorSplit", [randn(7, 2)], sections=3)
case("tensorSplit more sections than elements", "tensorSplit", [randn(2, 2)], sections=3, dim=1)
case("tensorSplit indices", "tensorSplit", [randn(2, 6)], sections=[1, 4], dim=1)
case("tensorSplit negative and out-of-order indices", "tensorSplit", [randn(6)], sections=[-2, 2, 9])
case("tensorSplit tensor indices", "tensorSplitTensor", [randn(5, 2), ints([1, 3], [2])])
case("tensorSplit 0-d tensor sections", "tensorSplitTensor", [randn(5, 2), ints([2], [])])

# ---- movedim, swapaxes, flip, roll, rot90 ---------------------------------------------------------------
case("movedim int", "movedim", [randn(2, 3, 4)], source=0, destination=2)
case("movedim lists", "movedim", [randn(2, 3, 4, 5)], source=[0, 3], destination=[2, 0])
case("movedim negative", "movedim", [randn(2, 3, 4)], source=-1, destination=0)
case("movedim onto itself", "movedim", [randn(2, 3)], source=1, destination=1)
case("swapaxes", "swapaxes", [randn(2, 3, 4)], a=0, b=-1)
case("swapdims", "swapdims", [randn(2, 3)], a=1, b=0)
case("flip one dim", "flip", [randn(3, 4)], dims=[0])
case("flip two dims", "flip", [randn(2, 3, 4)], dims=[-1, 0])
case("flip no dims", "flip", [randn(2, 3)], dims=[])
case("flip int32", "flip", [arange(2, 3)], dims=[1])
case("fliplr", "fliplr", [randn(3, 4, 2)])
case("flipud", "flipud", [randn(3)])
case("roll flat", "roll", [randn(3, 4)], shifts=5)
case("roll flat negative", "roll", [randn(2, 3)], shifts=-2)
case("roll one dim", "roll", [randn(3, 4)], shifts=1, dims=0)
case("roll two dims", "roll", [randn(3, 4)], shifts=[-1, 6], dims=[0, 1])
case("roll same dim twice", "roll", [randn(5)], shifts=[1, 2], dims=[0, 0])
case("roll 0-d", "roll", [randn()], shifts=3)
case("roll empty", "roll", [randn(0, 3)], shifts=1, dims=1)
for k in [-1, 0, 1, 2, 3, 5]:
    case(f"rot90 k={k}", "rot90", [randn(3, 4)], k=k)
case("rot90 dims [1, 2]", "rot90", [randn(2, 3, 4)], k=1, dims=[1, 2])
case("rot90 dims [1, 0]", "rot90", [randn(2, 3)], k=1, dims=[1, 0])
case("rot90 dims [-1, 0] k=3", "rot90", [randn(2, 3, 2)], k=3, dims=[-1, 0])

# ---- repeat, tile, repeatInterleave -----------------------------------------------------------------------
case("repeat", "repeat", [randn(2, 3)], sizes=[2, 3])
case("repeat adds dims", "repeat", [randn(3)], sizes=[2, 1, 2])
case("repeat zero times", "repeat", [randn(2, 2)], sizes=[0, 2])
case("repeat 0-d", "repeat", [randn()], sizes=[3])
case("tile fewer dims", "tile", [randn(2, 3)], dims=[2])
case("tile more dims", "tile", [randn(2)], dims=[2, 2])
case("tile int32", "tile", [arange(2, 2)], dims=[1, 3])
case("repeatInterleave flat", "repeatInterleave", [randn(2, 2)], repeats=2)
case("repeatInterleave dim 0", "repeatInterleave", [randn(2, 3)], repeats=3, dim=0)
case("repeatInterleave dim -1", "repeatInterleave", [randn(2, 3)], repeats=2, dim=-1)
case("repeatInterleave once", "repeatInterleave", [randn(3)], repeats=1, dim=0)
case("repeatInterleave tensor repeats", "repeatInterleaveTensor", [randn(3, 2), ints([1, 0, 3], [3])], dim=0)
case("repeatInterleave one tensor repeat", "repeatInterleaveTensor", [randn(2, 3), ints([2], [1])], dim=1)
case("repeatInterleave tensor repeats flat", "repeatInterleaveTensor", [randn(2, 2), ints([1, 2, 0, 1], [4])])
case("repeatInterleave 0-d flat", "repeatInterleave", [randn()], repeats=3)
case("repeatInterleave counts", "repeatInterleaveCounts", [ints([2, 0, 3], [3])])

# ---- tril, triu, diag, diagonal, diagEmbed, trace ---------------------------------------------------------
for d in [0, 1, -1, 3]:
    case(f"tril diagonal {d}", "tril", [randn(3, 4)], diagonal=d)
    case(f"triu diagonal {d}", "triu", [randn(4, 3)], diagonal=d)
case("tril batched", "tril", [randn(2, 3, 3)])
case("triu int32", "triu", [arange(3, 3)], diagonal=-1)
case("tril bool", "tril", [ints([1] * 6, [2, 3], "bool")])
for d in [0, 1, -2]:
    case(f"diag of a vector, diagonal {d}", "diag", [randn(3)], diagonal=d)
    case(f"diag of a matrix, diagonal {d}", "diag", [randn(3, 4)], diagonal=d)
case("diag far off the matrix", "diag", [randn(2, 3)], diagonal=5)
case("diagonal", "diagonal", [randn(3, 4)])
case("diagonal offset 1 dims 0, 2", "diagonal", [randn(3, 2, 4)], offset=1, dim1=0, dim2=2)
case("diagonal offset -1 dims -1, 0", "diagonal", [randn(3, 2, 4)], offset=-1, dim1=-1, dim2=0)
case("diagonal of a batch", "diagonal", [randn(2, 3, 3)], dim1=1, dim2=2)
case("diagEmbed", "diagEmbed", [randn(3)])
case("diagEmbed batched offset", "diagEmbed", [randn(2, 3)], offset=1)
case("diagEmbed dims 0, 2 offset -1", "diagEmbed", [randn(2, 3)], offset=-1, dim1=0, dim2=2)
case("diagEmbed dims reversed", "diagEmbed", [randn(2, 2)], dim1=-1, dim2=0)
case("trace", "trace", [randn(3, 3)])
case("trace non-square", "trace", [randn(2, 4)])
case("trace int32", "trace", [arange(3, 3)])

# ---- pad -------------------------------------------------------------------------------------------
case("pad constant last dim", "pad", [randn(2, 3)], pad=[1, 2])
case("pad constant two dims with value", "pad", [randn(2, 3)], pad=[1, 0, 2, 1], value=1.5)
case("pad constant crop", "pad", [randn(3, 4)], pad=[-1, 2, 0, -2])
case("pad constant all dims", "pad", [randn(2, 1, 2)], pad=[1, 1, 0, 1, 1, 0])
case("pad constant nothing", "pad", [randn(2, 3)], pad=[0, 0])
case("pad constant int32", "pad", [arange(2, 2)], pad=[1, 1], value=7)
case("pad constant to empty", "pad", [randn(3, 4)], pad=[-2, -2])
for mode in ["reflect", "replicate", "circular"]:
    case(f"pad {mode} 1-D without batch", "pad", [randn(2, 5)], pad=[2, 3], mode=mode)
    case(f"pad {mode} 1-D batched", "pad", [randn(2, 1, 4)], pad=[3, 1], mode=mode)
    case(f"pad {mode} 2-D", "pad", [randn(1, 3, 4)], pad=[1, 2, 2, 0], mode=mode)
    case(f"pad {mode} 2-D batched", "pad", [randn(2, 1, 3, 3)], pad=[1, 1, 2, 1], mode=mode)
    case(f"pad {mode} 3-D", "pad", [randn(1, 2, 3, 3)], pad=[1, 1, 0, 2, 1, 0], mode=mode)
    case(f"pad {mode} 3-D batched", "pad", [randn(1, 1, 2, 2, 3)], pad=[2, 0, 1, 1, 1, 1], mode=mode)
    case(f"pad {mode} crop", "pad", [randn(2, 5)], pad=[-1, 2], mode=mode)
case("pad reflect with value 0", "pad", [randn(1, 4)], pad=[1, 1], mode="reflect", value=0)
case("pad circular a whole period", "pad", [randn(1, 3)], pad=[3, 3], mode="circular")
case("pad replicate int32", "pad", [arange(1, 3)], pad=[2, 2], mode="replicate")

# ---- oneHot, meshgrid, broadcasting, atleast, stacks ----------------------------------------------------------
case("oneHot", "oneHot", [ints([0, 2, 1, 2], [4])])
case("oneHot numClasses", "oneHot", [ints([1, 0, 3, 2, 0, 1], [2, 3])], numClasses=5)
case("oneHot empty with numClasses", "oneHot", [ints([], [0])], numClasses=3)
case("meshgrid ij", "meshgrid", [randn(2), randn(3)])
case("meshgrid xy", "meshgrid", [randn(2), randn(3)], indexing="xy")
case("meshgrid xy three", "meshgrid", [randn(2), randn(3), randn(4)], indexing="xy")
case("meshgrid 0-d and one", "meshgrid", [randn(), randn(3)])
case("meshgrid one tensor xy", "meshgrid", [randn(3)], indexing="xy")
case("broadcastTo", "broadcastTo", [randn(3, 1)], shape=[2, 3, 4])
case("broadcastTo with -1", "broadcastTo", [randn(1, 4)], shape=[3, -1])
case("broadcastTo same shape", "broadcastTo", [randn(3)], shape=[3])
case("broadcastTensors", "broadcastTensors", [randn(3, 1), randn(4), randn()])
case("broadcastTensors same shapes", "broadcastTensors", [randn(2), randn(2)])
for op in ["atleast1d", "atleast2d", "atleast3d"]:
    for shape in [(), (3,), (2, 3), (1, 2, 3)]:
        case(f"{op} of {len(shape)}-d", op, [randn(*shape)])
case("hstack 1-d", "hstack", [randn(2), randn(3)])
case("hstack 2-d", "hstack", [randn(2, 1), randn(2, 3)])
case("hstack 0-d", "hstack", [randn(), randn()])
case("vstack 1-d", "vstack", [randn(3), randn(3)])
case("vstack mixed", "vstack", [randn(3), randn(2, 3)])
case("dstack 1-d", "dstack", [randn(3), randn(3)])
case("dstack 2-d", "dstack", [randn(2, 2), randn(2, 2)])
case("dstack promotes", "dstack", [randn(2), ints([1, 2], [2])])
case("columnStack", "columnStack", [randn(3), randn(3, 2), randn(3)])
case("columnStack 0-d", "columnStack", [randn(), randn(1)])

# ---- products -------------------------------------------------------------------------------------
case("mm", "mm", [randn(3, 4), randn(4, 2)])
case("mm int32", "mm", [arange(2, 3), arange(3, 2)])
case("mm float32", "mm", [randn(2, 3, dtype="float32"), randn(3, 4, dtype="float32")])
case("mm empty inner", "mm", [randn(2, 0), randn(0, 3)])
case("bmm", "bmm", [randn(2, 3, 4), randn(2, 4, 5)])
case("mv", "mv", [randn(3, 4), randn(4)])
case("dot", "dot", [randn(5), randn(5)])
case("dot int32", "dot", [ints([1, 2, 3], [3]), ints([4, -5, 6], [3])])
case("outer", "outer", [randn(3), randn(4)])
case("outer promotes", "outer", [randn(2, dtype="float32"), randn(3)])
case("inner 1-d", "inner", [randn(4), randn(4)])
case("inner 2-d", "inner", [randn(2, 3), randn(4, 3)])
case("inner 3-d with 2-d", "inner", [randn(2, 3, 4), randn(5, 4)])
case("inner 0-d", "inner", [randn(), randn(2, 3)])
case("addmm", "addmm", [randn(3, 2), randn(3, 4), randn(4, 2)])
case("addmm broadcast input and scales", "addmm", [randn(2), randn(3, 4), randn(4, 2)], beta=0.5, alpha=-2.0)
case("addmm column input", "addmm", [randn(3, 1), randn(3, 4), randn(4, 2)], alpha=3.0)
case("addmm beta 0 ignores nan", "addmm", [const([math.nan, 1.0], [2]), randn(3, 4), randn(4, 2)], beta=0.0)
case("addmm int32 truncates scales", "addmm", [arange(2, 2), arange(2, 2), arange(2, 2)], beta=1.5, alpha=2.7)
case("addmv", "addmv", [randn(3), randn(3, 4), randn(4)], beta=2.0, alpha=0.5)
case("addmv 0-d input", "addmv", [randn(), randn(3, 2), randn(2)])
case("baddbmm", "baddbmm", [randn(2, 3, 5), randn(2, 3, 4), randn(2, 4, 5)], beta=-1.0, alpha=2.0)
case("baddbmm broadcast input", "baddbmm", [randn(3, 1), randn(2, 3, 4), randn(2, 4, 5)])
for eq, shapes in [
    ("ij,jk->ik", [(3, 4), (4, 5)]),
    ("ij,jk", [(3, 4), (4, 2)]),
    ("ij->ji", [(3, 4)]),
    ("ij", [(3, 4)]),
    ("ba", [(3, 4)]),
    ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("iij->ji", [(2, 2, 3)]),
    ("ij->", [(3, 4)]),
    ("ij->j", [(3, 4)]),
    ("i,i->", [(4,), (4,)]),
    ("i,j->ij", [(3,), (4,)]),
    ("i,j", [(2,), (3,)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("...ij,...jk", [(2, 3, 4), (4, 5)]),
    ("...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 2)]),
    ("b...,b...->b", [(2, 3, 4), (2, 3, 4)]),
    ("...->...", [(2, 3)]),
    ("ij,ij->ij", [(2, 3), (2, 3)]),
    ("ij,ij->", [(2, 3), (2, 3)]),
    ("i,j,k->ijk", [(2,), (3,), (2,)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    ("bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)]),
    ("i i -> i", [(3, 3)]),
    ("ik,kj->ikj", [(2, 3), (3, 2)]),
    ("ijk,jil->kl", [(2, 3, 4), (3, 2, 5)]),
    ("Aa,aB->AB", [(2, 3), (3, 2)]),
]:
    case(f"einsum {eq}", "einsum", [randn(*s) for s in shapes], equation=eq)
case("einsum size-1 broadcast", "einsum", [randn(2, 1), randn(3, 2)], equation="ij,jk->ik")
case("einsum int32", "einsum", [arange(2, 3), arange(3, 2)], equation="ij,jk->ik")
case("einsum empty", "einsum", [randn(0, 3), randn(3, 2)], equation="ij,jk->ik")
case("tensordot dims 2", "tensordot", [randn(2, 3, 4), randn(3, 4, 2)])
case("tensordot dims 0", "tensordot", [randn(2), randn(3)], dims=0)
case("tensordot dims 1", "tensordot", [randn(2, 3), randn(3, 4)], dims=1)
case("tensordot dim lists", "tensordot", [randn(2, 3, 4), randn(4, 3)], dims=[[1, 2], [1, 0]])
case("tensordot single dims", "tensordot", [randn(3, 2), randn(3, 4)], dims=[[0], [0]])
case("tensordot broadcast size 1", "tensordot", [randn(2, 1), randn(3, 2)], dims=[[1], [0]])
case("kron 2-d", "kron", [randn(2, 3), randn(2, 2)])
case("kron 1-d", "kron", [randn(2), randn(3)])
case("kron ranks differ", "kron", [randn(2), randn(2, 2)])
case("kron int32", "kron", [arange(2, 2), ints([1, -1], [2])])
case("kron promotes", "kron", [randn(2, dtype="float32"), ints([2, 3], [2])])
case("cross dim", "cross", [randn(3, 4), randn(3, 4)], dim=0)
case("cross default dim", "cross", [randn(2, 3), randn(2, 3)])
case("cross int32", "cross", [ints([1, 2, 3], [3]), ints([4, 5, 6], [3])], dim=0)
case("linalg.cross", "linalgCross", [randn(4, 3), randn(4, 3)])
case("linalg.cross broadcast", "linalgCross", [randn(2, 1, 3), randn(1, 4, 3)])
case("linalg.cross dim 0", "linalgCross", [randn(3, 2), randn(3, 2)], dim=0)
for p in [2.0, 1.0, 0.0, 3.0, 0.5, 1.5, INF]:
    case(f"cdist p={p}", "cdist", [randn(3, 2), randn(4, 2)], p=p)
case("cdist batched", "cdist", [randn(2, 3, 4), randn(2, 2, 4)], p=2.0)
case("cdist broadcast batch", "cdist", [randn(2, 1, 3, 2), randn(4, 2, 2)], p=1.0)
case("cdist p=2 through mm (many rows)", "cdist", [randn(27, 3), randn(4, 3)])
case("cdist p=2 mm forced", "cdist", [randn(3, 3), randn(4, 3)], mode="use_mm_for_euclid_dist")
case("cdist p=2 mm never", "cdist", [randn(27, 2), randn(3, 2)], mode="donot_use_mm_for_euclid_dist")
case("cdist float32", "cdist", [randn(3, 2, dtype="float32"), randn(2, 2, dtype="float32")])
case("cdist empty", "cdist", [randn(0, 2), randn(3, 2)])

# ---- norms --------------------------------------------------------------------------------------------
for ord_ in [2, 1, INF, -INF, 0, 3, 0.5, -1, 1.5]:
    case(f"vectorNorm ord {ord_}", "vectorNorm", [randn(3, 4)], ord=ord_)
    case(f"vectorNorm ord {ord_} dim 1", "vectorNorm", [randn(3, 4)], ord=ord_, dim=1)
case("vectorNorm dims keepdim", "vectorNorm", [randn(2, 3, 4)], ord=2, dim=[0, 2], keepdim=True)
case("vectorNorm dim -1 keepdim inf", "vectorNorm", [randn(2, 3)], ord=INF, dim=-1, keepdim=True)
case("vectorNorm inf with ties", "vectorNorm", [const([1.0, -3.0, 3.0, 2.0], [4])], ord=INF)
case("vectorNorm of zeros", "vectorNorm", [const([0.0, 0.0, 0.0], [3])])
case("vectorNorm dtype float64", "vectorNorm", [randn(3, dtype="float32")], dtype="float64")
case("vectorNorm empty", "vectorNorm", [randn(0, 3)])
case("vectorNorm 0-d", "vectorNorm", [randn()], ord=3)
case("vectorNorm float32", "vectorNorm", [randn(5, dtype="float32")])
for ord_ in ["fro", "nuc", 1, -1, 2, -2, INF, -INF]:
    case(f"matrixNorm {ord_}", "matrixNorm", [randn(3, 4)], ord=ord_)
    case(f"matrixNorm {ord_} batched dims keepdim", "matrixNorm", [randn(2, 3, 2)], ord=ord_, dim=[2, 0], keepdim=True)
case("matrixNorm 2 wide", "matrixNorm", [randn(2, 5)], ord=2)
case("matrixNorm empty 1", "matrixNorm", [randn(3, 0)], ord=1)
case("norm default", "norm", [randn(2, 3, 2)])
case("norm vector ord", "norm", [randn(4)], ord=3)
case("norm matrix ord", "norm", [randn(3, 3)], ord=INF)
case("norm nuc", "norm", [randn(3, 3)], ord="nuc")
case("norm dim int", "norm", [randn(3, 4)], ord=1, dim=0)
case("norm dims", "norm", [randn(2, 3, 4)], ord=-1, dim=[0, 2], keepdim=True)
case("norm keepdim all", "norm", [randn(2, 3)], keepdim=True)

# ---- errors -------------------------------------------------------------------------------------------------
f = lambda *s: randn(*s, grad=False)
error("split of 0-d", "split", [f()], size=1)
error("split negative size", "split", [f(3)], size=-1)
error("split size 0", "split", [f(3)], size=0)
error("split sizes not summing", "split", [f(4)], size=[1, 2])
error("split dim out of range", "split", [f(2, 2)], size=1, dim=2)
error("chunk 0", "chunk", [f(3)], chunks=0)
error("unbind 0-d", "unbind", [f()])
error("tensorSplit 0 sections", "tensorSplit", [f(3)], sections=0)
error("tensorSplit float indices", "tensorSplitTensor", [f(3), f(1)], where="tensorSplit")
error("movedim repeated source", "movedim", [f(2, 3)], source=[0, 0], destination=[0, 1])
error("flip repeated dim", "flip", [f(2, 3)], dims=[0, 0])
error("flip dim out of range", "flip", [f(2, 3)], dims=[2])
error("fliplr of 1-d", "fliplr", [f(3)])
error("flipud of 0-d", "flipud", [f()])
error("roll shifts and dims differ", "roll", [f(3, 3)], shifts=[1, 2], dims=[0])
error("roll two shifts without dims", "roll", [f(3, 3)], shifts=[1, 2])
error("rot90 of 1-d", "rot90", [f(3)])
error("rot90 same dims", "rot90", [f(2, 2)], dims=[0, 0])
error("rot90 three dims", "rot90", [f(2, 2, 2)], dims=[0, 1, 2])
error("repeat fewer sizes than dims", "repeat", [f(2, 3)], sizes=[2])
error("repeat negative", "repeat", [f(2)], sizes=[-1])
error("repeatInterleave negative", "repeatInterleave", [f(3)], repeats=-1)
error("repeatInterleave 0-d with dim", "repeatInterleave", [f()], repeats=2, dim=1)
error("repeatInterleave 0-d with dim 0", "repeatInterleave", [f()], repeats=2, dim=0)
error("repeatInterleave 0-d with tensor repeats", "repeatInterleaveTensor", [f(), ints([2], [1])], where="repeatInterleave", dim=0)
error("repeatInterleave repeats length", "repeatInterleaveTensor", [f(3), ints([1, 2], [2])], where="repeatInterleave", dim=0)
error("repeatInterleave float repeats", "repeatInterleaveTensor", [f(3), f(3)], where="repeatInterleave", dim=0)
error("tril of 1-d", "tril", [f(3)])
error("triu of 0-d", "triu", [f()])
error("diag of 3-d", "diag", [f(2, 2, 2)])
error("diag of 0-d", "diag", [f()])
error("diagonal same dims", "diagonal", [f(2, 2)], dim1=1, dim2=1)
error("diagonal of 1-d", "diagonal", [f(3)])
error("diagEmbed of 0-d", "diagEmbed", [f()])
error("trace of 3-d", "trace", [f(2, 2, 2)])
error("trace of bool", "trace", [ints([1, 0, 0, 1], [2, 2], "bool")])
error("pad odd length", "pad", [f(2, 3)], pad=[1])
error("pad too long", "pad", [f(2, 3)], pad=[1, 1, 1, 1, 1, 1])
error("pad negative output", "pad", [f(2, 3)], pad=[-2, -2])
error("pad reflect with value", "pad", [f(1, 4)], pad=[1, 1], mode="reflect", value=1.0)
error("pad reflect of 1-d", "pad", [f(4)], pad=[1, 1], mode="reflect")
error("pad reflect too much", "pad", [f(1, 4)], pad=[4, 0], mode="reflect")
error("pad replicate 1 dim of 4-d", "pad", [f(1, 1, 2, 2)], pad=[1, 1], mode="replicate")
error("pad replicate to nothing", "pad", [f(1, 4)], pad=[-2, -2], mode="replicate")
error("pad circular wraps twice", "pad", [f(1, 3)], pad=[4, 0], mode="circular")
error("pad reflect empty dim", "pad", [f(1, 0)], pad=[1, 1], mode="reflect")
error("oneHot float", "oneHot", [f(3)])
error("oneHot negative", "oneHot", [ints([-1, 0], [2])])
error("oneHot too few classes", "oneHot", [ints([3], [1])], numClasses=3)
error("oneHot empty without classes", "oneHot", [ints([], [0])])
error("meshgrid 2-d", "meshgrid", [f(2, 2)])
error("meshgrid dtypes", "meshgrid", [f(2), ints([1, 2], [2])])
error("meshgrid bad indexing", "meshgrid", [f(2)], indexing="ab")
error("broadcastTo smaller", "broadcastTo", [f(2, 3)], shape=[3], where="expand")
error("broadcastTensors mismatch", "broadcastTensors", [f(2), f(3)])
error("mm of 1-d", "mm", [f(3), f(3, 2)])
error("mm shapes", "mm", [f(2, 3), f(2, 3)])
error("mm dtypes", "mm", [f(2, 2), randn(2, 2, dtype="float32", grad=False)])
error("mm bool", "mm", [ints([1, 0], [1, 2], "bool"), ints([1, 0], [2, 1], "bool")])
error("bmm batch sizes", "bmm", [f(2, 3, 4), f(3, 4, 5)])
error("bmm of 2-d", "bmm", [f(3, 4), f(4, 5)])
error("mv shapes", "mv", [f(3, 3), f(4)])
error("dot lengths", "dot", [f(3), f(4)])
error("dot of 2-d", "dot", [f(2, 2), f(2)])
error("dot dtypes", "dot", [f(2), randn(2, dtype="float32", grad=False)])
error("outer of 2-d", "outer", [f(2, 2), f(2)])
error("inner last dims", "inner", [f(2, 3), f(2, 4)])
error("inner dtypes", "inner", [f(3), randn(3, dtype="float32", grad=False)])
error("addmm input too big", "addmm", [f(2, 3, 3), f(3, 3), f(3, 3)])
error("addmm dtypes", "addmm", [randn(3, 3, dtype="float32", grad=False), f(3, 3), f(3, 3)])
error("addmm shapes", "addmm", [f(2, 2), f(2, 3), f(2, 2)])
error("addmv shapes", "addmv", [f(3), f(3, 3), f(4)])
error("baddbmm batch", "baddbmm", [f(2, 3, 5), f(2, 3, 4), f(3, 4, 5)])
error("einsum too few operands", "einsum", [f(2, 2)], equation="ij,jk")
error("einsum too many operands", "einsum", [f(2, 2), f(2, 2)], equation="ij")
error("einsum sizes", "einsum", [f(2, 3), f(4, 2)], equation="ij,jk")
error("einsum subscripts vs dims", "einsum", [f(2, 3)], equation="ijk")
error("einsum bad character", "einsum", [f(2, 3)], equation="i1")
error("einsum output label twice", "einsum", [f(2, 3)], equation="ij->ii")
error("einsum unknown output label", "einsum", [f(2, 3)], equation="ij->k")
error("einsum repeated label sizes", "einsum", [f(2, 3)], equation="ii->i")
error("einsum two ellipses", "einsum", [f(2, 3)], equation="......")
error("einsum dtypes in a product", "einsum", [f(2, 2), randn(2, 2, dtype="float32", grad=False)], equation="ij,jk", where="bmm")
error("tensordot negative dims", "tensordot", [f(2, 2), f(2, 2)], dims=-1)
error("tensordot dims too large", "tensordot", [f(2, 2), f(2, 2)], dims=3)
error("tensordot sizes", "tensordot", [f(2, 3), f(4, 2)], dims=1)
error("tensordot dtypes", "tensordot", [f(2, 2), randn(2, 2, dtype="float32", grad=False)])
error("tensordot a pair of numbers", "tensordot", [f(3, 2), f(3, 4)], dims=[0, 0])
error("tensordot list lengths", "tensordot", [f(2, 2), f(2, 2)], dims=[[0, 1], [0]])
error("cross no size 3", "cross", [f(2, 2), f(2, 2)])
error("cross ranks", "linalgCross", [f(2, 3), f(3)], where="cross")
error("cross length", "linalgCross", [f(2, 2), f(2, 2)], where="cross")
error("cross dtypes", "linalgCross", [f(3), randn(3, dtype="float32", grad=False)], where="cross")
error("cdist int", "cdist", [ints([1, 2], [1, 2]), ints([1, 2], [1, 2])])
error("cdist 1-d", "cdist", [f(3), f(3)])
error("cdist columns", "cdist", [f(3, 2), f(3, 4)])
error("cdist negative p", "cdist", [f(3, 2), f(3, 2)], p=-1.0)
error("cdist dtypes", "cdist", [f(3, 2), randn(3, 2, dtype="float32", grad=False)])
error("vectorNorm int", "vectorNorm", [ints([1, 2], [2])])
error("vectorNorm inf of empty", "vectorNorm", [f(0)], ord=INF)
error("vectorNorm -1 over an empty dim", "vectorNorm", [f(0, 3)], ord=-1, dim=0)
error("vectorNorm narrowing dtype", "vectorNorm", [f(3)], dtype="float32")
error("vectorNorm repeated dim", "vectorNorm", [f(2, 2)], dim=[0, 0])
error("matrixNorm of 1-d", "matrixNorm", [f(3)])
error("matrixNorm ord 3", "matrixNorm", [f(3, 3)], ord=3)
error("matrixNorm same dims", "matrixNorm", [f(3, 3)], dim=[0, 0])
error("matrixNorm int", "matrixNorm", [ints([1, 2, 3, 4], [2, 2])])
error("norm ord without dim of 3-d", "norm", [f(2, 2, 2)], ord=2)
error("norm three dims", "norm", [f(2, 2, 2)], ord=2, dim=[0, 1, 2])
error("norm fro of 1-d", "norm", [f(3)], ord="fro", where="matrixNorm")

with open(OUT, "w") as fh:
    json.dump({"torch": torch.__version__, "cases": cases, "errors": errors}, fh, separators=(",", ":"), allow_nan=False)
print(f"wrote {len(cases)} cases and {len(errors)} errors to {OUT} ({os.path.getsize(OUT)} bytes)")
