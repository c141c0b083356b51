"""PyTorch peer of bench/gpu-train.ts: the same models (tiny GPT with one-hot embedding, pre-LN blocks of causal
multi-head attention and a 4x ReLU MLP; MLP with ReLU), the same batch/context, torch.optim.AdamW(fused=True), eager
as a user would write it, the loss read back (.item()) every 10 steps. Each row also times the strongest variant a
PyTorch user gets with one decorator: torch.compile(mode="reduce-overhead") of the model (Inductor kernels replayed as
CUDA graphs) with the same fused AdamW, as `compiled_ms` (null if compilation fails on the host). CUDA-event timing
after warm-up; batches are generated on the device before timing and cycled, as in ours. Prints one JSON document on
stdout (run.sh saves it)."""
import datetime
import json
import math
import os
import sys

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "scripts", "gpu-bench"))  # peer_timing.py: beside this file in the pack's peers/, else in scripts/gpu-bench
import torch
import torch.nn as nn
import torch.nn.functional as F
from peer_timing import elapsed_ms

smoke = "--smoke" in sys.argv
quick = "--quick" in sys.argv
dev = torch.device("cuda")
torch.backends.cuda.matmul.allow_tf32 = False  # ours computes in float32
READ_EVERY = 10
POOL = 4
rows = []


class Block(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.h = h
        self.ln1, self.ln2 = nn.LayerNorm(d, eps=1e-5), nn.LayerNorm(d, eps=1e-5)
        self.qkv, self.o = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.fc1, self.fc2 = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

    def forward(self, x, mask):
        B, L, d = x.shape
        hd = d // self.h
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=-1)
        q, k, v = (t.view(B, L, self.h, hd).transpose(1, 2) for t in (q, k, v))
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd) + mask, dim=-1)
        x = x + self.o((att @ v).transpose(1, 2).reshape(B, L, d))
        return x + self.fc2(F.relu(self.fc1(self.ln2(x))))


class TinyGPT(nn.Module):
    def __init__(self, V, L, d, layers, heads):
        super().__init__()
        self.emb = nn.Parameter(torch.randn(V, d) * 0.1)  # one-hot @ emb, as ours (same FLOPs)
        self.pos = nn.Parameter(torch.randn(L, d) * 0.02)
        self.blocks = nn.ModuleList(Block(d, heads) for _ in range(layers))
        self.lnf = nn.LayerNorm(d, eps=1e-5)
        self.head = nn.Linear(d, V)
        self.register_buffer("mask", torch.triu(torch.full((L, L), -1e9), diagonal=1))

    def forward(self, x1h):
        h = x1h @ self.emb + self.pos
        for b in self.blocks:
            h = b(h, self.mask)
        return self.head(self.lnf(h))


def time_steps(model, batches, loss_fn, steps):
    """ms per step of `steps` AdamW steps after 10 warm-up steps (compilation happens there)."""
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01, fused=True)

    def step(i):
        x, y = batches[i % POOL]
        loss = loss_fn(model(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss

    def run():
        for i in range(steps):
            loss = step(i)
            if i % READ_EVERY == READ_EVERY - 1:
                loss.item()

    for i in range(10):
        step(i)
    return elapsed_ms(run) / steps


def bench(id_, size, make_model, batches, loss_fn, steps):
    ms = time_steps(make_model().to(dev), batches, loss_fn, steps)
    try:
        compiled = torch.compile(make_model().to(dev), mode="reduce-overhead")
        cms = round(time_steps(compiled, batches, loss_fn, steps), 4)
    except Exception as e:  # noqa: BLE001 - a host without a working Inductor toolchain still reports eager
        print(f"{id_}: torch.compile failed: {type(e).__name__}: {e}", file=sys.stderr)
        cms = None
    rows.append({"id": id_, "size": size, "ms": round(ms, 4), "compiled_ms": cms, "steps": steps, "optimizer": "torch.optim.AdamW(fused=True)",
                 "compiled": 'torch.compile(mode="reduce-overhead")'})
    print(f"{id_} {size}: {ms:.3f} ms/step eager, {cms} compiled", file=sys.stderr)


def gpt_params(V, L, d, layers):
    block = 4 * d + 4 * d * d + 4 * d + 8 * d * d + 5 * d
    return V * d + L * d + layers * block + 2 * d + d * V + V


def gpt(id_, V, L, d, layers, heads, B, steps):
    if smoke:
        d, L, B = d // 4, 8, 4
    size = f"d{d} x{layers} h{heads} ctx{L} b{B} ({gpt_params(V, L, d, layers) / 1e6:.2f}M params)"
    batches = []
    for _ in range(POOL):
        toks = torch.randint(0, V, (B, L + 1), device=dev)
        batches.append((F.one_hot(toks[:, :L], V).float(), toks[:, 1:].reshape(-1)))
    bench(id_, size, lambda: TinyGPT(V, L, d, layers, heads), batches, lambda logits, y: F.cross_entropy(logits.reshape(-1, V), y), steps)


steps = 6 if smoke else 60 if quick else 200
gpt("train_step_tinygpt_d32", 65, 32, 32, 1, 2, 32, steps)
gpt("train_step_tinygpt_d128x4", 65, 32, 128, 4, 4, 32, steps)
sizes = [64, 32, 32, 32, 10] if smoke else [784, 512, 512, 512, 10]
B = 8 if smoke else 100


def make_mlp():
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i + 2 < len(sizes):
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


mlp_batches = [(torch.randn(B, sizes[0], device=dev), torch.randint(0, sizes[-1], (B,), device=dev)) for _ in range(POOL)]
bench("train_step_mlp_784_512x3", f"{'-'.join(map(str, sizes))} b{B}", make_mlp, mlp_batches, F.cross_entropy, steps)

doc = {"package": "gpu-kernels-train", "impl": f"torch {torch.__version__} eager (compiled_ms: torch.compile reduce-overhead)", "card": torch.cuda.get_device_name(0),
       "date": datetime.datetime.now(datetime.timezone.utc).isoformat(), "results": rows}
print(json.dumps(doc, indent=2))
