import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { createRng } from '@lemma/gpu-kernels';
import { deepSetsBasis, maron2to1Basis, maron2to2Basis } from './closed-forms';
import { actOnBatch, groupElementPairs } from './equivariance';
import { layerForwardF64, networkForwardF64, networkVjpF64, reluInPlace } from './forward-f64';
import { symmetricGroup } from './groups';
import { type EquivariantNetwork, layerDenseMatrix, randomLayer } from './network';

describe('float64 reference forward', () => {
  test.prop([fc.integer({ min: 0, max: 1e6 })], { numRuns: 20 })('ReLU commutes with permutations; x = relu(x) - relu(-x)', (seed) => {
    const rng = createRng(seed);
    const a = symmetricGroup(4).pairs();
    const x = rng.normalArray(3 * a.dim);
    for (const [g] of groupElementPairs(a, a, 30)) {
      expect(reluInPlace(actOnBatch(g, x, 3, 1))).toEqual(actOnBatch(g, reluInPlace(Float64Array.from(x)), 3, 1));
    }
    const pos = reluInPlace(Float64Array.from(x));
    const neg = reluInPlace(x.map((v) => -v));
    pos.forEach((p, i) => expect(p - neg[i]!).toBe(x[i]));
  });

  it('ReLU does not commute with a non-permutation representation (why permutation actions are required)', () => {
    const x = Float64Array.from([1, -2]);
    const rot = (v: Float64Array) => Float64Array.from([-v[1]!, v[0]!]); // 90-degree rotation of R^2
    expect(reluInPlace(rot(x))).not.toEqual(rot(reluInPlace(Float64Array.from(x))));
  });

  // Wide-in/narrow-out layers take the output-first order, narrow-in/wide-out ones the input-first order; sparse
  // coefficients (as in pruned layers) change which slots and pairs exist.
  test.prop([fc.integer({ min: 0, max: 1e6 }), fc.constantFrom([12, 2], [2, 12], [3, 3]), fc.boolean(), fc.double({ min: 0, max: 0.9, noNaN: true })], { numRuns: 30 })(
    'a layer equals its dense matrix (both summation orders, sparse coefficients, 2→2 and 2→1 bases)',
    (seed, [cIn, cOut], twoToOne, sparsity) => {
      const rng = createRng(seed);
      const basis = twoToOne ? maron2to1Basis(4) : maron2to2Basis(4);
      const layer = randomLayer(basis, cIn, cOut, rng);
      for (let i = 0; i < layer.coeffs.length; i++) if (rng.uniform() < sparsity) layer.coeffs[i] = 0;
      const batch = 3;
      const x = rng.normalArray(batch * cIn * basis.dIn);
      const y = layerForwardF64(layer, x, batch);
      const W = layerDenseMatrix(layer);
      const rows = cOut * basis.dOut;
      const cols = cIn * basis.dIn;
      for (let n = 0; n < batch; n++) {
        for (let r = 0; r < rows; r++) {
          let want = 0;
          for (let c = 0; c < cols; c++) want += W[r * cols + c]! * x[n * cols + c]!;
          // Sums of <= 12·16·|B| O(1) products in two orders: ~1e-13 absolute.
          expect(Math.abs(y[n * rows + r]! - want)).toBeLessThan(1e-10);
        }
      }
    },
  );

  it('checks shapes with named errors', () => {
    // The DeepSets S5 case of equivariance.test.ts, channels [2, 3, 1], seed 1.
    const rng = createRng(1);
    const net: EquivariantNetwork = { layers: [randomLayer(deepSetsBasis(5), 2, 3, rng), randomLayer(deepSetsBasis(5), 3, 1, rng)] };
    expect(() => networkForwardF64(net, new Float64Array(3), 1)).toThrow(/x must have length/);
  });

  it('accepts the right coefficient length and returns finite values', () => {
    const good = randomLayer(deepSetsBasis(3), 2, 1, createRng(1));
    const x = new Float64Array(2 * 2 * 3).fill(0.5);
    const y = networkForwardF64({ layers: [good] }, x, 2);
    expect(y.length).toBe(2 * 3);
    expect(y.every(Number.isFinite)).toBe(true);
  });
});

describe('networkVjpF64', () => {
  it('matches central finite differences of <v, f(x)> (ReLU net away from kinks)', () => {
    const rng = createRng(4);
    const b = deepSetsBasis(4);
    const net: EquivariantNetwork = { layers: [randomLayer(b, 2, 3, rng), randomLayer(b, 3, 1, rng)] };
    const x = Float64Array.from({ length: 2 * 2 * 4 }, () => rng.normal());
    const v = Float64Array.from({ length: 2 * 4 }, () => rng.normal());
    const g = networkVjpF64(net, x, 2, v);
    const h = 1e-6;
    const dot = (y: Float64Array) => y.reduce((s, t, i) => s + t * v[i]!, 0);
    for (let i = 0; i < x.length; i++) {
      const xp = Float64Array.from(x);
      const xm = Float64Array.from(x);
      xp[i]! += h;
      xm[i]! -= h;
      const fd = (dot(networkForwardF64(net, xp, 2)) - dot(networkForwardF64(net, xm, 2))) / (2 * h);
      // Central differences of a piecewise-linear map are exact off kinks, up to rounding ~1e-16/h.
      expect(Math.abs(fd - g[i]!)).toBeLessThan(1e-7);
    }
    expect(() => networkVjpF64(net, x, 2, v.subarray(1))).toThrow(/networkVjpF64: v must have length/);
  });
});
