"""Generates tests/golden/optimizers-more.json: real PyTorch trajectories of RMSprop, Adadelta, ASGD,
Rprop and LBFGS for tests/optim/optimizers-more.test.ts.

Run with a Python that has torch (the test itself never needs Python):

    python tests/golden/gen_optimizers_more.py

"cases" (RMSprop, Adadelta, ASGD, Rprop) follow tests/golden/gen_optim_cases.py: a weight W of shape
[3, 2] and a bias b of shape [2], loss = sum((x @ W + b - y)^2) + 0.1 * sum(W^3) with fresh seeded x, y
each step. Per step the file stores the gradients the optimizer saw (null where a parameter had none)
and the parameters after `step()`, so the test can replay the gradients in tsgrad and compare.

"lbfgs" cases give LBFGS a closure: they store the problem (Rosenbrock, or a small tanh network on
fixed data), and per step the loss `step(closure)` returned, the parameters after it, and every call
of the closure ("evals": the parameters it was called at, the loss and the gradients it gave), so the
test can replay PyTorch's losses and gradients as well as compute its own.

Every case ends with the optimizer's `state_dict()` in tsgrad's camelCase (buffers flattened, 0-dim
tensors and `step` as numbers; LBFGS's lists as lists) and its parameter groups' options. "errors"
holds PyTorch's messages for bad options, "defaults" each optimizer's default options.

Optimizers run with foreach=False (PyTorch's `_single_tensor_*` path, also its CPU default). Numbers are
written with Python's float repr, so they round-trip exactly.
"""

import json
import math
import os

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "optimizers-more.json")
STEPS = 25

DTYPE_NAMES = {torch.float32: "float32", torch.float64: "float64"}
OPTION_NAMES = {
    "weight_decay": "weightDecay",
    "step_sizes": "stepSizes",
    "max_iter": "maxIter",
    "max_eval": "maxEval",
    "tolerance_grad": "toleranceGrad",
    "tolerance_change": "toleranceChange",
    "history_size": "historySize",
    "line_search_fn": "lineSearchFn",
}
# PyTorch options tsgrad leaves out (they are at their defaults here), dropped from the saved groups.
LEFT_OUT = {"foreach", "fused", "differentiable", "capturable"}
STATE_NAMES = {
    "step": "step",
    "square_avg": "squareAvg",
    "grad_avg": "gradAvg",
    "momentum_buffer": "momentumBuffer",
    "acc_delta": "accDelta",
    "eta": "eta",
    "mu": "mu",
    "ax": "ax",
    "prev": "prev",
    "step_size": "stepSize",
    "func_evals": "funcEvals",
    "n_iter": "nIter",
    "d": "dDirection",
    "t": "tStep",
    "old_dirs": "oldDirs",
    "old_stps": "oldStps",
    "ro": "ro",
    "H_diag": "HDiag",
    "prev_flat_grad": "prevFlatGrad",
    "prev_loss": "prevLoss",
}
# LBFGS's scratch list of the two-loop recursion: every entry is written before it is read.
SCRATCH = {"al"}


def camel_options(options):
    out = {}
    for k, v in options.items():
        if k in LEFT_OUT:
            continue
        out[OPTION_NAMES.get(k, k)] = list(v) if isinstance(v, tuple) else v
    return out


def flat(t):
    return t.detach().reshape(-1).tolist()


def state_value(v):
    if isinstance(v, list):
        return [state_value(x) for x in v]
    if isinstance(v, torch.Tensor):
        return v.item() if v.dim() == 0 else flat(v)
    return float(v)


def saved_state(opt):
    sd = opt.state_dict()
    state = {}
    for idx, entry in sd["state"].items():
        state[str(idx)] = {STATE_NAMES[k]: state_value(v) for k, v in entry.items() if k not in SCRATCH}
    groups = [camel_options({k: v for k, v in g.items()}) for g in sd["param_groups"]]
    return state, groups


def make_optimizer(cls, params, options, groups):
    if groups is None:
        return cls(params, **options)
    return cls(
        [dict(params=[params[i] for i in g["params"]], **{k: v for k, v in g.items() if k != "params"}) for g in groups],
        **options,
    )


def run_case(name, cls, options, dtype=torch.float64, groups=None, no_grad=None, steps=STEPS):
    """no_grad: {step index: [param indices whose grad is None on that step]}."""
    no_grad = no_grad or {}
    gen = torch.Generator().manual_seed(1234)
    W = torch.randn(3, 2, generator=gen, dtype=torch.float64).to(dtype).requires_grad_()
    b = torch.randn(2, generator=gen, dtype=torch.float64).to(dtype).requires_grad_()
    params = [W, b]
    params0 = [flat(p) for p in params]
    opt = make_optimizer(cls, params, dict(options, foreach=False), groups)
    out_steps = []
    for s in range(steps):
        x = torch.randn(4, 3, generator=gen, dtype=torch.float64).to(dtype)
        y = torch.randn(4, 2, generator=gen, dtype=torch.float64).to(dtype)
        opt.zero_grad()
        loss = ((x @ W + b - y) ** 2).sum() + 0.1 * (W**3).sum()
        loss.backward()
        for i in no_grad.get(s, []):
            params[i].grad = None
        grads = [None if p.grad is None else flat(p.grad) for p in params]
        opt.step()
        out_steps.append({"grads": grads, "params": [flat(p) for p in params]})
    state, final_groups = saved_state(opt)
    case = {
        "name": name,
        "optimizer": cls.__name__,
        "options": camel_options(options),
        "dtype": DTYPE_NAMES[dtype],
        "shapes": [list(p.shape) for p in params],
        "params0": params0,
        "steps": out_steps,
        "finalState": state,
        "finalGroups": final_groups,
    }
    if groups is not None:
        case["groups"] = [camel_options(g) for g in groups]
    return case


RMSprop, Adadelta, ASGD, Rprop, LBFGS = (
    torch.optim.RMSprop,
    torch.optim.Adadelta,
    torch.optim.ASGD,
    torch.optim.Rprop,
    torch.optim.LBFGS,
)
NO_GRAD = {0: [1], 2: [1], 3: [0], 11: [0, 1]}

cases = [
    # RMSprop: plain, centered, momentum, both; lerp weight 1 - alpha on both sides of 0.5
    run_case("rmsprop defaults", RMSprop, {}),
    run_case("rmsprop centered", RMSprop, {"lr": 0.01, "centered": True}),
    run_case("rmsprop momentum", RMSprop, {"lr": 0.01, "momentum": 0.9}),
    run_case("rmsprop centered + momentum", RMSprop, {"lr": 0.005, "centered": True, "momentum": 0.8}),
    run_case("rmsprop centered, alpha 0.3 (lerp weight above 0.5)", RMSprop, {"lr": 0.01, "alpha": 0.3, "centered": True}),
    run_case(
        "rmsprop alpha + eps + weight decay + maximize",
        RMSprop,
        {"lr": 0.02, "alpha": 0.9, "eps": 1e-3, "weight_decay": 0.1, "maximize": True},
    ),
    run_case(
        "rmsprop centered + momentum + weight decay + maximize",
        RMSprop,
        {"lr": 0.01, "centered": True, "momentum": 0.5, "weight_decay": 0.05, "maximize": True},
    ),
    run_case("rmsprop, params without grad on some steps", RMSprop, {"lr": 0.01, "centered": True, "momentum": 0.9}, no_grad=NO_GRAD),
    run_case(
        "rmsprop param groups",
        RMSprop,
        {"lr": 0.01},
        groups=[{"params": [0], "centered": True}, {"params": [1], "lr": 0.003, "momentum": 0.7, "weight_decay": 0.1}],
    ),
    run_case("rmsprop centered + momentum float32", RMSprop, {"lr": 0.01, "centered": True, "momentum": 0.9, "weight_decay": 0.1}, dtype=torch.float32),
    run_case("rmsprop maximize float32", RMSprop, {"lr": 0.01, "alpha": 0.3, "centered": True, "maximize": True}, dtype=torch.float32),
    # Adadelta
    run_case("adadelta defaults", Adadelta, {}),
    run_case("adadelta lr + rho + eps", Adadelta, {"lr": 0.5, "rho": 0.3, "eps": 1e-4}),
    run_case("adadelta weight decay + maximize", Adadelta, {"lr": 2.0, "rho": 0.95, "weight_decay": 0.2, "maximize": True}),
    run_case("adadelta, params without grad on some steps", Adadelta, {"lr": 1.0}, no_grad=NO_GRAD),
    run_case(
        "adadelta param groups",
        Adadelta,
        {"lr": 1.0},
        groups=[{"params": [0], "rho": 0.5}, {"params": [1], "lr": 0.1, "eps": 1e-3, "weight_decay": 0.3}],
    ),
    run_case("adadelta float32", Adadelta, {"lr": 1.0, "rho": 0.8, "weight_decay": 0.1}, dtype=torch.float32),
    run_case("adadelta maximize float32", Adadelta, {"lr": 0.5, "eps": 1e-5, "maximize": True}, dtype=torch.float32),
    # ASGD: t0 far away (defaults), then crossing t0 during the run
    run_case("asgd defaults", ASGD, {}),
    run_case("asgd t0 crossing", ASGD, {"lr": 0.02, "lambd": 0.01, "alpha": 0.5, "t0": 10}),
    run_case("asgd t0 0 (averaging from the start)", ASGD, {"lr": 0.01, "lambd": 0.1, "t0": 0}),
    run_case("asgd weight decay + maximize", ASGD, {"lr": 0.01, "lambd": 1e-3, "t0": 5, "weight_decay": 0.1, "maximize": True}),
    run_case("asgd, params without grad on some steps", ASGD, {"lr": 0.01, "lambd": 0.01, "t0": 8}, no_grad=NO_GRAD),
    run_case(
        "asgd param groups",
        ASGD,
        {"lr": 0.01},
        groups=[{"params": [0], "t0": 3, "lambd": 0.05}, {"params": [1], "lr": 0.02, "alpha": 0.9, "t0": 15, "weight_decay": 0.2}],
    ),
    run_case("asgd t0 crossing float32", ASGD, {"lr": 0.02, "lambd": 0.01, "alpha": 0.5, "t0": 10, "weight_decay": 0.05}, dtype=torch.float32),
    run_case("asgd maximize float32", ASGD, {"lr": 0.01, "t0": 4, "maximize": True}, dtype=torch.float32),
    # Rprop: etas, and step sizes that hit their bounds
    run_case("rprop defaults", Rprop, {}),
    run_case("rprop etas", Rprop, {"lr": 0.05, "etas": (0.3, 1.5)}),
    run_case("rprop step sizes at both bounds", Rprop, {"lr": 0.2, "etas": (0.2, 2.0), "step_sizes": (0.01, 0.1)}),
    run_case("rprop lr above the max step size", Rprop, {"lr": 1.0, "step_sizes": (1e-3, 0.05)}),
    run_case("rprop maximize", Rprop, {"lr": 0.05, "maximize": True}),
    run_case("rprop, params without grad on some steps", Rprop, {"lr": 0.05, "etas": (0.4, 1.3)}, no_grad=NO_GRAD),
    run_case(
        "rprop param groups",
        Rprop,
        {"lr": 0.05},
        groups=[{"params": [0], "etas": (0.25, 1.75)}, {"params": [1], "lr": 0.01, "step_sizes": (0.005, 0.02), "maximize": True}],
    ),
    run_case("rprop step sizes at both bounds float32", Rprop, {"lr": 0.2, "etas": (0.2, 2.0), "step_sizes": (0.01, 0.1)}, dtype=torch.float32),
    run_case("rprop maximize float32", Rprop, {"lr": 0.03, "etas": (0.3, 1.1), "maximize": True}, dtype=torch.float32),
]


# ---- LBFGS: problems given as closures ----


def rosenbrock(params, _data):
    (x,) = params
    return (100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum()


def rosenbrock_split(params, _data):
    # the same function of a and b; `unused` never gets a gradient
    a, b, _unused = params
    return 100 * (b - a**2) ** 2 + (1 - a) ** 2


def mlp(params, data):
    W1, b1, W2, b2 = params
    h = torch.tanh(data["x"] @ W1.T + b1)
    return ((h @ W2.T + b2 - data["y"]) ** 2).mean()


PROBLEMS = {
    "rosenbrock": (rosenbrock, lambda gen: [torch.tensor([-1.5, 2.0, -0.5, 1.5], dtype=torch.float64)]),
    "rosenbrock split, a param without grad": (
        rosenbrock_split,
        lambda gen: [torch.tensor([-1.2], dtype=torch.float64), torch.tensor([1.0], dtype=torch.float64), torch.tensor([3.0, 4.0], dtype=torch.float64)],
    ),
    "mlp": (
        mlp,
        lambda gen: [
            torch.randn(3, 2, generator=gen, dtype=torch.float64) * 0.5,
            torch.randn(3, generator=gen, dtype=torch.float64) * 0.1,
            torch.randn(1, 3, generator=gen, dtype=torch.float64) * 0.5,
            torch.randn(1, generator=gen, dtype=torch.float64) * 0.1,
        ],
    ),
}


def run_lbfgs(name, problem, options, dtype=torch.float64, steps=20):
    fn, init = PROBLEMS[problem]
    gen = torch.Generator().manual_seed(7)
    params = [p.to(dtype).requires_grad_() for p in init(gen)]
    data = None
    if problem == "mlp":
        x = torch.randn(8, 2, generator=gen, dtype=torch.float64)
        data = {"x": x.to(dtype), "y": torch.sin(2 * x[:, :1]).to(dtype) - 0.5 * x[:, 1:]}
        data["y"] = data["y"].to(dtype)
    params0 = [flat(p) for p in params]
    opt = LBFGS(params, **options)

    def closure():
        opt.zero_grad()
        loss = fn(params, data)
        loss.backward()
        evals.append(
            {"params": [flat(p) for p in params], "loss": loss.item(), "grads": [None if p.grad is None else flat(p.grad) for p in params]}
        )
        return loss

    out_steps = []
    for _ in range(steps):
        evals = []
        loss = opt.step(closure)
        out_steps.append({"loss": loss.item(), "params": [flat(p) for p in params], "evals": evals})
    state, final_groups = saved_state(opt)
    case = {
        "name": name,
        "problem": problem,
        "options": camel_options(options),
        "dtype": DTYPE_NAMES[dtype],
        "shapes": [list(p.shape) for p in params],
        "params0": params0,
        "steps": out_steps,
        "finalState": state,
        "finalGroups": final_groups,
    }
    if data is not None:
        case["data"] = {k: {"shape": list(v.shape), "values": flat(v)} for k, v in data.items()}
    return case


lbfgs_cases = [
    run_lbfgs("rosenbrock, fixed steps", "rosenbrock", {"lr": 0.2, "max_iter": 5}),
    run_lbfgs("rosenbrock, strong wolfe", "rosenbrock", {"max_iter": 5, "line_search_fn": "strong_wolfe"}),
    run_lbfgs("rosenbrock, strong wolfe, history 3", "rosenbrock", {"max_iter": 4, "history_size": 3, "line_search_fn": "strong_wolfe"}),
    run_lbfgs(
        "rosenbrock split, a param without grad, strong wolfe",
        "rosenbrock split, a param without grad",
        {"max_iter": 3, "line_search_fn": "strong_wolfe"},
    ),
    run_lbfgs("rosenbrock split, a param without grad, fixed steps", "rosenbrock split, a param without grad", {"lr": 0.1, "max_iter": 4, "history_size": 2}),
    run_lbfgs("mlp, fixed steps", "mlp", {"lr": 0.5, "max_iter": 6, "history_size": 4}),
    run_lbfgs("mlp, strong wolfe", "mlp", {"max_iter": 6, "history_size": 10, "line_search_fn": "strong_wolfe"}),
    run_lbfgs("mlp, strong wolfe, max eval 4", "mlp", {"max_iter": 10, "max_eval": 4, "history_size": 8, "line_search_fn": "strong_wolfe"}),
    run_lbfgs("mlp, tolerances", "mlp", {"max_iter": 20, "tolerance_grad": 1e-3, "tolerance_change": 1e-4, "history_size": 5, "line_search_fn": "strong_wolfe"}),
    # torch's float32 sqrt (in the cubic interpolation of the line search) is often 1 ulp from the
    # correctly rounded one, and float32 L-BFGS amplifies that: this case runs where it is not
    run_lbfgs(
        "rosenbrock split, a param without grad, strong wolfe float32",
        "rosenbrock split, a param without grad",
        {"max_iter": 5, "history_size": 5, "line_search_fn": "strong_wolfe"},
        dtype=torch.float32,
    ),
    run_lbfgs("mlp, fixed steps float32", "mlp", {"lr": 0.5, "max_iter": 4, "history_size": 4}, dtype=torch.float32),
]


# ---- PyTorch's errors for bad options ----


def error_of(cls, options, groups=False):
    p = torch.zeros(2, requires_grad=True)
    q = torch.zeros(2, requires_grad=True)
    try:
        if groups:
            cls([{"params": [p]}, {"params": [q]}], **options)
        else:
            cls([p], **options)
    except (ValueError, TypeError) as e:
        # NaN as the string "nan" (JSON has no NaN)
        given = {k: "nan" if isinstance(v, float) and math.isnan(v) else v for k, v in camel_options(options).items()}
        entry = {"optimizer": cls.__name__, "options": given, "message": str(e)}
        if groups:
            entry["groups"] = True
        return entry
    raise AssertionError(f"{cls.__name__}({options}) did not fail")


errors = [
    error_of(RMSprop, {"lr": -1.0}),
    error_of(RMSprop, {"eps": -1e-8}),
    error_of(RMSprop, {"momentum": -0.5}),
    error_of(RMSprop, {"weight_decay": -0.1}),
    error_of(RMSprop, {"alpha": -0.1}),
    error_of(RMSprop, {"lr": math.nan}),
    error_of(Adadelta, {"lr": -1.0}),
    error_of(Adadelta, {"rho": 1.5}),
    error_of(Adadelta, {"rho": -0.25}),
    error_of(Adadelta, {"eps": -1.0}),
    error_of(Adadelta, {"weight_decay": -0.5}),
    error_of(ASGD, {"lr": -0.01}),
    error_of(ASGD, {"weight_decay": -2.0}),
    error_of(Rprop, {"lr": -1.0}),
    error_of(Rprop, {"etas": (1.5, 1.2)}),
    error_of(Rprop, {"etas": (0.5, 0.9)}),
    error_of(Rprop, {"etas": (0.0, 1.2)}),
    error_of(LBFGS, {"lr": -1.0}),
    error_of(LBFGS, {}, groups=True),
]


def defaults_of(cls):
    opt = cls([torch.zeros(2, requires_grad=True)])
    return {"optimizer": cls.__name__, "options": camel_options({k: v for k, v in opt.param_groups[0].items() if k != "params"})}


defaults = [defaults_of(cls) for cls in (RMSprop, Adadelta, ASGD, Rprop, LBFGS)]

with open(OUT, "w") as f:
    # One case per line: compact, yet diffs stay readable.
    f.write('{"torch": %s,\n"cases": [\n' % json.dumps(torch.__version__))
    f.write(",\n".join(json.dumps(c) for c in cases))
    f.write('\n],\n"lbfgs": [\n')
    f.write(",\n".join(json.dumps(c) for c in lbfgs_cases))
    f.write('\n],\n"defaults": [\n')
    f.write(",\n".join(json.dumps(c) for c in defaults))
    f.write('\n],\n"errors": [\n')
    f.write(",\n".join(json.dumps(c) for c in errors))
    f.write("\n]}\n")
with open(OUT) as f:
    json.loads(f.read(), parse_constant=lambda c: (_ for _ in ()).throw(ValueError(f"{c} is not JSON")))
print(f"wrote {len(cases)} cases, {len(lbfgs_cases)} LBFGS cases and {len(errors)} errors to {OUT}")
