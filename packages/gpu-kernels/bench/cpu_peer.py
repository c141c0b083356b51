"""numpy/scipy peer of bench/cpu.ts (same ids and sizes). Prints one JSON document on stdout."""
import json, sys, time
import numpy as np
import scipy
from scipy.special import logsumexp
from scipy.spatial.distance import cdist

rows = []
rng = np.random.default_rng(0)


def bench(id_, size, fn, min_time=0.3):
    fn()
    iters, t0 = 0, time.perf_counter()
    while True:
        fn(); iters += 1
        el = time.perf_counter() - t0
        if el > min_time and iters >= 3:
            break
    rows.append({"id": id_, "size": size, "ms": round(el / iters * 1e3, 4)})


n, d = 512, 16
x = rng.standard_normal((n, d), dtype=np.float32); y = rng.standard_normal((n, d), dtype=np.float32)
bench("pairwise_sqdist", f"{n}x{n}x{d}", lambda: cdist(x, y, "sqeuclidean"))
bench("inner_product", f"{n}x{n}x{d}", lambda: x @ y.T)
n = 1024
C = rng.random((n, n), dtype=np.float32)
bench("logsumexp_rows", f"{n}x{n}", lambda: logsumexp(C, axis=1))
bench("logsumexp_cols", f"{n}x{n}", lambda: logsumexp(C, axis=0))
eps = 0.05
loga = np.full(n, -np.log(n), dtype=np.float32)
st = {"f": np.zeros(n, np.float32), "g": np.zeros(n, np.float32)}


def it():
    st["f"] = eps * loga - eps * logsumexp((st["g"][None, :] - C) / eps, axis=1)
    st["g"] = eps * loga - eps * logsumexp((st["f"][:, None] - C) / eps, axis=0)


bench("sinkhorn_iteration", f"n={n}", it)
m = 1_000_000
p = rng.standard_normal(m, dtype=np.float32); g = rng.standard_normal(m, dtype=np.float32)
mm = np.zeros(m, np.float32); vv = np.zeros(m, np.float32)


def adamw(lr=1e-3, b1=0.9, b2=0.999, e=1e-8, wd=0.01, step=1):
    p.__imul__(1 - lr * wd)
    mm.__imul__(b1); mm.__iadd__((1 - b1) * g)
    vv.__imul__(b2); vv.__iadd__((1 - b2) * g * g)
    p.__isub__((lr / (1 - b1**step)) * mm / (np.sqrt(vv / (1 - b2**step)) + e))


bench("adamw_fused", "1M params", adamw)
bench("randomNormal", "1M f32", lambda: rng.standard_normal(m, dtype=np.float32))
G, K = 1000, 100
S = rng.standard_normal((G, K), dtype=np.float32)
bench("gumbelMaxSelect", f"{G}x{K}", lambda: np.argmax(S + rng.gumbel(size=(G, K)).astype(np.float32), axis=1))
print(json.dumps({"impl": f"numpy {np.__version__} / scipy {scipy.__version__}", "results": rows}))
