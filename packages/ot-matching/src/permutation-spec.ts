import type * as tfl from '@tensorflow/tfjs-layers';
import { expectInteger, expectLayersModel, expectObject } from '@lemma/gpu-kernels/validate';
import { paramKeys } from './params';

/** Most units one permutation may permute (an Int32Array of 2^24 entries is 64 MB; more is a typo, not a layer). */
export const MAX_PERMUTATION_UNITS = 2 ** 24;

/**
 * Throws unless `spec` is a PermutationSpec: `perms` maps names to unit counts (integers in [1, 2^24]) and `params`
 * maps keys to `{ axes: (string | null)[] }`.
 */
export function checkSpec(fn: string, arg: string, spec: PermutationSpec): void {
  expectObject(fn, arg, spec, 'a PermutationSpec { perms, params }');
  expectObject(fn, `${arg}.perms`, spec.perms, 'an object of permutation sizes');
  expectObject(fn, `${arg}.params`, spec.params, 'an object of parameter axes');
  for (const [name, n] of Object.entries(spec.perms)) expectInteger(fn, `${arg}.perms['${name}']`, n, { min: 1, max: MAX_PERMUTATION_UNITS });
  for (const [key, pa] of Object.entries(spec.params)) {
    if (!pa || !Array.isArray(pa.axes)) throw new Error(`${fn}: ${arg}.params['${key}'].axes must be an array of permutation names or null`);
  }
}

/** How one parameter's axes map to hidden permutations. */
export interface ParamAxes {
  /** View of the parameter's data as this shape (row-major) before labelling axes; defaults to its own shape. */
  view?: number[];
  /** One label per axis of the view: a permutation name, or null for an axis no permutation touches. */
  axes: (string | null)[];
}

/**
 * Which axis of which weight belongs to which hidden permutation (Git Re-Basin's `axes_to_perm`). A parameter is an
 * *incoming* weight of permutation p when p labels its last axis (Dense kernel [in, out], bias, norm scale/shift).
 */
export interface PermutationSpec {
  /** Permutation name -> number of units it permutes, in input-to-output order. */
  perms: Record<string, number>;
  /** Parameter key -> axis labels. Parameters left out are never permuted. */
  params: Record<string, ParamAxes>;
  /**
   * For activation matching and REPAIR on Sequential models: permutation -> index of the layer whose output holds
   * that permutation's (post-activation) units, and the index of the Dense/Conv2D layer producing them.
   */
  layers?: Record<string, { producer: number; activation: number }>;
}

/** For each permutation, the (param key, axis) pairs it labels (Git Re-Basin's `perm_to_axes`). */
export function permToAxes(spec: PermutationSpec): Record<string, { key: string; axis: number }[]> {
  checkSpec('permToAxes', 'spec', spec);
  const out: Record<string, { key: string; axis: number }[]> = {};
  for (const p of Object.keys(spec.perms)) out[p] = [];
  for (const [key, pa] of Object.entries(spec.params)) {
    pa.axes.forEach((p, axis) => {
      if (p === null) return;
      if (!out[p]) throw new Error(`permToAxes: spec.params['${key}'] names permutation '${p}', which spec.perms does not declare`);
      out[p].push({ key, axis });
    });
  }
  return out;
}

const PASS_THROUGH = new Set(['Activation', 'ReLU', 'LeakyReLU', 'ELU', 'Softmax', 'Dropout', 'GaussianNoise', 'GaussianDropout', 'MaxPooling2D', 'AveragePooling2D', 'ZeroPadding2D', 'SpatialDropout2D']);

/**
 * Derives the permutation spec of a tfjs-layers `Sequential` model of Dense and Conv2D layers: one permutation per
 * hidden weight layer (named `P<layer index>`) (the last weight layer's outputs stay fixed), biases and BatchNormalization/LayerNormalization
 * parameters following their layer, Flatten after a convolution permuting channels inside the flattened axis.
 * Anything else (residual streams, attention) needs a spec written by hand.
 *
 * @example
 * const spec = sequentialPermutationSpec(model); // { perms: { P0: 512, P1: 512 }, params: { '0/kernel': ... } }
 */
export function sequentialPermutationSpec(model: tfl.LayersModel): PermutationSpec {
  expectLayersModel('sequentialPermutationSpec', 'model', model);
  const keys = paramKeys(model);
  const layers = model.layers;
  const weightLayers: number[] = [];
  layers.forEach((l, i) => {
    const cls = l.getClassName();
    if (cls === 'Dense' || cls === 'Conv2D') weightLayers.push(i);
  });
  if (weightLayers.length === 0) throw new Error('sequentialPermutationSpec: model has no Dense or Conv2D layer');
  const lastWeight = weightLayers[weightLayers.length - 1]!;
  const spec: PermutationSpec = { perms: {}, params: {}, layers: {} };
  let current: string | null = null; // permutation of the current feature axis
  let flattenFrom: number[] | null = null; // [H*W, C] when a Flatten follows a permuted convolution
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i]!;
    const cls = layer.getClassName();
    const k = keys[i]!;
    const shapes = layer.weights.map((w) => w.shape as number[]);
    if (cls === 'Dense' || cls === 'Conv2D') {
      const out = i === lastWeight ? null : `P${i}`;
      const kshape = shapes[0]!;
      const units = kshape[kshape.length - 1]!;
      if (out) spec.perms[out] = units;
      if (cls === 'Dense') {
        if (flattenFrom) spec.params[k[0]!] = { view: [flattenFrom[0]!, flattenFrom[1]!, units], axes: [null, current, out] };
        else spec.params[k[0]!] = { axes: [current, out] };
      } else {
        if (flattenFrom) throw new Error(`sequentialPermutationSpec: Conv2D '${layer.name}' after Flatten is not supported`);
        spec.params[k[0]!] = { axes: [null, null, current, out] };
      }
      if (k.length > 1) spec.params[k[1]!] = { axes: [out] };
      if (k.length > 2) throw new Error(`sequentialPermutationSpec: layer '${layer.name}' has ${k.length} weights, expected kernel and bias`);
      current = out;
      flattenFrom = null;
      if (out) spec.layers![out] = { producer: i, activation: i };
    } else if (cls === 'BatchNormalization' || cls === 'LayerNormalization') {
      for (let w = 0; w < k.length; w++) {
        if (shapes[w]!.length !== 1) throw new Error(`sequentialPermutationSpec: ${cls} '${layer.name}' must normalise the last axis only`);
        spec.params[k[w]!] = { axes: [current] };
      }
      if (current) spec.layers![current]!.activation = i;
    } else if (cls === 'Flatten') {
      const prev = layers[i - 1];
      const shape = prev ? (prev.outputShape as (number | null)[]) : [];
      if (current && shape.length === 4) flattenFrom = [shape[1]! * shape[2]!, shape[3]!];
      else if (current && shape.length !== 2) throw new Error(`sequentialPermutationSpec: cannot flatten output shape [${shape}] of '${prev?.name}'`);
    } else if (cls === 'GlobalAveragePooling2D' || cls === 'GlobalMaxPooling2D') {
      if (current) spec.layers![current]!.activation = i;
    } else if (PASS_THROUGH.has(cls)) {
      if (layer.weights.length > 0) throw new Error(`sequentialPermutationSpec: layer '${layer.name}' (${cls}) has weights`);
      if (current) spec.layers![current]!.activation = i;
    } else {
      throw new Error(`sequentialPermutationSpec: unsupported layer '${layer.name}' (${cls}); write a PermutationSpec by hand`);
    }
  }
  return spec;
}
