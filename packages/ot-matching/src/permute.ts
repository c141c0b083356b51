import type * as tfl from '@tensorflow/tfjs-layers';
import type { Rng } from '@lemma/gpu-kernels';
import { cloneModel, getParams, type Param, type Params } from './params';
import type { ParamAxes, PermutationSpec } from './permutation-spec';
import { checkPermutation } from './validate';

/** Permutation name -> `perm` with `perm[k]` = the unit of B placed at position k (so aligned B = B[perm]). */
export type Permutations = Record<string, Int32Array>;

/** The view shape of a parameter under its spec entry (validated against the data size). */
export function viewShape(key: string, p: Param, pa: ParamAxes): number[] {
  const view = pa.view ?? p.shape;
  const size = view.reduce((a, b) => a * b, 1);
  if (size !== p.values.length) throw new Error(`permutation spec: view [${view}] of '${key}' must hold ${p.values.length} values, got ${size}`);
  if (pa.axes.length !== view.length) throw new Error(`permutation spec: '${key}' needs ${view.length} axis labels for view [${view}], got ${pa.axes.length}`);
  return view;
}

/** Gathers `values` (row-major `view`) along `axis`: out[.., k, ..] = values[.., perm[k], ..]. */
export function gatherAxis(values: Float32Array, view: number[], axis: number, perm: Int32Array): Float32Array {
  const n = view[axis]!;
  if (perm.length !== n) throw new Error(`gatherAxis: permutation must have length ${n} (axis ${axis} of [${view}]), got ${perm.length}`);
  checkPermutation('gatherAxis', 'perm', perm, n);
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
export function permuteParam(key: string, p: Param, pa: ParamAxes | undefined, perms: Permutations, skip?: string): Param {
  if (!pa) return p;
  const view = viewShape(key, p, pa);
  let v = p.values;
  pa.axes.forEach((name, axis) => {
    if (name === null || name === skip) return;
    const perm = perms[name];
    if (perm) v = gatherAxis(v, view, axis, perm);
  });
  return v === p.values ? p : { shape: p.shape, values: v };
}

/** Throws unless every entry of `perms` is declared by the spec and is a permutation of its size. */
export function checkPermutations(fn: string, perms: Permutations, spec: PermutationSpec): void {
  if (perms === null || typeof perms !== 'object') throw new Error(`${fn}: perms must be an object of permutations, got ${String(perms)}`);
  for (const [name, perm] of Object.entries(perms)) {
    const n = spec.perms[name];
    if (n === undefined) throw new Error(`${fn}: perms has '${name}', which the spec does not declare`);
    checkPermutation(fn, `perms['${name}']`, perm, n);
  }
}

/**
 * π(θ): every parameter with the spec's permutations applied (a pure gather; unlisted parameters are shared).
 * Every entry of `perms` must be a permutation (each unit exactly once) of the size the spec declares.
 */
export function permuteParams(params: Params, spec: PermutationSpec, perms: Permutations): Params {
  checkPermutations('permuteParams', perms, spec);
  const out: Params = {};
  for (const [key, p] of Object.entries(params)) out[key] = permuteParam(key, p, spec.params[key], perms);
  return out;
}

/**
 * A new model computing the same function as `model`, with hidden units reordered by `perms`.
 *
 * @example
 * const same = await applyPermutation(model, spec, randomPermutations(spec, createRng(1)));
 */
export async function applyPermutation(model: tfl.LayersModel, spec: PermutationSpec, perms: Permutations): Promise<tfl.LayersModel> {
  return cloneModel(model, permuteParams(await getParams(model), spec, perms));
}

/** Uniformly random permutations for every permutation of the spec. */
export function randomPermutations(spec: PermutationSpec, rng: Rng): Permutations {
  const out: Permutations = {};
  for (const [name, n] of Object.entries(spec.perms)) out[name] = Int32Array.from(rng.shuffle(Array.from({ length: n }, (_, i) => i)));
  return out;
}

/** Identity permutations for every permutation of the spec. */
export function identityPermutations(spec: PermutationSpec): Permutations {
  const out: Permutations = {};
  for (const [name, n] of Object.entries(spec.perms)) out[name] = Int32Array.from({ length: n }, (_, i) => i);
  return out;
}

/** inv[perm[k]] = k (perm must be a permutation of 0..n-1). */
export function invertPermutation(perm: Int32Array): Int32Array {
  checkPermutation('invertPermutation', 'perm', perm);
  const inv = new Int32Array(perm.length);
  for (let k = 0; k < perm.length; k++) inv[perm[k]!] = k;
  return inv;
}
