#!/usr/bin/python3
"""Generates the PyTorch golden fixtures of package nn (testdata/golden/*.json).

Run from internal/nn with Debian's PyTorch:  /usr/bin/python3 testdata/gen_golden.py
Every fixture is computed in float32 by PyTorch's own functions (F.linear,
F.layer_norm, F.gelu(approximate="tanh"), F.conv3d, F.cross_entropy, ...) or,
for the Llama pieces that torch lacks (RMSNorm, rotary embeddings, grouped-query
attention, SwiGLU, the decoder layer), by a line-for-line copy of Hugging Face's
modeling_llama.py. Inputs and weights are drawn with a fixed seed.

File format: {"layer": name, "config": {...}, "tensors": {name: {"shape": [...],
"data": [...]}}, "outputs": {name: {"shape": [...], "data": [...]}}}. Tensor
names of weights follow Hugging Face (q_proj.weight, ...). Data are float32
values written with 9 significant digits (which identify a float32
exactly), row-major.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

torch.manual_seed(20240601)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")
MASKED = -1e9  # nn.MaskedBias


def t(x):
    x = x.detach().to(torch.float32).contiguous()
    # 9 significant digits identify a float32 exactly.
    return {"shape": list(x.shape), "data": [float("%.9g" % v) for v in x.reshape(-1).tolist()]}


def rnd(*shape, lo=-1.0, hi=1.0):
    return torch.rand(*shape, dtype=torch.float32) * (hi - lo) + lo


def write(name, layer, config, tensors, outputs):
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump({"layer": layer, "config": config,
                   "tensors": {k: t(v) for k, v in tensors.items()},
                   "outputs": {k: t(v) for k, v in outputs.items()}}, f, separators=(",", ":"))
        f.write("\n")


def linear_params(prefix, din, dout, bias):
    bound = 1 / math.sqrt(din)
    p = {prefix + "weight": rnd(dout, din, lo=-bound, hi=bound)}
    if bias:
        p[prefix + "bias"] = rnd(dout, lo=-bound, hi=bound)
    return p


def lin(p, prefix, x):
    return F.linear(x, p[prefix + "weight"], p.get(prefix + "bias"))


# --- Llama pieces, after transformers/models/llama/modeling_llama.py ---------

def rms_norm(x, w, eps):
    variance = x.pow(2).mean(-1, keepdim=True)
    return w * (x * torch.rsqrt(variance + eps))


def rotary_tables(positions, dim, base):
    # Computed in float64 and rounded once, as nn.RotaryTables (Hugging Face
    # computes the angles in float32; the difference is ~1e-6 at position 30).
    inv_freq = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.float64) / dim))
    freqs = torch.outer(torch.tensor(positions, dtype=torch.float64), inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos().to(torch.float32), emb.sin().to(torch.float32)


def rotate_half(x):
    x1 = x[..., : x.shape[-1] // 2]
    x2 = x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def apply_rotary(x, cos, sin):
    return x * cos + rotate_half(x) * sin


def repeat_kv(h, n_rep):
    b, nkv, l, dh = h.shape
    if n_rep == 1:
        return h
    h = h[:, :, None, :, :].expand(b, nkv, n_rep, l, dh)
    return h.reshape(b, nkv * n_rep, l, dh)


def attention(p, x, heads, kv_heads, rope_base, bias, positions=None):
    """x (B, L, D); bias (L, L) or (B, L, L) additive, or None."""
    b, l, _ = x.shape
    dh = p["q_proj.weight"].shape[0] // heads
    q = lin(p, "q_proj.", x).view(b, l, heads, dh).transpose(1, 2)
    k = lin(p, "k_proj.", x).view(b, l, kv_heads, dh).transpose(1, 2)
    v = lin(p, "v_proj.", x).view(b, l, kv_heads, dh).transpose(1, 2)
    if rope_base:
        cos, sin = rotary_tables(positions if positions is not None else list(range(l)), dh, rope_base)
        q, k = apply_rotary(q, cos, sin), apply_rotary(k, cos, sin)
    k, v = repeat_kv(k, heads // kv_heads), repeat_kv(v, heads // kv_heads)
    s = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(dh)
    if bias is not None:
        s = s + (bias if bias.dim() == 2 else bias[:, None, :, :])
    a = torch.softmax(s, dim=-1)
    o = torch.matmul(a, v).transpose(1, 2).reshape(b, l, heads * dh)
    return lin(p, "o_proj.", o)


def gated_mlp(p, prefix, x):
    return lin(p, prefix + "down_proj.", F.silu(lin(p, prefix + "gate_proj.", x)) * lin(p, prefix + "up_proj.", x))


def causal(l):
    return torch.triu(torch.full((l, l), MASKED), diagonal=1)


def attn_params(prefix, d, heads, kv, bias):
    dh = d // heads
    p = {}
    p.update(linear_params(prefix + "q_proj.", d, heads * dh, bias))
    p.update(linear_params(prefix + "k_proj.", d, kv * dh, bias))
    p.update(linear_params(prefix + "v_proj.", d, kv * dh, bias))
    p.update(linear_params(prefix + "o_proj.", heads * dh, d, bias))
    return p


def strip(p, prefix):
    return {k[len(prefix):]: v for k, v in p.items() if k.startswith(prefix)}


def main():
    os.makedirs(OUT, exist_ok=True)

    p = linear_params("", 6, 5, True)
    x = rnd(3, 6)
    write("linear", "linear", {}, dict(x=x, **p), {"y": lin(p, "", x)})

    p = linear_params("", 6, 5, False)
    x = rnd(2, 3, 6)
    write("linear_nobias_3d", "linear", {}, dict(x=x, **p), {"y": lin(p, "", x)})

    w = torch.randn(7, 4)
    ids = [3, 6, 0, 3]
    write("embedding", "embedding", {"ids": ids}, {"weight": w}, {"y": F.embedding(torch.tensor(ids), w)})

    x, w, b = rnd(4, 8, lo=-2, hi=3), rnd(8, lo=0.5, hi=1.5), rnd(8)
    write("layernorm", "layernorm", {"eps": 1e-5}, {"x": x, "weight": w, "bias": b},
          {"y": F.layer_norm(x, (8,), w, b, 1e-5)})

    x, w = rnd(2, 3, 8, lo=-2, hi=3), rnd(8, lo=0.5, hi=1.5)
    write("rmsnorm", "rmsnorm", {"eps": 1e-6}, {"x": x, "weight": w}, {"y": rms_norm(x, w, 1e-6)})

    x = rnd(3, 7, lo=-5, hi=5)
    write("activations", "activations", {}, {"x": x}, {
        "gelu_tanh": F.gelu(x, approximate="tanh"),
        "silu": F.silu(x),
        "softmax_axis0": torch.softmax(x, 0),
        "softmax_axis1": torch.softmax(x, 1),
        "log_softmax_axis0": torch.log_softmax(x, 0),
        "log_softmax_axis1": torch.log_softmax(x, 1),
    })

    x = rnd(2, 5, 8)
    positions = [0, 1, 2, 7, 30]
    cos, sin = rotary_tables(positions, 8, 10000.0)
    write("rotary", "rotary", {"positions": positions, "base": 10000.0}, {"x": x},
          {"y": apply_rotary(x, cos, sin)})

    p = attn_params("", 8, 4, 2, False)
    x = rnd(5, 8)
    write("attention_gqa_rope_causal", "attention",
          {"heads": 4, "kv_heads": 2, "rope_base": 10000.0, "mask": "causal"},
          dict(x=x, **p), {"y": attention(p, x[None], 4, 2, 10000.0, causal(5))[0]})

    p = attn_params("", 8, 2, 1, False)
    x = rnd(2, 4, 8)
    keep = [[True, True, True, False], [True, False, True, True]]
    pad = torch.tensor([[0.0 if k else MASKED for k in row] for row in keep])[:, None, :].expand(2, 4, 4)
    write("attention_batched_padding", "attention",
          {"heads": 2, "kv_heads": 1, "rope_base": 10000.0, "mask": "padding+causal", "keep": keep},
          dict(x=x, **p), {"y": attention(p, x, 2, 1, 10000.0, pad + causal(4))})

    p = attn_params("", 8, 2, 2, True)
    x = rnd(6, 8)
    blocks = [i // 2 for i in range(6)]
    local = torch.tensor([[0.0 if abs(a - b) <= 1 else MASKED for b in blocks] for a in blocks])
    write("attention_block_local", "attention",
          {"heads": 2, "kv_heads": 2, "rope_base": 0.0, "mask": "block_local", "blocks": blocks, "window": 1},
          dict(x=x, **p), {"y": attention(p, x[None], 2, 2, 0.0, local)[0]})

    p = {}
    for name, din, dout in (("gate_proj.", 6, 10), ("up_proj.", 6, 10), ("down_proj.", 10, 6)):
        p.update(linear_params(name, din, dout, False))
    x = rnd(3, 6)
    write("gated_mlp", "gated_mlp", {}, dict(x=x, **p), {"y": gated_mlp(p, "", x)})

    p = linear_params("linear.", 5, 12, True)
    c, x = rnd(5), rnd(3, 4, lo=-2, hi=2)
    shift, scale, gate = lin(p, "linear.", F.silu(c)).chunk(3, dim=-1)
    h = F.layer_norm(x, (4,), None, None, 1e-6) * (1 + scale) + shift
    write("adaln", "adaln", {"n": 3, "eps": 1e-6}, dict(c=c, x=x, **p), {"y": gate * h})

    frames = rnd(4, 4, 6, 2, lo=0, hi=1)  # (T, H, W, C)
    conv_w = rnd(5, 2, 2, 2, 3, lo=-0.3, hi=0.3)  # (D, C, pt, ph, pw)
    conv_b = rnd(5, lo=-0.3, hi=0.3)
    y = F.conv3d(frames.permute(3, 0, 1, 2)[None], conv_w, conv_b, stride=(2, 2, 3))[0]  # (D, T', H', W')
    y = y.reshape(5, -1).t()  # tokens in (t, h, w) row-major order
    write("patch_embed", "patch_embed", {"patch": [2, 2, 3]},
          {"frames": frames, "proj.weight": conv_w.permute(0, 2, 3, 4, 1).reshape(5, -1), "proj.bias": conv_b},
          {"y": y})

    x = rnd(3, 4, 5)
    mask = torch.tensor([[1, 0, 1, 1], [0, 0, 0, 0], [0, 1, 0, 0]], dtype=torch.float32)
    pooled = (x * mask[..., None]).sum(1) / mask.sum(1).clamp(min=1)[..., None]
    write("meanpool", "meanpool", {"axis": 1}, {"x": x, "mask": mask},
          {"y": pooled, "y_nomask": x.mean(1)})

    logits = rnd(4, 6, lo=-3, hi=3)
    targets = [5, 0, 2, 2]
    write("cross_entropy", "cross_entropy", {"targets": targets}, {"logits": logits},
          {"y": F.cross_entropy(logits, torch.tensor(targets)).reshape(1)})

    d, heads, kv, hidden, eps = 8, 2, 1, 12, 1e-6
    p = {"input_layernorm.weight": rnd(d, lo=0.5, hi=1.5), "post_attention_layernorm.weight": rnd(d, lo=0.5, hi=1.5)}
    p.update(attn_params("self_attn.", d, heads, kv, False))
    for name, din, dout in (("mlp.gate_proj.", d, hidden), ("mlp.up_proj.", d, hidden), ("mlp.down_proj.", hidden, d)):
        p.update(linear_params(name, din, dout, False))
    x = rnd(5, d)
    h = x + attention(strip(p, "self_attn."), rms_norm(x, p["input_layernorm.weight"], eps)[None], heads, kv, 10000.0, causal(5))[0]
    y = h + gated_mlp(p, "mlp.", rms_norm(h, p["post_attention_layernorm.weight"], eps))
    write("block", "block", {"dim": d, "heads": heads, "kv_heads": kv, "hidden": hidden, "rope_base": 10000.0, "eps": eps},
          dict(x=x, **p), {"y": y})


if __name__ == "__main__":
    main()
