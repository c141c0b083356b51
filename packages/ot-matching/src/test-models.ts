/** Small seeded tfjs-layers models for the tests (not exported from the package). */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRng } from '@lemma/gpu-kernels';
import { getParams, setParams, type Param, type Params } from './params';
import { sequentialPermutationSpec, type PermutationSpec } from './permutation-spec';
import { applyPermutation, randomPermutations, type Permutations } from './permute';

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
/** A seeded 6-10-9-4 MLP A and B = A with its hidden units permuted by q (the permutations to recover). */
export async function hiddenlyPermutedMlp(seed: number): Promise<{ A: tfl.Sequential; B: tfl.LayersModel; spec: PermutationSpec; q: Permutations }> {
  const A = await makeMlp([6, 10, 9, 4], seed);
  const spec = sequentialPermutationSpec(A);
  const q = randomPermutations(spec, createRng(seed, 1));
  return { A, B: await applyPermutation(A, spec, q), spec, q };
}

export function randomInputs(shape: number[], seed: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from(createRng(seed, 7).normalArray(n)), shape);
}

/** The model's predictions on `x`, read back (the prediction tensor is disposed). */
export async function outputs(model: tfl.LayersModel, x: tf.Tensor): Promise<Float32Array> {
  const y = model.predict(x) as tf.Tensor;
  const v = (await y.data()) as Float32Array;
  y.dispose();
  return v;
}

/**
 * A residual MLP written by hand (no tfjs): h = x W0, h += relu(h W1) W2, h += relu(h W3) W4, y = h W5.
 * Both blocks write to one residual stream, so W0's output, W2/W4's outputs and W1/W3/W5's inputs share P_res.
 */
const D = 3;
const R = 6;
const H = 5;
const residualSpec: PermutationSpec = {
  perms: { P_res: R, P_b1: H, P_b2: H },
  params: {
    W0: { axes: [null, 'P_res'] },
    W1: { axes: ['P_res', 'P_b1'] },
    W2: { axes: ['P_b1', 'P_res'] },
    W3: { axes: ['P_res', 'P_b2'] },
    W4: { axes: ['P_b2', 'P_res'] },
    W5: { axes: ['P_res', null] },
  },
};
const shapes: Record<string, [number, number]> = { W0: [D, R], W1: [R, H], W2: [H, R], W3: [R, H], W4: [H, R], W5: [R, 2] };

function randomParams(seed: number): Params {
  const rng = createRng(seed);
  const p: Params = {};
  for (const [k, s] of Object.entries(shapes)) p[k] = { shape: s, values: Float32Array.from(rng.normalArray(s[0] * s[1])) };
  return p;
}

function matvec(x: Float64Array, W: Param, relu = false): Float64Array {
  const [n, m] = W.shape as [number, number];
  const y = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i]! * W.values[i * m + j]!;
    y[j] = relu ? Math.max(0, s) : s;
  }
  return y;
}

function forward(p: Params, x: Float64Array): Float64Array {
  const h = matvec(x, p.W0!);
  const add = (a: Float64Array, b: Float64Array) => a.forEach((v, i) => (a[i] = v + b[i]!));
  add(h, matvec(matvec(h, p.W1!, true), p.W2!));
  add(h, matvec(matvec(h, p.W3!, true), p.W4!));
  return matvec(h, p.W5!);
}

/** The hand-written residual MLP: its spec, seeded float32 parameters and a float64 forward pass of one input. */
export const residualMlp = { spec: residualSpec, randomParams, forward } as const;
