"""Generates the golden files for tests/serialization/safetensors.test.ts with real PyTorch and safetensors.

Run with a Python that has torch and safetensors (the test itself never needs Python):

    python tests/golden/gen_safetensors.py

It writes two files next to this script:

- torch-written.safetensors: written by `safetensors.torch.save_file`, with tensors of every dtype
  tsgrad supports (F32, F64, I32, BOOL), including 0-d and empty tensors, and `__metadata__`.
- torch-written.json:
    "file":  what that file holds: metadata, and per tensor its tsgrad dtype, shape and flat values;
    "bytes": cases for byte-for-byte comparison of tsgrad's writer with `safetensors.torch.save`:
             each gives the tensors (in dict order), the metadata (or null), and base64 + SHA-256
             of the bytes safetensors produced. A case whose metadata has more than one key is
             marked "deterministic": false: the reference serializes `__metadata__` from a Rust
             HashMap, so its key order (and the bytes) changes from run to run.

Float values are Python `repr` strings of the double each element widens to ('nan', 'inf',
'-inf', '-0.0' included), so they round-trip exactly through JavaScript's Number(). Integers
are JSON numbers, bools JSON booleans.
"""

import base64
import hashlib
import json
import math
import os

import safetensors
import torch
from safetensors.torch import save, save_file

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_FILE = os.path.join(HERE, "torch-written.safetensors")
OUT_JSON = os.path.join(HERE, "torch-written.json")

TSGRAD_DTYPE = {torch.float32: "float32", torch.float64: "float64", torch.int32: "int32", torch.bool: "bool"}


def value(x):
    if isinstance(x, bool):
        return x
    if isinstance(x, int):
        return x
    if math.isnan(x):
        return "nan"
    return repr(float(x))


def describe(t):
    return {
        "dtype": TSGRAD_DTYPE[t.dtype],
        "shape": list(t.shape),
        "values": [value(v) for v in t.reshape(-1).tolist()],
    }


def f32(values, shape=None):
    t = torch.tensor(values, dtype=torch.float32)
    return t.reshape(shape) if shape is not None else t


torch.manual_seed(0)
file_tensors = {
    "f32.matrix": f32([0.1, -2.5, 1e-8, 3.4e38, -0.0, 1 / 3], (2, 3)),
    "f32.scalar": torch.tensor(3.14159, dtype=torch.float32),
    "f32.empty": torch.zeros(0, 3, dtype=torch.float32),
    "f32.special": f32([float("nan"), float("inf"), float("-inf"), 1e-45]),
    "f64.vector": torch.tensor([0.1, -1e300, 5e-324, float("inf"), float("nan"), -0.0], dtype=torch.float64),
    "f64.scalar": torch.tensor(-2.718281828459045, dtype=torch.float64),
    "i32.matrix": torch.tensor([[-2147483648, 2147483647], [0, -1]], dtype=torch.int32),
    "i32.empty": torch.zeros(0, dtype=torch.int32),
    "bool.mask": torch.tensor([True, False, True]),
    "bool.scalar": torch.tensor(False),
    "layer.weight": torch.randn(3, 4),
}
file_metadata = {"format": "pt", "source": "tests/golden/gen_safetensors.py"}
save_file(file_tensors, OUT_FILE, metadata=file_metadata)

byte_cases = [
    (
        "mixed dtypes, names out of order, 0-d and empty tensors, no metadata",
        {
            "z.bias": f32([0.5, -0.25]),
            "a.mask": torch.tensor([True, False, False]),
            "m.scalar": torch.tensor(1.5, dtype=torch.float32),
            "b.double": torch.tensor([[1.0, -0.0], [1e-300, 2.0]], dtype=torch.float64),
            "c.int": torch.tensor([7, -8, 9], dtype=torch.int32),
            "e.empty": torch.zeros(2, 0, dtype=torch.float32),
            "A.upper": f32([1.0]),
            "0.weight": torch.randn(2, 3),
        },
        None,
    ),
    ("one metadata key", {"w": f32([1.0, 2.0, 3.0]), "n": torch.tensor([1, 2], dtype=torch.int32)}, {"format": "pt"}),
    ("empty metadata", {"w": f32([1.0])}, {}),
    ("empty state dict", {}, None),
    (
        "names sorted by UTF-8 bytes (not UTF-16), with JSON escapes",
        {
            "\uff21": f32([1.0]),
            "\U0001F600": f32([2.0]),
            'q"\\\n\x01\x7f/\u00e9': f32([3.0]),
            "0": f32([4.0]),
            "B": f32([5.0]),
            "a": f32([6.0]),
        },
        {"note": "caf\u00e9 \u2603 \"quoted\"\ttab"},
    ),
    (
        "several metadata keys",
        {"w": f32([1.0, 2.0]), "flag": torch.tensor([True])},
        {"zeta": "1", "alpha": "2", "mid": "3"},
    ),
]

cases = []
for name, tensors, metadata in byte_cases:
    data = save(tensors, metadata=metadata)
    cases.append(
        {
            "name": name,
            "tensors": [dict(name=k, **describe(t)) for k, t in tensors.items()],
            "metadata": metadata,
            "deterministic": metadata is None or len(metadata) <= 1,
            "base64": base64.b64encode(data).decode("ascii"),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
    )

golden = {
    "versions": {"torch": torch.__version__, "safetensors": safetensors.__version__},
    "file": {
        "metadata": file_metadata,
        "tensors": {k: describe(t) for k, t in file_tensors.items()},
    },
    "bytes": cases,
}
with open(OUT_JSON, "w", encoding="utf-8") as f:
    json.dump(golden, f, indent=1, ensure_ascii=True)
    f.write("\n")
print(f"wrote {OUT_FILE} and {OUT_JSON}")
