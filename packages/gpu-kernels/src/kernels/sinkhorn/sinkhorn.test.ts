import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { arbMatrix, arbSimplex } from '../../testing/arbitraries';
import { describeEachBackend } from '../../testing/backends';
import { assertAllClose } from '../../testing/numeric';
import { sinkhornHalfStep, sinkhornIterations, sinkhornMarginalError, sinkhornPlan } from './index';
import { sinkhornHalfStepReference, sinkhornPlanReference } from './reference';
import { createRng } from '../../rng/rng';

const arbProblem = arbMatrix({ minRows: 2, maxRows: 40, minCols: 2, maxCols: 40, scale: 1 }).chain((c) =>
  fc.record({ c: fc.constant(c), a: arbSimplex(c.rows), b: arbSimplex(c.cols), eps: fc.constantFrom(0.05, 0.2, 1) }),
);

async function solve(C: tf.Tensor, logA: tf.Tensor, logB: tf.Tensor, eps: number, iters: number): Promise<{ f: tf.Tensor; g: tf.Tensor }> {
  return sinkhornIterations({ C, logA, logB, eps, iterations: iters });
}

describeEachBackend('sinkhornHalfStep', () => {
  it('matches the float64 reference on both axes', async () => {
    await fc.assert(
      fc.asyncProperty(arbProblem, fc.float32Array({ minLength: 40, maxLength: 40, min: -1, max: 1, noNaN: true }), async ({ c, a, b, eps }, pot) => {
        const C = tf.tensor2d(Float32Array.from(c.data), [c.rows, c.cols]);
        for (const axis of ['rows', 'cols'] as const) {
          const potLen = axis === 'rows' ? c.cols : c.rows;
          const marg = axis === 'rows' ? a : b;
          const p = Float32Array.from(pot.subarray(0, potLen));
          const lm = Float32Array.from(marg, Math.log);
          const out = sinkhornHalfStep({ C, potential: p, logMarginal: lm, eps, axis });
          // eps·LSE((p − C)/eps): the exponent has relative error ~u, i.e. absolute (|p|+|C|)/eps·u ≤ 2u/eps per
          // term, which eps multiplies back: ~2u absolute, plus eps·len·u from the sum and u·|out| from rounding.
          const len = axis === 'rows' ? c.cols : c.rows;
          const expected = sinkhornHalfStepReference(Float32Array.from(c.data), c.rows, c.cols, p, lm, eps, axis);
          assertAllClose(await out.data(), expected, { rtol: 4 * 2 ** -24, atol: (8 + 4 * eps * len) * 2 ** -24 + 2e-6, label: axis });
          out.dispose();
        }
        C.dispose();
      }),
      { numRuns: 15 },
    );
  });

  it('with logWeights (the KL form of ot-matching), alone or with logMarginal, matches the float64 reference', async () => {
    await fc.assert(
      fc.asyncProperty(arbProblem, fc.float32Array({ minLength: 40, maxLength: 40, min: -1, max: 1, noNaN: true }), fc.boolean(), async ({ c, a, b, eps }, pot, both) => {
        const C = tf.tensor2d(Float32Array.from(c.data), [c.rows, c.cols]);
        for (const axis of ['rows', 'cols'] as const) {
          const rows = axis === 'rows';
          const p = Float32Array.from(pot.subarray(0, rows ? c.cols : c.rows));
          const lw = Float32Array.from(rows ? b : a, Math.log);
          const lm = both ? Float32Array.from(rows ? a : b, Math.log) : null;
          const out = sinkhornHalfStep({ C, potential: p, logWeights: lw, ...(lm ? { logMarginal: lm } : {}), eps, axis });
          // As above, with the exponent's log-weight term adding u·|log w| ≤ u·log(1/min w) per term (inside the
          // LSE, so not multiplied by 1/ε): a few u more of absolute error after the final ε·.
          const len = rows ? c.cols : c.rows;
          const lwMax = Math.max(...Array.from(lw, Math.abs));
          const expected = sinkhornHalfStepReference(Float32Array.from(c.data), c.rows, c.cols, p, lm, eps, axis, lw);
          assertAllClose(await out.data(), expected, { rtol: 4 * 2 ** -24, atol: (8 + 4 * eps * len + 4 * eps * lwMax) * 2 ** -24 + 2e-6, label: `kl ${axis}` });
          out.dispose();
        }
        C.dispose();
      }),
      { numRuns: 15 },
    );
  });

  it('the KL form equals the absorbed form with the potential shifted by ε·log w (shapes across the tiles)', async () => {
    const rng = createRng(19);
    for (const [n, m, eps] of [[1043, 132, 0.05], [37, 260, 0.2], [5, 3, 1]] as const) {
      const c = Float32Array.from(rng.uniformArray(n * m));
      const C = tf.tensor2d(c, [n, m]);
      for (const axis of ['rows', 'cols'] as const) {
        const rows = axis === 'rows';
        const len = rows ? m : n;
        const p = Float32Array.from(rng.normalArray(len), (v) => 0.5 * v);
        const lw = new Float32Array(len).fill(-Math.log(len));
        const kl = sinkhornHalfStep({ C, potential: p, logWeights: lw, eps, axis });
        const absorbed = sinkhornHalfStep({ C, potential: Float32Array.from(p, (v, k) => v + eps * lw[k]!), logMarginal: new Float32Array(rows ? n : m), eps, axis });
        // The same LSE in exact arithmetic; in float32 the shift is rounded once (u·|p + ε log w|).
        assertAllClose(await kl.data(), await absorbed.data(), { rtol: 4 * 2 ** -24, atol: (16 + 4 * eps * len) * 2 ** -24 + 4e-6, label: `${n}x${m} ${axis}` });
        tf.dispose([kl, absorbed]);
      }
      C.dispose();
    }
  });

  it("the 'cols' half step matches the reference on tall shapes that are not multiples of the tiles", async () => {
    const rng = createRng(9);
    for (const [n, m, eps] of [[1043, 132, 0.05], [2050, 7, 0.2]] as const) {
      const c = Float32Array.from(rng.uniformArray(n * m));
      const p = Float32Array.from(rng.normalArray(n), (v) => 0.5 * v);
      const lm = new Float32Array(m).fill(-Math.log(m));
      const out = sinkhornHalfStep({ C: tf.tensor2d(c, [n, m]), potential: p, logMarginal: lm, eps, axis: 'cols' });
      const expected = sinkhornHalfStepReference(c, n, m, p, lm, eps, 'cols');
      assertAllClose(await out.data(), expected, { rtol: 4 * 2 ** -24, atol: (8 + 4 * eps * n) * 2 ** -24 + 2e-6, label: `${n}x${m}` });
      out.dispose();
    }
  });

  it('marginals converge when alternating half steps, and the error is reported', async () => {
    const { c, a, b } = fc.sample(arbProblem, { numRuns: 1, seed: 7 })[0]!;
    const C = tf.tensor2d(Float32Array.from(c.data), [c.rows, c.cols]);
    const logA = tf.tensor1d(Float32Array.from(a, Math.log));
    const logB = tf.tensor1d(Float32Array.from(b, Math.log));
    const eps = 0.1;
    const early = await solve(C, logA, logB, eps, 1);
    const e1 = (await sinkhornMarginalError({ C, f: early.f, g: early.g, logMarginal: logA, eps }).data())[0]!;
    const { f, g } = await solve(C, logA, logB, eps, 300);
    const e2 = (await sinkhornMarginalError({ C, f, g, logMarginal: logA, eps }).data())[0]!;
    const P = sinkhornPlanReference(c.data, c.rows, c.cols, await f.data(), await g.data(), eps);
    const rowSums = Array.from({ length: c.rows }, (_, i) => P.slice(i * c.cols, (i + 1) * c.cols).reduce((s, v) => s + v, 0));
    const colSums = Array.from({ length: c.cols }, (_, j) => rowSums.reduce((s, _v, i) => s + P[i * c.cols + j]!, 0));
    // float32 potentials: each plan entry carries relative error ~|f|/eps·u; 1e-4 on probabilities is generous.
    assertAllClose(rowSums, a, { rtol: 0, atol: 1e-4, label: 'P·1' });
    assertAllClose(colSums, b, { rtol: 0, atol: 1e-4, label: 'Pᵀ·1' });
    expect(e2).toBeLessThan(1e-3);
    expect(e2).toBeLessThan(e1);
    const colErr = (await sinkhornMarginalError({ C, f, g, logMarginal: logB, eps, axis: 'cols' }).data())[0]!;
    expect(colErr).toBeLessThan(1e-3);
  });

  it('the plan is invariant to adding row and column constants to C', async () => {
    const { c, a, b } = fc.sample(arbProblem, { numRuns: 1, seed: 11 })[0]!;
    const C = tf.tensor2d(Float32Array.from(c.data), [c.rows, c.cols]);
    const r = tf.tensor2d(Array.from({ length: c.rows }, (_, i) => [0.5 * Math.sin(i)]));
    const k = tf.tensor2d([Array.from({ length: c.cols }, (_, j) => 0.3 * Math.cos(j))]);
    const C2 = tf.add(tf.add(C, r), k);
    const logA = tf.tensor1d(Float32Array.from(a, Math.log));
    const logB = tf.tensor1d(Float32Array.from(b, Math.log));
    const eps = 0.2;
    const s1 = await solve(C, logA, logB, eps, 200);
    const s2 = await solve(C2, logA, logB, eps, 200);
    const P1 = await sinkhornPlan({ C, f: s1.f, g: s1.g, eps }).data();
    const P2 = await sinkhornPlan({ C: C2, f: s2.f, g: s2.g, eps }).data();
    // Both plans are float32 fixed points; entries agree to ~1e-5 of total mass.
    assertAllClose(P2, P1, { rtol: 1e-3, atol: 2e-5, label: 'plan' });
  });

  it('rejects bad arguments with errors naming what was expected', () => {
    const C = tf.zeros([4, 3]);
    expect(() => sinkhornHalfStep({ C, potential: tf.zeros([4]), logMarginal: tf.zeros([4]), eps: 1, axis: 'rows' })).toThrow(
      /sinkhornHalfStep: potential must be a 1-D tensor of length 3 \(columns of C\), got shape \[4\]/,
    );
    expect(() => sinkhornHalfStep({ C, potential: tf.zeros([4]), logMarginal: tf.zeros([4]), eps: 1, axis: 'cols' })).toThrow(
      /logMarginal must be a 1-D tensor of length 3 \(columns of C\), got shape \[4\]/,
    );
    expect(() => sinkhornHalfStep({ C, potential: tf.zeros([3]), logMarginal: tf.zeros([4]), eps: 0, axis: 'rows' })).toThrow(/eps must be a finite number > 0, got 0/);
    expect(() => sinkhornHalfStep({ C, potential: tf.zeros([3]), logMarginal: tf.zeros([4]), eps: 1, axis: 'x' as 'rows' })).toThrow(/axis must be 'rows' or 'cols'/);
    expect(() => sinkhornHalfStep({ C: tf.zeros([3]), potential: tf.zeros([3]), logMarginal: tf.zeros([4]), eps: 1, axis: 'rows' })).toThrow(/C must be a 2-D tensor/);
    expect(() => sinkhornHalfStep({ C, potential: tf.zeros([3]), logWeights: tf.zeros([4]), eps: 1, axis: 'rows' })).toThrow(
      /sinkhornHalfStep: logWeights must be a 1-D tensor of length 3 \(columns of C\), got shape \[4\]/,
    );
    expect(() => sinkhornHalfStep({ C, potential: tf.zeros([3]), eps: 1, axis: 'rows' })).toThrow(/sinkhornHalfStep: logWeights must be a 1-D tensor of length 3 \(columns of C; or give logMarginal\), got undefined/);
  });
});

describeEachBackend('sinkhornIterations', () => {
  it('k + k warm-started iterations equal 2k from zeros, and bad counts are rejected', async () => {
    const rng = createRng(5);
    const n = 12;
    const C = tf.tensor2d(Float32Array.from(rng.uniformArray(n * n)), [n, n]);
    const logW = tf.fill([n], Math.log(1 / n));
    const full = sinkhornIterations({ C, logA: logW, logB: logW, eps: 0.1, iterations: 6 });
    const half = sinkhornIterations({ C, logA: logW, logB: logW, eps: 0.1, iterations: 3 });
    const rest = sinkhornIterations({ C, logA: logW, logB: logW, eps: 0.1, iterations: 3, f: half.f, g: half.g });
    // Same kernels in the same order: identical float32 results.
    expect(Array.from(await rest.f.data())).toEqual(Array.from(await full.f.data()));
    expect(Array.from(await rest.g.data())).toEqual(Array.from(await full.g.data()));
    expect(() => sinkhornIterations({ C, logA: logW, logB: logW, eps: 0.1, iterations: 0 })).toThrow(/positive integer/);
    tf.dispose([C, logW, full.f, full.g, half.f, half.g, rest.f, rest.g]);
  });
});
