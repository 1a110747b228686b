#!/usr/bin/python3
"""Generates adamw.json, the golden trajectory of torch.optim.AdamW for the
Go tests of package optim.

Problem: linear regression y = x W^T + b on fixed data, loss = mean squared
error. Every step: gradients by autograd, global-norm clipping with
torch.nn.utils.clip_grad_norm_, the learning rate of the cosine schedule with
linear warm-up (the formula of optim.Cosine, checked here against the
Hugging Face LambdaLR formulation), then AdamW.step(). Two optimiser
configurations: PyTorch's defaults, and non-default betas/eps/decay.

The fixture records, per step, the gradients before and after clipping, the
norm returned by clip_grad_norm_, the learning rate, the loss and the
parameters after the step. The Go tests check ClipGlobalNorm on the recorded
gradients, Cosine against the recorded rates, and feed the recorded clipped
gradients to AdamW.Step, comparing the parameters after every step.

Run from this directory with Debian's python3 (torch 1.13 CPU):
    /usr/bin/python3 gen_adamw.py
"""
import json
import math

import torch

torch.manual_seed(20261125)
N, IN, OUT = 16, 4, 3
X = torch.randn(N, IN)
Y = X @ torch.randn(OUT, IN).T + 0.3 * torch.randn(N, OUT) + 1.0
W0 = 0.5 * torch.randn(OUT, IN)
B0 = 0.5 * torch.randn(OUT)

TOTAL = 50
WARMUP = math.ceil(0.05 * TOTAL)  # the paper's 5% warm-up: 3 steps
PEAK, FLOOR = 0.05, 0.005
MAX_NORM = 1.0


def cosine(step, total, warmup, peak, floor):
    """The formula documented on optim.Cosine."""
    step = max(step, 0)
    if step < warmup:
        return peak * step / warmup
    if step >= total:
        return floor
    progress = (step - warmup) / (total - warmup)
    return floor + (peak - floor) * 0.5 * (1.0 + math.cos(math.pi * progress))


def hf_lambda(step):
    """transformers.get_cosine_schedule_with_warmup's lr_lambda, floor 0."""
    if step < WARMUP:
        return float(step) / float(max(1, WARMUP))
    progress = float(step - WARMUP) / float(max(1, TOTAL - WARMUP))
    return max(0.0, 0.5 * (1.0 + math.cos(math.pi * 0.5 * 2.0 * progress)))


def flat(t):
    return [float(v) for v in t.detach().reshape(-1)]


def run(betas, eps, weight_decay):
    w = torch.nn.Parameter(W0.clone())
    b = torch.nn.Parameter(B0.clone())
    opt = torch.optim.AdamW([w, b], lr=PEAK, betas=betas, eps=eps, weight_decay=weight_decay)
    # LambdaLR with the Hugging Face lambda must agree with cosine(.., floor=0).
    sched_opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=PEAK)
    sched = torch.optim.lr_scheduler.LambdaLR(sched_opt, hf_lambda)
    steps = []
    for step in range(TOTAL):
        hf_lr = sched_opt.param_groups[0]["lr"]
        assert abs(hf_lr - cosine(step, TOTAL, WARMUP, PEAK, 0.0)) <= 1e-15, (step, hf_lr)
        opt.zero_grad()
        loss = ((X @ w.T + b - Y) ** 2).mean()
        loss.backward()
        grads = {"w": flat(w.grad), "b": flat(b.grad)}
        norm = torch.nn.utils.clip_grad_norm_([w, b], MAX_NORM)
        clipped = {"w": flat(w.grad), "b": flat(b.grad)}
        lr = cosine(step, TOTAL, WARMUP, PEAK, FLOOR)
        for g in opt.param_groups:
            g["lr"] = lr
        opt.step()
        sched_opt.step()
        sched.step()
        steps.append({
            "lr": lr,
            "loss": float(loss),
            "grad": grads,
            "norm": float(norm),
            "clipped": clipped,
            "param": {"w": flat(w), "b": flat(b)},
        })
    return {
        "beta1": betas[0], "beta2": betas[1], "eps": eps, "weight_decay": weight_decay,
        "steps": steps,
    }


fixture = {
    "torch": torch.__version__,
    "total": TOTAL, "warmup": WARMUP, "peak": PEAK, "floor": FLOOR, "max_norm": MAX_NORM,
    "init": {"w": flat(W0), "b": flat(B0)},
    "shapes": {"w": [OUT, IN], "b": [OUT]},
    "runs": [run((0.9, 0.999), 1e-8, 0.01), run((0.8, 0.99), 1e-6, 0.1)],
    # Schedule values over a wider range, including before 0 and after total.
    "schedule": [
        {"step": s, "total": t, "warmup": wu, "peak": p, "floor": fl, "lr": cosine(s, t, wu, p, fl)}
        for (t, wu, p, fl) in [(50, 3, 0.05, 0.005), (1000, 50, 1e-4, 0.0), (10, 0, 1.0, 0.1)]
        for s in sorted({-1, 0, 1, wu - 1, wu, wu + 1, t // 2, t - 1, t, t + 5} | set(range(0, t, max(1, t // 7))))
    ],
}
with open("adamw.json", "w") as f:
    json.dump(fixture, f)
    f.write("\n")
r = fixture["runs"][0]["steps"]
print("loss %.4f -> %.4f; clipped steps: %d of %d" % (
    r[0]["loss"], r[-1]["loss"], sum(s["norm"] > MAX_NORM for s in r), len(r)))
