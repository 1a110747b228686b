#!/usr/bin/python3
"""Per-core GEMM speed of PyTorch (OpenBLAS, 1 thread) in per-thread CPU time.

The counterpart of `go test -run X -bench SerialThreadCPU ./internal/gemm/`:
the same shapes (m x n x k, B transposed as in a linear layer x W^T, and one
plain 512^3), best of the runs, GFLOP per CPU-second of the calling thread,
which other processes on a shared machine do not inflate. Run with
OPENBLAS_NUM_THREADS=1 /usr/bin/python3 scripts/bench_percore.py
"""
import time

import torch


def main():
    torch.set_num_threads(1)
    torch.manual_seed(0)
    shapes = [(True, 128, 256, 256), (True, 128, 1024, 256), (True, 128, 256, 1024),
              (True, 512, 512, 512), (True, 96, 1024, 4096), (False, 512, 512, 512)]
    for trans_b, m, n, k in shapes:
        x = torch.rand(m, k) * 2 - 1
        w = torch.rand(n, k) * 2 - 1 if trans_b else torch.rand(k, n) * 2 - 1
        c = torch.empty(m, n)
        rhs = w.t() if trans_b else w
        torch.mm(x, rhs, out=c)
        best = None
        for _ in range(50):
            t = time.thread_time()
            torch.mm(x, rhs, out=c)
            d = time.thread_time() - t
            if d > 0 and (best is None or d < best):
                best = d
        print(f"tB={trans_b} {m}x{n}x{k}: {2 * m * n * k / best / 1e9:.1f} GFLOP/cpu-s")


if __name__ == "__main__":
    main()
