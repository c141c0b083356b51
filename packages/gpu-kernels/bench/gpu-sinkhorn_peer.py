"""PyTorch peer of bench/gpu-sinkhorn.ts (bundle gpu-kernels-sinkhorn): the same Sinkhorn iteration under torch.compile.

One iteration, as ours: f = eps*log a - eps*logsumexp((g[None, :] - C) / eps, 1), then
g = eps*log b - eps*logsumexp((f[:, None] - C) / eps, 0), eps = 0.05, C = squared distances of uniform 2-D points
divided by their mean, uniform marginals. Variants, all timed with CUDA events over K iterations per sample:
  compiled         torch.compile(iteration) (Inductor, default mode), called K times per sample
  max_autotune     torch.compile(iteration, mode="max-autotune-no-cudagraphs")
  cuda_graph       K chained calls of the default-compiled iteration captured in one CUDA graph, replayed
                   (no launch or Python overhead: what reduce-overhead would do, without its output-aliasing rules)
  cuda_graph_max   the same graph of the max-autotune compiled iteration
The row `sinkhorn_iteration_vs_compiled` reports the fastest variant (named in `variant`, all in `variants`);
`sinkhorn_iteration_f16_vs_compiled` is the same with C stored in float16 and upcast inside the compiled iteration.
A variant that fails to compile is recorded as null. Flags: --quick (n = 4096 only), --smoke (tiny sizes; runs on
CPU when there is no GPU, skipping the CUDA graphs). Prints JSON on stdout; run.sh saves it.
"""
import datetime
import json
import math
import os
import sys

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "scripts", "gpu-bench"))  # peer_timing.py: beside this file in the pack's peers/, else in scripts/gpu-bench
import torch
from peer_timing import capture_graph, time_ms

quick = "--quick" in sys.argv
smoke = "--smoke" in sys.argv
cuda = torch.cuda.is_available()
dev = torch.device("cuda" if cuda else "cpu")
if not cuda and not smoke:
    sys.exit("gpu-sinkhorn_peer.py: no CUDA device (use --smoke to check it on CPU)")
torch.backends.cuda.matmul.allow_tf32 = False
EPS = 0.05
K = 4 if smoke else 32  # iterations per sample, as ours
CALLS = 2 if smoke else 8
rows = []


def iteration(f, g, C, loga, logb):
    f = EPS * loga - EPS * torch.logsumexp((g[None, :] - C.to(torch.float32)) / EPS, dim=1)
    g = EPS * logb - EPS * torch.logsumexp((f[:, None] - C.to(torch.float32)) / EPS, dim=0)
    return f, g


def time_variant(fn, C, loga, logb, n, graph):
    """ms per iteration of `fn` chained K times per sample, from zeros, after a warm-up as long as the timed loop."""
    st = {"f": torch.zeros(n, device=dev), "g": torch.zeros(n, device=dev)}
    if graph:
        for _ in range(3):  # compile and warm up outside the capture
            st["f"], st["g"] = fn(st["f"], st["g"], C, loga, logb)
        torch.cuda.synchronize()
        g_in = st["g"].clone()
        f_out, g_out = torch.zeros_like(st["f"]), torch.zeros_like(g_in)

        def body():
            f, g = f_out, g_in
            for _ in range(K):
                f, g = fn(f, g, C, loga, logb)
            f_out.copy_(f)
            g_in.copy_(g)  # the next replay continues from this g, as ours does

        # One iteration on a side stream, then the K chained iterations captured on torch.cuda.graph's own stream.
        run = capture_graph(body, lambda: fn(f_out, g_in, C, loga, logb)).replay
    else:
        def run():
            for _ in range(K):
                st["f"], st["g"] = fn(st["f"], st["g"], C, loga, logb)
    # CALLS warm-up calls, then CALLS timed calls: CUDA events on the GPU, perf_counter in a CPU --smoke run.
    return time_ms(run, CALLS, warmup=CALLS, clock="cuda" if cuda else "cpu") / K


def bench(id_, n, C, nbytes):
    loga = torch.full((n,), -math.log(n), device=dev)
    variants = {}
    compiled = {"compiled": torch.compile(iteration, dynamic=False),
                "max_autotune": torch.compile(iteration, dynamic=False, mode="max-autotune-no-cudagraphs")}
    plan = [("compiled", "compiled", False), ("max_autotune", "max_autotune", False)]
    if cuda:
        plan += [("cuda_graph", "compiled", True), ("cuda_graph_max", "max_autotune", True)]
    # LEMMA_PEER_NO_AUTOTUNE=1: skip max-autotune's minutes of tuning when device time is short (say so in the results).
    if os.environ.get("LEMMA_PEER_NO_AUTOTUNE") == "1":
        plan = [p for p in plan if p[1] != "max_autotune"]
    for name, key, graph in plan:
        try:
            variants[name] = round(time_variant(compiled[key], C, loga, loga, n, graph), 5)
        except Exception as e:  # keep going: record the failure, time the others
            print(f"{id_} n={n} {name}: failed: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}", file=sys.stderr)
            variants[name] = None
        print(f"{id_} n={n} {name}: {variants[name]} ms/iteration", file=sys.stderr)
    ok = {k: v for k, v in variants.items() if v is not None}
    best = min(ok, key=ok.get) if ok else None
    row = {"id": id_, "size": f"n={n}", "ms": ok[best] if best else None, "variant": best, "variants": variants,
           "itersPerCall": K, "bytes": nbytes}
    if best:
        row["tbps"] = round(nbytes / (ok[best] * 1e-3) / 1e12, 3)
    rows.append(row)
    torch._dynamo.reset()


for n in ([256, 384] if smoke else [4096] if quick else [4096, 8192, 16384]):
    x, y = torch.rand(n, 2, device=dev), torch.rand(n, 2, device=dev)
    C = torch.cdist(x, y) ** 2
    C = C / C.mean()
    # bytes: one read of C, the least an iteration must move (as ours).
    bench("sinkhorn_iteration_vs_compiled", n, C, 4 * n * n)
    C16 = C.to(torch.float16)
    del C
    bench("sinkhorn_iteration_f16_vs_compiled", n, C16, 2 * n * n)
    del C16
    if cuda:
        torch.cuda.empty_cache()

doc = {"package": "gpu-kernels-sinkhorn",
       "impl": f"torch {torch.__version__} torch.compile (fastest of default / max-autotune-no-cudagraphs, each also as a CUDA graph)",
       "card": torch.cuda.get_device_name(0) if cuda else "cpu",
       "date": datetime.datetime.now(datetime.timezone.utc).isoformat(), "results": rows}
print(json.dumps(doc, indent=2))
