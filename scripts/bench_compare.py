#!/usr/bin/python3
"""PyTorch side of `make bench-compare` (scripts/bench-compare.sh).

Times, on PyTorch CPU with 2 threads, the cases that
internal/gemm/cmd/benchcompare times in Go, and writes the best seconds per
case as JSON to the path given as the first argument (--gemm-only skips the
block cases):

  gemm_512, gemm_96x1024x4096, gemm_1024: torch.mm of float32 m x k by k x n;
  block_fwd, block_fwdbwd: one Llama-style pre-norm transformer block
    (RMSNorm, q/k/v/o without bias, rotary positions, softmax attention,
    SwiGLU MLP) at D=256, 4 heads, L=128, hidden 1024, the same structure as
    internal/nn Block; forward under no_grad, and forward + backward of
    y.mean() with fresh gradients each step.

Run it with Debian's /usr/bin/python3 (python3-torch). Deterministic inputs
(torch.manual_seed(0)); timing is best-of-reps after a warm-up.
"""
import json
import math
import os
import re
import sys
import time

import torch

REPS = int(os.environ.get("BENCH_REPS", "10"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))


def best(fn, reps=REPS):
    fn()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def blas_library():
    """The BLAS shared libraries mapped into this process, after a product."""
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            name = os.path.basename(path)
            if "blas" in name or "mkl" in name or "dnnl" in name:
                libs.add(os.path.realpath(path))
    return ", ".join(sorted(libs)) or "none found"


def blas_config_line():
    """The BLAS_INFO entry of torch.__config__.show()."""
    m = re.search(r"BLAS_INFO=[^,\s]+", torch.__config__.show())
    return m.group(0) if m else "BLAS_INFO not reported"


class RMSNorm(torch.nn.Module):
    def __init__(self, d, eps=1e-5):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class Block(torch.nn.Module):
    """h = x + Attn(Norm1(x)); y = h + MLP(Norm2(h)), as internal/nn Block."""

    def __init__(self, d=256, heads=4, hidden=1024, base=10000.0, seq=128):
        super().__init__()
        self.heads, self.dh = heads, d // heads
        lin = lambda i, o: torch.nn.Linear(i, o, bias=False)
        self.norm1, self.norm2 = RMSNorm(d), RMSNorm(d)
        self.q, self.k, self.v, self.o = lin(d, d), lin(d, d), lin(d, d), lin(d, d)
        self.gate, self.up, self.down = lin(d, hidden), lin(d, hidden), lin(hidden, d)
        inv = base ** (-torch.arange(0, self.dh, 2, dtype=torch.float64) / self.dh)
        ang = torch.arange(seq, dtype=torch.float64)[:, None] * inv[None, :]
        ang = torch.cat((ang, ang), dim=-1)
        self.register_buffer("cos", ang.cos().float())
        self.register_buffer("sin", ang.sin().float())

    def attn(self, x):
        L = x.shape[0]
        split = lambda t: t.view(L, self.heads, self.dh).transpose(0, 1)
        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        q = q * self.cos + rotate_half(q) * self.sin
        k = k * self.cos + rotate_half(k) * self.sin
        s = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(self.dh), dim=-1)
        o = (s @ v).transpose(0, 1).reshape(L, -1)
        return self.o(o)

    def forward(self, x):
        h = x + self.attn(self.norm1(x))
        n = self.norm2(h)
        return h + self.down(torch.nn.functional.silu(self.gate(n)) * self.up(n))


def main():
    if len(sys.argv) not in (2, 3) or sys.argv[2:] not in ([], ["--gemm-only"]):
        sys.exit("usage: bench_compare.py OUT.json [--gemm-only]")
    torch.set_num_threads(THREADS)
    torch.manual_seed(0)
    seconds = {}
    for key, (m, n, k) in {
        "gemm_512": (512, 512, 512),
        "gemm_96x1024x4096": (96, 1024, 4096),
        "gemm_1024": (1024, 1024, 1024),
    }.items():
        a, b = torch.rand(m, k) * 2 - 1, torch.rand(k, n) * 2 - 1
        c = torch.empty(m, n)
        seconds[key] = best(lambda: torch.mm(a, b, out=c))

    if sys.argv[2:] == ["--gemm-only"]:
        write(sys.argv[1], seconds)
        return
    block = Block()
    x = torch.rand(128, 256) * 2 - 1

    def fwd():
        with torch.no_grad():
            block(x)

    def fwdbwd():
        for p in block.parameters():
            p.grad = None
        block(x).mean().backward()

    seconds["block_fwd"] = best(fwd)
    seconds["block_fwdbwd"] = best(fwdbwd)
    write(sys.argv[1], seconds)


def write(path, seconds):
    out = {
        "version": torch.__version__,
        "threads": torch.get_num_threads(),
        "blas": blas_config_line(),
        "library": blas_library(),
        "seconds": seconds,
    }
    with open(path, "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
