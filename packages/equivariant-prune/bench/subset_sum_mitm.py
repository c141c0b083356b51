"""NumPy meet-in-the-middle subset sum: the peer for bench/subset-sum.bench.ts.

Reads instances from a .npz (samples [count, n], targets [count]), solves each exactly
(half sums via a 0/1 matrix product, sort, searchsorted), prints JSON with the time and errors.
"""
import json
import sys
import time

import numpy as np


def half_sums(x):
    k = x.shape[0]
    masks = ((np.arange(1 << k)[:, None] >> np.arange(k)[None, :]) & 1).astype(np.float64)
    return masks @ x


def solve(samples, target):
    n = samples.shape[0]
    a = half_sums(samples[: n // 2])
    b = np.sort(half_sums(samples[n // 2 :]))
    need = target - a
    idx = np.searchsorted(b, need)
    lo = np.clip(idx - 1, 0, b.size - 1)
    hi = np.clip(idx, 0, b.size - 1)
    err = np.minimum(np.abs(a + b[lo] - target), np.abs(a + b[hi] - target))
    return err.min()


def main():
    data = np.load(sys.argv[1])
    samples, targets = data["samples"], data["targets"]
    solve(samples[0], targets[0])  # warm-up
    t0 = time.perf_counter()
    errs = [solve(samples[i], targets[i]) for i in range(targets.size)]
    dt = time.perf_counter() - t0
    print(json.dumps({"seconds": dt, "errors": [float(e) for e in errs]}))


if __name__ == "__main__":
    main()
