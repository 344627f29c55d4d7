"""Generates the golden files for tests/serialization/safetensors.test.ts with real PyTorch and safetensors.

Run with a Python that has torch and safetensors (the test itself never needs Python):

    python tests/golden/gen_safetensors.py

It writes three files next to this script:

- torch-written.safetensors: written by `safetensors.torch.save_file`, with tensors of every dtype
  tsgrad holds natively (F32, F64, I32, BOOL), including 0-d and empty tensors, and `__metadata__`.
- torch-written-dtypes.safetensors: written by `safetensors.torch.save_file`, with the stored
  dtypes tsgrad converts on load: I64 (an int64 `num_batches_tracked`, as BatchNorm's state dict
  has, and int64 values at the int32 bounds), F16 and BF16 (zeros of both signs, the largest
  finite, the smallest normal and subnormal, inf, NaNs with sign and payload), beside F32, F64,
  I32 and BOOL; one metadata key, so the bytes are deterministic. tsgrad's test loads it and
  saves it back with the stored dtypes, and must get the same bytes.
- torch-written.json:
    "file":  what torch-written.safetensors holds: metadata, and per tensor its tsgrad dtype, shape
             and flat values;
    "dtypes_file": the same for torch-written-dtypes.safetensors, plus each tensor's stored dtype
             ("stored") and the raw bits of every F16 / BF16 element ("bits");
    "conversions": PyTorch's float32 -> float16 / bfloat16 rounding (`.half()`, `.bfloat16()`) of
             edge values, ties, and thousands of random floats, and its float64 -> float16 /
             bfloat16 rounding (which goes through float32, so it rounds twice). Arrays are
             base64 of little-endian uint32 / uint16 / float64. NaN inputs are left out: PyTorch's
             own kernels disagree on the bits of a bfloat16 NaN (0x7FC0 or 0xFFFF);
    "header_cases": tensor entries whose shape, dtype and data_offsets may disagree (element
             counts that overflow 64 bits, counts past 2^53), each with what the reference reader
             (`safetensors.deserialize`, header checks only, no torch) says: "ok" or its error.
             Shapes are strings of JSON, since JavaScript's JSON.parse rounds integers past 2^53;
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
import struct

import safetensors
import torch
from safetensors.torch import save, save_file

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_FILE = os.path.join(HERE, "torch-written.safetensors")
OUT_DTYPES_FILE = os.path.join(HERE, "torch-written-dtypes.safetensors")
OUT_JSON = os.path.join(HERE, "torch-written.json")

TSGRAD_DTYPE = {
    torch.float32: "float32",
    torch.float64: "float64",
    torch.int32: "int32",
    torch.bool: "bool",
    # Converted on load: tsgrad reads F16 / BF16 as float32 and I64 as int32 (range-checked).
    torch.float16: "float32",
    torch.bfloat16: "float32",
    torch.int64: "int32",
}
STORED = {torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64", torch.float32: "F32"}
STORED.update({torch.float64: "F64", torch.int32: "I32", torch.bool: "BOOL"})


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



def from_bits(bits, dtype):
    """A float16 / bfloat16 tensor holding exactly these 16-bit patterns (NaN payloads included)."""
    return torch.tensor([b - 0x10000 if b >= 0x8000 else b for b in bits], dtype=torch.int16).view(dtype)


def bits16(t):
    return [b & 0xFFFF for b in t.reshape(-1).view(torch.int16).tolist()]


# F16: +-0, 1, largest finite (65504), smallest normal (2^-14), smallest and largest subnormal,
# +-inf, 0.1 and 1/3 (rounded), the canonical NaN, a negative NaN, a signalling NaN (payload 1)
# and an all-ones payload.
F16_EDGES = [0x0000, 0x8000, 0x3C00, 0x7BFF, 0xFBFF, 0x0400, 0x0001, 0x03FF, 0x8001, 0x7C00, 0xFC00]
F16_EDGES += [bits16(torch.tensor([0.1, 1 / 3]).half())[0], bits16(torch.tensor([1 / 3]).half())[0]]
F16_EDGES += [0x7E00, 0xFE00, 0x7C01, 0x7FFF]
# BF16: the same kinds; its largest finite is 0x7F7F (about 3.39e38), smallest normal 2^-126.
BF16_EDGES = [0x0000, 0x8000, 0x3F80, 0x7F7F, 0xFF7F, 0x0080, 0x0001, 0x007F, 0x8001, 0x7F80, 0xFF80]
BF16_EDGES += bits16(torch.tensor([0.1, -1 / 3]).bfloat16())
BF16_EDGES += [0x7FC0, 0xFFC0, 0x7F81, 0xFFFF]

dtypes_tensors = {
    "bn.num_batches_tracked": torch.tensor(12345, dtype=torch.int64),
    "bn.running_mean": from_bits(F16_EDGES, torch.float16),
    "bn.weight": from_bits(BF16_EDGES, torch.bfloat16),
    "emb.index": torch.tensor([[-2147483648, 2147483647, 0], [-1, 42, 7]], dtype=torch.int64),
    "i64.empty": torch.zeros(0, 2, dtype=torch.int64),
    "half.matrix": torch.randn(2, 3).half(),
    "half.empty": torch.zeros(0, 2, dtype=torch.float16),
    "half.scalar": torch.tensor(-2.5, dtype=torch.float16),
    "bf16.matrix": torch.randn(3, 2).bfloat16(),
    "bf16.scalar": torch.tensor(0.3, dtype=torch.bfloat16),
    "f32.weight": torch.randn(2, 2),
    "f64.x": torch.tensor([1.5, -0.0], dtype=torch.float64),
    "i32.n": torch.tensor([3, -4], dtype=torch.int32),
    "bool.m": torch.tensor([True, False]),
}
dtypes_metadata = {"format": "pt"}
save_file(dtypes_tensors, OUT_DTYPES_FILE, metadata=dtypes_metadata)


def describe_stored(t):
    d = describe(t)
    d["stored"] = STORED[t.dtype]
    if t.dtype in (torch.float16, torch.bfloat16):
        d["bits"] = bits16(t)
    return d


def b64(t):
    return base64.b64encode(t.contiguous().numpy().tobytes()).decode("ascii")


# float32 -> float16 / bfloat16, as PyTorch rounds (to nearest, ties to even).
gen = torch.Generator().manual_seed(1)
edges = [0.0, -0.0, 1.0, -1.0, 65504.0, 65519.99, 65520.0, -65520.0, 1e30, float("inf"), float("-inf")]
edges += [2.0**-14, 2.0**-24, 2.0**-25, 2.0**-25 * 1.0000001, 3 * 2.0**-26, 2.0**-26, 1e-45, -1e-45]
edges += [2.0**-126, 2.0**-133, 2.0**-134, 3 * 2.0**-135, 3.3895313892515355e38, 3.4e38, 0.1, 1 / 3]
f32_inputs = [torch.tensor(edges, dtype=torch.float32)]
# Every tie: the float32 halfway between two neighbouring float16 / bfloat16 values (exact in
# float32), for random neighbours across the normal and subnormal ranges (and the last pair).
for dtype, count in ((torch.float16, 0x7C00), (torch.bfloat16, 0x7F80)):
    k = torch.randint(0, count - 1, (1000,), generator=gen)
    k[:2] = torch.tensor([0, count - 2])
    lo = from_bits(k.tolist(), dtype).float()
    hi = from_bits((k + 1).tolist(), dtype).float()
    mid = (lo.double() + hi.double()) / 2
    f32_inputs += [mid.float(), -mid.float(), (mid + (hi.double() - lo.double()) / 8).float()]
# Random floats at every scale tsgrad's users see, and random bit patterns (NaNs dropped).
scales = torch.pow(2.0, torch.randint(-30, 20, (4000,), generator=gen).float())
f32_inputs.append(torch.randn(4000, generator=gen) * scales)
raw = torch.randint(-(2**31), 2**31, (4000,), generator=gen, dtype=torch.int64).to(torch.int32).view(torch.float32)
f32_inputs.append(raw[~raw.isnan()])
f32_in = torch.cat(f32_inputs)
assert not f32_in.isnan().any()
# float64 inputs that round differently through float32 (as PyTorch does) than directly.
f64_in = torch.tensor([1 + 2**-11 + 2**-40, 1 + 2**-8 + 2**-40, -(1 + 2**-11 + 2**-40), 65519.99999999, 2.0**-25 + 2.0**-60, 1e-300, 1e300, 0.1], dtype=torch.float64)
conversions = {
    "f32_bits": b64(f32_in.view(torch.int32)),
    "f32_to_f16": b64(f32_in.half().view(torch.int16)),
    "f32_to_bf16": b64(f32_in.bfloat16().view(torch.int16)),
    "f64": b64(f64_in),
    "f64_to_f16": b64(f64_in.half().view(torch.int16)),
    "f64_to_bf16": b64(f64_in.bfloat16().view(torch.int16)),
}



def reference_verdict(entry_json, data_length):
    header = ('{"x":' + entry_json + "}").encode()
    try:
        safetensors.deserialize(struct.pack("<Q", len(header)) + header + bytes(data_length))
        return "ok"
    except Exception as e:  # SafetensorError
        return str(e)


header_cases = []
for dtype, shape, offsets in [
    ("F32", "[4294967296,4294967296,0]", [0, 0]),  # the running product overflows before the 0
    ("F32", "[0,4294967296,4294967296]", [0, 0]),  # 0 first: no overflow, an empty tensor
    ("F32", "[134217728,134217728,2]", [0, 0]),  # 2^55 elements: no overflow, but not 0 bytes
    ("F32", "[1073741824,536870912]", [0, 0]),  # 2^59 elements: 2^64 bits, an overflow
    ("F32", "[1073741824,536870911]", [0, 0]),  # one row less: fits in 64 bits, wrong size
    ("BOOL", "[2147483648,1073741824]", [0, 0]),  # 2^61 one-byte elements: 2^64 bits
    ("I64", "[3,1,2]", [0, 48]),
    ("BF16", "[]", [0, 2]),
    ("F16", "[2,0,4294967296]", [0, 0]),
    ("F64", "[3]", [0, 16]),
]:
    entry = '{"dtype":"%s","shape":%s,"data_offsets":[%d,%d]}' % (dtype, shape, offsets[0], offsets[1])
    header_cases.append({"entry": entry, "data_length": offsets[1], "reference": reference_verdict(entry, offsets[1])})

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
    "dtypes_file": {
        "metadata": dtypes_metadata,
        "tensors": {k: describe_stored(t) for k, t in dtypes_tensors.items()},
    },
    "conversions": conversions,
    "header_cases": header_cases,
    "bytes": cases,
}
with open(OUT_JSON, "w", encoding="utf-8") as f:
    json.dump(golden, f, indent=1, ensure_ascii=True)
    f.write("\n")
print(f"wrote {OUT_FILE}, {OUT_DTYPES_FILE} and {OUT_JSON}")
