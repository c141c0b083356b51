"""PyTorch peer of bench/gpu-sinkhorn-online.ts: torch.compile of the online Sinkhorn iteration, the cost
||x_i - y_j||^2 computed inside the log-sum-exp (Inductor fuses the cost into the reduction without materialising
the n x m matrix). Same ids, sizes, data distribution (uniform in [0, 1]^d / sqrt(d)), eps = 0.05 and uniform
weights. n = 1048576 runs row-chunked (chunks of 4096 x points against all y points, each chunk compiled once).
CUDA-event timing over enough iterations. Prints one JSON document on stdout (run.sh saves it); progress on stderr."""
import datetime, json, math, os, sys
sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "scripts", "gpu-bench"))  # peer_timing.py: beside this file in the pack's peers/, else in scripts/gpu-bench
import torch
from peer_timing import time_ms

quick = "--quick" in sys.argv
smoke = "--smoke" in sys.argv
dev = torch.device("cuda")
torch.backends.cuda.matmul.allow_tf32 = False
torch._dynamo.config.cache_size_limit = 64
EPS = 0.05
CHUNK = 4096
rows = []


def half(xo, yi, pot, logm, eps: float):
    # out_i = eps log a_i - eps LSE_j((g_j - ||x_i - y_j||^2) / eps): the materialised peer's convention.
    c = ((xo[:, None, :] - yi[None, :, :]) ** 2).sum(-1)
    return eps * logm - eps * torch.logsumexp((pot[None, :] - c) / eps, dim=1)


half_c = torch.compile(half, dynamic=False)


def half_chunked(xo, yi, pot, logm, eps):
    return torch.cat([half_c(xo[s:s + CHUNK], yi, pot, logm[s:s + CHUNK], eps) for s in range(0, xo.shape[0], CHUNK)])


def bench(id_, size, iters, fn, pairs, note=None):
    try:
        ms = time_ms(fn, iters, warmup=2)
        row = {"id": id_, "size": size, "ms": round(ms, 4), "pairsPerSec": float(f"{pairs / (ms * 1e-3):.4g}")}
        if note:
            row["note"] = note
        rows.append(row)
        print(f"{id_} {size}: {ms:.4f} ms/iteration ({pairs / (ms * 1e-3) / 1e9:.2f} G pairs/s)", file=sys.stderr)
    except Exception as e:  # noqa: BLE001 - keep going: one size failing (e.g. out of memory) must not hide the others
        print(f"{id_} {size}: SKIPPED ({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''})", file=sys.stderr)
        torch.cuda.empty_cache()


def cloud(n, d, seed):
    g = torch.Generator(device=dev).manual_seed(seed)
    return torch.rand(n, d, device=dev, generator=g) / math.sqrt(d)


base = 256 if smoke else 4096 if quick else 8192
sizes = [(base, 2, 100), (base, 16, 50), (base, 64, 20), (65536, 2, 10)] + ([] if quick or smoke else [(1048576, 2, 2)])
for n, d, iters in sizes:
    x, y = cloud(n, d, 11 + d), cloud(n, d, 23 + d)
    logw = torch.full((n,), -math.log(n), device=dev)
    st = {"f": torch.zeros(n, device=dev), "g": torch.zeros(n, device=dev)}
    step = half_chunked if n > 65536 else half_c

    def it():
        st["f"] = step(x, y, st["g"], logw, EPS)
        st["g"] = step(y, x, st["f"], logw, EPS)

    bench("sinkhorn_online_iteration_vs_compiled", f"n={n} d={d}", iters, it, 2 * n * n,
          f"torch.compile, row chunks of {CHUNK}" if n > 65536 else "torch.compile")
    del x, y, logw, st
    torch.cuda.empty_cache()

doc = {"package": "gpu-kernels-sinkhorn-online", "impl": f"torch {torch.__version__} compile (inductor)",
       "card": torch.cuda.get_device_name(0), "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
       "results": rows}
print(json.dumps(doc, indent=2))
