"""NumPy peer of bench/curation.ts: same sizes; prints {"select_<G>": ms, "h_<n>": ms, "numpy_version": ...} as JSON."""
import json, sys, time
import numpy as np

cfg = json.loads(sys.argv[1])
K = cfg["K"]
out = {"numpy_version": np.__version__}


def timeit(fn, reps):
    fn()
    t0 = time.perf_counter()
    for _ in range(reps):
        fn()
    return (time.perf_counter() - t0) / reps * 1e3


rng = np.random.default_rng(0)
for G in cfg["groupSizes"]:
    G = int(G)
    scores = rng.standard_normal((G, K))
    # Per-group Gumbel-max: argmax_k (beta r + G_k), beta = 1.
    out[f"select_{G}"] = timeit(lambda: np.argmax(scores + rng.gumbel(size=(G, K)), axis=1), 3 if G >= 1e6 else 10)


def h_quadrature(p, r, K, h=0.1):
    # Same algorithm as luce.ts: trapezoid in u = log s, (K-1)-th power by log-sum-exp over atoms.
    lw = r - r.max()
    u = np.arange(np.log(1e-18 / K), np.log(np.log(K) - lw.min() + 37) - lw.min() + h, h)
    a = np.log(p)[None, :] - np.exp(lw[None, :] + u[:, None])
    m = a.max(axis=1)
    L = (K - 1) * (m + np.log(np.exp(a - m[:, None]).sum(axis=1)))
    integrand = np.exp(lw[None, :] + u[:, None] - np.exp(lw[None, :] + u[:, None]) + L[:, None])
    return K * integrand.sum(axis=0) * h


for n in cfg["atomSizes"]:
    n = int(n)
    p = np.full(n, 1.0 / n)
    r = 3 * rng.standard_normal(n)
    out[f"h_{n}"] = timeit(lambda: h_quadrature(p, r, K), 3)

print(json.dumps(out))
