/**
 * Equivariant layers parameterised by basis coefficients with Kronecker structure over channel copies:
 * W = sum_{b,a,k} alpha[b,a,k] E_{ba} ⊗ b_k, so pruning a coefficient (mask 0) keeps W equivariant.
 * Networks are f(x) = W_L relu(W_{L-1} ... relu(W_1 x) + c_1) + c_L with optional G-invariant biases: a bias
 * of output copy b is sum_k beta[b,k] v_k over G-fixed vectors v_k of F_out (rho(g) v_k = v_k), e.g. one
 * scalar per copy times the all-ones vector for a regular or transitive field. Seen as a map from an extra
 * input fixed at 1 (the trivial representation) to F_out, {v_k} is exactly the equivariant basis
 * Hom_G(1, F_out), so the paper's construction and pruning apply to it unchanged (see construction.ts).
 * This file holds the float64 typed-array reference; tfForward.ts has the tensor path.
 */
import type { Rng } from '@lemma/gpu-kernels';
import type { EquivariantBasis } from './basis';
import type { PermAction } from './groups';
import type { Permutation } from './permutation';
import { sparseMatTVecAdd, sparseMatVecAdd } from './sparse';

/** Largest number of channel copies of a layer side that {@link randomLayer} accepts. */
export const MAX_COPIES = 1 << 16;
/** Largest coefficient count of one layer (a Float64Array of 2^26 entries is 512 MiB). */
export const MAX_COEFFS = 1 << 26;

/** One layer F_in^cIn -> F_out^cOut. Coefficient (b, a, k) sits at (b·cIn + a)·K + k. */
export interface EquivariantLayer {
  readonly basis: EquivariantBasis;
  readonly cIn: number;
  readonly cOut: number;
  /** cOut·cIn·K coefficients. */
  readonly coeffs: Float64Array;
  /** Optional 0/1 mask of the same length (0 = pruned). */
  readonly mask?: Uint8Array;
  /** Optional G-invariant bias. */
  readonly bias?: LayerBias;
}

/**
 * A G-invariant bias: output copy b gets sum_j u_j sum_k coeffs[(b·U + j)·Kb + k] · vectors[k], where
 * u_j = 1 for a plain bias (U = 1, no `units`) or, in the random network of the construction,
 * u_j = relu(units[j]) is hidden constant unit j (the constant input 1 times a random weight, then ReLU).
 * Any mask keeps the bias in span{v_k}, so every pruning stays exactly equivariant.
 */
export interface LayerBias {
  /** Bias basis: G-fixed vectors of F_out (length dOut each), e.g. {@link invariantVectors}. */
  readonly vectors: readonly Float64Array[];
  /** cOut·U·Kb coefficients, (b, j, k) at (b·U + j)·Kb + k. */
  readonly coeffs: Float64Array;
  /** Optional 0/1 mask of `coeffs`. */
  readonly mask?: Uint8Array;
  /** Random-construction only: weights lambda_j of U hidden constant units (u_j = relu(lambda_j · 1)). */
  readonly units?: Float64Array;
  /** Optional 0/1 mask of `units` (a pruned unit outputs 0). */
  readonly unitsMask?: Uint8Array;
}

/**
 * Orbit indicators of a permutation action: a basis of its G-fixed vectors (rho(g) v = v), i.e. of
 * Hom_G(trivial, rho): the allowed bias directions. One vector (all ones) for a transitive action, e.g. a
 * regular field with translations; two for S_n on pairs (diagonal, off-diagonal).
 */
export function invariantVectors(action: PermAction): Float64Array[] {
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
  return new Float64Array(d).fill(1);
}

/** Number of hidden constant units U of a bias (1 for a plain bias). */
export function biasUnitCount(bias: LayerBias): number {
  return bias.units ? bias.units.length : 1;
}

/**
 * Effective bias coefficients beta[b,k] (cOut·Kb) of a layer with masks applied and hidden constant
 * units summed out, or undefined when the layer has no bias.
 */
export function effectiveBiasCoeffs(layer: EquivariantLayer): Float64Array | undefined {
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
  const beta = effectiveBiasCoeffs(layer);
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

/** A stack of layers with ReLU between them (none after the last). */
export interface EquivariantNetwork {
  readonly layers: readonly EquivariantLayer[];
}

/** Validates a layer's shapes and values. */
export function checkLayer(where: string, layer: EquivariantLayer): void {
  for (const [name, v] of [['cIn', layer.cIn], ['cOut', layer.cOut]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`${where}: ${name} must be a positive integer, got ${String(v)}`);
  }
  const K = layer.basis.elements.length;
  const want = layer.cOut * layer.cIn * K;
  if (layer.coeffs.length !== want) {
    throw new Error(`${where}: coeffs must have length cOut·cIn·|B| = ${layer.cOut}·${layer.cIn}·${K} = ${want}, got ${layer.coeffs.length}`);
  }
  if (layer.mask && layer.mask.length !== want) throw new Error(`${where}: mask must have length ${want}, got ${layer.mask.length}`);
  for (let i = 0; i < layer.coeffs.length; i++) {
    if (!Number.isFinite(layer.coeffs[i]!)) throw new Error(`${where}: coeffs must be finite, got ${layer.coeffs[i]} at index ${i}`);
  }
  const bias = layer.bias;
  if (bias) {
    const Kb = bias.vectors.length;
    if (Kb === 0) throw new Error(`${where}: bias.vectors must hold at least one G-fixed vector`);
    bias.vectors.forEach((v, k) => {
      if (v.length !== layer.basis.dOut) throw new Error(`${where}: bias.vectors[${k}] must have length dOut = ${layer.basis.dOut}, got ${v.length}`);
    });
    const U = biasUnitCount(bias);
    const wantB = layer.cOut * U * Kb;
    if (bias.coeffs.length !== wantB) throw new Error(`${where}: bias.coeffs must have length cOut·units·|vectors| = ${layer.cOut}·${U}·${Kb} = ${wantB}, got ${bias.coeffs.length}`);
    if (bias.mask && bias.mask.length !== wantB) throw new Error(`${where}: bias.mask must have length ${wantB}, got ${bias.mask.length}`);
    if (bias.unitsMask && (!bias.units || bias.unitsMask.length !== U)) throw new Error(`${where}: bias.unitsMask needs bias.units of the same length (${U})`);
    for (const arr of [bias.coeffs, bias.units ?? new Float64Array(0)]) {
      for (let i = 0; i < arr.length; i++) if (!Number.isFinite(arr[i]!)) throw new Error(`${where}: bias values must be finite, got ${arr[i]} at index ${i}`);
    }
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

/**
 * A layer with coefficients drawn U[-scale, scale] from `rng`; with `biasVectors` (G-fixed vectors of F_out)
 * also a bias with U[-scale, scale] coefficients.
 */
export function randomLayer(basis: EquivariantBasis, cIn: number, cOut: number, rng: Rng, scale = 1, biasVectors?: readonly Float64Array[]): EquivariantLayer {
  for (const [name, v] of [['cIn', cIn], ['cOut', cOut]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_COPIES) {
      throw new Error(`randomLayer: ${name} must be an integer in [1, ${MAX_COPIES}], got ${String(v)}`);
    }
  }
  if (typeof scale !== 'number' || !Number.isFinite(scale)) throw new Error(`randomLayer: scale must be a finite number, got ${String(scale)}`);
  if (!basis || !Array.isArray(basis.elements) || basis.elements.length === 0) throw new Error('randomLayer: basis must be an EquivariantBasis with at least one element');
  if (!rng || typeof rng.uniform !== 'function') throw new Error('randomLayer: rng must be an Rng (createRng from @lemma/gpu-kernels)');
  biasVectors?.forEach((v, k) => {
    if (v.length !== basis.dOut) throw new Error(`randomLayer: biasVectors[${k}] must have length dOut = ${basis.dOut}, got ${v.length}`);
  });
  const K = basis.elements.length;
  if (cOut * cIn * K > MAX_COEFFS) throw new Error(`randomLayer: cOut·cIn·|B| must be <= ${MAX_COEFFS}, got ${cOut}·${cIn}·${K} = ${cOut * cIn * K}`);
  const coeffs = new Float64Array(cOut * cIn * K);
  for (let i = 0; i < coeffs.length; i++) coeffs[i] = scale * (2 * rng.uniform() - 1);
  if (!biasVectors) return { basis, cIn, cOut, coeffs };
  const b = new Float64Array(cOut * biasVectors.length);
  for (let i = 0; i < b.length; i++) b[i] = scale * (2 * rng.uniform() - 1);
  return { basis, cIn, cOut, coeffs, bias: { vectors: biasVectors, coeffs: b } };
}

/** Float64 reference of one layer on a batch (row-major batch x cIn·dIn). */
export function layerForwardF64(layer: EquivariantLayer, x: Float64Array, batch: number): Float64Array {
  checkLayer('layerForwardF64: layer', layer);
  checkBatch('layerForwardF64', batch);
  return layerForwardUnchecked('layerForwardF64', layer, x, batch);
}

function checkBatch(where: string, batch: number): void {
  if (typeof batch !== 'number' || !Number.isInteger(batch) || batch < 0) throw new Error(`${where}: batch must be a non-negative integer, got ${String(batch)}`);
}

function layerForwardUnchecked(where: string, layer: EquivariantLayer, x: Float64Array, batch: number): Float64Array {
  const { basis, cIn, cOut } = layer;
  const { dIn, dOut } = basis;
  if (x.length !== batch * cIn * dIn) throw new Error(`${where}: x must have length batch·cIn·dIn = ${batch * cIn * dIn}, got ${x.length}`);
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
  const bv = layerBiasVector(layer);
  if (bv) for (let n = 0; n < batch; n++) for (let i = 0; i < bv.length; i++) y[n * bv.length + i]! += bv[i]!;
  return y;
}

/** In-place ReLU. */
export function reluInPlace(x: Float64Array): Float64Array {
  for (let i = 0; i < x.length; i++) if (x[i]! < 0) x[i] = 0;
  return x;
}

/** Float64 reference forward of a network (ReLU between layers). */
export function networkForwardF64(net: EquivariantNetwork, x: Float64Array, batch: number): Float64Array {
  checkNetwork('networkForwardF64: net', net);
  checkBatch('networkForwardF64', batch);
  let h = x;
  net.layers.forEach((l, i) => {
    h = layerForwardUnchecked('networkForwardF64', l, h, batch);
    if (i < net.layers.length - 1) reluInPlace(h);
  });
  return h;
}

/**
 * Vector-Jacobian product of a network in float64: Jᵀ v with J = ∂f/∂x at x (row-major batch x input width; v is
 * batch x output width). ReLU's derivative at 0 is taken as 0. Biases do not enter (they are constant in x).
 */
export function networkVjpF64(net: EquivariantNetwork, x: Float64Array, batch: number, v: Float64Array): Float64Array {
  checkNetwork('networkVjpF64: net', net);
  checkBatch('networkVjpF64', batch);
  if (v.length !== batch * outputSize(net)) throw new Error(`networkVjpF64: v must have length batch·output width = ${batch * outputSize(net)}, got ${v.length}`);
  const pre: Float64Array[] = [];
  let h = x;
  net.layers.forEach((l, i) => {
    const z = layerForwardUnchecked('networkVjpF64', l, h, batch);
    pre.push(z);
    h = i < net.layers.length - 1 ? reluInPlace(Float64Array.from(z)) : z;
  });
  let g = Float64Array.from(v);
  for (let i = net.layers.length - 1; i >= 0; i--) {
    if (i < net.layers.length - 1) {
      const z = pre[i]!;
      for (let t = 0; t < g.length; t++) if (!(z[t]! > 0)) g[t] = 0;
    }
    const { basis, cIn, cOut } = net.layers[i]!;
    const { dIn, dOut } = basis;
    const K = basis.elements.length;
    const c = maskedCoeffs(net.layers[i]!);
    const gx = new Float64Array(batch * cIn * dIn);
    for (let n = 0; n < batch; n++) {
      for (let b = 0; b < cOut; b++) {
        for (let a = 0; a < cIn; a++) {
          for (let k = 0; k < K; k++) {
            const alpha = c[(b * cIn + a) * K + k]!;
            if (alpha !== 0) sparseMatTVecAdd(basis.elements[k]!, alpha, g, (n * cOut + b) * dOut, gx, (n * cIn + a) * dIn);
          }
        }
      }
    }
    g = gx;
  }
  return g;
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
