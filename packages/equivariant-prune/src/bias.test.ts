import { describe, expect, it } from 'vitest';
import { effectiveBiasCoeffs, invariantVectors, layerBiasVector } from './bias';
import { deepSetsBasis } from './closed-forms';
import { actOnBatch } from './equivariance';
import { networkForwardF64 } from './forward-f64';
import { imageGroup, symmetricGroup } from './groups';
import { checkNetwork } from './network';

describe('G-invariant biases', () => {
  it('invariant vectors are fixed by every generator and span the orbits (1 for transitive, 2 for S_n on pairs)', () => {
    const s4 = symmetricGroup(4);
    const c4 = imageGroup('C4', 4, { translations: true });
    for (const [a, want] of [[s4.set(), 1], [s4.pairs(), 2], [c4.regularField(), 1], [imageGroup('C4', 3).scalarField(), 3]] as const) {
      const vs = invariantVectors(a);
      expect(vs.length).toBe(want);
      const total = new Float64Array(a.dim);
      for (const v of vs) {
        for (const g of a.generators) expect(actOnBatch(g, v, 1, 1)).toEqual(v);
        v.forEach((x, i) => (total[i]! += x));
      }
      expect(Array.from(total).every((x) => x === 1)).toBe(true);
    }
  });

  it('bias units: u_j = relu(lambda_j), masked units and coefficients drop out', () => {
    const b = deepSetsBasis(3);
    const layer = {
      basis: b,
      cIn: 1,
      cOut: 1,
      coeffs: new Float64Array(2),
      bias: { vectors: [Float64Array.from([1, 1, 1])], coeffs: Float64Array.from([2, 3, 5]), units: Float64Array.from([0.5, -1, 0.25]), mask: Uint8Array.from([1, 1, 0]) },
    };
    expect(Array.from(effectiveBiasCoeffs(layer)!)).toEqual([1]); // 0.5·2 + relu(-1)·3 + (masked) 0.25·5
    expect(Array.from(layerBiasVector(layer)!)).toEqual([1, 1, 1]);
    expect(Array.from(networkForwardF64({ layers: [layer] }, Float64Array.from([7, 8, 9]), 1))).toEqual([1, 1, 1]);
    expect(() => checkNetwork('t', { layers: [{ ...layer, bias: { ...layer.bias, coeffs: new Float64Array(2) } }] })).toThrow(/bias.coeffs must have length/);
  });
});
