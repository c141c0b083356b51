import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../../testing/backends';
import { assertAllClose } from '../../testing/numeric';
import { createRng } from '../../rng/rng';
import { webgpuInternals } from '../_shared/webgpu';
import { packSinkhornCostF16, sinkhornIterations, sinkhornMarginalError } from './index';
import { unpackCostF16 } from './f16-cpu';
import { sinkhornTuning } from './iterations-webgpu';
import { sinkhornIterationsReference, sinkhornMarginalErrorsReference } from './reference';

const U = 2 ** -24;

interface Problem {
  c: Float32Array;
  a: Float32Array;
  b: Float32Array;
  logA: Float32Array;
  logB: Float32Array;
  g0: Float32Array;
}

/** A random [n, m] problem: uniform cost in [0, scale), random marginals, a warm-start g in [-0.5, 0.5). */
function problem(seed: number, n: number, m: number, scale = 1): Problem {
  const rng = createRng(seed);
  const c = Float32Array.from(rng.uniformArray(n * m), (v) => v * scale);
  const simplex = (len: number) => {
    const w = Array.from(rng.uniformArray(len), (v) => v + 0.1);
    const s = w.reduce((x, y) => x + y, 0);
    return Float32Array.from(w, (v) => v / s);
  };
  const a = simplex(n);
  const b = simplex(m);
  const g0 = Float32Array.from(rng.uniformArray(m), (v) => v - 0.5);
  return { c, a, b, logA: Float32Array.from(a, Math.log), logB: Float32Array.from(b, Math.log), g0 };
}

/**
 * A Sinkhorn half step is 1-Lipschitz in the sup norm of its input potential and of C, so k iterations (2k half
 * steps) accumulate at most 2k times one half step's float32 error: the atol of sinkhorn.test.ts per half step
 * ((8 + 4·eps·len)·u, plus 2e-6 for the GPU's exp, 3 + 2|x| ulp) with len the longer side.
 */
function iterationTol(k: number, eps: number, len: number): { rtol: number; atol: number } {
  return { rtol: 8 * U, atol: 2 * k * ((8 + 4 * eps * len) * U + 2e-6) };
}

/** Squared distances of uniform 2-D points normalised by their mean: the benches' realistic cost. */
function pointCloudCost(seed: number, n: number, m: number): Float32Array {
  const rng = createRng(seed);
  const x = rng.uniformArray(2 * n);
  const y = rng.uniformArray(2 * m);
  const c = new Float64Array(n * m);
  let mean = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const d = (x[2 * i]! - y[2 * j]!) ** 2 + (x[2 * i + 1]! - y[2 * j + 1]!) ** 2;
      c[i * m + j] = d;
      mean += d / (n * m);
    }
  }
  return Float32Array.from(c, (v) => v / mean);
}

async function run(C: tf.Tensor | ReturnType<typeof packSinkhornCostF16>, p: Problem, eps: number, iterations: number, warm = true, convention?: 'kl' | 'absorbed') {
  const logA = tf.tensor1d(p.logA);
  const logB = tf.tensor1d(p.logB);
  const g = warm ? tf.tensor1d(p.g0) : undefined;
  const out = sinkhornIterations({ C, logA, logB, eps, iterations, ...(g ? { g } : {}), ...(convention ? { convention } : {}) });
  const res = { f: await out.f.data(), g: await out.g.data() };
  tf.dispose([logA, logB, out.f, out.g, ...(g ? [g] : [])]);
  return res;
}

// [n, m]: scalar columns (m % 4 ≠ 0) and vec4 ones with several units per thread, tiny ones, and n > 264 (the
// default row chunks, so several rows per chunk).
const SHAPES: [number, number][] = [[37, 10], [53, 12], [130, 1030], [70, 2100], [1, 5], [3, 1], [600, 9], [1100, 36]];

describeEachBackend('sinkhornIterations', (backend) => {
  it('matches float64 iterations of alternating half steps on shapes that are not multiples of the tiles', async () => {
    for (const [s, [n, m]] of SHAPES.entries()) {
      for (const [eps, iters] of [[0.05, 1], [0.2, 4]] as const) {
        const p = problem(100 + s, n, m);
        const C = tf.tensor2d(p.c, [n, m]);
        const got = await run(C, p, eps, iters);
        const want = sinkhornIterationsReference(p.c, n, m, p.logA, p.logB, eps, iters, p.g0);
        const tol = iterationTol(iters, eps, Math.max(n, m));
        assertAllClose(got.f, want.f, { ...tol, label: `f ${n}x${m} eps ${eps} k ${iters}` });
        assertAllClose(got.g, want.g, { ...tol, label: `g ${n}x${m} eps ${eps} k ${iters}` });
        C.dispose();
      }
    }
  });

  it("convention 'kl' matches float64 KL iterations (log-weights inside the LSEs) on the same shapes", async () => {
    for (const [s, [n, m]] of SHAPES.entries()) {
      for (const [eps, iters] of [[0.05, 1], [0.2, 4]] as const) {
        const p = problem(100 + s, n, m);
        const C = tf.tensor2d(p.c, [n, m]);
        const got = await run(C, p, eps, iters, true, 'kl');
        const want = sinkhornIterationsReference(p.c, n, m, p.logA, p.logB, eps, iters, p.g0, 'kl');
        // As the absorbed form, plus the log-weight term of each exponent (u·|log w| per half step, times ε).
        const lw = Math.max(...Array.from(p.logA, Math.abs), ...Array.from(p.logB, Math.abs));
        const tol = iterationTol(iters, eps, Math.max(n, m));
        const atol = tol.atol + 2 * iters * 4 * eps * lw * U;
        assertAllClose(got.f, want.f, { rtol: tol.rtol, atol, label: `kl f ${n}x${m} eps ${eps} k ${iters}` });
        assertAllClose(got.g, want.g, { rtol: tol.rtol, atol, label: `kl g ${n}x${m} eps ${eps} k ${iters}` });
        // The two conventions describe one plan: f_absorbed = f_kl + ε·log a, g_absorbed = g_kl + ε·log b (same g0
        // shifted the same way).
        const abs = await run(C, { ...p, g0: Float32Array.from(p.g0, (v, j) => v + eps * p.logB[j]!) }, eps, iters, true, 'absorbed');
        assertAllClose(Float64Array.from(got.f, (v, i) => v + eps * p.logA[i]!), abs.f, { rtol: tol.rtol, atol: 2 * atol, label: `kl vs absorbed f ${n}x${m}` });
        assertAllClose(Float64Array.from(got.g, (v, j) => v + eps * p.logB[j]!), abs.g, { rtol: tol.rtol, atol: 2 * atol, label: `kl vs absorbed g ${n}x${m}` });
        C.dispose();
      }
    }
  });

  it('k iterations in one call equal k calls of one iteration, bit for bit, and leave no tensors behind', async () => {
    const [n, m] = [40, 24];
    const p = problem(7, n, m);
    const C = tf.tensor2d(p.c, [n, m]);
    const logA = tf.tensor1d(p.logA);
    const logB = tf.tensor1d(p.logB);
    const before = tf.memory().numTensors;
    const all = sinkhornIterations({ C, logA, logB, eps: 0.1, iterations: 5 });
    let step = sinkhornIterations({ C, logA, logB, eps: 0.1, iterations: 1 });
    for (let k = 1; k < 5; k++) {
      const next = sinkhornIterations({ C, logA, logB, eps: 0.1, iterations: 1, g: step.g });
      tf.dispose([step.f, step.g]);
      step = next;
    }
    // Same kernels on the same data in the same order.
    expect(Array.from(await step.f.data())).toEqual(Array.from(await all.f.data()));
    expect(Array.from(await step.g.data())).toEqual(Array.from(await all.g.data()));
    tf.dispose([step.f, step.g, all.f, all.g]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([C, logA, logB]);
  });

  it('rejects bad arguments before allocating anything', () => {
    const C = tf.zeros([4, 3]);
    const logA = tf.zeros([4]);
    const logB = tf.zeros([3]);
    const before = tf.memory().numTensors;
    expect(() => sinkhornIterations({ C, logA: logB, logB, eps: 1, iterations: 1 })).toThrow(/logA must be a 1-D float32 tensor of length 4 \(rows of C\), got shape \[3\]/);
    expect(() => sinkhornIterations({ C, logA, logB, eps: 1, iterations: 1, g: logA })).toThrow(/g must be a 1-D float32 tensor of length 3 \(columns of C\)/);
    expect(() => sinkhornIterations({ C, logA, logB, eps: -1, iterations: 1 })).toThrow(/eps must be a finite number > 0, got -1/);
    expect(() => sinkhornIterations({ C, logA, logB, eps: 1, iterations: 1.5 })).toThrow(/iterations must be/);
    expect(() => sinkhornIterations({ C, logA, logB, eps: 1, iterations: 1, convention: 'plain' as 'kl' })).toThrow(/sinkhornIterations: convention must be 'kl' or 'absorbed', got 'plain'/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([C, logA, logB]);
  });

  if (backend === 'webgpu') {
    it('every tuning variant (workgroup size, row chunks, rows per step, batch, unfused) computes the same iterations', async () => {
      const limit = webgpuInternals('test').device.limits.maxComputeInvocationsPerWorkgroup;
      const saved = { ...sinkhornTuning };
      try {
        for (const [shape, [n, m]] of ([[70, 2100], [53, 1030], [301, 8]] as const).entries()) {
          // The KL programs are checked on the first (largest) shape only: each variant compiles new pipelines.
          const kl = shape === 0;
          const p = problem(11, n, m);
          const C = tf.tensor2d(p.c, [n, m]);
          const want = sinkhornIterationsReference(p.c, n, m, p.logA, p.logB, 0.1, 3, p.g0);
          const variants = [
            { threads: 256, workgroups: 1, iterationsPerEncode: 1 },
            { threads: 256, workgroups: 7, iterationsPerEncode: 2 },
            { threads: 256, workgroups: 5, rowsPerStep: 2 },
            ...(limit >= 512 ? [{ threads: 512, workgroups: 264, iterationsPerEncode: 64 }] : []),
            ...(limit >= 1024 ? [{ threads: 1024, workgroups: 3, rowsPerStep: 2 }] : []),
            { fused: false },
          ];
          const C16 = packSinkhornCostF16(C);
          const dec = unpackCostF16(await C16.packed.data(), n, m);
          const r = await C16.rowShift.data();
          const stored = Float64Array.from(dec, (x, k) => x + r[Math.floor(k / m)]!);
          const want16 = sinkhornIterationsReference(stored, n, m, p.logA, p.logB, 0.1, 3, p.g0);
          const tol = iterationTol(3, 0.1, Math.max(n, m));
          const wantKl = sinkhornIterationsReference(p.c, n, m, p.logA, p.logB, 0.1, 3, p.g0, 'kl');
          const want16Kl = sinkhornIterationsReference(stored, n, m, p.logA, p.logB, 0.1, 3, p.g0, 'kl');
          const lw = Math.max(...Array.from(p.logA, Math.abs), ...Array.from(p.logB, Math.abs));
          const tolKl = { rtol: tol.rtol, atol: tol.atol + 2 * 3 * 4 * 0.1 * lw * U };
          for (const v of variants) {
            Object.assign(sinkhornTuning, saved, v);
            const got = await run(C, p, 0.1, 3);
            assertAllClose(got.f, want.f, { ...tol, label: `f ${JSON.stringify(v)}` });
            assertAllClose(got.g, want.g, { ...tol, label: `g ${JSON.stringify(v)}` });
            if (kl) {
              const gotKl = await run(C, p, 0.1, 3, true, 'kl');
              assertAllClose(gotKl.f, wantKl.f, { ...tolKl, label: `kl f ${JSON.stringify(v)}` });
              assertAllClose(gotKl.g, wantKl.g, { ...tolKl, label: `kl g ${JSON.stringify(v)}` });
            }
            if (v.fused === false) continue;
            const got16 = await run(C16, p, 0.1, 3);
            assertAllClose(got16.f, want16.f, { ...tol, label: `f16 f ${JSON.stringify(v)}` });
            assertAllClose(got16.g, want16.g, { ...tol, label: `f16 g ${JSON.stringify(v)}` });
            if (!kl) continue;
            const got16Kl = await run(C16, p, 0.1, 3, true, 'kl');
            assertAllClose(got16Kl.f, want16Kl.f, { ...tolKl, label: `f16 kl f ${JSON.stringify(v)}` });
            assertAllClose(got16Kl.g, want16Kl.g, { ...tolKl, label: `f16 kl g ${JSON.stringify(v)}` });
          }
          C16.dispose();
          C.dispose();
        }
      } finally {
        Object.assign(sinkhornTuning, saved);
      }
    });
  }
});

describeEachBackend('sinkhornIterations on a float16 cost', () => {
  it('equals float64 iterations on the cost it stores (decoded halves + row minima)', async () => {
    for (const [s, [n, m]] of [[33, 8], [45, 13], [64, 2064], [9, 4100], [530, 16]].entries()) {
      const p = problem(300 + s, n, m, 3);
      const C16 = packSinkhornCostF16(tf.tensor2d(p.c, [n, m]));
      const dec = unpackCostF16(await C16.packed.data(), n, m);
      const r = await C16.rowShift.data();
      const stored = Float64Array.from(dec, (v, k) => v + r[Math.floor(k / m)]!);
      for (const [eps, iters] of [[0.05, 1], [0.3, 3]] as const) {
        const got = await run(C16, p, eps, iters);
        const want = sinkhornIterationsReference(stored, n, m, p.logA, p.logB, eps, iters, p.g0);
        // As for float32 C, plus the rounding of f' + r_i (u·|f|, inside rtol) and of C_ij − r_i's scaled use.
        const tol = iterationTol(iters, eps, Math.max(n, m));
        assertAllClose(got.f, want.f, { ...tol, atol: tol.atol + 8 * U * 3, label: `f16 f ${n}x${m} eps ${eps}` });
        assertAllClose(got.g, want.g, { ...tol, atol: tol.atol + 8 * U * 3, label: `f16 g ${n}x${m} eps ${eps}` });
      }
      C16.dispose();
    }
  });

  it('on squared distances / mean at eps 0.05, its error is the one its rounding explains', async () => {
    const [n, m, eps, iters] = [192, 200, 0.05, 40];
    const c = pointCloudCost(21, n, m);
    const a = new Float32Array(n).fill(1 / n);
    const b = new Float32Array(m).fill(1 / m);
    const p: Problem = { c, a, b, logA: Float32Array.from(a, Math.log), logB: Float32Array.from(b, Math.log), g0: new Float32Array(m) };
    const C = tf.tensor2d(c, [n, m]);
    const C16 = packSinkhornCostF16(C);
    const dec = unpackCostF16(await C16.packed.data(), n, m);
    const r = await C16.rowShift.data();
    const stored = Float64Array.from(dec, (v, k) => v + r[Math.floor(k / m)]!);
    let delta = 0;
    for (let k = 0; k < n * m; k++) delta = Math.max(delta, Math.abs(stored[k]! - c[k]!));
    const got = await run(C16, p, eps, iters, false);
    const exact = sinkhornIterationsReference(c, n, m, p.logA, p.logB, eps, iters);
    // Each half step moves by at most the sup-norm change of C: 2k·δ, plus the float32 error of the kernel.
    const tol = iterationTol(iters, eps, Math.max(n, m));
    assertAllClose(got.f, exact.f, { rtol: tol.rtol, atol: tol.atol + 2 * iters * delta, label: 'f vs exact C' });
    assertAllClose(got.g, exact.g, { rtol: tol.rtol, atol: tol.atol + 2 * iters * delta, label: 'g vs exact C' });
    // After the 'cols' step P(f, g, Ĉ) has exact column sums; on C each entry moves by exp(±|Ĉ − C|/eps), so
    // ‖Pᵀ1 − b‖₁ on C ≤ Σ P̂_ij (exp(|Ĉ_ij − C_ij|/eps) − 1) (+ 1e-5 for the float32 potentials).
    let bound = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) bound += Math.exp((got.f[i]! + got.g[j]! - stored[i * m + j]!) / eps) * Math.expm1(Math.abs(stored[i * m + j]! - c[i * m + j]!) / eps);
    }
    const errF16 = sinkhornMarginalErrorsReference(c, n, m, got.f, got.g, a, b, eps);
    const errExact = sinkhornMarginalErrorsReference(c, n, m, exact.f, exact.g, a, b, eps);
    expect(errF16.cols).toBeLessThanOrEqual(bound + 1e-5);
    // The device's own marginal-error op on the float32 C agrees with the float64 one (rows, after 'cols').
    const fT = tf.tensor1d(got.f);
    const gT = tf.tensor1d(got.g);
    const logA = tf.tensor1d(p.logA);
    const dev = (await sinkhornMarginalError({ C, f: fT, g: gT, logMarginal: logA, eps }).data())[0]!;
    expect(Math.abs(dev - errF16.rows)).toBeLessThan(1e-3 * errF16.rows + 1e-5);
    let maxDf = 0;
    for (let i = 0; i < n; i++) maxDf = Math.max(maxDf, Math.abs(got.f[i]! - exact.f[i]!));
    console.info(
      `f16 cost ${n}x${m} eps ${eps}, ${iters} iterations: max |Ĉ − C| ${delta.toExponential(2)}, max |f16 − f64| ${maxDf.toExponential(2)}, ` +
        `marginal L1 rows/cols f16 ${errF16.rows.toExponential(2)}/${errF16.cols.toExponential(2)} vs exact-C float64 ${errExact.rows.toExponential(2)}/${errExact.cols.toExponential(2)}`,
    );
    tf.dispose([C, fT, gT, logA]);
    C16.dispose();
  });
});
