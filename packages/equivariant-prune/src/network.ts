/**
 * Equivariant layers parameterised by basis coefficients with Kronecker structure over channel copies:
 * W = sum_{b,a,k} alpha[b,a,k] E_{ba} ⊗ b_k, so pruning a coefficient (mask 0) keeps W equivariant.
 * Networks are f(x) = W_L relu(W_{L-1} ... relu(W_1 x)) (no biases, as in the paper). This file holds
 * the float64 typed-array reference; tfForward.ts has the tensor path.
 */
import type { Rng } from '@lemma/gpu-kernels';
import type { EquivariantBasis } from './basis';
import type { PermAction } from './groups';
import type { Permutation } from './permutation';
import { sparseMatVecAdd } from './sparse';

/** One layer F_in^cIn -> F_out^cOut. Coefficient (b, a, k) sits at (b·cIn + a)·K + k. */
export interface EquivariantLayer {
  readonly basis: EquivariantBasis;
  readonly cIn: number;
  readonly cOut: number;
  /** cOut·cIn·K coefficients. */
  readonly coeffs: Float64Array;
  /** Optional 0/1 mask of the same length (0 = pruned). */
  readonly mask?: Uint8Array;
}

/** A stack of layers with ReLU between them (none after the last). */
export interface EquivariantNetwork {
  readonly layers: readonly EquivariantLayer[];
}

/** Validates a layer's shapes and values. */
export function checkLayer(where: string, layer: EquivariantLayer): void {
  const K = layer.basis.elements.length;
  const want = layer.cOut * layer.cIn * K;
  if (layer.coeffs.length !== want) {
    throw new Error(`${where}: coeffs must have length cOut·cIn·|B| = ${layer.cOut}·${layer.cIn}·${K} = ${want}, got ${layer.coeffs.length}`);
  }
  if (layer.mask && layer.mask.length !== want) throw new Error(`${where}: mask must have length ${want}, got ${layer.mask.length}`);
  for (let i = 0; i < layer.coeffs.length; i++) {
    if (!Number.isFinite(layer.coeffs[i]!)) throw new Error(`${where}: coeffs must be finite, got ${layer.coeffs[i]} at index ${i}`);
  }
}

/** Validates consecutive layers' shapes. */
export function checkNetwork(where: string, net: EquivariantNetwork): void {
  if (net.layers.length === 0) throw new Error(`${where}: network must have at least one layer`);
  net.layers.forEach((l, i) => {
    checkLayer(`${where} layer ${i}`, l);
    const next = net.layers[i + 1];
    if (next && (next.cIn !== l.cOut || next.basis.dIn !== l.basis.dOut)) {
      throw new Error(`${where}: layer ${i + 1} expects ${next.cIn} copies of dim ${next.basis.dIn}, layer ${i} gives ${l.cOut} copies of dim ${l.basis.dOut}`);
    }
  });
}

/** Input width cIn·dIn of a network. */
export function inputSize(net: EquivariantNetwork): number {
  const l = net.layers[0]!;
  return l.cIn * l.basis.dIn;
}

/** Output width cOut·dOut of a network. */
export function outputSize(net: EquivariantNetwork): number {
  const l = net.layers[net.layers.length - 1]!;
  return l.cOut * l.basis.dOut;
}

/** Effective coefficients: coeffs times mask. */
export function maskedCoeffs(layer: EquivariantLayer): Float64Array {
  if (!layer.mask) return layer.coeffs;
  const out = new Float64Array(layer.coeffs.length);
  for (let i = 0; i < out.length; i++) out[i] = layer.mask[i] ? layer.coeffs[i]! : 0;
  return out;
}

/** A layer with coefficients drawn U[-scale, scale] from `rng`. */
export function randomLayer(basis: EquivariantBasis, cIn: number, cOut: number, rng: Rng, scale = 1): EquivariantLayer {
  const K = basis.elements.length;
  const coeffs = new Float64Array(cOut * cIn * K);
  for (let i = 0; i < coeffs.length; i++) coeffs[i] = scale * (2 * rng.uniform() - 1);
  return { basis, cIn, cOut, coeffs };
}

/** Float64 reference of one layer on a batch (row-major batch x cIn·dIn). */
export function layerForwardF64(layer: EquivariantLayer, x: Float64Array, batch: number): Float64Array {
  const { basis, cIn, cOut } = layer;
  const { dIn, dOut } = basis;
  if (x.length !== batch * cIn * dIn) throw new Error(`layerForwardF64: x must have length batch·cIn·dIn = ${batch * cIn * dIn}, got ${x.length}`);
  const K = basis.elements.length;
  const c = maskedCoeffs(layer);
  const y = new Float64Array(batch * cOut * dOut);
  for (let n = 0; n < batch; n++) {
    for (let b = 0; b < cOut; b++) {
      for (let a = 0; a < cIn; a++) {
        for (let k = 0; k < K; k++) {
          const alpha = c[(b * cIn + a) * K + k]!;
          if (alpha === 0) continue;
          sparseMatVecAdd(basis.elements[k]!, alpha, x, (n * cIn + a) * dIn, y, (n * cOut + b) * dOut);
        }
      }
    }
  }
  return y;
}

/** In-place ReLU. */
export function reluInPlace(x: Float64Array): Float64Array {
  for (let i = 0; i < x.length; i++) if (x[i]! < 0) x[i] = 0;
  return x;
}

/** Float64 reference forward of a network (ReLU between layers). */
export function networkForwardF64(net: EquivariantNetwork, x: Float64Array, batch: number): Float64Array {
  let h = x;
  net.layers.forEach((l, i) => {
    h = layerForwardF64(l, h, batch);
    if (i < net.layers.length - 1) reluInPlace(h);
  });
  return h;
}

/** Applies a group element (a permutation of one copy's indices) to every copy of every batch row. */
export function actOnBatch(g: Permutation, x: Float64Array, batch: number, copies: number): Float64Array {
  const d = g.length;
  if (x.length !== batch * copies * d) throw new Error(`actOnBatch: x must have length batch·copies·dim = ${batch * copies * d}, got ${x.length}`);
  const out = new Float64Array(x.length);
  for (let r = 0; r < batch * copies; r++) {
    const o = r * d;
    for (let i = 0; i < d; i++) out[o + g[i]!] = x[o + i]!;
  }
  return out;
}

/**
 * Largest ‖f(g x) - g f(x)‖_inf over the group elements (all of them when there are at most
 * `maxElements`, else the generators) and the batch, in float64.
 */
export function equivarianceErrorF64(
  net: EquivariantNetwork,
  actionIn: PermAction,
  actionOut: PermAction,
  x: Float64Array,
  batch: number,
  maxElements = 64,
): number {
  const cIn = net.layers[0]!.cIn;
  const cOut = net.layers[net.layers.length - 1]!.cOut;
  let pairs: [Permutation, Permutation][];
  try {
    pairs = groupElementPairs(actionIn, actionOut, maxElements);
  } catch {
    pairs = actionIn.generators.map((g, i) => [g, actionOut.generators[i]!]);
  }
  const fx = networkForwardF64(net, x, batch);
  let worst = 0;
  for (const [gi, go] of pairs) {
    const fgx = networkForwardF64(net, actOnBatch(gi, x, batch, cIn), batch);
    const gfx = actOnBatch(go, fx, batch, cOut);
    for (let i = 0; i < fgx.length; i++) worst = Math.max(worst, Math.abs(fgx[i]! - gfx[i]!));
  }
  return worst;
}

/**
 * Every group element as a pair (its permutation on actionIn, its permutation on actionOut), found as
 * the closure of the generator pairs (keyed on both, so a non-faithful side cannot merge elements).
 */
export function groupElementPairs(actionIn: PermAction, actionOut: PermAction, maxElements = 64): [Permutation, Permutation][] {
  const nG = actionIn.generators.length;
  const compose = (a: Permutation, b: Permutation): Permutation => {
    const out = new Int32Array(a.length);
    for (let i = 0; i < a.length; i++) out[i] = a[b[i]!]!;
    return out;
  };
  const key = (p: Permutation, q: Permutation): string => `${Array.prototype.join.call(p, ',')}|${Array.prototype.join.call(q, ',')}`;
  const idIn = Int32Array.from({ length: actionIn.dim }, (_, i) => i);
  const idOut = Int32Array.from({ length: actionOut.dim }, (_, i) => i);
  const seen = new Set<string>([key(idIn, idOut)]);
  const out: [Permutation, Permutation][] = [[idIn, idOut]];
  const queue: [Permutation, Permutation][] = [[idIn, idOut]];
  while (queue.length > 0) {
    const [pi, po] = queue.pop()!;
    for (let g = 0; g < nG; g++) {
      const qi = compose(actionIn.generators[g]!, pi);
      const qo = compose(actionOut.generators[g]!, po);
      const k = key(qi, qo);
      if (!seen.has(k)) {
        if (seen.size >= maxElements) throw new Error(`groupElementPairs: more than maxElements = ${maxElements} elements`);
        seen.add(k);
        out.push([qi, qo]);
        queue.push([qi, qo]);
      }
    }
  }
  return out;
}

/** The dense matrix (cOut·dOut) x (cIn·dIn) of a layer, row-major (masked coefficients). */
export function layerDenseMatrix(layer: EquivariantLayer): Float64Array {
  const { basis, cIn, cOut } = layer;
  const { dIn, dOut } = basis;
  const K = basis.elements.length;
  const c = maskedCoeffs(layer);
  const cols = cIn * dIn;
  const w = new Float64Array(cOut * dOut * cols);
  for (let b = 0; b < cOut; b++) {
    for (let a = 0; a < cIn; a++) {
      for (let k = 0; k < K; k++) {
        const alpha = c[(b * cIn + a) * K + k]!;
        if (alpha === 0) continue;
        const e = basis.elements[k]!;
        for (let t = 0; t < e.values.length; t++) w[(b * dOut + e.rowIdx[t]!) * cols + a * dIn + e.colIdx[t]!]! += alpha * e.values[t]!;
      }
    }
  }
  return w;
}
