#!/usr/bin/python3
"""Generates the PyTorch parity fixtures of package lm.

Run from this directory with Debian's Python (torch 1.13 CPU):

    /usr/bin/python3 gen_parity.py

Hugging Face transformers is not installed on the build machine, so the
reference forward below is written in plain torch, following the math of
transformers' LlamaModel / Phi3Model (modeling_llama.py, modeling_phi3.py,
transformers 4.4x-4.5x) step by step:

  RMSNorm      w * (x * rsqrt(mean(x^2, -1) + eps))
  rotary       inv_freq = 1 / theta^(arange(0, hd, 2) / hd),
               emb = cat(pos * inv_freq, pos * inv_freq), q*cos + rotate_half(q)*sin,
               rotate_half(x) = cat(-x[..., hd/2:], x[..., :hd/2])
  attention    softmax(q k^T / sqrt(hd) + mask) v, key/value head h // (H / KV)
               (repeat_kv), causal mask; Phi-3 with sliding_window W attends
               keys k with q - W < k <= q
  MLP          down(silu(gate(x)) * up(x)); Phi-3: gate, up = chunk(gate_up(x), 2)
  Phi-3 qkv    q = rows [0, H*hd), k = rows [H*hd, H*hd + KV*hd), v = the rest
  final        model.norm, then lm_head (or the embedding matrix when tied)

The weights are random float32 and stored as F32 safetensors; the reference
runs in float64 on those float32 values, so the fixtures hold the exact
answer to float64 precision. Outputs: for each config a directory with
config.json, model.safetensors (Hugging Face names) and expected.safetensors
holding inputs_embeds (L, D), hidden (L, D) and logits (L, vocab) with
positions 0..L-1, and positions_custom (L), hidden_custom (L, D) with
the positions CUSTOM.
"""
import json
import math
import os
import struct

import torch

# Custom positions with uneven gaps (rotary attention depends only on position
# differences, so a uniform shift would change nothing).
CUSTOM = [3, 4, 6, 9, 10, 14, 20, 21, 30]


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


def rms_norm(x, w, eps):
    var = x.pow(2).mean(-1, keepdim=True)
    return w * (x * torch.rsqrt(var + eps))


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def rotary(pos, hd, theta, dtype=torch.float64):
    inv_freq = 1.0 / (theta ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
    freqs = pos.to(torch.float64)[:, None] * inv_freq[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos().to(dtype), emb.sin().to(dtype)


def mask(L, window, dtype=torch.float64):
    q = torch.arange(L)[:, None]
    k = torch.arange(L)[None, :]
    keep = k <= q
    if window:
        keep &= k > q - window
    m = torch.zeros(L, L, dtype=dtype)
    m[~keep] = float("-inf")
    return m


def forward(cfg, w, x, pos, dtype=torch.float64):
    """x (L, D) of dtype -> hidden (L, D), logits (L, V), computed in dtype."""
    d = cfg["hidden_size"]
    H = cfg["num_attention_heads"]
    KV = cfg["num_key_value_heads"]
    hd = d // H
    eps = cfg["rms_norm_eps"]
    L = x.shape[0]
    cos, sin = rotary(pos, hd, cfg["rope_theta"], dtype)
    m = mask(L, cfg.get("sliding_window") or 0, dtype)
    W = {k: v.to(dtype) for k, v in w.items()}
    h = x
    for i in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % i
        a = rms_norm(h, W[p + "input_layernorm.weight"], eps)
        if cfg["model_type"] == "phi3":
            qkv = a @ W[p + "self_attn.qkv_proj.weight"].T
            q = qkv[:, : H * hd]
            k = qkv[:, H * hd : H * hd + KV * hd]
            v = qkv[:, H * hd + KV * hd :]
        else:
            q = a @ W[p + "self_attn.q_proj.weight"].T
            k = a @ W[p + "self_attn.k_proj.weight"].T
            v = a @ W[p + "self_attn.v_proj.weight"].T
        q = q.view(L, H, hd).transpose(0, 1)
        k = k.view(L, KV, hd).transpose(0, 1)
        v = v.view(L, KV, hd).transpose(0, 1)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(H // KV, dim=0)  # repeat_kv
        v = v.repeat_interleave(H // KV, dim=0)
        s = q @ k.transpose(1, 2) / math.sqrt(hd) + m
        o = torch.softmax(s, dim=-1) @ v
        o = o.transpose(0, 1).reshape(L, H * hd)
        h = h + o @ W[p + "self_attn.o_proj.weight"].T
        a = rms_norm(h, W[p + "post_attention_layernorm.weight"], eps)
        if cfg["model_type"] == "phi3":
            gu = a @ W[p + "mlp.gate_up_proj.weight"].T
            gate, up = gu.chunk(2, dim=-1)
        else:
            gate = a @ W[p + "mlp.gate_proj.weight"].T
            up = a @ W[p + "mlp.up_proj.weight"].T
        h = h + (torch.nn.functional.silu(gate) * up) @ W[p + "mlp.down_proj.weight"].T
    h = rms_norm(h, W["model.norm.weight"], eps)
    head = W["model.embed_tokens.weight"] if cfg["tie_word_embeddings"] else W["lm_head.weight"]
    return h, h @ head.T


def weights(cfg, g):
    d = cfg["hidden_size"]
    H = cfg["num_attention_heads"]
    KV = cfg["num_key_value_heads"]
    hd = d // H
    I = cfg["intermediate_size"]

    def lin(out, inp):
        # std 1/sqrt(in): sharp enough attention that rotary positions matter.
        return torch.randn(out, inp, generator=g) / math.sqrt(inp)

    def norm():
        return 1 + 0.2 * torch.randn(d, generator=g)

    w = {"model.embed_tokens.weight": torch.randn(cfg["vocab_size"], d, generator=g)}
    for i in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % i
        w[p + "input_layernorm.weight"] = norm()
        w[p + "post_attention_layernorm.weight"] = norm()
        if cfg["model_type"] == "phi3":
            w[p + "self_attn.qkv_proj.weight"] = lin(H * hd + 2 * KV * hd, d)
            w[p + "mlp.gate_up_proj.weight"] = lin(2 * I, d)
        else:
            w[p + "self_attn.q_proj.weight"] = lin(H * hd, d)
            w[p + "self_attn.k_proj.weight"] = lin(KV * hd, d)
            w[p + "self_attn.v_proj.weight"] = lin(KV * hd, d)
            w[p + "mlp.gate_proj.weight"] = lin(I, d)
            w[p + "mlp.up_proj.weight"] = lin(I, d)
        w[p + "self_attn.o_proj.weight"] = lin(d, H * hd)
        w[p + "mlp.down_proj.weight"] = lin(d, I)
    w["model.norm.weight"] = norm()
    if not cfg["tie_word_embeddings"]:
        w["lm_head.weight"] = lin(cfg["vocab_size"], d)
    return w


CONFIGS = {
    "llama_gqa": {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "hidden_act": "silu",
        "hidden_size": 32,
        "intermediate_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "rms_norm_eps": 1e-6,
        "rope_theta": 10000.0,
        "rope_scaling": None,
        "vocab_size": 64,
        "max_position_embeddings": 128,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "torch_dtype": "float32",
    },
    "phi3_fused": {
        "architectures": ["Phi3ForCausalLM"],
        "model_type": "phi3",
        "hidden_act": "silu",
        "hidden_size": 32,
        "intermediate_size": 48,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "rms_norm_eps": 1e-5,
        "rope_theta": 500.0,
        "rope_scaling": None,
        "sliding_window": 4,
        "vocab_size": 40,
        "max_position_embeddings": 64,
        "original_max_position_embeddings": 64,
        "tie_word_embeddings": True,
        "resid_pdrop": 0.0,
        "embd_pdrop": 0.0,
        "attention_dropout": 0.0,
        "torch_dtype": "float32",
    },
}


def main():
    L = 9
    for seed, (name, cfg) in enumerate(sorted(CONFIGS.items())):
        g = torch.Generator().manual_seed(1000 + seed)
        w = weights(cfg, g)
        x = torch.randn(L, cfg["hidden_size"], generator=g)
        x64 = x.to(torch.float64)
        hidden, logits = forward(cfg, w, x64, torch.arange(L))
        pos = torch.tensor(CUSTOM)
        hidden_custom, _ = forward(cfg, w, x64, pos)
        os.makedirs(name, exist_ok=True)
        with open(os.path.join(name, "config.json"), "w") as f:
            json.dump(cfg, f, indent=2, sort_keys=True)
            f.write("\n")
        write_safetensors(os.path.join(name, "model.safetensors"), w)
        write_safetensors(
            os.path.join(name, "expected.safetensors"),
            {
                "inputs_embeds": x,
                "hidden": hidden,
                "logits": logits,
                "positions_custom": pos.to(torch.float32),
                "hidden_custom": hidden_custom,
            },
        )


if __name__ == "__main__":
    main()
