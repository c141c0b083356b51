import type * as tfl from '@tensorflow/tfjs-layers';
import type { Rng } from '@lemma/gpu-kernels';
import { describeValue, expectInteger, expectLayersModel, expectObject, expectPermutation } from '@lemma/gpu-kernels/validate';
import { cloneModelAs, getParams, type Param, type Params } from './params';
import { checkSpec, type ParamAxes, type PermutationSpec } from './permutation-spec';

/** Permutation name -> `perm` with `perm[k]` = the unit of B placed at position k (so aligned B = B[perm]). */
export type Permutations = Record<string, Int32Array>;

/** The view shape of a parameter under its spec entry (validated against the data size). */
export function viewShape(fn: string, key: string, p: Param, pa: ParamAxes): number[] {
  if (!p || !(p.values instanceof Float32Array) || !Array.isArray(p.shape)) throw new Error(`${fn}: params['${key}'] must be { shape, values: Float32Array }, got ${describeValue(p)}`);
  const view = pa.view ?? p.shape;
  const size = view.reduce((a, b) => a * b, 1);
  if (size !== p.values.length) throw new Error(`${fn}: spec.params['${key}'] view [${view}] must hold the parameter's ${p.values.length} values, got ${size}`);
  if (pa.axes.length !== view.length) throw new Error(`${fn}: spec.params['${key}'] needs ${view.length} axis labels for view [${view}], got ${pa.axes.length}`);
  return view;
}

/** Gathers `values` (row-major `view`) along `axis`: out[.., k, ..] = values[.., perm[k], ..]. */
export function gatherAxis(values: Float32Array, view: number[], axis: number, perm: Int32Array): Float32Array {
  if (!(values instanceof Float32Array)) throw new Error(`gatherAxis: values must be a Float32Array, got ${describeValue(values)}`);
  if (!Array.isArray(view) || view.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)) throw new Error(`gatherAxis: view must be an array of non-negative integers, got ${describeValue(view)}`);
  const size = view.reduce((a, b) => a * b, 1);
  // A view smaller or larger than the data would gather past the end (zeros) or silently drop values.
  if (size !== values.length) throw new Error(`gatherAxis: values must hold ${size} values (the product of view [${view}]), got ${values.length}`);
  expectInteger('gatherAxis', 'axis', axis, { min: 0, max: view.length - 1 });
  const n = view[axis]!;
  if (perm?.length !== n) throw new Error(`gatherAxis: perm must have length ${n} (axis ${axis} of [${view}]), got ${describeValue(perm)}`);
  expectPermutation('gatherAxis', 'perm', perm, n);
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= view[i]!;
  let inner = 1;
  for (let i = axis + 1; i < view.length; i++) inner *= view[i]!;
  const out = new Float32Array(values.length);
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    for (let k = 0; k < n; k++) {
      const src = base + perm[k]! * inner;
      out.set(values.subarray(src, src + inner), base + k * inner);
    }
  }
  return out;
}

/** Applies every permutation of `perms` to one parameter, except `skip` (used by coordinate descent). */
export function permuteParam(fn: string, key: string, p: Param, pa: ParamAxes | undefined, perms: Permutations, skip?: string): Param {
  if (!pa) return p;
  const view = viewShape(fn, key, p, pa);
  let v = p.values;
  pa.axes.forEach((name, axis) => {
    if (name === null || name === skip) return;
    const perm = perms[name];
    if (perm) v = gatherAxis(v, view, axis, perm);
  });
  return v === p.values ? p : { shape: p.shape, values: v };
}

/** Throws unless every entry of `perms` is declared by the spec and is a permutation of its size. */
export function checkPermutations(fn: string, perms: Permutations, spec: PermutationSpec, arg = 'perms'): void {
  checkSpec(fn, 'spec', spec);
  if (perms === null || typeof perms !== 'object') throw new Error(`${fn}: ${arg} must be an object of permutations, got ${describeValue(perms)}`);
  for (const [name, perm] of Object.entries(perms)) {
    const n = spec.perms[name];
    if (n === undefined) throw new Error(`${fn}: ${arg} has '${name}', which the spec does not declare`);
    expectPermutation(fn, `${arg}['${name}']`, perm, n);
  }
}

/**
 * π(θ): every parameter with the spec's permutations applied (a pure gather; unlisted parameters are shared).
 * Every entry of `perms` must be a permutation (each unit exactly once) of the size the spec declares.
 */
export function permuteParams(params: Params, spec: PermutationSpec, perms: Permutations): Params {
  return permuteParamsAs('permuteParams', params, spec, perms);
}

/** {@link permuteParams} with errors naming `fn`. */
function permuteParamsAs(fn: string, params: Params, spec: PermutationSpec, perms: Permutations): Params {
  checkPermutations(fn, perms, spec);
  expectObject(fn, 'params', params, 'a Params record');
  const out: Params = {};
  for (const [key, p] of Object.entries(params)) out[key] = permuteParam(fn, key, p, spec.params[key], perms);
  return out;
}

/**
 * A new model computing the same function as `model`, with hidden units reordered by `perms`.
 *
 * @example
 * const same = await applyPermutation(model, spec, randomPermutations(spec, createRng(1)));
 */
export async function applyPermutation(model: tfl.LayersModel, spec: PermutationSpec, perms: Permutations): Promise<tfl.LayersModel> {
  expectLayersModel('applyPermutation', 'model', model);
  checkPermutations('applyPermutation', perms, spec);
  return cloneModelAs('applyPermutation', model, permuteParamsAs('applyPermutation', await getParams(model), spec, perms));
}

/** Uniformly random permutations for every permutation of the spec. */
export function randomPermutations(spec: PermutationSpec, rng: Rng): Permutations {
  checkSpec('randomPermutations', 'spec', spec);
  if (!rng || typeof (rng as { shuffle?: unknown }).shuffle !== 'function') throw new Error(`randomPermutations: rng must be an Rng from createRng (gpu-kernels), got ${describeValue(rng)}`);
  const out: Permutations = {};
  for (const [name, n] of Object.entries(spec.perms)) out[name] = Int32Array.from(rng.shuffle(Array.from({ length: n }, (_, i) => i)));
  return out;
}

/** Identity permutations for every permutation of the spec. */
export function identityPermutations(spec: PermutationSpec): Permutations {
  checkSpec('identityPermutations', 'spec', spec);
  const out: Permutations = {};
  for (const [name, n] of Object.entries(spec.perms)) out[name] = Int32Array.from({ length: n }, (_, i) => i);
  return out;
}

/** inv[perm[k]] = k (perm must be a permutation of 0..n-1). */
export function invertPermutation(perm: Int32Array): Int32Array {
  expectPermutation('invertPermutation', 'perm', perm);
  const inv = new Int32Array(perm.length);
  for (let k = 0; k < perm.length; k++) inv[perm[k]!] = k;
  return inv;
}
