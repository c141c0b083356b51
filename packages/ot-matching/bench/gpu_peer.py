"""PyTorch peer of bench/gpu.ts: log-domain Sinkhorn with two logsumexp passes over a materialised C per iteration,
same ids and sizes, marginal error read back every 10 iterations like ours. Prints JSON on stdout (run.sh saves it)."""
import datetime, json, math, sys, time
import torch

quick = "--quick" in sys.argv
smoke = "--smoke" in sys.argv
dev = torch.device("cuda")
rows = []


def solve(C, loga, logb, b, eps, iters, threshold):
    f = torch.zeros_like(loga)
    g = torch.zeros_like(logb)
    done = 0
    for it in range(iters):
        f = -eps * torch.logsumexp(logb[None, :] + (g[None, :] - C) / eps, dim=1)
        g_new = -eps * torch.logsumexp(loga[:, None] + (f[:, None] - C) / eps, dim=0)
        check = (it + 1) % 10 == 0 or it == iters - 1
        err = (b * torch.expm1((g - g_new) / eps)).abs().sum() if check else None
        g = g_new
        done += 1
        if err is not None and err.item() < threshold:
            break
    torch.cuda.synchronize()
    return done


for n in ([128] if smoke else [1024] if quick else [4096, 8192]):
    gen = torch.Generator(device=dev).manual_seed(0)
    x = torch.randn(n, 64, device=dev, generator=gen)
    y = torch.randn(n, 64, device=dev, generator=gen)
    C = torch.cdist(x, y) ** 2
    eps = 0.05 * C.mean().item()
    loga = torch.full((n,), -math.log(n), device=dev)
    logb = loga.clone()
    b = torch.full((n,), 1.0 / n, device=dev)
    solve(C, loga, logb, b, eps, 20, 0.0)
    N = 20 if smoke else 500

    def wall(iters, thr):
        t = time.perf_counter()
        k = solve(C, loga, logb, b, eps, iters, thr)
        return (time.perf_counter() - t) * 1e3, k

    # One long run per sample, as ours (the difference of two runs can go negative).
    long, _ = wall(N, -1.0)
    per = long / N
    rows.append({"id": "sinkhorn_iteration", "size": f"n={n}", "ms": round(per, 4)})
    print(f"sinkhorn_iteration n={n}: {per:.3f} ms", file=sys.stderr)
    eps = 0.005 * C.mean().item()
    wall(200, 1e-3)
    ms, k = wall(5000, 1e-3)
    rows.append({"id": "sinkhorn_solve", "size": f"n={n}", "ms": round(ms, 2), "iterations": k})
    print(f"sinkhorn_solve n={n}: {ms:.1f} ms, {k} iterations", file=sys.stderr)
    del C

doc = {"package": "@lemma/ot-matching", "impl": f"torch {torch.__version__}", "card": torch.cuda.get_device_name(0),
       "date": datetime.datetime.now(datetime.timezone.utc).isoformat(), "results": rows}
print(json.dumps(doc, indent=2))
