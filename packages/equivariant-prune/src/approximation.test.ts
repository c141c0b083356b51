import { describe, expect, it } from 'vitest';
import { createRng } from '@lemma/gpu-kernels';
import { estimateSupError, randomUnitVectors, telescopingBound } from './approximation';
import { maron2to2Basis } from './closed-forms';
import { type EquivariantNetwork, layerDenseMatrix, randomLayer } from './network';
import { frobeniusNorm, operatorNorm } from './sparse';

describe('measured sup error and certified bounds', () => {
  it('unit vectors are unit', () => {
    const x = randomUnitVectors(4, 7, 0);
    for (let r = 0; r < 4; r++) expect(frobeniusNorm(x.subarray(r * 7, r * 7 + 7))).toBeCloseTo(1, 12);
  });
  it('estimateSupError with ascent reaches the exact sup of a linear error map, probes alone stay below', () => {
    const rng = createRng(12);
    const b = maron2to2Basis(5);
    const f: EquivariantNetwork = { layers: [randomLayer(b, 2, 2, rng)] };
    const g: EquivariantNetwork = { layers: [{ ...f.layers[0]!, coeffs: f.layers[0]!.coeffs.map((c) => 0.5 * c) }] };
    // f - g = W/2 is linear, so sup over the unit ball = ‖W‖_op / 2.
    const exact = operatorNorm(layerDenseMatrix(f.layers[0]!), 50, 50, 2000) / 2;
    const probes = estimateSupError(f, g, 64, 1).max;
    const ascent = estimateSupError(f, g, 64, 1, { ascentSteps: 60 }).max;
    expect(probes).toBeLessThan(0.9 * exact);
    expect(ascent).toBeGreaterThan(0.999 * exact);
    expect(ascent).toBeLessThanOrEqual(exact * (1 + 1e-9));
    expect(() => estimateSupError(f, g, 8, 1, { steps: 3 } as never)).toThrow(/unknown option 'steps'/);
  });

  it('telescopingBound is prod(1 + delta_i) - 1: at least the sum, 0 for no layers', () => {
    expect(telescopingBound([0.1, 0.2])).toBeCloseTo(1.1 * 1.2 - 1, 15);
    expect(telescopingBound([0.1, 0.2])).toBeGreaterThan(0.3);
    expect(telescopingBound([])).toBe(0);
  });
});
