#!/usr/bin/python3
"""PyTorch side of fusion's BenchmarkTextForward: the default text
encoder's forward (gen_text_parity.forward, the same math as
fusion.TextTransformer.Forward) at the default size (fusion.DefaultTextConfig:
vocabulary 1024, width 64, 4 heads, 2 blocks, MLP 128), float32, under
torch.no_grad, on a batch of 1 and of 64 queries of 14 tokens.

    /usr/bin/python3 bench_text_torch.py [threads]

prints the median wall time of one forward in ns for each batch (threads
defaults to 2, the CPU count of the build machine).
"""
import statistics
import sys
import time

import torch

from gen_text_parity import forward, weights

CONFIG = {"vocab_size": 1024, "dim": 64, "heads": 4, "layers": 2, "hidden": 128,
          "max_len": 64, "rope_base": 10000, "eps": 1e-6}


def main():
    torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
    w = weights(CONFIG, 1)
    for b in (1, 64):
        batch = [[2] + [5 + (7 * i + j) % 1000 for j in range(12)] + [3] for i in range(b)]
        times = []
        with torch.no_grad():
            for i in range(110):
                t0 = time.perf_counter_ns()
                forward(w, batch, CONFIG, torch.float32)
                if i >= 10:  # warm-up
                    times.append(time.perf_counter_ns() - t0)
        print(f"torch text forward batch {b} median ns/op", int(statistics.median(times)))


if __name__ == "__main__":
    main()
