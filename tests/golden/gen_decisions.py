"""Generates tests/golden/decisions.json: which calls real PyTorch accepts and which it rejects.

Run with a Python that has torch (the test itself never needs Python):

    python tests/golden/gen_decisions.py

tests/errors.test.ts maps each case name to the same call in tsgrad and checks the same decision:
"ok:<dtype>" (accepted; the result's dtype in tsgrad's names, PyTorch's int64 written as int32,
which plays that role in tsgrad) or "error" (rejected; PyTorch's message is kept in `torchMessage`
for reading, the test checks tsgrad's own). Dtype cases run every op on a tensor [1, 0] of each
dtype: bool, int32 (PyTorch int64), float32, float64.
"""

import json
import math
import os

import torch

F = torch.nn.functional
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "decisions.json")
DTYPES = {"bool": torch.bool, "int32": torch.int64, "float32": torch.float32, "float64": torch.float64}
NAMES = {torch.bool: "bool", torch.int64: "int32", torch.int32: "int32", torch.float32: "float32", torch.float64: "float64"}

# each op of one tensor x = [1, 0], in every dtype
UNARY = {
    "exp": lambda x: torch.exp(x),
    "log": lambda x: torch.log(x),
    "sqrt": lambda x: torch.sqrt(x),
    "abs": lambda x: torch.abs(x),
    "sign": lambda x: torch.sign(x),
    "relu": lambda x: torch.relu(x),
    "sigmoid": lambda x: torch.sigmoid(x),
    "tanh": lambda x: torch.tanh(x),
    "clamp(x, 0)": lambda x: torch.clamp(x, min=0),
    "clamp(x, 0.5)": lambda x: torch.clamp(x, min=0.5),
    "pow(x, 2)": lambda x: torch.pow(x, 2),
    "pow(x, 0.5)": lambda x: torch.pow(x, 0.5),
    "pow(x, x)": lambda x: torch.pow(x, x),
    "neg": lambda x: torch.neg(x),
    "softmax": lambda x: torch.softmax(x, 0),
    "logSoftmax": lambda x: torch.log_softmax(x, 0),
    "sum": lambda x: torch.sum(x),
    "mean": lambda x: torch.mean(x),
    "max": lambda x: torch.max(x),
    "max(x, 0)": lambda x: torch.max(x, 0)[0],
    "min": lambda x: torch.min(x),
    "argmax": lambda x: torch.argmax(x),
    "argmin": lambda x: torch.argmin(x),
    "argmax(x, 0)": lambda x: torch.argmax(x, 0),
    "add(x, x)": lambda x: torch.add(x, x),
    "sub(x, x)": lambda x: torch.sub(x, x),
    "mul(x, x)": lambda x: torch.mul(x, x),
    "div(x, x)": lambda x: torch.div(x, x),
    "add(x, 1)": lambda x: torch.add(x, 1),
    "sub(x, 1)": lambda x: torch.sub(x, 1),
    "sub(1, x)": lambda x: 1 - x,
    "matmul(x, x)": lambda x: torch.matmul(x, x),
    "linear": lambda x: F.linear(x.reshape(1, 2), x.reshape(1, 2)),
    "leakyRelu": lambda x: F.leaky_relu(x),
    "mseLoss(x, x)": lambda x: F.mse_loss(x, x),
    "clone": lambda x: torch.clone(x),
    "uniform_": lambda x: x.clone().uniform_(0, 1),
    "normal_": lambda x: x.clone().normal_(0, 1),
    "fill_(1.5)": lambda x: x.clone().fill_(1.5),
    "add_(0.5)": lambda x: x.clone().add_(0.5),
    "add_(1)": lambda x: x.clone().add_(1),
    "mul_(2)": lambda x: x.clone().mul_(2),
    "div_(2)": lambda x: x.clone().div_(2),
    "copy_(float)": lambda x: x.clone().copy_(torch.tensor([0.5, 1.5])),
}

f32 = lambda *v: torch.tensor(v, dtype=torch.float32)  # noqa: E731
f64 = lambda *v: torch.tensor(v, dtype=torch.float64)  # noqa: E731
nan, inf = math.nan, math.inf

SINGLE = {
    "matmul float32 x float64 (2-D)": lambda: torch.zeros(2, 3).matmul(torch.zeros(3, 2, dtype=torch.float64)),
    "matmul float32 x float64 (1-D)": lambda: torch.zeros(3).matmul(torch.zeros(3, dtype=torch.float64)),
    "matmul float32 x float64 (batched)": lambda: torch.zeros(2, 2, 3).matmul(torch.zeros(3, 2, dtype=torch.float64)),
    "matmul int x float32": lambda: torch.ones(2, 3, dtype=torch.int64).matmul(torch.ones(3, 2)),
    "linear float32 input, float64 weight": lambda: F.linear(torch.zeros(2, 3), torch.zeros(4, 3, dtype=torch.float64)),
    "flatten(0-d, 2, 2)": lambda: torch.flatten(torch.tensor(1.5), 2, 2),
    "flatten(0-d, 1)": lambda: torch.flatten(torch.tensor(1.5), 1),
    "flatten(0-d, 0, 0)": lambda: torch.flatten(torch.tensor(1.5), 0, 0),
    "flatten(0-d, -1, 0)": lambda: torch.flatten(torch.tensor(1.5), -1, 0),
    "squeeze(x, [1, 1])": lambda: torch.zeros(2, 1, 3).squeeze([1, 1]),
    "squeeze(x, [1, -2])": lambda: torch.zeros(2, 1, 3).squeeze([1, -2]),
    "squeeze(x, [])": lambda: torch.zeros(2, 1, 3).squeeze([]),
    "squeeze(x, [0, 1])": lambda: torch.zeros(2, 1, 3).squeeze([0, 1]),
    "uniform_(1, 0)": lambda: torch.zeros(3).uniform_(1, 0),
    "uniform_(1, 1)": lambda: torch.zeros(3).uniform_(1, 1),
    "uniform_(nan, 1)": lambda: torch.zeros(3).uniform_(nan, 1),
    "uniform_(0, inf)": lambda: torch.zeros(3).uniform_(0, inf),
    "normal_(0, -1)": lambda: torch.zeros(3).normal_(0, -1),
    "normal_(0, 0)": lambda: torch.zeros(3).normal_(0, 0),
    "normal_(0, nan)": lambda: torch.zeros(3).normal_(0, nan),
    "normal_(inf, 1)": lambda: torch.zeros(3).normal_(inf, 1),
    "nn.init.uniform_(t, 1, 0)": lambda: torch.nn.init.uniform_(torch.zeros(3), 1, 0),
    "full([2], 'a')": lambda: torch.full([2], "a"),
    "full([2], null)": lambda: torch.full([2], None),
    "full([2], nan)": lambda: torch.full([2], nan),
    "full([2], nan, int32)": lambda: torch.full([2], nan, dtype=torch.int32),
    "full([2], inf, int32)": lambda: torch.full([2], inf, dtype=torch.int32),
    "full([2], 3e9, int32)": lambda: torch.full([2], 3e9, dtype=torch.int32),
    "full([2], 1.5, int32)": lambda: torch.full([2], 1.5, dtype=torch.int32),
    "full([2], 2, bool)": lambda: torch.full([2], 2, dtype=torch.bool),
    "tensor([3e9], int32)": lambda: torch.tensor([3000000000], dtype=torch.int32),
    "tensor([nan], int32)": lambda: torch.tensor([nan], dtype=torch.int32),
    "fill_(inf) of int32": lambda: torch.zeros(2, dtype=torch.int32).fill_(inf),
    "fill_(3e9) of int32": lambda: torch.zeros(2, dtype=torch.int32).fill_(3e9),
    "fill_(true) of float32": lambda: torch.zeros(2).fill_(True),
    "sub(int, bool)": lambda: torch.tensor([1]) - torch.tensor([True]),
    "sub(float, bool)": lambda: torch.tensor([1.5]) - torch.tensor([True]),
    "sub(bool, 1.5)": lambda: torch.tensor([True]) - 1.5,
    "add_(float64) of float32": lambda: torch.ones(2).add_(torch.ones(2, dtype=torch.float64)),
    "add_(float) of int": lambda: torch.ones(2, dtype=torch.int64).add_(torch.ones(2)),
    "binaryCrossEntropy target 2": lambda: F.binary_cross_entropy(f32(0.5), f32(2.0)),
    "binaryCrossEntropy target -0.5": lambda: F.binary_cross_entropy(f32(0.5), f32(-0.5)),
    "binaryCrossEntropy target nan": lambda: F.binary_cross_entropy(f32(0.5), f32(nan)),
    "binaryCrossEntropy target 0.5": lambda: F.binary_cross_entropy(f32(0.5), f32(0.5)),
    "binaryCrossEntropy target 1 and 0": lambda: F.binary_cross_entropy(f32(0.5, 0.5), f32(1, 0)),
    "binaryCrossEntropy input nan": lambda: F.binary_cross_entropy(f32(nan), f32(0.5)),
    "binaryCrossEntropy input 1.5": lambda: F.binary_cross_entropy(f32(1.5), f32(0.5)),
    "binaryCrossEntropyWithLogits target 2": lambda: F.binary_cross_entropy_with_logits(f32(0.5), f32(2.0)),
    "crossEntropy int logits": lambda: F.cross_entropy(torch.tensor([[1, 2]]), torch.tensor([0])),
    "mseLoss float32 input, bool target": lambda: F.mse_loss(f32(0.5, 1), torch.tensor([True, False])),
    "pow(float requiring grad, bool tensor) backward": lambda: torch.pow(f32(1, 2).requires_grad_(), torch.tensor([True, False])).sum().backward(),
}


def decide(fn):
    try:
        out = fn()
    except Exception as e:  # noqa: BLE001
        return {"decision": "error", "torchMessage": str(e).splitlines()[0]}
    if isinstance(out, torch.Tensor):
        return {"decision": f"ok:{NAMES[out.dtype]}"}
    return {"decision": "ok"}


cases = []
for name, op in UNARY.items():
    for dtype_name, dtype in DTYPES.items():
        cases.append({"name": f"{name} of {dtype_name}", **decide(lambda: op(torch.tensor([1, 0], dtype=dtype)))})
for name, fn in SINGLE.items():
    cases.append({"name": name, **decide(fn)})

with open(OUT, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, indent=1)
    f.write("\n")
print(f"wrote {len(cases)} cases to {OUT}")
