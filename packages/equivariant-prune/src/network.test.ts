import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { createRng } from '@lemma/gpu-kernels';
import { deepSetsBasis, maron1to2Basis } from './closed-forms';
import { networkForwardF64 } from './forward-f64';
import { checkNetwork, inputSize, layerDenseMatrix, maskedCoeffs, outputSize, randomLayer } from './network';

describe('layers parameterised by basis coefficients', () => {
  test.prop([fc.integer({ min: 0, max: 1e6 }), fc.double({ min: 0.01, max: 10, noNaN: true })], { numRuns: 10 })(
    'randomLayer draws cOut·cIn·|B| coefficients in [-scale, scale], reproducibly from the seed',
    (seed, scale) => {
      const l = randomLayer(deepSetsBasis(4), 3, 2, createRng(seed), scale);
      expect(l.coeffs.length).toBe(2 * 3 * 2);
      expect(l.coeffs.every((c) => Math.abs(c) <= scale)).toBe(true);
      expect(randomLayer(deepSetsBasis(4), 3, 2, createRng(seed), scale).coeffs).toEqual(l.coeffs);
    },
  );

  test.prop([fc.integer({ min: 0, max: 1e6 })], { numRuns: 10 })('the dense matrix applied to x equals the float64 forward (Kronecker layout)', (seed) => {
    const rng = createRng(seed);
    const l = randomLayer(maron1to2Basis(3), 2, 2, rng);
    const w = layerDenseMatrix(l);
    const rows = 2 * 9;
    const cols = 2 * 3;
    expect(w.length).toBe(rows * cols);
    const x = rng.normalArray(cols);
    const y = networkForwardF64({ layers: [l] }, x, 1);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let c = 0; c < cols; c++) s += w[r * cols + c]! * x[c]!;
      // One row sums at most cols·|B| products of O(1) terms: float64 rounding stays far below 1e-12.
      expect(Math.abs(s - y[r]!)).toBeLessThan(1e-12);
    }
  });

  it('maskedCoeffs zeroes exactly the pruned coefficients, and the dense matrix follows the mask', () => {
    const l = randomLayer(deepSetsBasis(3), 1, 1, createRng(3));
    const masked = { ...l, mask: Uint8Array.from([1, 0]) };
    expect(Array.from(maskedCoeffs(masked))).toEqual([l.coeffs[0], 0]);
    expect(maskedCoeffs(l)).toBe(l.coeffs);
    // Only the identity coefficient survives: W = alpha_0 I.
    expect(Array.from(layerDenseMatrix(masked))).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1].map((v) => (v ? l.coeffs[0]! : 0)));
  });

  it('input and output widths, and a chain whose copies do not match is rejected', () => {
    const rng = createRng(4);
    const net = { layers: [randomLayer(maron1to2Basis(3), 2, 4, rng), randomLayer(deepSetsBasis(9), 4, 1, rng)] };
    expect(inputSize(net)).toBe(2 * 3);
    expect(outputSize(net)).toBe(1 * 9);
    expect(() => checkNetwork('t', { layers: [net.layers[1]!, net.layers[0]!] })).toThrow(/t: layer 1 expects 2 copies of dim 3, layer 0 gives 1 copies of dim 9/);
  });
});
