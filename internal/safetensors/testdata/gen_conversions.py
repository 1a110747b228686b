#!/usr/bin/python3
"""Generates conversions.json: float32 bit patterns with their binary16
(numpy, round to nearest even) and bfloat16 (torch, round to nearest even)
encodings. NaN inputs are left out: numpy and torch each have their own NaN
payload rules; the Go tests check NaN handling by hand.

Run from this directory with Debian's python3 (numpy, torch 1.13):
    /usr/bin/python3 gen_conversions.py
"""
import json

import numpy as np
import torch

rng = np.random.default_rng(20261125)


def f32_from_bits(bits):
    return np.asarray(bits, dtype=np.uint32).view(np.float32)


bits = []
# Any pattern at all.
bits += list(rng.integers(0, 2**32, size=600, dtype=np.uint64))
# Exponents around the binary16 range: subnormals, normals, overflow.
for _ in range(1200):
    sign = int(rng.integers(0, 2))
    exp = int(rng.integers(127 - 26, 127 + 17))
    man = int(rng.integers(0, 2**23))
    bits.append((sign << 31) | (exp << 23) | man)
# Exact ties for binary16 (low 13 bits = 0x1000) and bfloat16 (low 16 bits =
# 0x8000), with odd and even kept bits.
for _ in range(300):
    exp = int(rng.integers(127 - 24, 127 + 16))
    man = int(rng.integers(0, 2**10)) << 13 | 0x1000
    bits.append((exp << 23) | man)
    man = int(rng.integers(0, 2**7)) << 16 | 0x8000
    bits.append((int(rng.integers(1, 255)) << 23) | man)
# Fixed edge cases.
bits += [0x00000000, 0x80000000, 0x7F800000, 0xFF800000, 0x477FE000,
         0x477FF000, 0x477FEFFF, 0x33000000, 0x33000001, 0x387FC000,
         0x38800000, 0x7F7FFFFF, 0x00000001, 0x3F800000]

bits = [int(b) for b in bits]
f = f32_from_bits(bits)
keep = ~np.isnan(f)
f = f[keep]
bits = [b for b, k in zip(bits, keep) if k]
with np.errstate(over="ignore"):
    f16 = f.astype(np.float16).view(np.uint16)
bf16 = torch.from_numpy(f.copy()).to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16)

with open("conversions.json", "w") as out:
    json.dump({"f32": bits, "f16": [int(x) for x in f16], "bf16": [int(x) for x in bf16]}, out)
    out.write("\n")
print(len(bits), "cases")
