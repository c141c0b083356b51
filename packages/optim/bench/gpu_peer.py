"""Peer for bench/gpu.ts: torch.optim.AdamW(fused=True) step time on one flat float32 parameter of n elements.
Prints JSON lines {bench, backend, n, ms}. Run on the same card: python3 bench/gpu_peer.py [1e7,1e8]"""
import json
import sys

import torch


def bench(n: int, iters: int = 50) -> float:
    p = torch.nn.Parameter(torch.randn(n, device="cuda"))
    p.grad = torch.randn(n, device="cuda") * 1e-2
    opt = torch.optim.AdamW([p], lr=1e-3, weight_decay=0.01, fused=True)
    for _ in range(5):
        opt.step()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(iters):
        opt.step()
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) / iters


if __name__ == "__main__":
    sizes = [int(float(s)) for s in (sys.argv[1] if len(sys.argv) > 1 else "1e7,1e8").split(",")]
    for n in sizes:
        print(json.dumps({"bench": "torch AdamW fused", "backend": "cuda", "n": n, "ms": bench(n)}))
