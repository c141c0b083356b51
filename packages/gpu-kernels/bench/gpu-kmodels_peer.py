"""PyTorch peer of bench/gpu-kmodels.ts: the same K MLPs trained one after the other in eager mode (same total work).

Rows `train_k{K}_mlp_784_512x3` and `..._eager` (same measurement): ms for one step of each of the K models (K sequential runs of N steps each, timed
with CUDA events between two synchronisations, divided by N). fused Adam (the fastest optimizer a user would pick),
TF32 off (float32 like ours). `compiled_ms`: the strongest K-at-once PyTorch a user would write: the K MLPs stacked
([K, in, out] weights, torch.bmm), the summed loss (each model's gradient is its own), one fused Adam over the stacked
parameters, the model under torch.compile(mode="reduce-overhead") (Inductor + CUDA graphs); null if compilation fails.
Same ids and sizes as ours; one JSON document on stdout. Flags: --smoke, --quick.
"""
import datetime
import json
import os
import sys

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "scripts", "gpu-bench"))  # peer_timing.py: beside this file in the pack's peers/, else in scripts/gpu-bench
import torch
from peer_timing import elapsed_ms, time_ms

smoke = "--smoke" in sys.argv
quick = "--quick" in sys.argv
dev = torch.device("cuda")
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
sizes = [32, 16, 16, 16, 10] if smoke else [784, 512, 512, 512, 10]
B = 8 if smoke else 100
iters = 5 if smoke else 20 if quick else 50
rows = []


class StackedMlp(torch.nn.Module):
    """K independent MLPs as one module: layer l holds [K, in, out] weights and [K, 1, out] biases."""

    def __init__(self, K):
        super().__init__()
        self.ws = torch.nn.ParameterList()
        self.bs = torch.nn.ParameterList()
        for i in range(len(sizes) - 1):
            bound = 1 / sizes[i] ** 0.5
            self.ws.append(torch.nn.Parameter(torch.empty(K, sizes[i], sizes[i + 1]).uniform_(-bound, bound)))
            self.bs.append(torch.nn.Parameter(torch.empty(K, 1, sizes[i + 1]).uniform_(-bound, bound)))

    def forward(self, x):
        for i, (w, b) in enumerate(zip(self.ws, self.bs)):
            x = torch.baddbmm(b, x, w)
            if i < len(self.ws) - 1:
                x = torch.relu(x)
        return x


def stacked_ms(K, x, y):
    """ms per step of all K models trained at once (stacked, compiled); None if torch.compile fails here."""
    try:
        torch.manual_seed(0)
        net = StackedMlp(K).to(dev)
        opt = torch.optim.Adam(net.parameters(), lr=1e-3, fused=True)
        fwd = torch.compile(net, mode="reduce-overhead")

        def step():
            opt.zero_grad(set_to_none=True)
            # Sum over models of each model's mean loss: model k's gradient is its own loss's.
            loss = torch.nn.functional.cross_entropy(fwd(x).reshape(-1, sizes[-1]), y.reshape(-1), reduction="sum") / B
            loss.backward()
            opt.step()

        return round(time_ms(step, iters, warmup=5), 4)
    except Exception as e:  # noqa: BLE001 - report and keep the eager rows
        print(f"stacked compiled K={K}: {type(e).__name__}: {str(e)[:200]}", file=sys.stderr)
        return None


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

    def runs(n):  # K sequential runs of n steps each
        for k in range(K):
            for _ in range(n):
                step(k)

    runs(3)  # warm-up: 3 steps of every model, as ours
    ms = elapsed_ms(lambda: runs(iters)) / iters
    cms = stacked_ms(K, torch.stack(xs), torch.stack(ys))
    size = f"K={K} {'-'.join(map(str, sizes))} batch {B} adam"
    # One measurement, two ids: ours replays a step graph (the id) and runs eager tfjs ops (_eager); both
    # are compared with these K eager PyTorch runs.
    for suffix in ("", "_eager"):
        rows.append({"id": f"train_k{K}_mlp_784_512x3{suffix}", "size": size, "ms": round(ms, 4), "compiled_ms": cms})
    print(f"train_k{K}_mlp_784_512x3 {size}: {ms:.3f} ms per step of all {K} models ({cms} stacked + compiled)", file=sys.stderr)
    del nets, opts, xs, ys

doc = {"package": "gpu-kernels-kmodels", "impl": f"torch {torch.__version__} eager, K sequential runs (compiled_ms: K stacked, torch.compile reduce-overhead)",
       "card": torch.cuda.get_device_name(0), "date": datetime.datetime.now(datetime.timezone.utc).isoformat(), "results": rows}
print(json.dumps(doc, indent=2))
