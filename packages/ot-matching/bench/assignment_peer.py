"""Times scipy.optimize.linear_sum_assignment on the matrices bench/assignment.ts wrote (same bytes, same run).

Persistent peer: reads one JSON request per stdin line ({"path", "n"}), runs one timed call on that matrix (loaded
once and cached) and answers one JSON line {"ms", "cost", "version"}, so bench/assignment.ts can interleave our
repetitions with scipy's (same warm-up, same repetition count, same machine load)."""
import json, sys, time
import numpy as np
import scipy
from scipy.optimize import linear_sum_assignment

cache = {}
for line in sys.stdin:
    spec = json.loads(line)
    key = spec["path"]
    if key not in cache:
        n = spec["n"]
        cache.clear()
        cache[key] = np.ascontiguousarray(np.fromfile(key, dtype="<f8").reshape(n, n))
    C = cache[key]
    t = time.perf_counter()
    r, c = linear_sum_assignment(C)
    ms = (time.perf_counter() - t) * 1e3
    print(json.dumps({"ms": ms, "cost": float(C[r, c].sum()), "version": scipy.__version__}), flush=True)
