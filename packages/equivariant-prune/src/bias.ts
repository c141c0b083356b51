/**
 * G-invariant biases: a bias of output copy b is sum_k beta[b,k] v_k over G-fixed vectors v_k of F_out
 * (rho(g) v_k = v_k), e.g. one scalar per copy times the all-ones vector for a regular or transitive field. Seen as
 * a map from an extra input fixed at 1 (the trivial representation) to F_out, {v_k} is exactly the equivariant
 * basis Hom_G(1, F_out), so the paper's construction and pruning apply to it unchanged (see construction.ts).
 * Ours: the notes record no bias treatment of the paper; escnn likewise allows biases only on trivial irreps (notes §7 [C]).
 */
import { expectInteger, invalidArgument } from '@lemma/gpu-kernels/validate';
import { type PermAction, expectAction } from './groups';
import { type EquivariantLayer, type LayerBias, checkLayer } from './network';
import { MAX_ACTION_DIM } from './permutation';

/**
 * Orbit indicators of a permutation action: a basis of its G-fixed vectors (rho(g) v = v), i.e. of
 * Hom_G(trivial, rho): the allowed bias directions. One vector (all ones) for a transitive action, e.g. a
 * regular field with translations; two for S_n on pairs (diagonal, off-diagonal).
 */
export function invariantVectors(action: PermAction): Float64Array[] {
  expectAction('invariantVectors', 'action', action);
  const d = action.dim;
  const parent = Int32Array.from({ length: d }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  for (const g of action.generators) for (let i = 0; i < d; i++) parent[find(i)] = find(g[i]!);
  const index = new Map<number, number>();
  const out: Float64Array[] = [];
  for (let i = 0; i < d; i++) {
    const r = find(i);
    if (!index.has(r)) {
      index.set(r, out.length);
      out.push(new Float64Array(d));
    }
    out[index.get(r)!]![i] = 1;
  }
  return out;
}

/** The all-ones vector of R^d (the bias direction of a transitive action). */
export function onesVector(d: number): Float64Array {
  expectInteger('onesVector', 'd', d, { min: 1, max: MAX_ACTION_DIM });
  return new Float64Array(d).fill(1);
}

/** Number of hidden constant units U of a bias (1 for a plain bias). */
export function biasUnitCount(bias: LayerBias): number {
  if (bias === null || typeof bias !== 'object') throw invalidArgument('biasUnitCount', 'bias', 'a LayerBias', bias, 'type');
  if (bias.units !== undefined && !ArrayBuffer.isView(bias.units) && !Array.isArray(bias.units)) throw invalidArgument('biasUnitCount', 'bias.units', 'a Float64Array or undefined', bias.units, 'type');
  return bias.units ? bias.units.length : 1;
}

/**
 * Effective bias coefficients beta[b,k] (cOut·Kb) of a layer with masks applied and hidden constant
 * units summed out, or undefined when the layer has no bias.
 */
export function effectiveBiasCoeffs(layer: EquivariantLayer): Float64Array | undefined {
  checkLayer('effectiveBiasCoeffs', layer);
  return biasCoeffsOf(layer);
}

/** {@link effectiveBiasCoeffs} of a layer already checked. */
export function biasCoeffsOf(layer: EquivariantLayer): Float64Array | undefined {
  const bias = layer.bias;
  if (!bias) return undefined;
  const Kb = bias.vectors.length;
  const U = biasUnitCount(bias);
  const out = new Float64Array(layer.cOut * Kb);
  for (let j = 0; j < U; j++) {
    let u = 1;
    if (bias.units) u = bias.unitsMask && !bias.unitsMask[j] ? 0 : Math.max(0, bias.units[j]!);
    if (u === 0) continue;
    for (let b = 0; b < layer.cOut; b++) {
      for (let k = 0; k < Kb; k++) {
        const q = (b * U + j) * Kb + k;
        if (bias.mask && !bias.mask[q]) continue;
        out[b * Kb + k]! += u * bias.coeffs[q]!;
      }
    }
  }
  return out;
}

/** The bias of a layer as a vector of length cOut·dOut (copy-major), or undefined. */
export function layerBiasVector(layer: EquivariantLayer): Float64Array | undefined {
  checkLayer('layerBiasVector', layer);
  return biasVectorOf(layer);
}

/** {@link layerBiasVector} of a layer already checked. */
export function biasVectorOf(layer: EquivariantLayer): Float64Array | undefined {
  const beta = biasCoeffsOf(layer);
  if (!beta) return undefined;
  const vs = layer.bias!.vectors;
  const Kb = vs.length;
  const dOut = layer.basis.dOut;
  const out = new Float64Array(layer.cOut * dOut);
  for (let b = 0; b < layer.cOut; b++) {
    for (let k = 0; k < Kb; k++) {
      const c = beta[b * Kb + k]!;
      if (c === 0) continue;
      const v = vs[k]!;
      for (let i = 0; i < dOut; i++) out[b * dOut + i]! += c * v[i]!;
    }
  }
  return out;
}
