import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@lemma/gpu-kernels';
import { assertAllClose, describeEachBackend } from '@lemma/gpu-kernels/testing';
import { expect, it } from 'vitest';
import { sinkhorn, sinkhornDivergence } from './sinkhorn';
import type { SinkhornCheck } from './sinkhorn-schedule';
import { sinkhornF64 } from './sinkhorn-f64';

/** ‖x_i − y_j‖² in float64 for row-major clouds of dimension d. */
function sqDist64(x: ArrayLike<number>, y: ArrayLike<number>, d: number): Float64Array {
  const n = x.length / d;
  const m = y.length / d;
  const C = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += (x[i * d + t]! - y[j * d + t]!) ** 2;
      C[i * m + j] = s;
    }
  }
  return C;
}

describeEachBackend('sinkhorn (tensors)', () => {
  it('matches the float64 reference', async () => {
    const n = 7;
    const m = 5;
    let s = 11;
    const rnd = (): number => ((s = (s * 16807) % 2147483647) / 2147483647);
    const C = Array.from({ length: n }, () => Array.from({ length: m }, rnd));
    const a = new Array<number>(n).fill(1 / n);
    const b = new Array<number>(m).fill(1 / m);
    const ref = sinkhornF64(a, b, Float64Array.from(C.flat()), 0.05, { threshold: 1e-9 });
    const r = await sinkhorn(a, b, C, 0.05, { threshold: 1e-5 });
    expect(r.converged).toBe(true);
    const u = await sinkhorn(a, b, C, 0.05, { threshold: 1e-5, kernel: 'tfjs' });
    assertAllClose(await u.f.data(), await r.f.data(), { atol: 1e-4, rtol: 1e-4, label: 'fused vs tfjs f' });
    for (const t of [u.f, u.g, u.plan!]) t.dispose();
    // float32 potentials: |f| <= max C = 1 so absolute error ~1e-6 per LSE; the plan entries are <= 1/n.
    assertAllClose(await r.plan!.data(), ref.plan!, { atol: 2e-5, rtol: 1e-3, label: 'plan' });
    expect(Math.abs(r.regularizedCost - ref.regularizedCost)).toBeLessThan(1e-4);
    const tensorsBefore = tf.memory().numTensors;
    r.plan!.dispose();
    r.f.dispose();
    r.g.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore - 3);
  });

  it('warm start from converged potentials stops at the first check', async () => {
    const C = [[0, 1, 2], [1, 0, 1], [2, 1, 0]];
    const w = [0.2, 0.5, 0.3];
    // 1e-4: float32 potentials stall near 6e-5 here, so a 1e-5 threshold would not converge.
    const r = await sinkhorn(w, w, C, 0.1, { threshold: 1e-4 });
    expect(r.converged).toBe(true);
    const again = await sinkhorn(w, w, C, 0.1, { threshold: 1e-4, checkEvery: 1, init: { f: r.f, g: r.g }, returnPlan: false });
    expect(again.iterations).toBe(1);
    // Same fixed point: float32 potentials of size ~1 agree to ~1e-6.
    expect(Math.abs(again.regularizedCost - r.regularizedCost)).toBeLessThan(1e-4);
    for (const t of [r.f, r.g, r.plan!, again.f, again.g]) t.dispose();
  });

  it('rejects a non-finite cost matrix', async () => {
    await expect(sinkhorn([0.5, 0.5], [0.5, 0.5], [[0, NaN], [1, 0]], 0.1)).rejects.toThrow(/M must be finite/);
    await expect(sinkhorn([0.5, 0.5], [0.5, 0.5], [[0, Infinity], [1, 0]], 0.1)).rejects.toThrow(/M must be finite/);
  });

  it('rejects a weight vector of the wrong length', async () => {
    await expect(sinkhorn([1], [0.5, 0.5], [[0, 1], [1, 0]], 0.1)).rejects.toThrow(/a must be a 1-D tensor of length 2 \(rows of M\), got shape \[1\]/);
  });

  it('Sinkhorn divergence is ~0 for identical clouds and positive for shifted ones', async () => {
    const x = tf.tensor2d([[0, 0], [1, 0], [0, 1], [1, 1]]);
    const y = tf.add(x, 0.5) as tf.Tensor2D;
    const same = (await sinkhornDivergence(x, x, 0.05)).value;
    const diff = (await sinkhornDivergence(x, y, 0.05)).value;
    // Symmetric terms cancel exactly up to float32 rounding of the costs (~1e-6).
    expect(Math.abs(same)).toBeLessThan(1e-4);
    // Shifting every point by (0.5, 0.5) costs exactly 0.5 in W2² (translation); debiasing keeps S close to it.
    expect(diff).toBeGreaterThan(0.3);
    expect(diff).toBeLessThan(0.55);
    x.dispose();
    y.dispose();
  });
  it('relativeEpsilon resolves one ε from C_xy for all three divergence terms (the float64 value, not the three-ε one)', async () => {
    // Issue 15: 40 Gaussian points x against y = 1.02·x at reg 0.05. Resolving ε per term (C_xx, C_yy have other
    // maxima than C_xy) debiased with three different ε: 2.25e-3 here instead of 8.39e-4.
    const d = 2;
    const xs = Float32Array.from(createRng(0).normalArray(40 * d));
    const ys = Float32Array.from(xs, (v) => Math.fround(1.02 * v));
    const w = new Array<number>(40).fill(1 / 40);
    const o = { threshold: 1e-12, maxIterations: 100000, returnPlan: false };
    // 'max' is where the per-term statistics differ most (C_xx, C_yy have smaller maxima than C_xy); 'mean' converges
    // slowly at reg 0.05 (~30000 float64 iterations), so only its ε is checked, after one iteration.
    const C64 = sqDist64(xs, ys, d);
    let mean = 0;
    for (const c of C64) mean += Math.fround(c) / C64.length;
    const x0 = tf.tensor2d(xs, [40, d]);
    const y0 = tf.tensor2d(ys, [40, d]);
    const quick = await sinkhornDivergence(x0, y0, 0.05, { relativeEpsilon: 'mean', maxIterations: 1, epsilonScaling: false, warn: false });
    expect(quick.epsilon).toBeCloseTo(0.05 * mean, 6);
    for (const t of [quick.xy, quick.xx, quick.yy]) expect(t.epsilon).toBe(quick.epsilon);
    tf.dispose([x0, y0]);
    for (const rel of ['max'] as const) {
      const xy = sinkhornF64(w, w, C64, 0.05, { ...o, relativeEpsilon: rel });
      const self = (p: Float32Array, e: number, r: typeof rel | false) => sinkhornF64(w, w, sqDist64(p, p, d), e, { ...o, relativeEpsilon: r }).regularizedCost;
      const oneEps = xy.regularizedCost - 0.5 * self(xs, xy.epsilon, false) - 0.5 * self(ys, xy.epsilon, false);
      const threeEps = xy.regularizedCost - 0.5 * self(xs, 0.05, rel) - 0.5 * self(ys, 0.05, rel);
      const x = tf.tensor2d(xs, [40, d]);
      const y = tf.tensor2d(ys, [40, d]);
      const s = await sinkhornDivergence(x, y, 0.05, { relativeEpsilon: rel, threshold: 1e-6, maxIterations: 2000 });
      expect(s.converged).toBe(true);
      expect(s.epsilon).toBeCloseTo(xy.epsilon, 5);
      for (const t of [s.xy, s.xx, s.yy]) expect(t.epsilon).toBe(s.epsilon);
      // Each float32 term is within ~1e-6 of its float64 value (potentials of size max C ~ 20 carry ~u·20 each and
      // the threshold leaves a dual gap of order max C · 1e-6 at worst; in practice far less): 2e-5 is 2.4% of S.
      expect(Math.abs(s.value - oneEps)).toBeLessThan(2e-5);
      expect(oneEps).toBeCloseTo(8.39e-4, 5);
      expect(threeEps).toBeGreaterThan(2.5 * oneEps);
      expect(Math.abs(s.value - threeEps)).toBeGreaterThan(1e-3);
      tf.dispose([x, y]);
    }
  });

  it('sinkhornDivergence reports each solve, so an unconverged inner solve is visible', async () => {
    const x = tf.tensor2d(Float32Array.from(createRng(3).normalArray(24)), [12, 2]);
    const y = tf.add(x, 0.3) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    const cut = await sinkhornDivergence(x, y, 0.01, { maxIterations: 2, epsilonScaling: false, warn: false });
    expect(tf.memory().numTensors).toBe(before);
    expect(cut.converged).toBe(false);
    expect(cut.xy.converged).toBe(false);
    expect(cut.xy.iterations).toBe(2);
    expect(cut.xy.marginalError).toBeGreaterThan(1e-6);
    expect(Number.isNaN(cut.xy.transportCost)).toBe(true);
    const full = await sinkhornDivergence(x, y, 0.01, { maxIterations: 5000 });
    expect(full.converged && full.xy.converged && full.xx.converged && full.yy.converged).toBe(true);
    expect(full.value).toBeCloseTo(full.xy.regularizedCost - 0.5 * full.xx.regularizedCost - 0.5 * full.yy.regularizedCost, 12);
    tf.dispose([x, y]);
  });

  it('reports float64 sums: ⟨P, C⟩ of the returned plan, ⟨f, a⟩ + ⟨g, b⟩ of the returned potentials', async () => {
    let s = 5;
    const rnd = (): number => ((s = (s * 16807) % 2147483647) / 2147483647);
    const [n, m] = [60, 50];
    const C = Array.from({ length: n }, () => Array.from({ length: m }, () => 3 * rnd()));
    const a = new Array<number>(n).fill(1 / n);
    const b = new Array<number>(m).fill(1 / m);
    const r = await sinkhorn(a, b, C, 0.1, { threshold: 1e-5 });
    const [P, f, g] = await Promise.all([r.plan!.data(), r.f.data(), r.g.data()]);
    let tc = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) tc += P[i * m + j]! * Math.fround(C[i]![j]!);
    let dual = 0;
    // The weights as the solver holds them: float32.
    for (let i = 0; i < n; i++) dual += f[i]! * Math.fround(a[i]!);
    for (let j = 0; j < m; j++) dual += g[j]! * Math.fround(b[j]!);
    // Host float64 sums of the float32 reads: only the rounding of each product P_ij·C_ij (u relative) differs.
    expect(Math.abs(r.transportCost - tc)).toBeLessThanOrEqual(2 ** -23 * tc);
    expect(r.regularizedCost).toBe(dual);
    tf.dispose([r.f, r.g, r.plan!]);
  });

  it('onCheck sees every check (every checkEvery iterations and each stage end), as sinkhornF64 does', async () => {
    const C = [[0, 1, 2], [1, 0, 1], [2, 1, 0], [0.5, 0.2, 0.9]];
    const a = [0.1, 0.2, 0.3, 0.4];
    const b = [0.3, 0.3, 0.4];
    const opts = { threshold: 1e-30, maxIterations: 25, checkEvery: 10, epsilonScaling: { stageIterations: 3 }, warn: false };
    const seen: SinkhornCheck[] = [];
    const r = await sinkhorn(a, b, C, 0.2, { ...opts, returnPlan: false, onCheck: (c) => seen.push(c) });
    const seen64: SinkhornCheck[] = [];
    sinkhornF64(a, b, Float64Array.from(C.flat()), 0.2, { ...opts, returnPlan: false, onCheck: (c) => seen64.push(c) });
    const last = seen[seen.length - 1]!;
    expect(last.iteration).toBe(r.iterations);
    expect(last.marginalError).toBe(r.marginalError);
    expect(last.epsilon).toBe(r.epsilon);
    // Warm-up stages are checked once each (3 < checkEvery), the target stage at 10, 20 and 25.
    expect(seen.map((c) => c.iteration)).toEqual(seen64.map((c) => c.iteration));
    expect(seen.map((c) => c.stage)).toEqual(seen64.map((c) => c.stage));
    expect(seen.slice(-3).map((c) => c.iteration - seen[seen.length - 4]!.iteration)).toEqual([10, 20, 25]);
    for (let k = 0; k < seen.length; k++) expect(Math.abs(seen[k]!.marginalError - seen64[k]!.marginalError)).toBeLessThan(1e-4);
    tf.dispose([r.f, r.g]);
  });
});
