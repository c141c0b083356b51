import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { basisEquivarianceResidual, basisRank, nullSpaceBasisOfActions, orbitBasis } from './basis';
import { deepSetsBasis, groupConvBasis, maron1to2Basis, maron2to1Basis, maron2to2Basis, mlpBasis } from './closed-forms';
import { imageGroup, symmetricGroup } from './groups';
import { sparseToDense } from './sparse';

// Bases of permutation actions have entries in {0, ±1, 1/n, 1/n²}; an exact commutation check leaves
// only rounding of those constants, so 1e-12 is generous.
const TOL = 1e-12;

describe('closed-form bases commute with the generators and have the known ranks', () => {
  test.prop([fc.integer({ min: 1, max: 6 })], { numRuns: 6 })('DeepSets {I, 11ᵀ/n}', (n) => {
    const b = deepSetsBasis(n);
    const a = symmetricGroup(n).set();
    expect(basisEquivarianceResidual(b, a, a)).toBeLessThan(TOL);
    expect(basisRank(b)).toBe(n === 1 ? 1 : 2);
    expect(nullSpaceBasisOfActions(a, a).elements.length).toBe(n === 1 ? 1 : 2);
  });

  it.each([
    [1, 1],
    [2, 8],
    [3, 14],
    [4, 15],
    [5, 15],
  ])('Maron 2->2 at n=%i has rank %i, equal to the null-space dimension', (n, rank) => {
    const b = maron2to2Basis(n);
    const a = symmetricGroup(n).pairs();
    expect(basisEquivarianceResidual(b, a, a)).toBeLessThan(TOL);
    expect(basisRank(b)).toBe(rank);
    if (n <= 4) expect(nullSpaceBasisOfActions(a, a).elements.length).toBe(rank);
    expect(orbitBasis(a, a).elements.length).toBe(rank);
  });

  it.each([
    [2, 4],
    [3, 5],
    [4, 5],
  ])('Maron 1->2 and 2->1 at n=%i have rank %i', (n, rank) => {
    const g = symmetricGroup(n);
    const b12 = maron1to2Basis(n);
    const b21 = maron2to1Basis(n);
    expect(basisEquivarianceResidual(b12, g.set(), g.pairs())).toBeLessThan(TOL);
    expect(basisEquivarianceResidual(b21, g.pairs(), g.set())).toBeLessThan(TOL);
    expect(basisRank(b12)).toBe(rank);
    expect(basisRank(b21)).toBe(rank);
    expect(nullSpaceBasisOfActions(g.set(), g.pairs()).elements.length).toBe(rank);
    expect(orbitBasis(g.pairs(), g.set()).elements.length).toBe(rank);
  });

  it.each([
    ['C4', 3, 4 * 9],
    ['C4', 1, 4],
    ['D4', 3, 8 * 9],
    ['C2', 3, 2 * 9],
    ['trivial', 3, 9],
  ] as const)('%s regular -> regular group conv with k=%i has dimension |G| k² = %i', (point, k, dim) => {
    const g = imageGroup(point, 5, { translations: true });
    const b = groupConvBasis(g, { from: 'regular', to: 'regular', kernel: k });
    expect(b.elements.length).toBe(dim);
    expect(basisEquivarianceResidual(b, g.regularField(), g.regularField())).toBeLessThan(TOL);
    expect(basisRank(b)).toBe(dim);
    expect(b.identityIndex).toBeGreaterThanOrEqual(0);
    expect(sparseToDense(b.elements[b.identityIndex]!).every((v, i) => v === (Math.floor(i / b.dIn) === i % b.dIn ? 1 : 0))).toBe(true);
  });

  it('C4 scalar -> scalar 3x3 kernels: 3 invariant kernels; scalar -> regular: k² lifting kernels', () => {
    const g = imageGroup('C4', 5, { translations: true });
    expect(groupConvBasis(g, { from: 'scalar', to: 'scalar', kernel: 3 }).elements.length).toBe(3);
    expect(groupConvBasis(g, { from: 'scalar', to: 'scalar', kernel: 5 }).elements.length).toBe(7);
    const lift = groupConvBasis(g, { from: 'scalar', to: 'regular', kernel: 3 });
    expect(lift.elements.length).toBe(9);
    expect(basisEquivarianceResidual(lift, g.scalarField(), g.regularField())).toBeLessThan(TOL);
  });

  it('the MLP basis is {1}', () => {
    const b = mlpBasis();
    expect(b.elements.length).toBe(1);
    expect(sparseToDense(b.elements[0]!)[0]).toBe(1);
  });
});

describe('closed-form bases cap n instead of hanging', () => {
  it('maron2to2Basis(1e4) throws at once; n = 32, the cap, still builds all 15 ops', () => {
    const t0 = Date.now();
    expect(() => maron2to2Basis(1e4)).toThrow(/maron2to2Basis: n must be an integer in \[1, 32\].*got 10000/);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(maron2to2Basis(32).elements.length).toBe(15);
  });
});
