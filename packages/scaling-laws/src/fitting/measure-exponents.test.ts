import { describe, expect, it } from 'vitest';
import { measureComputeOptimalExponents } from './measure-exponents';

describe('measureComputeOptimalExponents with provided spectra', () => {
  it('requires one spectrum per size, of that size', () => {
    const s = { lambda: new Float64Array([1, 0.5]), rho0: new Float64Array([1, 1]), pInf: 0 };
    expect(() => measureComputeOptimalExponents({ alpha: 0.4, beta: 0.7, spectra: [s, s, s] })).toThrow(/same length/);
    expect(() => measureComputeOptimalExponents({ alpha: 0.4, beta: 0.7, sizes: [2, 3, 4], spectra: [s, s, s] })).toThrow(/spectra\[1\] has 2 eigenvalues, sizes\[1\] is 3/);
  });
});
