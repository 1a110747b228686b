#!/usr/bin/python3
"""Generates the PyTorch parity fixture of fusion.TextTransformer.

Run from this directory with Debian's Python (torch 1.13 CPU):

    /usr/bin/python3 gen_text_parity.py

It writes text_parity/ as a text encoder checkpoint (config.json,
model.safetensors with random float32 weights under the names
fusion.SaveText uses, vocab.txt) and text_parity/expected.json holding a
padded batch of token ids and e_text for each sequence, computed in float64
by the plain-torch forward below (the math of the Go encoder):

  x = embed[ids]                                   (B, L, D), [PAD] = id 0
  per block (Llama pre-norm, Hugging Face names):
    h = x + o_proj(attn(rms(x)))    rotary rotate-half, base rope_base,
                                    positions 0..L-1, softmax over keys with
                                    padded keys masked, no causal mask
    x = h + down(silu(gate(rms(h))) * up(rms(h)))
  e_text = LayerNorm(x[:, 0])       biased variance, weight and bias
"""
import json
import math
import os
import struct

import torch

CFG = {"vocab_size": 20, "dim": 16, "heads": 2, "layers": 2, "hidden": 24,
       "max_len": 16, "rope_base": 10000, "eps": 1e-6}
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "<0>", "<1>",
         "the", "red", "blue", "circle", "square", "enters", "leaves",
         "moves", "a", "##s", "##ing", ",", "?"]
BATCH = [[2, 7, 8, 10, 12, 3], [2, 15, 3], [2, 7, 9, 11, 14, 16, 18, 13, 3]]


def write_safetensors(path, tensors):
    header, blobs, off = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().to(torch.float32).contiguous()
        b = t.numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":"), sort_keys=True).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def weights(cfg=CFG, seed=7):
    g = torch.Generator().manual_seed(seed)
    d, hid = cfg["dim"], cfg["hidden"]

    def rnd(*shape, scale=0.3):
        return (torch.randn(*shape, generator=g) * scale).to(torch.float32)

    w = {"embed.weight": rnd(cfg["vocab_size"], d, scale=1.0),
         "norm.weight": 1 + rnd(d, scale=0.1), "norm.bias": rnd(d, scale=0.1)}
    for i in range(cfg["layers"]):
        p = f"blocks.{i}."
        w[p + "input_layernorm.weight"] = 1 + rnd(d, scale=0.1)
        w[p + "post_attention_layernorm.weight"] = 1 + rnd(d, scale=0.1)
        for n in ("q", "k", "v", "o"):
            w[p + f"self_attn.{n}_proj.weight"] = rnd(d, d)
        w[p + "mlp.gate_proj.weight"] = rnd(hid, d)
        w[p + "mlp.up_proj.weight"] = rnd(hid, d)
        w[p + "mlp.down_proj.weight"] = rnd(d, hid)
    return w


def rms(x, w, eps):
    return w * (x / torch.sqrt((x * x).mean(-1, keepdim=True) + eps))


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat([-x[..., h:], x[..., :h]], -1)


def forward(w, batch, cfg=CFG, dtype=torch.float64):
    d, heads, eps = cfg["dim"], cfg["heads"], cfg["eps"]
    hd = d // heads
    W = {k: v.to(dtype) for k, v in w.items()}
    L = max(len(s) for s in batch)
    ids = torch.tensor([s + [0] * (L - len(s)) for s in batch])
    keep = torch.tensor([[j < len(s) for j in range(L)] for s in batch])
    x = W["embed.weight"][ids]  # (B, L, D)
    B = x.shape[0]
    inv = 1.0 / (cfg["rope_base"] ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
    ang = (torch.arange(L, dtype=torch.float64)[:, None] * inv[None, :]).to(dtype)
    emb = torch.cat([ang, ang], -1)
    cos, sin = emb.cos(), emb.sin()
    mask = torch.where(keep, 0.0, -math.inf).to(dtype)[:, None, None, :]
    for i in range(cfg["layers"]):
        p = f"blocks.{i}."
        xn = rms(x, W[p + "input_layernorm.weight"], eps)

        def heads_of(n):
            y = xn @ W[p + f"self_attn.{n}_proj.weight"].T
            return y.view(B, L, heads, hd).transpose(1, 2)

        q, k, v = heads_of("q"), heads_of("k"), heads_of("v")
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        s = q @ k.transpose(-1, -2) / math.sqrt(hd) + mask
        o = torch.softmax(s, -1) @ v
        o = o.transpose(1, 2).reshape(B, L, d) @ W[p + "self_attn.o_proj.weight"].T
        h = x + o
        hn = rms(h, W[p + "post_attention_layernorm.weight"], eps)
        gate = hn @ W[p + "mlp.gate_proj.weight"].T
        up = hn @ W[p + "mlp.up_proj.weight"].T
        x = h + (torch.nn.functional.silu(gate) * up) @ W[p + "mlp.down_proj.weight"].T
    cls = x[:, 0]
    mu = cls.mean(-1, keepdim=True)
    var = ((cls - mu) ** 2).mean(-1, keepdim=True)
    return (cls - mu) / torch.sqrt(var + eps) * W["norm.weight"] + W["norm.bias"]


def main():
    out = "text_parity"
    os.makedirs(out, exist_ok=True)
    w = weights()
    write_safetensors(os.path.join(out, "model.safetensors"), w)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(CFG, f, indent=2)
        f.write("\n")
    with open(os.path.join(out, "vocab.txt"), "w") as f:
        f.write("".join(t + "\n" for t in VOCAB))
    e = forward(w, BATCH)
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump({"batch": BATCH, "e_text": e.tolist()}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
