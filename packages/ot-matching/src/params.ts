import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expectFiniteValues, expectLayersModel, expectObject } from '@lemma/gpu-kernels/validate';

/** One weight array of a model, row-major in the layer's own layout (Dense kernel [in, out], Conv2D [h, w, in, out]). */
export interface Param {
  shape: number[];
  values: Float32Array;
}

/**
 * A model's weights by key `<layer index>/<weight name>` (e.g. `0/kernel`, `1/gamma`), in layer order. Keys are
 * positional so two models of the same architecture share them whatever tfjs named their layers.
 */
export type Params = Record<string, Param>;

/** The weight keys of each layer, in the order `layer.getWeights()` returns them. */
export function paramKeys(model: tfl.LayersModel): string[][] {
  expectLayersModel('paramKeys', 'model', model);
  return model.layers.map((layer, i) =>
    layer.weights.map((w) => {
      const name = w.originalName ?? w.name;
      return `${i}/${name.slice(name.lastIndexOf('/') + 1)}`;
    }),
  );
}

/** Reads every weight of a tfjs-layers model (async: works on GPU backends). */
export async function getParams(model: tfl.LayersModel): Promise<Params> {
  expectLayersModel('getParams', 'model', model);
  const keys = paramKeys(model);
  const out: Params = {};
  for (let l = 0; l < model.layers.length; l++) {
    const ws = model.layers[l]!.getWeights();
    for (let k = 0; k < ws.length; k++) {
      out[keys[l]![k]!] = { shape: ws[k]!.shape.slice(), values: Float32Array.from(await ws[k]!.data()) };
    }
  }
  return out;
}

/**
 * Throws unless `params` holds every weight of `model` with its shape, as finite Float32Array values of the right
 * length. Checked in full before any tensor is made, so a rejected call leaves nothing behind.
 */
export function checkParamsFor(fn: string, arg: string, model: tfl.LayersModel, params: Params): void {
  expectObject(fn, arg, params, 'a Params record { key: { shape, values } }');
  const keys = paramKeys(model);
  for (let l = 0; l < model.layers.length; l++) {
    keys[l]!.forEach((key, k) => {
      const p = params[key];
      const shape = model.layers[l]!.weights[k]!.shape as number[];
      if (!p) throw new Error(`${fn}: ${arg} is missing '${key}'`);
      if (!Array.isArray(p.shape) || p.shape.length !== shape.length || p.shape.some((d, i) => d !== shape[i])) {
        throw new Error(`${fn}: ${arg}['${key}'] must have shape [${shape}], got [${p.shape}]`);
      }
      const size = shape.reduce((a, b) => a * b, 1);
      if (!(p.values instanceof Float32Array) || p.values.length !== size) throw new Error(`${fn}: ${arg}['${key}'].values must be a Float32Array of ${size} values, got ${p.values instanceof Float32Array ? `length ${p.values.length}` : typeof p.values}`);
      expectFiniteValues(fn, `${arg}['${key}'].values`, p.values);
    });
  }
}

/** Writes `params` into `model` (every key of the model must be present with the same shape and finite values). */
export function setParams(model: tfl.LayersModel, params: Params): void {
  expectLayersModel('setParams', 'model', model);
  checkParamsFor('setParams', 'params', model, params);
  writeParams(model, params);
}

/** setParams without the checks (callers have validated `params` against `model`). */
function writeParams(model: tfl.LayersModel, params: Params): void {
  const keys = paramKeys(model);
  for (let l = 0; l < model.layers.length; l++) {
    const layer = model.layers[l]!;
    if (layer.weights.length === 0) continue;
    const ts = keys[l]!.map((key, k) => tf.tensor(params[key]!.values, layer.weights[k]!.shape as number[]));
    layer.setWeights(ts);
    for (const t of ts) t.dispose();
  }
}

/** A new model with the same architecture as `model` (fresh variables), optionally with `params` loaded. */
export async function cloneModel(model: tfl.LayersModel, params?: Params): Promise<tfl.LayersModel> {
  return cloneModelAs('cloneModel', model, params);
}

/** {@link cloneModel} with errors naming `fn`; `params` is validated before the clone exists (no model leaks). */
export async function cloneModelAs(fn: string, model: tfl.LayersModel, params?: Params): Promise<tfl.LayersModel> {
  expectLayersModel(fn, 'model', model);
  const p = params ?? (await getParams(model));
  if (params !== undefined) checkParamsFor(fn, 'params', model, params);
  const topology = model.toJSON(null, false) as Parameters<typeof tfl.models.modelFromJSON>[0]['modelTopology'];
  const clone = await tfl.models.modelFromJSON({ modelTopology: topology });
  writeParams(clone, p);
  return clone;
}

/** (1 - t)·A + t·B on every parameter (Float32, computed in float64 per element). */
export function interpolateParams(A: Params, B: Params, t: number): Params {
  return interpolateParamsAs('interpolateParams', A, B, t);
}

/** {@link interpolateParams} with errors naming `fn`. */
export function interpolateParamsAs(fn: string, A: Params, B: Params, t: number): Params {
  if (typeof t !== 'number' || !Number.isFinite(t)) throw new Error(`${fn}: t must be finite, got ${String(t)}`);
  expectObject(fn, 'A', A, 'a Params record');
  expectObject(fn, 'B', B, 'a Params record');
  const out: Params = {};
  for (const key of Object.keys(A)) {
    const a = A[key]!;
    const b = B[key];
    if (!a || !(a.values instanceof Float32Array)) throw new Error(`${fn}: A['${key}'] must be { shape, values: Float32Array }, got ${typeof a}`);
    if (!b || !(b.values instanceof Float32Array) || b.values.length !== a.values.length) throw new Error(`${fn}: B['${key}'] must match A's shape [${a.shape}], got ${b ? `[${b.shape}]` : 'nothing'}`);
    const v = new Float32Array(a.values.length);
    // Exact endpoints: t = 0 and t = 1 copy A and B bit for bit.
    if (t === 0) v.set(a.values);
    else if (t === 1) v.set(b.values);
    else for (let i = 0; i < v.length; i++) v[i] = (1 - t) * a.values[i]! + t * b.values[i]!;
    out[key] = { shape: a.shape.slice(), values: v };
  }
  return out;
}

/**
 * A new model whose weights are (1 - t)·θ_A + t·θ_B (models must share the architecture; align B first).
 *
 * @example
 * const mid = await interpolate(modelA, alignedB, 0.5);
 */
export async function interpolate(A: tfl.LayersModel, B: tfl.LayersModel, t: number): Promise<tfl.LayersModel> {
  checkSameArchitecture('interpolate', A, B);
  if (typeof t !== 'number' || !Number.isFinite(t)) throw new Error(`interpolate: t must be finite, got ${String(t)}`);
  const [pa, pb] = await Promise.all([getParams(A), getParams(B)]);
  return cloneModelAs('interpolate', A, interpolateParamsAs('interpolate', pa, pb, t));
}

/** Throws unless B has A's architecture: as many layers, with weights of the same shapes in the same order. */
export function checkSameArchitecture(fn: string, A: tfl.LayersModel, B: tfl.LayersModel): void {
  expectLayersModel(fn, 'A', A);
  expectLayersModel(fn, 'B', B);
  const shapes = (m: tfl.LayersModel) => m.layers.map((l) => l.weights.map((w) => `[${w.shape.join(', ')}]`).join(' ')).join(' | ');
  const [a, b] = [shapes(A), shapes(B)];
  if (A.layers.length !== B.layers.length || a !== b) throw new Error(`${fn}: B must have A's architecture (weight shapes ${a}), got ${b}`);
}

/** Throws unless every entry of tensor `x` is finite (reads it back: call once per public entry). */
export async function checkFiniteTensor(fn: string, arg: string, x: tf.Tensor): Promise<void> {
  expectFiniteValues(fn, arg, await x.data());
}

/** Throws unless `x` fits the model's input: same rank and the same sizes on every axis after the batch axis. */
export function checkModelInput(fn: string, arg: string, model: tfl.LayersModel, x: tf.Tensor): void {
  expectLayersModel(fn, 'model', model);
  if (!(x instanceof tf.Tensor) || x.isDisposed) throw new Error(`${fn}: ${arg} must be a float32 tensor, got ${x instanceof tf.Tensor ? 'a disposed tensor' : typeof x}`);
  if (x.dtype !== 'float32') throw new Error(`${fn}: ${arg} must be a float32 tensor, got dtype ${x.dtype}`);
  const want = model.inputs[0]?.shape ?? [];
  const ok = x.rank === want.length && want.every((d, i) => i === 0 || d === null || d === x.shape[i]);
  if (!ok) throw new Error(`${fn}: ${arg} must have shape [rows, ${want.slice(1).join(', ')}] (the model's input), got [${x.shape}]`);
  if (x.shape[0] === 0) throw new Error(`${fn}: ${arg} must have at least one row, got shape [${x.shape}]`);
}
