import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { createRng } from '@lemma/gpu-kernels';
import { estimateSupError, randomUnitVectors, telescopingBound } from './approximation';
import { basisNorm } from './basis';
import { deepSetsBasis, maron1to2Basis, maron2to1Basis, maron2to2Basis, mlpBasis } from './closed-forms';
import { buildRandomNetwork, hiddenCopiesFor, parameterReport, pruneToTarget, restrictSamples } from './construction';
import { symmetricGroup } from './groups';
import { invariantVectors } from './bias';
import { equivarianceErrorF64 } from './equivariance';
import { networkForwardF64 } from './forward-f64';
import { type EquivariantLayer, type EquivariantNetwork, layerDenseMatrix, randomLayer } from './network';
import { frobeniusNorm, operatorNorm } from './sparse';

/** Scales a layer so ‖W‖_F = 1, hence ‖W‖_op <= 1 (the theorem's operator-norm-bounded targets). */
function unitNorm(l: EquivariantLayer): EquivariantLayer {
  const f = frobeniusNorm(layerDenseMatrix(l));
  return { ...l, coeffs: l.coeffs.map((c) => c / f) };
}

function deepSetsTarget(seed: number, n = 5, widths = [2, 2, 1]): EquivariantNetwork {
  const rng = createRng(seed);
  const b = deepSetsBasis(n);
  return { layers: widths.slice(1).map((w, i) => unitNorm(randomLayer(b, widths[i]!, w, rng))) };
}

describe('the construction and its pruning', () => {
  test.prop([fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 3, max: 12 })], { numRuns: 10 })(
    'the pruned ticket is exactly S_n-equivariant and equals its folded form',
    (seed, m) => {
      const target = deepSetsTarget(seed);
      const random = buildRandomNetwork(target, { samples: m, seed: seed + 1, selfBases: [deepSetsBasis(5), deepSetsBasis(5)] });
      const pruned = pruneToTarget(target, random);
      const a = symmetricGroup(5).set();
      const x = createRng(seed + 2).normalArray(3 * 2 * 5);
      // 1e-10: permuted float64 sums of O(100) O(1) terms (see network.test.ts).
      expect(equivarianceErrorF64(pruned.network, a, a, x, 3)).toBeLessThan(1e-10);
      expect(equivarianceErrorF64(random.network, a, a, x, 3)).toBeLessThan(1e-10);
      const y1 = networkForwardF64(pruned.network, x, 3);
      const y2 = networkForwardF64(pruned.folded, x, 3);
      // Same terms summed in another order: error ~ m·2^-52 relative; 1e-12 absolute on O(1) outputs.
      y1.forEach((v, i) => expect(Math.abs(v - y2[i]!)).toBeLessThan(1e-12));
    },
  );

  test.prop([fc.integer({ min: 0, max: 1e6 })], { numRuns: 10 })(
    'layer lemma: ‖ΔW±‖_op <= n_in n_out ‖B‖ max|coefficient error| and ‖block(x) - W x‖ <= 2 · that',
    (seed) => {
      const rng = createRng(seed);
      const b = maron2to2Basis(4);
      const norm = basisNorm(b, 0).norm; // an upper bound, so the inequalities stay valid
      const t = randomLayer(b, 2, 2, rng);
      const target: EquivariantNetwork = { layers: [t] };
      const pruned = pruneToTarget(target, buildRandomNetwork(target, { samples: 10, seed }), { basisNorms: [norm] });
      const rep = pruned.layers[0]!;
      const W = layerDenseMatrix(t);
      const fold = pruned.folded.layers[1]!;
      const K = b.elements.length;
      for (const sign of [0, 1]) {
        const coeffs = new Float64Array(2 * 2 * K);
        for (let bb = 0; bb < 2; bb++) for (let a = 0; a < 2; a++) for (let k = 0; k < K; k++) coeffs[(bb * 2 + a) * K + k] = fold.coeffs[(bb * 4 + sign * 2 + a) * K + k]!;
        const Wh = layerDenseMatrix({ basis: b, cIn: 2, cOut: 2, coeffs });
        const dW = Wh.map((v, i) => v - (sign === 0 ? W[i]! : -W[i]!));
        // power iteration under-estimates ‖ΔW‖, so a pass cannot hide behind the estimate's error.
        expect(operatorNorm(dW, 32, 32)).toBeLessThanOrEqual(rep.errorBound / 2 + 1e-12);
      }
      const sup = estimateSupError(target, pruned.network, 64, seed);
      expect(sup.max).toBeLessThanOrEqual(rep.errorBound + 1e-12);
    },
  );

  it.each([1e-2, 1e-3])('telescoping network bound holds at eps = %s with the rule m = ceil(c log2(...))', (eps) => {
    const target = deepSetsTarget(7, 5, [2, 3, 2, 1]);
    const L = target.layers.length;
    const norms = target.layers.map((l) => basisNorm(l.basis).norm);
    const samples = target.layers.map((l, i) => hiddenCopiesFor({ nIn: l.cIn, nOut: l.cOut, basisSize: 2, basisNorm: norms[i]!, depth: L, eps, c: 1.5 }));
    const pruned = pruneToTarget(target, buildRandomNetwork(target, { samples, seed: 3 }), { basisNorms: norms });
    const bound = telescopingBound(pruned.layers.map((r) => r.errorBound));
    const sup = estimateSupError(target, pruned.network, 128, 1);
    expect(sup.max).toBeLessThanOrEqual(bound);
    expect(Number.isFinite(bound)).toBe(true);
  });

  test.prop([fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 4, max: 12 })], { numRuns: 8 })(
    'biases (constant input 1, G-fixed vectors): the ticket stays exactly equivariant, equals its folded form, and the bias error is a subset-sum error',
    (seed, m) => {
      const rng = createRng(seed);
      const n = 4;
      const s4 = symmetricGroup(n);
      const ones = [Float64Array.from({ length: n }, () => 1)];
      const pairVs = invariantVectors(s4.pairs());
      const target: EquivariantNetwork = {
        layers: [randomLayer(maron1to2Basis(n), 1, 2, rng, 0.5, pairVs), randomLayer(maron2to1Basis(n), 2, 1, rng, 0.5, ones)],
      };
      const random = buildRandomNetwork(target, { samples: m, seed: seed + 1 });
      const pruned = pruneToTarget(target, random);
      const x = createRng(seed + 2).normalArray(3 * n);
      const a = s4.set();
      expect(equivarianceErrorF64(pruned.network, a, a, x, 3)).toBeLessThan(1e-10);
      expect(equivarianceErrorF64(random.network, a, a, x, 3)).toBeLessThan(1e-10);
      const y1 = networkForwardF64(pruned.network, x, 3);
      const y2 = networkForwardF64(pruned.folded, x, 3);
      y1.forEach((v, i) => expect(Math.abs(v - y2[i]!)).toBeLessThan(1e-12));
      // Folded bias = achieved subset sums; each within the reported max coefficient error of the target's.
      target.layers.forEach((t, i) => {
        const fb = pruned.folded.layers[2 * i + 1]!.bias!.coeffs;
        fb.forEach((v, q) => expect(Math.abs(v - t.bias!.coeffs[q]!)).toBeLessThanOrEqual(pruned.layers[i]!.maxCoeffError + 1e-15));
        expect(pruned.layers[i]!.instances).toBe(2 * t.cIn * t.cOut * t.basis.elements.length + t.cOut * t.bias!.vectors.length);
      });
    },
  );

  it('biases: at the rule m the pruned net approximates the biased target (seeded)', () => {
    const rng = createRng(5);
    const b = deepSetsBasis(5);
    const ones = [Float64Array.from({ length: 5 }, () => 1)];
    const target: EquivariantNetwork = { layers: [randomLayer(b, 2, 3, rng, 0.3, ones), randomLayer(b, 3, 1, rng, 0.3, ones)] };
    const pruned = pruneToTarget(target, buildRandomNetwork(target, { samples: 20, seed: 9 }));
    const rep = parameterReport(target, pruned.network, 1e-3);
    expect(rep.target).toBe(2 * 3 * 2 + 3 + 3 * 2 + 1);
    expect(rep.kept).toBeLessThanOrEqual(rep.random);
    const sup = estimateSupError(target, pruned.network, 64, 2);
    expect(sup.median).toBeLessThan(1e-2);
  });

  it('more samples per coefficient give smaller median coefficient error (statistically, seeded)', () => {
    const target = deepSetsTarget(11, 5, [3, 3]);
    const med = (m: number) => pruneToTarget(target, buildRandomNetwork(target, { samples: m, seed: 5 })).layers[0]!.medianCoeffError;
    expect(med(20)).toBeLessThan(med(8));
  });

  it('parameter report: kept <= random, the random count follows the construction, lower bound = target·log2(1/2eps)', () => {
    const rng = createRng(1);
    const target: EquivariantNetwork = { layers: [randomLayer(mlpBasis(), 3, 2, rng)] };
    const m = 6;
    const random = buildRandomNetwork(target, { samples: m, seed: 2 });
    const pruned = pruneToTarget(target, random);
    const rep = parameterReport(target, pruned.network, 1e-3);
    expect(rep.target).toBe(6);
    expect(rep.random).toBe(3 * 3 * 2 * m + 3 * 2 * m * 2);
    expect(rep.kept).toBeLessThanOrEqual(rep.random);
    expect(rep.kept).toBeGreaterThan(0);
    expect(rep.lowerBound).toBeCloseTo(6 * Math.log2(500), 9);
  });

  it('hiddenCopiesFor follows ceil(c log2(n_in n_out max(|B|,‖B‖) L / eps))', () => {
    expect(hiddenCopiesFor({ nIn: 2, nOut: 4, basisSize: 15, basisNorm: 6, depth: 3, eps: 0.01 })).toBe(Math.ceil(Math.log2((2 * 4 * 15 * 3) / 0.01)));
    expect(hiddenCopiesFor({ nIn: 1, nOut: 1, basisSize: 1, basisNorm: 1, depth: 1, eps: 0.5, c: 2 })).toBe(2);
    expect(() => hiddenCopiesFor({ nIn: 1, nOut: 1, basisSize: 1, basisNorm: 1, depth: 1, eps: 0 })).toThrow(/eps must be in/);
  });

  test.prop([fc.integer({ min: 0, max: 1000 }), fc.boolean()], { numRuns: 8 })(
    'restrictSamples: nested prefixes of one draw, so every coefficient error is non-increasing in m (with biases)',
    (seed, withBias) => {
      const rng = createRng(seed);
      const b = deepSetsBasis(4);
      const bias = withBias ? invariantVectors(symmetricGroup(4).set()) : undefined;
      const target: EquivariantNetwork = { layers: [randomLayer(b, 2, 2, rng, 1, bias), randomLayer(b, 2, 1, rng, 1, bias)] };
      const M = 9;
      const full = buildRandomNetwork(target, { samples: M, seed: seed + 1 });
      const same = restrictSamples(full, M);
      same.network.layers.forEach((l, i) => expect(l.coeffs).toEqual(full.network.layers[i]!.coeffs));
      let prev: number[] | undefined;
      for (let m = 1; m <= M; m++) {
        const pruned = pruneToTarget(target, restrictSamples(full, m));
        const x = randomUnitVectors(3, 8, seed);
        // The restricted, pruned network equals its folded form (the masks select valid hidden copies).
        const y = networkForwardF64(pruned.network, x, 3);
        const z = networkForwardF64(pruned.folded, x, 3);
        y.forEach((v, t) => expect(Math.abs(v - z[t]!)).toBeLessThan(1e-12));
        const errs = pruned.layers.map((r) => r.maxCoeffError);
        if (prev) errs.forEach((e, i) => expect(e).toBeLessThanOrEqual(prev![i]! + 1e-15));
        prev = errs;
      }
      expect(() => restrictSamples(full, M + 1)).toThrow(/restrictSamples: samples must be an integer in \[1, samples drawn\]/);
    },
  );

});
