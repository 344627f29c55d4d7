"""Generates tests/golden/format-cases.json: real PyTorch reprs for tests/format.test.ts.

Run with a Python that has torch (the test itself never needs Python):

    python tests/golden/gen_format_cases.py

Each tensor case stores the flat row-major data, the shape, the tsgrad dtype, requires_grad,
the grad_fn name (if any), the default float dtype and print options in force, and the exact
`repr(t)`. PyTorch's int64 (its default integer type) is stored as tsgrad's `int32`, which plays
that role in tsgrad; for empty integer tensors, where PyTorch names the dtype, the case is built
with torch.int32 so that the expected text names the dtype tsgrad has.

Float values are stored as Python `repr` strings of the double each element widens to (for
float32 tensors that is the float32 value, exactly as `tolist()` gives it): 'nan', 'inf', '-inf'
and '-0.0' included, so every value round-trips exactly through JavaScript's Number().

The file also holds `numbers`: Python's own format(x, '.Nf') / format(x, '.Ne') of many doubles,
to check formatFixed / formatExp.
"""

import json
import math
import os
import random
import struct

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "format-cases.json")

DTYPE_NAMES = {
    torch.float32: "float32",
    torch.float64: "float64",
    torch.int64: "int32",  # tsgrad's default integer type plays the role of int64
    torch.int32: "int32",
    torch.bool: "bool",
}

cases = []


def encode(t):
    flat = t.detach().reshape(-1).tolist()
    if t.dtype.is_floating_point:
        return [repr(float(v)) for v in flat]
    if t.dtype == torch.bool:
        return [1 if v else 0 for v in flat]
    for v in flat:
        assert -(2**31) <= v < 2**31, "int values must fit tsgrad's int32"
    return flat


def add(name, make, options=None, default_dtype="float32"):
    """`make` builds the tensor under the given print options and default dtype."""
    options = options or {}
    torch.set_printoptions(profile="default")
    torch.set_default_dtype(torch.float64 if default_dtype == "float64" else torch.float32)
    py_opts = {
        {"sciMode": "sci_mode"}.get(k, k): v for k, v in options.items()
    }
    if py_opts:
        torch.set_printoptions(**py_opts)
    t = make()
    text = repr(t)
    assert str(t) == text
    grad_fn = None
    if t.grad_fn is not None:
        grad_fn = type(t.grad_fn).__name__
    cases.append(
        {
            "name": name,
            "data": encode(t),
            "shape": list(t.shape),
            "dtype": DTYPE_NAMES[t.dtype],
            "requiresGrad": bool(t.requires_grad),
            "gradFn": grad_fn,
            "defaultDtype": default_dtype,
            "options": options,
            "repr": text,
        }
    )
    torch.set_printoptions(profile="default")
    torch.set_default_dtype(torch.float32)


tt = torch.tensor
f64 = torch.float64
nan, inf = math.nan, math.inf

# --- the tutorial seeds ------------------------------------------------------------------------
add("seed 1-D float", lambda: tt([0.6590, 0.2424, 0.0986]))
add("seed 1-D int", lambda: tt([2, 0, 1]))


def nll():
    logits = tt([[1.0, 2.0, 0.5], [0.3, 0.2, 2.2]], requires_grad=True)
    return F.nll_loss(F.log_softmax(logits, dim=1), tt([1, 2]))


add("0-d with grad_fn (NllLossBackward0)", nll)
add("requires_grad leaf, int mode", lambda: tt([1.0, 2.0], requires_grad=True))
add("seed 2-D aligned", lambda: tt([[0.1, 0.2, 3.9], [1.2, -0.1, 0.3]]))
add("grad_fn on 2-D (MulBackward0)", lambda: tt([[0.5, -1.25], [3.0, 2.0]], requires_grad=True) * 2)
add("grad_fn SumBackward0", lambda: (tt([0.25, 0.5], requires_grad=True) * 3).sum())

# --- int mode for floats ------------------------------------------------------------------------
add("int mode floats", lambda: tt([1.0, 2.0, 3.0]))
add("int mode with negatives and zero", lambda: tt([-1.0, 0.0, 10.0, 100.0]))
add("int mode -0.", lambda: tt([-0.0, 1.0]))
add("int mode with nan/inf (not counted in width)", lambda: tt([1.0, nan, -inf, inf]))
add("int mode 2-D wide", lambda: tt([[1.0, -250.0], [33.0, 4.0]]))
add("int mode sci by ratio", lambda: tt([1.0, 5000.0]))
add("int mode sci by max > 1e8", lambda: tt([3.0e8, 2.0e8]))

# --- sci mode -----------------------------------------------------------------------------------
add("sci by ratio", lambda: tt([1.5, 2000.25]))
add("sci by max > 1e8", lambda: tt([1.5e9, 2.5e9], dtype=f64))
add("sci by min < 1e-4", lambda: tt([1.0e-5, 0.5, -0.25]))
add("sci with big exponents", lambda: tt([1.2345678e-200, 9.87654321e250], dtype=f64))
add("sci with nan and zero", lambda: tt([1.0e-7, nan, 0.0, -3.0]))
add("sci just below a tie (9.99995e-5)", lambda: tt([9.99995e-5, 1.0], dtype=f64))
add("sci rounding carries into the exponent", lambda: tt([9.99995, 1.0e-5, -9.99996e-3], dtype=f64))
add("sci forced on", lambda: tt([0.5, 1.25, -2.0]), options={"sciMode": True})
add("sci forced off", lambda: tt([1.0e-5, 0.5, 12345.678]), options={"sciMode": False})
add("sci forced on, int mode", lambda: tt([1.0, 20.0, 300.0]), options={"sciMode": True})

# --- special values and ties --------------------------------------------------------------------
add("nan/inf/-inf fixed mode", lambda: tt([1.5, nan, inf, -inf]))
add("all nan", lambda: tt([nan, nan]))
add("all zeros", lambda: tt([0.0, 0.0, 0.0]))
add("-0.0000 in fixed mode", lambda: tt([-0.0, 0.5, -0.00001234], dtype=f64))
add("round half even ties float64", lambda: tt([0.03125, 2.5, 0.00015, 1.00005, 0.28125], dtype=f64))
add("round half even ties float64 fixed", lambda: tt([0.03125, 2.5, 0.28125, 0.40625, -1.03125], dtype=f64))
add("round half even ties float32", lambda: tt([0.03125, 0.15625, 0.40625, -0.21875]))
add("float32 widening (0.1 as float32)", lambda: tt([0.1, 0.7, 1.0 / 3.0, 123.45678]))

# --- shapes ---------------------------------------------------------------------------------------
torch.manual_seed(0)
r3 = torch.randn(2, 3, 4)
add("3-D with blank lines", lambda: r3.clone())
r4 = torch.randn(2, 2, 2, 3)
add("4-D with double blank lines", lambda: r4.clone())
add("column vector", lambda: tt([[1.5], [-2.25], [3.0]]))
add("0-d float", lambda: tt(-0.5))
add("0-d int-mode float", lambda: tt(3.0))
add("0-d int", lambda: tt(-42))
add("0-d bool", lambda: tt(True))
add("0-d nan", lambda: tt(nan))
add("0-d float64 requires grad", lambda: tt(1.0e-6, dtype=f64, requires_grad=True))

# --- empty ----------------------------------------------------------------------------------------
add("empty 1-D", lambda: tt([]))
add("empty (0, 3)", lambda: torch.zeros(0, 3))
add("empty (2, 0, 4)", lambda: torch.zeros(2, 0, 4))
add("empty int (int32 named)", lambda: torch.zeros(0, dtype=torch.int32))
add("empty bool", lambda: torch.zeros(0, dtype=torch.bool))
add("empty float64", lambda: torch.zeros(0, 2, dtype=f64))
add("empty requires grad", lambda: torch.zeros(0, requires_grad=True))
add("empty float32 under float64 default", lambda: torch.zeros(0, dtype=torch.float32), default_dtype="float64")
add("empty float64 under float64 default", lambda: torch.zeros(0, dtype=f64), default_dtype="float64")

# --- dtypes ---------------------------------------------------------------------------------------
add("float64 suffix", lambda: tt([1.5, 2.0], dtype=f64))
add("float64 int mode suffix", lambda: tt([1.0, 2.0], dtype=f64))
add("float64 suffix + requires_grad", lambda: tt([0.125, -3.5], dtype=f64, requires_grad=True))
add("float32 suffix under float64 default", lambda: tt([0.5, 0.25], dtype=torch.float32), default_dtype="float64")
add("float64 no suffix under float64 default", lambda: tt([0.1, 0.2]), default_dtype="float64")
add("int negatives aligned", lambda: tt([-5, 10, 300, 7]))
add("int 2-D", lambda: tt([[1, -20], [300, 4]]))
add("int extremes", lambda: tt([2147483647, -2147483648, 0]))
add("bool 1-D aligned", lambda: tt([True, False]))
add("bool all True", lambda: tt([True, True]))
add("bool 2-D", lambda: tt([[True, False, True], [False, False, True]]))

# --- wrapping -------------------------------------------------------------------------------------
torch.manual_seed(1)
r30 = torch.randn(30)
add("long 1-D float wraps", lambda: r30.clone())
add("long 1-D int wraps", lambda: torch.arange(-20, 60))
add("2-D rows wrap", lambda: torch.randn(3, 20, generator=torch.Generator().manual_seed(2)))
add("wrapped row with float64 + requires_grad suffixes",
    lambda: torch.linspace(-1, 1, 17, dtype=f64).requires_grad_())
add("suffix fits on last line", lambda: tt([0.5] * 8 + [0.25], dtype=f64))
add("suffix wraps on single line",
    lambda: tt([0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1.125], dtype=f64, requires_grad=True))
add("grad_fn suffix wraps", lambda: (torch.arange(10.0, requires_grad=True) * 1.5))

# --- summarisation --------------------------------------------------------------------------------
add("summarised arange float", lambda: torch.arange(2000.0))
add("summarised arange int", lambda: torch.arange(-2500, 2500))
torch.manual_seed(3)
big = torch.randn(2000)
add("summarised randn 1-D", lambda: big.clone())
add("summarised 2-D", lambda: torch.randn(40, 30, generator=torch.Generator().manual_seed(4)))
add("summarised 3-D", lambda: torch.randn(8, 8, 20, generator=torch.Generator().manual_seed(5)))
add("summarised 2-D only inner", lambda: torch.randn(2, 520, generator=torch.Generator().manual_seed(6)))


def formatter_on_summary():
    # the middle holds huge values that would force sci mode if they were looked at
    x = torch.full((1100,), 0.5)
    x[3] = 1.0e9
    x[-4] = 1.0e-9
    x[10:-10] = 1.0e12
    return x


add("formatter ignores hidden middle", formatter_on_summary)
add("summarised bool", lambda: torch.arange(1200) % 3 == 0)
add("summarised with requires_grad", lambda: torch.arange(1001.0).requires_grad_())

# --- print options --------------------------------------------------------------------------------
add("precision 2", lambda: tt([1.12345, -0.005, 3.14159]), options={"precision": 2})
add("precision 0", lambda: tt([0.5, 1.5, 2.5, -3.7]), options={"precision": 0})
add("precision 0 sci", lambda: tt([1.5e-7, 2.5]), options={"precision": 0})
add("linewidth 40", lambda: torch.arange(0.0, 3.0, 0.125), options={"linewidth": 40})
add("threshold 5 edgeitems 2", lambda: torch.arange(10), options={"threshold": 5, "edgeitems": 2})
add("threshold 5 2-D", lambda: torch.arange(24.0).reshape(4, 6) / 7, options={"threshold": 5})
add("profile short", lambda: torch.randn(1500, generator=torch.Generator().manual_seed(7)),
    options={"profile": "short"})
add("profile full", lambda: torch.arange(1200), options={"profile": "full"})
add("edgeitems 0 1-D", lambda: torch.arange(20.0) / 3, options={"threshold": 5, "edgeitems": 0})
add("edgeitems 0 2-D", lambda: torch.arange(20.0).reshape(4, 5), options={"threshold": 5, "edgeitems": 0})
add("edgeitems 0 small, not summarised", lambda: tt([1.5, 2.5]), options={"edgeitems": 0})
add("edgeitems 0 0-d", lambda: tt(2.5), options={"edgeitems": 0})
add("linewidth 20 suffix", lambda: tt([0.5, 0.25], dtype=f64, requires_grad=True), options={"linewidth": 20})

# --- Python's number formatting -------------------------------------------------------------------
rng = random.Random(1234)
xs = [
    0.0, -0.0, 0.5, 1.5, 2.5, 3.5, -2.5, 0.03125, 0.00015, 1.00005, 0.125, 0.375, 9.99995e-5,
    9.9999, 9.99995, 99999.99995, 0.1, 0.2, 0.3, 1 / 3, 2 / 3, 1e-5, 1.2345678e10, 123456789.0,
    1e21, 1e22, 1.7976931348623157e308, 5e-324, 2.2250738585072014e-308, -1e-300, 4.35, 0.045,
    1.0005, 1234.5, 0.0001, 0.00005, 0.000049999, 12.34567, -7.65432e-8, 2**53, 2**53 + 2.0,
    1e16, 9.5, 10.5, 0.95, 0.995, 0.9995, 0.99995, 5.0, 50.0, 5e-5,
]
# float32 values as their doubles, as tensor printing sees them
for _ in range(150):
    v = rng.uniform(-1, 1) * 10 ** rng.randint(-12, 12)
    xs.append(struct.unpack("f", struct.pack("f", v))[0])
for _ in range(100):
    xs.append(rng.uniform(-1, 1) * 10 ** rng.randint(-30, 30))
# exact ties at 4 decimals: k / 2^m with few decimal places
for m in range(1, 8):
    for k in (1, 3, 5, 7, 9, 11):
        xs.append(k / 2**m)
        xs.append(-k / 2**m)
        xs.append(100 + k / 2**m)

numbers = []
for x in xs:
    entry = {"x": repr(float(x)), "f": {}, "e": {}}
    for d in (0, 1, 2, 4, 6):
        entry["f"][str(d)] = format(x, f".{d}f")
        entry["e"][str(d)] = format(x, f".{d}e")
    numbers.append(entry)

def compact(obj):
    return json.dumps(obj, separators=(",", ":"))


# one case / number per line keeps the file small and diffs readable
with open(OUT, "w") as fh:
    fh.write("{\n")
    fh.write(f' "generator": {compact("tests/golden/gen_format_cases.py")},\n')
    fh.write(f' "torch": {compact(torch.__version__)},\n')
    fh.write(' "cases": [\n' + ",\n".join("  " + compact(c) for c in cases) + "\n ],\n")
    fh.write(' "numbers": [\n' + ",\n".join("  " + compact(n) for n in numbers) + "\n ]\n")
    fh.write("}\n")
print(f"wrote {len(cases)} tensor cases and {len(numbers)} numbers to {OUT}")
