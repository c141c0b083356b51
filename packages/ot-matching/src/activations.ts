import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { linearSumAssignment } from './assignment';
import type { PermutationSpec } from './permutation-spec';
import type { Permutations } from './permute';
import { checkModelInput } from './params';
import { checkOneOf, checkOptionKeys } from './validate';
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

function specLayers(fn: string, spec: PermutationSpec): Record<string, { producer: number; activation: number }> {
  if (!spec.layers) throw new Error(`${fn}: spec.layers is missing; use sequentialPermutationSpec or add layer indices to a hand-written spec`);
  return spec.layers;
}

/** Options of {@link activationMatching}. */
export interface ActivationMatchingOptions {
  /**
   * 'crossMoment' (uncentred E[a bᵀ], Git Re-Basin), 'covariance' (centred E[(a - ā)(b - b̄)ᵀ], the activation
   * matching of Ferbach et al.'s experiments) or 'correlation' (Pearson, as in REPAIR). Default 'crossMoment'.
   */
  method?: 'crossMoment' | 'covariance' | 'correlation';
}

/**
 * Activation matching (Git Re-Basin Sec. 3.1): for each hidden layer independently, the assignment maximising the
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
  checkOptionKeys('activationMatching', 'options', options, ['method']);
  checkOneOf('activationMatching', 'options.method', options.method, ['crossMoment', 'covariance', 'correlation']);
  checkModelInput('activationMatching', 'x', A, x);
  checkModelInput('activationMatching', 'x', B, x);
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
 * E[x̃ x̃ᵀ] (x̃ = [x; 1]) of the input of every Dense layer producing a permutation, for the covariance-weighted cost
 * of `layerwiseOTAlignment`.
 */
export async function layerInputMoments(model: tfl.LayersModel, x: tf.Tensor, spec: PermutationSpec): Promise<Record<string, InputMoment>> {
  const layers = specLayers('layerInputMoments', spec);
  checkModelInput('layerInputMoments', 'x', model, x);
  const outs = sequentialOutputs(model, x, Object.values(layers).map((l) => l.producer - 1));
  const res: Record<string, InputMoment> = {};
  try {
    for (const [name, { producer }] of Object.entries(layers)) {
      const cls = model.layers[producer]!.getClassName();
      if (cls !== 'Dense') throw new Error(`layerInputMoments: permutation '${name}' is produced by a ${cls} layer; only Dense is supported`);
      const inp = outs.get(producer - 1)!;
      const M = tf.tidy(() => {
        const X = tf.reshape(inp, [inp.shape[0]!, -1]);
        const Xt = tf.concat([X, tf.ones([X.shape[0]!, 1])], 1);
        return tf.div(tf.matMul(Xt, Xt, true, false), X.shape[0]!);
      });
      res[name] = { dim: M.shape[0]!, data: Float64Array.from(await M.data()) };
      M.dispose();
    }
  } finally {
    for (const t of outs.values()) t.dispose();
  }
  return res;
}
