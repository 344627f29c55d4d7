"""Loads the state dicts tsgrad wrote into PyTorch's modules and runs them: the other direction of
tests/nn/state-dicts.test.ts.

    npx jest tests/nn/state-dicts.test.ts     # writes out/state-dicts/
    /work/venv/bin/python tests/golden/check_state_dicts.py

The test's last case gives each module of tests/golden/state-dicts.json seeded random parameters and
buffers (tsgrad's generator), runs one train-mode forward where the case has one (so running
statistics and num_batches_tracked moved), and writes the state dicts to
out/state-dicts/tsgrad-state-dicts.safetensors (keys `<case>/<key>`) and each module's eval output to
tsgrad-outputs.json. Here, per case: the PyTorch module built from the case's `py`; tsgrad's keys
equal its state_dict's, with the same dtypes (int64 for num_batches_tracked) and shapes;
`load_state_dict(strict=True)` takes them; the module's state then equals the file's bit for bit; and
its eval output on the case's input equals tsgrad's (within 1e-6 float32, 1e-12 float64, relative to
1 + |value|; indices exactly). Exits 1 on any difference.
"""

import json
import os
import sys

import torch
import torch.nn as nn  # noqa: F401 -- the cases' `py` expressions use it
from safetensors.torch import load_file

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "out", "state-dicts")
DTYPES = {"float32": torch.float32, "float64": torch.float64, "int64": torch.int64, "int32": torch.int64, "bool": torch.bool}
TOL = {torch.float32: 1e-6, torch.float64: 1e-12}


def decode(s):
    if "list" in s:
        return list(s["list"])
    data = [float(v) if isinstance(v, str) else v for v in s["data"]]
    return torch.tensor(data, dtype=DTYPES[s["dtype"]]).reshape(s["shape"])


def main():
    golden = json.load(open(os.path.join(HERE, "state-dicts.json")))
    tensors = load_file(os.path.join(OUT, "tsgrad-state-dicts.safetensors"))
    outputs = json.load(open(os.path.join(OUT, "tsgrad-outputs.json")))
    failures = []
    checked_keys = 0
    checked_outputs = 0
    for c in golden["cases"]:
        name = c["name"]
        m = eval(c["py"])
        theirs = {k[len(name) + 1 :]: v for k, v in tensors.items() if k.startswith(name + "/")}
        ours = m.state_dict()
        if sorted(theirs) != sorted(ours):
            failures.append(f"{name}: keys {sorted(theirs)}, PyTorch's {sorted(ours)}")
            continue
        bad = [f"{k} {theirs[k].dtype}{list(theirs[k].shape)} vs {v.dtype}{list(v.shape)}" for k, v in ours.items() if theirs[k].dtype != v.dtype or theirs[k].shape != v.shape]
        if bad:
            failures.append(f"{name}: {', '.join(bad)}")
            continue
        try:
            m.load_state_dict({k: theirs[k] for k in ours}, strict=True)
        except Exception as e:  # noqa: BLE001
            failures.append(f"{name}: load_state_dict(strict=True) failed: {e}")
            continue
        for k, v in m.state_dict().items():
            checked_keys += 1
            if not torch.equal(v, theirs[k]):
                failures.append(f"{name}: {k} differs after loading")
        if name not in outputs:
            continue
        m.eval()
        xs = [decode(s) for s in c["inputs"]]
        with torch.no_grad():
            y = m(*xs)
        ys = list(y) if isinstance(y, (tuple, list)) else [y]
        expected = outputs[name]
        if len(ys) != len(expected):
            failures.append(f"{name}: {len(ys)} outputs, tsgrad's {len(expected)}")
            continue
        for i, (a, e) in enumerate(zip(ys, expected)):
            checked_outputs += 1
            e = torch.tensor(e["data"], dtype=a.dtype).reshape(e["shape"])
            if a.shape != e.shape:
                failures.append(f"{name}: output {i} of shape {list(a.shape)}, tsgrad's {list(e.shape)}")
                continue
            tol = TOL.get(a.dtype, 0)
            worst = ((a - e).abs() - tol * (1 + e.abs())).max().item() if a.numel() else 0
            if worst > 0:
                failures.append(f"{name}: output {i} differs from tsgrad's by up to {worst + tol:.3g}")
    cases = len(golden["cases"])
    print(f"torch {torch.__version__}: {cases} cases, {checked_keys} tensors loaded with load_state_dict(strict=True), {checked_outputs} outputs compared")
    for f in failures:
        print("FAIL", f)
    print("OK" if not failures else f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
