#!/usr/bin/python3
"""PyTorch side of the nn benchmarks (bench_test.go): the same layers at the
same sizes (width 256, 4 heads, SwiGLU width 1024; L=128 causal and 96x16
tokens block-local), forward only, float32, no autograd.

Run from internal/nn:  /usr/bin/python3 testdata/bench_torch.py [threads]
and compare with     go test -run XXX -bench '^Benchmark(Linear|Attention|Block)$' .
in the same session (the ratio is the number to report; the Go benchmarks
use GOMAXPROCS threads, so pass the same thread count here).
"""
import math
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from gen_golden import MASKED, attention, attn_params, gated_mlp, linear_params, rms_norm  # noqa: E402

D, HEADS, HIDDEN = 256, 4, 1024


def causal(l):
    return torch.triu(torch.full((l, l), MASKED), diagonal=1)


def block_local(l):
    blocks = torch.arange(l) // (8 * 16)
    far = (blocks[:, None] - blocks[None, :]).abs() > 1
    return torch.where(far, torch.tensor(MASKED), torch.tensor(0.0))


def bench(name, f, min_time=1.0):
    f()
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < min_time or n < 3:
        f()
        n += 1
    print(f"{name}\t{(time.perf_counter() - start) / n * 1e9:.0f} ns/op")


def main():
    if len(sys.argv) > 1:
        torch.set_num_threads(int(sys.argv[1]))
    torch.manual_seed(0)
    lp = linear_params("", D, D, True)
    ap = attn_params("", D, HEADS, HEADS, False)
    bp = {"input_layernorm.weight": torch.ones(D), "post_attention_layernorm.weight": torch.ones(D)}
    bp.update({k: v for k, v in attn_params("self_attn.", D, HEADS, HEADS, False).items()})
    for name, din, dout in (("mlp.gate_proj.", D, HIDDEN), ("mlp.up_proj.", D, HIDDEN), ("mlp.down_proj.", HIDDEN, D)):
        bp.update(linear_params(name, din, dout, False))
    sp = {k[len("self_attn."):]: v for k, v in bp.items() if k.startswith("self_attn.")}

    def block(x, bias):
        h = x + attention(sp, rms_norm(x, bp["input_layernorm.weight"], 1e-6), HEADS, HEADS, 10000.0, bias)
        return h + gated_mlp(bp, "mlp.", rms_norm(h, bp["post_attention_layernorm.weight"], 1e-6))

    with torch.no_grad():
        for size, l, mask in (("L=128", 128, causal), ("L=96x16", 96 * 16, block_local)):
            x, bias = torch.randn(1, l, D), mask(l)
            bench(f"Linear/{size}/torch", lambda: F.linear(x[0], lp["weight"], lp["bias"]))
            bench(f"Attention/{size}/torch", lambda: attention(ap, x, HEADS, HEADS, 10000.0, bias))
            bench(f"Block/{size}/torch", lambda: block(x, bias))


if __name__ == "__main__":
    main()
