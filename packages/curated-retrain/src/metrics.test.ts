import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { createRng } from '@lemma/gpu-kernels';
import {
  binCount,
  binIndices,
  checkBinning,
  computeIterationMetrics,
  gridBinningFor,
  histogram,
  HISTOGRAM_PSEUDO_COUNT,
  quantileSorted,
  RewardQuantileLevels,
  type DensityBinning,
  type MetricsInput,
} from './metrics';
import { toSamples } from './samples';

/** Cell of x on one axis by scanning the cell edges lo + k (hi - lo) / bins (clamped into [0, bins - 1]). */
function cellRef(x: number, lo: number, hi: number, bins: number): number {
  const w = (hi - lo) / bins;
  let k = 0;
  while (k < bins - 1 && x >= lo + (k + 1) * w) k++;
  return k;
}

/** Linear-interpolation quantile (numpy's default): x[h] + frac(h) (x[h+1] - x[h]) at h = q (n - 1). */
function quantileRef(sorted: ArrayLike<number>, q: number): number {
  const h = q * (sorted.length - 1);
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

describe('binIndices and histogram', () => {
  it('rounds categorical values to classes, clamping into [0, numClasses - 1]', () => {
    const b: DensityBinning = { kind: 'categorical', numClasses: 3 };
    expect(Array.from(binIndices(toSamples([0, 1, 2, 2.4, -1, 7], 1), b))).toEqual([0, 1, 2, 2, 0, 2]);
    expect(binCount(b, 1)).toBe(3);
  });

  test.prop([fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 1e6 })], { numRuns: 60 })(
    'grid cells are row-major over axes (axis 0 slowest), with points outside clamped to the edge cells',
    (dim, bins, seed) => {
      const rng = createRng(seed);
      const lo = Array.from({ length: dim }, (_, k) => -1 - k);
      const hi = Array.from({ length: dim }, (_, k) => 2 + k);
      // Points spill 20% past the grid on each side so that the clamping is exercised.
      const range = (k: number): number => hi[k]! - lo[k]!;
      const s = toSamples(Float64Array.from({ length: 30 * dim }, (_, i) => lo[i % dim]! + (1.4 * rng.uniform() - 0.2) * range(i % dim)), dim);
      const binning: DensityBinning = { kind: 'grid', lo, hi, bins };
      const idx = binIndices(s, binning);
      const counts = new Float64Array(bins ** dim);
      for (let i = 0; i < s.n; i++) {
        let want = 0;
        for (let k = 0; k < dim; k++) want = want * bins + cellRef(s.data[i * dim + k]!, lo[k]!, hi[k]!, bins);
        expect(idx[i]).toBe(want);
        counts[want]!++;
      }
      expect(binCount(binning, dim)).toBe(bins ** dim);
      // Smoothed histogram: (count + 0.5) / (n + 0.5 B); one division each, so 2 ulps.
      const h = histogram(s, binning);
      const B = bins ** dim;
      h.forEach((v, c) => expect(Math.abs(v - (counts[c]! + HISTOGRAM_PSEUDO_COUNT) / (s.n + HISTOGRAM_PSEUDO_COUNT * B))).toBeLessThanOrEqual(2 * Number.EPSILON * v));
      // B <= 216 terms: 216 eps.
      expect(Math.abs(h.reduce((a, v) => a + v, 0) - 1)).toBeLessThan(216 * Number.EPSILON);
    },
  );

  it('takes a pseudo-count, 0 included for a non-empty sample, and rejects 0 on an empty one by message', () => {
    const b: DensityBinning = { kind: 'categorical', numClasses: 4 };
    expect(Array.from(histogram(toSamples([0, 0, 3, 1], 1), b, 0))).toEqual([0.5, 0.25, 0, 0.25]);
    expect(Array.from(histogram(toSamples([], 1), b))).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(() => histogram(toSamples([], 1), b, 0)).toThrow(/^histogram: pseudo must be a finite number >= 0 \(> 0 for an empty sample\), got 0$/);
  });
});

describe('checkBinning', () => {
  it('accepts categorical and grid binnings and rejects malformed ones by message', () => {
    expect(() => checkBinning('f', { kind: 'categorical', numClasses: 5 }, 1)).not.toThrow();
    expect(() => checkBinning('f', { kind: 'grid', lo: [0, 0], hi: [1, 1], bins: 3162 }, 2)).not.toThrow();
    expect(() => checkBinning('f', { kind: 'grid', lo: [0, 0], hi: [1, 1], bins: 3163 }, 2)).toThrow(/^f: binning.bins must be an integer in \[1, 3162\] \(bins\^dim cells must stay <= 1e7 at dim 2\), got 3163$/);
    expect(() => checkBinning('f', { kind: 'grid', lo: [0], hi: [1, 2], bins: 3 }, 1)).toThrow(/^f: binning.lo and binning.hi must be arrays of length dim=1, got 1 and 2$/);
    expect(() => checkBinning('f', { kind: 'grid', lo: [0, 2], hi: [1, 2], bins: 3 }, 2)).toThrow(/^f: binning needs finite lo\[k\] < hi\[k\] on every axis, got lo\[1\] = 2, hi\[1\] = 2$/);
    expect(() => checkBinning('f', null as unknown as DensityBinning, 1)).toThrow(/^f: binning must be a DensityBinning object, got null$/);
  });
});

describe('gridBinningFor', () => {
  it('covers the sample padded by 10% of its range on each axis (0.1 on a constant axis)', () => {
    const g = gridBinningFor(toSamples([[0, 5], [10, 5], [4, 5]]), 8);
    expect(g).toEqual({ kind: 'grid', lo: [-1, 4.9], hi: [11, 5.1], bins: 8 });
    expect(() => gridBinningFor(toSamples([[0, 5]]), 0)).toThrow(/gridBinningFor: bins must be an integer in \[1, 3162\] \(bins\^dim cells must stay <= 1e7 at dim 2\), got 0/);
  });
});

describe('quantileSorted', () => {
  test.prop([fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 30 }), fc.double({ min: 0, max: 1, noNaN: true })], { numRuns: 200 })(
    'interpolates linearly between order statistics (numpy linear method)',
    (xs, q) => {
      const sorted = Float64Array.from(xs).sort();
      // Two forms of one interpolation: a few roundings of values <= 100, so 1e-12 absolute.
      expect(Math.abs(quantileSorted(sorted, q) - quantileRef(sorted, q))).toBeLessThan(1e-12);
    },
  );

  it('gives the extremes at q = 0, 1 and the midpoint median of an even sample', () => {
    const s = Float64Array.of(1, 2, 4, 8);
    expect(quantileSorted(s, 0)).toBe(1);
    expect(quantileSorted(s, 1)).toBe(8);
    expect(quantileSorted(s, 0.5)).toBe(3);
  });
});

describe('computeIterationMetrics', () => {
  const xs = [0.2, 0.7, 1.1, 1.9, 2.5, 3.3, 3.4, 0.9];
  const real = [0.1, 0.5, 1.5, 1.6, 2.2, 2.9, 3.8, 1.0];
  const rewards = Float64Array.of(-1, 0.5, 2, 3, -0.25, 1, 1, 4);
  const binning: DensityBinning = { kind: 'grid', lo: [0], hi: [4], bins: 4 };
  const input = (): MetricsInput => ({
    iteration: 3,
    samples: toSamples(xs, 1),
    rewards,
    beta: 0.7,
    binning,
    dataHistogram: Float64Array.of(0.1, 0.2, 0.3, 0.4),
    initialHistogram: Float64Array.of(0.25, 0.25, 0.25, 0.25),
    classes: Int32Array.of(0, 1, 1, 2, 2, 2, 0, 1),
    numClasses: 3,
    realData: toSamples(real, 1),
    projectionSeed: 5,
    curatedCount: 6,
    realCount: 2,
  });

  it('matches float64 references for every field', () => {
    const m = computeIterationMetrics(input());
    const n = xs.length;
    let mean = 0;
    let meanExp = 0;
    for (const r of rewards) {
      mean += r;
      meanExp += Math.exp(0.7 * r);
    }
    // Sums of 8 terms of size <= e^2.8: ~1e-15 relative; 1e-13 is generous.
    expect(Math.abs(m.expectedReward - mean / n)).toBeLessThan(1e-13);
    expect(Math.abs(m.meanExpReward / (meanExp / n) - 1)).toBeLessThan(1e-13);
    const sorted = Float64Array.from(rewards).sort();
    expect(m.rewardQuantiles).toHaveLength(RewardQuantileLevels.length);
    m.rewardQuantiles.forEach((v, i) => expect(Math.abs(v - quantileRef(sorted, RewardQuantileLevels[i]!))).toBeLessThan(1e-13));
    // Bins of width 1 on [0, 4): counts 3, 2, 1, 2 -> (c + 0.5) / (8 + 0.5 * 4).
    const h = [0.35, 0.25, 0.15, 0.25];
    const d = [0.1, 0.2, 0.3, 0.4];
    let klData = 0;
    let klInit = 0;
    let ent = 0;
    for (let k = 0; k < 4; k++) {
      klData += d[k]! * Math.log(d[k]! / h[k]!);
      klInit += h[k]! * Math.log(h[k]! / 0.25);
      ent -= h[k]! * Math.log(h[k]!);
    }
    // 4-term sums of O(1) logs: 1e-13 absolute.
    expect(Math.abs(m.klToData! - klData)).toBeLessThan(1e-13);
    expect(Math.abs(m.klToInitial! - klInit)).toBeLessThan(1e-13);
    expect(Math.abs(m.entropy! - ent)).toBeLessThan(1e-13);
    expect(m.classProportions).toEqual([0.25, 0.375, 0.375]);
    // 1-D sliced W2 is exact: sqrt(mean (x_(i) - y_(i))^2) for equal sizes.
    const sx = Float64Array.from(xs).sort();
    const sy = Float64Array.from(real).sort();
    let w2 = 0;
    for (let i = 0; i < n; i++) w2 += (sx[i]! - sy[i]!) ** 2 / n;
    expect(Math.abs(m.wassersteinToData! - Math.sqrt(w2))).toBeLessThan(1e-13);
    expect(m).toMatchObject({ iteration: 3, sinkhornToData: null, curatedCount: 6, realCount: 2 });
  });

  it('leaves the binned, class and real-data metrics null when their inputs are', () => {
    const m = computeIterationMetrics({ ...input(), binning: null, dataHistogram: null, initialHistogram: null, classes: null, numClasses: null, realData: null });
    expect([m.klToData, m.klToInitial, m.entropy, m.classProportions, m.wassersteinToData]).toEqual([null, null, null, null, null]);
    expect(m.expectedReward).toBeCloseTo(computeIterationMetrics(input()).expectedReward, 15);
  });

  it('rejects inconsistent inputs by message', () => {
    const { realCount: _omit, ...missing } = input();
    expect(() => computeIterationMetrics(missing as MetricsInput)).toThrow(/^computeIterationMetrics: m.realCount is required \(null where the metric is not wanted\)$/);
    expect(() => computeIterationMetrics({ ...input(), rewards: rewards.subarray(1) })).toThrow(/^computeIterationMetrics: m.rewards must have length 8 \(one reward per sample\), got length 7$/);
    expect(() => computeIterationMetrics({ ...input(), binning: null, initialHistogram: null })).toThrow(/^computeIterationMetrics: m.dataHistogram and m.initialHistogram need m.binning, got binning null$/);
    expect(() => computeIterationMetrics({ ...input(), dataHistogram: Float64Array.of(0.5, 0.5) })).toThrow(/computeIterationMetrics: m.dataHistogram must have length 4 \(one probability per bin\), got length 2/);
    expect(() => computeIterationMetrics({ ...input(), classes: Int32Array.of(0, 1, 1, 2, 2, 3, 0, 1) })).toThrow(/^computeIterationMetrics: classify must return class indices in \[0, 2\], got 3$/);
  });
});
