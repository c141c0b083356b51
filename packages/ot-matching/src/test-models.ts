/** Small seeded tfjs-layers models for the tests (not exported from the package). */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRng } from '@lemma/gpu-kernels';
import { getParams, setParams, type Params } from './params';

/** Gives every parameter N(0, 1/fan-in)-like values from a Philox stream (tfjs initialisers are not seeded by us). */
export async function randomize(model: tfl.LayersModel, seed: number): Promise<tfl.LayersModel> {
  const rng = createRng(seed);
  const p = await getParams(model);
  const out: Params = {};
  for (const [k, v] of Object.entries(p)) {
    const fanIn = v.shape.length > 1 ? v.shape.slice(0, -1).reduce((a, b) => a * b, 1) : 4;
    const scale = k.endsWith('moving_variance') || k.endsWith('gamma') ? 0 : 1 / Math.sqrt(fanIn);
    const vals = Float32Array.from(rng.normalArray(v.values.length), (z) => (scale === 0 ? 0.5 + Math.abs(z) : z * scale));
    out[k] = { shape: v.shape, values: vals };
  }
  setParams(model, out);
  return model;
}

/** Dense MLP: inputs -> hidden... (relu) -> outputs (logits). */
export async function makeMlp(sizes: number[], seed: number): Promise<tfl.Sequential> {
  const m = tfl.sequential();
  for (let i = 1; i < sizes.length; i++) {
    m.add(tfl.layers.dense({ units: sizes[i]!, activation: i < sizes.length - 1 ? 'relu' : 'linear', ...(i === 1 ? { inputShape: [sizes[0]!] } : {}) }));
  }
  await randomize(m, seed);
  return m;
}

/** Conv2D -> BatchNorm -> relu -> Conv2D -> Flatten -> Dense -> Dense. */
export async function makeCnn(seed: number): Promise<tfl.Sequential> {
  const m = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 3, padding: 'same' }),
      tfl.layers.batchNormalization(),
      tfl.layers.activation({ activation: 'relu' }),
      tfl.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, activation: 'relu' }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 5, activation: 'tanh' }),
      tfl.layers.dense({ units: 3 }),
    ],
  });
  await randomize(m, seed);
  return m;
}

/** Seeded normal inputs of the given shape. */
export function randomInputs(shape: number[], seed: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from(createRng(seed, 7).normalArray(n)), shape);
}
