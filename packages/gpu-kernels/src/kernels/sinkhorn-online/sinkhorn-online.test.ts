import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { afterEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../testing/backends';
import { assertAllClose, F32_EPS } from '../../testing/numeric';
import { createRng } from '../../rng/rng';
import { pairwiseSqDist } from '../pairwise/index';
import { sinkhornHalfStep } from '../sinkhorn/index';
import { sinkhornOnlineHalfStep } from './index';
import { sinkhornOnlineHalfStepReference } from './reference';
import { sinkhornOnlineTuning } from './webgpu';

const u = F32_EPS;

interface Problem {
  n: number;
  m: number;
  d: number;
  x: Float32Array;
  y: Float32Array;
  /** Potentials of both sides (g for 'rows' has length m, f for 'cols' length n) and log-marginals. */
  f: Float32Array;
  g: Float32Array;
  logA: Float32Array;
  logB: Float32Array;
  eps: number;
}

function problem(seed: number, n: number, m: number, d: number, eps: number, spread = 1): Problem {
  const rng = createRng(seed);
  const pts = (k: number) => Float32Array.from(rng.normalArray(k * d), (v) => (spread * v) / Math.sqrt(d));
  const logW = (k: number) => {
    const w = Float64Array.from(rng.uniformArray(k), (v) => 0.2 + v);
    const s = w.reduce((a, b) => a + b, 0);
    return Float32Array.from(w, (v) => Math.log(v / s));
  };
  return { n, m, d, x: pts(n), y: pts(m), f: Float32Array.from(rng.normalArray(n), (v) => 0.5 * v), g: Float32Array.from(rng.normalArray(m), (v) => 0.5 * v), logA: logW(n), logB: logW(m), eps };
}

const maxAbs = (v: ArrayLike<number>): number => Array.from(v).reduce((a, b) => Math.max(a, Math.abs(b)), 0);

/**
 * Error budget of one float32 half step against float64 (per output, absolute). The output is −ε·LSE(z) with
 * z_k = (pot_k − C_k)/ε, so an error δz_k moves it by ε·Σ_k w_k·δz_k, w the softmax of z: the pair cost (d rounded
 * squares and their sum) and the fma fold give ε·δz_k ≤ (d + 4)·u·C_k + 4u·|pot_k|, i.e. (d + 4)·u·E_w[C] + 4u·max|pot|
 * after weighting; exp2 is accurate to (3 + 2|x|) ulp, which the 2^x weight caps near 6u of S; summing nIn terms is
 * ≤ nIn·u of S; log2 near 1 is absolute 2^-21. The LSE errors are multiplied by ε; the final rounding is u·|out|.
 * Twice that, for safety.
 */
function tolerance(p: Problem, axis: 'rows' | 'cols', webgpu: boolean): { rtol: number; atol: number } {
  const rows = axis === 'rows';
  const [nOut, nIn] = rows ? [p.n, p.m] : [p.m, p.n];
  const pt = rows ? p.g : p.f;
  let ew = 0;
  for (let o = 0; o < nOut; o++) {
    const c = Float64Array.from({ length: nIn }, (_, k) => {
      const [i, j] = rows ? [o, k] : [k, o];
      let s = 0;
      for (let t = 0; t < p.d; t++) s += (p.x[i * p.d + t]! - p.y[j * p.d + t]!) ** 2;
      return s;
    });
    const z = Array.from(c, (ck, k) => (pt[k]! - ck) / p.eps);
    const mx = Math.max(...z);
    const w = z.map((v) => Math.exp(v - mx));
    const sw = w.reduce((a, b) => a + b, 0);
    ew = Math.max(ew, w.reduce((a, wk, k) => a + (wk / sw) * c[k]!, 0));
  }
  const pot = maxAbs(pt);
  // CPU kernels accumulate in float64: only the final rounding and the float64 LSE remain.
  if (!webgpu) return { rtol: 2 * u, atol: 1e-12 * (1 + ew + pot) };
  const atol = 2 * (u * ((p.d + 4) * ew + 4 * pot + p.eps * (6 + 2 * nIn)) + p.eps * 2 ** -21);
  return { rtol: 2 * u, atol };
}

async function check(p: Problem, axis: 'rows' | 'cols', webgpu: boolean, label: string): Promise<void> {
  const pot = axis === 'rows' ? p.g : p.f;
  const lm = axis === 'rows' ? p.logA : p.logB;
  const x = tf.tensor2d(p.x, [p.n, p.d]);
  const y = tf.tensor2d(p.y, [p.m, p.d]);
  const before = tf.memory().numTensors;
  const out = sinkhornOnlineHalfStep({ x, y, potential: pot, logMarginal: lm, eps: p.eps, axis });
  // Only the output survives the call (the converted potential and log-marginal and any partials are freed).
  expect(tf.memory().numTensors).toBe(before + 1);
  const expected = sinkhornOnlineHalfStepReference(p.x, p.y, p.n, p.m, p.d, pot, lm, p.eps, axis);
  assertAllClose(await out.data(), expected, { ...tolerance(p, axis, webgpu), label: `${label} ${axis}` });
  tf.dispose([x, y, out]);
}

const saved = { ...sinkhornOnlineTuning };
afterEach(() => {
  Object.assign(sinkhornOnlineTuning, saved);
  for (const k of ['rowsPerThread', 'tile', 'workgroupSize'] as const) if (saved[k] === undefined) delete sinkhornOnlineTuning[k];
});

describeEachBackend('sinkhornOnlineHalfStep', (backend) => {
  const webgpu = backend === 'webgpu';

  it('matches the float64 reference on both axes for every point dimension up to 64', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom(1, 2, 3, 4, 5, 8, 13, 16, 17, 33, 64),
        fc.constantFrom(0.05, 0.2, 1),
        fc.integer({ min: 0, max: 1e6 }),
        async (n, m, d, eps, seed) => {
          const p = problem(seed, n, m, d, eps);
          for (const axis of ['rows', 'cols'] as const) await check(p, axis, webgpu, `n=${n} m=${m} d=${d}`);
        },
      ),
      { numRuns: webgpu ? 15 : 40 },
    );
  });

  it('agrees with the materialised half step on pairwiseSqDist(x, y)', async () => {
    const p = problem(3, 70, 45, 3, 0.1);
    const x = tf.tensor2d(p.x, [p.n, p.d]);
    const y = tf.tensor2d(p.y, [p.m, p.d]);
    const C = pairwiseSqDist(x, y);
    for (const axis of ['rows', 'cols'] as const) {
      const pot = axis === 'rows' ? p.g : p.f;
      const lm = axis === 'rows' ? p.logA : p.logB;
      const online = sinkhornOnlineHalfStep({ x, y, potential: pot, logMarginal: lm, eps: p.eps, axis });
      const dense = sinkhornHalfStep({ C, potential: pot, logMarginal: lm, eps: p.eps, axis });
      // Both are within their float64 budgets (the materialised one has the same error terms), so within twice one.
      const t = tolerance(p, axis, true);
      assertAllClose(await online.data(), await dense.data(), { rtol: 2 * t.rtol, atol: 2 * t.atol, label: axis });
      tf.dispose([online, dense]);
    }
    tf.dispose([x, y, C]);
  });

  it('matches the reference on shapes that are not multiples of the tiles, one chunk or many', async () => {
    for (const [n, m, d] of [[1043, 2050, 2], [517, 389, 17], [130, 301, 64]] as const) {
      const p = problem(n + d, n, m, d, 0.05);
      for (const targetWorkgroups of [1, 4096]) {
        sinkhornOnlineTuning.targetWorkgroups = targetWorkgroups;
        for (const axis of ['rows', 'cols'] as const) await check(p, axis, webgpu, `${n}x${m}x${d} target ${targetWorkgroups}`);
      }
    }
  });

  it.runIf(webgpu)('every tuning variant (rows per thread, tile, workgroup size) computes the same half step', async () => {
    const p = problem(17, 300, 257, 5, 0.2);
    for (const [rowsPerThread, tile, workgroupSize] of [[1, 4, 32], [3, 36, 256], [8, 256, 32], [2, 128, 64]] as const) {
      Object.assign(sinkhornOnlineTuning, { rowsPerThread, tile, workgroupSize, targetWorkgroups: 64 });
      await check(p, 'rows', true, `rows ${rowsPerThread} tile ${tile} wg ${workgroupSize}`);
    }
  });

  it.runIf(webgpu)("the 'dot' form (‖x‖² + ‖y‖² − 2x·y) matches within its cancellation budget", async () => {
    for (const [n, m, d] of [[300, 257, 2], [130, 101, 16]] as const) {
      const p = problem(31 + d, n, m, d, 0.1);
      for (const targetWorkgroups of [1, 4096]) {
        Object.assign(sinkhornOnlineTuning, { form: 'dot', targetWorkgroups });
        for (const axis of ['rows', 'cols'] as const) {
          const pot = axis === 'rows' ? p.g : p.f;
          const lm = axis === 'rows' ? p.logA : p.logB;
          const x = tf.tensor2d(p.x, [n, d]);
          const y = tf.tensor2d(p.y, [m, d]);
          const out = sinkhornOnlineHalfStep({ x, y, potential: pot, logMarginal: lm, eps: p.eps, axis });
          // Each of ‖x‖², ‖y‖², 2x·y carries d roundings of terms up to max‖·‖² (the folds add a few more): the
          // diff form's budget with (2d + 8)·u·(max‖x‖² + max‖y‖²) in place of its pair-cost term.
          const norms = (v: Float32Array) => Math.max(...Array.from({ length: v.length / d }, (_, i) => v.subarray(i * d, (i + 1) * d).reduce((a, b) => a + b * b, 0)));
          const t = tolerance(p, axis, true);
          const atol = t.atol + 2 * u * (2 * d + 8) * (norms(p.x) + norms(p.y));
          assertAllClose(await out.data(), sinkhornOnlineHalfStepReference(p.x, p.y, n, m, d, pot, lm, p.eps, axis), { rtol: t.rtol, atol, label: `dot ${n}x${m}x${d} ${axis}` });
          tf.dispose([x, y, out]);
        }
      }
    }
  });

  it('with logWeights (the KL form of ot-matching) matches the float64 reference, one chunk or many, any d', async () => {
    for (const [n, m, d] of [[37, 29, 1], [70, 45, 3], [1043, 389, 2], [130, 101, 17]] as const) {
      const p = problem(n * 7 + d, n, m, d, 0.1);
      for (const targetWorkgroups of [1, 4096]) {
        sinkhornOnlineTuning.targetWorkgroups = targetWorkgroups;
        for (const axis of ['rows', 'cols'] as const) {
          const rows = axis === 'rows';
          const pot = rows ? p.g : p.f;
          const lw = rows ? p.logB : p.logA;
          const x = tf.tensor2d(p.x, [n, d]);
          const y = tf.tensor2d(p.y, [m, d]);
          const before = tf.memory().numTensors;
          const out = sinkhornOnlineHalfStep({ x, y, potential: pot, logWeights: lw, eps: p.eps, axis });
          expect(tf.memory().numTensors).toBe(before + 1);
          const expected = sinkhornOnlineHalfStepReference(p.x, p.y, n, m, d, pot, null, p.eps, axis, lw);
          // The KL form's exponent (pot − C)/ε + log w is the absorbed form's with pot + ε·log w: the budget of that
          // problem (its max |pot| also covers the rounding of the added log-weights).
          const shifted = Float32Array.from(pot, (v, k) => v + p.eps * lw[k]!);
          const t = tolerance({ ...p, ...(rows ? { g: shifted } : { f: shifted }) }, axis, webgpu);
          assertAllClose(await out.data(), expected, { ...t, label: `kl ${n}x${m}x${d} target ${targetWorkgroups} ${axis}` });
          tf.dispose([x, y, out]);
        }
      }
    }
  });

  it('is exact where the cost is constant: one point per side gives eps·log a − (g − C)', async () => {
    // LSE over one term is the term itself: f = ε log a − (g − ‖x − y‖²), no exp or log error to speak of.
    const x = tf.tensor2d([[1, 2, 3]]);
    const y = tf.tensor2d([[0, 0, 1]]);
    const out = sinkhornOnlineHalfStep({ x, y, potential: [0.25], logMarginal: [0], eps: 0.5, axis: 'rows' });
    // 0 − (0.25 − 9): exact in float32; the device path runs through exp2/log2 of 1, within ε·2^-21.
    assertAllClose(await out.data(), [8.75], { rtol: 2 * u, atol: 0.5 * 2 ** -21, label: 'single pair' });
    tf.dispose([x, y, out]);
  });

  it('rejects bad arguments naming the argument, and leaves no tensor behind', () => {
    const x = tf.zeros([4, 3]);
    const y = tf.zeros([5, 3]);
    const base = { x, y, potential: tf.zeros([5]), logMarginal: tf.zeros([4]), eps: 1, axis: 'rows' as const };
    const y2 = tf.zeros([5, 2]);
    const xi = tf.zeros([4, 3], 'int32');
    const before = tf.memory().numTensors;
    expect(() => sinkhornOnlineHalfStep({ ...base, y: y2 })).toThrow(/sinkhornOnlineHalfStep: y must be a 2-D tensor \[m, 3\] \(the point dimension of x\), got shape \[5, 2\]/);
    expect(() => sinkhornOnlineHalfStep({ ...base, x: [Array<number>(65).fill(0)], y: [Array<number>(65).fill(0)] })).toThrow(
      /x must be a 2-D tensor \[points, d\] with 1 to 16777216 points and 1 ≤ d ≤ 64, got shape \[1, 65\]/,
    );
    expect(() => sinkhornOnlineHalfStep({ ...base, x: [1, 2, 3] })).toThrow(/x must be a 2-D tensor \[points, d\]/);
    expect(() => sinkhornOnlineHalfStep({ ...base, potential: [0, 0, 0, 0] })).toThrow(/potential must be a 1-D tensor of length 5 \(points of y\), got shape \[4\]/);
    expect(() => sinkhornOnlineHalfStep({ ...base, axis: 'cols', potential: [0, 0, 0, 0], logMarginal: [0, 0] })).toThrow(
      /logMarginal must be a 1-D tensor of length 5 \(points of y\), got shape \[2\]/,
    );
    expect(() => sinkhornOnlineHalfStep({ ...base, eps: 0 })).toThrow(/eps must be a finite number > 0, got 0/);
    expect(() => sinkhornOnlineHalfStep({ ...base, eps: Number.NaN })).toThrow(/eps must be a finite number > 0, got NaN/);
    expect(() => sinkhornOnlineHalfStep({ ...base, axis: 'diag' as 'rows' })).toThrow(/axis must be 'rows' or 'cols', got 'diag'/);
    expect(() => sinkhornOnlineHalfStep({ ...base, x: xi })).toThrow(/x must be a float32 tensor, got an int32 tensor/);
    expect(() => sinkhornOnlineHalfStep({ ...base, blur: 1 } as never)).toThrow(/args has an unknown key 'blur'/);
    expect(() => sinkhornOnlineHalfStep({ ...base, logWeights: [0, 0] })).toThrow(/logWeights must be a 1-D tensor of length 5 \(points of y\), got shape \[2\]/);
    expect(() => sinkhornOnlineHalfStep({ ...base, logMarginal: undefined })).toThrow(/sinkhornOnlineHalfStep: logWeights must be a 1-D tensor of length 5 \(points of y; or give logMarginal\), got undefined/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y, y2, xi, base.potential, base.logMarginal]);
  });
});
