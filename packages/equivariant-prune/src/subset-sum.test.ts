import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { createRng } from '@lemma/gpu-kernels';
import { bruteForceSubsetSum, solveSubsetSum, solveSubsetSumBatch } from './subset-sum';

const arbSamples = (maxLen: number) =>
  fc.array(fc.double({ min: -1, max: 1, noNaN: true, noDefaultInfinity: true }), { minLength: 0, maxLength: maxLen });
const arbTarget = fc.double({ min: -2, max: 2, noNaN: true, noDefaultInfinity: true });

// Two subsets can tie up to rounding of their sums (different association order): n·2^-52 per sum.
const tieTol = (n: number) => 4 * (n + 1) * 2 ** -52 * (n + 2);

describe('meet-in-the-middle subset sum', () => {
  test.prop([arbSamples(14), arbTarget], { numRuns: 80 })('equals brute force for n <= 14', (samples, target) => {
    const mitm = solveSubsetSum(samples, target);
    const brute = bruteForceSubsetSum(samples, target);
    expect(Math.abs(mitm.error - brute.error)).toBeLessThanOrEqual(tieTol(samples.length));
  });

  it('equals brute force at n = 16 on seeded instances', () => {
    const rng = createRng(5);
    for (let t = 0; t < 5; t++) {
      const s = Array.from(rng.uniformArray(16), (u) => 2 * u - 1);
      const z = 2 * rng.uniform() - 1;
      expect(Math.abs(solveSubsetSum(s, z).error - bruteForceSubsetSum(s, z).error)).toBeLessThanOrEqual(tieTol(16));
    }
  });

  test.prop([arbSamples(24), arbTarget], { numRuns: 60 })('the returned subset sums to the reported value', (samples, target) => {
    const sol = solveSubsetSum(samples, target);
    let s = 0;
    for (const i of sol.subset) s += samples[i]!;
    expect(sol.value).toBe(s);
    expect(sol.error).toBe(Math.abs(s - target));
    expect(new Set(sol.subset).size).toBe(sol.subset.length);
  });

  test.prop([arbSamples(20), fc.double({ min: -1, max: 1, noNaN: true }), arbTarget], { numRuns: 60 })(
    'adding a sample never increases the optimal error',
    (samples, extra, target) => {
      const before = solveSubsetSum(samples, target).error;
      const after = solveSubsetSum([...samples, extra], target).error;
      expect(after).toBeLessThanOrEqual(before + tieTol(samples.length + 1));
    },
  );

  it('batch solving equals one-by-one solving', () => {
    const rng = createRng(9);
    const n = 13;
    const count = 50;
    const samples = Float64Array.from(rng.uniformArray(n * count), (u) => 2 * u - 1);
    const targets = Float64Array.from(rng.uniformArray(count), (u) => 2 * u - 1);
    const batch = solveSubsetSumBatch(samples, targets, n);
    for (let i = 0; i < count; i++) {
      const one = solveSubsetSum(samples.subarray(i * n, (i + 1) * n), targets[i]!);
      expect(batch.error[i]).toBe(one.error);
      expect(Array.from(batch.selection.subarray(i * n, (i + 1) * n)).flatMap((v, j) => (v ? [j] : []))).toEqual(one.subset);
    }
  });

  it('median error decays about like 2^-n for U[-1, 1] samples (never a max-error assertion: heavy tail)', () => {
    const rng = createRng(2024);
    const trials = 200;
    const ns = [8, 12, 16, 20, 24];
    const medians = ns.map((n) => {
      const samples = Float64Array.from(rng.uniformArray(n * trials), (u) => 2 * u - 1);
      const targets = Float64Array.from(rng.uniformArray(trials), (u) => 2 * u - 1);
      const err = Float64Array.from(solveSubsetSumBatch(samples, targets, n).error).sort();
      return err[trials / 2]!;
    });
    // Paper notes (§3, 200 trials): ~2.7e-5 at n=16 and 1.2e-7 at n=24; allow 4x for seed noise.
    expect(medians[2]).toBeLessThan(1e-4);
    expect(medians[4]).toBeLessThan(1e-6);
    // Least-squares slope of log2(median) vs n: about -1 (one bit per sample).
    const mx = ns.reduce((a, b) => a + b) / ns.length;
    const ly = medians.map(Math.log2);
    const my = ly.reduce((a, b) => a + b) / ly.length;
    const slope = ns.reduce((s, x, i) => s + (x - mx) * (ly[i]! - my), 0) / ns.reduce((s, x) => s + (x - mx) ** 2, 0);
    expect(slope).toBeLessThan(-0.75);
    expect(slope).toBeGreaterThan(-1.3);
  });

  it('rejects bad inputs with named errors', () => {
    expect(() => solveSubsetSum([0.1, Number.NaN], 0)).toThrow(/samples must be finite/);
    expect(() => solveSubsetSum(new Array(41).fill(0.1), 0)).toThrow(/at most 40/);
    expect(() => solveSubsetSumBatch(new Float64Array(5), new Float64Array(2), 3)).toThrow(/length targets.length·n = 6/);
  });
});
