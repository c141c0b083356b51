import { frobeniusNorm, layerDenseMatrix } from '@lemma/equivariant-prune';
import { expect, it } from 'vitest';
import { families, samplesFor } from './experiment';
import { errorFigure } from './figures';

it('every family target is a chain of unit-Frobenius-norm layers, deterministic in the seed', () => {
  const fams = families(3);
  expect(fams.map((f) => f.name.split(' ')[0]!.toLowerCase())).toEqual(['mlp', 'deepsets', '2-order', 'c4']);
  for (const f of fams) {
    expect(f.selfBases.length).toBe(f.target.layers.length);
    for (const l of f.target.layers) expect(frobeniusNorm(layerDenseMatrix(l))).toBeCloseTo(1, 12);
  }
  expect(families(3)[0]!.target.layers[0]!.coeffs).toEqual(fams[0]!.target.layers[0]!.coeffs);
});

it('samplesFor inverts log2(error) = a + b·m, and the figure holds a measured and a bound row per family and m', () => {
  const fit = { a: 0, b: -1, r2: 1 };
  expect(samplesFor(fit, 2 ** -10)).toBe(10);
  expect(samplesFor(fit, 1e-3)).toBe(10);
  const fig = errorFigure({ plan: { ms: [4, 6], seeds: 1, probes: 1 }, families: [{ name: 'f', error: [0.5, 0.25], bound: [1, 0.5], fit, counts: { m: 6, target: 1, random: 1, kept: 1, lowerBound: 1, eps: 0.25 } }] });
  expect((fig.spec.data as { values: unknown[] }).values).toEqual([
    { family: 'f', m: 4, error: 0.5, kind: 'measured sup error (median over seeds)' },
    { family: 'f', m: 4, error: 1, kind: 'certified bound (telescoping)' },
    { family: 'f', m: 6, error: 0.25, kind: 'measured sup error (median over seeds)' },
    { family: 'f', m: 6, error: 0.5, kind: 'certified bound (telescoping)' },
  ]);
});
