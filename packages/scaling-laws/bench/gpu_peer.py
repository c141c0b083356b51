"""PyTorch peer of the eigenbasis SGD Monte Carlo on the GPU (same model as simulateEigenbasisGPU, float32).

One optimizer step = draw F = Z sqrt(lambda) (S x B x d), r = F w - noise eps, g = F^T r / B, w -= lr g,
for S = 64 seeds at once (eager PyTorch, plus a CUDA-graph variant that replays many steps per launch).
Prints one JSON document (rows with bench/gpu.ts's ids and sizes). Run: python3 bench/gpu_peer.py
"""
import json
import sys
import time

import torch


def run(d: int, B: int, S: int, steps: int, graph: bool) -> float:
    dev = torch.device("cuda")
    j = torch.arange(1, d + 1, device=dev, dtype=torch.float32)
    lam = j ** -2.0
    sl = lam.sqrt()
    w = (-(j ** -1.4).sqrt()).repeat(S, 1).contiguous()
    noise = (2 * 1e-3) ** 0.5
    lr = 0.375 / float(lam.sum())
    # The default CUDA generator supports graph capture (a user Generator must be registered with the graph).
    torch.manual_seed(0)

    def step() -> None:
        F = torch.randn(S, B, d, device=dev) * sl
        r = torch.einsum("sbd,sd->sb", F, w) - noise * torch.randn(S, B, device=dev)
        g = torch.einsum("sbd,sb->sd", F, r) / B
        w.sub_(lr * g)

    for _ in range(3):
        step()
    torch.cuda.synchronize()
    if graph:
        per = 100
        s = torch.cuda.Stream()
        s.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(s):
            for _ in range(3):
                step()
        torch.cuda.current_stream().wait_stream(s)
        g = torch.cuda.CUDAGraph()
        with torch.cuda.graph(g, stream=s):
            for _ in range(per):
                step()
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        for _ in range(steps // per):
            g.replay()
        torch.cuda.synchronize()
        return (time.perf_counter() - t0) * 1000 / (per * (steps // per))
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    torch.cuda.synchronize()
    return (time.perf_counter() - t0) * 1000 / steps


def main() -> None:
    """One row per (d, B) and ours' stepsPerDispatch ids: ms = eager, compiled_ms = the CUDA-graph replay."""
    rows = []
    for d in (1024, 4096):
        for B in (1, 32):
            ms = {}
            for graph in (False, True):
                try:
                    ms[graph] = run(d, B, 64, 2000 if B == 1 else 400, graph)
                except RuntimeError as e:  # CUDA graphs with a custom generator can fail on old versions
                    print(f"d={d} B={B} graph={graph}: {str(e)[:200]}", file=sys.stderr)
            for per in (1, 100, 1000):
                row = {"id": f"eigenbasis_sgd_step_per{per}", "size": f"d={d} B={B} seeds=64", "ms": ms.get(False)}
                if True in ms:
                    row["compiled_ms"] = ms[True]
                rows.append(row)
    doc = {"package": "@lemma/scaling-laws", "impl": f"torch {torch.__version__} (compiled_ms: CUDA graph)",
           "card": torch.cuda.get_device_name(0), "results": rows}
    print(json.dumps(doc, indent=2))


if __name__ == "__main__":
    main()
