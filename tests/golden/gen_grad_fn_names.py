"""Generates tests/golden/grad-fn-names.json: the grad_fn name PyTorch prints for each op and loss
tsgrad has, for tests/autograd/grad-fn-names.test.ts.

Run with a Python that has torch (the test itself never needs Python):

    python tests/golden/gen_grad_fn_names.py

Each case is one expression over fresh float32 inputs that require grad (a: [2, 3], b: [2, 3],
v: [3], w: [3], m: [3, 4], bat: [5, 2, 3], bat4: [5, 3, 4], p: probabilities [2, 3] in (0, 1),
lab: int64 class indices [2]); the test writes the same expression in tsgrad under the same case
name and compares `t.gradFn.name` with the name stored here (`type(t.grad_fn).__name__`).
"""

import json
import os
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "grad-fn-names.json")


def inputs():
    g = torch.Generator().manual_seed(0)

    def r(*shape):
        return torch.randn(*shape, generator=g).requires_grad_()

    return {
        "a": r(2, 3),
        "b": r(2, 3),
        "v": r(3),
        "w": r(3),
        "m": r(3, 4),
        "bat": r(5, 2, 3),
        "bat4": r(5, 3, 4),
        "p": torch.rand(2, 3, generator=g).clamp(0.1, 0.9).requires_grad_(),
        "lab": torch.tensor([0, 2]),
    }


CASES = {
    # arithmetic
    "add": lambda t: t["a"] + t["b"],
    "add scalar": lambda t: t["a"] + 2,
    "scalar add": lambda t: 2 + t["a"],
    "add alpha": lambda t: torch.add(t["a"], t["b"], alpha=2),
    "add broadcast": lambda t: t["a"] + t["v"],
    "sub": lambda t: t["a"] - t["b"],
    "sub scalar": lambda t: t["a"] - 2,
    "scalar sub": lambda t: 2 - t["a"],
    "mul": lambda t: t["a"] * t["b"],
    "mul scalar": lambda t: t["a"] * 2,
    "scalar mul": lambda t: 2 * t["a"],
    "div": lambda t: t["a"] / t["b"],
    "div scalar": lambda t: t["a"] / 2,
    "scalar div": lambda t: 2 / t["a"],
    "neg": lambda t: -t["a"],
    "pow tensor": lambda t: t["p"] ** t["b"],
    "pow scalar": lambda t: t["a"] ** 2,
    "pow half": lambda t: t["p"] ** 0.5,
    "scalar pow": lambda t: 2 ** t["a"],
    "where": lambda t: torch.where(t["a"] > 0, t["a"], t["b"]),
    # unary
    "exp": lambda t: t["a"].exp(),
    "log": lambda t: t["p"].log(),
    "sqrt": lambda t: t["p"].sqrt(),
    "abs": lambda t: t["a"].abs(),
    "sign": lambda t: t["a"].sign(),
    "relu": lambda t: t["a"].relu(),
    "sigmoid": lambda t: t["a"].sigmoid(),
    "tanh": lambda t: t["a"].tanh(),
    "clamp": lambda t: t["a"].clamp(-0.5, 0.5),
    "clamp min": lambda t: t["a"].clamp(min=-0.5),
    "clone": lambda t: t["a"].clone(),
    "to float64": lambda t: t["a"].double(),
    "leaky relu": lambda t: F.leaky_relu(t["a"], 0.1),
    # reductions
    "sum": lambda t: t["a"].sum(),
    "sum dim": lambda t: t["a"].sum(1),
    "sum dims keepdim": lambda t: t["a"].sum((0, 1), keepdim=True),
    "mean": lambda t: t["a"].mean(),
    "mean dim": lambda t: t["a"].mean(0),
    "max": lambda t: t["a"].max(),
    "max dim": lambda t: t["a"].max(1).values,
    "min": lambda t: t["a"].min(),
    "min dim": lambda t: t["a"].min(0).values,
    "softmax": lambda t: t["a"].softmax(1),
    "log softmax": lambda t: t["a"].log_softmax(1),
    # matmul
    "matmul 1d 1d": lambda t: t["v"] @ t["w"],
    "matmul 2d 1d": lambda t: t["a"] @ t["v"],
    "matmul 1d 2d": lambda t: t["v"] @ t["m"],
    "matmul 2d 2d": lambda t: t["a"] @ t["m"],
    "matmul 3d 2d": lambda t: t["bat"] @ t["m"],
    "matmul 3d 3d": lambda t: t["bat"] @ t["bat4"],
    "matmul 2d 3d": lambda t: t["a"] @ t["bat4"],
    "matmul 3d 1d": lambda t: t["bat"] @ t["v"],
    "matmul 1d 3d": lambda t: t["v"] @ t["bat4"],
    # layout
    "reshape": lambda t: t["a"].reshape(3, 2),
    "view": lambda t: t["a"].view(6),
    "flatten": lambda t: t["bat"].flatten(1),
    "flatten noop": lambda t: t["v"].flatten(),
    "squeeze": lambda t: t["a"].reshape(1, 2, 3).squeeze(),
    "squeeze dim": lambda t: t["a"].unsqueeze(0).squeeze(0),
    "squeeze dims": lambda t: t["a"].unsqueeze(0).squeeze((0, 1)),
    "unsqueeze": lambda t: t["a"].unsqueeze(1),
    "transpose": lambda t: t["a"].transpose(0, 1),
    "T": lambda t: t["a"].T,
    "permute": lambda t: t["bat"].permute(2, 0, 1),
    "expand": lambda t: t["v"].expand(4, 3),
    "sum to size": lambda t: t["a"].sum_to_size(1, 3),
    "cat": lambda t: torch.cat([t["a"], t["b"]], 0),
    "stack": lambda t: torch.stack([t["a"], t["b"]], 0),
    "gather": lambda t: t["a"].gather(1, torch.tensor([[0, 1], [2, 0]])),
    "scatter add": lambda t: t["a"].scatter_add(1, torch.tensor([[0, 1], [2, 0]]), t["b"][:, :2]),
    "index select": lambda t: t["a"].index_select(1, torch.tensor([2, 0])),
    "index add": lambda t: t["a"].index_add(1, torch.tensor([2, 0]), t["b"][:, :2]),
    "narrow": lambda t: t["a"].narrow(1, 1, 2),
    # nn
    "linear 2d": lambda t: F.linear(t["a"], t["m"].T.contiguous().detach().requires_grad_(), t["m"][0].detach().requires_grad_()),
    "linear 2d no bias": lambda t: F.linear(t["a"], t["m"].T.contiguous().detach().requires_grad_()),
    "linear 1d": lambda t: F.linear(t["v"], t["m"].T.contiguous().detach().requires_grad_(), t["m"][0].detach().requires_grad_()),
    "linear 3d": lambda t: F.linear(t["bat"], t["m"].T.contiguous().detach().requires_grad_(), t["m"][0].detach().requires_grad_()),
    "linear 3d no bias": lambda t: F.linear(t["bat"], t["m"].T.contiguous().detach().requires_grad_()),
    "cross entropy": lambda t: F.cross_entropy(t["a"], t["lab"]),
    "cross entropy sum": lambda t: F.cross_entropy(t["a"], t["lab"], reduction="sum"),
    "cross entropy none": lambda t: F.cross_entropy(t["a"], t["lab"], reduction="none"),
    "cross entropy smoothing": lambda t: F.cross_entropy(t["a"], t["lab"], label_smoothing=0.1),
    "cross entropy probs": lambda t: F.cross_entropy(t["a"], t["p"].detach()),
    "cross entropy probs sum": lambda t: F.cross_entropy(t["a"], t["p"].detach(), reduction="sum"),
    "cross entropy probs none": lambda t: F.cross_entropy(t["a"], t["p"].detach(), reduction="none"),
    "nll loss": lambda t: F.nll_loss(t["a"], t["lab"]),
    "nll loss none": lambda t: F.nll_loss(t["a"], t["lab"], reduction="none"),
    "bce": lambda t: F.binary_cross_entropy(t["p"], t["p"].detach() * 0 + 1),
    "bce none": lambda t: F.binary_cross_entropy(t["p"], t["p"].detach() * 0 + 1, reduction="none"),
    "bce with logits": lambda t: F.binary_cross_entropy_with_logits(t["a"], t["p"].detach()),
    "mse": lambda t: F.mse_loss(t["a"], t["b"]),
    "mse sum": lambda t: F.mse_loss(t["a"], t["b"], reduction="sum"),
    "mse none": lambda t: F.mse_loss(t["a"], t["b"], reduction="none"),
    "module linear": lambda t: nn.Linear(3, 4)(t["a"]),
    "module linear 1d": lambda t: nn.Linear(3, 4)(t["v"]),
    "module sequential": lambda t: nn.Sequential(nn.Linear(3, 4), nn.ReLU())(t["a"]),
    "module flatten": lambda t: nn.Flatten()(t["bat"]),
    "module leaky relu": lambda t: nn.LeakyReLU(0.2)(t["a"]),
    "module mse": lambda t: nn.MSELoss()(t["a"], t["b"]),
    "module cross entropy": lambda t: nn.CrossEntropyLoss()(t["a"], t["lab"]),
    # the edges of each rule
    "mul minus one": lambda t: t["a"] * -1,
    "scalar one div": lambda t: 1 / t["a"],
    "clamp max": lambda t: t["a"].clamp(max=0.5),
    "sum no dims": lambda t: t["a"].sum(()),
    "mean dims": lambda t: t["a"].mean((0, 1)),
    "max dim keepdim": lambda t: t["a"].max(1, keepdim=True).values,
    "cat one": lambda t: torch.cat([t["a"]]),
    "stack one": lambda t: torch.stack([t["a"]]),
    "where scalar": lambda t: torch.where(t["a"] > 0, t["a"], 0.0),
    "to same dtype": lambda t: t["a"].float(),
    "to float64 twice": lambda t: t["a"].double().double(),
    "sum to same size": lambda t: t["a"].sum_to_size(2, 3),
    "expand same size": lambda t: t["a"].expand(2, 3),
    "T 1d": lambda t: t["v"].T,
    "transpose 1d": lambda t: t["v"].transpose(0, 0),
    "transpose same dim": lambda t: t["a"].transpose(1, 1),
    "squeeze nothing": lambda t: t["a"].squeeze(),
    "squeeze dim nothing": lambda t: t["a"].squeeze(0),
    "flatten 0d": lambda t: t["a"].sum().flatten(),
    "flatten one dim": lambda t: t["a"].flatten(0, 0),
    "permute identity": lambda t: t["a"].permute(0, 1),
    "linear 1d no bias": lambda t: F.linear(t["v"], t["m"].T.contiguous().detach().requires_grad_()),
    "linear 4d": lambda t: F.linear(t["bat"].reshape(5, 1, 2, 3), t["m"].T.contiguous().detach().requires_grad_(), t["m"][0].detach().requires_grad_()),
    "linear 4d no bias": lambda t: F.linear(t["bat"].reshape(5, 1, 2, 3), t["m"].T.contiguous().detach().requires_grad_()),
    "matmul 3d 3d broadcast a": lambda t: t["bat"][:1] @ t["bat4"],
    "matmul 3d 3d broadcast b": lambda t: t["bat"] @ t["bat4"][:1],
    "matmul 4d 3d": lambda t: t["bat"].reshape(1, 5, 2, 3) @ t["bat4"],
    "matmul 2d 4d": lambda t: t["a"] @ t["bat4"].reshape(5, 1, 3, 4),
    "matmul 2d 3d no grad for a": lambda t: t["a"].detach() @ t["bat4"],
    "matmul 3d 3d both batch of one": lambda t: t["bat"][:1] @ t["bat4"][:1],
    "matmul 3d batch of one 4d": lambda t: t["bat"][:1] @ t["bat4"].reshape(5, 1, 3, 4),
    "softsign": lambda t: F.softsign(t["a"]),
    "module softsign": lambda t: nn.Softsign()(t["a"]),
    "matmul 1d 4d": lambda t: t["v"] @ t["bat4"].reshape(5, 1, 3, 4),
    "cross entropy smoothing none": lambda t: F.cross_entropy(t["a"], t["lab"], label_smoothing=0.1, reduction="none"),
    "cross entropy smoothing sum": lambda t: F.cross_entropy(t["a"], t["lab"], label_smoothing=0.1, reduction="sum"),
    "cross entropy weight": lambda t: F.cross_entropy(t["a"], t["lab"], weight=torch.tensor([0.2, 0.3, 0.5])),
    "cross entropy ignore index": lambda t: F.cross_entropy(t["a"], t["lab"], ignore_index=0),
    "cross entropy 1d": lambda t: F.cross_entropy(t["v"], t["lab"][1]),
    "cross entropy 3d": lambda t: F.cross_entropy(t["bat"], torch.zeros(5, 3, dtype=torch.long)),
    "cross entropy 4d": lambda t: F.cross_entropy(t["bat"].reshape(5, 2, 3, 1), torch.zeros(5, 3, 1, dtype=torch.long)),
    "cross entropy probs smoothing": lambda t: F.cross_entropy(t["a"], t["p"].detach(), label_smoothing=0.1),
    "cross entropy probs smoothing none": lambda t: F.cross_entropy(t["a"], t["p"].detach(), label_smoothing=0.1, reduction="none"),
    "cross entropy probs weight": lambda t: F.cross_entropy(t["a"], t["p"].detach(), weight=torch.tensor([0.2, 0.3, 0.5])),
    "cross entropy 3d none": lambda t: F.cross_entropy(t["bat"], torch.zeros(5, 3, dtype=torch.long), reduction="none"),
    "cross entropy 4d none": lambda t: F.cross_entropy(t["bat"].reshape(5, 2, 3, 1), torch.zeros(5, 3, 1, dtype=torch.long), reduction="none"),
    "cross entropy 5d": lambda t: F.cross_entropy(t["bat"].reshape(5, 2, 3, 1, 1), torch.zeros(5, 3, 1, 1, dtype=torch.long)),
    "cross entropy 5d none": lambda t: F.cross_entropy(t["bat"].reshape(5, 2, 3, 1, 1), torch.zeros(5, 3, 1, 1, dtype=torch.long), reduction="none"),
    "cross entropy 3d smoothing": lambda t: F.cross_entropy(t["bat"], torch.zeros(5, 3, dtype=torch.long), label_smoothing=0.1),
    "nll loss sum": lambda t: F.nll_loss(t["a"], t["lab"], reduction="sum"),
    "nll loss 4d": lambda t: F.nll_loss(t["bat"].reshape(5, 2, 3, 1), torch.zeros(5, 3, 1, dtype=torch.long)),
    "bce weight": lambda t: F.binary_cross_entropy(t["p"], t["p"].detach(), weight=torch.tensor([0.2, 0.3, 0.5])),
    "bce with logits pos weight": lambda t: F.binary_cross_entropy_with_logits(t["a"], t["p"].detach(), pos_weight=torch.tensor([0.2, 0.3, 0.5])),
}


def main():
    out = {}
    for name, fn in CASES.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # x.T on 1-D is deprecated: the name is still what it prints
            y = fn(inputs())
        out[name] = type(y.grad_fn).__name__  # NoneType where the result is the input itself
    with open(OUT, "w") as f:
        json.dump({"torch": torch.__version__, "names": out}, f, indent=1)
        f.write("\n")
    print(f"wrote {len(out)} names to {OUT}")


if __name__ == "__main__":
    main()
