import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import {
  basisEquivarianceResidual,
  basisRank,
  basisNorm,
  nullSpaceBasisOfActions,
  orbitBasis,
  permutationMatrix,
  nullSpaceBasis,
} from './basis';
import { deepSetsBasis, groupConvBasis, maron1to2Basis, maron2to1Basis, maron2to2Basis, mlpBasis } from './closed-forms';
import { groupElements, imageGroup, symmetricGroup, trivialAction } from './groups';
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

describe('null-space and orbit bases', () => {
  test.prop([fc.integer({ min: 2, max: 4 }), fc.constantFrom('C2', 'C4', 'D2', 'D4' as const)], { numRuns: 12 })(
    'span the same space for image groups (orbit count = null-space dimension), identity included',
    (s, point) => {
      const g = imageGroup(point, s);
      const a = g.scalarField();
      const ns = nullSpaceBasisOfActions(a, a);
      const ob = orbitBasis(a, a);
      expect(ns.elements.length).toBe(ob.elements.length);
      expect(basisEquivarianceResidual(ns, a, a)).toBeLessThan(1e-9);
      expect(ns.identityIndex).toBeGreaterThanOrEqual(0);
      expect(ob.identityIndex).toBeGreaterThanOrEqual(0);
      // Burnside: dim Hom_G(perm, perm) = number of orbits on pairs = (1/|G|) sum_g fix(g)^2.
      const elems = groupElements(a);
      const burnside = elems.reduce((s2, p) => s2 + p.reduce((c, v, i) => c + (v === i ? 1 : 0), 0) ** 2, 0) / elems.length;
      expect(ob.elements.length).toBe(burnside);
    },
  );

  it('handles a non-permutation representation (rotation by 90 degrees on R^2)', () => {
    const rot = Float64Array.from([0, -1, 1, 0]);
    const b = nullSpaceBasis([rot], [rot], 2, 2);
    // Matrices commuting with a quarter turn: a I + b J (dimension 2), identity included.
    expect(b.elements.length).toBe(2);
    expect(b.identityIndex).toBe(0);
  });

  it('rejects actions of different groups and non-invariant supports with named errors', () => {
    expect(() => orbitBasis(symmetricGroup(3).set(), symmetricGroup(4).set())).toThrow(/same group/);
    const a = symmetricGroup(3).set();
    expect(() => orbitBasis(a, a, { support: (i, j) => i === 0 && j === 0 })).toThrow(/G-invariant/);
    expect(() => nullSpaceBasis([permutationMatrix([0, 1])], [], 2, 2)).toThrow(/same positive number/);
  });

  it('trivial group: every matrix is equivariant', () => {
    const a = trivialAction(3);
    expect(orbitBasis(a, a).elements.length).toBe(9);
  });
});

describe('basis norm', () => {
  it('DeepSets {I, 11ᵀ/n} has ‖B‖ = 2 and the MLP basis 1', () => {
    expect(basisNorm(deepSetsBasis(5)).norm).toBeCloseTo(2, 6);
    expect(basisNorm(mlpBasis()).norm).toBeCloseTo(1, 9);
  });
  it('the bound is at least the exact value', () => {
    const b = maron2to1Basis(3);
    expect(basisNorm(b, 0).norm).toBeGreaterThanOrEqual(basisNorm(b, 8).norm - 1e-9);
  });
});
