/**
 * Equivariant layers parameterised by basis coefficients with Kronecker structure over channel copies:
 * W = sum_{b,a,k} alpha[b,a,k] E_{ba} ⊗ b_k, so pruning a coefficient (mask 0) keeps W equivariant (notes §1 [C, Natale]).
 * Networks are f(x) = W_L relu(W_{L-1} ... relu(W_1 x) + c_1) + c_L with optional G-invariant biases (bias.ts; f: notes §1 [C], biases ours).
 * This file holds the data model and its validation; forward-f64.ts has the float64 reference forward,
 * tf-forward.ts the tensor path, equivariance.ts the equivariance check.
 */
import type { Rng } from '@lemma/gpu-kernels';
import { expectFinite, expectFiniteArray, expectInteger, invalidArgument } from '@lemma/gpu-kernels/validate';
import { type EquivariantBasis, expectBasis } from './basis';
import { biasUnitCount } from './bias';
import { MAX_DENSE_ENTRIES } from './sparse';

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

/** A stack of layers with ReLU between them (none after the last). */
export interface EquivariantNetwork {
  readonly layers: readonly EquivariantLayer[];
}

/** Validates a layer's shapes and values. */
export function checkLayer(where: string, layer: EquivariantLayer): void {
  if (layer === null || typeof layer !== 'object') throw invalidArgument(where, 'layer', 'an EquivariantLayer { basis, cIn, cOut, coeffs }', layer, 'type');
  expectInteger(where, 'cIn', layer.cIn, { min: 1 });
  expectInteger(where, 'cOut', layer.cOut, { min: 1 });
  expectBasis(where, 'basis', layer.basis);
  const K = layer.basis.elements.length;
  const want = layer.cOut * layer.cIn * K;
  if (!isArrayLike(layer.coeffs)) throw invalidArgument(where, 'coeffs', `a Float64Array of length cOut·cIn·|B| = ${want}`, layer.coeffs, 'type');
  if (layer.mask !== undefined && !isArrayLike(layer.mask)) throw invalidArgument(where, 'mask', `a Uint8Array of length ${want}`, layer.mask, 'type');
  if (layer.coeffs.length !== want) {
    throw new Error(`${where}: coeffs must have length cOut·cIn·|B| = ${layer.cOut}·${layer.cIn}·${K} = ${want}, got ${layer.coeffs.length}`);
  }
  if (layer.mask && layer.mask.length !== want) throw new Error(`${where}: mask must have length ${want}, got ${layer.mask.length}`);
  for (let i = 0; i < layer.coeffs.length; i++) {
    if (!Number.isFinite(layer.coeffs[i]!)) throw new Error(`${where}: coeffs must be finite, got ${layer.coeffs[i]} at index ${i}`);
  }
  const bias = layer.bias;
  if (bias !== undefined) {
    if (bias === null || typeof bias !== 'object') throw invalidArgument(where, 'bias', 'a LayerBias { vectors, coeffs } or undefined', bias, 'type');
    if (!Array.isArray(bias.vectors)) throw invalidArgument(where, 'bias.vectors', 'an array of G-fixed vectors', bias.vectors, 'type');
    const Kb = bias.vectors.length;
    if (Kb === 0) throw new Error(`${where}: bias.vectors must hold at least one G-fixed vector`);
    bias.vectors.forEach((v, k) => {
      if (!isArrayLike(v) || v.length !== layer.basis.dOut) throw new Error(`${where}: bias.vectors[${k}] must have length dOut = ${layer.basis.dOut}, got ${isArrayLike(v) ? v.length : String(v)}`);
      expectFiniteArray(where, `bias.vectors[${k}]`, v);
    });
    for (const [name, arr] of [['bias.coeffs', bias.coeffs], ['bias.mask', bias.mask], ['bias.units', bias.units], ['bias.unitsMask', bias.unitsMask]] as const) {
      if ((name === 'bias.coeffs' || arr !== undefined) && !isArrayLike(arr)) throw invalidArgument(where, name, 'a typed array', arr, 'type');
    }
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

function isArrayLike(a: unknown): a is ArrayLike<number> {
  return Array.isArray(a) || (ArrayBuffer.isView(a) && !(a instanceof DataView));
}

/** Validates consecutive layers' shapes. */
export function checkNetwork(where: string, net: EquivariantNetwork): void {
  if (net === null || typeof net !== 'object' || !Array.isArray(net.layers)) throw invalidArgument(where, 'net', 'an EquivariantNetwork { layers: EquivariantLayer[] }', net, 'type');
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
  checkNetwork('inputSize', net);
  const l = net.layers[0]!;
  return l.cIn * l.basis.dIn;
}

/** Output width cOut·dOut of a network. */
export function outputSize(net: EquivariantNetwork): number {
  checkNetwork('outputSize', net);
  return outputWidth(net);
}

/** {@link outputSize} of a network already checked. */
export function outputWidth(net: EquivariantNetwork): number {
  const l = net.layers[net.layers.length - 1]!;
  return l.cOut * l.basis.dOut;
}

/** Effective coefficients: coeffs times mask. */
export function maskedCoeffs(layer: EquivariantLayer): Float64Array {
  checkLayer('maskedCoeffs', layer);
  return maskedCoeffsOf(layer);
}

/** {@link maskedCoeffs} of a layer already checked. */
export function maskedCoeffsOf(layer: EquivariantLayer): Float64Array {
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
  for (const [name, v] of [['cIn', cIn], ['cOut', cOut]] as const) expectInteger('randomLayer', name, v, { min: 1, max: MAX_COPIES, expected: `an integer in [1, ${MAX_COPIES}]` });
  expectFinite('randomLayer', 'scale', scale);
  if (!basis || !Array.isArray(basis.elements) || basis.elements.length === 0) throw new Error('randomLayer: basis must be an EquivariantBasis with at least one element');
  expectBasis('randomLayer', 'basis', basis);
  if (!rng || typeof rng.uniform !== 'function') throw new Error('randomLayer: rng must be an Rng (createRng from @lemma/gpu-kernels)');
  if (biasVectors !== undefined && !Array.isArray(biasVectors)) throw invalidArgument('randomLayer', 'biasVectors', 'an array of G-fixed vectors', biasVectors, 'type');
  if (biasVectors?.length === 0) throw new Error('randomLayer: biasVectors must hold at least one G-fixed vector (or be left out)');
  biasVectors?.forEach((v, k) => {
    if (!isArrayLike(v) || v.length !== basis.dOut) throw new Error(`randomLayer: biasVectors[${k}] must have length dOut = ${basis.dOut}, got ${isArrayLike(v) ? v.length : String(v)}`);
    expectFiniteArray('randomLayer', `biasVectors[${k}]`, v);
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

/** The dense matrix (cOut·dOut) x (cIn·dIn) of a layer, row-major (masked coefficients). */
export function layerDenseMatrix(layer: EquivariantLayer): Float64Array {
  checkLayer('layerDenseMatrix', layer);
  const { basis, cIn, cOut } = layer;
  const { dIn, dOut } = basis;
  if (cOut * dOut * cIn * dIn > MAX_DENSE_ENTRIES) throw new RangeError(`layerDenseMatrix: (cOut·dOut)·(cIn·dIn) must be <= ${MAX_DENSE_ENTRIES}, got ${cOut * dOut}·${cIn * dIn}`);
  const K = basis.elements.length;
  const c = maskedCoeffsOf(layer);
  const cols = cIn * dIn;
  const w = new Float64Array(cOut * dOut * cols);
  for (let b = 0; b < cOut; b++) {
    for (let a = 0; a < cIn; a++) {
      for (let k = 0; k < K; k++) {
        // W = Σ α_{b,a,k} E_{ba} ⊗ b_k: the Kronecker basis k_{n→m} ⊗ B of §1 [C, Natale].
        const alpha = c[(b * cIn + a) * K + k]!;
        if (alpha === 0) continue;
        const e = basis.elements[k]!;
        for (let t = 0; t < e.values.length; t++) w[(b * dOut + e.rowIdx[t]!) * cols + a * dIn + e.colIdx[t]!]! += alpha * e.values[t]!;
      }
    }
  }
  return w;
}
