"""Generates tests/golden/elementwise.json: real PyTorch values, gradients, grad_fn names and errors
of the elementwise ops of issue 13, for tests/ops/elementwise.test.ts.

Run with a Python that has torch and mpmath (the test itself never needs Python):

    python tests/golden/gen_elementwise.py

Each case names an op (the test maps the same name to tsgrad), its inputs (flat row-major data,
shape, tsgrad dtype, requiresGrad; or a plain `{"number": x}`), extra arguments in tsgrad's
spelling (decimals, rtol, atol, equalNan, nan, posinf, neginf), and then either
- `error`: PyTorch's message, where PyTorch rejects the call (tsgrad must throw an Error), or
- `outputs` (shape, dtype, data) or `value` (for the ops that return a Python bool), the printed
  `gradFn` name of the result, and for a result that requires grad the upstream `gradOutput` and
  each input's `.grad` (null where an input gets none), or `backwardError` where PyTorch's backward
  raises (floor_divide has no derivative).
`exact` marks cases whose values tsgrad must reproduce bit for bit (rounding ops, divisions with
rounding, extremes, lerp and isclose on tensors small enough for PyTorch's scalar loop; integer and
bool results always); `zeroSign: false` lets a zero's sign differ (PyTorch's vectorised and scalar
maximum disagree there). Floats are Python reprs ('nan', 'inf', '-inf' for the non-finite ones;
-0.0 stays -0.0); PyTorch's int64 is written as tsgrad's int32.

`reference` holds erf, erfc and erfinv at float64 points computed by mpmath with 50 digits: tsgrad
must be within a few ulps of the exact value.
"""

import json
import math
import os

import mpmath
import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "elementwise.json")

TORCH_DTYPES = {"float32": torch.float32, "float64": torch.float64, "int32": torch.int64, "bool": torch.bool}
NAMES = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int32", torch.bool: "bool"}

nan, inf = math.nan, math.inf
rng = np.random.default_rng(20250713)
cases = []


def num(v):
    """A float as JSON: the number, or 'nan', 'inf', '-inf'."""
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def tensor(values, shape=None, dtype="float64", grad=None):
    values = list(np.asarray(values, dtype=float).reshape(-1)) if dtype in ("float32", "float64") else [int(v) for v in np.asarray(values).reshape(-1)]
    if grad is None:
        grad = dtype in ("float32", "float64")
    return {"shape": [len(values)] if shape is None else list(shape), "dtype": dtype, "data": values, "requiresGrad": grad}


def ints(values, shape=None):
    return tensor(values, shape, "int32", False)


def bools(values, shape=None):
    return tensor([1 if v else 0 for v in values], shape, "bool", False)


def randn(*shape, dtype="float64", scale=1.0, low=None, high=None, grad=True):
    if low is not None:
        x = rng.uniform(low, high, shape)
    else:
        x = rng.standard_normal(shape) * scale
    return tensor(x.reshape(-1), shape, dtype, grad)


def number(x):
    return {"number": x}


def to_torch(spec):
    if "number" in spec:
        return spec["number"]
    dtype = TORCH_DTYPES[spec["dtype"]]
    t = torch.tensor(spec["data"], dtype=dtype).reshape(spec["shape"])
    if dtype == torch.float32:
        spec["data"] = t.reshape(-1).tolist()  # exactly the float32 values both sides hold
    if spec["requiresGrad"]:
        t.requires_grad_()
    return t


def encode(t):
    flat = t.detach().clone().reshape(-1).tolist()  # clone: the gradient of sgn has storage tolist() refuses
    if t.dtype == torch.bool:
        return [1 if v else 0 for v in flat]
    if not t.dtype.is_floating_point:
        return [int(v) for v in flat]
    return [num(v) for v in flat]


def encode_spec(spec):
    if "number" in spec:
        return {"number": num(spec["number"]) if isinstance(spec["number"], float) else spec["number"]}
    out = dict(spec)
    if spec["dtype"] in ("float32", "float64"):
        out["data"] = [num(v) for v in spec["data"]]
    return out


def round_decimals(x, decimals):
    return torch.round(x, decimals=decimals)


OPS = {
    # one tensor
    "floor": torch.floor, "ceil": torch.ceil, "round": torch.round, "trunc": torch.trunc, "frac": torch.frac,
    "sgn": torch.sgn, "sign": torch.sign, "reciprocal": torch.reciprocal, "rsqrt": torch.rsqrt, "square": torch.square,
    "log1p": torch.log1p, "expm1": torch.expm1, "log2": torch.log2, "log10": torch.log10, "exp2": torch.exp2,
    "sin": torch.sin, "cos": torch.cos, "tan": torch.tan, "asin": torch.asin, "acos": torch.acos, "atan": torch.atan,
    "sinh": torch.sinh, "cosh": torch.cosh, "asinh": torch.asinh, "acosh": torch.acosh, "atanh": torch.atanh,
    "erf": torch.erf, "erfc": torch.erfc, "erfinv": torch.erfinv,
    "isnan": torch.isnan, "isinf": torch.isinf, "isfinite": torch.isfinite,
    "logicalNot": torch.logical_not, "bitwiseNot": torch.bitwise_not,
    "roundDecimals": lambda x, decimals: torch.round(x, decimals=decimals),
    "nanToNum": lambda x, nan=0.0, posinf=None, neginf=None: torch.nan_to_num(x, nan, posinf, neginf),
    # two tensors (or a tensor and a number)
    "maximum": torch.maximum, "minimum": torch.minimum, "fmax": torch.fmax, "fmin": torch.fmin,
    "atan2": torch.atan2, "hypot": torch.hypot, "logaddexp": torch.logaddexp, "xlogy": torch.xlogy,
    "remainder": torch.remainder, "fmod": torch.fmod, "floorDivide": torch.floor_divide,
    "logicalOr": torch.logical_or, "logicalXor": torch.logical_xor,
    "bitwiseAnd": torch.bitwise_and, "bitwiseOr": torch.bitwise_or, "bitwiseXor": torch.bitwise_xor,
    "bitwiseLeftShift": torch.bitwise_left_shift, "bitwiseRightShift": torch.bitwise_right_shift,
    "isclose": lambda a, b, rtol=1e-5, atol=1e-8, equalNan=False: torch.isclose(a, b, rtol, atol, equalNan),
    "allclose": lambda a, b, rtol=1e-5, atol=1e-8, equalNan=False: torch.allclose(a, b, rtol, atol, equalNan),
    "equal": torch.equal,
    "lerp": torch.lerp,
}


def case(name, op, inputs, grad_output="random", exact=False, zero_sign=True, **args):
    tensors = [to_torch(spec) for spec in inputs]
    entry = {"name": name, "op": op, "args": {k: (num(v) if isinstance(v, float) else v) for k, v in args.items()}}
    try:
        result = OPS[op](*tensors, **args)
    except Exception as e:  # noqa: BLE001 - PyTorch's rejection is the datum
        entry.update({"inputs": [encode_spec(s) for s in inputs], "error": f"{type(e).__name__}: {str(e).splitlines()[0]}"})
        cases.append(entry)
        return
    entry["inputs"] = [encode_spec(s) for s in inputs]
    entry["exact"] = exact or not (isinstance(result, torch.Tensor) and result.dtype.is_floating_point)
    if not zero_sign:
        entry["zeroSign"] = False
    if isinstance(result, bool):
        entry["value"] = result
        cases.append(entry)
        return
    entry["outputs"] = [{"shape": list(result.shape), "dtype": NAMES[result.dtype], "data": encode(result)}]
    entry["gradFn"] = type(result.grad_fn).__name__ if result.grad_fn is not None else None
    entry["gradOutput"] = None
    entry["grads"] = [None] * len(inputs)
    if result.requires_grad:
        if grad_output == "random":
            g = torch.tensor(rng.standard_normal(list(result.shape)), dtype=result.dtype)
        elif grad_output == "ones":
            g = torch.ones_like(result)
        else:
            g = torch.tensor(grad_output, dtype=result.dtype).reshape(result.shape)
        entry["gradOutput"] = encode(g)
        try:
            result.backward(g)
            for i, t in enumerate(tensors):
                if isinstance(t, torch.Tensor) and t.grad is not None:
                    entry["grads"][i] = {"dtype": NAMES[t.grad.dtype], "data": encode(t.grad)}
        except RuntimeError as e:
            entry["backwardError"] = str(e).splitlines()[0]
    cases.append(entry)


SPECIAL64 = [nan, inf, -inf, 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -3.5, 1e-300, -1e-300, 5e-324, 1e300, -1e300,
             0.9999999, 1.0000001, 710.0, -745.0, 2.5, -2.5, 1.5, 4503599627370497.0]
SPECIAL32 = [nan, inf, -inf, 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -3.5, 1e-30, 1e-45, 3e38, -3e38,
             0.99999, 1.00001, 89.0, -104.0, 2.5, -2.5]

# ---- one tensor --------------------------------------------------------------------------------
DOMAIN = {
    "log1p": dict(low=-0.9, high=3.0), "log2": dict(low=0.1, high=5.0), "log10": dict(low=0.1, high=5.0),
    "rsqrt": dict(low=0.2, high=4.0), "reciprocal": dict(low=0.3, high=3.0), "asin": dict(low=-0.95, high=0.95),
    "acos": dict(low=-0.95, high=0.95), "atanh": dict(low=-0.95, high=0.95), "erfinv": dict(low=-0.95, high=0.95),
    "acosh": dict(low=1.1, high=4.0), "tan": dict(low=-1.4, high=1.4),
}
FLOAT_UNARY = ["reciprocal", "rsqrt", "log1p", "expm1", "log2", "log10", "exp2", "sin", "cos", "tan", "asin", "acos",
               "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "erf", "erfc", "erfinv"]
ROUNDING = ["floor", "ceil", "round", "trunc", "frac", "sgn", "sign"]
for op in FLOAT_UNARY + ROUNDING + ["square", "nanToNum"]:
    exact = op in ROUNDING + ["nanToNum", "reciprocal", "square"]
    dom = DOMAIN.get(op, dict(scale=2.0))
    case(f"{op} float64 [3,4]", op, [randn(3, 4, **dom)], exact=exact)
    case(f"{op} float64 special values", op, [tensor(SPECIAL64)], grad_output="ones", exact=exact)
    case(f"{op} float32 [2,5]", op, [randn(2, 5, dtype="float32", **dom)], exact=exact)
    case(f"{op} float32 special values", op, [tensor(SPECIAL32, dtype="float32")], grad_output="ones", exact=exact)
    case(f"{op} float32 [64] (PyTorch's vectorised loop)", op, [randn(64, dtype="float32", **dom)], exact=exact and op != "reciprocal")
    case(f"{op} 0-d", op, [randn(**dom)], exact=exact)
    case(f"{op} int32", op, [ints([-3, 0, 2, 5, 1, -1])], exact=exact)
    case(f"{op} bool", op, [bools([True, False])], exact=exact)
for op in ["floor", "sign", "sgn", "frac", "nanToNum", "round"]:
    case(f"{op} with NaN and inf upstream gradients", op, [tensor([1.5, -2.5, nan, inf, -inf, 3.0])],
         grad_output=[nan, inf, 1.0, 1.0, 1.0, -inf], exact=True)
case("nanToNum float64 with nan, posinf, neginf", "nanToNum", [tensor([nan, inf, -inf, 1.0, -0.0])], nan=1.5, posinf=100.0, neginf=-7.0, exact=True)
case("nanToNum float32 with values beyond float32", "nanToNum", [tensor([nan, inf, -inf, 1.0], dtype="float32")], nan=1.0, posinf=1e39, neginf=-2.0, exact=True)
case("nanToNum posinf only", "nanToNum", [tensor([nan, inf, -inf], dtype="float32")], posinf=5.0, exact=True)
case("nanToNum int32 with values", "nanToNum", [ints([1, 2])], nan=1.5, exact=True)

for d in ["float64", "float32"]:
    halves = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.4999, -0.4, 0.49999999999999994 if d == "float64" else 0.49999997, 1e20, -0.0, nan, inf]
    case(f"round ties to even {d}", "round", [tensor(halves, dtype=d)], exact=True)
    for dec in [1, 2, 3, -1, -2, 0, 400, -400]:
        vals = [1.005, 2.675, 0.125, 1234.5678, -0.045, 15.0, 25.0, -35.0, 1e30 if d == "float32" else 1e300, nan, inf, -0.0, 0.0001]
        case(f"round decimals {dec} {d}", "roundDecimals", [tensor(vals, dtype=d)], exact=True, decimals=dec)
    case(f"round decimals 2 {d} random", "roundDecimals", [randn(14, dtype=d, scale=100)], exact=True, decimals=2)
    case(f"round decimals 2 {d} where float32 steps matter", "roundDecimals", [tensor([76.835, 99.645, 57.855, 45.465], dtype=d)], exact=True, decimals=2)
case("round decimals on int32", "roundDecimals", [ints([15, -25])], decimals=-1)
case("round decimals 0 on int32", "roundDecimals", [ints([15, -25])], decimals=0)
case("round decimals 2.5", "roundDecimals", [tensor([1.5])], decimals=2.5)

for op in ["isnan", "isinf", "isfinite", "logicalNot"]:
    case(f"{op} float64 special values", op, [tensor(SPECIAL64, grad=False)])
    case(f"{op} float32 special values", op, [tensor(SPECIAL32, dtype="float32", grad=False)])
    case(f"{op} int32", op, [ints([0, -1, 5])])
    case(f"{op} bool", op, [bools([True, False])])
case("bitwiseNot int32", "bitwiseNot", [ints([0, -1, 5, -2147483648, 2147483647])])
case("bitwiseNot bool", "bitwiseNot", [bools([True, False])])
case("bitwiseNot float32", "bitwiseNot", [tensor([1.0], dtype="float32", grad=False)])

# ---- two tensors -------------------------------------------------------------------------------
GRID = [nan, inf, -inf, 0.0, -0.0, 1.0, -1.0, 2.5, -0.5, 3.0, 1e-300, 1e300]
GRID32 = [nan, inf, -inf, 0.0, -0.0, 1.0, -1.0, 2.5, -0.5, 3.0, 1e-40, 3e38]


def grid(values, dtype, keep=lambda a, b: True):
    pairs = [(x, y) for x in values for y in values if keep(x, y)]
    return tensor([x for x, _ in pairs], dtype=dtype), tensor([y for _, y in pairs], dtype=dtype)


def ordinary_quotient(limit, tiny):
    """Leaves out the pairs whose quotient a / b overflows or whose divisor is subnormal: there PyTorch's
    vectorised fmod (Sleef) gives NaN, and its scalar loop the exact remainder (cases of their own below)."""
    return lambda a, b: not (math.isfinite(a) and a != 0 and math.isfinite(b) and b != 0 and (abs(b) < tiny or abs(a / b) > limit))


FLOAT_BINARY = ["maximum", "minimum", "fmax", "fmin", "atan2", "hypot", "logaddexp", "xlogy", "remainder", "fmod", "floorDivide"]
EXACT_BINARY = {"maximum", "minimum", "fmax", "fmin", "remainder", "fmod", "floorDivide"}
POSITIVE_B = {"remainder", "fmod", "floorDivide"}
for op in FLOAT_BINARY:
    exact = op in EXACT_BINARY
    zs = op not in ("maximum", "minimum", "fmax", "fmin")
    pos = dict(low=0.5, high=2.0) if op in POSITIVE_B else (dict(low=0.1, high=3.0) if op == "xlogy" else {})
    a_scale = dict(scale=3.0)
    case(f"{op} [3,1] with [1,4]", op, [randn(3, 1, **a_scale), randn(1, 4, **pos)], exact=exact, zero_sign=zs)
    case(f"{op} [2,3] with [3]", op, [randn(2, 3, **a_scale), randn(3, **pos)], exact=exact, zero_sign=zs)
    case(f"{op} [2,3] with 0-d", op, [randn(2, 3, **a_scale), randn(**pos)], exact=exact, zero_sign=zs)
    case(f"{op} 0-d with [4]", op, [randn(**a_scale), randn(4, **pos)], exact=exact, zero_sign=zs)
    sleef = op in ("remainder", "fmod")
    a, b = grid(GRID, "float64", ordinary_quotient(1e300, 2.3e-308) if sleef else (lambda a, b: True))
    case(f"{op} float64 special values", op, [a, b], grad_output="ones", exact=exact, zero_sign=zs)
    a, b = grid(GRID32, "float32", ordinary_quotient(1e38, 1.2e-38) if sleef else (lambda a, b: True))
    case(f"{op} float32 special values", op, [a, b], grad_output="ones", exact=exact, zero_sign=zs)
    case(f"{op} float32 [2,5]", op, [randn(2, 5, dtype="float32", **a_scale), randn(5, dtype="float32", **pos)], exact=exact, zero_sign=zs)
    case(f"{op} float32 with float64", op, [randn(3, dtype="float32", **a_scale), randn(3, dtype="float64", **pos)], exact=exact, zero_sign=zs)
    case(f"{op} float32 with 0-d float64", op, [randn(3, dtype="float32", **a_scale), randn(dtype="float64", **pos)], exact=exact, zero_sign=zs)
    case(f"{op} int32 with float32", op, [ints([5, -7, 3]), randn(3, dtype="float32", **pos)], exact=exact, zero_sign=zs)
    case(f"{op} int32", op, [ints([7, -7, 7, -7, 0, 9]), ints([2, 2, -2, -2, 3, 4])], exact=exact)
    case(f"{op} bool", op, [bools([True, False, True]), bools([True, True, False])], exact=exact)
    case(f"{op} with a number", op, [randn(2, 3, **a_scale), number(2.5)], exact=exact, zero_sign=zs)
    case(f"{op} a number with a tensor", op, [number(2.5), randn(4, **pos)], exact=exact, zero_sign=zs)
    case(f"{op} int32 with a whole number", op, [ints([7, -7, 0]), number(3)], exact=exact)
    case(f"{op} int32 with a float number", op, [ints([7, -7, 0]), number(2.5)], exact=exact, zero_sign=zs)
for op in ["maximum", "minimum", "fmax", "fmin"]:
    case(f"{op} ties split or not", op, [tensor([1.0, 2.0, -0.0, 0.0, nan, 3.0]), tensor([1.0, 2.0, 0.0, 0.0, 1.0, nan])], exact=True, zero_sign=False)
    case(f"{op} int32 with bool", op, [ints([1, -5]), bools([True, False])], exact=True)
    case(f"{op} extremes of int32", op, [ints([2147483647, -2147483648]), ints([-2147483648, 2147483647])], exact=True)
for op in ["remainder", "fmod", "floorDivide"]:
    case(f"{op} int32 by zero", op, [ints([7, -7]), ints([0, 3])])
    case(f"{op} int32 by the number 0", op, [ints([7, -7]), number(0)])
    case(f"{op} int32 by float32 zeros", op, [ints([7, -7, 0]), tensor([0.0, -0.0, 0.0], dtype="float32", grad=False)], exact=True)
    case(f"{op} int32 by bool", op, [ints([7, -7]), bools([True, False])])
    case(f"{op} bool by int32", op, [bools([True, False]), ints([2, 3])], exact=True)
    # quotients beyond 2^24 (float32) and 2^53 (float64): where rounding each step in the dtype matters
    for d in ["float32", "float64"]:
        big = rng.uniform(1e6, 1e9, 12) if d == "float32" else rng.uniform(1e15, 1e18, 12)
        small = rng.uniform(0.01, 3.0, 12) * rng.choice([-1, 1], 12)
        case(f"{op} {d} large quotients", op, [tensor(big * rng.choice([-1, 1], 12), dtype=d), tensor(small, dtype=d)], exact=True)
        case(f"{op} {d} near-integer quotients", op,
             [tensor(np.array([0.3, -0.3, 0.7, 1.1, -2.2, 5.0, -5.0, 1e-3, 2.9999999, 0.1 * 3, 7.0, -1e-20]), dtype=d),
              tensor(np.array([0.1, 0.1, 0.1, 1.1, 1.1, 2.5, 2.5, 1e-3, 1.0, 0.1, -7.0, 3.0]), dtype=d)], exact=True)
for op in ["remainder", "fmod"]:
    case(f"{op} float64 huge quotients (PyTorch's scalar loop)", op,
         [tensor([1e300, 3.0, -1e300, 7.0]), tensor([1e-300, 1e-300, 3e-300, 2e-310])], grad_output="ones", exact=True)
    case(f"{op} float32 huge quotients (PyTorch's scalar loop)", op,
         [tensor([1.0, 3e38, -2.5], dtype="float32"), tensor([1e-40, -0.5, 1e-40], dtype="float32")], grad_output="ones", exact=True)
    case(f"{op} float64 huge quotients in PyTorch's vectorised loop", op, [tensor([1e300] * 16), tensor([1e-300] * 16)], exact=True)
case("floorDivide int32 overflow (-2^31 // -1)", "floorDivide", [ints([-2147483648]), ints([-1])])
case("remainder of the extremes of int32", "remainder", [ints([-2147483648, 2147483647, -2147483648]), ints([-1, -2147483648, 2147483647])], exact=True)
case("fmod a number by a tensor", "fmod", [number(2.5), randn(3)])
case("xlogy two tensors at 0", "xlogy", [tensor([0.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0]), tensor([0.0, nan, -1.0, 0.0, inf, inf, 2.0])], grad_output="ones")
case("xlogy float32 with float64 0-d", "xlogy", [randn(3, dtype="float32"), randn(dtype="float64", low=0.5, high=2.0)])
case("logaddexp of +-1000", "logaddexp", [tensor([1000.0, -1000.0, 1000.0, 0.0]), tensor([1000.0, -1000.0, -1000.0, -1000.0])])
case("logaddexp float32 at 1e38", "logaddexp", [tensor([1e38, 88.0], dtype="float32"), tensor([1e38, 88.0], dtype="float32")])
case("hypot of huge and tiny", "hypot", [tensor([1e300, 1e-300, 3e-310]), tensor([1e300, 1e-300, 4e-310])])
case("atan2 quadrants and zeros", "atan2", [tensor([0.0, -0.0, 0.0, -0.0, 1.0, -1.0, 1.0, -1.0]), tensor([0.0, 0.0, -0.0, -0.0, -1.0, -1.0, 1e-300, -inf])])

# logical and bitwise
for op in ["logicalOr", "logicalXor"]:
    case(f"{op} float special values", op, [tensor([nan, 0.0, -0.0, 1.0, 0.0], grad=False), tensor([0.0, 0.0, 0.0, 0.0, 2.0], grad=False)])
    case(f"{op} broadcast int32 with bool", op, [ints([0, 1, 2], [3, 1]), bools([True, False])])
    case(f"{op} float32 with float64", op, [tensor([0.0, 1.0], dtype="float32", grad=False), tensor([1.0, 0.0], grad=False)])
    case(f"{op} with a number", op, [ints([0, 1]), number(1)])
for op in ["bitwiseAnd", "bitwiseOr", "bitwiseXor"]:
    case(f"{op} int32", op, [ints([12, -7, 0, -1, 2147483647, -2147483648]), ints([10, 3, -1, -2147483648, -1, 2147483647])])
    case(f"{op} bool", op, [bools([True, True, False, False]), bools([True, False, True, False])])
    case(f"{op} bool with int32", op, [bools([True, False]), ints([3, 3])])
    case(f"{op} broadcast [3,1] with [2]", op, [ints([1, 2, 3], [3, 1]), ints([6, 5])])
    case(f"{op} int32 with a number", op, [ints([3, -3]), number(6)])
    case(f"{op} a number with int32", op, [number(2), ints([3, -3])])
    case(f"{op} bool with a number", op, [bools([True, False]), number(3)])
    case(f"{op} float64", op, [tensor([1.0], grad=False), tensor([2.0], grad=False)])
    case(f"{op} int32 with a float number", op, [ints([1]), number(2.5)])
for op in ["bitwiseLeftShift", "bitwiseRightShift"]:
    case(f"{op} bool", op, [bools([True]), bools([True])])
    case(f"{op} float32", op, [tensor([1.0], dtype="float32", grad=False), ints([1])])
    case(f"{op} int32 with bool", op, [ints([3, 3]), bools([True, False])])
    case(f"{op} a number with int32", op, [number(2), ints([3, 1])])
    case(f"{op} int32 with a number", op, [ints([3, -12]), number(2)])
case("bitwiseLeftShift int32", "bitwiseLeftShift", [ints([1, 1, -1, 3, 5, 4, -3, 0, 1]), ints([0, 30, 3, -1, 64, 62, 28, 100, 65])])
case("bitwiseLeftShift beyond int32", "bitwiseLeftShift", [ints([1, 1]), ints([31, 40])])
case("bitwiseRightShift int32", "bitwiseRightShift", [ints([-8, 8, -1, 8, -9, 2147483647, -2147483648, 5]), ints([1, 64, 70, -1, 2, 30, 31, 63])])

# closeness
for op in ["isclose", "allclose"]:
    case(f"{op} float64 defaults", op, [tensor([1.0, 1.0, 1.0, 0.0, inf, inf, nan, -inf], grad=False),
                                        tensor([1.0 + 1e-6, 1.0 + 2e-5, 1.00001001, 1e-9, inf, -inf, nan, -inf], grad=False)])
    case(f"{op} equalNan", op, [tensor([nan, 1.0], grad=False), tensor([nan, 1.0], grad=False)], equalNan=True)
    case(f"{op} rtol and atol", op, [tensor([1.0, 100.0, 0.0], grad=False), tensor([1.1, 101.0, 0.5], grad=False)], rtol=0.01, atol=0.5)
    case(f"{op} zero tolerances", op, [tensor([1.0, 1.0 + 1e-16, 0.0], grad=False), tensor([1.0, 1.0, -0.0], grad=False)], rtol=0.0, atol=0.0)
    case(f"{op} broadcast", op, [tensor([1.0, 2.0, 3.0], [3, 1], grad=False), tensor([1.0, 2.000001], grad=False)])
    case(f"{op} int32", op, [ints([1, 1000000000, 100000001, 16777217]), ints([2, 1000000005, 0, 16777216])], rtol=0.1, atol=1.0)
    case(f"{op} int32 large values in float32", op, [ints([100000001, 16777217]), ints([0, 0])], rtol=0.0, atol=100000000.0)
    case(f"{op} bool", op, [bools([True, False]), bools([True, True])])
    case(f"{op} bool with atol 1", op, [bools([True, False]), bools([True, True])], rtol=0.0, atol=1.0)
    case(f"{op} float32 with float64", op, [tensor([1.0], dtype="float32", grad=False), tensor([1.0], grad=False)])
    case(f"{op} int32 with float32", op, [ints([1]), tensor([1.0], dtype="float32", grad=False)])
    case(f"{op} negative rtol", op, [tensor([1.0], grad=False), tensor([1.0], grad=False)], rtol=-1.0)
    case(f"{op} negative atol", op, [tensor([1.0], grad=False), tensor([1.0], grad=False)], atol=-1.0)
# float32 pairs right at the tolerance, where float32 rounding of atol + rtol * |other| decides
b32 = torch.tensor(rng.uniform(-10, 10, 40), dtype=torch.float32)
for rt, at in [(1e-5, 1e-8), (1e-3, 0.0), (0.0, 1e-3), (0.1, 0.1)]:
    tol = (at + (rt * b32).abs())
    a32 = b32 + tol * torch.tensor(rng.choice([-1.0, 1.0], 40), dtype=torch.float32) * torch.tensor(
        rng.choice([1 - 1e-7, 1.0, 1 + 1e-7, 1 - 1e-6, 1 + 1e-6], 40), dtype=torch.float32)
    case(f"isclose float32 at the tolerance rtol={rt} atol={at}", "isclose",
         [tensor(a32.tolist(), dtype="float32", grad=False), tensor(b32.tolist(), dtype="float32", grad=False)], rtol=rt, atol=at)
    b64 = b32.double()
    a64 = b64 + (at + (rt * b64).abs()) * torch.tensor(rng.choice([-1.0, 1.0], 40), dtype=torch.float64) * torch.tensor(
        rng.choice([1 - 1e-15, 1.0, 1 + 1e-15, 1 - 1e-12, 1 + 1e-12], 40), dtype=torch.float64)
    case(f"isclose float64 at the tolerance rtol={rt} atol={at}", "isclose",
         [tensor(a64.tolist(), grad=False), tensor(b64.tolist(), grad=False)], rtol=rt, atol=at)
case("equal same", "equal", [tensor([1.0, 2.0], grad=False), tensor([1.0, 2.0], grad=False)])
case("equal different", "equal", [tensor([1.0, 2.0], grad=False), tensor([1.0, 3.0], grad=False)])
case("equal NaN", "equal", [tensor([nan], grad=False), tensor([nan], grad=False)])
case("equal shapes differ", "equal", [ints([1, 2]), ints([1, 2], [1, 2])])
case("equal broadcastable shapes differ", "equal", [ints([1, 1]), ints([1])])
case("equal int32 with float64", "equal", [ints([1, 2]), tensor([1.0, 2.0], grad=False)])
case("equal float32 with float64", "equal", [tensor([0.1], dtype="float32", grad=False), tensor([0.1], grad=False)])
case("equal bool with int32", "equal", [bools([True]), ints([1])])
case("equal zeros of both signs", "equal", [tensor([0.0], grad=False), tensor([-0.0], grad=False)])
case("equal empty", "equal", [tensor([], [0], grad=False), tensor([], [0], grad=False)])

# lerp
for w in [0.3, 0.7, 0.0, 1.0, 0.5, -0.5, 2.0, 0.49999999999999994]:
    case(f"lerp float64 weight {w}", "lerp", [randn(2, 3), randn(2, 3), number(w)], exact=True)
case("lerp float64 broadcast input, end and weight", "lerp", [randn(2, 1), randn(3), randn(2, 3, low=-0.5, high=1.5)])
case("lerp float64 weight broadcast to the others", "lerp", [randn(2, 3), randn(2, 3), randn(3, low=-0.5, high=1.5)], exact=True)
case("lerp float64 0-d weight", "lerp", [randn(4), randn(4), randn(low=0.0, high=1.0)], exact=True)
for w in [0.3, 0.7, 0.5, 0.1, 0.9, 1.7, -0.2]:
    case(f"lerp float32 weight {w}", "lerp", [randn(12, dtype="float32", scale=100.0), randn(12, dtype="float32", scale=0.01), number(w)], exact=True)
case("lerp float32 tensor weight", "lerp",
     [randn(12, dtype="float32", scale=100.0), randn(12, dtype="float32"), randn(12, dtype="float32", low=-0.5, high=1.5)], exact=True)
case("lerp float32 [64] (PyTorch's vectorised loop)", "lerp", [randn(64, dtype="float32"), randn(64, dtype="float32"), number(0.3)])
case("lerp special values", "lerp", [tensor([inf, inf, 1.0, nan, 1.0, -inf, 0.0, 1e308]),
                                     tensor([inf, -inf, inf, 1.0, nan, -inf, -0.0, -1e308]), number(0.25)], grad_output="ones", exact=True)
case("lerp special weights", "lerp", [tensor([1.0, 1.0, 1.0, 1.0, 1.0]), tensor([2.0, 2.0, 2.0, 2.0, 2.0]),
                                      tensor([inf, -inf, nan, 0.5, 1e300])], grad_output="ones", exact=True)
case("lerp float32 with float64 0-d weight", "lerp", [randn(3, dtype="float32"), randn(3, dtype="float32"), randn(dtype="float64")], exact=True)
case("lerp float64 with int32 0-d weight", "lerp", [randn(3), randn(3), ints([1], [])], exact=True)
case("lerp float64 with a whole number weight", "lerp", [randn(3), randn(3), number(1)], exact=True)
case("lerp float32 with float64 end", "lerp", [randn(3, dtype="float32"), randn(3), number(0.5)])
case("lerp float32 with 0-d float64 end", "lerp", [randn(3, dtype="float32"), randn(dtype="float64"), number(0.5)])
case("lerp float64 with float32 weight", "lerp", [randn(3), randn(3), randn(3, dtype="float32")])
case("lerp int32", "lerp", [ints([1, 2]), ints([3, 4]), number(0.5)])
case("lerp bool", "lerp", [bools([True]), bools([False]), number(0.5)])
case("lerp end a number", "lerp", [randn(3), number(2.0), number(0.5)])

# ---- erf, erfc, erfinv against the exact values ----------------------------------------------------
mpmath.mp.dps = 50
xs = sorted(set([float(v) for v in rng.uniform(-6.5, 6.5, 150)] + [float(v) for v in rng.uniform(-0.6, 0.6, 50)]
                + [float(v) for v in rng.uniform(20.0, 27.3, 30)] + [0.5, -0.5, 2.5, 1e-300, 5e-324, 1e-10, 26.0, 27.0]))
ys = sorted(set([float(v) for v in rng.uniform(-1, 1, 150)] + [1 - 2.0 ** -k for k in range(1, 54, 2)]
                + [-1 + 2.0 ** -k for k in range(2, 54, 3)] + [0.5, 0.49999999999999994, 0.1, 1e-300, 5e-324, 1e-10]))
reference = {
    "erf": [[x, float(mpmath.erf(x))] for x in xs],
    "erfc": [[x, float(mpmath.erfc(x))] for x in xs],
    "erfinv": [[y, float(mpmath.erfinv(y))] for y in ys],
}

with open(OUT, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases, "reference": reference}, f, separators=(",", ":"))
print(f"wrote {len(cases)} cases to {OUT} ({os.path.getsize(OUT)} bytes)")
