"""Checks tsgrad's PyTorch export (exportPyTorch) in real PyTorch.

tests/jit/pytorch-export.test.ts writes each case to out/pytorch-export/<case>/: model.py,
model.safetensors, train_ddp.py, README.md and io.json (tsgrad's inputs and outputs at two batch
sizes, and String(model)). For every case folder given (default: all under out/pytorch-export/)
this script

  1. imports model.py, builds the class and loads model.safetensors with strict=True;
  2. checks that repr(model) is tsgrad's String(model);
  3. runs the model in eval mode on tsgrad's inputs and compares with tsgrad's outputs (max abs
     difference at most 1e-5), at both batch sizes (the batch dim of the forward is dynamic);
  4. runs `torchrun --standalone --nproc_per_node=2 train_ddp.py` (gloo) for a few steps, checks that rank 0
     printed the losses, and loads the weights it saved back into the model (strict).

    npx jest tests/jit/pytorch-export.test.ts
    /work/venv/bin/python tests/golden/check_pytorch_export.py            # every case
    /work/venv/bin/python tests/golden/check_pytorch_export.py out/pytorch-export/mnist-cnn --no-ddp

Needs torch and safetensors (pip install torch safetensors). Exits 1 if any check fails.
"""
import argparse
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

import torch
from safetensors.torch import load_file

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOL = 1e-5
DTYPES = {"float32": torch.float32, "float64": torch.float64, "int32": torch.int32, "bool": torch.bool}


def tensor(spec):
    return torch.tensor(spec["data"], dtype=DTYPES[spec["dtype"]]).reshape(spec["shape"])


def load_model_class(folder, class_name):
    name = "exported_" + re.sub(r"\W", "_", os.path.basename(os.path.abspath(folder)))
    spec = importlib.util.spec_from_file_location(name, os.path.join(folder, "model.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, class_name)


def check_outputs(folder, io):
    cls = load_model_class(folder, io["className"])
    model = cls()
    model.load_state_dict(load_file(os.path.join(folder, "model.safetensors")), strict=True)
    model.eval()
    problems = []
    if repr(model) != io["repr"]:
        problems.append(f"repr differs:\n--- PyTorch\n{model!r}\n--- tsgrad\n{io['repr']}")
    worst = 0.0
    for run in io["runs"]:
        inputs = [tensor(t) for t in run["inputs"]]
        with torch.no_grad():
            got = model(*inputs)
        got = list(got) if isinstance(got, tuple) else [got]
        for g, want_spec in zip(got, run["outputs"]):
            want = tensor(want_spec)
            if list(g.shape) != list(want.shape):
                problems.append(f"batch {inputs[0].shape[0]}: shape {list(g.shape)}, tsgrad {list(want.shape)}")
                continue
            diff = (g.double() - want.double()).abs().max().item() if g.numel() else 0.0
            worst = max(worst, diff)
            if not diff <= TOL:
                problems.append(f"batch {inputs[0].shape[0]}: max abs difference {diff:.3g} > {TOL}")
    batches = ", ".join(str(r["inputs"][0]["shape"][0]) for r in io["runs"])
    return problems, f"outputs at batch {batches}: max abs difference {worst:.3g}"


def check_ddp(folder, io, torchrun):
    work = tempfile.mkdtemp(prefix="tsgrad-ddp-")
    try:
        for f in ("model.py", "train_ddp.py", "model.safetensors"):
            shutil.copy(os.path.join(folder, f), work)
        out = os.path.join(work, "trained.safetensors")
        cmd = [torchrun, "--standalone", "--nproc_per_node=2", "train_ddp.py", "--steps", "3", "--batch-size", "4", "--samples", "64", "--out", out]
        env = dict(os.environ, OMP_NUM_THREADS="1")
        # its own session, so that a timeout ends torchrun's workers too
        proc = subprocess.Popen(cmd, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)
        try:
            stdout, stderr = proc.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            stdout, stderr = proc.communicate()
        p = subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)
        losses = re.findall(r"^epoch \d+ step \d+ loss (\S+)$", p.stdout, re.M)
        problems = []
        if p.returncode != 0:
            problems.append(f"torchrun exited with {p.returncode}:\n{p.stdout[-2000:]}\n{p.stderr[-4000:]}")
        elif len(losses) != 3:
            problems.append(f"expected 3 loss lines from rank 0, got:\n{p.stdout}")
        else:
            cls = load_model_class(work, io["className"])
            model = cls()
            model.load_state_dict(load_file(out), strict=True)
            before = load_file(os.path.join(work, "model.safetensors"))
            after = load_file(out)
            if all(torch.equal(before[k], after[k]) for k in before):
                problems.append("training changed no weight")
        return problems, f"torchrun --standalone --nproc_per_node=2 train_ddp.py --steps 3: losses {', '.join(losses)}"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="*")
    parser.add_argument("--no-ddp", action="store_true", help="skip the torchrun runs")
    args = parser.parse_args()
    folders = args.folders
    if not folders:
        base = os.path.join(ROOT, "out", "pytorch-export")
        if not os.path.isdir(base):
            sys.exit(f"{base} does not exist: run `npx jest tests/jit/pytorch-export.test.ts` first")
        folders = sorted(os.path.join(base, d) for d in os.listdir(base) if os.path.isfile(os.path.join(base, d, "io.json")))
    torchrun = shutil.which("torchrun") or os.path.join(os.path.dirname(sys.executable), "torchrun")
    print(f"torch {torch.__version__}")
    failed = 0
    for folder in folders:
        with open(os.path.join(folder, "io.json")) as f:
            io = json.load(f)
        problems, summary = check_outputs(folder, io)
        lines = [summary]
        if not args.no_ddp:
            more, ddp_summary = check_ddp(folder, io, torchrun)
            problems += more
            lines.append(ddp_summary)
        status = "FAIL" if problems else "ok"
        print(f"{status} {os.path.basename(os.path.abspath(folder))} ({io['className']}): " + "; ".join(lines))
        for p in problems:
            print("  " + p.replace("\n", "\n  "))
        failed += bool(problems)
    print(f"{len(folders) - failed} of {len(folders)} cases passed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
