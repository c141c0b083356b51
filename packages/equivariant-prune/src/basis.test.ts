import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import {
  basisEquivarianceResidual,
  basisNorm,
  nullSpaceBasisOfActions,
  orbitBasis,
  permutationMatrix,
  nullSpaceBasis,
} from './basis';
import { deepSetsBasis, maron2to1Basis, mlpBasis } from './closed-forms';
import { groupElements, imageGroup, symmetricGroup, trivialAction } from './groups';

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
