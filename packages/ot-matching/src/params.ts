import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

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
  return model.layers.map((layer, i) =>
    layer.weights.map((w) => {
      const name = w.originalName ?? w.name;
      return `${i}/${name.slice(name.lastIndexOf('/') + 1)}`;
    }),
  );
}

/** Reads every weight of a tfjs-layers model (async: works on GPU backends). */
export async function getParams(model: tfl.LayersModel): Promise<Params> {
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

/** Writes `params` into `model` (every key of the model must be present with the same shape). */
export function setParams(model: tfl.LayersModel, params: Params): void {
  const keys = paramKeys(model);
  for (let l = 0; l < model.layers.length; l++) {
    const layer = model.layers[l]!;
    if (layer.weights.length === 0) continue;
    const ts = keys[l]!.map((key, k) => {
      const p = params[key];
      const shape = layer.weights[k]!.shape as number[];
      if (!p) throw new Error(`setParams: params is missing '${key}'`);
      if (p.shape.length !== shape.length || p.shape.some((d, i) => d !== shape[i])) {
        throw new Error(`setParams: params['${key}'] must have shape [${shape}], got [${p.shape}]`);
      }
      return tf.tensor(p.values, shape);
    });
    layer.setWeights(ts);
    for (const t of ts) t.dispose();
  }
}

/** A new model with the same architecture as `model` (fresh variables), optionally with `params` loaded. */
export async function cloneModel(model: tfl.LayersModel, params?: Params): Promise<tfl.LayersModel> {
  const topology = model.toJSON(null, false) as Parameters<typeof tfl.models.modelFromJSON>[0]['modelTopology'];
  const clone = await tfl.models.modelFromJSON({ modelTopology: topology });
  setParams(clone, params ?? (await getParams(model)));
  return clone;
}

/** (1 - t)·A + t·B on every parameter (Float32, computed in float64 per element). */
export function interpolateParams(A: Params, B: Params, t: number): Params {
  if (!Number.isFinite(t)) throw new Error(`interpolateParams: t must be finite, got ${t}`);
  const out: Params = {};
  for (const key of Object.keys(A)) {
    const a = A[key]!;
    const b = B[key];
    if (!b || b.values.length !== a.values.length) throw new Error(`interpolateParams: B['${key}'] must match A's shape [${a.shape}], got ${b ? `[${b.shape}]` : 'nothing'}`);
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
  const [pa, pb] = await Promise.all([getParams(A), getParams(B)]);
  return cloneModel(A, interpolateParams(pa, pb, t));
}

/** Throws unless `x` fits the model's input: same rank and the same sizes on every axis after the batch axis. */
export function checkModelInput(fn: string, arg: string, model: tfl.LayersModel, x: tf.Tensor): void {
  const want = model.inputs[0]?.shape ?? [];
  const ok = x.rank === want.length && want.every((d, i) => i === 0 || d === null || d === x.shape[i]);
  if (!ok) throw new Error(`${fn}: ${arg} must have shape [rows, ${want.slice(1).join(', ')}] (the model's input), got [${x.shape}]`);
  if (x.shape[0] === 0) throw new Error(`${fn}: ${arg} must have at least one row, got shape [${x.shape}]`);
}
