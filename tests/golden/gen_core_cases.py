"""Generates tests/golden/core-cases.json: real PyTorch values and gradients for tests/core-golden.test.ts.

Run with a Python that has torch and numpy (the test itself never needs Python):

    python tests/golden/gen_core_cases.py

Each case names an op (the test maps the same name to tsgrad), its inputs (flat row-major data,
shape, tsgrad dtype, requires_grad; or a plain number), extra arguments, every output (shape,
dtype, data), and for the differentiable output the gradient `gradOutput` fed to backward and the
resulting `.grad` of every input (null where an input gets none). Inputs are written here (float64
unless a case is about dtypes), so both sides start from the same doubles; JSON floats are Python
reprs and round-trip exactly through JavaScript's Number(). PyTorch's int64 is stored as tsgrad's
`int32`, which plays that role in tsgrad.
"""

import json
import os

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "core-cases.json")

TORCH_DTYPES = {"float32": torch.float32, "float64": torch.float64, "int32": torch.int64, "bool": torch.bool}
NAMES = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int32", torch.int32: "int32", torch.bool: "bool"}

rng = np.random.default_rng(20240611)
cases = []


def randn(*shape, dtype="float64", positive=False, scale=1.0):
    x = rng.standard_normal(shape) * scale
    if positive:
        x = np.abs(x) + 0.5
    return {"shape": list(shape), "dtype": dtype, "data": x.reshape(-1).tolist(), "requiresGrad": True}


def const(values, shape, dtype="float64", requires_grad=True):
    return {"shape": list(shape), "dtype": dtype, "data": list(values), "requiresGrad": requires_grad}


def index(values, shape):
    return {"shape": list(shape), "dtype": "int32", "data": list(values), "requiresGrad": False}


def num(x):
    return {"number": x}


def to_torch(spec):
    if "number" in spec:
        return spec["number"]
    dtype = TORCH_DTYPES[spec["dtype"]]
    t = torch.tensor(spec["data"], dtype=dtype).reshape(spec["shape"])
    if dtype == torch.float32:
        # store exactly the float32 values both sides will hold
        spec["data"] = t.reshape(-1).tolist()
    if spec["requiresGrad"]:
        t.requires_grad_()
    return t


def encode(t):
    flat = t.detach().reshape(-1).tolist()
    if t.dtype == torch.bool:
        return [1 if v else 0 for v in flat]
    if not t.dtype.is_floating_point:
        return [int(v) for v in flat]
    return [float(v) for v in flat]


OPS = {
    "add": lambda a, b, alpha=1: torch.add(a, b, alpha=alpha),
    "sub": lambda a, b, alpha=1: torch.sub(a, b, alpha=alpha),
    "mul": torch.mul,
    "div": torch.div,
    "pow": torch.pow,
    "neg": torch.neg,
    "exp": torch.exp,
    "log": torch.log,
    "sqrt": torch.sqrt,
    "abs": torch.abs,
    "clamp": lambda x, min=None, max=None: torch.clamp(x, min=min, max=max),
    "relu": torch.relu,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "matmul": torch.matmul,
    "sum": lambda x, dim=None, keepdim=False: x.sum() if dim is None else x.sum(dim=dim, keepdim=keepdim),
    "mean": lambda x, dim=None, keepdim=False: x.mean() if dim is None else x.mean(dim=dim, keepdim=keepdim),
    "maxAll": lambda x: x.max(),
    "minAll": lambda x: x.min(),
    "maxDim": lambda x, dim, keepdim=False: tuple(torch.max(x, dim, keepdim=keepdim)),
    "minDim": lambda x, dim, keepdim=False: tuple(torch.min(x, dim, keepdim=keepdim)),
    "argmax": lambda x, dim=None, keepdim=False: torch.argmax(x) if dim is None else torch.argmax(x, dim, keepdim),
    "softmax": lambda x, dim: torch.softmax(x, dim),
    "logSoftmax": lambda x, dim: torch.log_softmax(x, dim),
    "reshape": lambda x, shape: x.reshape(shape),
    "view": lambda x, shape: x.view(shape),
    "flatten": lambda x, startDim=0, endDim=-1: x.flatten(startDim, endDim),
    "squeeze": lambda x, dim=None: x.squeeze() if dim is None else x.squeeze(dim),
    "unsqueeze": lambda x, dim: x.unsqueeze(dim),
    "transpose": lambda x, dim0, dim1: x.transpose(dim0, dim1),
    "permute": lambda x, dims: x.permute(dims),
    "T": lambda x: x.T,
    "expand": lambda x, shape: x.expand(shape),
    "cat": lambda *xs, dim=0: torch.cat(xs, dim),
    "stack": lambda *xs, dim=0: torch.stack(xs, dim),
    "gather": lambda x, idx, dim: torch.gather(x, dim, idx),
    "indexSelect": lambda x, idx, dim: torch.index_select(x, dim, idx),
    "narrow": lambda x, dim, start, length: x.narrow(dim, start, length),
    "eq": torch.eq,
    "ne": torch.ne,
    "gt": torch.gt,
    "lt": torch.lt,
    "ge": torch.ge,
    "le": torch.le,
    # composites: a small MLP head and one attention step
    "mlp": lambda x, w, b: torch.log_softmax(torch.tanh(x @ w.T + b), dim=1),
    "attention": lambda q, k, v: torch.softmax(q @ k.transpose(-2, -1) / 2.0, dim=-1) @ v,
    "chain": lambda x, y: ((x * y).sigmoid() - x.exp() / (1 + y.abs())).pow(2).mean(dim=0).sqrt(),
}


def case(name, op, inputs, **args):
    tensors = [to_torch(spec) for spec in inputs]
    result = OPS[op](*tensors, **args)
    outs = list(result) if isinstance(result, tuple) else [result]
    outputs = [{"shape": list(o.shape), "dtype": NAMES[o.dtype], "data": encode(o)} for o in outs]
    grad_output = None
    grads = [None] * len(inputs)
    diff = [o for o in outs if o.requires_grad]
    if diff:
        assert len(diff) == 1 and diff[0] is outs[0], name
        out = outs[0]
        g = torch.tensor(rng.standard_normal(list(out.shape)), dtype=out.dtype)
        out.backward(g)
        grad_output = encode(g)
        for i, t in enumerate(tensors):
            if isinstance(t, torch.Tensor) and t.grad is not None:
                grads[i] = {"dtype": NAMES[t.grad.dtype], "data": encode(t.grad)}
    cases.append({
        "name": name, "op": op, "args": args, "inputs": inputs, "outputs": outputs,
        "gradOutput": grad_output, "grads": grads,
    })


# ---- broadcasting arithmetic ------------------------------------------------------------------
for op in ["add", "sub", "mul", "div"]:
    pos = op == "div"
    case(f"{op} [3,1] with [1,4]", op, [randn(3, 1), randn(1, 4, positive=pos)])
    case(f"{op} [2,3] with [3]", op, [randn(2, 3), randn(3, positive=pos)])
    case(f"{op} [2,3] with a number", op, [randn(2, 3), num(2.5)])
    case(f"{op} a number with [2,3]", op, [num(-1.5), randn(2, 3, positive=pos)])
    case(f"{op} [2,1,3] with 0-d", op, [randn(2, 1, 3), randn(positive=pos)])
    case(f"{op} same shape [4]", op, [randn(4), randn(4, positive=pos)])
case("add alpha", "add", [randn(2, 3), randn(3)], alpha=-2.5)
case("sub alpha", "sub", [randn(2, 3), randn(2, 1)], alpha=0.5)
case("neg", "neg", [randn(2, 3)])

# ---- pow ----------------------------------------------------------------------------------------
for p in [2, 3, 0.5, -1.5, 0, 1]:
    case(f"pow number {p}", "pow", [randn(2, 3, positive=True), num(p)])
case("pow number 3 negative base", "pow", [randn(5), num(3)])
case("pow tensor exponent broadcast", "pow", [randn(2, 3, positive=True), randn(3)])
case("pow tensor exponent 0-d", "pow", [randn(4, positive=True), randn()])
case("pow zero base", "pow", [const([0.0, 0.0, 2.0, 0.0], [4]), const([0.0, 2.0, 1.5, 1.0], [4])])

# ---- unary ----------------------------------------------------------------------------------------
case("exp", "exp", [randn(3, 4)])
case("log", "log", [randn(3, 4, positive=True)])
case("sqrt", "sqrt", [randn(3, 4, positive=True)])
case("abs", "abs", [randn(3, 4)])
case("abs at 0", "abs", [const([0.0, -1.0, 2.0], [3])])
case("relu", "relu", [randn(3, 4)])
case("relu at 0", "relu", [const([0.0, -1.0, 2.0], [3])])
case("sigmoid", "sigmoid", [randn(3, 4, scale=3)])
case("sigmoid at +-1000", "sigmoid", [const([-1000.0, 1000.0, 0.0, -40.0, 40.0], [5])])
case("tanh", "tanh", [randn(3, 4)])
case("tanh at +-1000", "tanh", [const([-1000.0, 1000.0, 0.0, -20.0], [4])])
case("clamp min max", "clamp", [randn(3, 4)], min=-0.5, max=0.7)
case("clamp min only", "clamp", [randn(3, 4)], min=0.1)
case("clamp max only", "clamp", [randn(3, 4)], max=-0.2)
case("clamp at the bounds", "clamp", [const([-1.0, 1.0, 0.0, -2.0, 2.0], [5])], min=-1.0, max=1.0)
case("clamp min > max", "clamp", [randn(4)], min=1.0, max=-1.0)

# ---- matmul ---------------------------------------------------------------------------------------
case("matmul 1-D @ 1-D", "matmul", [randn(4), randn(4)])
case("matmul 2-D @ 1-D", "matmul", [randn(3, 4), randn(4)])
case("matmul 1-D @ 2-D", "matmul", [randn(4), randn(4, 5)])
case("matmul 2-D @ 2-D", "matmul", [randn(3, 4), randn(4, 5)])
case("matmul 3-D @ 3-D", "matmul", [randn(2, 3, 4), randn(2, 4, 5)])
case("matmul 3-D @ 2-D (broadcast batch)", "matmul", [randn(2, 3, 4), randn(4, 5)])
case("matmul 2-D @ 3-D (broadcast batch)", "matmul", [randn(3, 4), randn(2, 4, 5)])
case("matmul 1-D @ 3-D", "matmul", [randn(4), randn(2, 4, 5)])
case("matmul 3-D @ 1-D", "matmul", [randn(2, 3, 4), randn(4)])
case("matmul [2,1,3,4] @ [3,4,2]", "matmul", [randn(2, 1, 3, 4), randn(3, 4, 2)])

# ---- reductions -----------------------------------------------------------------------------------
for op in ["sum", "mean"]:
    case(f"{op} all", op, [randn(2, 3, 4)])
    for dim in [0, 1, 2, -1, -3]:
        case(f"{op} dim {dim}", op, [randn(2, 3, 4)], dim=dim)
        case(f"{op} dim {dim} keepdim", op, [randn(2, 3, 4)], dim=dim, keepdim=True)
    case(f"{op} dims [0, 2]", op, [randn(2, 3, 4)], dim=[0, 2])
    case(f"{op} dims [-1, 0] keepdim", op, [randn(2, 3, 4)], dim=[-1, 0], keepdim=True)
    case(f"{op} 0-d", op, [randn()])
case("max all", "maxAll", [randn(3, 4)])
case("min all", "minAll", [randn(3, 4)])
case("max all with ties", "maxAll", [const([1.0, 3.0, 3.0, -2.0, 3.0, 0.0], [2, 3])])
case("min all with ties", "minAll", [const([-1.0, 3.0, -1.0, 2.0], [4])])
for dim in [0, 1, -1]:
    case(f"max over dim {dim}", "maxDim", [randn(3, 4)], dim=dim)
    case(f"min over dim {dim} keepdim", "minDim", [randn(3, 4)], dim=dim, keepdim=True)
case("max over dim 1 of 3-D", "maxDim", [randn(2, 3, 4)], dim=1)
case("max over dim with ties", "maxDim", [const([2.0, 5.0, 5.0, 1.0, 7.0, 7.0, 7.0, 0.0], [2, 4])], dim=1)
case("min over dim with ties", "minDim", [const([2.0, 1.0, 1.0, 1.0, 7.0, 3.0], [3, 2])], dim=0)
case("argmax all", "argmax", [randn(3, 4)])
case("argmax dim 0", "argmax", [randn(3, 4)], dim=0)
case("argmax dim -1 keepdim", "argmax", [randn(3, 4)], dim=-1, keepdim=True)
case("argmax ties give the first", "argmax", [const([1.0, 4.0, 4.0, 4.0, 0.0, 2.0], [2, 3], requires_grad=False)], dim=1)

# ---- softmax ----------------------------------------------------------------------------------
case("softmax seed [2, 1, 0.1]", "softmax", [const([2.0, 1.0, 0.1], [3])], dim=0)
for op in ["softmax", "logSoftmax"]:
    for dim in [0, 1, 2, -1, -2]:
        case(f"{op} [2,3,4] dim {dim}", op, [randn(2, 3, 4, scale=2)], dim=dim)
    case(f"{op} logits +-1e4", op, [const([1e4, -1e4, 0.0, 1e4 - 1.0, -1e4, 1e4], [2, 3])], dim=1)
    case(f"{op} 1-D", op, [randn(5)], dim=-1)

# ---- layout ---------------------------------------------------------------------------------------
case("reshape with -1", "reshape", [randn(2, 3, 4)], shape=[4, -1])
case("view", "view", [randn(2, 6)], shape=[3, 2, 2])
case("flatten all", "flatten", [randn(2, 3, 4)])
case("flatten 1..2", "flatten", [randn(2, 3, 4, 2)], startDim=1, endDim=2)
case("squeeze all", "squeeze", [randn(1, 3, 1, 2)])
case("squeeze dim 2", "squeeze", [randn(1, 3, 1, 2)], dim=2)
case("squeeze dim of size > 1 is a no-op", "squeeze", [randn(1, 3)], dim=1)
case("unsqueeze -1", "unsqueeze", [randn(2, 3)], dim=-1)
case("unsqueeze 0", "unsqueeze", [randn(2, 3)], dim=0)
case("transpose 0,2", "transpose", [randn(2, 3, 4)], dim0=0, dim1=2)
case("transpose -1,-2", "transpose", [randn(2, 3, 4)], dim0=-1, dim1=-2)
case("permute", "permute", [randn(2, 3, 4)], dims=[2, 0, 1])
case("permute negative dims", "permute", [randn(2, 3, 4)], dims=[-1, -3, -2])
case("T 2-D", "T", [randn(3, 4)])
case("expand [3,1] -> [2,3,4]", "expand", [randn(3, 1)], shape=[2, 3, 4])
case("expand with -1", "expand", [randn(1, 4)], shape=[3, -1])
case("cat dim 0", "cat", [randn(2, 3), randn(1, 3), randn(3, 3)], dim=0)
case("cat dim -1", "cat", [randn(2, 3), randn(2, 1)], dim=-1)
case("stack dim 0", "stack", [randn(2, 3), randn(2, 3)], dim=0)
case("stack dim -1", "stack", [randn(2, 3), randn(2, 3), randn(2, 3)], dim=-1)
case("gather dim 1", "gather", [randn(3, 4), index([0, 3, 3, 1, 2, 0], [3, 2])], dim=1)
case("gather dim 0 repeated", "gather", [randn(3, 4), index([2, 2, 0, 1, 2, 2, 2, 2], [2, 4])], dim=0)
case("gather smaller index", "gather", [randn(3, 4, 2), index([1, 0, 3, 3], [2, 2, 1])], dim=1)
case("indexSelect dim 0 with repeats", "indexSelect", [randn(4, 3), index([3, 0, 3], [3])], dim=0)
case("indexSelect dim 1", "indexSelect", [randn(2, 4, 2), index([1, 2], [2])], dim=1)
case("narrow", "narrow", [randn(3, 5)], dim=1, start=1, length=3)
case("narrow negative start", "narrow", [randn(4, 2)], dim=0, start=-3, length=2)

# ---- comparisons ------------------------------------------------------------------------------
cmp_a = const([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [2, 3], requires_grad=False)
cmp_b = const([2.0, 2.0, 2.0], [3], requires_grad=False)
for op in ["eq", "ne", "gt", "lt", "ge", "le"]:
    case(f"{op} broadcast", op, [cmp_a, cmp_b])
    case(f"{op} number", op, [cmp_a, num(3)])

# ---- dtype promotion ----------------------------------------------------------------------------
case("int32 + 2.5 -> float32", "add", [index([1, 2, 3], [3]), num(2.5)])
case("int32 + 2 -> int32", "add", [index([1, 2, 3], [3]), num(2)])
case("int32 / int32 -> float32", "div", [index([1, 2, 7], [3]), index([2, 4, 2], [3])])
case("float32 + float64 -> float64", "add",
     [randn(3, dtype="float32"), randn(3, dtype="float64")])
case("float32 * float64 -> float64 (grads keep dtypes)", "mul",
     [randn(2, 3, dtype="float32"), randn(3, dtype="float64")])
case("float32 * float64 0-d -> float32", "mul", [randn(3, dtype="float32"), randn(dtype="float64")])
case("int32 tensor * float32 tensor", "mul", [index([1, -2, 3], [3]), randn(3, dtype="float32")])
case("float32 softmax", "softmax", [randn(2, 5, dtype="float32")], dim=1)
case("float32 matmul", "matmul", [randn(3, 4, dtype="float32"), randn(4, 2, dtype="float32")])

# ---- composites -----------------------------------------------------------------------------------
case("mlp head", "mlp", [randn(4, 3), randn(5, 3), randn(5)])
case("attention step", "attention", [randn(2, 3, 4), randn(2, 5, 4), randn(2, 5, 2)])
case("chain of ops", "chain", [randn(3, 4), randn(4)])

with open(OUT, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
print(f"wrote {len(cases)} cases to {OUT} ({os.path.getsize(OUT)} bytes)")
