"""Generates tests/golden/indexing.json: real PyTorch subscripts and indexing ops, for tests/ops/indexing.test.ts.

Run with a Python that has torch and numpy (the test itself never needs Python):

    python tests/golden/gen_indexing.py

Each case names an op (the test maps it to tsgrad), its inputs (flat row-major data, shape, tsgrad
dtype, requires_grad), its arguments (a subscript is a list of entries, encoded below), the output
(shape, dtype, data; a list for ops returning several), PyTorch's grad_fn name, for in-place ops how
much the version counter moved, and the gradient fed to backward with the resulting `.grad` of every
input. Subscript `x[a, b]` cases also record the grad_fn of the gradient under create_graph.

Subscript entries: an int, true/false, null (None), a string (a slice such as "1:3", or "..."),
{"slice": [start, stop, step]} (a torch Slice), {"tensor": spec} (an index tensor) or {"list": ...}
(a Python list, e.g. x[[0, 2]]). A one-entry subscript is run as x[e], more as x[e1, e2, ...].

Errors: calls PyTorch rejects, with its message and the part of it tsgrad's message must contain
(`match`), and for in-place calls a check that the tensor is left unchanged.
"""

import json
import os
import warnings

import numpy as np
import torch

warnings.simplefilter("ignore")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "indexing.json")

TORCH_DTYPES = {"float32": torch.float32, "float64": torch.float64, "int32": torch.int64, "bool": torch.bool}
NAMES = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int32", torch.bool: "bool"}

rng = np.random.default_rng(20250613)
cases = []
errors = []


def randn(*shape, dtype="float64", grad=True):
    data = rng.standard_normal(shape).reshape(-1)
    if dtype == "int32":
        data = rng.integers(-9, 10, size=shape).reshape(-1)
    if dtype == "bool":
        data = rng.integers(0, 2, size=shape).reshape(-1).astype(bool)
    return {"shape": list(shape), "dtype": dtype, "data": data.tolist(), "requiresGrad": grad and dtype in ("float32", "float64")}


def const(values, shape, dtype="float64", grad=True):
    return {"shape": list(shape), "dtype": dtype, "data": list(values), "requiresGrad": grad}


def idx(values, shape=None, dtype="int32"):
    values = np.asarray(values)
    return {"shape": list(values.shape if shape is None else shape), "dtype": dtype, "data": values.reshape(-1).tolist(), "requiresGrad": False}


def mask(shape, p=0.5):
    return {"shape": list(shape), "dtype": "bool", "data": (rng.random(shape) < p).reshape(-1).tolist(), "requiresGrad": False}


def T(values, dtype="int32"):
    """An index tensor entry."""
    return {"tensor": idx(values, dtype=dtype)}


def M(spec):
    return {"tensor": spec}


def L(values):
    """A Python list entry."""
    return {"list": values}


def S(start=None, stop=None, step=None):
    return {"slice": [start, stop, step]}


def to_torch(spec):
    # cloned, so that x is not a view (PyTorch names writes into views differently)
    t = torch.tensor(spec["data"], dtype=TORCH_DTYPES[spec["dtype"]]).reshape(spec["shape"]).clone()
    if spec["dtype"] == "float32":
        spec["data"] = t.reshape(-1).tolist()
    if spec["requiresGrad"]:
        t.requires_grad_()
    return t


def entry(e):
    if isinstance(e, dict):
        if "tensor" in e:
            return to_torch(e["tensor"])
        if "list" in e:
            return e["list"]
        return slice(*e["slice"])
    if e == "...":
        return Ellipsis
    if isinstance(e, str):
        parts = [int(p) if p.strip() else None for p in e.split(":")]
        return slice(*parts)
    return e


def subscript(entries):
    es = [entry(e) for e in entries]
    return es[0] if len(es) == 1 else tuple(es)


def number(v):
    """A float for JSON: non-finite values as the strings 'inf', '-inf', 'nan' (JSON has no literal for them)."""
    return v if np.isfinite(v) else str(float(v))


def encode(t):
    flat = t.detach().reshape(-1).tolist()
    if t.dtype == torch.bool:
        return [1 if v else 0 for v in flat]
    if not t.dtype.is_floating_point:
        return [int(v) for v in flat]
    return [number(float(v)) for v in flat]


def out_spec(t):
    return {"shape": list(t.shape), "dtype": NAMES[t.dtype], "data": encode(t)}


def sr_kwargs(a):
    return {"include_self": a.get("includeSelf", True)}


OPS = {
    "index": lambda t, a: t[0][subscript(a["indices"])],
    "indexPut": lambda t, a: index_put(t[0], a, t[1:]),
    "indexPut_": lambda t, a: index_put_(t[0], a, t[1:]),
    "iadd": lambda t, a: iadd(t[0], a),
    "select": lambda t, a: torch.select(t[0], a["dim"], a["index"]),
    "slice": lambda t, a: torch.ops.aten.slice(t[0], a["dim"], a.get("start"), a.get("end"), a.get("step", 1)),
    "take": lambda t, a: torch.take(t[0], t[1]),
    "takeAlongDim": lambda t, a: torch.take_along_dim(t[0], t[1], a.get("dim")),
    "indexCopy": lambda t, a: t[0].index_copy(a["dim"], t[1], t[2]),
    "indexCopy_": lambda t, a: t[0].index_copy_(a["dim"], t[1], t[2]),
    "indexFill": lambda t, a: t[0].index_fill(a["dim"], t[1], values_of(a, t[2:])),
    "indexFill_": lambda t, a: t[0].index_fill_(a["dim"], t[1], values_of(a, t[2:])),
    "scatter": lambda t, a: scatter(t[0], t[1], t[2:], a, False),
    "scatter_": lambda t, a: scatter(t[0], t[1], t[2:], a, True),
    "scatterReduce": lambda t, a: t[0].scatter_reduce(a["dim"], t[1], t[2], a["reduce"], **sr_kwargs(a)),
    "scatterReduce_": lambda t, a: t[0].scatter_reduce_(a["dim"], t[1], t[2], a["reduce"], **sr_kwargs(a)),
    "maskedFill": lambda t, a: t[0].masked_fill(t[1], values_of(a, t[2:])),
    "maskedFill_": lambda t, a: t[0].masked_fill_(t[1], values_of(a, t[2:])),
    "maskedSelect": lambda t, a: torch.masked_select(t[0], t[1]),
    "maskedScatter": lambda t, a: t[0].masked_scatter(t[1], t[2]),
    "maskedScatter_": lambda t, a: t[0].masked_scatter_(t[1], t[2]),
    "nonzero": lambda t, a: torch.nonzero(t[0], as_tuple=a.get("asTuple", False)),
    "where1": lambda t, a: torch.where(t[0]),
}


def values_of(a, v):
    if v:
        return v[0]
    return float(a["value"]) if isinstance(a["value"], str) else a["value"]


def index_put(x, a, v):
    if a.get("accumulate"):
        return torch.index_put(x, tuple(entry(e) for e in a["indices"]), values_of(a, v), accumulate=True)
    y = x.clone()
    y[subscript(a["indices"])] = values_of(a, v)
    return y


def index_put_(x, a, v):
    if a.get("accumulate"):
        return x.index_put_(tuple(entry(e) for e in a["indices"]), values_of(a, v), accumulate=True)
    x[subscript(a["indices"])] = values_of(a, v)
    return x


def iadd(x, a):
    x[subscript(a["indices"])] += a["value"]
    return x


def scatter(x, i, s, a, inplace):
    src = s[0] if s else a["value"]
    kw = {"reduce": a["reduce"]} if "reduce" in a else {}
    return x.scatter_(a["dim"], i, src, **kw) if inplace else x.scatter(a["dim"], i, src, **kw)


def case(name, op, inputs, double=False, **args):
    tensors = [to_torch(s) for s in inputs]
    versions = [t._version for t in tensors]
    result = OPS[op](tensors, args)
    outs = list(result) if isinstance(result, (tuple, list)) else [result]
    c = {"name": name, "op": op, "args": args, "inputs": inputs, "outputs": [out_spec(o) for o in outs]}
    out = outs[0]
    c["gradFn"] = type(out.grad_fn).__name__ if out.grad_fn is not None else None
    # (not for iadd: Python's x[i] += 1 also bumps the version through the view x[i], which tsgrad's copy has not)
    if op.endswith("_"):
        c["version"] = tensors[0]._version - versions[0]
    c["gradOutput"] = None
    c["grads"] = [None] * len(inputs)
    if out.requires_grad:
        g = torch.tensor(rng.standard_normal(list(out.shape)), dtype=out.dtype)
        if double:
            gg = g.clone().requires_grad_()
            (dx,) = torch.autograd.grad(out, tensors[0], gg, create_graph=True, retain_graph=True)
            c["gradGradFn"] = type(dx.grad_fn).__name__ if dx.grad_fn is not None else None
        out.backward(g)
        c["gradOutput"] = encode(g)
        c["grads"] = [None if t.grad is None else {"dtype": NAMES[t.grad.dtype], "data": encode(t.grad)} for t in tensors]
    cases.append(c)


def error(name, op, inputs, match, **args):
    tensors = [to_torch(s) for s in inputs]
    try:
        OPS[op](tensors, args)
    except (IndexError, RuntimeError, ValueError, TypeError) as e:
        message = str(e).split("\n")[0]
        errors.append({"name": name, "op": op, "args": args, "inputs": inputs, "torch": message, "match": match})
        return
    raise AssertionError(f"PyTorch accepted {name}")


# ---- reading: x[...] ----------------------------------------------------------------------------
X = lambda: randn(3, 4, 5)  # noqa: E731
reads = [
    ("x[0]", [0]),
    ("x[-1]", [-1]),
    ("x[0, 1]", [0, 1]),
    ("x[0, 1, 2] (0-d)", [0, 1, 2]),
    ("x[-1, -4, -5]", [-1, -4, -5]),
    ("x[0, 1:3]", [0, "1:3"]),
    ("x[1:3, 0]", ["1:3", 0]),
    ("x[:]", [":"]),
    ("x[0:3]", ["0:3"]),
    ("x[...]", ["..."]),
    ("x[()]", []),
    ("x[None]", [None]),
    ("x[:, None]", [":", None]),
    ("x[None, 0]", [None, 0]),
    ("x[0, None]", [0, None]),
    ("x[None, ..., None]", [None, "...", None]),
    ("x[..., -1]", ["...", -1]),
    ("x[0, ..., 1]", [0, "...", 1]),
    ("x[::2]", ["::2"]),
    ("x[1::2, :, -2:]", ["1::2", ":", "-2:"]),
    ("x[Slice(None, None, 2)]", [S(None, None, 2)]),
    ("x[Slice(1), 0]", [S(1), 0]),
    ("x[Slice(-3, -1), ::3]", [S(-3, -1), "::3"]),
    ("x[5:10] (empty)", ["5:10"]),
    ("x[2:1] (empty)", ["2:1"]),
    ("x[:, :, 0:5] (full slices)", [":", ":", "0:5"]),
    ("x[:, :, 0:6] (clamped)", [":", ":", "0:6"]),
    ("x[-10:10]", ["-10:10"]),
    ("x[:, 3:, 4:]", [":", "3:", "4:"]),
    ("x[[0, 2]]", [L([0, 2])]),
    ("x[tensor([0, 2])]", [T([0, 2])]),
    ("x[tensor 2-D with repeats]", [T([[0, 1], [2, 2]])]),
    ("x[[0, 0, 0]] (repeats)", [L([0, 0, 0])]),
    ("x[[-1, -3]]", [L([-1, -3])]),
    ("x[tensor(1)] (0-d int)", [T(1)]),
    ("x[tensor(1), 0]", [T(1), 0]),
    ("x[:, tensor(1)]", [":", T(1)]),
    ("x[tensor(True)]", [T(True, dtype="bool")]),
    ("x[True]", [True]),
    ("x[False]", [False]),
    ("x[0, True]", [0, True]),
    ("x[:, False, 1]", [":", False, 1]),
    ("x[mask of x's shape]", [M(mask([3, 4, 5]))]),
    ("x[mask [3, 4]]", [M(mask([3, 4]))]),
    ("x[:, mask [4, 5]]", [":", M(mask([4, 5]))]),
    ("x[mask all false]", [M(mask([3], p=0.0))]),
    ("x[[True, False, True]]", [L([True, False, True])]),
    ("x[:, [True, False, True, False]]", [":", L([True, False, True, False])]),
    ("x[0, :, [1, 2]] (int is a select)", [0, ":", L([1, 2])]),
    ("x[[0, 1], :, [1, 2]] (separated)", [L([0, 1]), ":", L([1, 2])]),
    ("x[[0, 1], None, [1, 2]]", [L([0, 1]), None, L([1, 2])]),
    ("x[:, [0, 1], 0]", [":", L([0, 1]), 0]),
    ("x[[0, 1], 0, [1, 2]]", [L([0, 1]), 0, L([1, 2])]),
    ("x[[]]", [L([])]),
    ("x[[0, 2], 1:3]", [T([0, 2]), "1:3"]),
    ("x[1:3, [0, 2]]", ["1:3", T([0, 2])]),
    ("x[[[0], [2]], :, [1, 3, 4]] (broadcast)", [L([[0], [2]]), ":", L([1, 3, 4])]),
    ("x[:, [1, 2], [0, 4]] (adjacent)", [":", L([1, 2]), L([0, 4])]),
    ("x[:, [[1], [2]], [[0, 4]]] (adjacent, broadcast)", [":", L([[1], [2]]), L([[0, 4]])]),
    ("x[..., [1, 4]]", ["...", L([1, 4])]),
    ("x[[1, 0], ...]", [L([1, 0]), "..."]),
    ("x[mask [3, 4], [0, 4]]", [M(const([0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0], [3, 4], dtype="bool", grad=False)), L([0, 4])]),
    ("x[mask [3, 4], [1]] (broadcast)", [M(mask([3, 4], p=0.6)), L([1])]),
    ("x[[2, 0], mask [4, 5]]", [L([2, 0]), M(const([1 if i in (3, 17) else 0 for i in range(20)], [4, 5], dtype="bool", grad=False))]),
    ("x[0, [0, 1], ::2]", [0, L([0, 1]), "::2"]),
    ("x[None, [0, 1], :, 0]", [None, L([0, 1]), ":", 0]),
    ("x[[[0, 1]], [[1], [2]], 0]", [L([[0, 1]]), L([[1], [2]]), 0]),
    ("x[:, [], 1]", [":", L([]), 1]),
    ("x[2:, [3, 3], [[4], [0]]]", ["2:", L([3, 3]), L([[4], [0]])]),
]
for name, entries in reads:
    case(name, "index", [X()], double=True, indices=entries)

case("0-d s[...]", "index", [randn()], indices=["..."])
case("0-d s[None]", "index", [randn()], indices=[None])
case("0-d s[True]", "index", [randn()], indices=[True])
case("0-d s[False]", "index", [randn()], indices=[False])
case("0-d s[()]", "index", [randn()], indices=[])
case("1-D v[[3, 1, 3]]", "index", [randn(5)], double=True, indices=[L([3, 1, 3])])
case("1-D v[mask]", "index", [randn(6)], indices=[M(mask([6]))])
case("1-D v[::3]", "index", [randn(7)], indices=["::3"])
case("1-D v[-1]", "index", [randn(7)], indices=[-1])
case("empty e[:, 1]", "index", [randn(0, 3)], indices=[":", 1])
case("empty e[[]]", "index", [randn(0, 3)], indices=[L([])])
case("empty e[:, [0, 2]]", "index", [randn(0, 3)], indices=[":", L([0, 2])])
case("float32 x[1, [0, 2]]", "index", [randn(2, 3, dtype="float32")], indices=[1, L([0, 2])])
case("int x[mask]", "index", [randn(3, 4, dtype="int32")], indices=[M(mask([3, 4]))])
case("int x[::2, [1, 1]]", "index", [randn(3, 4, dtype="int32")], indices=["::2", L([1, 1])])
case("bool x[0]", "index", [randn(3, 4, dtype="bool")], indices=[0])
case("bool x[[2, 0]]", "index", [randn(3, 4, dtype="bool")], indices=[L([2, 0])])

# ---- writing: y = x.clone(); y[...] = v (out of place) --------------------------------------------
W = lambda: randn(3, 4)  # noqa: E731
writes = [
    ("y[0] = v", [0], [randn(4)], {}),
    ("y[0] = 2.5", [0], [], {"value": 2.5}),
    ("y[:, 0] = v", [":", 0], [randn(3)], {}),
    ("y[1:, ::2] = v (broadcast)", ["1:", "::2"], [randn(2)], {}),
    ("y[...] = v", ["..."], [randn(4)], {}),
    ("y[...] = 0-d v", ["..."], [randn()], {}),
    ("y[...] = 1.5", ["..."], [], {"value": 1.5}),
    ("y[:] = v", [":"], [randn(3, 1)], {}),
    ("y[:, :] = 3", [":", ":"], [], {"value": 3.0}),
    ("y[[0, 2]] = v", [L([0, 2])], [randn(2, 4)], {}),
    ("y[[0, 2]] = v broadcast", [L([0, 2])], [randn(4)], {}),
    ("y[[0, 2]] = -1", [L([0, 2])], [], {"value": -1.0}),
    ("y[mask] = 0", [M(mask([3, 4]))], [], {"value": 0.0}),
    ("y[mask] = v", [M(const([1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 1], [3, 4], dtype="bool", grad=False))], [randn(5)], {}),
    ("y[1:, [0, 2]] = v", ["1:", L([0, 2])], [randn(2, 2)], {}),
    ("y[[0, 1], [0, 1]] = v", [L([0, 1]), L([0, 1])], [randn(2)], {}),
    ("y[None] = v", [None], [randn(4)], {}),
    ("y[True] = v", [True], [randn(3, 4)], {}),
    ("y[False] = v", [False], [randn(4)], {}),
    ("y[[0, 0]] = v (last wins)", [L([0, 0])], [randn(2, 4)], {}),
    ("y[0] = v [1, 1, 4] (leading 1s)", [0], [randn(1, 1, 4)], {}),
    ("y[[0, 1]] = v [1, 1, 1, 4]", [L([0, 1])], [randn(1, 1, 1, 4)], {}),
    ("y[0, [1, 3]] = v", [0, L([1, 3])], [randn(2)], {}),
    ("y[tensor(1)] = v", [T(1)], [randn(4)], {}),
    ("y[:, None, 2] = v", [":", None, 2], [randn(3, 1)], {}),
    ("y[5:] = v (empty)", ["5:"], [randn(4)], {}),
    ("y[[]] = 1", [L([])], [], {"value": 1.0}),
    ("y[0] = float32 v (cast)", [0], [randn(4, dtype="float32")], {}),
    ("y[[0, 0, 2]] += v (accumulate)", [T([0, 0, 2])], [randn(3, 4)], {"accumulate": True}),
    ("y[[0, 0], [1, 1]] += v (accumulate)", [T([0, 0]), T([1, 1])], [randn(2)], {"accumulate": True}),
    ("y[mask] += v (accumulate)", [M(const([1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 1], [3, 4], dtype="bool", grad=False))], [randn(5)], {"accumulate": True}),
    ("y[[2, 2]] += 0-d v (accumulate)", [T([2, 2])], [randn()], {"accumulate": True}),
]
for name, entries, values, extra in writes:
    case(name, "indexPut", [W(), *values], indices=entries, **extra)
    # in place: x does not require grad, v does
    x = randn(3, 4, grad=False)
    case(name + " (in place)", "indexPut_", [x, *values], indices=entries, **extra)

case("int y[mask] = 7 in place", "indexPut_", [randn(3, 4, dtype="int32")], indices=[M(mask([3, 4]))], value=7)
case("int y[0] = 1.7 in place (truncates)", "indexPut_", [randn(3, dtype="int32")], indices=[0], value=1.7)
case("int y[[0, 0]] += v in place (accumulate)", "indexPut_", [randn(3, dtype="int32"), idx([4, 5])], indices=[T([0, 0])], accumulate=True)
case("int y[0] = float v in place (cast)", "indexPut_", [randn(3, 2, dtype="int32"), const([1.7, -2.5], [2], grad=False)], indices=[0])
case("bool y[[1]] = True in place", "indexPut_", [randn(4, dtype="bool")], indices=[L([1])], value=True)
case("bool y[[0, 0]] |= v in place (accumulate)", "indexPut_", [const([0, 0, 1], [3], dtype="bool", grad=False), idx([1, 0], dtype="bool")], indices=[T([0, 0])], accumulate=True)
case("float32 y[:, 1] = v in place", "indexPut_", [randn(2, 3, dtype="float32", grad=False), randn(2, dtype="float32")], indices=[":", 1])
case("y[[0, 0]] += 1 (Python +=, not accumulate)", "iadd", [randn(3, grad=False)], indices=[L([0, 0])], value=1.0)
case("y[1:, 0] += 2", "iadd", [randn(3, 2, grad=False)], indices=["1:", 0], value=2.0)

# ---- select, slice --------------------------------------------------------------------------------
case("select dim 0", "select", [randn(3, 4)], dim=0, index=1)
case("select dim -1 index -1", "select", [randn(3, 4)], dim=-1, index=-1)
case("select 3-D dim 1", "select", [randn(2, 3, 4)], dim=1, index=2)
case("select 1-D", "select", [randn(4)], dim=0, index=3)
case("slice dim 1", "slice", [randn(3, 6)], dim=1, start=1, end=5, step=2)
case("slice full", "slice", [randn(3, 4)], dim=0)
case("slice clamped", "slice", [randn(3, 4)], dim=1, start=-10, end=10)
case("slice negative start", "slice", [randn(5, 2)], dim=0, start=-3)
case("slice empty", "slice", [randn(5, 2)], dim=0, start=4, end=2)

# ---- take, takeAlongDim ---------------------------------------------------------------------------
case("take 2-D index with negatives and repeats", "take", [randn(3, 4), idx([[0, -1], [5, 5]])])
case("take 0-d index", "take", [randn(2, 3), idx(4)])
case("take empty index", "take", [randn(2, 3), idx([], shape=[0])])
case("takeAlongDim no dim", "takeAlongDim", [randn(3, 4), idx([0, 5, 11, 5])])
case("takeAlongDim no dim 2-D indices", "takeAlongDim", [randn(3, 4), idx([[0, 5], [11, 5]])])
case("takeAlongDim dim 1", "takeAlongDim", [randn(3, 4), idx([[0], [3], [1]])], dim=1)
case("takeAlongDim dim 1 broadcast indices", "takeAlongDim", [randn(3, 4), idx([[0, 1, 1]])], dim=1)
case("takeAlongDim dim 2 broadcast both", "takeAlongDim", [randn(3, 1, 4), idx([[[0], [3]]])], dim=2)
case("takeAlongDim negative dim and index", "takeAlongDim", [randn(3, 4), idx([[-1, 0]] * 3)], dim=-1)
case("takeAlongDim argsort use", "takeAlongDim", [randn(2, 5), idx([[4, 3, 2, 1, 0], [0, 2, 4, 1, 3]])], dim=1)

# ---- indexCopy, indexFill -------------------------------------------------------------------------
case("indexCopy dim 0", "indexCopy", [randn(4, 3), idx([2, 0]), randn(2, 3)], dim=0)
case("indexCopy dim 1", "indexCopy", [randn(2, 4), idx([3, 1, 0]), randn(2, 3)], dim=1)
case("indexCopy 0-d index", "indexCopy", [randn(3, 4), idx(1), randn(1, 4)], dim=0)
case("indexCopy_ in place", "indexCopy_", [randn(4, 3, grad=False), idx([1, 3]), randn(2, 3)], dim=0)
case("indexCopy int", "indexCopy", [randn(3, 2, dtype="int32"), idx([2]), randn(1, 2, dtype="int32")], dim=0)
case("indexFill number", "indexFill", [randn(3, 4), idx([2, 0])], dim=1, value=1.5)
case("indexFill negative and repeated", "indexFill", [randn(3, 4), idx([-1, 1, 1])], dim=1, value=-2.0)
case("indexFill 0-d tensor value (repeats count once)", "indexFill", [randn(3, 4), idx([1, 1, 2]), randn()], dim=1)
case("indexFill dim 0", "indexFill", [randn(3, 4), idx([0])], dim=0, value=0.0)
case("indexFill_ in place with tensor value", "indexFill_", [randn(3, 4, grad=False), idx([2]), randn()], dim=0)
case("indexFill int", "indexFill", [randn(2, 3, dtype="int32"), idx([1])], dim=1, value=7)

# ---- scatter, scatterReduce -----------------------------------------------------------------------
I34 = lambda: idx([[0, 1, 2, 0], [2, 2, 1, 0]])  # noqa: E731
case("scatter src dim 0", "scatter", [randn(3, 4), idx([[0, 1, 2, 0], [2, 0, 1, 1]]), randn(2, 4)], dim=0)
case("scatter src dim 1", "scatter", [randn(3, 4), idx([[3, 0], [1, 2], [0, 0]]), randn(3, 2)], dim=1)
case("scatter value", "scatter", [randn(3, 4), I34()], dim=0, value=2.5)
case("scatter repeats (last wins)", "scatter", [randn(3, 4), I34(), randn(2, 4)], dim=0)
case("scatter smaller index", "scatter", [randn(3, 4), idx([[1], [0]]), randn(2, 1)], dim=1)
case("scatter reduce add (no grad)", "scatter", [randn(3, 4, grad=False), I34(), randn(2, 4, grad=False)], dim=0, reduce="add")
case("scatter reduce multiply (no grad)", "scatter", [randn(3, 4, grad=False), I34(), randn(2, 4, grad=False)], dim=0, reduce="multiply")
case("scatter value reduce add", "scatter", [randn(3, 4, grad=False), I34()], dim=0, value=2.0, reduce="add")
case("scatter_ in place src", "scatter_", [randn(3, 4, grad=False), idx([[2, 1, 0, 0]]), randn(1, 4)], dim=0)
case("scatter_ in place reduce add", "scatter_", [randn(3, 4, grad=False), I34(), randn(2, 4, grad=False)], dim=0, reduce="add")
case("scatter int", "scatter", [randn(3, 2, dtype="int32"), idx([[2, 0]]), randn(1, 2, dtype="int32")], dim=0)
for reduce in ["sum", "prod", "mean", "amax", "amin"]:
    for include in [True, False]:
        case(f"scatterReduce {reduce} includeSelf={include}", "scatterReduce", [randn(3, 4), I34(), randn(2, 4)], dim=0, reduce=reduce, includeSelf=include)
        case(f"scatterReduce {reduce} dim 1 includeSelf={include}", "scatterReduce", [randn(2, 3), idx([[0, 0, 2, 0], [1, 1, 1, 2]]), randn(2, 4)], dim=1, reduce=reduce, includeSelf=include)
ties_x = const([1.0, 2.0, 2.0, 0.0], [4])
ties_s = const([2.0, 2.0, 0.5, 3.0, -1.0], [5])
ties_i = idx([1, 1, 0, 3, 3])
for reduce in ["amax", "amin"]:
    for include in [True, False]:
        case(f"scatterReduce {reduce} ties includeSelf={include}", "scatterReduce", [ties_x, ties_i, ties_s], dim=0, reduce=reduce, includeSelf=include)
zeros_x = const([0.0, 2.0, 3.0, 0.0, 5.0], [5])
zeros_s = const([0.0, 2.0, 0.5, 0.0, 4.0, 0.0, 1.5], [7])
zeros_i = idx([0, 1, 1, 2, 3, 3, 4])
for include in [True, False]:
    case(f"scatterReduce prod with zeros includeSelf={include}", "scatterReduce", [zeros_x, zeros_i, zeros_s], dim=0, reduce="prod", includeSelf=include)
case("scatterReduce mean int (floor)", "scatterReduce", [idx([1, 2, -3]), idx([0, 0, 2]), idx([5, 7, 4])], dim=0, reduce="mean")
case("scatterReduce amax int includeSelf=False", "scatterReduce", [idx([1, 2, -3]), idx([0, 0, 2]), idx([5, 7, -9])], dim=0, reduce="amax", includeSelf=False)
case("scatterReduce_ in place sum", "scatterReduce_", [randn(3, 4, grad=False), I34(), randn(2, 4)], dim=0, reduce="sum")
case("scatterReduce_ in place amax", "scatterReduce_", [randn(3, 4, grad=False), I34(), randn(2, 4)], dim=0, reduce="amax")

# ---- masks ------------------------------------------------------------------------------------------
case("maskedFill number", "maskedFill", [randn(3, 4), mask([3, 4])], value=0.5)
case("maskedFill 0-d tensor value", "maskedFill", [randn(3, 4), mask([3, 4]), randn()])
case("maskedFill broadcast mask", "maskedFill", [randn(3, 4), mask([4])], value=-1.0)
case("maskedFill bigger mask (broadcasts x)", "maskedFill", [randn(3, 4), mask([2, 3, 4])], value=0.5)
case("maskedFill -inf (attention)", "maskedFill", [randn(2, 3), mask([2, 3])], value="-inf")
case("maskedFill bool x", "maskedFill", [randn(5, dtype="bool"), mask([5])], value=True)
case("maskedFill int x with 1.5 (truncates)", "maskedFill", [randn(4, dtype="int32"), mask([4], p=0.7)], value=1.5)
case("maskedFill float32 x with float64 value tensor", "maskedFill", [randn(4, dtype="float32"), mask([4], p=0.7), randn()])
case("maskedFill_ in place", "maskedFill_", [randn(3, 4, grad=False), mask([4])], value=9.0)
case("maskedFill_ in place tensor value", "maskedFill_", [randn(3, 4, grad=False), mask([3, 4]), randn()])
case("maskedSelect", "maskedSelect", [randn(3, 4), mask([3, 4])])
case("maskedSelect broadcast mask", "maskedSelect", [randn(3, 4), mask([3, 1])])
case("maskedSelect bigger mask", "maskedSelect", [randn(3, 4), mask([2, 3, 4])])
case("maskedSelect none", "maskedSelect", [randn(3), mask([3], p=0.0)])
case("maskedScatter", "maskedScatter", [randn(3, 4), mask([3, 4]), randn(3, 4)])
case("maskedScatter longer source", "maskedScatter", [randn(2, 3), mask([2, 3]), randn(10)])
case("maskedScatter broadcast mask", "maskedScatter", [randn(3, 4), mask([4]), randn(12)])
case("maskedScatter bigger mask", "maskedScatter", [randn(3, 4), mask([2, 3, 4]), randn(30)])
case("maskedScatter_ in place", "maskedScatter_", [randn(3, 4, grad=False), mask([3, 4]), randn(12)])

# ---- nonzero, where(condition) ------------------------------------------------------------------
case("nonzero 2-D", "nonzero", [const([0, 1, 0, 2, 3, 0], [2, 3], grad=False)])
case("nonzero as tuple", "nonzero", [const([0, 1, 0, 2, 3, 0], [2, 3], grad=False)], asTuple=True)
case("nonzero bool 3-D", "nonzero", [mask([2, 2, 3])])
case("nonzero 0-d", "nonzero", [const([3.0], [], grad=False)])
case("nonzero 0-d zero as tuple", "nonzero", [const([0.0], [], grad=False)], asTuple=True)
case("nonzero 0-d as tuple", "nonzero", [const([3.0], [], grad=False)], asTuple=True)
case("nonzero empty", "nonzero", [randn(0, 3, grad=False)])
case("nonzero empty as tuple", "nonzero", [randn(0, 3, grad=False)], asTuple=True)
case("nonzero int", "nonzero", [idx([0, -2, 0, 5])])
case("where(condition) bool", "where1", [mask([3, 4])])
case("where(condition) float", "where1", [const([0.0, 1.0, -2.0], [3], grad=False)])

# ---- errors -------------------------------------------------------------------------------------
E = lambda: randn(3, 4, 5, grad=False)  # noqa: E731
error("x[5] out of range", "index", [E()], "index 5 is out of bounds for dimension 0 with size 3", indices=[5])
error("x[-4] out of range", "index", [E()], "index -4 is out of bounds for dimension 0 with size 3", indices=[-4])
error("x[0, 4] out of range", "index", [E()], "index 4 is out of bounds for dimension 1 with size 4", indices=[0, 4])
error("x[[5]] out of range", "index", [E()], "index 5 is out of bounds for dimension 0 with size 3", indices=[L([5])])
error("x[[-4]] out of range", "index", [E()], "index -4 is out of bounds for dimension 0 with size 3", indices=[L([-4])])
error("x[:, :, [5]] out of range", "index", [E()], "index 5 is out of bounds for dimension 2 with size 5", indices=[":", ":", L([5])])
error("x[0, 0, 0, 0] too many", "index", [E()], "too many indices for tensor of dimension 3", indices=[0, 0, 0, 0])
error("x[mask [3, 4], 0, 0] too many", "index", [E()], "too many indices for tensor of dimension 3", indices=[M(mask([3, 4])), 0, 0])
error("x[::-1] negative step", "index", [E()], "step must be greater than zero", indices=["::-1"])
error("x[::0] zero step", "index", [E()], "slice step cannot be zero", indices=["::0"])
error("x[float tensor]", "index", [E()], "tensors used as indices must be long, int, byte or bool tensors", indices=[T([0.0], dtype="float64")])
error("x[[0, 1], [0, 1, 2]] broadcast", "index", [E()], "shape mismatch: indexing tensors could not be broadcast together with shapes [2], [3]", indices=[L([0, 1]), L([0, 1, 2])])
error("x[mask [2]]", "index", [E()], "The shape of the mask [2] at index 0 does not match the shape of the indexed tensor", indices=[L([True, False])])
error("x[:, mask [2]]", "index", [E()], "The shape of the mask [2] at index 0 does not match the shape of the indexed tensor", indices=[":", L([True, False])])
error("s[0] of a 0-d tensor", "index", [randn(grad=False)], "invalid index of a 0-dim tensor", indices=[0])
error("y[[0, 1]] = v of shape [3]", "indexPut_", [randn(3, 4, grad=False), randn(3, grad=False)], "shape mismatch: value tensor of shape [3] cannot be broadcast to indexing result of shape [2, 4]", indices=[L([0, 1])])
error("y[0] = v of shape [3]", "indexPut_", [randn(3, 4, grad=False), randn(3, grad=False)], "value tensor of shape [3] cannot be broadcast to indexing result of shape [4]", indices=[0])
error("y[0] = v of shape [2, 4]", "indexPut_", [randn(3, 4, grad=False), randn(2, 4, grad=False)], "value tensor of shape [2, 4] cannot be broadcast to indexing result of shape [4]", indices=[0])
error("y[5] = 1", "indexPut_", [randn(3, 4, grad=False)], "index 5 is out of bounds for dimension 0 with size 3", indices=[5], value=1.0)
error("y[[5]] = 1", "indexPut_", [randn(3, 4, grad=False)], "index 5 is out of bounds for dimension 0 with size 3", indices=[L([5])], value=1.0)
error("y[[0]] = float32 v (dtypes must match)", "indexPut_", [randn(3, 4, grad=False), randn(4, dtype="float32", grad=False)], "Index put requires the source and destination dtypes match, got float64 for the destination and float32 for the source", indices=[L([0])])
error("leaf x[[0]] = 1", "indexPut_", [randn(3, 4)], "a leaf Variable that requires grad is being used in an in-place operation.", indices=[L([0])], value=1.0)
error("leaf x[0] = 1", "indexPut_", [randn(3, 4)], "a view of a leaf Variable that requires grad is being used in an in-place operation.", indices=[0], value=1.0)
error("select out of range", "select", [randn(3, 4, grad=False)], "select(): index 4 out of range for tensor of size [3, 4] at dimension 1", dim=1, index=4)
error("select negative out of range", "select", [randn(3, 4, grad=False)], "select(): index -4 out of range for tensor of size [3, 4] at dimension 0", dim=0, index=-4)
error("select of a 0-d tensor", "select", [randn(grad=False)], "select() cannot be applied to a 0-dim tensor.", dim=0, index=0)
error("slice step 0", "slice", [randn(3, 4, grad=False)], "slice step must be positive", dim=1, step=0)
error("take out of range", "take", [randn(3, 4, grad=False), idx([12])], "out of range: tried to access index 12 on a tensor of 12 elements.")
error("take negative out of range", "take", [randn(3, 4, grad=False), idx([-13])], "out of range: tried to access index -13 on a tensor of 12 elements.")
error("take float index", "take", [randn(3, 4, grad=False), randn(1, grad=False)], "take(): Expected a long tensor for index")
error("takeAlongDim rank", "takeAlongDim", [randn(3, 4, grad=False), idx([0, 1])], "input and indices should have the same number of dimensions, but got 2 dimensions for input, and 1 dimensions for indices", dim=1)
error("takeAlongDim broadcast", "takeAlongDim", [randn(3, 4, grad=False), idx([[0], [0]])], "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0", dim=1)
error("takeAlongDim no dim out of range", "takeAlongDim", [randn(3, 4, grad=False), idx([12])], "index 12 is out of bounds for dimension 0 with size 12")
error("indexCopy count", "indexCopy", [randn(3, 4, grad=False), idx([2, 0]), randn(1, 4, grad=False)], "index_copy_(): Number of indices (2) should be equal to source.size(dim) (1)", dim=0)
error("indexCopy out of range", "indexCopy", [randn(3, 4, grad=False), idx([3, 0]), randn(2, 4, grad=False)], "index_copy_(): index 3 is out of bounds for dimension 0 with size 3", dim=0)
error("indexCopy negative", "indexCopy", [randn(3, 4, grad=False), idx([-1, 0]), randn(2, 4, grad=False)], "index_copy_(): index -1 is out of bounds for dimension 0 with size 3", dim=0)
error("indexCopy dtype", "indexCopy", [randn(3, 4, grad=False), idx([0]), randn(1, 4, dtype="float32", grad=False)], "index_copy_(): self and source expected to have the same dtype, but got (self) float64 and (source) float32", dim=0)
error("indexCopy 2-D index", "indexCopy", [randn(3, 4, grad=False), idx([[0]]), randn(1, 4, grad=False)], "index_copy_(): Index should have dimension 1 or 0 (got 2)", dim=0)
error("indexFill out of range", "indexFill", [randn(3, 4, grad=False), idx([4])], "index 4 is out of bounds for dimension 1 with size 4", dim=1, value=1.0)
error("indexFill 1-D value", "indexFill", [randn(3, 4, grad=False), idx([2]), randn(1, grad=False)], "index_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 dimension(s).", dim=1)
error("scatter out of range", "scatter", [randn(3, 4, grad=False), idx([[3]]), randn(3, 4, grad=False)], "index 3 is out of bounds for dimension 0 with size 3", dim=0)
error("scatter negative", "scatter", [randn(3, 4, grad=False), idx([[-1]]), randn(3, 4, grad=False)], "index -1 is out of bounds for dimension 0 with size 3", dim=0)
error("scatter index too big", "scatter", [randn(3, 4, grad=False), idx(np.zeros((4, 4), dtype=int)), randn(3, 4, grad=False)], "Expected index [4, 4] to be no larger than self [3, 4] apart from dimension 0 and to be no larger size than src [3, 4]", dim=0)
error("scatter reduce mean", "scatter", [randn(3, 4, grad=False), I34(), randn(3, 4, grad=False)], "reduce argument must be either add or multiply", dim=0, reduce="mean")
error("scatter dtype", "scatter", [randn(3, 4, grad=False), I34(), randn(3, 4, dtype="float32", grad=False)], "scatter(): Expected self.dtype to be equal to src.dtype", dim=0)
error("scatter float index", "scatter", [randn(3, 4, grad=False), randn(2, 4, grad=False), randn(3, 4, grad=False)], "scatter(): Expected dtype int32/int64 for index", dim=0)
error("scatter rank", "scatter", [randn(3, 4, grad=False), idx([0, 1]), randn(3, 4, grad=False)], "Index tensor must have the same number of dimensions as self tensor", dim=0)
error("scatterReduce bad reduce", "scatterReduce", [randn(3, 4, grad=False), I34(), randn(3, 4, grad=False)], "reduce argument must be either sum, prod, mean, amax or amin, got foo", dim=0, reduce="foo")
error("maskedFill int mask", "maskedFill", [randn(3, 4, grad=False), idx(np.ones((3, 4), dtype=int))], "masked_fill_ only supports boolean masks, but got mask with dtype int32", value=0.5)
error("maskedFill 1-D value", "maskedFill", [randn(3, 4, grad=False), mask([3, 4]), randn(1, grad=False)], "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 dimension(s).")
error("maskedFill_ bigger mask", "maskedFill_", [randn(3, 4, grad=False), mask([2, 3, 4])], "output with shape [3, 4] doesn't match the broadcast shape [2, 3, 4]", value=0.5)
error("maskedFill mask shape", "maskedFill", [randn(3, 4, grad=False), mask([3, 5])], "The size of tensor a (4) must match the size of tensor b (5) at non-singleton dimension 1", value=0.5)
error("maskedSelect float mask", "maskedSelect", [randn(3, 4, grad=False), randn(3, 4, grad=False)], "masked_select: expected BoolTensor for mask")
error("maskedSelect mask shape", "maskedSelect", [randn(3, 4, grad=False), mask([3, 5])], "The size of tensor a (4) must match the size of tensor b (5) at non-singleton dimension 1")
error("maskedScatter short source", "maskedScatter", [randn(3, 4, grad=False), mask([3, 4], p=1.0), randn(5, grad=False)], "Number of elements of source < number of ones in mask")
error("maskedScatter dtype", "maskedScatter", [randn(3, 4, grad=False), mask([3, 4]), randn(12, dtype="float32", grad=False)], "masked_scatter: expected self and source to have same dtypes but got")
error("leaf maskedFill_", "maskedFill_", [randn(3, 4), mask([3, 4])], "a leaf Variable that requires grad is being used in an in-place operation.", value=0.0)
error("leaf indexFill_", "indexFill_", [randn(3, 4), idx([0])], "a leaf Variable that requires grad is being used in an in-place operation.", dim=0, value=0.0)
error("leaf scatter_", "scatter_", [randn(3, 4), idx([[0]])], "a leaf Variable that requires grad is being used in an in-place operation.", dim=0, value=0.0)

with open(OUT, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases, "errors": errors}, f, separators=(",", ":"))
print(f"wrote {len(cases)} cases and {len(errors)} errors to {OUT} ({os.path.getsize(OUT)} bytes)")
