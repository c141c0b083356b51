"""Times scipy.optimize.linear_sum_assignment on the matrices bench/assignment.ts wrote (same bytes, same run)."""
import json, sys, time
import numpy as np
import scipy
from scipy.optimize import linear_sum_assignment

out = []
for spec in json.loads(sys.argv[1]):
    n = spec["n"]
    C = np.fromfile(spec["path"], dtype="<f8").reshape(n, n)
    times = []
    cost = None
    for _ in range(spec["reps"]):
        t = time.perf_counter()
        r, c = linear_sum_assignment(C)
        times.append((time.perf_counter() - t) * 1e3)
        cost = float(C[r, c].sum())
    out.append({"name": spec["name"], "n": n, "ms": sorted(times)[len(times) // 2], "cost": cost, "version": scipy.__version__})
print(json.dumps(out))
