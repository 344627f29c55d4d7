"""PyTorch's figures for issue 16's rows, measured on this machine: `npm run bench -- --torch PYTHON`
runs this with that Python (one with torch installed) and judges the issue's ratio targets against
what it prints; on its own: `python bench/pytorch.py [--reps 9] [--rep-ms 150] [--warmup-ms 3000]`.

The same work as the bench's tsgrad rows (bench/models.ts, bench/small-ops.ts, bench/matmul.ts):
- SGD step (zero_grad, forward, cross_entropy, backward, step; lr 0.1) of MLP 784-512-512-10 at
  batch 128 and MLP 784-128-10 at batch 64, PyTorch's default Linear init, at 1 and 2 threads;
- float32 matmul 1024 x 1024 (NN), GFLOPS, at 1 and 2 threads;
- the chain of 300 small ops (h = relu(h * w + 1) 100 times on [32, 10] float32 from x, x and w
  requiring grad, then sum and backward), microseconds per op, at 1 thread.

Each figure: a warm-up of --warmup-ms, then --reps samples of >= --rep-ms each; the median sample and
the fastest. Prints one JSON object on stdout.
"""

import argparse
import json
import platform
import time

import torch
import torch.nn.functional as F


def timed(fn, reps, rep_ms, warmup_ms):
    """Seconds per call of fn: (median sample, fastest sample)."""
    end = time.perf_counter() + warmup_ms / 1000
    while time.perf_counter() < end:
        fn()
    samples = []
    for _ in range(reps):
        calls = 0
        start = time.perf_counter()
        while True:
            fn()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= rep_ms / 1000:
                break
        samples.append(elapsed / calls)
    samples.sort()
    return samples[len(samples) // 2], samples[0]


def mlp_step(sizes, batch):
    torch.manual_seed(0)
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x = torch.rand(batch, sizes[0])
    y = torch.randint(0, sizes[-1], (batch,))

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()

    return step


def small_ops():
    x = ((torch.arange(320) * 37 % 100) / 100 - 0.5).float().reshape(32, 10).requires_grad_()
    w = ((torch.arange(320) * 53 % 100) / 200 - 0.25).float().reshape(32, 10).requires_grad_()

    def chain():
        x.grad = None
        w.grad = None
        h = x
        for _ in range(100):
            h = torch.relu(h * w + 1)
        h.sum().backward()

    return chain


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--reps", type=int, default=9)
    p.add_argument("--rep-ms", type=float, default=150)
    p.add_argument("--warmup-ms", type=float, default=3000)
    a = p.parse_args()
    t = lambda fn: timed(fn, a.reps, a.rep_ms, a.warmup_ms)
    out = {"torch": torch.__version__, "python": platform.python_version(), "rows": []}
    for threads in (1, 2):
        torch.set_num_threads(threads)
        for rid, sizes, batch in (("mlp512", (784, 512, 512, 10), 128), ("mlp", (784, 128, 10), 64)):
            med, best = t(mlp_step(sizes, batch))
            out["rows"].append({"id": rid, "threads": threads, "unit": "ms", "median": med * 1e3, "best": best * 1e3})
        a_ = torch.rand(1024, 1024)
        b_ = torch.rand(1024, 1024)
        med, best = t(lambda: torch.mm(a_, b_))
        flop = 2 * 1024**3
        out["rows"].append({"id": "matmul1024", "threads": threads, "unit": "GFLOPS", "median": flop / med / 1e9, "best": flop / best / 1e9})
    torch.set_num_threads(1)
    med, best = t(small_ops())
    out["rows"].append({"id": "ops", "threads": 1, "unit": "us", "median": med / 300 * 1e6, "best": best / 300 * 1e6})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
