"""Independent float64 golden values for src/golden.test.ts (PyTorch formulas, written from the papers' code).
Run: python3 test/golden.py > src/golden.json"""
import json, math
import numpy as np

theta0 = np.array([0.5, -1.25, 2.0, 0.0])
grads = [np.array([0.1, -0.2, 0.3, 0.0]), np.array([-0.4, 0.5, 0.05, 1e-3]), np.array([0.2, 0.2, -0.1, -2.0])]

def adamw(lr=1e-2, b1=0.9, b2=0.999, eps=1e-8, wd=0.1):
    p, m, v = theta0.copy(), np.zeros(4), np.zeros(4)
    for t, g in enumerate(grads, 1):
        p *= 1 - lr * wd
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        bc1, bc2 = 1 - b1 ** t, 1 - b2 ** t
        p = p - (lr / bc1) * m / (np.sqrt(v) / math.sqrt(bc2) + eps)
    return p

def adana(lr=1e-2, delta=8.0, kappa=0.85, eps=1e-8, wd=0.05, wd_ts=10.0, clipsnr=None, sf=1.0):
    p, m, v = theta0.copy(), np.zeros(4), np.zeros(4)
    for step, g in enumerate(grads, 1):
        a = delta / (delta + step)
        m = m + a * (g - m)
        v = v * (1 - a) + a * g * g
        d = np.sqrt(v) + eps
        af = (1.0 + step) ** (1 - kappa) * np.abs(m) / d
        if clipsnr is not None:
            af = np.minimum(af, clipsnr)
        p = p + (-lr) * (np.sign(m) * af + m / d) + (-lr) * g / d
        p = p * (1 - wd / (1 + step / wd_ts) * sf)
    return p

def ademamix(lr=1e-2, b1=0.9, b2=0.999, b3=0.999, alpha=5.0, eps=1e-8, wd=0.1, T=2):
    p, m1, m2, v = theta0.copy(), np.zeros(4), np.zeros(4), np.zeros(4)
    f = lambda beta: math.log(0.5) / math.log(beta) - 1
    finv = lambda h: 0.5 ** (1 / (h + 1))
    for t, g in enumerate(grads, 1):
        a = min(t / T, 1.0)
        al = a * alpha
        be = finv((1 - a) * f(b1) + a * f(b3))
        m1 = b1 * m1 + (1 - b1) * g
        m2 = be * m2 + (1 - be) * g
        v = b2 * v + (1 - b2) * g * g
        bc1, bc2 = 1 - b1 ** t, 1 - b2 ** t
        u = (m1 / bc1 + al * m2) / (np.sqrt(v) / math.sqrt(bc2) + eps)
        p = p - lr * (u + wd * p)
    return p

def sgd(lr=1e-2, momentum=0.9, wd=0.1, nesterov=False):
    # torch.optim.sgd._single_tensor_sgd (dampening 0): weight_decay is coupled (added to the gradient), the buffer
    # starts as a clone of the first d_p.
    p, buf = theta0.copy(), None
    for g in grads:
        d_p = g + wd * p
        buf = d_p.copy() if buf is None else momentum * buf + d_p
        d_p = d_p + momentum * buf if nesterov else buf
        p = p - lr * d_p
    return p

print(json.dumps({
    "theta0": theta0.tolist(), "grads": [g.tolist() for g in grads],
    "adamw": adamw().tolist(),
    "adana": adana().tolist(),
    "danaMK4": adana(clipsnr=0.5).tolist(),
    "ademamix": ademamix().tolist(),
    "sgd": sgd().tolist(),
    "sgdNesterov": sgd(nesterov=True).tolist(),
}, indent=1))
