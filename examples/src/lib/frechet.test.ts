import { describe, expect, it } from 'vitest';
import { createRng } from '@lemma/gpu-kernels';
import { frechetDistance } from './frechet';

describe('frechetDistance', () => {
  it('is ~0 for the same sample and matches the closed form for shifted / scaled isotropic Gaussians', () => {
    const rng = createRng(3);
    const n = 20000;
    const d = 3;
    const z = rng.normalArray(n * d);
    expect(frechetDistance(z, z, d)).toBeLessThan(1e-9);
    // N(0, I) vs N(μ, s²I): |μ|² + d(1 - s)²; sampling error ~ d·sqrt(2/n) ≈ 0.03.
    const mu = [1, -2, 0.5];
    const s = 2;
    const w = Float64Array.from(rng.normalArray(n * d), (v, i) => mu[i % d]! + s * v);
    const exact = mu.reduce((a, v) => a + v * v, 0) + d * (1 - s) ** 2;
    expect(Math.abs(frechetDistance(z, w, d) - exact)).toBeLessThan(0.15);
  });
});
