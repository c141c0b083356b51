import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { expectOneOf, expectOptions } from '@lemma/gpu-kernels/validate';
import { linearSumAssignment } from './assignment';
import type { PermutationSpec } from './permutation-spec';
import type { Permutations } from './permute';
import { checkFiniteTensor, checkModelInput, checkSameArchitecture } from './params';
import { checkSpec } from './permutation-spec';
import type { InputMoment } from './weight-matching';

/** Outputs of the listed layers of a Sequential model for input `x` (index -1 = the input itself). Caller disposes. */
export function sequentialOutputs(model: tfl.LayersModel, x: tf.Tensor, indices: number[]): Map<number, tf.Tensor> {
  const want = new Set(indices);
  const last = Math.max(-1, ...indices);
  const out = new Map<number, tf.Tensor>();
  if (want.has(-1)) out.set(-1, tf.clone(x));
  let h = x;
  for (let i = 0; i <= last; i++) {
    const next = model.layers[i]!.apply(h, { training: false }) as tf.Tensor;
    if (h !== x && !out.has(i - 1)) h.dispose();
    h = next;
    if (want.has(i)) out.set(i, h);
  }
  if (h !== x && !want.has(last)) h.dispose();
  return out;
}

/** Strides, padding and dilations of a channels-last Conv2D layer. */
export function convConfig(fn: string, layer: tfl.layers.Layer): { strides: [number, number]; padding: 'valid' | 'same'; dilations: [number, number] } {
  const cfg = layer.getConfig() as { strides?: number | number[]; padding?: 'valid' | 'same'; dilationRate?: number | number[]; dataFormat?: string };
  if (cfg.dataFormat && cfg.dataFormat !== 'channelsLast') throw new Error(`${fn}: Conv2D '${layer.name}' must be channelsLast`);
  const pair = (v: number | number[] | undefined): [number, number] => (v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : [v[0]!, v[1] ?? v[0]!]);
  return { strides: pair(cfg.strides), padding: cfg.padding ?? 'valid', dilations: pair(cfg.dilationRate) };
}

export function specLayers(fn: string, spec: PermutationSpec): Record<string, { producer: number; activation: number }> {
  checkSpec(fn, 'spec', spec);
  if (!spec.layers) throw new Error(`${fn}: spec.layers is missing; use sequentialPermutationSpec or add layer indices to a hand-written spec`);
  return spec.layers;
}

/** Options of {@link activationMatching}. */
export interface ActivationMatchingOptions {
  /**
   * 'crossMoment' (uncentred E[a bᵀ], samuela/git-re-basin code), 'covariance' (centred E[(a - ā)(b - b̄)ᵀ], the
   * activation matching of Ferbach et al.'s experiments, OT_LMC notebook) or 'correlation' (Pearson
   * cov/(σ_A σ_Bᵀ + 1e-4), as in the KellerJordan/REPAIR code). Default 'crossMoment'.
   */
  method?: 'crossMoment' | 'covariance' | 'correlation';
}

/**
 * Activation matching (Git Re-Basin; section number not in the notes): for each hidden layer independently, the assignment maximising the
 * summed cross-moment (or correlation) between A's units and B's permuted units on a batch of inputs.
 *
 * @example
 * const perms = await activationMatching(modelA, modelB, xBatch, sequentialPermutationSpec(modelA));
 */
export async function activationMatching(
  A: tfl.LayersModel,
  B: tfl.LayersModel,
  x: tf.Tensor,
  spec: PermutationSpec,
  options: ActivationMatchingOptions = {},
): Promise<Permutations> {
  const layers = specLayers('activationMatching', spec);
  expectOptions('activationMatching', 'options', options, ['method']);
  if (options.method !== undefined) expectOneOf('activationMatching', 'options.method', options.method, ['crossMoment', 'covariance', 'correlation']);
  checkSameArchitecture('activationMatching', A, B);
  checkModelInput('activationMatching', 'x', A, x);
  await checkFiniteTensor('activationMatching', 'x', x);
  const method = options.method ?? 'crossMoment';
  const idx = Object.values(layers).map((l) => l.activation);
  const outA = sequentialOutputs(A, x, idx);
  const outB = sequentialOutputs(B, x, idx);
  const perms: Permutations = {};
  try {
    for (const [name, { activation }] of Object.entries(layers)) {
      const n = spec.perms[name]!;
      const S = tf.tidy(() => {
        let za = tf.reshape(outA.get(activation)!, [-1, n]);
        let zb = tf.reshape(outB.get(activation)!, [-1, n]);
        const N = za.shape[0]!;
        if (method !== 'crossMoment') {
          za = tf.sub(za, tf.mean(za, 0, true));
          zb = tf.sub(zb, tf.mean(zb, 0, true));
        }
        if (method === 'correlation') {
          const sa = tf.sqrt(tf.mean(tf.square(za), 0));
          const sb = tf.sqrt(tf.mean(tf.square(zb), 0));
          // 1e-4 keeps dead units (zero variance) finite, as in the REPAIR code.
          return tf.div(tf.div(tf.matMul(za, zb, true, false), N), tf.add(tf.outerProduct(sa as tf.Tensor1D, sb as tf.Tensor1D), 1e-4));
        }
        return tf.div(tf.matMul(za, zb, true, false), N);
      });
      const data = Float64Array.from(await S.data());
      S.dispose();
      perms[name] = linearSumAssignment({ rows: n, cols: n, data }, { maximize: true }).rowToCol;
    }
  } finally {
    for (const t of outA.values()) t.dispose();
    for (const t of outB.values()) t.dispose();
  }
  return perms;
}

/**
 * E[x̃ x̃ᵀ] (x̃ = [x; 1]) of the input of every layer producing a permutation, for the covariance-weighted cost of
 * `layerwiseOTAlignment`. For a Dense producer x is the layer input; for a Conv2D producer x is one receptive-field
 * patch (kh·kw·cin values in the kernel's [h, w, in] order), averaged over every output position, so that
 * w̃ᵀ E[x̃x̃ᵀ] w̃ is the mean squared pre-activation of the unit over the feature map.
 * Σ = uncentred E[xxᵀ] of the layer input: OT_LMC notebook's "WM (ours)"; the bias row and Conv2D patches are ours.
 */
export async function layerInputMoments(model: tfl.LayersModel, x: tf.Tensor, spec: PermutationSpec): Promise<Record<string, InputMoment>> {
  const layers = specLayers('layerInputMoments', spec);
  checkModelInput('layerInputMoments', 'x', model, x);
  await checkFiniteTensor('layerInputMoments', 'x', x);
  const outs = sequentialOutputs(model, x, Object.values(layers).map((l) => l.producer - 1));
  const res: Record<string, InputMoment> = {};
  try {
    for (const [name, { producer }] of Object.entries(layers)) {
      const layer = model.layers[producer]!;
      const cls = layer.getClassName();
      if (cls !== 'Dense' && cls !== 'Conv2D') throw new Error(`layerInputMoments: permutation '${name}' is produced by a ${cls} layer; only Dense and Conv2D are supported`);
      const inp = outs.get(producer - 1)!;
      const M = tf.tidy(() => {
        let X: tf.Tensor2D;
        if (cls === 'Dense') X = tf.reshape(inp, [inp.shape[0]!, -1]);
        else {
          const [kh, kw, cin] = layer.weights[0]!.shape as number[];
          const q = kh! * kw! * cin!;
          // Patches by a convolution with the identity filter: output channel (a·kw + b)·cin + c copies input (a, b, c).
          const eye = tf.buffer([kh!, kw!, cin!, q]);
          for (let a = 0; a < kh!; a++) for (let b = 0; b < kw!; b++) for (let c = 0; c < cin!; c++) eye.set(1, a, b, c, (a * kw! + b) * cin! + c);
          const cfg = convConfig('layerInputMoments', layer);
          X = tf.reshape(tf.conv2d(inp as tf.Tensor4D, eye.toTensor() as tf.Tensor4D, cfg.strides, cfg.padding, 'NHWC', cfg.dilations), [-1, q]);
        }
        const Xt = tf.concat([X, tf.ones([X.shape[0]!, 1])], 1);
        return tf.div(tf.matMul(tf.transpose(Xt), Xt), X.shape[0]!);
      });
      res[name] = { dim: M.shape[0]!, data: Float64Array.from(await M.data()) };
      M.dispose();
    }
  } finally {
    for (const t of outs.values()) t.dispose();
  }
  return res;
}
