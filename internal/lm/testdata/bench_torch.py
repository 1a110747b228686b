#!/usr/bin/python3
"""PyTorch side of BenchmarkForward160: the same forward (gen_parity.forward,
transformers' LlamaModel math in plain torch) at the default size (D=256,
4 layers, 4 heads, 2 key/value heads, I=688, vocab 1024) on 160 tokens of
input embeddings, float32, hidden states and logits, under torch.no_grad.

    /usr/bin/python3 bench_torch.py [threads]

prints the median wall time of one forward in ns (threads defaults to 2,
the CPU count of the build machine).
"""
import statistics
import sys
import time

import torch

from gen_parity import forward, weights

CONFIG = {
    "model_type": "llama",
    "hidden_size": 256,
    "intermediate_size": 688,
    "num_hidden_layers": 4,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "rms_norm_eps": 1e-6,
    "rope_theta": 10000.0,
    "vocab_size": 1024,
    "tie_word_embeddings": False,
}


def main():
    torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
    g = torch.Generator().manual_seed(1)
    w = weights(CONFIG, g)
    x = torch.randn(160, CONFIG["hidden_size"], generator=g)
    pos = torch.arange(160)
    times = []
    with torch.no_grad():
        for i in range(60):
            t0 = time.perf_counter_ns()
            forward(CONFIG, w, x, pos, torch.float32)
            if i >= 10:  # warm-up
                times.append(time.perf_counter_ns() - t0)
    print("torch forward160 median ns/op", int(statistics.median(times)))


if __name__ == "__main__":
    main()
