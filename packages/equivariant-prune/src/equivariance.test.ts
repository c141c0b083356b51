import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { createRng } from '@lemma/gpu-kernels';
import type { EquivariantBasis } from './basis';
import { invariantVectors } from './bias';
import { deepSetsBasis, groupConvBasis, maron1to2Basis, maron2to1Basis, maron2to2Basis } from './closed-forms';
import { equivarianceErrorF64 } from './equivariance';
import { type PermAction, imageGroup, symmetricGroup } from './groups';
import { type EquivariantNetwork, randomLayer } from './network';

interface Case {
  name: string;
  bases: EquivariantBasis[];
  channels: number[];
  actionIn: PermAction;
  actionOut: PermAction;
}

function cases(): Case[] {
  const s4 = symmetricGroup(4);
  const c4 = imageGroup('C4', 4, { translations: true });
  return [
    { name: 'DeepSets S5', bases: [deepSetsBasis(5), deepSetsBasis(5)], channels: [2, 3, 1], actionIn: symmetricGroup(5).set(), actionOut: symmetricGroup(5).set() },
    { name: '2-order S4 (1->2->2->1)', bases: [maron1to2Basis(4), maron2to2Basis(4), maron2to1Basis(4)], channels: [1, 2, 2, 1], actionIn: s4.set(), actionOut: s4.set() },
    {
      name: 'C4 group CNN (lift, regular)',
      bases: [groupConvBasis(c4, { from: 'scalar', to: 'regular', kernel: 3 }), groupConvBasis(c4, { from: 'regular', to: 'regular', kernel: 3 })],
      channels: [1, 2, 1],
      actionIn: c4.scalarField(),
      actionOut: c4.regularField(),
    },
    {
      name: 'D4 on 3x3 (orbit basis, no translations)',
      bases: [groupConvBasis(imageGroup('D4', 3, { translations: true }), { from: 'regular', to: 'regular', kernel: 3 })],
      channels: [1, 1],
      actionIn: imageGroup('D4', 3, { translations: true }).regularField(),
      actionOut: imageGroup('D4', 3, { translations: true }).regularField(),
    },
  ];
}

function buildNet(c: Case, seed: number, maskDensity?: number, withBias = false): EquivariantNetwork {
  const rng = createRng(seed);
  const outActions = outputActions(c);
  return {
    layers: c.bases.map((b, i) => {
      const l = randomLayer(b, c.channels[i]!, c.channels[i + 1]!, rng, 1, withBias ? invariantVectors(outActions[i]!) : undefined);
      if (maskDensity === undefined) return l;
      const m = (a: Float64Array) => Uint8Array.from(a, () => (rng.uniform() < maskDensity ? 1 : 0));
      if (!l.bias) return { ...l, mask: m(l.coeffs) };
      // Random-construction style bias with hidden constant units (some negative, some pruned) and a mask.
      const U = 3;
      const Kb = l.bias.vectors.length;
      const units = Float64Array.from({ length: U }, () => 2 * rng.uniform() - 1);
      const coeffs = Float64Array.from({ length: l.cOut * U * Kb }, () => 2 * rng.uniform() - 1);
      return { ...l, mask: m(l.coeffs), bias: { vectors: l.bias.vectors, coeffs, mask: m(coeffs), units, unitsMask: m(units) } };
    }),
  };
}

/** The action on each layer's output space (bases built by hand may lack actionOut: fall back on the case). */
function outputActions(c: Case): PermAction[] {
  return c.bases.map((b, i) => b.actionOut ?? (i === c.bases.length - 1 ? c.actionOut : c.actionIn));
}

// Permutations only move values, so f(gx) and g f(x) add the same terms in possibly different order:
// float64 rounding of sums of O(100) O(1) terms stays below 1e-12; 1e-10 leaves margin.
const EQ_TOL = 1e-10;


describe('equivariant networks', () => {
  const all = cases();
  for (const c of all) {
    test.prop([fc.integer({ min: 0, max: 1e6 }), fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined })], { numRuns: 8 })(
      `${c.name}: f(g x) = g f(x) for random coefficients and any mask`,
      (seed, density) => {
        const net = buildNet(c, seed, density);
        const batch = 2;
        const x = createRng(seed + 1).normalArray(batch * c.channels[0]! * c.actionIn.dim);
        expect(equivarianceErrorF64(net, c.actionIn, c.actionOut, x, batch)).toBeLessThan(EQ_TOL);
      },
    );
  }

  for (const c of all) {
    test.prop([fc.integer({ min: 0, max: 1e6 }), fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined })], { numRuns: 6 })(
      `${c.name}: with G-invariant biases, f(g x) = g f(x) for any mask (weights, bias coefficients, constant units)`,
      (seed, density) => {
        const net = buildNet(c, seed, density, true);
        const batch = 2;
        const x = createRng(seed + 1).normalArray(batch * c.channels[0]! * c.actionIn.dim);
        expect(equivarianceErrorF64(net, c.actionIn, c.actionOut, x, batch)).toBeLessThan(EQ_TOL);
      },
    );
  }

  it('a non-invariant bias breaks equivariance (the biased check can fail)', () => {
    const c = all[0]!;
    const net = buildNet(c, 2, undefined, true);
    const l0 = net.layers[0]!;
    const v = Float64Array.from({ length: 5 }, (_, i) => i); // not fixed by S5
    const broken: EquivariantNetwork = { layers: [{ ...l0, bias: { vectors: [v], coeffs: l0.bias!.coeffs } }, ...net.layers.slice(1)] };
    const x = createRng(3).normalArray(2 * c.channels[0]! * c.actionIn.dim);
    expect(equivarianceErrorF64(broken, c.actionIn, c.actionOut, x, 2)).toBeGreaterThan(1e-3);
  });

  it('a non-equivariant perturbation is detected (the check can fail)', () => {
    const c = all[0]!;
    const net = buildNet(c, 1);
    const l0 = net.layers[0]!;
    const broken: EquivariantNetwork = {
      layers: [{ ...l0, basis: { ...l0.basis, elements: [...l0.basis.elements.slice(0, 1), { ...l0.basis.elements[1]!, values: l0.basis.elements[1]!.values.map((v, i) => (i === 0 ? v + 1 : v)) }] } }, ...net.layers.slice(1)],
    };
    const x = createRng(3).normalArray(2 * c.channels[0]! * c.actionIn.dim);
    expect(equivarianceErrorF64(broken, c.actionIn, c.actionOut, x, 2)).toBeGreaterThan(1e-3);
  });
});
