"""Generates tests/golden/lr-scheduler.json: real PyTorch learning-rate schedules for tests/optim/lr-scheduler.test.ts.

Run with a Python that has torch (the test itself never needs Python):

    python tests/golden/gen_lr_scheduler.py

Each case is a small program in tsgrad's terms (camelCase options, positional arguments as tsgrad
takes them): an optimizer with two or three parameter groups of different learning rates, then
schedulers made on it in order (a SequentialLR or ChainedScheduler names earlier ones by index), and
the indices of the schedulers to step. Every step calls `optimizer.step()` (no gradients: the
parameters do not move) and then `step()` of each stepped scheduler, with the step's argument
(ReduceLROnPlateau's metric, CosineAnnealingWarmRestarts' epoch) where the case gives one. Recorded
after construction and after every step: each stepped scheduler's `get_last_lr()`, every group's
`lr`, and every group's momentum (`momentum`, or `betas[0]` for Adam). At the end, each stepped
scheduler's `state_dict()` with tsgrad's key names.

Also recorded: PyTorch's step-order warning and which schedulers give it, PyTorch's messages for
bad constructor arguments, and correctly rounded cos, log and pow from mpmath (tsgrad computes these
correctly rounded, as glibc's do bar a few arguments, where V8's Math functions differ in the last bit). Numbers are written with Python's float repr, so they round-trip exactly;
infinities as the strings "inf" and "-inf".
"""

import json
import math
import os
import re
import warnings

import torch
from torch.optim import lr_scheduler as L

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lr-scheduler.json")

# The functions cases pass by name; tests/optim/lr-scheduler.test.ts has the same table.
FUNCTIONS = {
    "pow095": lambda e: 0.95**e,
    "inverse": lambda e: 1 / (e + 1),
    "stairs": lambda e: 1 + e // 4,
    "const097": lambda e: 0.97,
    "alternate": lambda e: 0.9 if e % 2 else 1.05,
    "shrink": lambda x: 1 / (1 + 0.1 * x),
    "halves": lambda x: 0.5 ** (x % 3),
}

SNAKE = {"tMult": "T_mult"}


def snake(name):
    return SNAKE.get(name) or re.sub(r"([A-Z])", r"_\1", name).lower()


def camel(key):
    """PyTorch's attribute name in tsgrad's spelling: base_lrs -> baseLrs, _step_count -> _stepCount, T_max -> tMax."""
    lead = "_" if key.startswith("_") else ""
    parts = key.lstrip("_").split("_")
    first = "t" if parts[0] == "T" else parts[0]
    return lead + first + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def py_value(v, built):
    if isinstance(v, dict) and "fn" in v:
        return FUNCTIONS[v["fn"]]
    if isinstance(v, dict) and "fns" in v:
        return [FUNCTIONS[f] for f in v["fns"]]
    if isinstance(v, dict) and "refs" in v:
        return [built[i] for i in v["refs"]]
    return v


def make_optimizer(spec):
    params = [torch.nn.Parameter(torch.zeros(2, dtype=torch.float64)) for _ in spec["groups"]]
    cls = {"SGD": torch.optim.SGD, "Adam": torch.optim.Adam}[spec["type"]]
    groups = []
    for p, g in zip(params, spec["groups"]):
        groups.append(dict(params=[p], **{snake(k): tuple(v) if k == "betas" else v for k, v in g.items()}))
    options = {snake(k): tuple(v) if k == "betas" else v for k, v in spec.get("options", {}).items()}
    return cls(groups, **options)


def make_scheduler(spec, opt, built):
    cls = getattr(L, spec["type"])
    args = [py_value(a, built) for a in spec.get("args", [])]
    kwargs = {snake(k): py_value(v, built) for k, v in spec.get("options", {}).items()}
    if spec["type"] == "ChainedScheduler":
        return cls(*args, **kwargs)
    return cls(opt, *args, **kwargs)


def momentum_of(group):
    if "betas" in group:
        return group["betas"][0]
    return group.get("momentum")


def json_number(x):
    if isinstance(x, float) and math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def state(sched, opt):
    """state_dict() in tsgrad's spelling; OneCycleLR's param-group values added as tsgrad keeps them."""
    sd = sched.state_dict()
    out = {}
    for k, v in sd.items():
        if k in ("_is_initial", "_get_lr_called_within_step"):
            continue
        if k == "_schedulers":
            v = [state(s, opt) for s in sched._schedulers]
        elif k == "_schedule_phases":
            v = [{camel(pk): (camel(pv) if isinstance(pv, str) else pv) for pk, pv in ph.items()} for ph in v]
        elif k == "milestones" and isinstance(v, dict):
            v = {str(m): n for m, n in v.items()}
        elif isinstance(v, list):
            v = [json_number(x) for x in v]
        else:
            v = json_number(v)
        out[camel(k)] = v
    if isinstance(sched, L.OneCycleLR):
        out["maxLrs"] = [g["max_lr"] for g in opt.param_groups]
        out["minLrs"] = [g["min_lr"] for g in opt.param_groups]
        if sched.cycle_momentum:
            out["maxMomentums"] = [g["max_momentum"] for g in opt.param_groups]
            out["baseMomentums"] = [g["base_momentum"] for g in opt.param_groups]
    return out


def run(name, optimizer, program, steps, stepped=None, step_args=None):
    warnings.simplefilter("ignore")
    opt = make_optimizer(optimizer)
    built = []
    for spec in program:
        built.append(make_scheduler(spec, opt, built))
    stepped = [len(program) - 1] if stepped is None else stepped

    def record():
        return {
            "lastLr": [list(built[i].get_last_lr()) for i in stepped],
            "groupLr": [g["lr"] for g in opt.param_groups],
            "momentum": [momentum_of(g) for g in opt.param_groups],
        }

    records = [record()]
    for s in range(steps):
        opt.step()
        arg = None if step_args is None else step_args[s]
        for i in stepped:
            if arg is None:
                built[i].step()
            else:
                built[i].step(arg)
        records.append(record())
    case = {
        "name": name,
        "optimizer": optimizer,
        "program": program,
        "stepped": stepped,
        "records": records,
        "finalState": [state(built[i], opt) for i in stepped],
    }
    if step_args is not None:
        case["stepArgs"] = step_args
    return case


SGD2 = {"type": "SGD", "options": {"lr": 0.1, "momentum": 0.9}, "groups": [{"lr": 0.1}, {"lr": 0.013, "momentum": 0.5}]}
SGD3 = {
    "type": "SGD",
    "options": {"lr": 0.1, "momentum": 0.9},
    "groups": [{"lr": 0.2}, {"lr": 0.07, "momentum": 0.8}, {"lr": 0.0031}],
}
ADAM2 = {"type": "Adam", "options": {"lr": 0.001}, "groups": [{"lr": 0.003}, {"lr": 0.00047, "betas": [0.8, 0.99]}]}


def one(type_, *args, **options):
    return [{"type": type_, "args": list(args), "options": options}]


def spec(type_, *args, **options):
    return {"type": type_, "args": list(args), "options": options}


def plateau_metrics(n, kind):
    if kind == "falling then flat":
        return [1.0 / (1 + s) if s < 8 else 0.125 + 0.01 * math.sin(s) for s in range(n)]
    if kind == "rising then noisy":
        return [min(s, 10) * 0.1 + 0.05 * math.cos(3 * s) for s in range(n)]
    return [abs(math.sin(0.7 * s)) + 0.02 * s for s in range(n)]


fractional = [round(0.37 * (s + 1), 10) for s in range(40)]
mixed = [None, None, 2.5, None, 7, 7.25, None, None, 20, 21.75, None, 30.5, None] + [None] * 10 + [50.0, None, 3, None, None, 100, None, 45.5, None, None]

cases = [
    run("LambdaLR, one function", SGD2, one("LambdaLR", {"fn": "pow095"}), 40),
    run("LambdaLR, a function per group", SGD3, one("LambdaLR", {"fns": ["pow095", "inverse", "stairs"]}), 40),
    run("MultiplicativeLR, one function", SGD2, one("MultiplicativeLR", {"fn": "const097"}), 40),
    run("MultiplicativeLR, a function per group", ADAM2, one("MultiplicativeLR", {"fns": ["alternate", "const097"]}), 40),
    run("StepLR, default gamma", SGD2, one("StepLR", 7), 40),
    run("StepLR gamma 0.5", SGD3, one("StepLR", 5, gamma=0.5), 40),
    run("StepLR gamma 0.9 every 3", ADAM2, one("StepLR", 3, gamma=0.9), 45),
    run("MultiStepLR", SGD2, one("MultiStepLR", [5, 12, 20], gamma=0.5), 40),
    run("MultiStepLR, repeated milestones", SGD3, one("MultiStepLR", [3, 3, 3, 25, 12, 25], gamma=0.7), 40),
    run("ConstantLR, defaults", SGD2, one("ConstantLR"), 30),
    run("ConstantLR factor 0.5 for 10", ADAM2, one("ConstantLR", factor=0.5, totalIters=10), 30),
    run("LinearLR, defaults", SGD2, one("LinearLR"), 30),
    run("LinearLR 0.25 to 0.75 over 8", SGD3, one("LinearLR", startFactor=0.25, endFactor=0.75, totalIters=8), 30),
    run("LinearLR 1 to 0.1 over 20", SGD2, one("LinearLR", startFactor=1.0, endFactor=0.1, totalIters=20), 30),
    run("LinearLR 0.1 to 1 over 30", ADAM2, one("LinearLR", startFactor=0.1, endFactor=1.0, totalIters=30), 35),
    run("ExponentialLR 0.9", SGD2, one("ExponentialLR", 0.9), 40),
    run("ExponentialLR 0.97", SGD3, one("ExponentialLR", 0.97), 40),
    run("PolynomialLR, defaults", SGD2, one("PolynomialLR"), 30),
    run("PolynomialLR power 2 over 20", SGD3, one("PolynomialLR", totalIters=20, power=2.0), 30),
    run("PolynomialLR power 0.5 over 25", ADAM2, one("PolynomialLR", totalIters=25, power=0.5), 30),
    run("PolynomialLR power 1.7 over 30", SGD2, one("PolynomialLR", totalIters=30, power=1.7), 32),
    run("CosineAnnealingLR T_max 10, past it", SGD2, one("CosineAnnealingLR", 10), 45),
    run("CosineAnnealingLR eta_min 0.001", SGD3, one("CosineAnnealingLR", 15, etaMin=0.001), 40),
    run("CosineAnnealingLR T_max 30", SGD2, one("CosineAnnealingLR", 30), 35),
    run("CosineAnnealingLR Adam, eta_min 1e-4", ADAM2, one("CosineAnnealingLR", 7, etaMin=1e-4), 40),
    run("CosineAnnealingWarmRestarts T_0 5", SGD2, one("CosineAnnealingWarmRestarts", 5), 40),
    run("CosineAnnealingWarmRestarts T_mult 2", SGD3, one("CosineAnnealingWarmRestarts", 3, tMult=2, etaMin=0.001), 45),
    run(
        "CosineAnnealingWarmRestarts T_mult 2, fractional epochs",
        SGD2,
        one("CosineAnnealingWarmRestarts", 4, tMult=2, etaMin=0.001),
        40,
        step_args=fractional,
    ),
    run(
        "CosineAnnealingWarmRestarts T_mult 1, fractional epochs",
        ADAM2,
        one("CosineAnnealingWarmRestarts", 6),
        40,
        step_args=fractional,
    ),
    run(
        "CosineAnnealingWarmRestarts T_mult 3, epochs and steps mixed",
        SGD2,
        one("CosineAnnealingWarmRestarts", 2, tMult=3, etaMin=0.0005),
        len(mixed),
        step_args=mixed,
    ),
    run("CyclicLR triangular", SGD2, one("CyclicLR", 0.001, 0.1, stepSizeUp=5), 40),
    run("CyclicLR triangular2", SGD3, one("CyclicLR", 0.001, 0.1, stepSizeUp=4, stepSizeDown=6, mode="triangular2"), 45),
    run("CyclicLR exp_range", SGD2, one("CyclicLR", 0.002, 0.05, stepSizeUp=5, mode="exp_range", gamma=0.95), 40),
    run("CyclicLR scaleFn by cycle", SGD2, one("CyclicLR", 0.01, 0.1, stepSizeUp=3, scaleFn={"fn": "shrink"}), 40),
    run(
        "CyclicLR scaleFn by iteration, per-group bounds",
        SGD3,
        one(
            "CyclicLR",
            [0.01, 0.001, 0.0001],
            [0.1, 0.02, 0.005],
            stepSizeUp=4,
            scaleFn={"fn": "halves"},
            scaleMode="iterations",
            baseMomentum=[0.7, 0.75, 0.8],
            maxMomentum=0.95,
        ),
        40,
    ),
    run("CyclicLR Adam, beta1 cycled", ADAM2, one("CyclicLR", 0.0001, 0.003, stepSizeUp=6, stepSizeDown=3), 40),
    run("CyclicLR without momentum cycling", ADAM2, one("CyclicLR", 0.0001, 0.003, stepSizeUp=5, cycleMomentum=False), 30),
    run("OneCycleLR cos", SGD2, one("OneCycleLR", 0.1, totalSteps=40), 40),
    run("OneCycleLR linear", SGD3, one("OneCycleLR", [0.2, 0.1, 0.05], totalSteps=40, annealStrategy="linear"), 40),
    run("OneCycleLR three phases", SGD2, one("OneCycleLR", 0.1, totalSteps=45, threePhase=True), 45),
    run(
        "OneCycleLR epochs x stepsPerEpoch, linear, three phases",
        SGD2,
        one("OneCycleLR", 0.3, epochs=5, stepsPerEpoch=8, annealStrategy="linear", threePhase=True),
        40,
    ),
    run(
        "OneCycleLR Adam, pctStart 0.25, div factors",
        ADAM2,
        one("OneCycleLR", [0.01, 0.004], totalSteps=36, pctStart=0.25, divFactor=10.0, finalDivFactor=100.0, baseMomentum=[0.8, 0.7]),
        36,
    ),
    run("OneCycleLR without momentum cycling", ADAM2, one("OneCycleLR", 0.01, totalSteps=30, cycleMomentum=False), 30),
    run(
        "ReduceLROnPlateau min rel",
        SGD2,
        one("ReduceLROnPlateau", patience=2),
        40,
        step_args=plateau_metrics(40, "falling then flat"),
    ),
    run(
        "ReduceLROnPlateau min abs, cooldown",
        ADAM2,
        one("ReduceLROnPlateau", thresholdMode="abs", threshold=0.01, patience=3, cooldown=1, factor=0.2),
        40,
        step_args=plateau_metrics(40, "falling then flat"),
    ),
    run(
        "ReduceLROnPlateau max abs",
        SGD3,
        one("ReduceLROnPlateau", mode="max", thresholdMode="abs", threshold=0.05, patience=1, factor=0.5),
        40,
        step_args=plateau_metrics(40, "rising then noisy"),
    ),
    run(
        "ReduceLROnPlateau cooldown, minLr per group",
        SGD2,
        one("ReduceLROnPlateau", patience=0, cooldown=2, factor=0.5, minLr=[0.01, 0.005]),
        40,
        step_args=plateau_metrics(40, "wavy"),
    ),
    run(
        "ReduceLROnPlateau max rel, eps skips small cuts",
        ADAM2,
        one("ReduceLROnPlateau", mode="max", patience=1, factor=0.3, eps=0.0005, minLr=1e-5, threshold=0.2),
        40,
        step_args=plateau_metrics(40, "wavy"),
    ),
    run(
        "SequentialLR warmup then cosine",
        SGD2,
        [spec("LinearLR", startFactor=0.1, totalIters=5), spec("CosineAnnealingLR", 20), spec("SequentialLR", {"refs": [0, 1]}, [5])],
        40,
    ),
    run(
        "SequentialLR of three",
        SGD3,
        [
            spec("ConstantLR", factor=0.5, totalIters=3),
            spec("ExponentialLR", 0.9),
            spec("StepLR", 4, gamma=0.5),
            spec("SequentialLR", {"refs": [0, 1, 2]}, [4, 12]),
        ],
        40,
    ),
    run(
        "SequentialLR into warm restarts and polynomial",
        ADAM2,
        [
            spec("MultiplicativeLR", {"fn": "const097"}),
            spec("CosineAnnealingWarmRestarts", 4, tMult=2),
            spec("PolynomialLR", totalIters=10, power=2.0),
            spec("SequentialLR", {"refs": [0, 1, 2]}, [6, 20]),
        ],
        35,
    ),
    run(
        "SequentialLR into CyclicLR",
        SGD2,
        [spec("ExponentialLR", 0.9), spec("CyclicLR", 0.01, 0.1, stepSizeUp=4), spec("SequentialLR", {"refs": [0, 1]}, [6])],
        35,
    ),
    run(
        "SequentialLR into MultiStepLR and LambdaLR",
        SGD2,
        [
            spec("StepLR", 2, gamma=0.8),
            spec("MultiStepLR", [2, 5, 5], gamma=0.5),
            spec("LambdaLR", {"fn": "inverse"}),
            spec("SequentialLR", {"refs": [0, 1, 2]}, [8, 16]),
        ],
        32,
    ),
    run(
        "ChainedScheduler constant and exponential",
        SGD2,
        [spec("ConstantLR", factor=0.1, totalIters=2), spec("ExponentialLR", 0.9), spec("ChainedScheduler", {"refs": [0, 1]})],
        30,
    ),
    run(
        "ChainedScheduler linear, step and cosine",
        SGD3,
        [
            spec("LinearLR", startFactor=0.5, totalIters=4),
            spec("StepLR", 6, gamma=0.5),
            spec("CosineAnnealingLR", 12, etaMin=0.0001),
            spec("ChainedScheduler", {"refs": [0, 1, 2]}),
        ],
        40,
    ),
    run(
        "two schedulers stepped together: warmup and cosine",
        SGD2,
        [spec("LinearLR", startFactor=0.2, totalIters=6), spec("CosineAnnealingLR", 25)],
        40,
        stepped=[0, 1],
    ),
    run(
        "two schedulers stepped together: step and exponential",
        ADAM2,
        [spec("StepLR", 5), spec("ExponentialLR", 0.95)],
        40,
        stepped=[0, 1],
    ),
    run(
        "two schedulers stepped together: multiplicative and polynomial",
        SGD3,
        [spec("MultiplicativeLR", {"fns": ["alternate", "const097", "const097"]}), spec("PolynomialLR", totalIters=12, power=1.5)],
        30,
        stepped=[0, 1],
    ),
    run(
        "lastEpoch: StepLR resumed on an optimizer with a schedule",
        SGD2,
        [spec("ExponentialLR", 0.9), spec("StepLR", 4, gamma=0.5, lastEpoch=7)],
        30,
    ),
    run(
        "lastEpoch: CosineAnnealingLR and LinearLR resumed",
        SGD2,
        [spec("ExponentialLR", 0.9), spec("CosineAnnealingLR", 10, lastEpoch=3), spec("LinearLR", lastEpoch=2)],
        30,
        stepped=[1, 2],
    ),
]


# ---- the step-order warning ----


def warnings_of(program, optimizer, wrong_order, stepped=None, steps_before=0, steps_after_first=0):
    """The step-order warnings of 3 steps; steps_before: optimizer steps before any scheduler is made;
    steps_after_first: optimizer steps after the first scheduler is made, before the others."""
    opt = make_optimizer(optimizer)
    for _ in range(steps_before):
        opt.step()
    built = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, s in enumerate(program):
            built.append(make_scheduler(s, opt, built))
            if i == 0:
                for _ in range(steps_after_first):
                    opt.step()
    stepped = [len(program) - 1] if stepped is None else stepped
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for s in range(3):
            if not wrong_order:
                opt.step()
            for i in stepped:
                arg = 1.0 if isinstance(built[i], L.ReduceLROnPlateau) else None
                built[i].step() if arg is None else built[i].step(arg)
            if wrong_order:
                opt.step()
    return [str(w.message) for w in caught if "optimizer.step()" in str(w.message)]


WARNING_PROGRAMS = {
    "LambdaLR": one("LambdaLR", {"fn": "pow095"}),
    "MultiplicativeLR": one("MultiplicativeLR", {"fn": "const097"}),
    "StepLR": one("StepLR", 3),
    "MultiStepLR": one("MultiStepLR", [2]),
    "ConstantLR": one("ConstantLR"),
    "LinearLR": one("LinearLR"),
    "ExponentialLR": one("ExponentialLR", 0.9),
    "PolynomialLR": one("PolynomialLR"),
    "CosineAnnealingLR": one("CosineAnnealingLR", 10),
    "CosineAnnealingWarmRestarts": one("CosineAnnealingWarmRestarts", 10),
    "CyclicLR": one("CyclicLR", 0.01, 0.1),
    "OneCycleLR": one("OneCycleLR", 0.1, totalSteps=10),
    "ReduceLROnPlateau": one("ReduceLROnPlateau"),
    "SequentialLR": [spec("LinearLR"), spec("ExponentialLR", 0.9), spec("SequentialLR", {"refs": [0, 1]}, [2])],
    "ChainedScheduler": [spec("LinearLR"), spec("ExponentialLR", 0.9), spec("ChainedScheduler", {"refs": [0, 1]})],
}
step_order = {
    name: {"optimizer": SGD2, "program": p, "wrongOrder": warnings_of(p, SGD2, True), "rightOrder": warnings_of(p, SGD2, False)}
    for name, p in WARNING_PROGRAMS.items()
}
# optimizer.step() before the scheduler was made does not count: PyTorch starts watching it then
p = one("StepLR", 3)
step_order["StepLR, optimizer stepped before the scheduler was made"] = {
    "optimizer": SGD2,
    "program": p,
    "stepsBefore": 2,
    "wrongOrder": warnings_of(p, SGD2, True, steps_before=2),
    "rightOrder": warnings_of(p, SGD2, False, steps_before=2),
}
# a second scheduler on an optimizer already stepped under a first: the optimizer has been seen stepping
p = [spec("ExponentialLR", 0.9), spec("StepLR", 3)]
step_order["a second scheduler made after the optimizer stepped under the first"] = {
    "optimizer": SGD2,
    "program": p,
    "stepsAfterFirst": 2,
    "wrongOrder": warnings_of(p, SGD2, True, steps_after_first=2),
    "rightOrder": warnings_of(p, SGD2, False, steps_after_first=2),
}
texts = {t for v in step_order.values() for t in v["wrongOrder"]}
assert len(texts) == 1, texts


# ---- errors for bad arguments ----


def error_of(make):
    opt = make_optimizer(SGD2)
    adagrad = torch.optim.Adagrad([torch.nn.Parameter(torch.zeros(2))], lr=0.1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            make(opt, adagrad)
    except Exception as e:  # noqa: BLE001
        return {"type": type(e).__name__, "message": str(e) if not isinstance(e, KeyError) else e.args[0]}
    raise AssertionError("no error")


ERRORS = {
    "not an optimizer": lambda o, a: L.StepLR([1, 2], 3),
    "LambdaLR wrong number of functions": lambda o, a: L.LambdaLR(o, [FUNCTIONS["pow095"]] * 3),
    "MultiplicativeLR not a function": lambda o, a: L.MultiplicativeLR(o, 5),
    "ConstantLR factor above 1": lambda o, a: L.ConstantLR(o, factor=1.5),
    "ConstantLR factor below 0": lambda o, a: L.ConstantLR(o, factor=-0.5),
    "LinearLR start factor 0": lambda o, a: L.LinearLR(o, start_factor=0),
    "LinearLR start factor above 1": lambda o, a: L.LinearLR(o, start_factor=1.5),
    "LinearLR end factor above 1": lambda o, a: L.LinearLR(o, end_factor=2),
    "CosineAnnealingWarmRestarts T_0 0": lambda o, a: L.CosineAnnealingWarmRestarts(o, 0),
    "CosineAnnealingWarmRestarts T_0 fractional": lambda o, a: L.CosineAnnealingWarmRestarts(o, 2.5),
    "CosineAnnealingWarmRestarts T_mult 0": lambda o, a: L.CosineAnnealingWarmRestarts(o, 5, T_mult=0),
    "CosineAnnealingWarmRestarts negative epoch": lambda o, a: L.CosineAnnealingWarmRestarts(o, 5).step(-1),
    "CyclicLR base_lr list of the wrong length": lambda o, a: L.CyclicLR(o, [0.01], 0.1),
    "CyclicLR max_lr list of the wrong length": lambda o, a: L.CyclicLR(o, 0.01, [0.1, 0.2, 0.3]),
    "CyclicLR bad mode": lambda o, a: L.CyclicLR(o, 0.01, 0.1, mode="sawtooth"),
    "CyclicLR momentum without momentum": lambda o, a: L.CyclicLR(a, 0.01, 0.1),
    "CyclicLR base_momentum list of the wrong length": lambda o, a: L.CyclicLR(o, 0.01, 0.1, base_momentum=[0.8]),
    "OneCycleLR total_steps 0": lambda o, a: L.OneCycleLR(o, 0.1, total_steps=0),
    "OneCycleLR total_steps fractional": lambda o, a: L.OneCycleLR(o, 0.1, total_steps=2.5),
    "OneCycleLR epochs 0": lambda o, a: L.OneCycleLR(o, 0.1, epochs=0, steps_per_epoch=5),
    "OneCycleLR steps_per_epoch -1": lambda o, a: L.OneCycleLR(o, 0.1, epochs=2, steps_per_epoch=-1),
    "OneCycleLR no length": lambda o, a: L.OneCycleLR(o, 0.1),
    "OneCycleLR only epochs": lambda o, a: L.OneCycleLR(o, 0.1, epochs=3),
    "OneCycleLR pct_start above 1": lambda o, a: L.OneCycleLR(o, 0.1, total_steps=10, pct_start=1.5),
    "OneCycleLR bad anneal strategy": lambda o, a: L.OneCycleLR(o, 0.1, total_steps=10, anneal_strategy="step"),
    "OneCycleLR momentum without momentum": lambda o, a: L.OneCycleLR(a, 0.1, total_steps=10),
    "OneCycleLR max_lr list of the wrong length": lambda o, a: L.OneCycleLR(o, [0.1], total_steps=10),
    "OneCycleLR stepped past the end": lambda o, a: [s.step() for s in [L.OneCycleLR(o, 0.1, total_steps=3)] for _ in range(4)],
    "ReduceLROnPlateau factor 1": lambda o, a: L.ReduceLROnPlateau(o, factor=1.0),
    "ReduceLROnPlateau bad mode": lambda o, a: L.ReduceLROnPlateau(o, mode="lowest"),
    "ReduceLROnPlateau bad threshold mode": lambda o, a: L.ReduceLROnPlateau(o, threshold_mode="relative"),
    "ReduceLROnPlateau min_lr list of the wrong length": lambda o, a: L.ReduceLROnPlateau(o, min_lr=[0.1, 0.2, 0.3]),
    "SequentialLR no schedulers": lambda o, a: L.SequentialLR(o, [], []),
    "SequentialLR wrong number of milestones": lambda o, a: L.SequentialLR(o, [L.StepLR(o, 2), L.ExponentialLR(o, 0.9)], [1, 2]),
    "SequentialLR with ReduceLROnPlateau": lambda o, a: L.SequentialLR(o, [L.StepLR(o, 2), L.ReduceLROnPlateau(o)], [3]),
    "SequentialLR not a scheduler": lambda o, a: L.SequentialLR(o, [L.StepLR(o, 2), 5], [3]),
    "ChainedScheduler no schedulers": lambda o, a: L.ChainedScheduler([]),
    "ChainedScheduler with ReduceLROnPlateau": lambda o, a: L.ChainedScheduler([L.StepLR(o, 2), L.ReduceLROnPlateau(o)]),
}
errors = {name: error_of(make) for name, make in ERRORS.items()}

# ---- correctly rounded cos, log and pow (tsgrad's stand-ins for glibc's), checked against mpmath ----


def correctly_rounded():
    import random

    import mpmath  # installed with torch (through sympy)

    mpmath.mp.prec = 400
    rng = random.Random(20)
    cos_args = [math.pi * e / t for t in (3, 7, 10, 30) for e in range(0, 2 * t + 1)]
    cos_args += [math.pi / 2 * k + d for k in (1, 3, 101) for d in (0.0, 2.0**-52, -(2.0**-50))]
    cos_args += [rng.uniform(-100, 100) for _ in range(100)] + [rng.uniform(-1e6, 1e6) for _ in range(20)]
    log_args = [2.0, 3.0, 8.0, 1000.0, 1.0 + 2.0**-52, 1.0 - 2.0**-53, 5e-324, 1e300]
    log_args += [rng.uniform(1e-3, 100) for _ in range(100)]
    pow_args = [(0.7500000000000001, 2.0), (0.37500000000000006, 2), (2696.75, 4), (0.1, 2), (3.0, 5), (0.5, 3)]
    pow_args += [(0.95, n) for n in range(0, 60)] + [(0.7500000000000001, -2), (10.0, -3)]
    pow_args += [(rng.uniform(0.01, 2), rng.uniform(-4, 4)) for _ in range(100)]

    def cr(f, *xs):
        return float(f(*[mpmath.mpf(x) for x in xs]))

    return {
        "cos": [[x, cr(mpmath.cos, x)] for x in cos_args],
        "log": [[x, cr(mpmath.log, x)] for x in log_args],
        "pow": [[b, e, cr(mpmath.power, b, e)] for b, e in pow_args],
    }


with open(OUT, "w") as f:
    # One case per line: compact, yet diffs stay readable.
    f.write('{"torch": %s,\n' % json.dumps(torch.__version__))
    f.write('"stepOrderWarning": %s,\n' % json.dumps(texts.pop()))
    f.write('"stepOrder": %s,\n' % json.dumps(step_order))
    f.write('"errors": %s,\n' % json.dumps(errors, indent=0))
    f.write('"correctlyRounded": %s,\n' % json.dumps(correctly_rounded()))
    f.write('"cases": [\n')
    f.write(",\n".join(json.dumps(c, allow_nan=False) for c in cases))
    f.write("\n]}\n")
print(f"wrote {len(cases)} cases, {len(errors)} errors to {OUT}")
