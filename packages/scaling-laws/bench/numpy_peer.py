"""NumPy peer of the eigenbasis SGD Monte Carlo (same model as simulateEigenbasisCPU, float64).

Usage: python3 numpy_peer.py D B SEEDS STEPS  -> prints one JSON line with msPerStep.
All seeds advance together: Z ~ N(0,1)^(S,B,d), F = Z sqrt(lambda), r = F w - noise eps, g = F^T r / B.
"""
import json
import sys
import time

import numpy as np


def main() -> None:
    d, B, S, steps = (int(x) for x in sys.argv[1:5])
    alpha, beta = 1.0, 0.7
    j = np.arange(1, d + 1, dtype=np.float64)
    lam = j ** (-2 * alpha)
    sl = np.sqrt(lam)
    rho0 = j ** (-2 * beta)
    p_inf = 1e-3
    noise = np.sqrt(2 * p_inf)
    lr = 0.375 / lam.sum()
    rng = np.random.default_rng(0)
    w = np.tile(-np.sqrt(rho0), (S, 1))

    def step() -> None:
        nonlocal w
        F = rng.standard_normal((S, B, d)) * sl
        r = np.einsum("sbd,sd->sb", F, w) - noise * rng.standard_normal((S, B))
        g = np.einsum("sbd,sb->sd", F, r) / B
        w -= lr * g

    step()  # warm-up
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    ms = (time.perf_counter() - t0) * 1000 / steps
    risk = 0.5 * float((lam * w * w).sum(axis=1).mean()) + p_inf
    print(json.dumps({"bench": "eigenbasis-sgd", "backend": "numpy", "d": d, "B": B, "seeds": S, "msPerStep": ms, "risk": risk}))


if __name__ == "__main__":
    main()
