"""Reads a tsgrad checkpoint with Python's safetensors and PyTorch, and checks what it holds.

    npx tsx tests/golden/gen_checkpoint_fixture.ts      # writes tests/golden/tsgrad-checkpoint.safetensors
    python tests/golden/check_checkpoint.py [FILE]      # needs torch and safetensors

`load_tsgrad_checkpoint` is the helper the README gives: it turns a file that tsgrad's `save`
wrote (a checkpoint, or a plain state dict) back into nested dicts and lists of torch tensors.
The checks below compare the fixture's contents with what gen_checkpoint_fixture.ts put in it,
and load its model into a torch.nn.Sequential to compare the outputs tsgrad recorded.
"""

import json
import math
import os
import sys

import torch
from safetensors import safe_open
from safetensors.torch import load_file


def load_tsgrad_checkpoint(path):
    """What tsgrad's save(obj, path) wrote, as nested dicts and lists of torch tensors."""
    tensors = load_file(path)
    with safe_open(path, framework="pt") as f:
        metadata = f.metadata() or {}
    if "tsgrad.checkpoint" not in metadata:  # a plain state dict
        return tensors
    if metadata.get("tsgrad.checkpoint.version") != "1":
        raise ValueError(f"unknown tsgrad checkpoint version {metadata.get('tsgrad.checkpoint.version')!r}")

    def build(x):
        if isinstance(x, list):
            return [build(v) for v in x]
        if not isinstance(x, dict):
            return x
        if len(x) == 1 and "__tensor__" in x:
            return tensors[x["__tensor__"]]
        if len(x) == 1 and "__float__" in x:  # NaN, Infinity, -0, whole numbers past 2**53
            return float(x["__float__"])
        if len(x) == 1 and "__object__" in x:  # an object whose only key looks like a marker
            x = x["__object__"]
        return {k: build(v) for k, v in x.items()}

    return build(json.loads(metadata["tsgrad.checkpoint"]))


def check_fixture(path):
    ckpt = load_tsgrad_checkpoint(path)
    assert list(ckpt) == ["model", "optimizer", "epoch", "probe", "numbers", "text", "flags", "empty", "tensors", "shared", "dotted.key", "marker", "list"], list(ckpt)

    # The model: a tsgrad Sequential(Linear(3, 4), ReLU(), Linear(4, 2)) loads into torch's and
    # gives the outputs tsgrad computed.
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    model.load_state_dict(ckpt["model"])  # strict: the same keys and shapes
    with torch.no_grad():
        out = model(ckpt["probe"]["x"])
    assert out.dtype == torch.float32 and out.shape == (4, 2)
    assert torch.allclose(out, ckpt["probe"]["y"], rtol=1e-6, atol=1e-6), (out, ckpt["probe"]["y"])

    # Adam's state dict (amsgrad), tsgrad's spelling: state by parameter index (string keys).
    opt = ckpt["optimizer"]
    assert list(opt["state"]) == ["0", "1", "2", "3"]
    shapes = [p.shape for p in model.parameters()]
    for i, shape in enumerate(shapes):
        entry = opt["state"][str(i)]
        assert entry["step"] == 3 and isinstance(entry["step"], int)
        for key in ("expAvg", "expAvgSq", "maxExpAvgSq"):
            assert entry[key].shape == shape and entry[key].dtype == torch.float32, (i, key)
        assert bool((entry["maxExpAvgSq"] >= entry["expAvgSq"]).all())
    group = opt["paramGroups"][0]
    assert group["params"] == [0, 1, 2, 3]
    assert group["lr"] == 0.01 and group["betas"] == [0.9, 0.999] and group["eps"] == 1e-8 and group["amsgrad"] is True
    assert ckpt["epoch"] == 3

    n = ckpt["numbers"]
    assert math.isnan(n["nan"]) and n["inf"] == math.inf and n["negInf"] == -math.inf
    assert n["negZero"] == 0 and math.copysign(1, n["negZero"]) == -1
    assert n["big"] == 2.0**64 and isinstance(n["big"], float)
    assert n["maxSafe"] == 2**53 - 1 and isinstance(n["maxSafe"], int)
    assert n["pastSafe"] == 2.0**53 and n["tiny"] == 5e-324 and n["third"] == 1 / 3

    assert ckpt["text"] == ["plain", 'caf\u00e9 \u2603 "quoted"\n\ttab', ""]
    assert ckpt["flags"] == [True, False, None]
    assert ckpt["empty"] == {"object": {}, "array": []}

    t = ckpt["tensors"]
    f32 = t["f32"]
    assert f32.dtype == torch.float32 and f32.shape == (2, 2)
    assert math.isnan(f32[0, 0]) and f32[0, 1] == math.inf and f32[1, 0] == 0 and math.copysign(1, f32[1, 0]) == -1 and f32[1, 1] == 1.5
    assert t["f64"].dtype == torch.float64 and t["f64"].tolist() == [0.1, -1e300, 5e-324]
    assert t["i32"].dtype == torch.int32 and t["i32"].tolist() == [[-2147483648, 2147483647], [0, -1]]
    assert t["bool"].dtype == torch.bool and t["bool"].tolist() == [True, False, True]
    assert t["scalar"].shape == () and t["scalar"].item() == 2.5
    assert t["empty"].shape == (0, 3)

    # The same tensor twice is one tensor; dotted keys stay as they were; a marker-like object is an object.
    assert ckpt["shared"]["first"] is ckpt["shared"]["again"] and ckpt["shared"]["first"].tolist() == [1.0, 2.0, 3.0]
    assert ckpt["dotted.key"]["a.b"].tolist() == [7]
    assert ckpt["marker"] == {"__tensor__": "not a tensor"}
    assert ckpt["list"][0].tolist() == [1.0] and ckpt["list"][1] == 1 and ckpt["list"][2][0].tolist() == [2.0]

    # The tensors are stored under their dotted paths.
    with safe_open(path, framework="pt") as f:
        keys = set(f.keys())
    assert {"model.0.weight", "optimizer.state.0.expAvg", "list.2.0", "dotted.key.a.b", "shared.first"} <= keys
    assert "shared.again" not in keys


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    file = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "tsgrad-checkpoint.safetensors")
    check_fixture(file)
    print(f"ok: {file} reads back in Python (torch {torch.__version__})")
