"""Empirical PLRF spectra at sizes the CPU eigensolver cannot reach (d up to 12800+), for the isoFLOP checks of
the phases below the high-dimensional line (2 alpha < 1). Runs on a bare GPU host with PyTorch (float64).

For each alpha and d: W (v x d, v = 4d, entries N(0, 1/d)), D = diag(j^-2alpha), K = W^T D W, eigh(K).
For each beta: c = W^T D b (b_j = j^-beta), rho0_k = (u_k^T K^-1 c)^2, P_inf = 1/2 (b^T D b - c^T K^-1 c)
(the same conventions as `plrfInstance`). Writes one little-endian blob (float64, or float32 with --dtype float32) and a JSON index:
  spectra.json: {seed, ratio, dtype, entries: [{alpha, d, lambda: offset, rho: {beta: offset}, pInf: {beta: value}}]}
Offsets count values; every array has length d; lambda is descending; pInf stays float64 in the JSON.
W of the i-th size is drawn from torch.Generator(seed + 1000 i) on the GPU.

usage: python3 plrf_spectra_gpu.py OUT_DIR --alphas 0.2,0.3 --betas 0.35,0.7 --sizes 100,200,... [--seed 7] [--dtype float32]
The test fixture packages/scaling-laws/fixtures/plrf-spectra-a0.4 is
  --alphas 0.4 --betas 0.35,0.7 --sizes 100,200,400,800,1600,3200,6400,12800 --seed 7 --dtype float32
"""
import argparse
import json
import os
import time

import numpy as np
import torch


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument('out')
    p.add_argument('--alphas', required=True)
    p.add_argument('--betas', required=True)
    p.add_argument('--sizes', required=True)
    p.add_argument('--seed', type=int, default=7)
    p.add_argument('--ratio', type=int, default=4)
    p.add_argument('--dtype', choices=['float64', 'float32'], default='float64')
    a = p.parse_args()
    alphas = [float(x) for x in a.alphas.split(',')]
    betas = [float(x) for x in a.betas.split(',')]
    sizes = [int(x) for x in a.sizes.split(',')]
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    os.makedirs(a.out, exist_ok=True)
    blob, entries, offset = [], [], 0

    def push(arr: np.ndarray) -> int:
        nonlocal offset
        blob.append(arr.astype('<f8' if a.dtype == 'float64' else '<f4'))
        at = offset
        offset += arr.size
        return at

    for alpha in alphas:
        for i, d in enumerate(sizes):
            t0 = time.time()
            v = a.ratio * d
            g = torch.Generator(device=dev).manual_seed(a.seed + 1000 * i)
            # Stream W in row blocks (never the whole v x d matrix): K = sum W_b^T D_b W_b, c = sum W_b^T D_b b_b.
            K = torch.zeros(d, d, device=dev, dtype=torch.float64)
            C = torch.zeros(d, len(betas), device=dev, dtype=torch.float64)
            bDb = torch.zeros(len(betas), device=dev, dtype=torch.float64)
            block = max(1, min(v, (1 << 28) // d))
            for r0 in range(0, v, block):
                r1 = min(v, r0 + block)
                W = torch.randn(r1 - r0, d, generator=g, device=dev, dtype=torch.float64) / d**0.5
                j = torch.arange(r0 + 1, r1 + 1, device=dev, dtype=torch.float64)
                Dg = j ** (-2 * alpha)
                K += W.T @ (Dg[:, None] * W)
                B = torch.stack([j ** (-beta) for beta in betas], 1)
                C += W.T @ (Dg[:, None] * B)
                bDb += (Dg[:, None] * B * B).sum(0)
                del W
            lam, U = torch.linalg.eigh(K)
            del K
            lam, U = lam.flip(0), U.flip(1)
            e = {'alpha': alpha, 'd': d, 'lambda': push(lam.cpu().numpy()), 'rho': {}, 'pInf': {}}
            proj = U.T @ C  # column q: u_k^T c for betas[q]; u_k^T theta* = proj_k / lambda_k
            for q, beta in enumerate(betas):
                e['rho'][str(beta)] = push(((proj[:, q] / lam) ** 2).cpu().numpy())
                e['pInf'][str(beta)] = float(0.5 * (bDb[q] - torch.sum(proj[:, q] ** 2 / lam)))
            entries.append(e)
            del U
            if dev.type == 'cuda':
                torch.cuda.empty_cache()
            print(f'alpha={alpha} d={d} {time.time() - t0:.1f}s lam[0]={float(lam[0]):.4g} lam[-1]={float(lam[-1]):.3g}', flush=True)
    np.concatenate(blob).tofile(os.path.join(a.out, 'spectra.bin'))
    with open(os.path.join(a.out, 'spectra.json'), 'w') as f:
        json.dump({'seed': a.seed, 'ratio': a.ratio, 'dtype': a.dtype, 'device': str(torch.cuda.get_device_name(0)) if dev.type == 'cuda' else 'cpu', 'torch': torch.__version__, 'entries': entries}, f)


if __name__ == '__main__':
    main()
