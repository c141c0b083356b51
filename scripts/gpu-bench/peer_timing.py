"""Timing helpers shared by the PyTorch benchmark peers (packages/*/bench/gpu*_peer.py).

scripts/gpu-bench/pack.mjs copies this file into the pack's peers/ beside the peers, and run.sh runs each peer as
`python3 peers/<name>.py` (so peers/ is sys.path[0]); a peer run from its package (python3 bench/gpu_peer.py) finds it
here, in scripts/gpu-bench, through the one sys.path line at its top.

  elapsed_ms(run, calls=1, clock="cuda")   total ms of `calls` calls of run() (no warm-up)
  time_ms(fn, iters, warmup=2, rounds=1)   ms per call: warm-up calls, then elapsed_ms / iters; median over rounds
  capture_graph(body, warmup, ...)         a CUDA graph of body(), after warm-up calls on a side stream
"""
import time

import torch

CLOCKS = ("cuda", "wall", "cpu")


def elapsed_ms(run, calls=1, clock="cuda"):
    """Total ms of `calls` calls of run(), started after a torch.cuda.synchronize() (clock "cpu": none).

    clock="cuda": between two CUDA events recorded on the current stream, read after a closing synchronize;
    clock="wall": time.perf_counter from before the first call to after the closing synchronize;
    clock="cpu":  time.perf_counter around the calls, no CUDA call at all (a peer's CPU smoke run).
    """
    if clock not in CLOCKS:
        raise ValueError(f"clock must be one of {CLOCKS}, got {clock!r}")
    if clock != "cpu":
        torch.cuda.synchronize()
    if clock == "cuda":
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record()
        for _ in range(calls):
            run()
        b.record()
        torch.cuda.synchronize()
        return a.elapsed_time(b)
    t0 = time.perf_counter()
    for _ in range(calls):
        run()
    if clock == "wall":
        torch.cuda.synchronize()
    return (time.perf_counter() - t0) * 1e3


def time_ms(fn, iters, warmup=2, rounds=1, clock="cuda"):
    """ms per call of fn(): `warmup` untimed calls, then elapsed_ms(fn, iters, clock) / iters.

    With rounds > 1, that many rounds of (warm-up, timed calls) and their median (the middle of the sorted list).
    """
    per = []
    for _ in range(rounds):
        for _ in range(warmup):
            fn()
        per.append(elapsed_ms(fn, iters, clock) / iters)
    return sorted(per)[len(per) // 2]


def capture_graph(body, warmup, warmup_calls=1, on_warmup_stream=False):
    """A torch.cuda.CUDAGraph of body() (time its .replay, e.g. with elapsed_ms).

    First warmup() runs `warmup_calls` times on a fresh side stream (as torch.cuda.graph wants of code about to be
    captured), which the current stream then waits for; body() is then captured on torch.cuda.graph's own capture
    stream, or with on_warmup_stream=True on that side stream. Nothing is synchronised after the capture.
    """
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for _ in range(warmup_calls):
            warmup()
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph, stream=side if on_warmup_stream else None):
        body()
    return graph
