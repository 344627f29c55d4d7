"""Generates tests/golden/higher-order-cases.json: real PyTorch gradients of gradients for
tests/autograd/higher-order-golden.test.ts.

Run with a Python that has torch (the test itself never needs Python):

    python tests/golden/gen_higher_order.py

Everything is float64. Every input is drawn here from a fixed torch.manual_seed and stored in the
JSON (flat, row-major, Python's shortest repr, so each double round-trips exactly through
JavaScript's Number()); the test never has to reproduce PyTorch's RNG. PyTorch's int64 class
indices are stored with dtype 'int32' (tsgrad's index dtype).

A tensor is written as {"shape", "data"} (plus "dtype": "int32" for indices and "requiresGrad"
for inputs). Results that PyTorch nests (tuples, tuples of tuples) are written as nested JSON
arrays of tensors, with null where PyTorch returns None. Each function is named (`fn`) and the
test holds the same function written with tsgrad ops; `args` are its non-tensor arguments and
`consts` the tensors it closes over (targets, weights).

Kinds of case:
  functional      torch.autograd.functional.{jacobian, hessian, vjp, jvp, hvp, vhp}: `expected`
                  (nested as PyTorch returns it), `requiresGrad` (the same nesting: which result
                  tensors require grad), or `throws`: PyTorch raised (its message, for reference;
                  the test only expects tsgrad to throw).
                  `thirdOrder` (only with create_graph=True): the gradient of sum(result * w)
                  with respect to every input, through the recorded graph.
  gradgrad        autograd.grad(fn(*xs), xs, grad_outputs=g, create_graph=True, allow_unused=True)
                  (`first`, with the grad_fn names in `firstGradFn`), then
                  autograd.grad(first, xs + [g], grad_outputs=u, allow_unused=True) (`second`),
                  over the entries of `first` that require grad (`u` is null for the others).
                  g (`gradOutput`) requires grad, so `second` ends with d/dg; for a scalar fn
                  gradOutput is null and `second` covers xs only. null: PyTorch returns None.
  backward        f(x).backward(create_graph=True): x.grad, then (x.grad * w).sum().backward()
                  accumulating into x.grad (PyTorch adds in place: g + H w), and again from
                  x.grad = None (H w).
  wgan-gp         a WGAN-GP critic step (see wgan_gp below).
"""

import json
import os
import warnings

import torch
import torch.nn.functional as F
from torch.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "higher-order-cases.json")

torch.manual_seed(20250607)
torch.set_default_dtype(torch.float64)
# backward(create_graph=True) warns about the parameter <-> .grad reference cycle; that is the point here
warnings.filterwarnings("ignore", message="Using backward\\(\\) with create_graph=True")

cases = []


# ---- tensors ------------------------------------------------------------------------------------
def randn(*shape, positive=False, scale=1.0, away_from_zero=0.0):
    x = torch.randn(*shape) * scale
    if positive:
        x = x.abs() + 0.5
    if away_from_zero:
        x = torch.where(x >= 0, x + away_from_zero, x - away_from_zero)
    return x


def spec(t, requires_grad=None):
    """The JSON form of a tensor."""
    if t.dtype in (torch.int64, torch.int32):
        return {"shape": list(t.shape), "dtype": "int32", "data": [int(v) for v in t.reshape(-1).tolist()]}
    assert t.dtype == torch.float64, t.dtype
    if t._is_zerotensor():
        # e.g. the second derivative of abs: PyTorch's storage-less ZeroTensor, written as zeros
        t = torch.zeros(t.shape)
    s = {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}
    if requires_grad is not None:
        s["requiresGrad"] = requires_grad
    return s


def nested(r):
    """A result as PyTorch nests it: a tensor, None, or (nested) tuples."""
    if r is None:
        return None
    if isinstance(r, torch.Tensor):
        return spec(r)
    assert isinstance(r, (tuple, list)), type(r)
    return [nested(x) for x in r]


def nested_requires_grad(r):
    if r is None:
        return None
    if isinstance(r, torch.Tensor):
        return r.requires_grad
    return [nested_requires_grad(x) for x in r]


def leaf(t, requires_grad):
    t = t.detach().clone()
    return t.requires_grad_(requires_grad) if t.is_floating_point() else t


def grad_fn_name(t):
    return None if t is None or t.grad_fn is None else type(t.grad_fn).__name__


# ---- the functions (the test writes each one again with tsgrad ops) -----------------------------
def fn_scalar4(args, c):
    # sum(tanh(x)^3) + sum(exp(x[0:2]) * x[2:4]) + log(sum(x^2) + 1), x of shape [4]
    return lambda x: (torch.tanh(x) ** 3).sum() + (torch.exp(x.narrow(0, 0, 2)) * x.narrow(0, 2, 2)).sum() + torch.log((x ** 2).sum() + 1)


def fn_mix2(args, c):
    # x [3], y [2, 3]
    return lambda x, y: (
        (torch.sigmoid(torch.matmul(y, x)) * torch.tanh(y.sum(1))).sum()
        + (torch.softmax(y * x, 1) * torch.log_softmax(y + x, 1)).sum()
        + (x ** 2).mean()
    )


def fn_vec2(args, c):
    # a [3], b [2] -> (o1 [2], o2 [3, 3]); o2 does not depend on b
    return lambda a, b: (
        a.narrow(0, 0, 2) * torch.exp(b) + (a * a).sum(),
        torch.sigmoid(a.reshape(3, 1) * a.reshape(1, 3)),
    )


def fn_vecfn(args, c):
    # x [3] -> [2, 2], with a constant M [4, 3]
    return lambda x: torch.tanh(torch.matmul(c["M"], x)).reshape(2, 2) * x.sum()


def fn_softmax(args, c):
    return lambda x: torch.softmax(x, args["dim"])


def fn_logsoftmax_tuple(args, c):
    # one output, returned as a tuple (tsgrad: an array of one tensor)
    return lambda x: (torch.log_softmax(x, 0),)


def fn_cube_sum(args, c):
    return lambda a: (a ** 3).sum()


def fn_unused2(args, c):
    return lambda a, b: torch.exp(a)


def fn_linear_in_x(args, c):
    return lambda a: (a * 2).sum()


def fn_double(args, c):
    return lambda a: a * 2


def fn_constant(args, c):
    # an output that does not depend on the input at all (requires no grad)
    return lambda a: torch.ones_like(a)


def fn_cross_entropy(args, c):
    kw = {}
    if "weight" in c:
        kw["weight"] = c["weight"]
    if "labelSmoothing" in args:
        kw["label_smoothing"] = args["labelSmoothing"]
    if "reduction" in args:
        kw["reduction"] = args["reduction"]
    return lambda z: F.cross_entropy(z, c["target"], **kw)


def fn_nll_log_softmax(args, c):
    return lambda z: F.nll_loss(torch.log_softmax(z, 1), c["target"])


def fn_bce_with_logits(args, c):
    kw = {}
    if "weight" in c:
        kw["weight"] = c["weight"]
    if "posWeight" in c:
        kw["pos_weight"] = c["posWeight"]
    return lambda z: F.binary_cross_entropy_with_logits(z, c["target"], **kw)


def fn_bce_sigmoid(args, c):
    return lambda z: F.binary_cross_entropy(torch.sigmoid(z), c["target"])


def fn_mse_tanh(args, c):
    return lambda z: F.mse_loss(torch.tanh(z), c["target"])


def fn_linear_sq(args, c):
    # hessian with respect to W of sum(linear(x, W, b)^2 * c)
    return lambda W: (F.linear(c["x"], W, c["b"]) ** 2 * c["c"]).sum()


def fn_linear_relu(args, c):
    return lambda W, b: (torch.relu(F.linear(c["x"], W, b)) ** 2).sum()


def fn_linear_tanh_x(args, c):
    return lambda x: torch.tanh(F.linear(x, c["W"], c["b"])).sum()


# single ops, for the gradgrad cases (args as tsgrad spells them)
def op(f):
    return lambda args, c: (lambda *xs: f(*xs, **args))


FNS = {
    "scalar4": fn_scalar4,
    "mix2": fn_mix2,
    "vec2": fn_vec2,
    "vecfn": fn_vecfn,
    "softmax": fn_softmax,
    "logSoftmaxTuple": fn_logsoftmax_tuple,
    "cubeSum": fn_cube_sum,
    "unused2": fn_unused2,
    "linearInX": fn_linear_in_x,
    "double": fn_double,
    "constant": fn_constant,
    "crossEntropy": fn_cross_entropy,
    "nllLogSoftmax": fn_nll_log_softmax,
    "bceWithLogits": fn_bce_with_logits,
    "bceSigmoid": fn_bce_sigmoid,
    "mseTanh": fn_mse_tanh,
    "linearSq": fn_linear_sq,
    "linearRelu": fn_linear_relu,
    "linearTanhX": fn_linear_tanh_x,
    # ops
    "add": op(lambda a, b: a + b),
    "sub": op(lambda a, b: a - b),
    "mul": op(lambda a, b: a * b),
    "div": op(lambda a, b: a / b),
    "neg": op(lambda a: -a),
    "powScalar": op(lambda a, exponent: a ** exponent),
    "powTensor": op(lambda a, b: a ** b),
    "exp": op(torch.exp),
    "log": op(torch.log),
    "sqrt": op(torch.sqrt),
    "abs": op(torch.abs),
    "tanh": op(torch.tanh),
    "sigmoid": op(torch.sigmoid),
    "relu": op(torch.relu),
    "clamp": op(lambda a, min=None, max=None: torch.clamp(a, min=min, max=max)),
    "matmul": op(torch.matmul),
    "sum": op(lambda a, dim=None, keepdim=False: a.sum() if dim is None else a.sum(dim, keepdim=keepdim)),
    "mean": op(lambda a, dim=None, keepdim=False: a.mean() if dim is None else a.mean(dim, keepdim=keepdim)),
    "maxAll": op(lambda a: a.max()),
    "minAll": op(lambda a: a.min()),
    "maxDimValues": op(lambda a, dim, keepdim=False: torch.max(a, dim, keepdim=keepdim)[0]),
    "minDimValues": op(lambda a, dim, keepdim=False: torch.min(a, dim, keepdim=keepdim)[0]),
    "softmaxOp": op(lambda a, dim: torch.softmax(a, dim)),
    "logSoftmaxOp": op(lambda a, dim: torch.log_softmax(a, dim)),
    "reshape": op(lambda a, shape: a.reshape(shape)),
    "transpose": op(lambda a, dim0, dim1: a.transpose(dim0, dim1)),
    "permute": op(lambda a, dims: a.permute(dims)),
    "expand": op(lambda a, shape: a.expand(shape)),
    "cat": op(lambda *xs, dim: torch.cat(xs, dim)),
    "stack": op(lambda *xs, dim: torch.stack(xs, dim)),
    "gather": op(lambda a, index, dim: torch.gather(a, dim, index)),
    "indexSelect": op(lambda a, index, dim: torch.index_select(a, dim, index)),
    "narrow": op(lambda a, dim, start, length: a.narrow(dim, start, length)),
    "linear": op(lambda x, w, b=None: F.linear(x, w, b)),
    "crossEntropyOp": op(lambda z, t, reduction="mean", labelSmoothing=0.0: F.cross_entropy(z, t, reduction=reduction, label_smoothing=labelSmoothing)),
    "nllLossOp": op(lambda z, t, reduction="mean": F.nll_loss(z, t, reduction=reduction)),
    "mseLossOp": op(lambda a, b, reduction="mean": F.mse_loss(a, b, reduction=reduction)),
    "bceOp": op(lambda p, t, reduction="mean": F.binary_cross_entropy(p, t, reduction=reduction)),
    "bceWithLogitsOp": op(lambda z, t, pw=None, reduction="mean": F.binary_cross_entropy_with_logits(z, t, pos_weight=pw, reduction=reduction)),
}


# ---- functional cases ---------------------------------------------------------------------------
API = {"jacobian": jacobian, "hessian": hessian, "vjp": vjp, "jvp": jvp, "hvp": hvp, "vhp": vhp}


def functional(name, api, fn, inputs, as_array=False, v=None, v_given=False, args=None, consts=None,
               create_graph=False, strict=False, requires_grad=False, third_order_weights=None):
    """One call of torch.autograd.functional.<api>. `inputs` a list of tensors; passed as a tuple
    when as_array (or when there are several), else as the one tensor. `v`: a tensor, a list of
    tensors (passed as a tuple) or None; written only when v_given."""
    args = args or {}
    consts = consts or {}
    f = FNS[fn](args, consts)
    xs = [leaf(x, requires_grad) for x in inputs]
    as_array = as_array or len(xs) > 1
    inp = tuple(xs) if as_array else xs[0]
    call_args = [f, inp]
    if api in ("vjp", "jvp", "hvp", "vhp"):
        call_args.append(tuple(v) if isinstance(v, list) else v)
    case = {
        "name": name, "kind": "functional", "api": api, "fn": fn, "args": args,
        "consts": {k: spec(t) for k, t in consts.items()},
        "inputs": [spec(x, requires_grad) for x in xs], "inputsAsArray": as_array,
        "options": {"createGraph": create_graph, "strict": strict},
    }
    if api in ("vjp", "jvp", "hvp", "vhp") and v_given:
        case["v"] = nested(v)
    try:
        result = API[api](*call_args, create_graph=create_graph, strict=strict)
    except RuntimeError as e:
        case["throws"] = str(e)
        cases.append(case)
        return
    case["expected"] = nested(result)
    case["requiresGrad"] = nested_requires_grad(result)
    if third_order_weights is not None:
        assert create_graph and requires_grad and isinstance(result, torch.Tensor)
        w = third_order_weights
        grads = torch.autograd.grad((result * w).sum(), xs, allow_unused=True)
        case["thirdOrder"] = {"weights": spec(w), "expected": [nested(g) for g in grads]}
    cases.append(case)


# a. hessian of a scalar function of one input
x4 = randn(4)
functional("hessian scalar4", "hessian", "scalar4", [x4])
functional("hessian scalar4, inputs as an array of one", "hessian", "scalar4", [x4], as_array=True)
functional("hessian scalar4 createGraph, then a third derivative", "hessian", "scalar4", [x4], create_graph=True,
           requires_grad=True, third_order_weights=randn(4, 4))
functional("jacobian softmax [4] -> a [4,4] tensor", "jacobian", "softmax", [randn(4)],
           args={"dim": 0})

# b. hessian with respect to two inputs
xm, ym = randn(3), randn(2, 3)
functional("hessian mix2 over (x [3], y [2,3])", "hessian", "mix2", [xm, ym])
functional("hessian mix2 over (x, y) createGraph", "hessian", "mix2", [xm, ym], create_graph=True, requires_grad=True)

# c. jacobians and their nesting
a3, b2 = randn(3), randn(2)
functional("jacobian vec2: two inputs, two outputs (o2 independent of b: zeros)", "jacobian", "vec2", [a3, b2])
functional("jacobian vec2 strict (o2 independent of b) throws", "jacobian", "vec2", [a3, b2], strict=True)
functional("jacobian: one input as an array, one output as a tuple -> [[J]]", "jacobian", "logSoftmaxTuple",
           [randn(4)], as_array=True)
functional("jacobian of a function returning a tuple of one output, tensor input", "jacobian", "logSoftmaxTuple", [randn(4)])
functional("jacobian vecfn [3] -> [2,2]", "jacobian", "vecfn", [randn(3)], consts={"M": randn(4, 3)})
functional("jacobian of a constant output (no grad) is zeros", "jacobian", "constant", [randn(3)])
functional("jacobian of a constant output strict throws", "jacobian", "constant", [randn(3)], strict=True)
functional("jacobian of a linear function strict is fine without createGraph", "jacobian", "double", [randn(3)], strict=True)
functional("jacobian of a linear function strict with createGraph throws", "jacobian", "double", [randn(3)], strict=True,
           create_graph=True)
functional("hessian of a linear function is zeros", "hessian", "linearInX", [randn(3)])
functional("hessian of a linear function strict throws", "hessian", "linearInX", [randn(3)], strict=True)

# d. vjp, jvp, hvp, vhp
M = randn(4, 3)
xv = randn(3)
functional("vjp vecfn with v [2,2]", "vjp", "vecfn", [xv], v=randn(2, 2), v_given=True, consts={"M": M})
functional("vjp vecfn with v createGraph", "vjp", "vecfn", [xv], v=randn(2, 2), v_given=True, consts={"M": M},
           create_graph=True, requires_grad=True)
functional("vjp scalar4 with v omitted (scalar output: v = 1)", "vjp", "scalar4", [x4])
functional("vjp vecfn with v omitted throws (output not a single element)", "vjp", "vecfn", [xv], consts={"M": M})
functional("vjp vec2 over (a, b) with (v1, v2)", "vjp", "vec2", [a3, b2], v=[randn(2), randn(3, 3)], v_given=True)
functional("vjp unused2: b unused gives zeros", "vjp", "unused2", [a3, b2], v=randn(3), v_given=True)
functional("vjp unused2 strict throws", "vjp", "unused2", [a3, b2], v=randn(3), v_given=True, strict=True)
functional("jvp vecfn with v [3]", "jvp", "vecfn", [xv], v=randn(3), v_given=True, consts={"M": M})
functional("jvp vec2 over (a, b) with (u1, u2)", "jvp", "vec2", [a3, b2], v=[randn(3), randn(2)], v_given=True)
functional("jvp vecfn with v omitted throws (input not a single element)", "jvp", "vecfn", [xv], consts={"M": M})
functional("jvp with v omitted for a one-element input (v = 1)", "jvp", "powScalar", [torch.tensor([0.7])],
           args={"exponent": 3})
functional("hvp with v omitted for a one-element input (v = 1)", "hvp", "cubeSum", [torch.tensor([-1.3])])
functional("jvp unused2 strict throws", "jvp", "unused2", [a3, b2], v=[randn(3), randn(2)], v_given=True, strict=True)
vx = randn(4)
functional("hvp scalar4", "hvp", "scalar4", [x4], v=vx, v_given=True)
functional("vhp scalar4", "vhp", "scalar4", [x4], v=vx, v_given=True)
functional("hvp scalar4 createGraph", "hvp", "scalar4", [x4], v=vx, v_given=True, create_graph=True, requires_grad=True)
vmix = [randn(3), randn(2, 3)]
functional("hvp mix2 over (x, y)", "hvp", "mix2", [xm, ym], v=vmix, v_given=True)
functional("vhp mix2 over (x, y)", "vhp", "mix2", [xm, ym], v=vmix, v_given=True)
functional("hvp with v omitted throws (input not a single element)", "hvp", "scalar4", [x4])
functional("hvp of a linear function strict throws", "hvp", "linearInX", [randn(3)], v=randn(3), v_given=True, strict=True)

# f. losses and linear
t3 = torch.tensor([2, 0, 3])
functional("hessian crossEntropy (mean) wrt logits [3,4]", "hessian", "crossEntropy", [randn(3, 4, scale=1.5)],
           consts={"target": t3})
functional("hessian crossEntropy with weight, labelSmoothing 0.1", "hessian", "crossEntropy", [randn(3, 4, scale=1.5)],
           consts={"target": t3, "weight": randn(4, positive=True)}, args={"labelSmoothing": 0.1})
functional("hessian crossEntropy reduction sum", "hessian", "crossEntropy", [randn(3, 4)], consts={"target": t3},
           args={"reduction": "sum"})
functional("hessian nllLoss(logSoftmax) wrt logits [3,4]", "hessian", "nllLogSoftmax", [randn(3, 4, scale=1.5)],
           consts={"target": t3})
functional("hessian binaryCrossEntropyWithLogits wrt input [2,3]", "hessian", "bceWithLogits", [randn(2, 3, scale=2)],
           consts={"target": torch.rand(2, 3)})
functional("hessian binaryCrossEntropyWithLogits with weight and posWeight", "hessian", "bceWithLogits",
           [randn(2, 3, scale=2)], consts={"target": torch.rand(2, 3), "weight": randn(2, 3, positive=True),
                                           "posWeight": randn(3, positive=True)})
functional("hessian binaryCrossEntropy(sigmoid(z))", "hessian", "bceSigmoid", [randn(2, 3)],
           consts={"target": torch.rand(2, 3)})
functional("hessian mseLoss(tanh(z))", "hessian", "mseTanh", [randn(2, 3)], consts={"target": randn(2, 3)})
functional("hessian sum(linear(x, W, b)^2 * c) wrt W [2,3]", "hessian", "linearSq", [randn(2, 3)],
           consts={"x": randn(4, 3), "b": randn(2), "c": randn(4, 2)})
functional("hessian sum(relu(linear(x, W, b))^2) wrt (W, b)", "hessian", "linearRelu", [randn(2, 3), randn(2)],
           consts={"x": randn(5, 3)})
functional("hessian sum(tanh(linear(x, W, b))) wrt x [4,3]", "hessian", "linearTanhX", [randn(4, 3)],
           consts={"W": randn(2, 3), "b": randn(2)})


# ---- gradgrad cases: autograd.grad twice, op by op --------------------------------------------
def gradgrad(name, fn, inputs, args=None, consts=None):
    """inputs: list of (tensor, requires_grad)."""
    args = args or {}
    consts = consts or {}
    f = FNS[fn](args, consts)
    xs = [leaf(t, rg) for t, rg in inputs]
    diff = [x for x in xs if x.requires_grad]
    y = f(*xs)
    if y.numel() == 1 and y.dim() == 0:
        g = None
        first = torch.autograd.grad(y, diff, create_graph=True, allow_unused=True)
    else:
        g = randn(*y.shape).requires_grad_()
        first = torch.autograd.grad(y, diff, grad_outputs=g, create_graph=True, allow_unused=True)
    u = [randn(*d.shape) if d is not None and d.requires_grad else None for d in first]
    present = [d for d in first if d is not None and d.requires_grad]
    u_present = [w for w in u if w is not None]
    wrt = diff + ([g] if g is not None else [])
    second = torch.autograd.grad(present, wrt, grad_outputs=u_present, allow_unused=True) if present else [None] * len(wrt)
    cases.append({
        "name": name, "kind": "gradgrad", "fn": fn, "args": args,
        "consts": {k: spec(t) for k, t in consts.items()},
        "inputs": [spec(x, x.requires_grad) if x.is_floating_point() else spec(x) for x in xs],
        "output": spec(y),
        "gradOutput": None if g is None else spec(g),
        "first": [nested(d) for d in first],
        "firstRequiresGrad": [None if d is None else d.requires_grad for d in first],
        "firstGradFn": [grad_fn_name(d) for d in first],
        "u": [nested(t) for t in u],
        "second": [nested(d) for d in second],
    })


R = lambda *s, **kw: (randn(*s, **kw), True)  # noqa: E731
N = lambda t: (t, False)  # noqa: E731

gradgrad("add broadcast [2,3] + [3]", "add", [R(2, 3), R(3)])
gradgrad("sub broadcast [2,1] - [3]", "sub", [R(2, 1), R(3)])
gradgrad("mul broadcast [3,1] * [1,4]", "mul", [R(3, 1), R(1, 4)])
gradgrad("mul same tensor twice", "mul", [R(4), R(4)])
gradgrad("div broadcast [2,3] / [3]", "div", [R(2, 3), R(3, positive=True)])
gradgrad("neg", "neg", [R(2, 3)])
for p in [2, 3, 0.5, -1.5]:
    gradgrad(f"pow number {p}", "powScalar", [R(2, 3, positive=True)], args={"exponent": p})
gradgrad("pow tensor exponent broadcast", "powTensor", [R(2, 3, positive=True), R(3)])
gradgrad("exp", "exp", [R(2, 3)])
gradgrad("log", "log", [R(2, 3, positive=True)])
gradgrad("sqrt", "sqrt", [R(2, 3, positive=True)])
gradgrad("abs (away from 0)", "abs", [R(2, 3, away_from_zero=0.1)])
gradgrad("tanh", "tanh", [R(2, 3)])
gradgrad("sigmoid", "sigmoid", [R(2, 3, scale=2)])
gradgrad("relu (away from 0)", "relu", [R(2, 3, away_from_zero=0.1)])
gradgrad("clamp min max", "clamp", [(torch.tensor([-2.0, -0.3, 0.1, 0.45, 1.5, -0.9]).reshape(2, 3), True)],
         args={"min": -0.5, "max": 0.7})
gradgrad("matmul 2-D @ 2-D", "matmul", [R(3, 4), R(4, 2)])
gradgrad("matmul 1-D @ 2-D", "matmul", [R(4), R(4, 3)])
gradgrad("matmul 2-D @ 1-D", "matmul", [R(3, 4), R(4)])
gradgrad("matmul 1-D @ 1-D", "matmul", [R(4), R(4)])
gradgrad("matmul 3-D @ 2-D (broadcast batch)", "matmul", [R(2, 3, 4), R(4, 2)])
gradgrad("sum all", "sum", [R(2, 3)])
gradgrad("sum dim 1 keepdim", "sum", [R(2, 3)], args={"dim": 1, "keepdim": True})
gradgrad("mean all", "mean", [R(2, 3)])
gradgrad("mean dim 0", "mean", [R(2, 3)], args={"dim": 0})
gradgrad("maxAll", "maxAll", [R(2, 3)])
gradgrad("minAll", "minAll", [R(2, 3)])
gradgrad("max dim 1 (values)", "maxDimValues", [R(3, 4)], args={"dim": 1})
gradgrad("min dim 0 keepdim (values)", "minDimValues", [R(3, 4)], args={"dim": 0, "keepdim": True})
gradgrad("softmax dim 1", "softmaxOp", [R(2, 4)], args={"dim": 1})
gradgrad("softmax dim 0", "softmaxOp", [R(3, 2)], args={"dim": 0})
gradgrad("logSoftmax dim 1", "logSoftmaxOp", [R(2, 4)], args={"dim": 1})
gradgrad("reshape", "reshape", [R(2, 3)], args={"shape": [3, 2]})
gradgrad("transpose", "transpose", [R(2, 3)], args={"dim0": 0, "dim1": 1})
gradgrad("permute", "permute", [R(2, 3, 4)], args={"dims": [2, 0, 1]})
gradgrad("expand", "expand", [R(3, 1)], args={"shape": [2, 3, 4]})
gradgrad("cat dim 1", "cat", [R(2, 3), R(2, 1)], args={"dim": 1})
gradgrad("stack dim 0", "stack", [R(2, 3), R(2, 3)], args={"dim": 0})
gradgrad("gather dim 1", "gather", [R(3, 4), N(torch.tensor([[0, 3], [1, 1], [2, 0]]))], args={"dim": 1})
gradgrad("indexSelect dim 0 (repeated indices)", "indexSelect", [R(4, 2), N(torch.tensor([3, 0, 3]))], args={"dim": 0})
gradgrad("narrow", "narrow", [R(4, 3)], args={"dim": 0, "start": 1, "length": 2})
gradgrad("linear with bias", "linear", [R(4, 3), R(2, 3), R(2)])
gradgrad("linear without bias, 3-D input", "linear", [R(2, 4, 3), R(2, 3)])
gradgrad("crossEntropy mean", "crossEntropyOp", [R(3, 4), N(torch.tensor([1, 0, 3]))])
gradgrad("crossEntropy none, labelSmoothing 0.2", "crossEntropyOp", [R(3, 4), N(torch.tensor([1, 0, 3]))],
         args={"reduction": "none", "labelSmoothing": 0.2})
gradgrad("nllLoss mean (linear in the input)", "nllLossOp", [R(3, 4), N(torch.tensor([1, 0, 3]))])
gradgrad("mseLoss mean, both sides require grad", "mseLossOp", [R(2, 3), R(2, 3)])
gradgrad("mseLoss none", "mseLossOp", [R(2, 3), R(2, 3)], args={"reduction": "none"})
gradgrad("binaryCrossEntropy mean", "bceOp", [(torch.rand(2, 3) * 0.9 + 0.05, True), N(torch.rand(2, 3))])
gradgrad("binaryCrossEntropyWithLogits mean", "bceWithLogitsOp", [R(2, 3, scale=2), N(torch.rand(2, 3))])
gradgrad("binaryCrossEntropyWithLogits none, posWeight", "bceWithLogitsOp",
         [R(2, 3, scale=2), N(torch.rand(2, 3)), N(randn(3, positive=True))], args={"reduction": "none"})
gradgrad("scalar4 (composite)", "scalar4", [R(4)])
gradgrad("mix2 (composite)", "mix2", [R(3), R(2, 3)])


# ---- backward(create_graph=True) ------------------------------------------------------------------
def backward_case(name, fn, x, w):
    f = FNS[fn]({}, {})
    xr = leaf(x, True)
    f(xr).backward(create_graph=True)
    gx = xr.grad
    first = spec(gx)
    first_rg, first_fn = gx.requires_grad, grad_fn_name(gx)
    (gx * w).sum().backward()  # accumulates into xr.grad in place: g + H w
    accumulated = spec(xr.grad)
    same_object = xr.grad is gx
    xr2 = leaf(x, True)
    f(xr2).backward(create_graph=True)
    g2 = xr2.grad
    xr2.grad = None
    (g2 * w).sum().backward()
    cases.append({
        "name": name, "kind": "backward", "fn": fn, "args": {}, "consts": {},
        "inputs": [spec(x, True)], "w": spec(w),
        "grad": first, "gradRequiresGrad": first_rg, "gradGradFn": first_fn,
        "afterSecondAccumulated": accumulated, "secondAccumulatesInPlace": same_object,
        "afterSecondFresh": spec(xr2.grad),
    })


backward_case("backward(createGraph) then backward of x.grad (scalar4)", "scalar4", x4, randn(4))


# ---- e. WGAN-GP ----------------------------------------------------------------------------------
def wgan_gp():
    """Critic D(x) = linear(tanh(linear(x, W1, b1)), W2, b2), Linear 3->5, tanh, Linear 5->1.
    xhat = eps * real + (1 - eps) * fake (a leaf that requires grad);
    gx = autograd.grad(D(xhat).sum(), xhat, create_graph=True);
    penalty = ((sqrt(sum(gx^2, 1)) - 1)^2).mean();
    penaltyGrads = autograd.grad(penalty, [W1, b1, W2, b2], retain_graph=True, allow_unused=True)
      (b2 does not reach the penalty: None);
    loss = D(fake).mean() - D(real).mean() + lambda * penalty; loss.backward(): every .grad and xhat.grad."""
    W1, b1, W2, b2 = randn(5, 3, scale=0.8), randn(5, scale=0.3), randn(1, 5, scale=0.8), randn(1, scale=0.3)
    real, fake, eps = randn(4, 3), randn(4, 3), torch.rand(4, 1)
    lam = 10.0
    params = [leaf(t, True) for t in (W1, b1, W2, b2)]
    D = lambda x: F.linear(torch.tanh(F.linear(x, params[0], params[1])), params[2], params[3])  # noqa: E731
    xhat = (eps * real + (1 - eps) * fake).requires_grad_()
    out = D(xhat)
    gx, = torch.autograd.grad(out.sum(), xhat, create_graph=True)
    norm = torch.sqrt((gx ** 2).sum(1))
    penalty = ((norm - 1) ** 2).mean()
    pgrads = torch.autograd.grad(penalty, params, retain_graph=True, allow_unused=True)
    loss = D(fake).mean() - D(real).mean() + lam * penalty
    loss.backward()
    # cross-check the hand-written norm against torch's
    assert torch.allclose(norm, gx.norm(2, dim=1), rtol=1e-14, atol=0)
    cases.append({
        "name": "WGAN-GP critic step", "kind": "wgan-gp", "fn": "wgan", "args": {"lambda": lam},
        "consts": {"real": spec(real), "fake": spec(fake), "eps": spec(eps)},
        "inputs": [spec(t, True) for t in (W1, b1, W2, b2)],
        "xhat": spec(xhat), "criticOut": spec(out), "gx": spec(gx), "gxRequiresGrad": gx.requires_grad,
        "gxGradFn": grad_fn_name(gx), "norm": spec(norm), "penalty": spec(penalty),
        "penaltyGrads": [nested(g) for g in pgrads],
        "loss": spec(loss), "lossGrads": [spec(p.grad) for p in params], "xhatGrad": spec(xhat.grad),
    })


wgan_gp()

with open(OUT, "w") as fh:
    json.dump({"torch": torch.__version__, "cases": cases}, fh, indent=None, separators=(",", ":"))
    fh.write("\n")
print(f"wrote {len(cases)} cases to {OUT}")
