import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { cloneModel, getParams, interpolateParams, setParams } from './params';
import type { PermutationSpec } from './permutation-spec';
import { repairParams } from './repair';

/** Labelled evaluation data: inputs and integer labels [N] (or one-hot [N, K]). */
export interface LabelledData {
  x: tf.Tensor;
  y: tf.Tensor;
}

/** Options of {@link lossBarrier}. */
export interface BarrierOptions {
  /** Interpolation grid (default 11 points 0, 0.1, ..., 1; must include 0 and 1). */
  ts?: number[];
  /** What the model outputs (default 'logits'); the loss is softmax cross-entropy either way. */
  outputs?: 'logits' | 'probabilities';
  /** Evaluation batch size (default 1000). */
  batchSize?: number;
  /** Apply REPAIR at every interior t, using these inputs for the statistics (needs a spec with layer indices). */
  repair?: { x: tf.Tensor; spec: PermutationSpec };
}

/** The interpolation curve and its barriers. */
export interface BarrierResult {
  ts: number[];
  loss: number[];
  accuracy: number[];
  /** max_t [L(θ_t) - ((1 - t) L(θ_A) + t L(θ_B))] (0 at the endpoints, so >= 0). */
  lossBarrier: number;
  /** max_t [((1 - t) acc(θ_A) + t acc(θ_B)) - acc(θ_t)]. */
  accuracyBarrier: number;
}

/** Mean cross-entropy and accuracy of `model` on `data`. */
export async function evaluate(model: tfl.LayersModel, data: LabelledData, options: Pick<BarrierOptions, 'outputs' | 'batchSize'> = {}): Promise<{ loss: number; accuracy: number }> {
  const N = data.x.shape[0]!;
  if (data.y.shape[0] !== N) throw new Error(`evaluate: y must have ${N} rows (one per x), got shape [${data.y.shape}]`);
  const bs = options.batchSize ?? 1000;
  const probs = options.outputs === 'probabilities';
  let lossSum = 0;
  let correct = 0;
  for (let s = 0; s < N; s += bs) {
    const e = Math.min(N, s + bs);
    const t = tf.tidy(() => {
      const xb = tf.slice(data.x, s, e - s);
      const yb = tf.slice(data.y, s, e - s);
      const out = model.predict(xb) as tf.Tensor2D;
      const K = out.shape[1]!;
      const logp = probs ? tf.log(tf.clipByValue(out, 1e-12, 1)) : tf.logSoftmax(out);
      const onehot = yb.rank === 1 ? tf.oneHot(tf.cast(yb, 'int32'), K) : tf.cast(yb, 'float32');
      const nll = tf.neg(tf.sum(tf.mul(onehot, logp)));
      const hits = tf.sum(tf.cast(tf.equal(tf.argMax(out, 1), tf.argMax(onehot, 1)), 'float32'));
      return tf.stack([nll, hits]);
    });
    const v = await t.data();
    t.dispose();
    lossSum += v[0]!;
    correct += v[1]!;
  }
  return { loss: lossSum / N, accuracy: correct / N };
}

/**
 * Loss and accuracy along the straight line θ_t = (1 - t) θ_A + t θ_B, and the barriers (Frankle et al. 2020;
 * Ferbach et al. use the same definition). Align B first (weight or activation matching) to measure linear mode
 * connectivity modulo permutations. A model with itself has barrier exactly 0.
 *
 * @example
 * const { lossBarrier, loss } = await lossBarrier(modelA, alignedB, { x, y });
 */
export async function lossBarrier(A: tfl.LayersModel, B: tfl.LayersModel, data: LabelledData, options: BarrierOptions = {}): Promise<BarrierResult> {
  const ts = options.ts ?? Array.from({ length: 11 }, (_, i) => i / 10);
  if (ts[0] !== 0 || ts[ts.length - 1] !== 1) throw new Error(`lossBarrier: ts must start at 0 and end at 1, got [${ts[0]}, ..., ${ts[ts.length - 1]}]`);
  const [pa, pb] = await Promise.all([getParams(A), getParams(B)]);
  const work = await cloneModel(A, pa);
  const loss: number[] = [];
  const accuracy: number[] = [];
  try {
    for (const t of ts) {
      let p = interpolateParams(pa, pb, t);
      if (options.repair && t > 0 && t < 1) p = await repairParams(A, B, p, t, options.repair.x, options.repair.spec);
      setParams(work, p);
      const r = await evaluate(work, data, options);
      loss.push(r.loss);
      accuracy.push(r.accuracy);
    }
  } finally {
    work.dispose();
  }
  const l0 = loss[0]!;
  const l1 = loss[loss.length - 1]!;
  const a0 = accuracy[0]!;
  const a1 = accuracy[accuracy.length - 1]!;
  let lb = 0;
  let ab = 0;
  ts.forEach((t, i) => {
    // l0 + t (l1 - l0): exact when both endpoints agree, so a model with itself has barrier exactly 0.
    lb = Math.max(lb, loss[i]! - (l0 + t * (l1 - l0)));
    ab = Math.max(ab, a0 + t * (a1 - a0) - accuracy[i]!);
  });
  return { ts, loss, accuracy, lossBarrier: lb, accuracyBarrier: ab };
}
