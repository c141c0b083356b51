"""PyTorch peer of the eigenbasis SGD Monte Carlo on the GPU (same model as simulateEigenbasisGPU, float32).

One optimizer step = draw F = Z sqrt(lambda) (S x B x d), r = F w - noise eps, g = F^T r / B, w -= lr g,
for S = 64 seeds at once (eager PyTorch, plus a CUDA-graph variant that replays many steps per launch).
Prints one JSON document (rows with bench/gpu.ts's ids and sizes). Run: python3 bench/gpu_peer.py
"""
import json
import os
import sys

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "scripts", "gpu-bench"))  # peer_timing.py: beside this file in the pack's peers/, else in scripts/gpu-bench
import torch
from peer_timing import capture_graph, elapsed_ms


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

        def body() -> None:
            for _ in range(per):
                step()

        # 3 steps on a side stream, then `per` steps captured on that stream; wall clock over the replays.
        g = capture_graph(body, step, warmup_calls=3, on_warmup_stream=True)
        return elapsed_ms(g.replay, steps // per, clock="wall") / (per * (steps // per))
    return elapsed_ms(step, steps, clock="wall") / steps


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
