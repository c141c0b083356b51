"""PyTorch peer of bench/gpu-kmodels.ts: the same K MLPs trained one after the other in eager mode (same total work).

Rows `train_k{K}_mlp_784_512x3` and `..._eager` (same measurement): ms for one step of each of the K models (K sequential runs of N steps each, timed
with CUDA events between two synchronisations, divided by N). fused Adam (the fastest optimizer a user would pick),
TF32 off (float32 like ours). Same ids and sizes as ours; one JSON document on stdout. Flags: --smoke, --quick.
"""
import datetime
import json
import sys

import torch

smoke = "--smoke" in sys.argv
quick = "--quick" in sys.argv
dev = torch.device("cuda")
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
sizes = [32, 16, 16, 16, 10] if smoke else [784, 512, 512, 512, 10]
B = 8 if smoke else 100
iters = 5 if smoke else 20 if quick else 50
rows = []


def mlp(seed):
    torch.manual_seed(seed)
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers).to(dev)


for K in (16, 1):
    nets = [mlp(k) for k in range(K)]
    opts = [torch.optim.Adam(n.parameters(), lr=1e-3, fused=True) for n in nets]
    g = torch.Generator(device=dev).manual_seed(100)
    xs = [torch.randn(B, sizes[0], device=dev, generator=g) for _ in range(K)]
    ys = [torch.randint(0, sizes[-1], (B,), device=dev, generator=g) for _ in range(K)]

    def step(k):
        opts[k].zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(nets[k](xs[k]), ys[k])
        loss.backward()
        opts[k].step()

    for k in range(K):  # warm-up: 3 steps of every model, as ours
        for _ in range(3):
            step(k)
    torch.cuda.synchronize()
    a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    a.record()
    for k in range(K):  # K sequential runs
        for _ in range(iters):
            step(k)
    b.record()
    torch.cuda.synchronize()
    ms = a.elapsed_time(b) / iters
    size = f"K={K} {'-'.join(map(str, sizes))} batch {B} adam"
    # One measurement, two ids: ours replays a step graph (the id) and runs eager tfjs ops (_eager); both
    # are compared with these K eager PyTorch runs.
    for suffix in ("", "_eager"):
        rows.append({"id": f"train_k{K}_mlp_784_512x3{suffix}", "size": size, "ms": round(ms, 4)})
    print(f"train_k{K}_mlp_784_512x3 {size}: {ms:.3f} ms per step of all {K} models", file=sys.stderr)
    del nets, opts, xs, ys

doc = {"package": "gpu-kernels-kmodels", "impl": f"torch {torch.__version__} eager, K sequential runs",
       "card": torch.cuda.get_device_name(0), "date": datetime.datetime.now(datetime.timezone.utc).isoformat(), "results": rows}
print(json.dumps(doc, indent=2))
