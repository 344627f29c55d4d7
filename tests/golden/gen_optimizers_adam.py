"""Generates tests/golden/optimizers-adam.json: PyTorch trajectories of the Adam family and Adagrad
(Adam with decoupled_weight_decay, AdamW, Adamax, NAdam, RAdam, Adagrad, and SGD in float32) for
tests/optim/adam-family.test.ts.

Run with a Python that has torch (the test itself never needs Python):

    python tests/golden/gen_optimizers_adam.py

As tests/golden/gen_optim_cases.py, but longer (24 steps) and with three parameters, W [3, 2], b [2]
and c [5], so parameter groups can differ in their options:
loss = sum((x @ W + b - y)^2) + 0.1 * sum(W^3) + sum(sin(c * z)) + 0.05 * sum(c^4), with fresh
seeded x, y, z each step. Per step the file stores the gradients PyTorch's optimizer saw (null where a
parameter had no grad that step) and the parameters after `step()`; at the end, the optimizer's
`state_dict()` (buffers flattened, 0-dim tensors such as `step` and `mu_product` as numbers) and its
parameter groups, with tsgrad's camelCase names and without the options tsgrad leaves out
(foreach, fused, capturable, differentiable).

A group with "addAt": s is added with `add_param_group` just before step s. At step RESUME_AT the
`state_dict()` is loaded into a fresh optimizer over copies of the parameters, which then takes the
same gradients: `resumed` holds its parameters after each later step, its final state, and whether it
followed the uninterrupted trajectory bit for bit (NAdam's does not in float64: PyTorch keeps
`mu_product` in float32 but `load_state_dict` casts it to the parameter's dtype).

`errors` holds PyTorch's constructor errors for bad option values. Optimizers run with foreach=False
(PyTorch's `_single_tensor_*` path, which is also what it picks on CPU by default). Numbers are
written with Python's float repr, so they round-trip exactly.
"""

import copy
import json
import os

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "optimizers-adam.json")
STEPS = 24
RESUME_AT = 10
SHAPES = [(3, 2), (2,), (5,)]

OPTION_NAMES = {
    "weight_decay": "weightDecay",
    "lr_decay": "lrDecay",
    "initial_accumulator_value": "initialAccumulatorValue",
    "momentum_decay": "momentumDecay",
    "decoupled_weight_decay": "decoupledWeightDecay",
}
LEFT_OUT = {"foreach", "fused", "capturable", "differentiable"}
STATE_NAMES = {
    "step": "step",
    "exp_avg": "expAvg",
    "exp_avg_sq": "expAvgSq",
    "max_exp_avg_sq": "maxExpAvgSq",
    "exp_inf": "expInf",
    "mu_product": "muProduct",
    "sum": "sum",
    "momentum_buffer": "momentumBuffer",
}
DTYPE_NAMES = {torch.float32: "float32", torch.float64: "float64"}


def camel_options(options):
    out = {}
    for k, v in options.items():
        if k in LEFT_OUT:
            continue
        out[OPTION_NAMES.get(k, k)] = list(v) if isinstance(v, tuple) else v
    return out


def flat(t):
    return t.detach().reshape(-1).tolist()


def saved_state(opt):
    sd = opt.state_dict()
    state = {}
    for idx, entry in sd["state"].items():
        state[str(idx)] = {STATE_NAMES[k]: (v.item() if v.dim() == 0 else flat(v)) for k, v in entry.items()}
    groups = [camel_options({k: v for k, v in g.items()}) for g in sd["param_groups"]]
    return state, groups


def group_dict(params, g):
    return dict(params=[params[i] for i in g["params"]], **{k: v for k, v in g.items() if k not in ("params", "addAt")})


def make_optimizer(cls, params, options, groups, step):
    """The optimizer as it is just before step `step`: groups with addAt <= step are in it."""
    if groups is None:
        return cls(params, foreach=False, **options)
    first = [g for g in groups if "addAt" not in g]
    opt = cls([group_dict(params, g) for g in first], foreach=False, **options)
    for g in groups:
        if "addAt" in g and g["addAt"] <= step:
            opt.add_param_group(group_dict(params, g))
    return opt


def run_case(name, cls, options, dtype=torch.float64, groups=None, no_grad=None, default_dtype=None):
    """no_grad: {step index: [param indices whose grad is None on that step]}."""
    no_grad = no_grad or {}
    previous_default = torch.get_default_dtype()
    if default_dtype is not None:
        torch.set_default_dtype(default_dtype)
    try:
        gen = torch.Generator().manual_seed(4321)
        params = [torch.randn(*s, generator=gen, dtype=torch.float64).to(dtype).requires_grad_() for s in SHAPES]
        W, b, c = params
        params0 = [flat(p) for p in params]
        opt = make_optimizer(cls, params, options, groups, 0)
        steps, resumed_steps = [], []
        fresh, opt2 = None, None
        for s in range(STEPS):
            if groups is not None:
                for g in groups:
                    if g.get("addAt") == s:
                        opt.add_param_group(group_dict(params, g))
            if s == RESUME_AT:
                sd = copy.deepcopy(opt.state_dict())
                fresh = [p.detach().clone().requires_grad_() for p in params]
                opt2 = make_optimizer(cls, fresh, options, groups, s)
                opt2.load_state_dict(sd)
            x = torch.randn(4, 3, generator=gen, dtype=torch.float64).to(dtype)
            y = torch.randn(4, 2, generator=gen, dtype=torch.float64).to(dtype)
            z = torch.randn(5, generator=gen, dtype=torch.float64).to(dtype)
            opt.zero_grad()
            loss = ((x @ W + b - y) ** 2).sum() + 0.1 * (W**3).sum() + torch.sin(c * z).sum() + 0.05 * (c**4).sum()
            loss.backward()
            for i in no_grad.get(s, []):
                params[i].grad = None
            grads = [None if p.grad is None else flat(p.grad) for p in params]
            if opt2 is not None:
                for p, q in zip(params, fresh):
                    q.grad = None if p.grad is None else p.grad.clone()
                opt2.step()
                resumed_steps.append([flat(q) for q in fresh])
            opt.step()
            steps.append({"grads": grads, "params": [flat(p) for p in params]})
        state, final_groups = saved_state(opt)
        resumed_state, _ = saved_state(opt2)
        identical = all(r == m["params"] for r, m in zip(resumed_steps, steps[RESUME_AT:]))
    finally:
        torch.set_default_dtype(previous_default)
    case = {
        "name": name,
        "optimizer": cls.__name__,
        "options": camel_options(options),
        "dtype": DTYPE_NAMES[dtype],
        "shapes": [list(s) for s in SHAPES],
        "params0": params0,
        "steps": steps,
        "finalState": state,
        "finalGroups": final_groups,
        "resumed": {"at": RESUME_AT, "params": resumed_steps, "finalState": resumed_state, "identical": identical},
    }
    if groups is not None:
        case["groups"] = [camel_options(g) for g in groups]
    if default_dtype is not None:
        case["defaultDtype"] = DTYPE_NAMES[default_dtype]
    return case


optim = torch.optim
f32 = torch.float32
NO_GRAD = {0: [2], 2: [1], 3: [2], 5: [0], 12: [1, 2], 17: [2]}

cases = [
    # Adam: decoupled_weight_decay, amsgrad
    run_case(
        "adam decoupledWeightDecay, groups",
        optim.Adam,
        {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True},
        groups=[{"params": [0]}, {"params": [1, 2], "lr": 0.02, "weight_decay": 0.3, "betas": (0.8, 0.99)}],
        no_grad=NO_GRAD,
    ),
    run_case(
        "adam decoupledWeightDecay + amsgrad + maximize, a group with L2 weight decay",
        optim.Adam,
        {"lr": 0.02, "weight_decay": 0.05, "decoupled_weight_decay": True, "amsgrad": True, "maximize": True},
        groups=[{"params": [0, 1]}, {"params": [2], "amsgrad": False, "decoupled_weight_decay": False}],
    ),
    run_case(
        "adam amsgrad, groups (beta1 0.3: lerp weight above 0.5)",
        optim.Adam,
        {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1},
        groups=[{"params": [0], "betas": (0.3, 0.9)}, {"params": [1, 2], "amsgrad": False, "eps": 1e-3}],
        no_grad=NO_GRAD,
    ),
    run_case(
        "adam decoupledWeightDecay float32",
        optim.Adam,
        {"lr": 0.05, "weight_decay": 0.2, "decoupled_weight_decay": True},
        dtype=f32,
        groups=[{"params": [0]}, {"params": [1, 2], "betas": (0.3, 0.9), "maximize": True}],
        no_grad=NO_GRAD,
    ),
    run_case(
        "adam amsgrad + maximize + L2 float32",
        optim.Adam,
        {"lr": 0.02, "amsgrad": True, "maximize": True, "weight_decay": 0.1},
        dtype=f32,
        groups=[{"params": [0, 1]}, {"params": [2], "amsgrad": False, "lr": 0.05}],
    ),
    # AdamW
    run_case("adamw defaults", optim.AdamW, {}),
    run_case(
        "adamw groups, amsgrad, maximize, a group added later",
        optim.AdamW,
        {"lr": 0.05, "weight_decay": 0.2},
        groups=[
            {"params": [0], "amsgrad": True},
            {"params": [1], "lr": 0.01, "weight_decay": 0.5, "betas": (0.5, 0.9), "maximize": True},
            {"params": [2], "eps": 1e-3, "addAt": 4},
        ],
        no_grad=NO_GRAD,
    ),
    run_case(
        "adamw float32",
        optim.AdamW,
        {"lr": 0.05, "weight_decay": 0.1, "amsgrad": True},
        dtype=f32,
        groups=[{"params": [0]}, {"params": [1, 2], "amsgrad": False, "maximize": True, "weight_decay": 0.3}],
        no_grad=NO_GRAD,
    ),
    # Adamax
    run_case("adamax defaults", optim.Adamax, {}),
    run_case(
        "adamax groups, weight decay, maximize",
        optim.Adamax,
        {"lr": 0.05, "weight_decay": 0.1},
        groups=[{"params": [0]}, {"params": [1, 2], "betas": (0.3, 0.95), "eps": 1e-3, "maximize": True, "weight_decay": 0}],
        no_grad=NO_GRAD,
    ),
    run_case(
        "adamax float32",
        optim.Adamax,
        {"lr": 0.05, "weight_decay": 0.1, "maximize": True},
        dtype=f32,
        groups=[{"params": [0, 2]}, {"params": [1], "lr": 0.02, "betas": (0.8, 0.9)}],
        no_grad=NO_GRAD,
    ),
    # NAdam
    run_case("nadam defaults", optim.NAdam, {}),
    run_case(
        "nadam L2 weight decay, momentumDecay, groups, maximize",
        optim.NAdam,
        {"lr": 0.05, "weight_decay": 0.1, "momentum_decay": 0.01},
        groups=[{"params": [0]}, {"params": [1, 2], "momentum_decay": 0.004, "maximize": True, "betas": (0.3, 0.99)}],
        no_grad=NO_GRAD,
    ),
    run_case(
        "nadam decoupledWeightDecay, groups, a group added later",
        optim.NAdam,
        {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True},
        groups=[
            {"params": [0]},
            {"params": [1], "lr": 0.02, "weight_decay": 0.4, "momentum_decay": 0.1},
            {"params": [2], "decoupled_weight_decay": False, "addAt": 3},
        ],
        no_grad=NO_GRAD,
    ),
    run_case(
        "nadam L2 float32",
        optim.NAdam,
        {"lr": 0.05, "weight_decay": 0.1},
        dtype=f32,
        groups=[{"params": [0]}, {"params": [1, 2], "momentum_decay": 0.05, "maximize": True}],
        no_grad=NO_GRAD,
    ),
    run_case(
        "nadam decoupledWeightDecay float32",
        optim.NAdam,
        {"lr": 0.05, "weight_decay": 0.2, "decoupled_weight_decay": True, "maximize": True},
        dtype=f32,
        groups=[{"params": [0, 1]}, {"params": [2], "betas": (0.5, 0.9)}],
    ),
    run_case(
        "nadam with default dtype float64 (mu_product in float64)",
        optim.NAdam,
        {"lr": 0.05, "weight_decay": 0.1},
        groups=[{"params": [0]}, {"params": [1, 2], "decoupled_weight_decay": True}],
        default_dtype=torch.float64,
    ),
    # RAdam (rho_t > 5 from step 6 with beta2 0.999; never with beta2 0.6, where rho_inf is 4)
    run_case("radam defaults", optim.RAdam, {}),
    run_case(
        "radam L2 weight decay, groups, maximize, a group never rectified",
        optim.RAdam,
        {"lr": 0.05, "weight_decay": 0.1},
        groups=[
            {"params": [0], "betas": (0.9, 0.99)},
            {"params": [1], "maximize": True, "eps": 1e-4},
            {"params": [2], "betas": (0.3, 0.6)},
        ],
        no_grad=NO_GRAD,
    ),
    run_case(
        "radam decoupledWeightDecay, groups",
        optim.RAdam,
        {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True},
        groups=[{"params": [0]}, {"params": [1, 2], "lr": 0.01, "weight_decay": 0.5, "betas": (0.5, 0.6)}],
        no_grad=NO_GRAD,
    ),
    run_case(
        "radam L2 float32",
        optim.RAdam,
        {"lr": 0.05, "weight_decay": 0.1, "betas": (0.9, 0.99)},
        dtype=f32,
        groups=[{"params": [0]}, {"params": [1, 2], "maximize": True}],
        no_grad=NO_GRAD,
    ),
    run_case(
        "radam decoupledWeightDecay float32",
        optim.RAdam,
        {"lr": 0.05, "weight_decay": 0.2, "decoupled_weight_decay": True, "betas": (0.9, 0.99)},
        dtype=f32,
        groups=[{"params": [0, 1]}, {"params": [2], "betas": (0.3, 0.6)}],
    ),
    # Adagrad (a group's initial_accumulator_value is not used: the optimizer's is)
    run_case("adagrad defaults", optim.Adagrad, {}),
    run_case(
        "adagrad lrDecay + initialAccumulatorValue + weight decay, groups, maximize",
        optim.Adagrad,
        {"lr": 0.1, "lr_decay": 0.05, "initial_accumulator_value": 0.5, "weight_decay": 0.1},
        groups=[
            {"params": [0]},
            {"params": [1], "lr": 0.05, "lr_decay": 0, "eps": 1e-3, "maximize": True, "initial_accumulator_value": 2.0},
            {"params": [2], "lr_decay": 0.2, "addAt": 4},
        ],
        no_grad=NO_GRAD,
    ),
    run_case(
        "adagrad float32",
        optim.Adagrad,
        {"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1, "weight_decay": 0.05},
        dtype=f32,
        groups=[{"params": [0, 2]}, {"params": [1], "maximize": True, "eps": 1e-4}],
        no_grad=NO_GRAD,
    ),
    # SGD, whose float32 rounding follows PyTorch's too
    run_case(
        "sgd momentum + dampening + weight decay, a nesterov + maximize group, float32",
        optim.SGD,
        {"lr": 0.02, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.1},
        dtype=f32,
        groups=[{"params": [0]}, {"params": [1, 2], "lr": 0.002, "momentum": 0.5, "nesterov": True, "dampening": 0, "maximize": True}],
        no_grad=NO_GRAD,
    ),
    run_case(
        "sgd momentum + dampening + weight decay, a nesterov + maximize group, float64",
        optim.SGD,
        {"lr": 0.02, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.1},
        groups=[{"params": [0]}, {"params": [1, 2], "lr": 0.002, "momentum": 0.5, "nesterov": True, "dampening": 0, "maximize": True}],
        no_grad=NO_GRAD,
    ),
]

# Values whose Python str() and JavaScript String() agree (no 1e-05 style exponents).
BAD_OPTIONS = {
    "Adam": [
        {"lr": -1},
        {"lr": -0.5},
        {"eps": -0.001},
        {"betas": (1, 0.999)},
        {"betas": (0.9, 1.5)},
        {"weight_decay": -0.1},
        {"weight_decay": -0.1, "decoupled_weight_decay": True},
    ],
    "AdamW": [{"lr": -1}, {"eps": -1}, {"betas": (-0.1, 0.999)}, {"betas": (0.9, 1)}, {"weight_decay": -0.25}],
    "Adamax": [{"lr": -0.002}, {"eps": -1}, {"betas": (1.5, 0.9)}, {"betas": (0.9, -0.5)}, {"weight_decay": -1}],
    "NAdam": [
        {"lr": -1},
        {"eps": -0.5},
        {"betas": (1, 0.9)},
        {"betas": (0.9, 2)},
        {"weight_decay": -0.1},
        {"momentum_decay": -0.004},
    ],
    "RAdam": [{"lr": -1}, {"eps": -1}, {"betas": (-1, 0.999)}, {"betas": (0.9, 1)}, {"weight_decay": -0.5}],
    "Adagrad": [
        {"lr": -1},
        {"lr_decay": -0.5},
        {"weight_decay": -0.1},
        {"initial_accumulator_value": -0.25},
        {"eps": -1},
    ],
}

errors = []
for name, bad in BAD_OPTIONS.items():
    for options in bad:
        try:
            getattr(optim, name)([torch.zeros(2, requires_grad=True)], **options)
        except ValueError as e:
            errors.append({"optimizer": name, "options": camel_options(options), "message": str(e)})
        else:
            raise AssertionError(f"{name}({options}) did not raise")

with open(OUT, "w") as f:
    # One case per line: compact, yet diffs stay readable.
    # allow_nan=False: a case that diverges is an error here, not an invalid JSON file.
    f.write('{"torch": %s, "steps": %d, "errors": %s, "cases": [\n' % (json.dumps(torch.__version__), STEPS, json.dumps(errors)))
    f.write(",\n".join(json.dumps(c, allow_nan=False) for c in cases))
    f.write("\n]}\n")
print(f"wrote {len(cases)} cases and {len(errors)} errors to {OUT}")
