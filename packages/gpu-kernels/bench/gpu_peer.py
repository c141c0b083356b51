"""PyTorch peer of bench/gpu.ts: same ids and sizes, CUDA-event timing. Prints JSON on stdout (run.sh saves it)."""
import json, math, os, sys, datetime
sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "scripts", "gpu-bench"))  # peer_timing.py: beside this file in the pack's peers/, else in scripts/gpu-bench
import torch
from peer_timing import time_ms

quick = "--quick" in sys.argv
focus = "--focus" in sys.argv  # same subset as bench/gpu.ts --focus
dev = torch.device("cuda")
torch.backends.cuda.matmul.allow_tf32 = False
rows = []


def bench(id_, size, iters, fn, nbytes=None):
    ms = time_ms(fn, iters, warmup=2)
    row = {"id": id_, "size": size, "ms": round(ms, 4)}
    if nbytes:
        row["bytes"] = nbytes
        row["tbps"] = round(nbytes / (ms * 1e-3) / 1e12, 3)
    rows.append(row)
    print(f"{id_} {size}: {ms:.3f} ms", file=sys.stderr)


scale = 8 if quick else 1
n = 64 * 2**20 // scale
src = torch.rand(n, device=dev); dst = torch.empty_like(src)
bench("copy_vec4", f"{n // 2**20}M f32", 50, lambda: dst.copy_(src), 8 * n)
if not focus:
    bench("randomNormal", f"{n // 2**20}M f32", 20, lambda: torch.randn(n, device=dev), 4 * n)
del src, dst

for count, each in [(1, 100_000_000 // scale), (100, 1_000_000 // scale)]:
    ps = [torch.randn(each, device=dev, requires_grad=True) for _ in range(count)]
    for p in ps:
        p.grad = torch.randn_like(p)
    opt = torch.optim.AdamW(ps, lr=1e-3, weight_decay=0.01, fused=True)
    bench("adamw_fused", f"{count}x{each / 1e6:g}M params", 20, opt.step, 7 * 4 * count * each)
    del ps, opt

for n in ([1024] if quick else [4096, 8192]):
    x, y = torch.rand(n, 2, device=dev), torch.rand(n, 2, device=dev)
    C = torch.cdist(x, y) ** 2
    C = C / C.mean()
    eps = 0.05
    loga = torch.full((n,), -math.log(n), device=dev)
    st = {"f": torch.zeros(n, device=dev), "g": torch.zeros(n, device=dev)}

    def it():
        st["f"] = eps * loga - eps * torch.logsumexp((st["g"][None, :] - C) / eps, dim=1)
        st["g"] = eps * loga - eps * torch.logsumexp((st["f"][:, None] - C) / eps, dim=0)

    bench("sinkhorn_iteration", f"n={n}", 50, it, 2 * 4 * n * n)
    bench("sinkhorn_half_rows", f"n={n}", 50, lambda: eps * loga - eps * torch.logsumexp((st["g"][None, :] - C) / eps, dim=1), 4 * n * n)
    bench("sinkhorn_half_cols", f"n={n}", 50, lambda: eps * loga - eps * torch.logsumexp((st["f"][:, None] - C) / eps, dim=0), 4 * n * n)
    bench("logsumexp_rows", f"{n}x{n}", 50, lambda: torch.logsumexp(C, dim=1), 4 * n * n)
    bench("logsumexp_cols", f"{n}x{n}", 50, lambda: torch.logsumexp(C, dim=0), 4 * n * n)
    del C

for n, d in ([] if focus else [(1024, 64)] if quick else [(4096, 64), (8192, 2)]):
    x, y = torch.randn(n, d, device=dev), torch.randn(n, d, device=dev)
    bench("pairwise_sqdist", f"{n}x{n}x{d}", 20, lambda: torch.cdist(x, y) ** 2, 4 * n * n + 8 * n * d)

doc = {"package": "@lemma/gpu-kernels", "impl": f"torch {torch.__version__}", "card": torch.cuda.get_device_name(0),
       "date": datetime.datetime.now(datetime.timezone.utc).isoformat(), "results": rows}
print(json.dumps(doc, indent=2))
