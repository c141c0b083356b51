/** Bad inputs of issue #16 for this package: each is rejected with an error that names the argument. */
import { describe, expect, it } from 'vitest';
import { createRng } from '@lemma/gpu-kernels';
import { deepSetsBasis, maron1to2Basis, maron2to1Basis, maron2to2Basis, setReadoutBasis } from './closed-forms';
import { layerForwardF64, networkForwardF64 } from './forward-f64';
import { randomLayer } from './network';
import { matrixRank, rowEchelon } from './nullspace';
import { sparseFromDense } from './sparse';

describe('networkForwardF64 rejects a coefficient array of the wrong length', () => {
  const basis = deepSetsBasis(3);
  const good = randomLayer(basis, 2, 1, createRng(1));
  const x = new Float64Array(2 * 2 * 3).fill(0.5);
  it('accepts the right length and returns finite values', () => {
    const y = networkForwardF64({ layers: [good] }, x, 2);
    expect(y.length).toBe(2 * 3);
    expect(y.every(Number.isFinite)).toBe(true);
  });
  for (const len of [0, 3, 5]) {
    it(`coeffs of length ${len} (want 4)`, () => {
      const bad = { ...good, coeffs: new Float64Array(len) };
      expect(() => networkForwardF64({ layers: [bad] }, x, 2)).toThrow(/coeffs must have length .* = 4, got/);
      expect(() => layerForwardF64(bad, x, 2)).toThrow(/coeffs must have length/);
    });
  }
  it('a NaN coefficient, a wrong x length and a bad batch', () => {
    const nan = { ...good, coeffs: Float64Array.from([1, NaN, 0, 0]) };
    expect(() => networkForwardF64({ layers: [nan] }, x, 2)).toThrow(/coeffs must be finite, got NaN at index 1/);
    expect(() => networkForwardF64({ layers: [good] }, x.subarray(1), 2)).toThrow(/networkForwardF64: x must have length/);
    expect(() => networkForwardF64({ layers: [good] }, x, 1.5)).toThrow(/batch must be a non-negative integer, got 1.5/);
    expect(() => networkForwardF64({ layers: [] }, x, 2)).toThrow(/at least one layer/);
  });
});

describe('randomLayer validates cIn, cOut and scale', () => {
  const basis = deepSetsBasis(3);
  for (const bad of [NaN, 0, 1.5, -1, Infinity, 'abc', 1e9]) {
    it(`cIn = ${String(bad)}`, () => {
      expect(() => randomLayer(basis, bad as number, 1, createRng(1))).toThrow(/randomLayer: cIn must be an integer in \[1, \d+\], got/);
    });
    it(`cOut = ${String(bad)}`, () => {
      expect(() => randomLayer(basis, 1, bad as number, createRng(1))).toThrow(/randomLayer: cOut must be an integer/);
    });
  }
  it('scale NaN and a bias vector of the wrong length', () => {
    expect(() => randomLayer(basis, 1, 1, createRng(1), NaN)).toThrow(/scale must be a finite number, got NaN/);
    expect(() => randomLayer(basis, 1, 1, createRng(1), 1, [new Float64Array(2)])).toThrow(/biasVectors\[0\] must have length dOut = 3, got 2/);
  });
});

describe('sparseFromDense keeps NaN from vanishing', () => {
  it('rejects NaN and infinities, naming dense and the index', () => {
    expect(() => sparseFromDense([1, NaN, 0, 2], 2, 2)).toThrow(/sparseFromDense: dense must be finite numbers, got NaN at index 1/);
    expect(() => sparseFromDense([1, 0, -Infinity, 2], 2, 2)).toThrow(/got -Infinity at index 2/);
  });
  it('rejects bad rows, cols and dropTol; still drops small finite entries', () => {
    expect(() => sparseFromDense([1], 0.5, 2)).toThrow(/rows must be a non-negative integer, got 0.5/);
    expect(() => sparseFromDense([1, 2], 1, 2, NaN)).toThrow(/dropTol must be a finite number >= 0, got NaN/);
    expect(sparseFromDense([1, 1e-13, 0, 2], 2, 2, 1e-12).values).toEqual(Float64Array.from([1, 2]));
  });
});

describe('matrixRank of a non-finite matrix is an error, not 0', () => {
  it('NaN matrix', () => {
    expect(() => matrixRank(new Float64Array(4).fill(NaN), 2, 2)).toThrow(/matrixRank: a must be finite, got NaN at index 0/);
    expect(() => rowEchelon(Float64Array.from([1, 0, 0, Infinity]), 2, 2)).toThrow(/rowEchelon: a must be finite, got Infinity at index 3/);
  });
  it('finite matrices keep their rank', () => {
    expect(matrixRank(Float64Array.from([1, 2, 2, 4]), 2, 2)).toBe(1);
    expect(matrixRank(Float64Array.from([1, 0, 0, 1]), 2, 2)).toBe(2);
  });
});

describe('closed-form bases cap n instead of hanging', () => {
  it('maron2to2Basis(1e4) throws at once, naming n and the cap', () => {
    const t0 = Date.now();
    expect(() => maron2to2Basis(1e4)).toThrow(/maron2to2Basis: n must be an integer in \[1, 32\].*got 10000/);
    expect(Date.now() - t0).toBeLessThan(1000);
  });
  it('other closed forms: caps and non-integers', () => {
    expect(() => maron1to2Basis(1e4)).toThrow(/maron1to2Basis: n must be an integer in \[1, 128\]/);
    expect(() => maron2to1Basis(1e4)).toThrow(/maron2to1Basis: n must be an integer in \[1, 128\]/);
    expect(() => deepSetsBasis(1e5)).toThrow(/deepSetsBasis: n must be an integer in \[1, 1024\]/);
    expect(() => setReadoutBasis(2.5)).toThrow(/setReadoutBasis: n must be an integer/);
    expect(() => maron2to2Basis('4' as unknown as number)).toThrow(/maron2to2Basis: n must be an integer.*got 4/);
    expect(maron2to2Basis(32).elements.length).toBe(15);
  });
});
