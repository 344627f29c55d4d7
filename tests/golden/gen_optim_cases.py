"""Generates tests/golden/optim-cases.json: real PyTorch optimizer trajectories for tests/optim.test.ts.

Run with a Python that has torch (the test itself never needs Python):

    python tests/golden/gen_optim_cases.py

Every case optimizes the same small problem: a weight W of shape [3, 2] and a bias b of shape [2],
loss = sum((x @ W + b - y)^2) + 0.1 * sum(W^3) with fresh seeded x, y each step. Per step the file
stores the gradients PyTorch's optimizer saw (null where a parameter had no grad that step) and the
parameters after `step()`, so the test can assign the same gradients in tsgrad and compare. At the end
it stores the optimizer's `state_dict()` (buffers flattened, `step` as a number), with tsgrad's
camelCase key names.

Optimizers run with foreach=False (PyTorch's `_single_tensor_*` path, which is also what it picks on
CPU by default). Numbers are written with Python's float repr, so they round-trip exactly.
"""

import json
import os

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "optim-cases.json")
STEPS = 5

OPTION_NAMES = {"weight_decay": "weightDecay"}
STATE_NAMES = {
    "momentum_buffer": "momentumBuffer",
    "exp_avg": "expAvg",
    "exp_avg_sq": "expAvgSq",
    "max_exp_avg_sq": "maxExpAvgSq",
    "step": "step",
}
DTYPE_NAMES = {torch.float32: "float32", torch.float64: "float64"}


def camel_options(options):
    out = {}
    for k, v in options.items():
        out[OPTION_NAMES.get(k, k)] = list(v) if isinstance(v, tuple) else v
    return out


def flat(t):
    return t.detach().reshape(-1).tolist()


def run_case(name, cls, options, dtype=torch.float64, groups=None, no_grad=None):
    """no_grad: {step index: [param indices whose grad is None on that step]}."""
    no_grad = no_grad or {}
    gen = torch.Generator().manual_seed(1234)
    W = torch.randn(3, 2, generator=gen, dtype=torch.float64).to(dtype).requires_grad_()
    b = torch.randn(2, generator=gen, dtype=torch.float64).to(dtype).requires_grad_()
    params = [W, b]
    params0 = [flat(p) for p in params]
    if groups is None:
        opt = cls(params, foreach=False, **options)
    else:
        opt = cls(
            [dict(params=[params[i] for i in g["params"]], **{k: v for k, v in g.items() if k != "params"})
             for g in groups],
            foreach=False,
            **options,
        )
    steps = []
    for s in range(STEPS):
        x = torch.randn(4, 3, generator=gen, dtype=torch.float64).to(dtype)
        y = torch.randn(4, 2, generator=gen, dtype=torch.float64).to(dtype)
        opt.zero_grad()
        loss = ((x @ W + b - y) ** 2).sum() + 0.1 * (W**3).sum()
        loss.backward()
        for i in no_grad.get(s, []):
            params[i].grad = None
        grads = [None if p.grad is None else flat(p.grad) for p in params]
        opt.step()
        steps.append({"grads": grads, "params": [flat(p) for p in params]})
    sd = opt.state_dict()
    state = {}
    for idx, entry in sd["state"].items():
        state[str(idx)] = {
            STATE_NAMES[k]: (v.item() if k == "step" else flat(v)) for k, v in entry.items()
        }
    case = {
        "name": name,
        "optimizer": cls.__name__,
        "options": camel_options(options),
        "dtype": DTYPE_NAMES[dtype],
        "shapes": [list(p.shape) for p in params],
        "params0": params0,
        "steps": steps,
        "finalState": state,
    }
    if groups is not None:
        case["groups"] = [camel_options(g) for g in groups]
    return case


SGD = torch.optim.SGD
Adam = torch.optim.Adam

cases = [
    run_case("sgd plain", SGD, {"lr": 0.1}),
    run_case("sgd momentum", SGD, {"lr": 0.05, "momentum": 0.9}),
    run_case("sgd momentum + dampening", SGD, {"lr": 0.05, "momentum": 0.9, "dampening": 0.3}),
    run_case("sgd nesterov", SGD, {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    run_case("sgd weight decay", SGD, {"lr": 0.1, "weight_decay": 0.2}),
    run_case("sgd maximize", SGD, {"lr": 0.01, "maximize": True}),
    run_case(
        "sgd momentum + dampening + weight decay + maximize",
        SGD,
        {"lr": 0.03, "momentum": 0.7, "dampening": 0.2, "weight_decay": 0.05, "maximize": True},
    ),
    run_case(
        "sgd nesterov + weight decay + maximize",
        SGD,
        {"lr": 0.02, "momentum": 0.8, "nesterov": True, "weight_decay": 0.1, "maximize": True},
    ),
    run_case(
        "sgd momentum, bias without grad on steps 0 and 2",
        SGD,
        {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.1},
        no_grad={0: [1], 2: [1], 3: [0]},
    ),
    run_case(
        "sgd param groups",
        SGD,
        {"lr": 0.05, "momentum": 0.9},
        groups=[{"params": [0]}, {"params": [1], "lr": 0.01, "momentum": 0.5, "weight_decay": 0.1}],
    ),
    run_case("adam defaults", Adam, {}),
    run_case("adam lr 0.1", Adam, {"lr": 0.1}),
    run_case("adam weight decay", Adam, {"lr": 0.05, "weight_decay": 0.3}),
    run_case("adam amsgrad", Adam, {"lr": 0.05, "amsgrad": True}),
    run_case("adam maximize", Adam, {"lr": 0.05, "maximize": True}),
    run_case(
        "adam betas + eps + weight decay + amsgrad + maximize",
        Adam,
        {"lr": 0.02, "betas": (0.5, 0.9), "eps": 1e-3, "weight_decay": 0.1, "amsgrad": True, "maximize": True},
    ),
    run_case("adam beta1 0.3 (lerp weight above 0.5)", Adam, {"lr": 0.05, "betas": (0.3, 0.99)}),
    run_case(
        "adam, bias without grad on steps 0 and 2",
        Adam,
        {"lr": 0.05, "amsgrad": True},
        no_grad={0: [1], 2: [1], 3: [0]},
    ),
    run_case(
        "adam param groups",
        Adam,
        {"lr": 0.05},
        groups=[{"params": [0], "betas": (0.8, 0.99)}, {"params": [1], "lr": 0.01, "amsgrad": True}],
    ),
    run_case("sgd nesterov float32", SGD, {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1},
             dtype=torch.float32),
    run_case("adam amsgrad float32", Adam, {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1}, dtype=torch.float32),
]

with open(OUT, "w") as f:
    # One case per line: compact, yet diffs stay readable.
    f.write('{"torch": %s, "cases": [\n' % json.dumps(torch.__version__))
    f.write(",\n".join(json.dumps(c) for c in cases))
    f.write("\n]}\n")
print(f"wrote {len(cases)} cases to {OUT}")
