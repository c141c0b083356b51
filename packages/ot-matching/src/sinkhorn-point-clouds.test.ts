import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { pairwiseSqDist } from '@lemma/gpu-kernels';
import { describeEachBackend, F32_EPS } from '@lemma/gpu-kernels/testing';
import { expect, it } from 'vitest';
import { sinkhorn } from './sinkhorn';
import { sinkhornF64 } from './sinkhorn-f64';
import { sinkhornDivergencePointClouds, sinkhornPointClouds } from './sinkhorn-point-clouds';

const u = F32_EPS;

interface Cloud {
  n: number;
  m: number;
  d: number;
  x: number[][];
  y: number[][];
  a: number[];
  b: number[];
}

/** Seeded clouds (Park–Miller), y shifted by `shift` in every coordinate, weights in [0.2, 1.2) normalised. */
function clouds(seed: number, n: number, m: number, d: number, shift = 0.5): Cloud {
  let s = seed;
  const rnd = (): number => (s = (s * 16807) % 2147483647) / 2147483647;
  const pts = (k: number, off: number) => Array.from({ length: k }, () => Array.from({ length: d }, () => rnd() + off));
  const w = (k: number) => {
    const v = Array.from({ length: k }, () => 0.2 + rnd());
    const t = v.reduce((p, q) => p + q, 0);
    return v.map((q) => q / t);
  };
  return { n, m, d, x: pts(n, 0), y: pts(m, shift), a: w(n), b: w(m) };
}

const arbCloud = fc
  .record({ n: fc.integer({ min: 2, max: 20 }), m: fc.integer({ min: 2, max: 20 }), d: fc.constantFrom(1, 2, 3, 7), seed: fc.integer({ min: 1, max: 1e6 }) })
  .map(({ n, m, d, seed }) => clouds(seed, n, m, d));

/** float64 costs ‖x_i − y_j‖² as the float64 solver's flat array, and their maximum. */
function cost64(p: number[][], q: number[][]): { C: Float64Array; max: number } {
  const C = new Float64Array(p.length * q.length);
  let max = 0;
  p.forEach((pi, i) =>
    q.forEach((qj, j) => {
      const c = pi.reduce((s, v, k) => s + (v - qj[k]!) ** 2, 0);
      C[i * q.length + j] = c;
      max = Math.max(max, c);
    }),
  );
  return { C, max };
}

/**
 * Error of one float32 half step (the budget of gpu-kernels' online and materialised half-step tests): the pair
 * cost (d + 4)·u·C, the potential 4u·|pot|, the exp2 / sum / log terms ε·(6 + 2·N)·u + ε·2^-21, doubled.
 */
function halfStepError(d: number, cmax: number, pot: number, eps: number, count: number): number {
  return 2 * (u * ((d + 4) * cmax + 4 * pot + eps * (6 + 2 * count)) + eps * 2 ** -21);
}

const maxAbs = (v: ArrayLike<number>): number => Array.from(v).reduce((p, q) => Math.max(p, Math.abs(q)), 0);

/** The plan's L1 row and column marginal errors in float64 from float32 potentials (KL convention). */
function marginalErrors(c: Cloud, C: Float64Array, f: ArrayLike<number>, g: ArrayLike<number>, eps: number): { rows: number; cols: number } {
  const row = new Float64Array(c.n);
  const col = new Float64Array(c.m);
  for (let i = 0; i < c.n; i++) {
    for (let j = 0; j < c.m; j++) {
      const p = c.a[i]! * c.b[j]! * Math.exp((f[i]! + g[j]! - C[i * c.m + j]!) / eps);
      row[i] += p;
      col[j] += p;
    }
  }
  return { rows: row.reduce((s, v, i) => s + Math.abs(v - c.a[i]!), 0), cols: col.reduce((s, v, j) => s + Math.abs(v - c.b[j]!), 0) };
}

describeEachBackend('sinkhornPointClouds', () => {
  it('runs the same iteration as the materialised sinkhorn on pairwiseSqDist(x, y)', async () => {
    await fc.assert(
      fc.asyncProperty(arbCloud, fc.constantFrom(0.1, 0.5), fc.integer({ min: 1, max: 25 }), async (c, eps, iters) => {
        const x = tf.tensor2d(c.x);
        const y = tf.tensor2d(c.y);
        const C = pairwiseSqDist(x, y) as tf.Tensor2D;
        // Checked only after the last iteration (an exact float32 fixed point would meet any threshold): both run
        // exactly `iters` iterations at one ε from zero potentials.
        const dense = await sinkhorn(c.a, c.b, C, eps, { epsilonScaling: false, maxIterations: iters, threshold: 1e-30, checkEvery: 1000, returnPlan: false, warn: false });
        const online = await sinkhornPointClouds(x, y, { a: c.a, b: c.b, eps, scaling: false, maxIterations: iters, threshold: 1e-30, checkEvery: 1000, warn: false });
        expect(online.iterations).toBe(iters);
        expect(dense.iterations).toBe(iters);
        const [fo, go, fd, gd] = await Promise.all([online.f.data(), online.g.data(), dense.f.data(), dense.g.data()]);
        // Each half step is 1-Lipschitz in the sup norm, so the two float32 runs drift apart by at most the sum of
        // both implementations' half-step errors over the 2·iters steps, plus the rounding of f = f̃ − ε log a.
        const { max: cmax } = cost64(c.x, c.y);
        const pot = Math.max(maxAbs(fd), maxAbs(gd)) + eps * Math.log(1 / Math.min(...c.a, ...c.b));
        const drift = 2 * iters * 2 * halfStepError(c.d, cmax, pot, eps, Math.max(c.n, c.m)) + 4 * u * pot;
        const df = Math.max(...Array.from(fo, (v, i) => Math.abs(v - fd[i]!)));
        const dg = Math.max(...Array.from(go, (v, j) => Math.abs(v - gd[j]!)));
        expect(df).toBeLessThanOrEqual(drift);
        expect(dg).toBeLessThanOrEqual(drift);
        // ⟨f, a⟩ + ⟨g, b⟩ moves by at most ‖Δf‖∞ + ‖Δg‖∞, plus float32 sums of n and m terms on each side.
        expect(Math.abs(online.regularizedCost - dense.regularizedCost)).toBeLessThanOrEqual(2 * drift + 4 * (c.n + c.m) * u * pot);
        tf.dispose([x, y, C, dense.f, dense.g, online.f, online.g]);
      }),
      { numRuns: 12 },
    );
  });

  it('converges with ε-scaling to the float64 reference, meeting both marginals', async () => {
    await fc.assert(
      fc.asyncProperty(arbCloud, fc.constantFrom(0.3, 0.5), async (c, blur) => {
        const eps = blur * blur;
        const threshold = 1e-4;
        const before = tf.memory().numTensors;
        const r = await sinkhornPointClouds(c.x, c.y, { a: c.a, b: c.b, blur, threshold, checkEvery: 1 });
        // Nothing but the two returned potentials is left (the converted clouds and weights are freed).
        expect(tf.memory().numTensors).toBe(before + 2);
        expect(r.epsilon).toBe(eps);
        expect(r.converged).toBe(true);
        expect(r.marginalError).toBeLessThan(threshold);
        const { C, max: cmax } = cost64(c.x, c.y);
        const ref = sinkhornF64(c.a, c.b, C, eps, { threshold: 1e-12, maxIterations: 100000, returnPlan: false });
        const [f, g] = await Promise.all([r.f.data(), r.g.data()]);
        const pot = Math.max(maxAbs(f), maxAbs(g)) + eps * Math.log(1 / Math.min(...c.a, ...c.b));
        const delta = halfStepError(c.d, cmax, pot, eps, Math.max(c.n, c.m)) + 2 * u * pot;
        // Columns are exact after the last column step up to its float32 error δ (relative δ/ε per column); the
        // reported row error is computed from two float32 row steps, 2δ/ε off.
        const e = marginalErrors(c, C, f, g, eps);
        expect(e.cols).toBeLessThanOrEqual(2 * delta / eps);
        expect(Math.abs(e.rows - r.marginalError)).toBeLessThanOrEqual(4 * delta / eps + 1e-3 * r.marginalError);
        // Concavity of the dual: 0 ≤ OT* − D(f, g) ≤ ‖∇D‖₁·‖(f, g) − (f*, g*)‖∞ ≤ (row + column error)·max C, where
        // the KL potentials oscillate by at most max C; plus float32 sums of n + m terms.
        const gap = (e.rows + e.cols + ref.marginalError) * cmax + 4 * (c.n + c.m) * u * pot;
        expect(Math.abs(r.regularizedCost - ref.regularizedCost)).toBeLessThanOrEqual(gap);
        tf.dispose([r.f, r.g]);
      }),
      { numRuns: 10 },
    );
  });

  it('rejects bad inputs naming the argument, leaving tf.memory() unchanged', async () => {
    const x = tf.tensor2d([[0, 0], [1, 1], [2, 0]]);
    const y = tf.tensor2d([[0, 1], [1, 0]]);
    const y3 = tf.zeros([2, 3]);
    const wide = tf.zeros([2, 65]);
    const nan = tf.tensor2d([[0, Number.NaN], [1, 0]]);
    const inf = tf.tensor2d([[0, Infinity], [1, 0]]);
    const before = tf.memory().numTensors;
    const bad: [unknown, unknown, unknown, RegExp][] = [
      [x, y3, {}, /sinkhornPointClouds: y must be a 2-D tensor \[m, 2\] \(the point dimension of x\), got shape \[2, 3\]/],
      [wide, wide, {}, /x must be a 2-D tensor \[points, d\] with at least one point and 1 ≤ d ≤ 64, got shape \[2, 65\]/],
      [[1, 2, 3], y, {}, /x must be a 2-D tensor \[points, d\]/],
      [x, 'y', {}, /y must be a float32 tensor or nested number array, got 'y'/],
      [x, nan, {}, /y must be finite \(no NaN or Infinity\), got 1 non-finite coordinates/],
      [inf, y, {}, /x must be finite \(no NaN or Infinity\), got 1 non-finite coordinates/],
      [x, y, { a: [0.5, 0.5] }, /options.a must be a 1-D tensor of length 3 \(points of x\), got shape \[2\]/],
      [x, y, { a: [0.5, 0.6, -0.1] }, /options.a must hold finite weights > 0, got -0.10000000149011612 at index 2/],
      [x, y, { b: [0.25, 0.25] }, /a and b must have the same total mass/],
      [x, y, { blur: 0.1, eps: 0.01 }, /options.blur and options.eps both set/],
      [x, y, { blur: 0 }, /options.blur must be a finite number > 0, got 0/],
      [x, y, { eps: Number.NaN }, /options.eps must be a finite number > 0, got NaN/],
      [x, y, { scaling: 1 }, /options.scaling must be a number in \(0, 1\) or false, got 1/],
      [x, y, { maxIterations: 0 }, /options.maxIterations must be a positive integer, got 0/],
      [x, y, { checkEvery: 1.5 }, /options.checkEvery must be a positive integer, got 1.5/],
      [x, y, { threshold: -1 }, /options.threshold must be a finite number > 0, got -1/],
      [x, y, { blurr: 0.1 }, /options has an unknown key 'blurr'/],
    ];
    for (const [p, q, o, re] of bad) {
      await expect(sinkhornPointClouds(p as tf.Tensor2D, q as tf.Tensor2D, o as object)).rejects.toThrow(re);
      expect(tf.memory().numTensors).toBe(before);
    }
    await expect(sinkhornDivergencePointClouds(x, nan)).rejects.toThrow(/sinkhornDivergencePointClouds: y must be finite/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y, y3, wide, nan, inf]);
  });
});

/**
 * How far one solve's OT_ε may sit from the optimum (the convergence test's concavity bound): its row error plus the
 * float32 column error 2δ/ε, times the potentials' oscillation max C, plus float32 sums of n + m terms.
 */
function termGap(t: { marginalError: number; epsilon: number }, d: number, cmax: number, count: number, minWeight: number): number {
  const pot = cmax + t.epsilon * Math.log(1 / minWeight);
  const delta = halfStepError(d, cmax, pot, t.epsilon, count) + 2 * u * pot;
  return (t.marginalError + (2 * delta) / t.epsilon) * cmax + 4 * 2 * count * u * pot;
}

describeEachBackend('sinkhornDivergencePointClouds', (backend) => {
  /** |S_ε − S_ε*|: the cross term's gap plus half of each self term's. */
  const slack = (s: Awaited<ReturnType<typeof sinkhornDivergencePointClouds>>, c: Cloud, cmax: number): number => {
    const w = Math.min(...c.a, ...c.b);
    const N = Math.max(c.n, c.m);
    return termGap(s.xy, c.d, cmax, N, w) + 0.5 * termGap(s.xx, c.d, cmax, N, w) + 0.5 * termGap(s.yy, c.d, cmax, N, w);
  };
  const cmaxAll = (c: Cloud): number => Math.max(cost64(c.x, c.y).max, cost64(c.x, c.x).max, cost64(c.y, c.y).max);

  it('is ≥ 0, symmetric in (x, a) ↔ (y, b), and uses one ε for all three terms', async () => {
    await fc.assert(
      fc.asyncProperty(arbCloud, async (c) => {
        const blur = 0.4;
        const opts = { blur, threshold: 1e-4 };
        const s1 = await sinkhornDivergencePointClouds(c.x, c.y, { ...opts, a: c.a, b: c.b });
        const s2 = await sinkhornDivergencePointClouds(c.y, c.x, { ...opts, a: c.b, b: c.a });
        for (const s of [s1, s2]) {
          expect(s.epsilon).toBe(blur * blur);
          for (const t of [s.xy, s.xx, s.yy]) {
            expect(t.epsilon).toBe(blur * blur);
            expect(t.converged).toBe(true);
          }
        }
        const cmax = cmaxAll(c);
        const tol = slack(s1, c, cmax) + slack(s2, c, cmax);
        expect(s1.value).toBeGreaterThanOrEqual(-tol);
        // The swapped call solves the self terms identically and the cross term from the other side.
        expect(s2.xx.regularizedCost).toBe(s1.yy.regularizedCost);
        expect(Math.abs(s1.value - s2.value)).toBeLessThanOrEqual(tol);
      }),
      { numRuns: backend === 'webgpu' ? 4 : 8 },
    );
  });

  it('is 0 when the clouds and weights coincide, and positive for shifted clouds', async () => {
    const c = clouds(42, 12, 12, 2, 1);
    const before = tf.memory().numTensors;
    const same = await sinkhornDivergencePointClouds(c.x, c.x, { a: c.a, b: c.a, blur: 0.3, threshold: 1e-4 });
    // Three solves, every potential and converted input freed.
    expect(tf.memory().numTensors).toBe(before);
    const cs = { ...c, y: c.x, b: c.a, m: c.n };
    expect(Math.abs(same.value)).toBeLessThanOrEqual(slack(same, cs, cmaxAll(cs)));
    const moved = await sinkhornDivergencePointClouds(c.x, c.y, { a: c.a, b: c.b, blur: 0.3 });
    // A unit shift in 2-D moves the clouds by W₂² ≈ 2 ± the weights' spread; S_ε is then far above any float32 slack.
    expect(moved.value).toBeGreaterThan(0.5);
  });

  it('equals the three materialised sinkhorn solves at the same ε', async () => {
    const c = clouds(7, 15, 11, 3, 0.3);
    const eps = 0.09;
    const ours = await sinkhornDivergencePointClouds(c.x, c.y, { a: c.a, b: c.b, eps, threshold: 1e-4 });
    const dense = async (p: number[][], q: number[][], wp: number[], wq: number[]) => {
      const C = pairwiseSqDist(tf.tensor2d(p), tf.tensor2d(q)) as tf.Tensor2D;
      const r = await sinkhorn(wp, wq, C, eps, { threshold: 1e-4, maxIterations: 5000, returnPlan: false });
      tf.dispose([C, r.f, r.g]);
      return r;
    };
    const xy = await dense(c.x, c.y, c.a, c.b);
    const xx = await dense(c.x, c.x, c.a, c.a);
    const yy = await dense(c.y, c.y, c.b, c.b);
    // Both sides within their gaps of the same optima; the materialised runs' errors are below their threshold.
    const cmax = cmaxAll(c);
    const theirs = { ...ours, xy: { ...ours.xy, marginalError: 1e-4 }, xx: { ...ours.xx, marginalError: 1e-4 }, yy: { ...ours.yy, marginalError: 1e-4 } };
    const tol = slack(ours, c, cmax) + slack(theirs, c, cmax);
    expect(xy.converged && xx.converged && yy.converged).toBe(true);
    expect(Math.abs(ours.value - (xy.regularizedCost - 0.5 * xx.regularizedCost - 0.5 * yy.regularizedCost))).toBeLessThanOrEqual(tol);
  });
});
